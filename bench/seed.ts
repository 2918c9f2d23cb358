/**
 * Seeds a benchmark database file: the real migrations (through `openDatabase`), then people,
 * group chats, active commitments, a little answered history and their `created` events, written
 * with raw better-sqlite3 prepared inserts inside large transactions, because going through the
 * engine would take hours at a million rows.
 *
 * The shape follows the scale: ten commitments per person (so `/status` lists about ten
 * at every size), one group chat per 200 commitments, a realistic mix of cadences and zones, a
 * witness on one commitment in ten, and every `next_due_at` spread over the coming week starting
 * three hours after `t0`, so nothing is due at the instants the benchmark measures. The file is
 * fsynced at the end, so the OS writing back a gigabyte of dirty pages does not overlap (and
 * slow) the measurements that follow.
 */
import { closeSync, fsyncSync, openSync, rmSync, statSync } from "node:fs";
import { openDatabase } from "../src/store/sqlite/db";
import { mulberry32 } from "../tests/support/prng";

/** What a seeded database holds and the instants the benchmark works around. */
export interface Seeded {
  path: string;
  /** The benchmark's "now" (a whole minute): nothing is due before `t0 + 3 h`. */
  t0: number;
  commitments: number;
  people: number;
  chats: number;
  /** Answered check-ins written as history. */
  history: number;
  seedMs: number;
  fileBytes: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Commitments per person, as in the "1M commitments over 100k people". */
export const PER_PERSON = 10;
/** Commitments per group chat: 1M → 5,000 chats ("a few thousand"). */
const PER_CHAT = 200;
/** Past answered check-ins written per commitment, so history tables are not empty. */
const HISTORY_PER_COMMITMENT = 2;
/** Rows per seeding transaction. */
const TX_ROWS = 50_000;

const CADENCES = [
  "daily 07:30",
  "daily 20:00",
  "daily 21:15",
  "weekdays 09:00",
  "weekly mon,thu 18:30",
  "weekly sun 18:00",
  "every 3 days 08:00",
  "graduated 21:00",
  "cron 0 7 * * 1-5",
  "daily 12:00",
] as const;
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Asia/Tokyo",
  "Europe/London",
  "America/Sao_Paulo",
];
const CADENCE_STATE = JSON.stringify({ phase: 0, keptInPhase: 0, missesInRow: 0 });

