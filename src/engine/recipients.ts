/** Where scheduled messages go: the commitment's group, or a person's direct chat. */
import { PRIVATE_POINTER } from "../privacy";
import type { ChatRow, CommitmentRow, PersonRow } from "../store/schema";
import type { Platform, Recipient, Reply } from "../types";

/** The group chat a commitment was made in. */
export function groupOf(chat: ChatRow): Recipient {
  return { platform: chat.platform as Platform, chatKind: "group", chatId: chat.externalId };
}

/**
 * A person's direct chat. `fallback` is the group to use, with a mention, when the platform
 * refuses the DM (Telegram: the person never started the bot; Discord: DMs closed).
 */
export function dmOf(person: PersonRow, fallback?: ChatRow, fallbackReply?: Reply): Recipient {
  const canFallBack = fallback !== undefined && fallback.kind === "group";
  return {
    platform: person.platform as Platform,
    chatKind: "dm",
    chatId: person.dmChatId ?? "",
    personId: person.externalId,
    personName: person.name,
    // A direct message is private by nature: the group only ever gets the neutral version.
    ...(canFallBack
      ? { fallbackChatId: fallback.externalId, fallbackReply: fallbackReply ?? PRIVATE_POINTER }
      : {}),
  };
}

/**
 * Check-in prompts: in the group for group commitments, in the owner's DM for private ones
 * (falling back to the group with `fallbackReply`, which leaves the promise out).
 */
export function promptRecipient(
  c: CommitmentRow,
  owner: PersonRow,
  chat: ChatRow,
  fallbackReply?: Reply,
): Recipient {
  return c.visibility === "group" && chat.kind === "group" ? groupOf(chat) : dmOf(owner, chat, fallbackReply);
}
