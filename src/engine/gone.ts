import type { Store } from "../store/port";
import type { Recipient } from "../types";

/**
 * Pauses what can no longer be delivered: the group commitments of a gone group (private ones
 * made there still reach their owner's DM), or the private commitments of a person whose direct
 * chat refused the bot for good.
 * @returns how many commitments were paused.
 */
export function pauseForGone(store: Store, to: Recipient, now: number): Promise<number> {
  return store.transaction(async (tx) => {
    let ids: number[] = [];
    if (to.chatKind === "group") {
      const chatId = await tx.markChatGone(to.platform, to.chatId, now);
      if (chatId === undefined) return 0;
      ids = await tx.activeGroupCommitmentIds(chatId);
    } else if (to.personId) {
      ids = (await tx.activePrivateCommitmentIds(to.platform, to.personId)) ?? [];
    }
    if (ids.length === 0) return 0;
    await tx.pauseOpenEnded(ids, now);
    for (const id of ids) {
      // The open check-in would still send its reminder to nowhere: it counts for nothing now.
      await tx.skipOpenCheckIns(id);
      await tx.appendEvent({
        commitmentId: id,
        kind: "paused",
        data: { reason: "chat-gone", until: null },
        at: now,
      });
    }
    return ids.length;
  });
}
