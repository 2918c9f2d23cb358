/**
 * Small helpers for reading what people type: folding case and accents, quoting a short piece of
 * the input back, and matching a word one typo away from a known one.
 */
import { excerpt, QUOTE_MAX, quote as quoteInput } from "../commands/text";

/** Input longer than this is never echoed whole: a refusal quotes at most this many characters. */
export const MAX_ECHO = QUOTE_MAX;

/**
 * `text` cut to at most `max` characters as a person counts them (grapheme clusters), on one
 * line, ending with "…" when cut: the one quoting rule of src/commands/text.ts.
 */
export function clip(text: string, max = MAX_ECHO): string {
  return excerpt(text, max);
}

/** What the person typed, between double quotes and cut with {@link clip}, for a refusal. */
export function quote(text: string): string {
  return quoteInput(text);
}

/**
 * Lower case, accents dropped ("São Paulo" → "sao paulo", "é" typed as e + combining accent too),
 * typographic dashes and quotes made plain, and runs of spaces made one.
 */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment), so
 * "thrusday" is one edit from "thursday". Stops early: anything beyond `limit` returns `limit + 1`.
 */
export function editDistance(a: string, b: string, limit = 2): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      }
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return Math.min(prev[b.length] ?? limit + 1, limit + 1);
}

/**
 * The one word of `vocabulary` that `word` is, or is a single typo away from (words of five
 * letters or more only: short words are too close to each other to guess). Null when none or
 * more than one fit.
 */
export function nearWord(word: string, vocabulary: Iterable<string>): string | null {
  let found: string | null = null;
  for (const v of vocabulary) {
    if (v === word) return v;
    if (word.length < 5 || v.length < 5) continue;
    if (editDistance(word, v, 1) <= 1) {
      if (found !== null && found !== v) return null;
      found = v;
    }
  }
  return found;
}

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ["one", 1],
  ["two", 2],
  ["three", 3],
  ["four", 4],
  ["five", 5],
  ["six", 6],
  ["seven", 7],
  ["eight", 8],
  ["nine", 9],
  ["ten", 10],
  ["eleven", 11],
  ["twelve", 12],
  ["fourteen", 14],
  ["fifteen", 15],
  ["twenty", 20],
  ["thirty", 30],
]);

const ORDINAL_WORDS: ReadonlyMap<string, number> = new Map([
  ["other", 2],
  ["second", 2],
  ["third", 3],
  ["fourth", 4],
  ["fifth", 5],
  ["sixth", 6],
  ["seventh", 7],
  ["eighth", 8],
  ["ninth", 9],
  ["tenth", 10],
]);

/** "3", "three", "3rd", "third", "other" → 3, 3, 3, 3, 2; anything else → null. */
export function countWord(word: string): number | null {
  if (/^\d{1,4}$/.test(word)) return Number(word);
  const ordinal = /^(\d{1,4})(st|nd|rd|th)$/.exec(word);
  if (ordinal) return Number(ordinal[1]);
  return NUMBER_WORDS.get(word) ?? ORDINAL_WORDS.get(word) ?? null;
}
