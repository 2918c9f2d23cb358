/**
 * The scheduler's tick scans and the check-in reads and writes, on PostgreSQL. The scans lock
 * the rows they return (`FOR UPDATE … SKIP LOCKED`), so several workers ticking at once never
 * take the same row: run them inside the transaction that handles what they return.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, lte, or, sql } from "drizzle-orm";
import { COUNTED_WINDOW } from "../counting";
import type { DueMove } from "../port";
import { rowMapper, selectList } from "../rows";
import type { Closing, CountedCheckIn, NewCheckIn } from "../sqlite/checkins";
import type { ChatRow, CheckInRow, CommitmentRow, PersonRow } from "../sqlite/schema";
import { ints, list, type PgDb, PLAN_EACH_TIME, rowsMapped, rowsOf, texts } from "./db";
import { chats, checkIns, commitments, people } from "./schema";

/** A raw `check_ins` row as drizzle would have read it. */
const toCheckIn = rowMapper(checkIns);

// A commitment with its owner and chat, by hand (./db.ts): the tick and most clicks read one.
const PARTIES = sql.raw(
  `${selectList(commitments, "c")}, ${selectList(people, "p")}, ${selectList(chats, "h")}`,
);
const PARTIES_FROM = sql.raw(
  "commitments c JOIN people p ON p.id = c.owner_id JOIN chats h ON h.id = c.chat_id",
);
const partsOf = {
  commitment: rowMapper(commitments, "c"),
  owner: rowMapper(people, "p"),
  chat: rowMapper(chats, "h"),
};
const toParties = (r: Record<string, unknown>): Due => ({
  commitment: partsOf.commitment(r),
  owner: partsOf.owner(r),
  chat: partsOf.chat(r),
});

/** A commitment with its owner and its chat. */
type Due = { commitment: CommitmentRow; owner: PersonRow; chat: ChatRow };

/**
 * Active commitments due by `now`, with their owner and chat, oldest due first (ties by id), at
 * most `limit`; the commitment rows are locked, rows another worker holds are skipped.
 *
 * The due rows are picked and locked in a subquery and joined after: in a burst the statistics
 * do not yet know that thousands of commitments just fell due, and a plan that joins first then
 * sorts read all of them for every batch (23 ms a batch against 3).
 */
export async function dueCommitments(db: PgDb, now: number, limit: number): Promise<Due[]> {
  return rowsMapped(
    db,
    sql`SELECT ${PARTIES} FROM ${PARTIES_FROM}
      WHERE c.id IN (SELECT id FROM commitments WHERE state = 'active' AND next_due_at <= ${now}
        ORDER BY next_due_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      ORDER BY c.next_due_at, c.id`,
    toParties,
  );
}

/** Check-ins whose reminder is due by `now`, oldest first, at most `limit`; locked, held ones skipped. */
export async function dueReminders(db: PgDb, now: number, limit: number): Promise<CheckInRow[]> {
  return db
    .select()
    .from(checkIns)
    .where(lte(checkIns.remindAt, now))
    .orderBy(asc(checkIns.remindAt), asc(checkIns.id))
    .limit(limit)
    .for("update", { of: checkIns, skipLocked: true });
}

/** Open check-ins whose answer window has ended by `now`, oldest first, at most `limit`; locked, held ones skipped. */
export async function closingWindows(db: PgDb, now: number, limit: number): Promise<CheckInRow[]> {
  return db
    .select()
    .from(checkIns)
    .where(and(eq(checkIns.state, "pending"), lte(checkIns.windowEnd, now)))
    .orderBy(asc(checkIns.windowEnd), asc(checkIns.id))
    .limit(limit)
    .for("update", { of: checkIns, skipLocked: true });
}

/** Commitments whose delayed change is due by `now`, oldest first, at most `limit`; locked, held ones skipped. */
export async function dueChanges(db: PgDb, now: number, limit: number): Promise<CommitmentRow[]> {
  return db
    .select()
    .from(commitments)
    .where(lte(commitments.pendingChangeAt, now))
    .orderBy(asc(commitments.pendingChangeAt), asc(commitments.id))
    .limit(limit)
    .for("update", { of: commitments, skipLocked: true });
}

/** Paused commitments whose timed pause has ended by `now`, oldest first, at most `limit`; locked, held ones skipped. */
export async function endedPauses(db: PgDb, now: number, limit: number): Promise<CommitmentRow[]> {
  return db
    .select()
    .from(commitments)
    .where(and(eq(commitments.state, "paused"), lte(commitments.pausedUntil, now)))
    .orderBy(asc(commitments.pausedUntil), asc(commitments.id))
    .limit(limit)
    .for("update", { of: commitments, skipLocked: true });
}

