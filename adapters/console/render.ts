/**
 * Plain-text rendering of the core's neutral rich text and replies for the terminal.
 *
 * Pure functions: a reply plus where it was posted becomes the lines to print.
 */

import type { Button, Reply, RichText } from "../../src/types";

/** Where a printed message appears, already resolved to display names. */
export type MessagePlace =
  | { chat: "group" }
  /** A sender-only reply in the group: only `to` would see it on a real platform. */
  | { chat: "group"; onlyFor: string }
  | { chat: "dm"; with: string }
  /** A chat the console does not know (an outbox row with an unexpected chat id). */
  | { chat: "other"; id: string };

const INDENT = "  ";
const FILE_INDENT = "    ";

/**
 * Renders rich text as plain text: mentions become `@name`, bold, italic and code lose
 * their styling (the console shows no markdown).
 */
export function renderRichText(text: RichText): string {
  let out = "";
  for (const span of text) out += span.t === "mention" ? `@${span.name}` : span.text;
  return sanitize(out);
}

/** The bracketed chat label that starts a bot message, e.g. `[group → Alice only]`. */
export function placeLabel(place: MessagePlace): string {
  if (place.chat === "dm") return `[dm ${place.with}]`;
  if (place.chat === "other") return `[${place.id}]`;
  return "onlyFor" in place ? `[group → ${place.onlyFor} only]` : "[group]";
}

/** One row of buttons as `  [Kept] [Partly] [Missed]`. */
export function renderButtonRow(row: readonly Button[]): string {
  return INDENT + row.map((button) => `[${sanitize(button.label)}]`).join(" ");
}

/**
 * Where a picture was saved, for {@link renderMessage}: the path to print, or why it could not be
 * written.
 */
export type SavedPicture = { path: string } | { failed: string };

/**
 * Renders a bot message: `LABEL bot: first line`, further lines indented by two spaces,
 * one line per button row, then the attached file's header and its content, or for a picture
 * `[picture PATH, N bytes]` and its description (the caption in words).
 */
export function renderMessage(place: MessagePlace, reply: Reply, picture?: SavedPicture): string[] {
  const [first = "", ...rest] = renderRichText(reply.text).split("\n");
  const lines = [`${placeLabel(place)} bot: ${first}`.trimEnd()];
  for (const line of rest) lines.push(`${INDENT}${line}`.trimEnd());
  for (const row of reply.buttons ?? []) if (row.length > 0) lines.push(renderButtonRow(row));
  if (reply.file?.kind === "image") {
    const { filename, base64, description } = reply.file;
    const bytes = Buffer.byteLength(base64, "base64");
    const where =
      picture && "path" in picture
        ? `[picture ${sanitize(picture.path)}, ${bytes} bytes]`
        : `[picture ${sanitize(filename)}, ${bytes} bytes, not saved${picture ? `: ${sanitize(picture.failed)}` : ""}]`;
    lines.push(`${INDENT}${where}`);
    // The description is the alt text; when the message already says it, once is enough.
    if (!renderRichText(reply.text).includes(description))
      for (const line of sanitize(description).split("\n")) lines.push(`${FILE_INDENT}${line}`.trimEnd());
  } else if (reply.file) {
    const { filename, content } = reply.file;
    lines.push(`${INDENT}[file ${sanitize(filename)}, ${Buffer.byteLength(content, "utf8")} bytes]`);
    const body = sanitize(content).replace(/\n$/, "");
    for (const line of body.split("\n")) lines.push(`${FILE_INDENT}${line}`.trimEnd());
  }
  return lines;
}

/**
 * Neutralises terminal control characters (escape sequences in user text could move the
 * cursor or recolour the terminal); keeps newlines and tabs.
 */
export function sanitize(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\uFFFD");
}
