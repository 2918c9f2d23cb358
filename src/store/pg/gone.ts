/**
 * What pausing for a gone chat reads and writes (see src/engine/gone.ts), on PostgreSQL: the
 * chat marked gone, the active commitments whose check-ins could only go there, and the pause.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { PgDb } from "./db";
import { chats, commitments, people } from "./schema";

/**
 * Marks a group chat gone at `now`.
 * @returns the chat's row id, or undefined when no such chat is known.
 */
export async function markChatGone(
  db: PgDb,
  platform: string,
  externalId: string,
  now: number,
): Promise<number | undefined> {
  const rows = await db
    .update(chats)
    .set({ goneAt: now })
    .where(and(eq(chats.platform, platform), eq(chats.externalId, externalId)))
    .returning({ id: chats.id });
  return rows[0]?.id;
}

/** The active group commitments made in a chat (their check-ins go to that group), by id. */
export async function activeGroupCommitmentIds(db: PgDb, chatId: number): Promise<number[]> {
  const rows = await db
    .select({ id: commitments.id })
    .from(commitments)
    .where(
      and(
        eq(commitments.chatId, chatId),
        eq(commitments.visibility, "group"),
        eq(commitments.state, "active"),
      ),
    )
    .orderBy(asc(commitments.id));
  return rows.map((r) => r.id);
}

/**
 * The active private commitments of the person with this platform identity (their check-ins go
 * to that person's direct chat), by id, or undefined when no such person is known.
 */
export async function activePrivateCommitmentIds(
  db: PgDb,
  platform: string,
  externalId: string,
): Promise<number[] | undefined> {
  const [person] = await db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.platform, platform), eq(people.externalId, externalId)))
    .limit(1);
  if (!person) return undefined;
  const rows = await db
    .select({ id: commitments.id })
    .from(commitments)
    .where(
      and(
        eq(commitments.ownerId, person.id),
        eq(commitments.visibility, "private"),
        eq(commitments.state, "active"),
      ),
    )
    .orderBy(asc(commitments.id));
  return rows.map((r) => r.id);
}

/** Pauses commitments with no end to the pause and nothing planned. */
export async function pauseOpenEnded(db: PgDb, ids: readonly number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(commitments)
    .set({ state: "paused", nextDueAt: null, pausedUntil: null, updatedAt: now })
    .where(inArray(commitments.id, [...ids]));
}
