/**
 * Who may see what, decided once for every platform (PRODUCT.md §4, §5, §8; VOICE.md "Who may
 * hear what"). Messages are built for the person they are for; when a platform has no private
 * place to show one (a Telegram group member who never started the bot, a refused direct
 * message), only the version written here may appear where others can read it.
 */
import { rich, toPlain } from "./richtext";
import type { Reply } from "./types";

/** The longest refusal that may stand in a group as it is. Refusals quote at most a short piece. */
export const SHORT_REFUSAL = 300;

/** What the group sees in place of a direct message that could not be delivered. */
export const PRIVATE_POINTER: Reply = {
  text: rich("I have a private message for you. Open a direct chat with me so I can send it."),
  visibility: "chat",
};

/** How the person can reach their private chat with the bot, for the pointer's wording. */
export interface PrivateRoute {
  /** The bot's handle without `@`, when the platform has one. */
  botHandle?: string;
  /** The command to send again there (`status`), when the answer was to a command. */
  command?: string;
}

/**
 * The version of a `sender-only` reply that may be shown in a group when the person has no
 * private place to read it: a short refusal as it is (it says no and names no one: refusals are
 * built that way and the privacy sweep checks it), anything else as a pointer to the private
 * chat, because a status, an answer to a check-in or an export is not for the whole group.
 */
export function groupSafeReply(reply: Reply, route: PrivateRoute = {}): Reply {
  if (reply.visibility === "chat") return reply;
  if (reply.refusal && !reply.file && [...toPlain(reply.text)].length <= SHORT_REFUSAL) {
    return { ...reply, visibility: "chat" };
  }
  const where = route.botHandle ? `Open @${route.botHandle}, press Start` : "Open a direct chat with me";
  const again = route.command ? `, then send /${route.command} there` : "";
  const what =
    reply.file?.kind === "image"
      ? "That picture is just for you, so I only send it in a private chat."
      : reply.file
        ? "That file holds your personal data, so I only send it in a private chat."
        : "That answer is just for you.";
  return { text: rich(`${what} ${where}${again}.`), visibility: "chat" };
}
