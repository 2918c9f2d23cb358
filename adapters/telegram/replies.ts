/**
 * Answering the person who acted. Telegram has no ephemeral messages, so a reply the core marks
 * `sender-only` goes to the person's private chat with the bot; if they never pressed Start
 * there, the group gets only the version the core says it may see (src/privacy.ts).
 * A click has one private channel of its own: the toast or alert of `answerCallbackQuery`.
 */
import type { Api } from "grammy";
import type { CallbackQuery, MaybeInaccessibleMessage, User } from "grammy/types";
import type { Logger } from "../../src/log";
import { groupSafeReply } from "../../src/privacy";
import { toPlain } from "../../src/richtext";
import { spentRow } from "../../src/settle";
import type { ChatRef, Reply, RichText } from "../../src/types";
import { classifyFailure, describeFailure, isDmRefusal } from "./errors";
import { NO_KEYBOARD } from "./keyboard";
import { clipPlain, entitiesToHtml, renderHtml, TEXT_LIMIT, TOAST_LIMIT, visibleLength } from "./render";
import { type SendTarget, sendReply } from "./send";

/** What the answers need: the API (with auto-retry for short 429s), a log, the bot's username. */
export interface ResponderDeps {
  api: Api;
  log: Logger;
  botUsername: string;
}

/** Where and from whom the command or click came. */
export interface Origin {
  chatId: number;
  chat: ChatRef;
  user: User;
  /** The message being answered (the command, or a typed answer), for reply-to in groups. */
  messageId?: number;
  /** The forum topic the message was in. */
  threadId?: number;
  /** `/status`, to say which command to send again in a private chat. */
  command?: string;
}

/** The group target for answers to `origin`: its topic, replying to its message. */
function inPlace(origin: Origin): SendTarget {
  return {
    chatId: origin.chatId,
    ...(origin.threadId !== undefined ? { threadId: origin.threadId } : {}),
    ...(origin.messageId !== undefined && origin.chat.kind === "group" ? { replyTo: origin.messageId } : {}),
  };
}

/**
 * Sends `reply` to the person's private chat.
 * @returns false when Telegram refuses (they never started the bot, or blocked it).
 */
export async function sendPrivately(deps: ResponderDeps, user: User, reply: Reply): Promise<boolean> {
  try {
    await sendReply(deps.api, { chatId: user.id }, reply);
    return true;
  } catch (error) {
    if (isDmRefusal(classifyFailure(error))) return false;
    throw error;
  }
}

/**
 * Answers a command: replies for the chat go to the chat (in a group, as a reply to the
 * command); private ones to the person's private chat, falling back to the core's {@link groupSafeReply}.
 */
export async function answerCommand(
  deps: ResponderDeps,
  origin: Origin,
  replies: readonly Reply[],
): Promise<void> {
  for (const reply of replies) {
    if (origin.chat.kind === "dm" || reply.visibility === "chat") {
      await sendReply(deps.api, inPlace(origin), reply);
    } else if (!(await sendPrivately(deps, origin.user, reply))) {
      await sendReply(
        deps.api,
        inPlace(origin),
        groupSafeReply(reply, {
          botHandle: deps.botUsername,
          ...(origin.command ? { command: origin.command } : {}),
        }),
      );
    }
  }
}

/**
 * True for a private answer a toast can carry whole: short, without buttons or a file. That is
 * every refusal (the core's "no", settling nothing), and short acknowledgements such as "Confirmed."
 */
function fitsToast(reply: Reply): boolean {
  return (
    reply.visibility === "sender-only" &&
    !reply.file &&
    !reply.buttons?.some((row) => row.length > 0) &&
    visibleLength(reply.text) <= TOAST_LIMIT
  );
}

/**
 * Answers a button press. Every query gets exactly one `answerCallbackQuery`: a refusal (or any
 * short private answer) is its toast, and a refusal leaves the buttons as they were, for the
 * person they belong to; a longer private answer goes to the clicker's private chat, or, if they
 * never started the bot, becomes an alert only they see. An answer that `settles` the button edits
 * the clicked message to show the outcome and drops its spent keyboard; chat replies are posted.
 */