/** Witnesses whose weekly digest is due by `now`, oldest first, at most `limit`; locked, held ones skipped. */
export async function dueDigests(db: PgDb, now: number, limit: number): Promise<PersonRow[]> {
  return db
    .select()
    .from(people)
    .where(lte(people.nextDigestAt, now))
    .orderBy(asc(people.nextDigestAt), asc(people.id))
    .limit(limit)
    .for("update", { of: people, skipLocked: true });
}

/**
 * Inserts a check-in unless one exists for the same (commitment, due time); returns it if
 * inserted. A skipped range (catch-up after downtime) is one row for many occurrences.
 */
export async function insertCheckIn(db: PgDb, v: NewCheckIn): Promise<CheckInRow | undefined> {
  const rows = await db
    .insert(checkIns)
    .values({
      commitmentId: v.commitmentId,
      dueAt: v.dueAt,
      windowEnd: v.windowEnd,
      remindAt: v.remindAt ?? null,
      state: v.state,
      createdAt: v.createdAt,
      skippedThrough: v.skippedThrough ?? null,
      skippedCount: v.skippedCount ?? null,
    })
    .onConflictDoNothing({ target: [checkIns.commitmentId, checkIns.dueAt] })
    .returning();
  return rows[0];
}

/**
 * Moves a commitment's next due time on, only if it still holds `expected` (compare-and-set):
 * false means another tick got there first.
 */
export async function advanceDue(
  db: PgDb,
  id: number,
  expected: number,
  next: number | null,
  now: number,
): Promise<boolean> {
  const rows = await db
    .update(commitments)
    .set({ nextDueAt: next, updatedAt: now })
    .where(and(eq(commitments.id, id), eq(commitments.state, "active"), eq(commitments.nextDueAt, expected)))
    .returning({ id: commitments.id });
  return rows.length > 0;
}

/**
 * A commitment's latest closed check-ins, newest first, skipped ones left out. An open window
 * that ends by `asOf` counts as closing unanswered when it will close as missed, that is unless
 * it ended before `lateFrom` (the tick records those skipped): the tick opens the next check-in
 * before it closes the one before, and its prompt must already know how that one ended.
 */
export async function recentClosings(
  db: PgDb,
  commitmentId: number,
  opts: { asOf: number; lateFrom: number; limit: number },
): Promise<Closing[]> {
  const rows = await db
    .select({ state: checkIns.state, answer: checkIns.answer })
    .from(checkIns)
    .where(
      and(
        eq(checkIns.commitmentId, commitmentId),
        or(
          inArray(checkIns.state, ["answered", "missed"]),
          and(
            eq(checkIns.state, "pending"),
            lte(checkIns.windowEnd, opts.asOf),
            gte(checkIns.windowEnd, opts.lateFrom),
          ),
        ),
      ),
    )
    .orderBy(desc(checkIns.dueAt))
    .limit(Math.max(0, Math.trunc(opts.limit)));
  return rows as Closing[];
}

/**
 * An owner's other active commitments falling due in (`after`, `until`], soonest first, with
 * their owner and chat: opened together with one due now, so their prompts arrive together.
 */
export async function dueSoonOf(db: PgDb, ownerId: number, after: number, until: number): Promise<Due[]> {
  return db
    .select({ commitment: commitments, owner: people, chat: chats })
    .from(commitments)
    .innerJoin(people, eq(people.id, commitments.ownerId))
    .innerJoin(chats, eq(chats.id, commitments.chatId))
    .where(
      and(
        eq(commitments.ownerId, ownerId),
        eq(commitments.state, "active"),
        gt(commitments.nextDueAt, after),
        lte(commitments.nextDueAt, until),
      ),
    )
    .orderBy(asc(commitments.nextDueAt), asc(commitments.id));
}

/**
 * {@link insertCheckIn} for several rows in one statement; returns those inserted, in the order
 * given (a row whose commitment and due time exist already is left out). The rows travel as one
 * array per column: drizzle builds a multi-row insert parameter by parameter, and for a batch of
 * check-ins that took more of this process's time than the database took to store them.
 */
export async function insertCheckIns(db: PgDb, rows: readonly NewCheckIn[]): Promise<CheckInRow[]> {
  if (rows.length === 0) return [];
  const column = <K extends keyof NewCheckIn>(k: K) => rows.map((r) => r[k] ?? null);
  const inserted = rowsOf<Record<string, unknown>>(
    await db.execute(sql`INSERT INTO check_ins
      (commitment_id, due_at, window_end, remind_at, state, created_at, skipped_through, skipped_count)
      SELECT c, d, w, r, s, a, t, n FROM unnest(${list(column("commitmentId"))}, ${list(column("dueAt"))},
        ${list(column("windowEnd"))}, ${list(column("remindAt"))}, ${texts(column("state"))},
        ${list(column("createdAt"))}, ${list(column("skippedThrough"))}, ${ints(column("skippedCount"))})
        WITH ORDINALITY AS v(c, d, w, r, s, a, t, n, i)
      -- In the order given, so ids rise as they would row by row.
      ORDER BY i
      ON CONFLICT (commitment_id, due_at) DO NOTHING
      RETURNING *`),
  ).map(toCheckIn);
  const key = (r: { commitmentId: number; dueAt: number }) => `${r.commitmentId}:${r.dueAt}`;
  const byKey = new Map(inserted.map((r) => [key(r), r]));
  return rows.flatMap((r) => byKey.get(key(r)) ?? []);
}

