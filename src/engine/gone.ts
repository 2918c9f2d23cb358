/**
 * When a platform says a chat is gone (deleted, or the bot was removed or blocked), the
 * commitments whose check-ins go there are paused, so the scheduler stops writing to nowhere,
 * and the history says why. Nothing is retried forever.
 */
import { skipOpenCheckIns } from "../store/sqlite/checkins";
import type { Db } from "../store/sqlite/db";
import { appendEvent } from "../store/sqlite/events";
import {
  activeGroupCommitmentIds,
  activePrivateCommitmentIds,
  markChatGone,
  pauseOpenEnded,
} from "../store/sqlite/gone";
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
      const chatId = markChatGone(tx, to.platform, to.chatId, now);
      if (chatId === undefined) return 0;
      ids = activeGroupCommitmentIds(tx, chatId);
    } else if (to.personId) {
      ids = activePrivateCommitmentIds(tx, to.platform, to.personId) ?? [];
    }
    if (ids.length === 0) return 0;
    pauseOpenEnded(tx, ids, now);
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
