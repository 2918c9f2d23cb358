/** Where and when a commitment's open witness invitation was posted, so it can expire. */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "./db";
import { events } from "./schema";

/** The newest invitation of a commitment: when it was sent and the chat (row id) it was posted in. */
export interface InvitationPosted {
  at: number;
  /** Absent for invitations recorded before the chat was kept. */
  chatId?: number;
}

/** The newest `witness-invited` entry of a commitment, if any. */
export function lastInvitation(db: Db, commitmentId: number): InvitationPosted | undefined {
  const row = db
    .select({ at: events.at, data: events.data })
    .from(events)
    .where(and(eq(events.commitmentId, commitmentId), eq(events.kind, "witness-invited")))
    .orderBy(desc(events.at), desc(events.id))
    .limit(1)
    .get();
  if (!row) return undefined;
  const chatId = (row.data as { chatId?: unknown } | null)?.chatId;
  return { at: row.at, ...(typeof chatId === "number" ? { chatId } : {}) };
}
