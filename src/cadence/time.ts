/**
 * Times of day as people write them: `20:00`, `8pm`, `8:30 pm`, `8 p.m.`, `20h`, `20h30`, `18.30`,
 * `noon`, `midnight`, `at 20`, `8 in the evening`, `every morning at 7`. Used by the cadence and
 * quiet-hours readers; the stored form is always 24-hour `HH:MM`.
 */

import { fold, quote } from "./text";
import type { LocalTime } from "./types";

/** Part of the day a person named ("in the morning", "evenings"): settles 8 as 08:00 or 20:00. */
export type Period = "morning" | "afternoon" | "evening" | "night";

/** When only a part of the day is named ("every morning"), the time it stands for. */
export const PERIOD_TIMES: Readonly<Record<Period, LocalTime>> = {
  morning: { hour: 8, minute: 0 },
  afternoon: { hour: 14, minute: 0 },
  evening: { hour: 20, minute: 0 },
  night: { hour: 21, minute: 0 },
};

const PERIOD_WORDS: ReadonlyMap<string, Period> = new Map([
  ["morning", "morning"],
  ["mornings", "morning"],
  ["afternoon", "afternoon"],
  ["afternoons", "afternoon"],
  ["evening", "evening"],
  ["evenings", "evening"],
  ["night", "night"],
  ["nights", "night"],
  ["tonight", "night"],
  ["nightly", "night"],
]);

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `HH:MM`, 24-hour. */
export function formatTime(at: LocalTime): string {
  return `${pad2(at.hour)}:${pad2(at.minute)}`;
}

/**
 * Splits typed text into lower-case words the readers match on: accents dropped, `@` read as
 * "at", `p.m.` as `pm`, `8 pm` joined to `8pm`, commas, `&` and `/` between day names as list
 * separators, and `mon-fri` as a range.
 */
export function words(text: string): string[] {
  const t = fold(text)
    .replace(/@/g, " at ")
    .replace(/(?<=\d|\s|^)([ap])\.\s?m\.?(?![a-z])/g, "$1m")
    .replace(/(\d)\s+([ap]m?)(?![a-z])/g, "$1$2")
    .replace(/(\d)\s*o'?\s?clock\b/g, "$1oclock")
    .replace(/([a-z.])\s*\/\s*(?=[a-z])/g, "$1 , ")
    .replace(/([a-z.])\s*-\s*(?=[a-z])/g, "$1 - ")
    .replace(/[&]/g, " and ")
    .replace(/[,;]/g, " , ")
    .replace(/[!?]+/g, " ");
  return t
    .split(" ")
    .map((w) => (/\d/.test(w) ? w : w.replace(/\.+$/, "")))
    .map((w) => w.replace(/\.$/, ""))
    .filter((w) => w.length > 0);
}

/** A time read from one word: exact, or an hour that needs a part of the day (8 alone, 8 o'clock). */
type Read = { at: LocalTime } | { hour: number; bare: true } | { error: string };

function readWord(word: string, afterAt: boolean): Read | null {
  if (word === "noon" || word === "midday") return { at: { hour: 12, minute: 0 } };
  if (word === "midnight") return { at: { hour: 0, minute: 0 } };
  const twelve = /^(\d{1,2})(?:[:.h](\d{2}))?([ap])m?$/.exec(word);
  if (twelve) {
    const h = Number(twelve[1]);
    const minute = Number(twelve[2] ?? "0");
    if (h < 1 || h > 12)
      return { error: `${quote(word)} isn't a time: with am or pm, hours go from 1 to 12.` };
    if (minute > 59) return { error: `${quote(word)} isn't a time of day: minutes go from 00 to 59.` };
    return { at: { hour: (h % 12) + (twelve[3] === "p" ? 12 : 0), minute } };
  }
  const colon = /^(\d{1,2})(?::|h)(\d{2})$/.exec(word) ?? /^(\d{1,2})h$/.exec(word);
  const dotted = /^(\d{1,2})\.(\d{2})$/.exec(word);
  const hhmm = afterAt ? /^(\d{2})(\d{2})$/.exec(word) : null;
  const m = colon ?? dotted ?? hhmm;
  if (m) {
    const hour = Number(m[1]);
    const minute = Number(m[2] ?? "0");
    // "31.01" is a date, not a time: a dotted or four-digit number is a time only when it can be.
    if ((dotted || hhmm) && (hour > 23 || minute > 59)) return null;
    if (hour > 23) return { error: `${quote(word)} isn't a time of day: hours go from 0 to 23.` };
    if (minute > 59) return { error: `${quote(word)} isn't a time of day: minutes go from 00 to 59.` };
    // 8:30 with no am or pm reads as 24-hour, unless a part of the day says otherwise.
    return hour >= 1 && hour <= 11 && !colon?.[0].includes("h")
      ? { hour: hour * 100 + minute, bare: true }
      : { at: { hour, minute } };
  }
  const oclock = /^(\d{1,2})oclock$/.exec(word);
  const bare = oclock ?? (afterAt ? /^(\d{1,2})$/.exec(word) : null);
  if (bare) {
    const hour = Number(bare[1]);
    if (hour > 23) return { error: `${quote(word)} isn't a time of day: hours go from 0 to 23.` };
    if (hour === 0 || hour > 12) return { at: { hour, minute: 0 } };
    return { hour: hour * 100, bare: true };
  }
  return null;
}

const NOT_BEFORE_HOUR =
  /^(every|each|the|on|in|\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)$/;

/** Whether a number after `word` at the end of a cadence is an hour ("daily 20"), not a count or a day of the month. */
function hourMayEnd(word: string | undefined): boolean {
  return word !== undefined && !NOT_BEFORE_HOUR.test(word);
}

/** What {@link scanTime} found: the time (or null), a part of the day, and the words left over. */
export interface TimeScan {
  at: LocalTime | null;
  period: Period | null;
  rest: string[];
  error?: string;
}

const PERIOD_FILLERS = new Set(["in", "the", "at", "this"]);

/**
 * Finds the time of day in a phrase and takes it out, with the "at" before it and any part of the
 * day ("in the evening"): `["every","day","at","8pm"]` → 20:00 and `["every","day"]`.
 *
 * A bare hour from 1 to 12 ("at 8", "8 o'clock") needs a part of the day; without one it is
 * refused with both readings, since 8 in the morning and 8 in the evening are both likely. Times
 * written `H:MM` without am or pm are 24-hour, unless a part of the day is named ("every
 * evening at 8:30" is 20:30). Two different times are refused: one commitment, one time.
 */
export function scanTime(tokens: readonly string[], options: { trailingHour?: boolean } = {}): TimeScan {
  const rest: string[] = [];
  let period: Period | null = null;
  const found: { read: Read; word: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i] as string;
    const p = PERIOD_WORDS.get(word);
    if (p) {
      period = p;
      // "in the evening", "at night": the little words before it go with it.
      while (rest.length > 0 && PERIOD_FILLERS.has(rest[rest.length - 1] as string)) rest.pop();
      if (word === "nightly") rest.push("daily");
      continue;
    }
    const afterAt = rest[rest.length - 1] === "at";
    const trailing =
      options.trailingHour === true && i === tokens.length - 1 && i > 0 && hourMayEnd(rest[rest.length - 1]);
    const read = readWord(word, afterAt || trailing);
    if (read === null) {
      rest.push(word);
      continue;
    }
    found.push({ read, word });
    if (afterAt) rest.pop();
  }
  const error = found.map((f) => ("error" in f.read ? f.read.error : null)).find((e) => e !== null);
  if (error) return { at: null, period, rest, error };
  const times = found.map(({ read, word }) => settle(read, period, word));
  const first = times[0];
  if (first === undefined) return { at: null, period, rest };
  if (typeof first === "string") return { at: null, period, rest, error: first };
  for (const t of times.slice(1)) {
    if (typeof t === "string") return { at: null, period, rest, error: t };
    if (t.hour !== first.hour || t.minute !== first.minute) {
      return {
        at: null,
        period,
        rest,
        error: `That's ${found.length} times of day; a commitment has one. Make a second commitment for the other time.`,
      };
    }
  }
  return { at: first, period, rest };
}

