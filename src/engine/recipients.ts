/** Where scheduled messages go: the commitment's group, or a person's direct chat. */
import type { ChatRow, CommitmentRow, PersonRow } from "../store/schema";
import type { Platform, Recipient } from "../types";

/** The group chat a commitment was made in. */
export function groupOf(chat: ChatRow): Recipient {
  return { platform: chat.platform as Platform, chatKind: "group", chatId: chat.externalId };
}

/**
 * A person's direct chat. `fallback` is the group to use, with a mention, when the platform
 * refuses the DM (Telegram: the person never started the bot; Discord: DMs closed).
 */
export function dmOf(person: PersonRow, fallback?: ChatRow): Recipient {
  return {
    platform: person.platform as Platform,
    chatKind: "dm",
    chatId: person.dmChatId ?? "",
    personId: person.externalId,
    personName: person.name,
    ...(fallback && fallback.kind === "group" ? { fallbackChatId: fallback.externalId } : {}),
  };
}

/** Check-in prompts: in the group for group commitments, in the owner's DM for private ones. */
export function promptRecipient(c: CommitmentRow, owner: PersonRow, chat: ChatRow): Recipient {
  return c.visibility === "group" && chat.kind === "group" ? groupOf(chat) : dmOf(owner, chat);
}
