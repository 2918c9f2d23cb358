/**
 * The core's neutral rich text as Telegram HTML, and the limits Telegram puts on what a bot
 * sends. Pure functions: every user-supplied character is escaped here, so a promise holding
 * `<b>`, `&` or `</a>` shows literally and can never open a tag or a link.
 */
import type { MessageEntity } from "grammy/types";
import { toPlain } from "../../src/richtext";
import type { RichText } from "../../src/types";

/** Telegram's limit on a message's text, counted after the HTML is parsed. */
export const TEXT_LIMIT = 4096;
/** Telegram's limit on a document's caption. */
export const CAPTION_LIMIT = 1024;
/** Telegram's limit on an `answerCallbackQuery` toast or alert. */
export const TOAST_LIMIT = 200;
/** Telegram's limit on `callback_data`, in UTF-8 bytes. */
export const CALLBACK_DATA_LIMIT = 64;

/** Escapes text for Telegram's HTML parse mode (and for a double-quoted attribute). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Renders rich text as Telegram HTML. Bold, italic and code become `<b>`, `<i>`, `<code>`; a
 * mention becomes a `tg://user?id=` link, which notifies the person even without a username.
 * Text past `maxChars` visible characters is cut and ends with "…", so a long digest can never
 * be refused as too long.
 */
export function renderHtml(text: RichText, maxChars = TEXT_LIMIT): string {
  let out = "";
  let room = maxChars;
  for (const span of text) {
    const visible = span.t === "mention" ? span.name : span.text;
    let shown = visible;
    const cut = visible.length > room;
    if (cut) shown = clipUtf16(visible, Math.max(0, room - 1));
    room -= shown.length;
    const body = escapeHtml(shown);
    switch (span.t) {
      case "text":
        out += body;
        break;
      case "bold":
        out += `<b>${body}</b>`;
        break;
      case "italic":
        out += `<i>${body}</i>`;
        break;
      case "code":
        out += `<code>${body}</code>`;
        break;
      case "mention":
        // Only Telegram's numeric user ids make a link; anything else is shown as a name.
        out +=
          span.platform === "telegram" && /^\d{1,20}$/.test(span.id)
            ? `<a href="tg://user?id=${span.id}">${body}</a>`
            : body;
        break;
    }
    if (cut) return `${out}…`;
  }
  return out;
}

/** The visible length of rich text once Telegram has parsed it. */
export function visibleLength(text: RichText): number {
  return toPlain(text).length;
}

/** Plain text cut to `max` characters with a closing "…", for toasts and alerts. */
export function clipPlain(text: string, max = TOAST_LIMIT): string {
  return text.length <= max ? text : `${clipUtf16(text, max - 1)}…`;
}

/** Cuts a string to at most `n` UTF-16 units without splitting a surrogate pair. */
function clipUtf16(text: string, n: number): string {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/**
 * Checks a button's action against Telegram's `callback_data` limit (1–64 bytes) and returns it.
 * The core's encoder already enforces this; checking again where the keyboard is built means a
 * too-long action fails loudly here rather than as a refused message at 3 a.m.
 * @throws RangeError when the action is empty or longer than 64 bytes.
 */
export function callbackData(action: string): string {
  const bytes = Buffer.byteLength(action, "utf8");
  if (bytes === 0 || bytes > CALLBACK_DATA_LIMIT) {
    throw new RangeError(`callback_data must be 1-${CALLBACK_DATA_LIMIT} bytes; this action is ${bytes}`);
  }
  return action;
}

const TAGS: Partial<Record<MessageEntity["type"], [string, string]>> = {
  bold: ["<b>", "</b>"],
  italic: ["<i>", "</i>"],
  underline: ["<u>", "</u>"],
  strikethrough: ["<s>", "</s>"],
  spoiler: ["<tg-spoiler>", "</tg-spoiler>"],
  code: ["<code>", "</code>"],
  pre: ["<pre>", "</pre>"],
  blockquote: ["<blockquote>", "</blockquote>"],
  expandable_blockquote: ["<blockquote expandable>", "</blockquote>"],
};

function tagsOf(entity: MessageEntity): [string, string] | undefined {
  if (entity.type === "text_link") return [`<a href="${escapeHtml(entity.url)}">`, "</a>"];
  if (entity.type === "text_mention") return [`<a href="tg://user?id=${entity.user.id}">`, "</a>"];
  return TAGS[entity.type];
}

/**
 * Turns a message Telegram sent back (text plus entities) into HTML again, so a clicked
 * message can be edited to add its outcome without losing its bold promise or its mention.
 * Entities Telegram finds by itself (URLs, hashtags, commands) are left as plain text.
 * Telegram's entities nest without partial overlaps, so one stack is enough.
 */
export function entitiesToHtml(text: string, entities: readonly MessageEntity[] = []): string {
  const marks = entities
    .map((e) => ({ start: e.offset, end: Math.min(text.length, e.offset + e.length), tags: tagsOf(e) }))
    .filter((m): m is { start: number; end: number; tags: [string, string] } => !!m.tags && m.end > m.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const bounds = [...new Set([...marks.flatMap((m) => [m.start, m.end]), text.length])].sort((a, b) => a - b);
  const open: { end: number; close: string }[] = [];
  let out = "";
  let pos = 0;
  let next = 0;
  for (const at of bounds) {
    out += escapeHtml(text.slice(pos, at));
    pos = at;
    while (open.length > 0 && (open[open.length - 1]?.end ?? 0) <= at) out += open.pop()?.close ?? "";
    for (let m = marks[next]; m && m.start === at; m = marks[++next]) {
      out += m.tags[0];
      open.push({ end: m.end, close: m.tags[1] });
    }
  }
  while (open.length > 0) out += open.pop()?.close ?? "";
  return out;
}
