/**
 * Telegram's HTML parse mode, as strict as the real one where it matters to us: only its tags,
 * every `<` and `&` of text escaped, tags closed in order. The fake server parses what the bot
 * sends with this, so a rendering bug shows up as the same 400 Telegram would answer.
 */
import type { MessageEntity } from "@grammyjs/types";

/** A refusal worded like Telegram's ("Bad Request: can't parse entities: …"). */
export class HtmlParseError extends Error {}

const SIMPLE: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

interface Open {
  tag: string;
  offset: number;
  attrs: Record<string, string>;
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

function decodeEntity(m: RegExpExecArray): string {
  const [, name = "", dec, hex] = m;
  if (dec !== undefined) return String.fromCodePoint(Number(dec));
  if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
  return NAMED[name] ?? "";
}

const ENTITY = /^&(lt|gt|amp|quot|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/;

/** Parses Telegram HTML into text and entities (offsets in UTF-16 units, as Telegram counts). */
export function parseTelegramHtml(html: string): { text: string; entities: MessageEntity[] } {
  const at = (i: number) => Buffer.byteLength(html.slice(0, i), "utf8");
  const fail = (what: string): never => {
    throw new HtmlParseError(`Bad Request: can't parse entities: ${what}`);
  };
  let text = "";
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i] ?? "";
    if (c === "&") {
      const m = ENTITY.exec(html.slice(i, i + 12));
      if (!m) fail(`Character "&" is reserved and must be escaped at byte offset ${at(i)}`);
      else {
        text += decodeEntity(m);
        i += m[0].length;
      }
      continue;
    }
    if (c !== "<") {
      text += c;
      i++;
      continue;
    }
    const end = html.indexOf(">", i);
    if (end < 0) fail(`Can't find end of the tag starting at byte offset ${at(i)}`);
    const raw = html.slice(i + 1, end);
    if (raw.startsWith("/")) {
      const name = raw.slice(1).trim().toLowerCase();
      const top = stack.pop();
      if (!top || top.tag !== name) {
        fail(
          `Unmatched end tag at byte offset ${at(i)}, expected "</${top?.tag ?? ""}>", found "</${name}>"`,
        );
      } else if (text.length > top.offset) {
        entities.push(entityFor(top, text));
      }
    } else {
      const m = /^([a-zA-Z][a-zA-Z-]*)((?:\s[^>]*)?)$/.exec(raw);
      const name = m?.[1]?.toLowerCase() ?? "";
      const attrs: Record<string, string> = {};
      for (const a of (m?.[2] ?? "").matchAll(
        /([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g,
      )) {
        attrs[(a[1] ?? "").toLowerCase()] = unescapeAttr(a[2] ?? a[3] ?? a[4] ?? "");
      }
      const known =
        name in SIMPLE ||
        name === "a" ||
        name === "tg-emoji" ||
        (name === "span" && attrs.class === "tg-spoiler");
      if (!m || !known) fail(`Unsupported start tag "${name || raw}" at byte offset ${at(i)}`);
      stack.push({ tag: name, offset: text.length, attrs });
    }
    i = end + 1;
  }
  const open = stack.pop();
  if (open) fail(`Can't find end tag corresponding to start tag "${open.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function unescapeAttr(v: string): string {
  return v.replace(/&(lt|gt|amp|quot);/g, (_, n: string) => NAMED[n] ?? "");
}

function entityFor(open: Open, text: string): MessageEntity {
  const offset = open.offset;
  const length = text.length - offset;
  if (open.tag === "a") {
    const href = open.attrs.href ?? "";
    const user = /^tg:\/\/user\?id=(\d+)$/.exec(href);
    if (user) {
      const first_name = text.slice(offset);
      return {
        type: "text_mention",
        offset,
        length,
        user: { id: Number(user[1]), is_bot: false, first_name },
      };
    }
    return { type: "text_link", offset, length, url: href };
  }
  if (open.tag === "tg-emoji") {
    return { type: "custom_emoji", offset, length, custom_emoji_id: open.attrs["emoji-id"] ?? "" };
  }
  if (open.tag === "span") return { type: "spoiler", offset, length };
  const type = SIMPLE[open.tag] ?? "bold";
  if (type === "pre") return { type: "pre", offset, length };
  return { type, offset, length } as MessageEntity;
}
