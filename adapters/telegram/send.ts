/**
 * Sending one {@link Reply} to one Telegram chat: HTML text with its inline keyboard, a
 * document (the `/export` JSON) or a photo (a picture) with the text as its caption. Used by the courier and by the
 * direct answers to commands and clicks alike, so both look the same.
 */
import { type Api, InputFile } from "grammy";
import type { ForceReply, InlineKeyboardMarkup, Message } from "grammy/types";
import { toPlain } from "../../src/richtext";
import { attachmentBytes, type ImageAttachment, type Reply } from "../../src/types";
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
 * Sends a reply: its text (HTML, escaped) with its buttons, and its file as a document or its
 * picture as a photo. A file or picture whose text fits a caption goes as one message, buttons
 * included. Otherwise a document follows its text (which carries the buttons); a picture goes
 * first with its description as the caption, and the text follows with the buttons, so they sit
 * under the words that explain them.
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
  const inCaption = visibleLength(reply.text) <= CAPTION_LIMIT;
  if (file.kind === "image") {
    const sent: Message[] = [];
    const captioned = inCaption && plain.trim() !== "";
    sent.push(
      await sendPhoto(
        api,
        target,
        file,
        captioned
          ? { html: renderHtml(reply.text, CAPTION_LIMIT), plain: plain.slice(0, CAPTION_LIMIT) }
          : { plain: clipCaption(file.description) },
        inCaption ? keyboard : undefined,
      ),
    );
    if (!inCaption) sent.push(await sendHtml(api, target, renderHtml(reply.text), plain, keyboard));
    return sent;
  }
  const sent: Message[] = [];
  if (!inCaption) sent.push(await sendHtml(api, target, renderHtml(reply.text), plain, keyboard));
  const document = new InputFile(attachmentBytes(file), file.filename);
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

/** A description as a caption: Telegram's 1024 characters at most. */
function clipCaption(text: string): string {
  const chars = [...text];
  return chars.length <= CAPTION_LIMIT ? text : `${chars.slice(0, CAPTION_LIMIT - 1).join("")}…`;
}

/**
 * Sends a picture with `sendPhoto`, its caption as HTML when given (plain otherwise, and plain once
 * more should Telegram refuse the markup). The upload is built from the attachment's bytes for
 * each call, so a retry (the dispatcher's after a 429, or grammY's auto-retry) sends it whole again.
 */
async function sendPhoto(
  api: Api,
  target: SendTarget,
  picture: ImageAttachment,
  caption: { html?: string; plain: string },
  markup?: InlineKeyboardMarkup,
): Promise<Message.PhotoMessage> {
  const extra = { ...placement(target), ...(markup ? { reply_markup: markup } : {}) };
  const photo = () => new InputFile(attachmentBytes(picture), picture.filename);
  const plain = caption.plain.trim() ? { caption: caption.plain } : {};
  if (caption.html === undefined) return api.sendPhoto(target.chatId, photo(), { ...extra, ...plain });
  try {
    return await api.sendPhoto(target.chatId, photo(), {
      ...extra,
      caption: caption.html,
      parse_mode: "HTML",
    });
  } catch (error) {
    if (classifyFailure(error).kind !== "bad-markup") throw error;
    return api.sendPhoto(target.chatId, photo(), { ...extra, ...plain });
  }
}
