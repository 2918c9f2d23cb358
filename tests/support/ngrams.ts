/**
 * Word runs for the originality check: the step texts may share no run of six words with the
 * source guide. The guide itself is not in this repository, only a fingerprint of its runs
 * (tests/fixtures/guide-6grams.txt, one truncated SHA-256 per run), so the check runs on every
 * machine and the repository holds none of the guide's sentences.
 */
import { createHash } from "node:crypto";

/** Lower-cases, drops apostrophes and turns any other punctuation into a word break. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’‘`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter((w) => w.length > 0);
}

/** Every run of `n` consecutive words of `text`, joined by single spaces. */
export function ngrams(text: string, n: number): string[] {
  const w = words(text);
  const out: string[] = [];
  for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n).join(" "));
  return out;
}

/** A run's fingerprint: the first 16 hex digits of its SHA-256. */
export function fingerprint(run: string): string {
  return createHash("sha256").update(run).digest("hex").slice(0, 16);
}

/** The fingerprints of every 6-word run of `text`, sorted and unique (the fixture's format). */
export function fingerprints(text: string): string[] {
  return [...new Set(ngrams(text, 6).map(fingerprint))].sort();
}
