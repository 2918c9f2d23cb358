/**
 * How Telegram people and chats look to the core. These shapes are a contract: the core
 * stores them, so changing one would split a person or a chat in two.
 */
import type { Chat, User } from "grammy/types";
import type { Actor, ChatRef, Recipient } from "../../src/types";

/** A Telegram user as an {@link Actor}: the numeric id is stable, names and usernames are not. */
export function actorOf(user: User): Actor {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ").trim();
  return {
    platform: "telegram",
    id: String(user.id),
    name: name || user.username || String(user.id),
    ...(user.username ? { username: user.username } : {}),
    isBot: user.is_bot,
  };
}

/** A Telegram chat as a {@link ChatRef}; channels are not chats Amends talks in, so they are null. */
export function chatOf(chat: Chat): ChatRef | null {
  if (chat.type === "channel") return null;
  if (chat.type === "private") {
    const title = [chat.first_name, chat.last_name].filter(Boolean).join(" ");
    return { platform: "telegram", id: String(chat.id), kind: "dm", ...(title ? { title } : {}) };
  }
  return {
    platform: "telegram",
    id: String(chat.id),
    kind: "group",
    ...(chat.title ? { title: chat.title } : {}),
  };
}

/**
 * The chat an outbox message goes to. Telegram's private chat with a person has the person's
 * user id, so a DM needs no lookup: the known DM chat id, else the person id.
 */
export function targetChatId(to: Recipient): string {
  return to.chatKind === "dm" ? to.chatId || to.personId || "" : to.chatId;
}
