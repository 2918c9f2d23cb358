/**
 * Builders for the neutral rich text the core replies with, and the plain-text rendering
 * the console uses. Each adapter renders and escapes spans for its own platform.
 */
import type { Platform, RichText, Span } from "./types";

/** A piece of a message: plain strings become text spans; nested lists are flattened. */
export type Part = string | Span | null | undefined | false | readonly Part[];

/** Joins parts into rich text; falsy parts are dropped so conditionals read naturally. */
export function rich(...parts: Part[]): RichText {
  const out: Span[] = [];
  const add = (part: Part): void => {
    if (!part) return;
    if (typeof part === "string") out.push({ t: "text", text: part });
    else if (isList(part)) for (const p of part) add(p);
    else out.push(part);
  };
  for (const part of parts) add(part);
  return out;
}

function isList(part: Part): part is readonly Part[] {
  return Array.isArray(part);
}

/** Bold text. */
export const bold = (text: string): Span => ({ t: "bold", text });
/** Italic text, used for the person's own words (promises, notes). */
export const italic = (text: string): Span => ({ t: "italic", text });
/** Monospace text, for commands and examples. */
export const code = (text: string): Span => ({ t: "code", text });
/** A mention that may notify the person. Only the core creates these. */
export const mention = (platform: Platform, id: string, name: string): Span => ({
  t: "mention",
  platform,
  id,
  name,
});

/** Joins several lines of rich text with line breaks. */
export function lines(...rows: (RichText | string | null | undefined | false)[]): RichText {
  const out: Span[] = [];
  for (const row of rows) {
    if (row === null || row === undefined || row === false) continue;
    if (out.length > 0) out.push({ t: "text", text: "\n" });
    out.push(...(typeof row === "string" ? rich(row) : row));
  }
  return out;
}

/** Renders rich text as plain text (console, logs, tests). */
export function toPlain(text: RichText): string {
  return text.map((s) => (s.t === "mention" ? `@${s.name}` : s.text)).join("");
}
