/**
 * Calendar days as people write them: `2027-01-31`, `31 Jan`, `Jan 31st`, `31/01`, `next friday`,
 * `tomorrow`, `in 2 weeks`, `a month from now`. Read relative to the person's today in their zone
 * (passed in, so this stays pure). Named and weekday dates are read by chrono-node; the numeric
 * and "in N weeks" forms are read here, where the rules are ours (a day-month order is never
 * guessed).
 */

import { createRequire } from "node:module";
import type * as Chrono from "chrono-node";
import { countWord, fold, nearWord, quote } from "./text";
import { addDays, addMonths, formatDate, isValidDate } from "./zone";

/** What {@link readDate} returns: a `"YYYY-MM-DD"` date, or a one-line reason. */
export type DateRead = { ok: true; date: string } | { ok: false; error: string; past?: boolean };

const FULL_DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
const SHORT_DAYS: ReadonlyMap<string, string> = new Map([
  ["tue", "tuesday"],
  ["tues", "tuesday"],
  ["wed", "wednesday"],
  ["weds", "wednesday"],
  ["thu", "thursday"],
  ["thur", "thursday"],
  ["thurs", "thursday"],
]);

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function ymd(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}`;
}

/** The first `month`/`day` on or after `today` (29 Feb waits for a leap year), or null if none. */
function nextDate(month: number, day: number, today: string): string | null {
  const year = Number(today.slice(0, 4));
  for (let y = year; y <= year + 8; y++) {
    const date = ymd(y, month, day);
    if (isValidDate(date) && date >= today) return date;
  }
  return null;
}

function noDate(text: string): DateRead {
  return { ok: false, error: `There is no date ${quote(text)}.` };
}

/** `2027-01-31`, `2027/1/31`: the one form that needs no today (stored cadences use it). */
export function readIso(t: string): DateRead | null {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  if (!m) return null;
  const date = ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  return isValidDate(date) ? { ok: true, date } : noDate(t);
}

/**
 * `31/01`, `31.1.2027`, `1/31/27`: the order is read from a number over 12; when both could be
 * the month ("3/4"), the person is asked rather than guessed for.
 */
function readNumeric(t: string, today: string): DateRead | null {
  const m = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\.?$/.exec(t);
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const year = m[3] === undefined ? null : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const make = (day: number, month: number): string | null =>
    year === null
      ? nextDate(month, day, today)
      : isValidDate(ymd(year, month, day))
        ? ymd(year, month, day)
        : null;
  if (a > 12 || b > 12 || a === b) {
    const date = a > 12 || a === b ? make(a, b) : make(b, a);
    return date ? { ok: true, date } : noDate(t);
  }
  // Only one reading still to come (or only one real date): that is the one meant.
  const [dayFirst, monthFirst] = [make(a, b), make(b, a)].map((d) => (d !== null && d >= today ? d : null));
  if (!dayFirst || !monthFirst) {
    const one = dayFirst ?? monthFirst ?? make(a, b) ?? make(b, a);
    return one ? { ok: true, date: one } : noDate(t);
  }
  return {
    ok: false,
    error: `Is ${quote(t)} ${formatDate(dayFirst)} or ${formatDate(monthFirst)}? Write ${dayFirst} or ${monthFirst}.`,
  };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** A month from its name or the first three letters ("sept" too); 1-based, or null. */
function monthOf(word: string): number | null {
  const i = MONTHS.indexOf(word.slice(0, 3));
  const full = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
  ][i];
  if (i < 0 || full === undefined) return null;
  return full.startsWith(word) || word === "sept" ? i + 1 : null;
}

/** `31 jan`, `31st of january 2027`, `jan 31`, `January 31st, 2027`: the next such day, 29 Feb included. */
function readMonthDay(t: string, today: string): DateRead | null {
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)?(?: of)? ([a-z]+)\.?(?:,? (\d{4}))?$/.exec(t);
  const monthFirst = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$/.exec(t);
  const [day, monthWord, year] = dayFirst
    ? [dayFirst[1], dayFirst[2], dayFirst[3]]
    : monthFirst
      ? [monthFirst[2], monthFirst[1], monthFirst[3]]
      : [];
  const month = monthWord === undefined ? null : monthOf(monthWord);
  if (day === undefined || month === null) return null;
  const date =
    year === undefined ? nextDate(month, Number(day), today) : ymd(Number(year), month, Number(day));
  return date !== null && isValidDate(date) ? { ok: true, date } : noDate(t);
}

const UNITS: ReadonlyMap<string, { days?: number; months?: number }> = new Map([
  ["day", { days: 1 }],
  ["week", { days: 7 }],
  ["wk", { days: 7 }],
  ["fortnight", { days: 14 }],
  ["month", { months: 1 }],
  ["mo", { months: 1 }],
  ["year", { months: 12 }],
  ["yr", { months: 12 }],
]);

/** `in 2 weeks`, `3 days`, `a month from now`, `in a fortnight`: counted from today, exactly. */
function readRelative(t: string, today: string): DateRead | null {
  const m = /^(?:in |for )?(a|an|one|\d{1,4}|[a-z]+) ([a-z]+?)s?(?: (?:from|after) (?:now|today))?$/.exec(t);
  if (!m) return null;
  const count = m[1] === "a" || m[1] === "an" ? 1 : countWord(m[1] ?? "");
  const unit = UNITS.get(m[2] ?? "");
  if (count === null || unit === undefined) return null;
  if (count > 5000) return noDate(t);
  const date = unit.days ? addDays(today, count * unit.days) : addMonths(today, count * (unit.months ?? 0));
  return { ok: true, date };
}

/** Day names written short or one typo off, spelt out so chrono reads them ("weds" → "wednesday"). */
function spellDays(t: string): string {
  return t
    .split(" ")
    .map((w) => {
      const s = SHORT_DAYS.get(w);
      if (s) return s;
      const plain = w.replace(/'?s$/, "");
      return nearWord(plain, FULL_DAYS) ?? w;
    })
    .join(" ");
}

let chronoModule: typeof Chrono | undefined;

/** chrono-node, loaded on the first named date (its load takes about 70 ms; most commands need none). */
function chrono(): typeof Chrono {
  chronoModule ??= createRequire(import.meta.url)("chrono-node") as typeof Chrono;
  return chronoModule;
}

const reference = (today: string) => ({
  instant: new Date(`${today}T12:00:00Z`),
  timezone: "UTC",
});

/** A named date, a weekday or a casual word (`tomorrow`), through chrono-node. */
function readNamed(t: string, today: string): DateRead | null {
  const results = chrono().parse(t, reference(today));
  const r = results[0];
  if (r === undefined || results.length !== 1 || r.index !== 0 || r.text.length !== t.length) return null;
  const s = r.start;
  const relative = r.tags().has("result/relativeDate");
  if (!s.isCertain("day") && !s.isCertain("weekday") && !relative) {
    return s.isCertain("hour")
      ? { ok: false, error: `${quote(t)} is a time; which day do you mean?` }
      : { ok: false, error: `Which day of ${quote(t)} do you mean?` };
  }
  const y = s.get("year");
  const mo = s.get("month");
  const d = s.get("day");
  if (y === null || mo === null || d === null) return null;
  let date = ymd(y, mo, d);
  // "31 Jan" said in March means next January; chrono picks the nearest one, which may be past.
  if (!s.isCertain("year") && s.isCertain("month") && s.isCertain("day") && date < today) {
    date = nextDate(mo, d, today) ?? date;
  }
  // "friday" said on a Sunday means the coming one; chrono may pick the one just gone.
  if (s.isCertain("weekday") && !s.isCertain("day") && date < today && !/\b(last|past|previous)\b/.test(t)) {
    date = addDays(date, 7);
  }
  return isValidDate(date) ? { ok: true, date } : noDate(t);
}

/**
 * Reads one calendar day relative to `today` (`"YYYY-MM-DD"`, the person's today in their zone),
 * refusing a day before today with the reason (`past: true`). The reason names the day, never
 * more than a short piece of the input; the caller adds an example that works.
 */
export function readDate(text: string, today: string, options: { allowPast?: boolean } = {}): DateRead {
  const t = fold(text)
    .replace(/^(?:until|till|til|up to|through|by|on|the)\s+/, "")
    .replace(/^the\s+/, "")
    .replace(/[.,!]+$/, "")
    .trim();
  if (t.length === 0) return { ok: false, error: "Which day?" };
  const read =
    readIso(t) ??
    readNumeric(t, today) ??
    readMonthDay(t, today) ??
    readRelative(t, today) ??
    readNamed(spellDays(t), today) ??
    null;
  if (read === null) return { ok: false, error: `I couldn't read ${quote(text)} as a day.` };
  if (read.ok && read.date < today && options.allowPast !== true) {
    return { ok: false, past: true, error: `${formatDate(read.date)} has already passed.` };
  }
  return read;
}

/** What {@link parseDate} returns: a date, null for "no end date", or a refusal. */
export type DateResult = { ok: true; date: string | null } | { ok: false; error: string };

/**
 * An end date as typed for `until:` (`2027-01-31`, `31 Jan`, `next friday`, `in 2 weeks`; `none`,
 * `off` or `never` clears it). A refusal is one line with an example computed from `today`.
 */
export function parseDate(text: string, today: string): DateResult {
  const t = fold(text);
  if (t === "none" || t === "off" || t === "never" || t === "no end" || t === "no end date") {
    return { ok: true, date: null };
  }
  if (t.length > 64) {
    return { ok: false, error: `That's too long to be a day. Write it like until: ${dateExample(today)}.` };
  }
  const read = readDate(text, today);
  if (read.ok) return read;
  const tail = read.past ? "Pick a day from today on, like" : "Write it like";
  return { ok: false, error: `${read.error} ${tail} until: ${dateExample(today)} or until: in 2 weeks.` };
}

/**
 * A date to show in an example, computed from `today` so copying it always works: four weeks on,
 * written `YYYY-MM-DD` (unambiguous in every locale).
 */
export function dateExample(today: string): string {
  return addDays(today, 28);
}