/** A read time made exact with the part of the day, or the question to ask. */
function settle(read: Read, period: Period | null, word: string): LocalTime | string {
  if ("error" in read) return read.error;
  if ("at" in read) return read.at;
  const hour = Math.floor(read.hour / 100);
  const minute = read.hour % 100;
  if (period === "morning") return { hour: hour % 12, minute };
  if (period === "afternoon" || period === "evening" || (period === "night" && hour >= 6 && hour < 12)) {
    return { hour: (hour % 12) + 12, minute };
  }
  if (period === "night") return { hour: hour % 12, minute };
  // Written H:MM (08:30, 8:30) it is 24-hour; only "8" or "8 o'clock" alone is a question.
  if (/[:.h]/.test(word) || /^0\d/.test(word)) return { hour, minute };
  const hm = (h: number) => `${h}${minute ? `:${pad2(minute)}` : ""}`;
  return `Is ${quote(word.replace("oclock", " o'clock"))} in the morning or the evening? Write ${hm(hour)}am or ${hm(hour)}pm (or ${formatTime({ hour: hour % 12, minute })} or ${formatTime({ hour: (hour % 12) + 12, minute })}).`;
}

/** What {@link parseTimeOfDay} returns. */
export type TimeResult = { ok: true; at: LocalTime } | { ok: false; error: string };

/**
 * One time of day on its own, as typed: `"20:00"`, `"8pm"`, `"8:30 pm"`, `"20h"`, `"noon"`,
 * `"8 in the evening"`; a bare `"20"` reads as 20:00. Refuses anything else with the reason.
 */
export function parseTimeOfDay(text: string): TimeResult {
  const tokens = words(text);
  // Standing first, a number is a time: "23" in "/quiet 23-7", "8 in the evening".
  const scan = scanTime(/^\d{1,4}$/.test(tokens[0] ?? "") ? ["at", ...tokens] : tokens);
  if (scan.error) return { ok: false, error: scan.error };
  if (scan.rest.length > 0) {
    return { ok: false, error: `I couldn't read ${quote(text)} as a time of day. Try 20:00 or 8pm.` };
  }
  const at = scan.at ?? (scan.period ? PERIOD_TIMES[scan.period] : null);
  if (at === null)
    return { ok: false, error: `I couldn't read ${quote(text)} as a time of day. Try 20:00 or 8pm.` };
  return { ok: true, at };
}
