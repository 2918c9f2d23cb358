/**
 * What `/status` reads, on PostgreSQL: one statement for each of the four reads, for all of a
 * person's commitments and the ones they witness, as ../sqlite/views.ts does. Each function
 * returns what the SQLite one returns.
 */
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { COUNTED_WINDOW, groupByCommitment, OPEN_STATES } from "../counting";
import type { CountedCheckIn } from "../sqlite/checkins";
import type { OwnCommitment, Witnessed } from "../sqlite/views";
import type { PgDb } from "./db";
import { checkIns, commitments, events, people } from "./schema";

/** All of a person's commitments, by number, with what /status says beside each. */
export async function ownCommitments(db: PgDb, ownerId: number): Promise<OwnCommitment[]> {
  const w = alias(people, "w");
  const rows = await db
    .select({
      commitment: commitments,
      witnessName: w.name,
      // When it ended: its newest `completed` or `cancelled` entry, once it is no longer open.
      endedAt: sql<number | null>`CASE WHEN ${commitments.state} NOT IN ('active', 'paused') THEN (
          SELECT max(${events.at}) FROM ${events}
          WHERE ${events.commitmentId} = ${commitments.id} AND ${events.kind} IN ('completed', 'cancelled')) END`.mapWith(
        events.at,
      ),
      // While an invitation is open: when the newest one was sent.
      invitedAt: sql<number | null>`CASE WHEN ${commitments.witnessStatus} = 'invited' THEN (
          SELECT ${events.at} FROM ${events}
          WHERE ${events.commitmentId} = ${commitments.id} AND ${events.kind} = 'witness-invited'
          ORDER BY ${events.at} DESC, ${events.id} DESC LIMIT 1) END`.mapWith(events.at),
    })
    .from(commitments)
    .leftJoin(w, and(eq(w.id, commitments.witnessId), eq(commitments.witnessStatus, "active")))
    .where(eq(commitments.ownerId, ownerId))
    .orderBy(commitments.number);
  return rows.map((r) => ({
    commitment: r.commitment,
    witnessName: r.witnessName ?? null,
    endedAt: r.endedAt ?? null,
    invitedAt: r.invitedAt ?? null,
  }));
}

/**
 * The open (active or paused) commitments a person actively witnesses, by owner and number,
 * each with its owner's name.
 */
export async function witnessedOpen(db: PgDb, witnessId: number): Promise<Witnessed[]> {
  const rows = await db
    .select({ commitment: commitments, ownerName: people.name })
    .from(commitments)
    .leftJoin(people, eq(people.id, commitments.ownerId))
    .where(
      and(
        eq(commitments.witnessId, witnessId),
        eq(commitments.witnessStatus, "active"),
        inArray(commitments.state, OPEN_STATES),
      ),
    )
    .orderBy(commitments.ownerId, commitments.number);
  return rows.map((r) => ({ commitment: r.commitment, ownerName: r.ownerName ?? null }));
}

/**
 * The newest {@link COUNTED_WINDOW} counted check-ins (answered, or closed with no answer) of
 * each commitment `chosen` selects, newest first, grouped by commitment: a lateral join reads
 * each commitment's newest ones backwards through the (commitment, due time) index.
 */
async function countedOf(db: PgDb, chosen: SQL | undefined): Promise<Map<number, CountedCheckIn[]>> {
  const k = db
    .select({
      state: checkIns.state,
      answer: checkIns.answer,
      verdict: checkIns.verdict,
      dueAt: checkIns.dueAt,
    })
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitments.id), inArray(checkIns.state, ["answered", "missed"])))
    .orderBy(desc(checkIns.dueAt))
    .limit(COUNTED_WINDOW)
    .as("k");
  const rows = await db
    .select({ id: commitments.id, state: k.state, answer: k.answer, verdict: k.verdict, dueAt: k.dueAt })
    .from(commitments)
    .innerJoinLateral(k, sql`true`)
    .where(chosen)
    .orderBy(commitments.id, desc(k.dueAt));
  return groupByCommitment(rows);
}

/**
 * The newest counted check-ins (up to {@link COUNTED_WINDOW}, newest first) of each of a
 * person's open commitments; one with none is absent.
 */
export async function countedOfOwner(db: PgDb, ownerId: number): Promise<Map<number, CountedCheckIn[]>> {
  return countedOf(db, and(eq(commitments.ownerId, ownerId), inArray(commitments.state, OPEN_STATES)));
}

/** The same for the open commitments a person actively witnesses. */
export async function countedOfWitness(db: PgDb, witnessId: number): Promise<Map<number, CountedCheckIn[]>> {
  return countedOf(
    db,
    and(
      eq(commitments.witnessId, witnessId),
      eq(commitments.witnessStatus, "active"),
      inArray(commitments.state, OPEN_STATES),
    ),
  );
}