/**
 * {@link advanceDue} for several commitments in one statement (the moves travel as arrays, so the
 * statement's text, and its prepared plan, is the same for any number); returns the ids moved.
 */
export async function advanceDueMany(db: PgDb, moves: readonly DueMove[], now: number): Promise<number[]> {
  if (moves.length === 0) return [];
  const rows = rowsOf<{ id: number }>(
    await db.execute(sql`UPDATE commitments c SET next_due_at = m.next, updated_at = ${now}
      FROM unnest(${list(moves.map((m) => m.id))}, ${list(moves.map((m) => m.expected))},
                  ${list(moves.map((m) => m.next))}) AS m(id, expected, next)
      WHERE c.id = m.id AND c.state = 'active' AND c.next_due_at = m.expected
      RETURNING c.id AS id`),
  );
  return rows.map((r) => Number(r.id));
}

/**
 * {@link recentClosings} of several commitments in one statement: the same index walk for each,
 * newest first, through a lateral join.
 */
export async function recentClosingsOf(
  db: PgDb,
  ids: readonly number[],
  opts: { asOf: number; lateFrom: number; limit: number },
): Promise<Map<number, Closing[]>> {
  const out = new Map<number, Closing[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const rows = rowsOf<{ commitment_id: number; state: Closing["state"]; answer: Closing["answer"] }>(
    await db.execute(sql`SELECT m.id AS commitment_id, k.state, k.answer
      FROM unnest(${list(ids)}) WITH ORDINALITY AS m(id, n)
      CROSS JOIN LATERAL (
        SELECT state, answer, due_at FROM check_ins
        WHERE commitment_id = m.id AND (state IN ('answered', 'missed')
          OR (state = 'pending' AND window_end <= ${opts.asOf} AND window_end >= ${opts.lateFrom}))
        ORDER BY due_at DESC LIMIT ${Math.max(0, Math.trunc(opts.limit))}) k
      ORDER BY m.n, k.due_at DESC`),
  );
  for (const r of rows) out.get(Number(r.commitment_id))?.push({ state: r.state, answer: r.answer });
  return out;
}

/** Which of these owners have an active commitment falling due in (`after`, `until`]. */
export async function ownersDueSoon(
  db: PgDb,
  ownerIds: readonly number[],
  after: number,
  until: number,
): Promise<Set<number>> {
  if (ownerIds.length === 0) return new Set();
  const rows = rowsOf<{ owner_id: number }>(
    await db.execute(sql`SELECT DISTINCT owner_id FROM commitments
      WHERE owner_id = ANY(${list(ownerIds)}) AND state = 'active'
        AND next_due_at > ${after} AND next_due_at <= ${until}`),
  );
  return new Set(rows.map((r) => Number(r.owner_id)));
}

/**
 * A commitment's newest {@link COUNTED_WINDOW} counted check-ins (answered, or closed with no
 * answer), newest first.
 */
export async function countedCheckIns(db: PgDb, commitmentId: number): Promise<CountedCheckIn[]> {
  return db
    .select({
      state: checkIns.state,
      answer: checkIns.answer,
      verdict: checkIns.verdict,
      dueAt: checkIns.dueAt,
    })
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), inArray(checkIns.state, ["answered", "missed"])))
    .orderBy(desc(checkIns.dueAt))
    .limit(COUNTED_WINDOW);
}

/** A check-in by id. */
export async function getCheckIn(db: PgDb, id: number): Promise<CheckInRow | undefined> {
  return (await db.select().from(checkIns).where(eq(checkIns.id, id)).limit(1))[0];
}

/** Updates a check-in only while it is in state `from` (compare-and-set on the state). */
export async function updateCheckIn(
  db: PgDb,
  id: number,
  from: CheckInRow["state"] | null,
  patch: Partial<Omit<CheckInRow, "id" | "commitmentId" | "dueAt">>,
): Promise<boolean> {
  const where = from === null ? eq(checkIns.id, id) : and(eq(checkIns.id, id), eq(checkIns.state, from));
  const rows = await db.update(checkIns).set(patch).where(where).returning({ id: checkIns.id });
  return rows.length > 0;
}

