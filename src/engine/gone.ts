/**
 * When a platform says a chat is gone (deleted, or the bot was removed or blocked), the
 * commitments whose check-ins go there are paused, so the scheduler stops writing to nowhere,
 * and the history says why. Nothing is retried forever.
 */
import { and, eq, inArray } from "drizzle-orm";
import { skipOpenCheckIns } from "../store/checkins";
import type { Db } from "../store/db";
import { appendEvent } from "../store/events";
import { chats, commitments, people } from "../store/schema";
import type { Recipient } from "../types";

/**
 * Pauses what can no longer be delivered: the group commitments of a gone group (private ones
 * made there still reach their owner's DM), or the private commitments of a person whose direct
 * chat refused the bot for good.
 * @returns how many commitments were paused.
 */
export function pauseForGone(db: Db, to: Recipient, now: number): number {
  return db.transaction((tx) => {
    let ids: number[] = [];
    if (to.chatKind === "group") {
      const chat = tx
        .select()
        .from(chats)
        .where(and(eq(chats.platform, to.platform), eq(chats.externalId, to.chatId)))
        .get();
      if (!chat) return 0;
      tx.update(chats).set({ goneAt: now }).where(eq(chats.id, chat.id)).run();
      ids = tx
        .select({ id: commitments.id })
        .from(commitments)
        .where(
          and(
            eq(commitments.chatId, chat.id),
            eq(commitments.visibility, "group"),
            eq(commitments.state, "active"),
          ),
        )
        .all()
        .map((r) => r.id);
    } else if (to.personId) {
      const person = tx
        .select()
        .from(people)
        .where(and(eq(people.platform, to.platform), eq(people.externalId, to.personId)))
        .get();
      if (!person) return 0;
      ids = tx
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
    if (ids.length === 0) return 0;
    tx.update(commitments)
      .set({ state: "paused", nextDueAt: null, pausedUntil: null, updatedAt: now })
      .where(inArray(commitments.id, ids))
      .run();
    for (const id of ids) {
      // The open check-in would still send its reminder to nowhere: it counts for nothing now.
      skipOpenCheckIns(tx, id);
      appendEvent(tx, {
        commitmentId: id,
        kind: "paused",
        data: { reason: "chat-gone", until: null },
        at: now,
      });
    }
    return ids.length;
  });
}
