/** The append-only history. Rows are only ever inserted (and removed by /forget). */
import { and, asc, desc, eq, inArray, max } from "drizzle-orm";
import type { Db } from "./db";
import { perConnection } from "./raw";
import { type EventRow, events, people } from "./schema";

/** One history entry to append. */
export interface NewEvent {
  commitmentId?: number | null;
  actorId?: number | null;
  personId?: number | null;
  kind: string;
  data?: Record<string, unknown>;
  at: number;
}

const insert = perConnection((client) =>
  client.prepare(
    "INSERT INTO events (commitment_id, actor_id, person_id, kind, data, at) VALUES (?, ?, ?, ?, ?, ?)",
  ),
);

/**
 * Appends one entry (a hand-prepared statement: the tick appends thousands in a burst).
 * @returns its id, unique even among entries written at the same instant (a purpose key can use it).
 */
export function appendEvent(db: Db, e: NewEvent): number {
  const result = insert(db).run(
    e.commitmentId ?? null,
    e.actorId ?? null,
    e.personId ?? null,
    e.kind,
    e.data === undefined ? null : JSON.stringify(e.data),
    e.at,
  );
  return Number(result.lastInsertRowid);
}

/** A history entry with the display name of who acted (null: the bot, or someone who left Amends). */
export type EventWithActor = EventRow & { actorName: string | null };

/** The newest entries of a commitment, newest first, each with the name of who acted. */
export function listCommitmentEvents(db: Db, commitmentId: number, limit = 20): EventWithActor[] {
  return db
    .select({ event: events, actorName: people.name })
    .from(events)
    .leftJoin(people, eq(people.id, events.actorId))
    .where(eq(events.commitmentId, commitmentId))
    .orderBy(desc(events.at), desc(events.id))
    .limit(limit)
    .all()
    .map((r) => ({ ...r.event, actorName: r.actorName }));
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
export function witnessLeftSince(db: Db, commitmentId: number, since: number): number | null {
  const rows = db
    .select({ kind: events.kind, at: events.at })
    .from(events)
    .where(and(eq(events.commitmentId, commitmentId), inArray(events.kind, Object.keys(WITNESS_EFFECT))))
    .orderBy(asc(events.at), asc(events.id))
    .all();
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
export function endedAt(db: Db, commitmentIds: readonly number[]): Map<number, number> {
  if (commitmentIds.length === 0) return new Map();
  const rows = db
    .select({ id: events.commitmentId, at: max(events.at) })
    .from(events)
    .where(
      and(inArray(events.commitmentId, [...commitmentIds]), inArray(events.kind, ["completed", "cancelled"])),
    )
    .groupBy(events.commitmentId)
    .all();
  return new Map(rows.flatMap((r) => (r.id !== null && r.at !== null ? [[r.id, r.at] as const] : [])));
}
