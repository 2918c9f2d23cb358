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
 * slow) the measurements that follow. The rows come from {@link seedCommitments} and
 * {@link seedPerson}, which ./pg.ts COPYs into PostgreSQL too, so both stores hold the same data.
 */
import { closeSync, fsyncSync, openSync, rmSync, statSync } from "node:fs";
import { openDatabase } from "../src/store/sqlite/db";
import { mulberry32 } from "../tests/support/prng";

/** What a seeded database holds and the instants the benchmark works around. */
export interface Seeded {
  /** The SQLite file, or on PostgreSQL the schema. */
  path: string;
  /** The benchmark's "now" (a whole minute): nothing is due before `t0 + 3 h`. */
  t0: number;
  commitments: number;
  people: number;
  chats: number;
  /** Answered check-ins written as history. */
  history: number;
  seedMs: number;
  /** The file's size, or on PostgreSQL the schema's tables with their indexes. */
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

/** The counts a seed of `count` commitments builds, the same on SQLite and PostgreSQL. */
export interface SeedShape {
  commitments: number;
  people: number;
  chats: number;
  /** When every seeded row was created: 30 days before `t0`. */
  createdAt: number;
  /** Witnesses' next weekly digest: three days out, so the tick scans it but never finds it due. */
  digestAt: number;
}

/** A seeded person (1-based `id`). */
export interface SeedPerson {
  id: number;
  externalId: string;
  name: string;
  username: string;
  /** One person in four never set a zone: the configured default (UTC) applies. */
  zone: string | null;
  dmChatId: string;
}

/** A seeded active commitment and the due times of its answered history. */
export interface SeedCommitment {
  id: number;
  owner: number;
  chat: number;
  number: number;
  promise: string;
  cadence: string;
  cadenceState: string;
  anchor: string;
  zone: string;
  visibility: "group" | "private";
  witness: number | null;
  nextDue: number;
  streak: number;
  /** `created` event data, as JSON. */
  eventData: string;
  /** Due times of its answered check-ins, oldest first (window +1 day, answered +1 hour). */
  history: number[];
}

/** The shape of a seed of `count` commitments around `t0`. */
export function seedShape(count: number, t0: number): SeedShape {
  return {
    commitments: count,
    people: Math.ceil(count / PER_PERSON),
    chats: Math.max(1, Math.ceil(count / PER_CHAT)),
    createdAt: t0 - 30 * DAY,
    digestAt: t0 + 3 * DAY,
  };
}

const zoneOfPerson = (i: number): string => ZONES[i % ZONES.length] ?? "UTC";

/** Seeded person `i`. */
export function seedPerson(i: number): SeedPerson {
  return {
    id: i,
    externalId: personExternalId(i),
    name: personName(i),
    username: personUsername(i),
    zone: i % 4 === 0 ? null : zoneOfPerson(i),
    dmChatId: personExternalId(i),
  };
}

/**
 * Every seeded commitment, in id order. One PRNG stream (seeded by `count`) draws each due time in
 * turn, so SQLite and PostgreSQL seeded from this get the very same rows and due times.
 */
export function* seedCommitments(count: number, t0: number): Generator<SeedCommitment> {
  const { people, chats, createdAt } = seedShape(count, t0);
  const rand = mulberry32(count);
  const anchor = isoDate(createdAt);
  const week = 7 * DAY - 3 * HOUR;
  for (let id = 1; id <= count; id++) {
    const owner = Math.floor((id - 1) / PER_PERSON) + 1;
    const number = ((id - 1) % PER_PERSON) + 1;
    const zone = owner % 4 === 0 ? "UTC" : zoneOfPerson(owner);
    const cadence = CADENCES[id % CADENCES.length] ?? "daily 20:00";
    const witness = id % 10 === 0 && people > 1 ? (owner % people) + 1 : null;
    const nextDue = t0 + 3 * HOUR + Math.floor(rand() * week);
    const promise = `Commitment ${number} of person ${owner}: call, write or show up as promised`;
    const history: number[] = [];
    for (let h = HISTORY_PER_COMMITMENT; h >= 1; h--)
      history.push(t0 - h * DAY - Math.floor(rand() * 12 * HOUR));
    yield {
      id,
      owner,
      chat: chatOfPerson(owner, chats),
      number,
      promise,
      cadence,
      cadenceState: CADENCE_STATE,
      anchor,
      zone,
      visibility: id % 5 === 0 ? "private" : "group",
      witness,
      nextDue,
      streak: HISTORY_PER_COMMITMENT,
      eventData: JSON.stringify({ promise, cadence }),
      history,
    };
  }
}

/** Creates (replacing) the database at `path` with `count` active commitments. */
export function seedDatabase(path: string, count: number, t0: number): Seeded {
  const started = performance.now();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  const db = openDatabase(path);
  const client = db.$client;
  // Seeding only: nothing here needs to survive a power cut, and the file is rebuilt each run.
  client.pragma("synchronous = OFF");
  client.pragma("cache_size = -262144");

  const shape = seedShape(count, t0);
  const { people, chats, createdAt: created } = shape;

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
  inBatches(people, (i) => {
    const p = seedPerson(i);
    insertPerson.run(p.id, p.externalId, p.name, p.username, p.zone, p.dmChatId, created);
  });

  let history = 0;
  const rows = seedCommitments(count, t0);
  inBatches(count, () => {
    const next = rows.next();
    if (next.done) throw new Error("the seed ran out of commitments");
    const c = next.value;
    insertCommitment.run(
      c.id,
      c.owner,
      c.chat,
      c.number,
      c.promise,
      c.cadence,
      c.cadenceState,
      c.anchor,
      c.zone,
      c.visibility,
      c.witness,
      c.witness === null ? null : "active",
      c.nextDue,
      c.streak,
      created,
      created,
    );
    insertEvent.run(c.id, c.owner, c.eventData, created);
    for (const due of c.history) {
      insertCheckIn.run(c.id, due, due + DAY, due + HOUR, due);
      history++;
    }
  });
  client
    .prepare(
      `UPDATE people SET next_digest_at = ?
       WHERE id IN (SELECT witness_id FROM commitments WHERE witness_id IS NOT NULL)`,
    )
    .run(shape.digestAt);

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
