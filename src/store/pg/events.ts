/** The append-only history. Rows are only ever inserted (and removed by /forget). */
import { and, asc, desc, eq, inArray, max, sql } from "drizzle-orm";
import type { EventWithActor, NewEvent } from "../sqlite/events";
import { type PgDb, rowsMapped } from "./db";
import { events, people } from "./schema";

/**
 * Appends one entry.
 * @returns its id, unique even among entries written at the same instant (a purpose key can use it).
 */
export async function appendEvent(db: PgDb, e: NewEvent): Promise<number> {
  // By hand (./db.ts): every command that changes something writes one. JSON goes as its text.
  const [id] = await rowsMapped(
    db,
    sql`INSERT INTO events (commitment_id, actor_id, person_id, kind, data, at)
      VALUES (${e.commitmentId ?? null}::integer, ${e.actorId ?? null}::integer, ${e.personId ?? null}::integer,
        ${e.kind}, ${e.data === undefined ? null : JSON.stringify(e.data)}::json, ${e.at}::bigint)
      RETURNING id`,
    (r) => Number(r.id),
  );
  if (id === undefined) throw new Error("appendEvent: the insert returned no row");
  return id;
}

/** The newest entries of a commitment, newest first, each with the name of who acted. */
export async function listCommitmentEvents(
  db: PgDb,
  commitmentId: number,
  limit = 20,
): Promise<EventWithActor[]> {
  const rows = await db
    .select({ event: events, actorName: people.name })
    .from(events)
    .leftJoin(people, eq(people.id, events.actorId))
    .where(eq(events.commitmentId, commitmentId))
    .orderBy(desc(events.at), desc(events.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.event, actorName: r.actorName }));
}

/** What a witness-related history entry does to who witnesses a commitment. */
const WITNESS_EFFECT: Record<string, "on" | "off" | "left"> = {
  "witness-accepted": "on",
  "witness-invited": "off",
  "witness-declined": "off",
  "witness-removed": "left",
  "witness-stepped-down": "left",
};

/**
 * When an active witness last stopped witnessing the commitment (removed with /unwitness,
 * stepped down, or gone with /forget), if that was at or after `since`; else null. A
 * withdrawn invitation is recorded as a removal too, so only a removal that follows an
 * acceptance counts: nobody was witnessing before it.
 */
export async function witnessLeftSince(
  db: PgDb,
  commitmentId: number,
  since: number,
): Promise<number | null> {
  const rows = await db
    .select({ kind: events.kind, at: events.at })
    .from(events)
    .where(and(eq(events.commitmentId, commitmentId), inArray(events.kind, Object.keys(WITNESS_EFFECT))))
    .orderBy(asc(events.at), asc(events.id));
  let active = false;
  let left: number | null = null;
  for (const row of rows) {
    const effect = WITNESS_EFFECT[row.kind];
    if (effect === "left" && active) left = row.at;
    active = effect === "on";
  }
  return left !== null && left >= since ? left : null;
}

/**
 * When each of the given commitments ended (its newest `completed` or `cancelled` entry), for
 * /status's "ended this past week". Commitments with no such entry are absent.
 */
export async function endedAt(db: PgDb, commitmentIds: readonly number[]): Promise<Map<number, number>> {
  if (commitmentIds.length === 0) return new Map();
  const rows = await db
    .select({ id: events.commitmentId, at: max(events.at) })
    .from(events)
    .where(
      and(inArray(events.commitmentId, [...commitmentIds]), inArray(events.kind, ["completed", "cancelled"])),
    )
    .groupBy(events.commitmentId);
  return new Map(rows.flatMap((r) => (r.id !== null && r.at !== null ? [[r.id, r.at] as const] : [])));
}
