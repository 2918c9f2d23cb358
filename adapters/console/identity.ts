/**
 * How console people and chats look to the core. These shapes are a contract: the core
 * stores them, so changing one would split a person or a chat in two.
 */

import type { Actor, ChatRef } from "../../src/types";

/** The id of the one group chat. */
export const GROUP_ID = "group";

/** The id prefix of a person's direct chat with the bot: `dm:alice`. */
export const DM_PREFIX = "dm:";

/** The shared group chat. A fresh object each time, so no caller can change another's. */
export function groupChat(): ChatRef {
  return { platform: "console", id: GROUP_ID, kind: "group", title: "group" };
}

/** NAME's direct chat with the bot. */
export function dmChat(name: string): ChatRef {
  return { platform: "console", id: DM_PREFIX + name.toLowerCase(), kind: "dm" };
}

/** The person called NAME; ids and usernames are lower case so `Alice` and `alice` are one person. */
export function actorFor(name: string): Actor {
  const id = name.toLowerCase();
  return { platform: "console", id, name, username: id };
}

/** The person id of a direct chat id (`dm:alice` → `alice`), or undefined for any other chat. */
export function dmPersonId(chatId: string): string | undefined {
  return chatId.startsWith(DM_PREFIX) ? chatId.slice(DM_PREFIX.length) : undefined;
}
