/** Where scheduled messages go: the commitment's group, or a person's direct chat. */
import { PRIVATE_POINTER } from "../privacy";
import type { ChatRow, CommitmentRow, PersonRow } from "../store/port";
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

/**
 * Where a check-in's prompt or reminder goes. While the commitment is silent (its last two
 * windows closed with no answer, see ./silence) it goes only to the owner's direct chat, with
 * no group fallback: a group never watches someone's silence pile up. Otherwise as
 * {@link promptRecipient}.
 */
export function checkInRecipient(
  c: CommitmentRow,
  owner: PersonRow,
  chat: ChatRow,
  silent: boolean,
  fallbackReply?: Reply,
): Recipient {
  return silent ? dmOf(owner) : promptRecipient(c, owner, chat, fallbackReply);
}

/**
 * The bundle key of a check-in message to `to`: one person in one chat. Messages with the same
 * key that are ready together go out as one (src/dispatch/bundle.ts).
 */
export function bundleKey(person: Pick<PersonRow, "id">, to: Recipient): string {
  return `${person.id}:${to.chatKind === "dm" ? "dm" : `group:${to.chatId}`}`;
}
