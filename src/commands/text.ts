/**
 * Words people type, as a person sees them (PRODUCT §8): lengths in grapheme clusters, text
 * that shows nothing refused, invisible control characters taken out, and input quoted back in
 * a refusal at most {@link QUOTE_MAX} characters long.
 *
 * Shared by the parser (console, Telegram), the engine (Discord hands it typed options) and
 * every refusal that echoes what was typed.
 */

/** The most characters of a person's input any refusal repeats back. */
export const QUOTE_MAX = 60;

const segmenter = new Intl.Segmenter();

/**
 * Characters that change nothing a person sees in a one-line promise or note, and are taken out:
 * C0 and C1 controls (NUL, escape…; tabs and line breaks are whitespace, kept for the caller to
 * collapse), the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, which can
 * make a promise read backwards to the witness), zero-width spaces, word joiners and stray BOMs.
 * Kept: the zero-width joiner and non-joiner (emoji sequences, Persian and Indic words) and the
 * left-to-right and right-to-left marks, which fix how punctuation sits in mixed-direction text.
 */
const STRIPPED = /(?![\t\n\r])[\p{Cc}\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

/**
 * What shows nothing on its own: whitespace, controls and format characters (zero-width
 * joiners, marks), combining marks without a letter (variation selectors, the grapheme
 * joiner), and the blank letters that render as empty space (Hangul fillers, braille blank).
 */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\p{M}\u115f\u1160\u3164\uffa0\u2800]*$/u;

/** How many characters a person sees in `text` (grapheme clusters, not code points). */
export function graphemes(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** The first `max` characters a person sees in `text`. */
function firstGraphemes(text: string, max: number): string {
  let out = "";
  let n = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (n++ === max) break;
    out += segment;
  }
  return out;
}

/**
 * `text` without the invisible characters of {@link STRIPPED}, in Unicode's composed form (NFC),
 * so an é typed as e plus a combining accent is stored as the one é it looks like.
 */
export function cleanText(text: string): string {
  return text.normalize("NFC").replace(STRIPPED, "");
}

/** True when `text` has something a person can see. */
export function isVisible(text: string): boolean {
  return !INVISIBLE.test(text);
}

/**
 * Quotes a piece of what a person typed inside a refusal: one line, invisible characters out,
 * at most {@link QUOTE_MAX} characters (grapheme clusters) with "…" when cut, in double quotes.
 * Every refusal that repeats input uses this, so a 10,000-character line is never echoed back.
 */
export function quote(text: string, max = QUOTE_MAX): string {
  return `"${excerpt(text, max)}"`;
}

/** Like {@link quote}, without the quotation marks (for a typed command name: `/frobnicate`). */
export function excerpt(text: string, max = QUOTE_MAX): string {
  const line = cleanText(text).replace(/\s+/g, " ").trim();
  return graphemes(line) > max ? `${firstGraphemes(line, max - 1).trimEnd()}…` : line;
}

/** The kinds of free text with a length limit and a name people know. */
export type TextKind = "promise" | "note";

const NAMES: Record<TextKind, string> = { promise: "That promise", note: "That note" };

/**
 * Reads a promise or a note: invisible characters out, runs of whitespace made one space,
 * refused when nothing visible is left or when longer than `max` characters as a person counts
 * them. The caller adds an example where one helps (a command line's refusal does).
 */
export function checkText(kind: TextKind, text: string, max: number): { value: string } | { error: string } {
  const value = cleanText(text).replace(/\s+/g, " ").trim();
  const the = NAMES[kind];
  if (!isVisible(value)) {
    return {
      error: text.trim()
        ? `${the} shows nothing I can read, only blank or hidden characters. Write it in words.`
        : `${the} is empty. Write it in words.`,
    };
  }
  const length = graphemes(value);
  if (length > max) return { error: `${the} is ${length} characters; please keep it to ${max}.` };
  return { value };
}
