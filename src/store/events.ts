/** The append-only history. Rows are only ever inserted (and removed by /forget). */
import { desc, eq } from "drizzle-orm";
import type { Db } from "./db";
import { perConnection } from "./raw";
import { type EventRow, events } from "./schema";

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

/** Appends one entry (a hand-prepared statement: the tick appends thousands in a burst). */
export function appendEvent(db: Db, e: NewEvent): void {
  insert(db).run(
    e.commitmentId ?? null,
    e.actorId ?? null,
    e.personId ?? null,
    e.kind,
    e.data === undefined ? null : JSON.stringify(e.data),
    e.at,
  );
}

/** The newest entries of a commitment, newest first. */
export function listCommitmentEvents(db: Db, commitmentId: number, limit = 20): EventRow[] {
  return db
    .select()
    .from(events)
    .where(eq(events.commitmentId, commitmentId))
    .orderBy(desc(events.at), desc(events.id))
    .limit(limit)
    .all();
}
