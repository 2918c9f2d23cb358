/**
 * Queries the scheduler runs on every tick, prepared once per connection (drizzle's
 * unprepared queries cost about ten times a prepared one), and the check-in writes.
 */
import type Database from "better-sqlite3";
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import { COUNTED_WINDOW } from "../counting";
import type { Db } from "./db";
import { positional, positionalList } from "./positional";
import { perConnection } from "./raw";
import {
  type ChatRow,
  type CheckInRow,
  type CommitmentRow,
  chats,
  checkIns,
  commitments,
  type PersonRow,
  people,
} from "./schema";

const commitmentCols = positional(commitments);
const personCols = positional(people);
const chatCols = positional(chats);
const checkInCols = positional(checkIns);
const mapCheckIn = (r: unknown[]): CheckInRow => checkInCols.map(r);
const mapCommitment = (r: unknown[]): CommitmentRow => commitmentCols.map(r);
const mapPerson = (r: unknown[]) => personCols.map(r);

/** Columns of a commitment, its owner and its chat, in the order {@link mapDue} reads them. */
const DUE_COLUMNS = `${positionalList(commitments, "c")}, ${positionalList(people, "p")}, ${positionalList(chats, "h")}`;
const DUE_FROM = "commitments c JOIN people p ON p.id = c.owner_id JOIN chats h ON h.id = c.chat_id";

/** A row of {@link DUE_COLUMNS}. */
function mapDue(r: unknown[]): { commitment: CommitmentRow; owner: PersonRow; chat: ChatRow } {
  return {
    commitment: commitmentCols.map(r),
    owner: personCols.map(r, commitmentCols.width),
    chat: chatCols.map(r, commitmentCols.width + personCols.width),
  };
}

/**
 * The scheduler's scans, each through an index on the time it looks at, oldest first. Each has
 * a one-row probe: better-sqlite3's `all()` costs 5–20 µs per call even when nothing matches
 * (it sets up every result column), while `get()` of `SELECT 1` costs under 1 µs, and an idle
 * tick is almost all probes. Rows come back as arrays (see ./positional.ts).
 */
const prepared = perConnection((client) => {
  const scan = <T>(from: string, where: string, order: string, columns: string, map: (r: unknown[]) => T) => {
    const probe = client.prepare(`SELECT 1 FROM ${from} WHERE ${where} LIMIT 1`).pluck();
    const full = client
      .prepare(`SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ?`)
      .raw(true);
    return (now: number, limit: number): T[] =>
      probe.get(now) === undefined ? [] : (full.all(now, limit) as unknown[][]).map(map);
  };
  const commitmentList = positionalList(commitments, "c");
  const checkInList = positionalList(checkIns, "k");
  return {
    dueCommitments: scan(
      DUE_FROM,
      "c.state = 'active' AND c.next_due_at <= ?",
      "c.next_due_at",
      DUE_COLUMNS,
      mapDue,
    ),
    dueReminders: scan("check_ins k", "k.remind_at <= ?", "k.remind_at", checkInList, mapCheckIn),
    closingWindows: scan(
      "check_ins k",
      "k.state = 'pending' AND k.window_end <= ?",
      "k.window_end",
      checkInList,
      mapCheckIn,
    ),
    dueChanges: scan(
      "commitments c",
      "c.pending_change_at <= ?",
      "c.pending_change_at",
      commitmentList,
      mapCommitment,
    ),
    endedPauses: scan(
      "commitments c",
      "c.state = 'paused' AND c.paused_until <= ?",
      "c.paused_until",
      commitmentList,
      mapCommitment,
    ),
    dueDigests: scan(
      "people p",
      "p.next_digest_at <= ?",
      "p.next_digest_at",
      positionalList(people, "p"),
      mapPerson,
    ),
  };
});

/** The scheduler's prepared scans for a connection. */
export const tickQueries = prepared;

