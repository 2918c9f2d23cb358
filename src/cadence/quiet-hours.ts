/**
 * Quiet hours as people write them: `22:00-08:00`, `22-8`, `23-7`, `10pm-7am`, `10 pm to 7 am`,
 * `from 22h until 7h`, `off`. Stored as minutes after midnight.
 */

import { fold, quote } from "./text";
import { formatTime, parseTimeOfDay } from "./time";

/** Quiet hours, minutes after midnight; `start` after `end` runs over midnight. */
export interface QuietSpan {
  start: number;
  end: number;
}

/** What {@link parseQuietHours} returns: the hours, null for none, or a one-line refusal. */
export type QuietResult = { ok: true; quiet: QuietSpan | null } | { ok: false; error: string };

/** The example every refusal shows: it works on any day. */
export const QUIET_EXAMPLE = "/quiet 22:00-08:00";

const OFF = new Set(["off", "none", "no", "never", "disable", "disabled", "stop", "nothing"]);
const SPLIT = /^(?:from\s+)?(.+?)\s*(?:-|–|—|\bto\b|\btill\b|\buntil\b|\bthru\b|\bthrough\b)\s*(.+)$/;

type Side = { minutes: number; exact: boolean } | { hour: number; bare: true } | { error: string };

/** One end: a bare hour ("22", "7") is kept apart, since "10-7" alone can't say which 10. */
function readSide(text: string): Side {
  const bare = /^(\d{1,2})$/.exec(text);
  if (bare) {
    const hour = Number(bare[1]);
    if (hour > 24) return { error: `${quote(text)} isn't an hour: hours go from 0 to 23.` };
    return hour === 0 || hour >= 13 ? { minutes: (hour % 24) * 60, exact: true } : { hour, bare: true };
  }
  const read = parseTimeOfDay(text);
  if (!read.ok) return { error: read.error };
  // 24-hour forms (08:00, 8h) fix the sense of a bare hour on the other side; 7am does not.
  return {
    minutes: read.at.hour * 60 + read.at.minute,
    exact: !/[ap]m?$|noon|midnight|morning|evening|night/.test(text),
  };
}

/**
 * Reads quiet hours (see the module comment). A bare hour from 1 to 12 on its own ("10-7") is
 * asked about rather than guessed; next to a 24-hour time ("22-8", "23-7") it is 24-hour.
 * Refusals quote at most a short piece of the input and show a form that works.
 */
export function parseQuietHours(text: string): QuietResult {
  const t = fold(text).replace(/\.$/, "");
  if (OFF.has(t)) return { ok: true, quiet: null };
  const fail = (error: string): QuietResult => ({ ok: false, error });
  if (t.length > 64)
    return fail(
      `That's longer than quiet hours need to be. Give when they start and end, like ${QUIET_EXAMPLE}.`,
    );
  const m = SPLIT.exec(t);
  if (!m)
    return fail(
      `I couldn't read ${quote(text)} as quiet hours. Give when they start and end, like ${QUIET_EXAMPLE}.`,
    );
  const sides = [readSide((m[1] ?? "").trim()), readSide((m[2] ?? "").trim())] as const;
  for (const s of sides) if ("error" in s) return fail(`${s.error} Try ${QUIET_EXAMPLE}.`);
  const exact = sides.some((s) => "exact" in s && s.exact);
  const [start, end] = sides.map((s) =>
    "bare" in s ? (exact ? (s.hour % 24) * 60 : null) : "minutes" in s ? s.minutes : null,
  );
  if (start === null || end === null || start === undefined || end === undefined) {
    // "10-7": most likely an evening to a morning; say so, and how to write it either way.
    const [a, b] = sides.map((s) => ("bare" in s ? s.hour : "minutes" in s ? Math.floor(s.minutes / 60) : 0));
    const from = formatTime({ hour: ((a ?? 0) % 12) + 12, minute: 0 });
    const to = formatTime({ hour: (b ?? 0) % 12, minute: 0 });
    return fail(`Do you mean ${from} to ${to}? Then write /quiet ${a}pm-${b}am or /quiet ${from}-${to}.`);
  }
  if (start === end) return fail(`Quiet hours need a different start and end, like ${QUIET_EXAMPLE}.`);
  return { ok: true, quiet: { start, end } };
}
