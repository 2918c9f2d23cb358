/**
 * What pausing for a gone chat reads and writes (see src/engine/gone.ts): the chat marked gone,
 * the active commitments whose check-ins could only go there, and the pause itself.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "./db";
import { chats, commitments, people } from "./schema";

/**
 * Marks a group chat gone at `now`.
 * @returns the chat's row id, or undefined when no such chat is known.
 */
export function markChatGone(db: Db, platform: string, externalId: string, now: number): number | undefined {
  const chat = db
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.platform, platform), eq(chats.externalId, externalId)))
    .get();
  if (!chat) return undefined;
  db.update(chats).set({ goneAt: now }).where(eq(chats.id, chat.id)).run();
  return chat.id;
}

/** The active group commitments made in a chat (their check-ins go to that group). */
export function activeGroupCommitmentIds(db: Db, chatId: number): number[] {
  return db
    .select({ id: commitments.id })
    .from(commitments)
    .where(
      and(
        eq(commitments.chatId, chatId),
        eq(commitments.visibility, "group"),
        eq(commitments.state, "active"),
      ),
    )
    .all()
    .map((r) => r.id);
}

/**
 * The active private commitments of the person with this platform identity (their check-ins go
 * to that person's direct chat), or undefined when no such person is known.
 */
export function activePrivateCommitmentIds(
  db: Db,
  platform: string,
  externalId: string,
): number[] | undefined {
  const person = db
    .select({ id: people.id })
    .from(people)
    .where(and(eq(people.platform, platform), eq(people.externalId, externalId)))
    .get();
  if (!person) return undefined;
  return db
    .select({ id: commitments.id })
    .from(commitments)
    .where(
      and(
        eq(commitments.ownerId, person.id),
        eq(commitments.visibility, "private"),
        eq(commitments.state, "active"),
      ),
    )
    .all()
    .map((r) => r.id);
}

/** Pauses commitments with no end to the pause and nothing planned. */
export function pauseOpenEnded(db: Db, ids: readonly number[], now: number): void {
  if (ids.length === 0) return;
  db.update(commitments)
    .set({ state: "paused", nextDueAt: null, pausedUntil: null, updatedAt: now })
    .where(inArray(commitments.id, [...ids]))
    .run();
}
