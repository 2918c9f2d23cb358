/** Where and when a commitment's open witness invitation was posted, so it can expire. */
import { and, desc, eq } from "drizzle-orm";
import type { InvitationPosted } from "../sqlite/invitations";
import type { PgDb } from "./db";
import { events } from "./schema";

/** The newest `witness-invited` entry of a commitment (when it was sent, and in which chat), if any. */
export async function lastInvitation(db: PgDb, commitmentId: number): Promise<InvitationPosted | undefined> {
  const [row] = await db
    .select({ at: events.at, data: events.data })
    .from(events)
    .where(and(eq(events.commitmentId, commitmentId), eq(events.kind, "witness-invited")))
    .orderBy(desc(events.at), desc(events.id))
    .limit(1);
  if (!row) return undefined;
  const chatId = (row.data as { chatId?: unknown } | null)?.chatId;
  return { at: row.at, ...(typeof chatId === "number" ? { chatId } : {}) };
}
