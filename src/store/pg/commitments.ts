/** Queries on commitments and their check-ins, on PostgreSQL. */
import { and, asc, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { OPEN_STATES } from "../counting";
import { rowMapper } from "../rows";
import type { CheckInTally, NewCommitment } from "../sqlite/commitments";
import type { CheckInRow, CommitmentRow } from "../sqlite/schema";
import { type PgDb, rowsMapped } from "./db";
import { checkIns, commitments } from "./schema";

const toCommitment = rowMapper(commitments);

/**
 * Inserts a commitment with the owner's next number (numbers are never reused). The owner's
 * row is locked first, so two workers adding commitments for one person number them in turn.
 * Runs inside the command's transaction, which holds the lock until it ends.
 */
export async function insertCommitment(db: PgDb, values: NewCommitment): Promise<CommitmentRow> {
  const [last] = await rowsMapped(
    db,
    sql`SELECT (SELECT max(c.number) FROM commitments c WHERE c.owner_id = ${values.ownerId}) AS number
      FROM people WHERE id = ${values.ownerId} FOR NO KEY UPDATE`,
    (r) => ({ number: r.number === null ? null : Number(r.number) }),
  );
  const rows = await db
    .insert(commitments)
    .values({ ...values, number: (last?.number ?? 0) + 1 })
    .returning();
  return rows[0] as CommitmentRow;
}

/** How many of the owner's commitments are active or paused. */
export async function countOpenCommitments(db: PgDb, ownerId: number): Promise<number> {
  const [row] = await rowsMapped(
    db,
    sql`SELECT count(*)::int AS n FROM commitments
      WHERE owner_id = ${ownerId} AND state IN ${sql.raw(`(${OPEN_STATES.map((s) => `'${s}'`).join(", ")})`)}`,
    (r) => Number(r.n),
  );
  return row ?? 0;
}

/** One of the owner's commitments by its `#n`. */
export async function findCommitment(
  db: PgDb,
  ownerId: number,
  number: number,
): Promise<CommitmentRow | undefined> {
  const rows = await rowsMapped(
    db,
    sql`SELECT * FROM commitments WHERE owner_id = ${ownerId} AND number = ${number}`,
    toCommitment,
  );
  return rows[0];
}

/** All of the owner's commitments, by number. */
export async function listCommitments(db: PgDb, ownerId: number): Promise<CommitmentRow[]> {
  return db
    .select()
    .from(commitments)
    .where(eq(commitments.ownerId, ownerId))
    .orderBy(asc(commitments.number));
}

/** Commitments the person witnesses (or is invited to), by id. */
export async function listWitnessed(db: PgDb, witnessId: number): Promise<CommitmentRow[]> {
  return db
    .select()
    .from(commitments)
    .where(eq(commitments.witnessId, witnessId))
    .orderBy(asc(commitments.id));
}

/** Updates a commitment, stamping `updatedAt`. */
export async function updateCommitment(
  db: PgDb,
  id: number,
  patch: Partial<Omit<CommitmentRow, "id" | "ownerId" | "number">> & { updatedAt: number },
): Promise<void> {
  await db.update(commitments).set(patch).where(eq(commitments.id, id));
}

/** A commitment's newest check-ins, newest first. */
export async function listCheckIns(db: PgDb, commitmentId: number, limit = 10): Promise<CheckInRow[]> {
  return db
    .select()
    .from(checkIns)
    .where(eq(checkIns.commitmentId, commitmentId))
    .orderBy(desc(checkIns.dueAt))
    .limit(limit);
}

/** Per-step progress for /plan: which steps have open or completed commitments (by number). */
export async function stepProgress(
  db: PgDb,
  ownerId: number,
): Promise<{ step: number; state: CommitmentRow["state"] }[]> {
  return db
    .select({ step: sql<number>`${commitments.step}`, state: commitments.state })
    .from(commitments)
    .where(and(eq(commitments.ownerId, ownerId), isNotNull(commitments.step)))
    .orderBy(asc(commitments.number));
}

/** Counts a commitment's check-ins by outcome (all of them, not only the latest). */
export async function checkInTally(db: PgDb, commitmentId: number): Promise<CheckInTally> {
  const [row] = await db
    .select({
      counted: sql<number>`count(*)::int`,
      kept: sql<number>`count(*) filter (where ${checkIns.answer} = 'kept')::int`,
      partly: sql<number>`count(*) filter (where ${checkIns.answer} = 'partly')::int`,
      unanswered: sql<number>`count(*) filter (where ${checkIns.state} = 'missed')::int`,
      confirmed: sql<number>`count(*) filter (where ${checkIns.verdict} = 'confirmed')::int`,
    })
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), inArray(checkIns.state, ["answered", "missed"])));
  return {
    counted: row?.counted ?? 0,
    kept: row?.kept ?? 0,
    partly: row?.partly ?? 0,
    unanswered: row?.unanswered ?? 0,
    confirmed: row?.confirmed ?? 0,
  };
}
