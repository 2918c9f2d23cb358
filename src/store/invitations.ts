/** When a commitment's open witness invitation was sent, so it can expire. */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "./db";
import { events } from "./schema";

/** The instant of the newest `witness-invited` entry of a commitment, if any. */
export function invitedAt(db: Db, commitmentId: number): number | undefined {
  return db
    .select({ at: events.at })
    .from(events)
    .where(and(eq(events.commitmentId, commitmentId), eq(events.kind, "witness-invited")))
    .orderBy(desc(events.at), desc(events.id))
    .limit(1)
    .get()?.at;
}
