/** Queries on commitments and their check-ins. */
import { and, asc, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { OPEN_STATES } from "../counting";
import type { Db } from "./db";
import { perConnection } from "./raw";
import { type CheckInRow, type CommitmentRow, checkIns, commitments } from "./schema";

/** A new commitment; the store assigns its per-owner number. */
export type NewCommitment = Omit<
  typeof commitments.$inferInsert,
  "id" | "number" | "streak" | "verifiedStreak" | "consistency" | "pendingChange" | "pendingChangeAt"
>;

/** Inserts a commitment with the owner's next number (numbers are never reused). */
export function insertCommitment(db: Db, values: NewCommitment): CommitmentRow {
  const last = lastNumber(db).get(values.ownerId) as number | null | undefined;
  return db
    .insert(commitments)
    .values({ ...values, number: (last ?? 0) + 1 })
    .returning()
    .get();
}

// Hand-prepared: every /commit asks both, and drizzle builds their SQL anew on each call.
const lastNumber = perConnection((client) =>
  client.prepare("SELECT max(number) FROM commitments WHERE owner_id = ?").pluck(),
);
const openCount = perConnection((client) =>
  client
    .prepare(
      `SELECT count(*) FROM commitments WHERE owner_id = ? AND state IN (${OPEN_STATES.map((s) => `'${s}'`).join(", ")})`,
    )
    .pluck(),
);

/** How many of the owner's commitments are active or paused. */
export function countOpenCommitments(db: Db, ownerId: number): number {
  return (openCount(db).get(ownerId) as number | undefined) ?? 0;
}

/** One of the owner's commitments by its `#n`. */
export function findCommitment(db: Db, ownerId: number, number: number): CommitmentRow | undefined {
  return db
    .select()
    .from(commitments)
    .where(and(eq(commitments.ownerId, ownerId), eq(commitments.number, number)))
    .get();
}

/** All of the owner's commitments, by number. */
export function listCommitments(db: Db, ownerId: number): CommitmentRow[] {
  return db
    .select()
    .from(commitments)
    .where(eq(commitments.ownerId, ownerId))
    .orderBy(asc(commitments.number))
    .all();
}

/** Commitments the person witnesses (or is invited to). */
export function listWitnessed(db: Db, witnessId: number): CommitmentRow[] {
  return db.select().from(commitments).where(eq(commitments.witnessId, witnessId)).all();
}

/** Updates a commitment, stamping `updatedAt`. */
export function updateCommitment(
  db: Db,
  id: number,
  patch: Partial<Omit<CommitmentRow, "id" | "ownerId" | "number">> & { updatedAt: number },
): void {
  db.update(commitments).set(patch).where(eq(commitments.id, id)).run();
}

/** A commitment's newest check-ins, newest first. */
export function listCheckIns(db: Db, commitmentId: number, limit = 10): CheckInRow[] {
  return db
    .select()
    .from(checkIns)
    .where(eq(checkIns.commitmentId, commitmentId))
    .orderBy(desc(checkIns.dueAt))
    .limit(limit)
    .all();
}

/** Per-step progress for /plan: which steps have open or completed commitments. */
export function stepProgress(db: Db, ownerId: number): { step: number; state: CommitmentRow["state"] }[] {
  return db
    .select({ step: sql<number>`${commitments.step}`, state: commitments.state })
    .from(commitments)
    .where(and(eq(commitments.ownerId, ownerId), isNotNull(commitments.step)))
    .all();
}

/** How a commitment's check-ins went, for telling its ending honestly. */
export interface CheckInTally {
  /** Check-ins that count: answered or missed (skipped ones were the bot's doing). */
  counted: number;
  kept: number;
  partly: number;
  /** Closed with no answer at all. */
  unanswered: number;
  /** Kept or partly answers the witness confirmed. */
  confirmed: number;
}

/** Counts a commitment's check-ins by outcome (all of them, not only the latest). */
export function checkInTally(db: Db, commitmentId: number): CheckInTally {
  const row = db
    .select({
      counted: sql<number>`count(*)`,
      kept: sql<number>`coalesce(sum(${checkIns.answer} = 'kept'), 0)`,
      partly: sql<number>`coalesce(sum(${checkIns.answer} = 'partly'), 0)`,
      unanswered: sql<number>`coalesce(sum(${checkIns.state} = 'missed'), 0)`,
      confirmed: sql<number>`coalesce(sum(${checkIns.verdict} = 'confirmed'), 0)`,
    })
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), inArray(checkIns.state, ["answered", "missed"])))
    .get();
  return {
    counted: row?.counted ?? 0,
    kept: row?.kept ?? 0,
    partly: row?.partly ?? 0,
    unanswered: row?.unanswered ?? 0,
    confirmed: row?.confirmed ?? 0,
  };
}