const anyDue = perConnection((client) =>
  client
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM commitments WHERE state = 'active' AND next_due_at <= @now)
       OR EXISTS (SELECT 1 FROM check_ins WHERE remind_at <= @now)
       OR EXISTS (SELECT 1 FROM check_ins WHERE state = 'pending' AND window_end <= @now)
       OR EXISTS (SELECT 1 FROM commitments WHERE pending_change_at <= @now)
       OR EXISTS (SELECT 1 FROM commitments WHERE state = 'paused' AND paused_until <= @now)
       OR EXISTS (SELECT 1 FROM people WHERE next_digest_at <= @now)`,
    )
    .pluck(),
);

/**
 * Whether any of the scheduler's scans would find something by `now`: one statement, so an idle
 * tick costs one probe.
 */
export function anythingDue(db: Db, now: number): boolean {
  return anyDue(db).get({ now }) === 1;
}

/** A check-in the scheduler records. */
export interface NewCheckIn {
  commitmentId: number;
  dueAt: number;
  windowEnd: number;
  remindAt?: number | null;
  state: CheckInRow["state"];
  createdAt: number;
  /** A skipped range (catch-up): the last occurrence it stands for. */
  skippedThrough?: number | null;
  /** A skipped range: how many occurrences it stands for. */
  skippedCount?: number | null;
}

const writes = perConnection((client) => ({
  insertCheckIn: client
    .prepare(
      `INSERT INTO check_ins
       (commitment_id, due_at, window_end, remind_at, state, created_at, skipped_through, skipped_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (commitment_id, due_at) DO NOTHING
     RETURNING ${positionalList(checkIns, "check_ins")}`,
    )
    .raw(true),
  advanceDue: client.prepare(
    `UPDATE commitments SET next_due_at = ?, updated_at = ?
     WHERE id = ? AND state = 'active' AND next_due_at = ?`,
  ),
}));

/**
 * Inserts a check-in unless one exists for the same (commitment, due time); returns it if
 * inserted. A skipped range (catch-up after downtime) is one row for many occurrences.
 * Hand-prepared, like {@link advanceDue}: these run once per check-in in a burst.
 */
export function insertCheckIn(db: Db, v: NewCheckIn): CheckInRow | undefined {
  const row = writes(db).insertCheckIn.get(
    v.commitmentId,
    v.dueAt,
    v.windowEnd,
    v.remindAt ?? null,
    v.state,
    v.createdAt,
    v.skippedThrough ?? null,
    v.skippedCount ?? null,
  );
  return row === undefined ? undefined : mapCheckIn(row as unknown[]);
}

/**
 * Moves a commitment's next due time on, only if it still holds `expected` (compare-and-set):
 * false means another tick got there first.
 */
export function advanceDue(db: Db, id: number, expected: number, next: number | null, now: number): boolean {
  return writes(db).advanceDue.run(next, now, id, expected).changes > 0;
}

// Defined with the other dialect-neutral counts; still exported here for the SQLite tests.
export { COUNTED_WINDOW };

/** A counted check-in, as the figures and the words about them read it. */
export type CountedCheckIn = Pick<CheckInRow, "state" | "answer" | "verdict" | "dueAt">;

const rhythm = perConnection((client) => {
  // Newest first through the (commitment, due time) index; skipped check-ins are passed over.
  // LIMIT is written into the SQL, one statement per limit: bound as a parameter it made this
  // lookup, run for every check-in the tick opens, three times as slow (17 µs against 6 µs).
  const closings = new Map<number, Database.Statement>();
  const closingsLimited = (limit: number): Database.Statement => {
    let statement = closings.get(limit);
    if (!statement) {
      statement = client.prepare(
        `SELECT k.state AS state, k.answer AS answer FROM check_ins k
         WHERE k.commitment_id = ? AND (k.state IN ('answered', 'missed')
           OR (k.state = 'pending' AND k.window_end <= ? AND k.window_end >= ?))
         ORDER BY k.due_at DESC LIMIT ${Math.max(0, Math.trunc(limit))}`,
      );
      closings.set(limit, statement);
    }
    return statement;
  };
  return {
    closingsLimited,
    // Through the owner's own commitments (a few dozen at most), never the due-time index: in a
    // burst that index would walk every commitment falling due in the next minutes. The probe
    // reads only the owner's commitment rows; the full query, with the joins and every column,
    // runs only when it finds one (rarely: most check-ins open alone).
    dueSoonProbe: client
      .prepare(
        `SELECT 1 FROM commitments c
         WHERE c.owner_id = ? AND +c.state = 'active' AND +c.next_due_at > ? AND +c.next_due_at <= ?
         LIMIT 1`,
      )
      .pluck(),
    dueSoonOf: client
      .prepare(
        `SELECT ${DUE_COLUMNS} FROM ${DUE_FROM}
         WHERE c.owner_id = ? AND +c.state = 'active' AND +c.next_due_at > ? AND +c.next_due_at <= ?
         ORDER BY c.next_due_at, c.id`,
      )
      .raw(true),
    // The newest counted check-ins (answered, or closed with no answer) of one commitment.
    counted: client.prepare(
      `SELECT k.state AS state, k.answer AS answer, k.verdict AS verdict, k.due_at AS dueAt
       FROM check_ins k WHERE k.commitment_id = ? AND k.state IN ('answered', 'missed')
       ORDER BY k.due_at DESC LIMIT ${COUNTED_WINDOW}`,
    ),
  };
});

/** How a window closed, or will close: answered (with the answer) or with no answer. */
export interface Closing {
  state: "answered" | "missed" | "pending";
  answer: CheckInRow["answer"];
}

/**
 * A commitment's latest closed check-ins, newest first, skipped ones left out. An open window
 * that ends by `asOf` counts as closing unanswered when it will close as missed, that is unless
 * it ended before `lateFrom` (the tick records those skipped): the tick opens the next check-in
 * before it closes the one before, and its prompt must already know how that one ended.
 */
export function recentClosings(
  db: Db,
  commitmentId: number,
  opts: { asOf: number; lateFrom: number; limit: number },
): Closing[] {
  return rhythm(db).closingsLimited(opts.limit).all(commitmentId, opts.asOf, opts.lateFrom) as Closing[];
}

/**
 * An owner's other active commitments falling due in (`after`, `until`], soonest first, with
 * their owner and chat: opened together with one due now, so their prompts arrive together.
 */
export function dueSoonOf(
  db: Db,
  ownerId: number,
  after: number,
  until: number,
): { commitment: CommitmentRow; owner: PersonRow; chat: ChatRow }[] {
  const q = rhythm(db);
  if (q.dueSoonProbe.get(ownerId, after, until) === undefined) return [];
  return (q.dueSoonOf.all(ownerId, after, until) as unknown[][]).map(mapDue);
}

/** Whether an owner has an active commitment falling due in (`after`, `until`]. */
export function hasDueSoon(db: Db, ownerId: number, after: number, until: number): boolean {
  return rhythm(db).dueSoonProbe.get(ownerId, after, until) !== undefined;
}

/**
 * A commitment's newest {@link COUNTED_WINDOW} counted check-ins (answered, or closed with no
 * answer), newest first. Hand-prepared: every answer and every window that closes reads them.
 */
export function countedCheckIns(db: Db, commitmentId: number): CountedCheckIn[] {
  return rhythm(db).counted.all(commitmentId) as CountedCheckIn[];
}

/** A check-in by id. */
export function getCheckIn(db: Db, id: number): CheckInRow | undefined {
  return db.select().from(checkIns).where(eq(checkIns.id, id)).get();
}

/** Updates a check-in only while it is in state `from` (compare-and-set on the state). */
export function updateCheckIn(
  db: Db,
  id: number,
  from: CheckInRow["state"] | null,
  patch: Partial<Omit<CheckInRow, "id" | "commitmentId" | "dueAt">>,
): boolean {
  const where = from === null ? eq(checkIns.id, id) : and(eq(checkIns.id, id), eq(checkIns.state, from));
  return db.update(checkIns).set(patch).where(where).run().changes > 0;
}

/** The newest open (pending) check-in of a commitment. */
export function openCheckIn(db: Db, commitmentId: number): CheckInRow | undefined {
  return db
    .select()
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), eq(checkIns.state, "pending")))
    .orderBy(desc(checkIns.dueAt))
    .get();
}

/** A person's open check-ins with their commitments, newest first. */
export function openCheckInsOf(
  db: Db,
  ownerId: number,
): { checkIn: CheckInRow; commitment: CommitmentRow }[] {
  return db
    .select({ checkIn: checkIns, commitment: commitments })
    .from(checkIns)
    .innerJoin(commitments, eq(checkIns.commitmentId, commitments.id))
    .where(and(eq(commitments.ownerId, ownerId), eq(checkIns.state, "pending")))
    .orderBy(desc(checkIns.dueAt))
    .all();
}

/** Whether a commitment has an open check-in. */
export function hasOpenCheckIn(db: Db, commitmentId: number): boolean {
  return openCheckIn(db, commitmentId) !== undefined;
}

/** Check-ins of a commitment due in [from, to), for the weekly digest. */
export function checkInsBetween(db: Db, commitmentId: number, from: number, to: number): CheckInRow[] {
  return db
    .select()
    .from(checkIns)
    .where(
      and(
        eq(checkIns.commitmentId, commitmentId),
        sql`${checkIns.dueAt} >= ${from}`,
        sql`${checkIns.dueAt} < ${to}`,
        isNotNull(checkIns.state),
      ),
    )
    .orderBy(asc(checkIns.dueAt))
    .all();
}

/** A commitment with its owner and chat, for building messages. */
export function commitmentWithParties(db: Db, commitmentId: number) {
  return db
    .select({ commitment: commitments, owner: people, chat: chats })
    .from(commitments)
    .innerJoin(people, eq(people.id, commitments.ownerId))
    .innerJoin(chats, eq(chats.id, commitments.chatId))
    .where(eq(commitments.id, commitmentId))
    .get();
}

/** Marks a commitment's open check-ins skipped (it was cancelled): they count for nothing. */
export function skipOpenCheckIns(db: Db, commitmentId: number): number {
  return db
    .update(checkIns)
    .set({ state: "skipped", remindAt: null })
    .where(and(eq(checkIns.commitmentId, commitmentId), eq(checkIns.state, "pending")))
    .run().changes;
}

const nextWork = perConnection((client) =>
  client
    .prepare(`SELECT min(coalesce((SELECT min(next_due_at) FROM commitments WHERE state = 'active'), 9e15),
    coalesce((SELECT min(remind_at) FROM check_ins WHERE remind_at IS NOT NULL), 9e15),
    coalesce((SELECT min(window_end) FROM check_ins WHERE state = 'pending'), 9e15),
    coalesce((SELECT min(pending_change_at) FROM commitments WHERE pending_change_at IS NOT NULL), 9e15),
    coalesce((SELECT min(paused_until) FROM commitments WHERE state = 'paused'), 9e15),
    coalesce((SELECT min(next_digest_at) FROM people WHERE next_digest_at IS NOT NULL), 9e15),
    coalesce((SELECT min(not_before) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL), 9e15))`)
    .pluck(),
);

/**
 * The earliest time the scheduler or the dispatcher has anything to do (a check-in or reminder
 * due, a window closing, a change or pause ending, a digest, a message to send), or null when
 * nothing is planned. Each part is the first entry of an index.
 */
export function nextWorkAt(db: Db): number | null {
  const at = nextWork(db).get() as number;
  return at >= 9e15 ? null : at;
}