/** The platform user id of seeded person `i` (1-based); chats use negative ids as Telegram does. */
export const personExternalId = (i: number): string => String(100_000_000 + i);
export const personName = (i: number): string => `Person ${i}`;
export const personUsername = (i: number): string => `person${i}`;
export const chatExternalId = (j: number): string => `-100${1_000_000 + j}`;
export const chatTitle = (j: number): string => `Group ${j}`;
/** The group chat person `i` made their commitments in. */
export const chatOfPerson = (i: number, chats: number): number => ((i - 1) % chats) + 1;

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Creates (replacing) the database at `path` with `count` active commitments. */
export function seedDatabase(path: string, count: number, t0: number): Seeded {
  const started = performance.now();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  const db = openDatabase(path);
  const client = db.$client;
  // Seeding only: nothing here needs to survive a power cut, and the file is rebuilt each run.
  client.pragma("synchronous = OFF");
  client.pragma("cache_size = -262144");

  const people = Math.ceil(count / PER_PERSON);
  const chats = Math.max(1, Math.ceil(count / PER_CHAT));
  const rand = mulberry32(count);
  const created = t0 - 30 * DAY;

  const insertChat = client.prepare(
    `INSERT INTO chats (id, platform, external_id, kind, title, created_at)
     VALUES (?, 'telegram', ?, 'group', ?, ?)`,
  );
  const insertPerson = client.prepare(
    `INSERT INTO people (id, platform, external_id, name, username, is_bot, zone, dm_chat_id, created_at)
     VALUES (?, 'telegram', ?, ?, ?, 0, ?, ?, ?)`,
  );
  const insertCommitment = client.prepare(
    `INSERT INTO commitments (id, owner_id, chat_id, number, promise, cadence, cadence_state, anchor, zone,
       visibility, state, witness_id, witness_status, next_due_at, streak, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`,
  );
  const insertCheckIn = client.prepare(
    `INSERT INTO check_ins (commitment_id, due_at, window_end, state, answer, answered_at, created_at)
     VALUES (?, ?, ?, 'answered', 'kept', ?, ?)`,
  );
  const insertEvent = client.prepare(
    "INSERT INTO events (commitment_id, actor_id, kind, data, at) VALUES (?, ?, 'created', ?, ?)",
  );

  /** Runs `write(i)` for i in [1, n] in transactions of TX_ROWS. */
  const inBatches = (n: number, write: (i: number) => void): void => {
    const batch = client.transaction((from: number, to: number) => {
      for (let i = from; i <= to; i++) write(i);
    });
    for (let from = 1; from <= n; from += TX_ROWS) batch(from, Math.min(n, from + TX_ROWS - 1));
  };

  inBatches(chats, (j) => insertChat.run(j, chatExternalId(j), chatTitle(j), created));
  const zoneOfPerson = (i: number): string => ZONES[i % ZONES.length] ?? "UTC";
  inBatches(people, (i) =>
    insertPerson.run(
      i,
      personExternalId(i),
      personName(i),
      personUsername(i),
      // One person in four never set a zone: the configured default (UTC) applies.
      i % 4 === 0 ? null : zoneOfPerson(i),
      personExternalId(i),
      created,
    ),
  );

  const week = 7 * DAY - 3 * HOUR;
  let history = 0;
  inBatches(count, (id) => {
    const owner = Math.floor((id - 1) / PER_PERSON) + 1;
    const number = ((id - 1) % PER_PERSON) + 1;
    const zone = owner % 4 === 0 ? "UTC" : zoneOfPerson(owner);
    const cadence = CADENCES[id % CADENCES.length] ?? "daily 20:00";
    const witness = id % 10 === 0 && people > 1 ? (owner % people) + 1 : null;
    const nextDue = t0 + 3 * HOUR + Math.floor(rand() * week);
    const promise = `Commitment ${number} of person ${owner}: call, write or show up as promised`;
    insertCommitment.run(
      id,
      owner,
      chatOfPerson(owner, chats),
      number,
      promise,
      cadence,
      CADENCE_STATE,
      isoDate(created),
      zone,
      id % 5 === 0 ? "private" : "group",
      witness,
      witness === null ? null : "active",
      nextDue,
      HISTORY_PER_COMMITMENT,
      created,
      created,
    );
    insertEvent.run(id, owner, JSON.stringify({ promise, cadence }), created);
    for (let h = HISTORY_PER_COMMITMENT; h >= 1; h--) {
      const due = t0 - h * DAY - Math.floor(rand() * 12 * HOUR);
      insertCheckIn.run(id, due, due + DAY, due + HOUR, due);
      history++;
    }
  });
  // Witnesses get their weekly digest three days out: scanned by the tick, never due here.
  client
    .prepare(
      `UPDATE people SET next_digest_at = ?
       WHERE id IN (SELECT witness_id FROM commitments WHERE witness_id IS NOT NULL)`,
    )
    .run(t0 + 3 * DAY);

  client.pragma("wal_checkpoint(TRUNCATE)");
  client.close();
  const fd = openSync(path, "r+");
  fsyncSync(fd);
  closeSync(fd);
  const { size } = statSizes(path);
  return {
    path,
    t0,
    commitments: count,
    people,
    chats,
    history,
    seedMs: performance.now() - started,
    fileBytes: size,
  };
}

function statSizes(path: string): { size: number } {
  let size = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      size += statSync(path + suffix).size;
    } catch {
      // no WAL file after a truncating checkpoint
    }
  }
  return { size };
}