export async function answerClick(
  deps: ResponderDeps,
  origin: Origin,
  query: CallbackQuery,
  replies: readonly Reply[],
): Promise<void> {
  const notes: string[] = [];
  let alert = false;
  let answered = false;
  const toChat: Reply[] = [];
  try {
    for (const reply of replies) {
      if (reply.visibility === "chat") toChat.push(reply);
      else if (fitsToast(reply)) notes.push(toPlain(reply.text));
      else if (origin.chat.kind === "dm") toChat.push(reply);
      else if (!(await sendPrivately(deps, origin.user, reply))) {
        notes.push(toPlain(reply.text));
        alert = true;
      }
    }
    answered = true;
    await answerQuery(deps, query.id, notes.join("\n"), alert);
    const settles = replies.find((r) => r.settles)?.settles;
    if (settles && query.message) await settle(deps, query.message, settles, query.data);
    for (const reply of toChat) await sendReply(deps.api, { ...inPlace(origin), replyTo: undefined }, reply);
  } finally {
    // However the sends went, the spinner on the person's button must stop.
    if (!answered) await answerQuery(deps, query.id, notes.join("\n"), alert);
  }
}

/** Answers a callback query once; a failure only means the spinner runs out by itself. */
export async function answerQuery(deps: ResponderDeps, id: string, text = "", alert = false): Promise<void> {
  try {
    await deps.api.answerCallbackQuery(
      id,
      text ? { text: clipPlain(text, TOAST_LIMIT), show_alert: alert } : {},
    );
  } catch (error) {
    deps.log.warn({ error: describeFailure(error) }, "telegram: answerCallbackQuery failed");
  }
}

/**
 * Edits a clicked message to show its outcome under the original words, without its spent buttons
 * (all of them, or in a combined check-in message the clicked row: src/settle.ts). If the
 * text cannot be edited (too old, not text), at least the spent buttons are taken away.
 */
export async function settle(
  deps: ResponderDeps,
  message: MaybeInaccessibleMessage,
  settled: RichText,
  clicked?: string,
) {
  const chatId = message.chat.id;
  const id = message.message_id;
  // In a combined check-in message only the clicked row is spent, and the outcome says which.
  const keyboard = "reply_markup" in message ? (message.reply_markup?.inline_keyboard ?? []) : [];
  const sent = keyboard.map((row) =>
    row.map((b) => ({ label: b.text, ...("callback_data" in b ? { action: b.callback_data } : {}) })),
  );
  const only = clicked === undefined ? null : spentRow(sent, clicked);
  const left = only ? keyboard.filter((_, i) => i !== only.row) : [];
  const markup = left.length > 0 ? { inline_keyboard: left } : NO_KEYBOARD;
  const outcome: RichText = only ? [{ t: "text", text: `${only.tag}: ` }, ...settled] : settled;
  if (message.date !== 0 && "text" in message && message.text !== undefined) {
    const fits = message.text.length + 2 + visibleLength(outcome) <= TEXT_LIMIT;
    const html = fits
      ? `${entitiesToHtml(message.text, message.entities)}\n\n${renderHtml(outcome)}`
      : renderHtml(outcome);
    try {
      await deps.api.editMessageText(chatId, id, html, {
        parse_mode: "HTML",
        reply_markup: markup,
        link_preview_options: { is_disabled: true },
      });
      return;
    } catch (error) {
      if (classifyFailure(error).kind === "not-modified") return;
      deps.log.warn({ error: describeFailure(error) }, "telegram: could not edit a settled message");
    }
  }
  try {
    await deps.api.editMessageReplyMarkup(chatId, id, { reply_markup: markup });
  } catch (error) {
    deps.log.warn({ error: describeFailure(error) }, "telegram: could not remove spent buttons");
  }
}
