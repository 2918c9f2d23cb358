/** The append-only history. Rows are only ever inserted (and removed by /forget). */
import { desc, eq } from "drizzle-orm";
import type { Db } from "./db";
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

/** Appends one entry. */
export function appendEvent(db: Db, e: NewEvent): void {
  db.insert(events)
    .values({
      commitmentId: e.commitmentId ?? null,
      actorId: e.actorId ?? null,
      personId: e.personId ?? null,
      kind: e.kind,
      data: e.data ?? null,
      at: e.at,
    })
    .run();
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
