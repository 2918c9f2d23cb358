/**
 * Rich text and replies as Discord messages: markdown with every piece of user text escaped,
 * mentions as `<@id>`, and an `allowed_mentions` that lets only the core's mention spans ping.
 */

import { escapeMarkdown } from "discord.js";
import { type Attachment, attachmentBytes, type Reply, type RichText } from "../../src/types";

/** Discord refuses message content longer than this. */
export const MAX_CONTENT = 2_000;

/** Rich text rendered for Discord. */
export interface RenderedText {
  /** Discord markdown. */
  content: string;
  /** Ids of the people the core's mention spans name, in order, without repeats. */
  users: string[];
  /** Where each mention span's `<@id>` starts in `content`, so a split knows which piece holds it. */
  mentions: { id: string; at: number }[];
}

/** `allowed_mentions` in the shape discord.js takes it. */
export interface AllowedMentions {
  parse: [];
  users: string[];
}

/** One Discord message of a rendered reply. Long replies become several. */
export interface MessagePart {
  content: string;
  allowedMentions: AllowedMentions;
  /** True for the last part, which carries the reply's buttons and file. */
  last: boolean;
}

/**
 * Escapes user text so it shows as typed: emphasis, code, spoilers, headings, lists, quotes and
 * masked links all lose their meaning. Pings are not this function's job: `allowed_mentions` is.
 */
export function escapeText(text: string): string {
  const escaped = escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  // escapeMarkdown leaves block quotes alone; a promise starting with "> " would render as one.
  return escaped.replace(/^(\s*)>/gm, "$1\\>");
}

/** Wraps each non-blank line in `marker`, keeping surrounding spaces outside (`** x**` is not bold). */
function wrapLines(text: string, marker: string, inner: (s: string) => string): string {
  return text
    .split("\n")
    .map((line) => {
      const m = /^(\s*)(.*?)(\s*)$/s.exec(line);
      const [, lead = "", core = "", trail = ""] = m ?? [];
      return core ? `${lead}${marker}${inner(core)}${marker}${trail}` : line;
    })
    .join("\n");
}

/**
 * Renders rich text as Discord markdown. Styles are applied line by line, so a message split at
 * a line break never leaves a marker open.
 */
export function renderRichText(text: RichText): RenderedText {
  const users: string[] = [];
  const mentions: { id: string; at: number }[] = [];
  let content = "";
  for (const span of text) {
    switch (span.t) {
      case "text":
        content += escapeText(span.text);
        break;
      case "bold":
        content += wrapLines(span.text, "**", escapeText);
        break;
      case "italic":
        content += wrapLines(span.text, "*", escapeText);
        break;
      case "code":
        // Inside a code span nothing is markdown; only a backtick could end it early.
        content += wrapLines(span.text, "`", (s) => s.replace(/`/g, "ˋ"));
        break;
      case "mention":
        if (span.platform === "discord" && /^\d{1,20}$/.test(span.id)) {
          mentions.push({ id: span.id, at: content.length });
          content += `<@${span.id}>`;
          if (!users.includes(span.id)) users.push(span.id);
        } else {
          content += escapeText(`@${span.name}`);
        }
        break;
    }
  }
  return { content, users, mentions };
}

/** Only these people may be pinged; never `@everyone`, `@here`, roles or mentions typed by users. */
export function allowedMentions(users: readonly string[]): AllowedMentions {
  // Discord accepts at most 100 ids; the core never names that many in one message.
  return { parse: [], users: users.slice(0, 100) };
}

/**
 * Splits content into pieces of at most {@link MAX_CONTENT} characters, at line breaks where it
 * can (a single longer line is cut where it must). Returns `[start, end)` ranges of `content`.
 */
export function splitContent(content: string, max = MAX_CONTENT): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  while (content.length - start > max) {
    const window = content.slice(start, start + max + 1);
    const cut = window.lastIndexOf("\n");
    if (cut > 0) {
      ranges.push([start, start + cut]);
      start += cut + 1; // the line break itself is dropped
    } else {
      ranges.push([start, start + max]);
      start += max;
    }
  }
  if (start < content.length || ranges.length === 0) ranges.push([start, content.length]);
  // Discord trims a message's edges anyway; a piece of nothing but line breaks would be refused.
  const trimmed = ranges.map(([s, e]): [number, number] => {
    let end = e;
    while (end > s && content[end - 1] === "\n") end--;
    return [s, end];
  });
  const kept = trimmed.filter(([s, e]) => e > s);
  return kept.length > 0 ? kept : [[0, 0]];
}

/** A reply's text as one or more Discord messages; each pings only the people it names. */
export function renderParts(reply: Reply): MessagePart[] {
  const { content, mentions } = renderRichText(reply.text);
  const ranges = splitContent(content);
  return ranges.map(([start, end], i) => {
    // Only the core's mention spans inside this piece may ping, so a split never pings twice.
    const users = [...new Set(mentions.filter((m) => m.at >= start && m.at < end).map((m) => m.id))];
    return {
      content: content.slice(start, end),
      allowedMentions: allowedMentions(users),
      last: i === ranges.length - 1,
    };
  });
}

/** Appends an outcome line to a message's content, clipping the old content if both would not fit. */
export function appendLine(content: string, line: string): string {
  const room = MAX_CONTENT - line.length - 1;
  if (room <= 0) return line.slice(0, MAX_CONTENT);
  const head = content.length > room ? `${content.slice(0, room - 1)}…` : content;
  return head === "" ? line : `${head}\n${line}`;
}

/** A file as discord.js sends it. */
export interface FileUpload {
  attachment: Buffer;
  name: string;
  contentType: string;
  /** A picture's alt text (Discord shows it to screen readers and on hover). */
  description?: string;
}

/** Discord's limit on an attachment's description (alt text). */
export const MAX_ALT_TEXT = 1024;

/** A reply's attachment as a discord.js file: a picture with its description as the alt text. */
export function fileOf(file: Attachment): FileUpload {
  return {
    attachment: attachmentBytes(file),
    name: file.filename,
    contentType: file.mime,
    ...(file.kind === "image" ? { description: clipAlt(file.description) } : {}),
  };
}

function clipAlt(text: string): string {
  const chars = [...text];
  return chars.length <= MAX_ALT_TEXT ? text : `${chars.slice(0, MAX_ALT_TEXT - 1).join("")}…`;
}

/**
 * The `attachments` array of a message body that uploads `files` (as `files[0]`, `files[1]`…):
 * Discord reads each upload's alt text from here. Absent when no file has a description.
 */
export function attachmentsOf(
  files: readonly FileUpload[],
): { id: number; filename: string; description?: string }[] | undefined {
  if (!files.some((f) => f.description !== undefined)) return undefined;
  return files.map((f, id) => ({
    id,
    filename: f.name,
    ...(f.description !== undefined ? { description: f.description } : {}),
  }));
}
