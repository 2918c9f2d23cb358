/**
 * Sending one {@link Reply} to one Telegram chat: HTML text with its inline keyboard, or a
 * document (the `/export` JSON) with the text as its caption. Used by the courier and by the
 * direct answers to commands and clicks alike, so both look the same.
 */
import { type Api, InputFile } from "grammy";
import type { ForceReply, InlineKeyboardMarkup, Message } from "grammy/types";
import { toPlain } from "../../src/richtext";
import type { Reply } from "../../src/types";
import { classifyFailure } from "./errors";
import { inlineKeyboard } from "./keyboard";
import { CAPTION_LIMIT, renderHtml, TEXT_LIMIT, visibleLength } from "./render";

/** Where a message goes. */
export interface SendTarget {
  chatId: number | string;
  /** Sent as a reply to this message, when it still exists. */
  replyTo?: number;
  /** A forum topic to post in. */
  threadId?: number;
}

/** Where in the chat a message lands: its forum topic, and the message it answers. */
function placement(target: SendTarget) {
  return {
    ...(target.threadId !== undefined ? { message_thread_id: target.threadId } : {}),
    ...(target.replyTo !== undefined
      ? { reply_parameters: { message_id: target.replyTo, allow_sending_without_reply: true } }
      : {}),
  };
}

/**
 * Sends HTML text. Should Telegram ever refuse the markup (a rendering bug), the same words go
 * once more as plain text rather than failing forever in the outbox.
 */
export async function sendHtml(
  api: Api,
  target: SendTarget,
  html: string,
  plain: string,
  markup?: InlineKeyboardMarkup | ForceReply,
): Promise<Message.TextMessage> {
  // No link previews: a promise holding a URL should not unfold into a card in the group.
  const extra = {
    ...placement(target),
    link_preview_options: { is_disabled: true },
    ...(markup ? { reply_markup: markup } : {}),
  };
  try {
    return await api.sendMessage(target.chatId, html, { ...extra, parse_mode: "HTML" });
  } catch (error) {
    if (classifyFailure(error).kind !== "bad-markup") throw error;
    return api.sendMessage(target.chatId, plain.slice(0, TEXT_LIMIT), extra);
  }
}

/**
 * Sends a reply: its text (HTML, escaped) with its buttons, and its file as a document. A file
 * whose text fits a caption goes as one message; otherwise the text goes first.
 * @returns the messages Telegram created, in order.
 */
export async function sendReply(api: Api, target: SendTarget, reply: Reply): Promise<Message[]> {
  // Built first: an action too long for callback_data throws before anything is sent.
  const keyboard = inlineKeyboard(reply.buttons);
  const { file } = reply;
  const plain = toPlain(reply.text);
  if (!file) {
    if (!plain.trim()) return [];
    return [await sendHtml(api, target, renderHtml(reply.text), plain, keyboard)];
  }
  const sent: Message[] = [];
  const inCaption = visibleLength(reply.text) <= CAPTION_LIMIT;
  if (!inCaption) sent.push(await sendHtml(api, target, renderHtml(reply.text), plain, keyboard));
  const document = new InputFile(Buffer.from(file.content, "utf8"), file.filename);
  sent.push(
    await api.sendDocument(target.chatId, document, {
      ...placement(target),
      ...(inCaption && plain.trim()
        ? { caption: renderHtml(reply.text, CAPTION_LIMIT), parse_mode: "HTML" }
        : {}),
      ...(inCaption && keyboard ? { reply_markup: keyboard } : {}),
    }),
  );
  return sent;
}
