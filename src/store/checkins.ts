/**
 * Queries the scheduler runs on every tick, prepared once per connection (drizzle's
 * unprepared queries cost about ten times a prepared one), and the check-in writes.
 */
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "./db";
import { perConnection, rowMapper, selectList } from "./raw";
import { type CheckInRow, type CommitmentRow, chats, checkIns, commitments, people } from "./schema";

const mapCommitment = rowMapper(commitments, "c");
const mapOwner = rowMapper(people, "p");
const mapChat = rowMapper(chats, "h");
const mapCheckIn = rowMapper(checkIns, "k");

/**
 * The scheduler's scans, each through an index on the time it looks at, oldest first. Each has
 * a one-row probe: better-sqlite3's `all()` costs 5–20 µs per call even when nothing matches
 * (it sets up every result column), while `get()` of `SELECT 1` costs under 1 µs, and an idle
 * tick is almost all probes.
 */
const prepared = perConnection((client) => {
  type Raw = Record<string, unknown>;
  const scan = <T>(from: string, where: string, order: string, columns: string, map: (r: Raw) => T) => {
    const probe = client.prepare(`SELECT 1 FROM ${from} WHERE ${where} LIMIT 1`).pluck();
    const full = client.prepare(`SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ?`);
    return (now: number, limit: number): T[] =>
      probe.get(now) === undefined ? [] : (full.all(now, limit) as Raw[]).map(map);
  };
  const commitmentCols = selectList(commitments, "c");
  const checkInCols = selectList(checkIns, "k");
  return {
    dueCommitments: scan(
      "commitments c JOIN people p ON p.id = c.owner_id JOIN chats h ON h.id = c.chat_id",
      "c.state = 'active' AND c.next_due_at <= ?",
      "c.next_due_at",
      `${commitmentCols}, ${selectList(people, "p")}, ${selectList(chats, "h")}`,
      (r) => ({ commitment: mapCommitment(r), owner: mapOwner(r), chat: mapChat(r) }),
    ),
    dueReminders: scan("check_ins k", "k.remind_at <= ?", "k.remind_at", checkInCols, mapCheckIn),
    closingWindows: scan(
      "check_ins k",
      "k.state = 'pending' AND k.window_end <= ?",
      "k.window_end",
      checkInCols,
      mapCheckIn,
    ),
    dueChanges: scan(
      "commitments c",
      "c.pending_change_at <= ?",
      "c.pending_change_at",
      commitmentCols,
      mapCommitment,
    ),
    endedPauses: scan(
      "commitments c",
      "c.state = 'paused' AND c.paused_until <= ?",
      "c.paused_until",
      commitmentCols,
      mapCommitment,
    ),
    dueDigests: scan(
      "people p",
      "p.next_digest_at <= ?",
      "p.next_digest_at",
      selectList(people, "p"),
      mapOwner,
    ),
  };
});

/** The scheduler's prepared scans for a connection. */
export const tickQueries = prepared;

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
  insertCheckIn: client.prepare(
    `INSERT INTO check_ins
       (commitment_id, due_at, window_end, remind_at, state, created_at, skipped_through, skipped_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (commitment_id, due_at) DO NOTHING
     RETURNING ${selectList(checkIns, "check_ins", "k")}`,
  ),
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
  return row === undefined ? undefined : mapCheckIn(row as Record<string, unknown>);
}

/**
 * Moves a commitment's next due time on, only if it still holds `expected` (compare-and-set):
 * false means another tick got there first.
 */
export function advanceDue(db: Db, id: number, expected: number, next: number | null, now: number): boolean {
  return writes(db).advanceDue.run(next, now, id, expected).changes > 0;
}

const rhythm = perConnection((client) => ({
  // Newest first through the (commitment, due time) index; skipped check-ins are passed over.
  recentClosings: client.prepare(
    `SELECT k.state AS state, k.answer AS answer FROM check_ins k
     WHERE k.commitment_id = ? AND (k.state IN ('answered', 'missed')
       OR (k.state = 'pending' AND k.window_end <= ? AND k.window_end >= ?))
     ORDER BY k.due_at DESC LIMIT ?`,
  ),
  // Through the owner's own commitments (a few dozen at most), never the due-time index: in a
  // burst that index would walk every commitment falling due in the next minutes.
  dueSoonOf: client.prepare(
    `SELECT ${selectList(commitments, "c")}, ${selectList(people, "p")}, ${selectList(chats, "h")}
     FROM commitments c JOIN people p ON p.id = c.owner_id JOIN chats h ON h.id = c.chat_id
     WHERE c.owner_id = ? AND +c.state = 'active' AND +c.next_due_at > ? AND +c.next_due_at <= ?
     ORDER BY c.next_due_at, c.id`,
  ),
}));

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
  return rhythm(db).recentClosings.all(commitmentId, opts.asOf, opts.lateFrom, opts.limit) as Closing[];
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
): { commitment: CommitmentRow; owner: typeof people.$inferSelect; chat: typeof chats.$inferSelect }[] {
  return (rhythm(db).dueSoonOf.all(ownerId, after, until) as Record<string, unknown>[]).map((r) => ({
    commitment: mapCommitment(r),
    owner: mapOwner(r),
    chat: mapChat(r),
  }));
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

const latest = perConnection((client) =>
  client.prepare(
    `SELECT c.id AS id, k.state AS state, k.answer AS answer, k.due_at AS dueAt
     FROM commitments c JOIN check_ins k ON k.id = (
       SELECT k2.id FROM check_ins k2
       WHERE k2.commitment_id = c.id AND k2.state IN ('answered', 'missed')
       ORDER BY k2.due_at DESC LIMIT 1)
     WHERE c.owner_id = ? AND c.state IN ('active', 'paused')`,
  ),
);

/** The newest answered or missed check-in of each of an owner's open commitments (for /status). */
export function latestOutcomes(
  db: Db,
  ownerId: number,
): Map<number, { state: CheckInRow["state"]; answer: CheckInRow["answer"]; dueAt: number }> {
  const rows = latest(db).all(ownerId) as {
    id: number;
    state: CheckInRow["state"];
    answer: CheckInRow["answer"];
    dueAt: number;
  }[];
  return new Map(rows.map((r) => [r.id, { state: r.state, answer: r.answer, dueAt: r.dueAt }]));
}