/** The newest open (pending) check-in of a commitment. */
export async function openCheckIn(db: PgDb, commitmentId: number): Promise<CheckInRow | undefined> {
  const rows = await db
    .select()
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), eq(checkIns.state, "pending")))
    .orderBy(desc(checkIns.dueAt))
    .limit(1);
  return rows[0];
}

/**
 * A person's open check-ins with their commitments, newest first (check-ins due at the same
 * time by commitment number, as SQLite walks them).
 */
export async function openCheckInsOf(
  db: PgDb,
  ownerId: number,
): Promise<{ checkIn: CheckInRow; commitment: CommitmentRow }[]> {
  return db
    .select({ checkIn: checkIns, commitment: commitments })
    .from(checkIns)
    .innerJoin(commitments, eq(checkIns.commitmentId, commitments.id))
    .where(and(eq(commitments.ownerId, ownerId), eq(checkIns.state, "pending")))
    .orderBy(desc(checkIns.dueAt), asc(commitments.number));
}

/** Whether a commitment has an open check-in. */
export async function hasOpenCheckIn(db: PgDb, commitmentId: number): Promise<boolean> {
  return (await openCheckIn(db, commitmentId)) !== undefined;
}

/** Check-ins of a commitment due in [from, to), for the weekly digest. */
export async function checkInsBetween(
  db: PgDb,
  commitmentId: number,
  from: number,
  to: number,
): Promise<CheckInRow[]> {
  return db
    .select()
    .from(checkIns)
    .where(
      and(
        eq(checkIns.commitmentId, commitmentId),
        gte(checkIns.dueAt, from),
        lt(checkIns.dueAt, to),
        isNotNull(checkIns.state),
      ),
    )
    .orderBy(asc(checkIns.dueAt));
}

/** A commitment with its owner and chat, for building messages. */
export async function commitmentWithParties(db: PgDb, commitmentId: number): Promise<Due | undefined> {
  return (
    await rowsMapped(db, sql`SELECT ${PARTIES} FROM ${PARTIES_FROM} WHERE c.id = ${commitmentId}`, toParties)
  )[0];
}

/** Marks a commitment's open check-ins skipped (it was cancelled): they count for nothing. */
export async function skipOpenCheckIns(db: PgDb, commitmentId: number): Promise<number> {
  const rows = await db
    .update(checkIns)
    .set({ state: "skipped", remindAt: null })
    .where(and(eq(checkIns.commitmentId, commitmentId), eq(checkIns.state, "pending")))
    .returning({ id: checkIns.id });
  return rows.length;
}

/**
 * Whether any of the scheduler's scans would find something by `now`: one statement, so an idle
 * tick costs one round trip.
 */
export async function anythingDue(db: PgDb, now: number): Promise<boolean> {
  const result: unknown =
    await db.execute(sql`${sql.raw(PLAN_EACH_TIME)} SELECT EXISTS (SELECT 1 FROM commitments WHERE state = 'active' AND next_due_at <= ${now})
       OR EXISTS (SELECT 1 FROM check_ins WHERE remind_at <= ${now})
       OR EXISTS (SELECT 1 FROM check_ins WHERE state = 'pending' AND window_end <= ${now})
       OR EXISTS (SELECT 1 FROM commitments WHERE pending_change_at <= ${now})
       OR EXISTS (SELECT 1 FROM commitments WHERE state = 'paused' AND paused_until <= ${now})
       OR EXISTS (SELECT 1 FROM people WHERE next_digest_at <= ${now}) AS due`);
  const rows = rowsOf<{ due: boolean }>(result);
  return rows[0]?.due === true;
}

/**
 * The earliest time the scheduler or the dispatcher has anything to do (a check-in or reminder
 * due, a window closing, a change or pause ending, a digest, a message to send), or null when
 * nothing is planned. Each part is the first entry of an index.
 */
export async function nextWorkAt(db: PgDb): Promise<number | null> {
  const result: unknown = await db.execute(
    sql.raw(`SELECT least((SELECT min(next_due_at) FROM commitments WHERE state = 'active'),
    (SELECT min(remind_at) FROM check_ins WHERE remind_at IS NOT NULL),
    (SELECT min(window_end) FROM check_ins WHERE state = 'pending'),
    (SELECT min(pending_change_at) FROM commitments WHERE pending_change_at IS NOT NULL),
    (SELECT min(paused_until) FROM commitments WHERE state = 'paused'),
    (SELECT min(next_digest_at) FROM people WHERE next_digest_at IS NOT NULL),
    (SELECT min(not_before) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL))::float8 AS at`),
  );
  const rows = rowsOf<{ at: number | null }>(result);
  const at = rows[0]?.at;
  return at === null || at === undefined ? null : Number(at);
}
