/**
 * The progress picture in words (PRODUCT §11): one sentence per commitment that carries what the
 * picture shows, for the Telegram caption, the Discord attachment description and screen readers.
 * Spoken like the rest of Amends (VOICE.md): counts that describe, never a bare zero, a figure
 * only beside what happened, nothing called trust.
 */
import { describeCounts } from "../engine/consistency-words";
import { WEEKS } from "./days";
import type { PictureRow } from "./row";

/** Telegram's caption limit, and Discord's for an attachment description. */
export const CAPTION_LIMIT = 1024;

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** `text` cut to `max` visible characters, ending in "…" when cut. */
export function shorten(text: string, max: number): string {
  const g = [...segmenter.segment(text)].map((s) => s.segment);
  return g.length <= max
    ? text
    : `${g
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}

/** "1 skipped (it doesn't count)", "3 skipped (they don't count)". */
function skippedWords(n: number): string {
  return n === 1 ? "1 skipped (it doesn't count)" : `${n} skipped (they don't count)`;
}

/**
 * One commitment's sentence: "#2 Call my sister, the last 26 weeks: kept 18 of 22, 15 confirmed
 * by jo; 2 got no answer; consistency 81: kept 4 of the last 5, 3 confirmed by jo." The
 * consistency line's words are left out when they say what the span's words already said (a
 * commitment with five check-ins or fewer).
 * @param promiseMax how many characters of the promise to keep.
 * @param detail false to keep only the consistency line's head ("consistency 81").
 */
export function rowSentence(row: PictureRow, promiseMax = 60, detail = true): string {
  const counted = row.counts.total > 0 ? describeCounts(row.counts, "all", row.by) : "no check-ins counted";
  const what = [counted, row.skipped > 0 ? skippedWords(row.skipped) : null].filter((s) => s !== null);
  const cut = row.consistency.indexOf(": ");
  const head = cut < 0 ? row.consistency : row.consistency.slice(0, cut);
  const tail = cut < 0 ? null : row.consistency.slice(cut + 2);
  // A line with no head has no figure (it rounds to zero: nothing was kept), and its words only
  // repeat, for fewer check-ins, what the span's words say.
  const headless = cut < 0 && !/^(consistency|just started)/.test(head);
  const line = headless ? null : tail === null || tail === counted || !detail ? head : row.consistency;
  if (line) what.push(line);
  return `#${row.number} ${shorten(row.promise, promiseMax)}, the last ${WEEKS} weeks: ${what.join("; ")}.`;
}

/**
 * The caption: one sentence per row, within {@link CAPTION_LIMIT}. When six long rows don't fit,
 * promises are cut shorter first, then the consistency lines keep only their figure.
 */
export function progressCaption(rows: readonly PictureRow[], limit = CAPTION_LIMIT): string {
  if (rows.length === 0) return "No commitments to show yet.";
  for (const [promiseMax, detail] of [
    [60, true],
    [24, true],
    [24, false],
    [12, false],
  ] as const) {
    const text = rows.map((r) => rowSentence(r, promiseMax, detail)).join(" ");
    if ([...text].length <= limit) return text;
  }
  return shorten(rows.map((r) => rowSentence(r, 12, false)).join(" "), limit);
}
