/**
 * Time-zone and calendar helpers for the cadence maths.
 *
 * Everything here is pure: instants are epoch milliseconds passed in by the caller, local calendar
 * dates are `"YYYY-MM-DD"` strings, and zones are IANA names resolved through `Intl`. Nothing reads
 * the system clock or the process time zone.
 */

import type { LocalTime } from "./types";

const DAY_MS = 86_400_000;

const WEEKDAY_SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const MONTH_SHORT = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
] as const;

/**
 * Current IANA names that some ICU builds (Node 20 among them) only know under an older alias, so
 * they are missing from `Intl.supportedValuesOf`. `normalizeZone` prefers these spellings, because
 * they are the ones people type and see in their operating system.
 */
const MODERN_NAMES = [
  "Africa/Asmara",
  "America/Atikokan",
  "America/Ciudad_Juarez",
  "America/Nuuk",
  "Asia/Ho_Chi_Minh",
  "Asia/Kathmandu",
  "Asia/Kolkata",
  "Asia/Yangon",
  "Atlantic/Faroe",
  "Europe/Kyiv",
  "Pacific/Chuuk",
  "Pacific/Kanton",
  "Pacific/Pohnpei",
] as const;

/** Local wall-clock fields of an instant. `month` is 1-based. */
interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Formatters are expensive to build (tens of microseconds) and cheap to use, so keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The cached `en-US` numeric formatter for `zone` (one per zone; building one costs tens of µs). */
export function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    // en-US with numeric fields gives "MM/DD/YYYY, HH:MM:SS"; h23 avoids the old "24:00" midnight.
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    if (formatters.size >= 512) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

const DIGIT_GROUPS = /(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)/;

function wallFields(ms: number, zone: string): WallFields {
  const f = formatterFor(zone);
  // `format` plus a regex is about three times faster than `formatToParts`; fall back to parts if
  // an ICU version ever lays the string out differently (for instance adds an era).
  const text = f.format(ms);
  const m = DIGIT_GROUPS.exec(text);
  if (m !== null && !/[A-Za-z]/.test(text)) {
    return {
      month: Number(m[1]),
      day: Number(m[2]),
      year: Number(m[3]),
      hour: Number(m[4]) % 24,
      minute: Number(m[5]),
      second: Number(m[6]),
    };
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? Number.NaN,
    month: parts.month ?? Number.NaN,
    day: parts.day ?? Number.NaN,
    hour: (parts.hour ?? Number.NaN) % 24,
    minute: parts.minute ?? Number.NaN,
    second: parts.second ?? Number.NaN,
  };
}

/** UTC offset of `zone` at instant `ms`, in ms (local minus UTC), at whole-second resolution. */
function offsetAt(ms: number, zone: string): number {
  const w = wallFields(ms, zone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

const validity = new Map<string, string | null>();

function resolveZone(zone: string): string | null {
  const cached = validity.get(zone);
  if (cached !== undefined) return cached;
  let resolved: string | null = null;
  // Offsets ("+05:30") and abbreviations with digits only are not IANA names, even where Intl takes them.
  if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) {
    try {
      resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      resolved = null;
    }
  }
  if (validity.size >= 1024) validity.clear();
  validity.set(zone, resolved);
  return resolved;
}

/**
 * Whether `zone` names an IANA time zone this runtime knows, such as `"Europe/Berlin"` or `"UTC"`.
 *
 * Matching is case-insensitive, as in `Intl`; store {@link normalizeZone}'s result rather than the
 * raw input. UTC offsets such as `"+05:30"`, the empty string and unknown names are refused.
 */
export function isValidZone(zone: string): boolean {
  return resolveZone(zone) !== null;
}

let zoneList: readonly string[] | undefined;
let zoneIndex: Map<string, string> | undefined;

/**
 * Every zone name the runtime supports (`Intl.supportedValuesOf("timeZone")`) plus `"UTC"`, sorted.
 * Computed once; the array is frozen.
 */
export function allZones(): readonly string[] {
  if (zoneList === undefined) {
    const names = new Set(Intl.supportedValuesOf("timeZone"));
    names.add("UTC");
    zoneList = Object.freeze([...names].sort());
  }
  return zoneList;
}

/**
 * The canonical spelling of a zone name typed in any case, e.g. `"europe/berlin"` → `"Europe/Berlin"`,
 * or null when it is not a valid zone.
 *
 * Names from {@link allZones} win; then a few current names that older ICU data lists only under an
 * alias (`"asia/kolkata"` → `"Asia/Kolkata"`, not `"Asia/Calcutta"`); any other alias Intl accepts
 * resolves to its canonical zone (`"US/Eastern"` → `"America/New_York"`).
 */
export function normalizeZone(zone: string): string | null {
  const trimmed = zone.trim();
  const resolved = resolveZone(trimmed);
  if (resolved === null) return null;
  if (zoneIndex === undefined) {
    zoneIndex = new Map();
    for (const name of [...allZones(), ...MODERN_NAMES]) zoneIndex.set(name.toLowerCase(), name);
  }
  return zoneIndex.get(trimmed.toLowerCase()) ?? resolved;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`;
}

/** Splits a `"YYYY-MM-DD"` date, throwing a RangeError on anything else (including "2026-02-30"). */
function splitDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (m === null || !isValidDate(date)) throw new RangeError(`Not a calendar date: "${date}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether `date` is a real calendar date written `"YYYY-MM-DD"` (so `"2026-02-30"` is not). */
export function isValidDate(date: string): boolean {
  const m = DATE_RE.exec(date);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** Number of days in a month (`month` 1-based), Gregorian rules. */
export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; Date.UTC handles leap years for us.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dateToDayNumber(date: string): number {
  const [y, m, d] = splitDate(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function dayNumberToDate(n: number): string {
  const dt = new Date(n * DAY_MS);
  return ymd(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/** The local calendar date (`"YYYY-MM-DD"`) of instant `ms` in `zone`. Throws a RangeError for a bad zone. */
export function localDate(ms: number, zone: string): string {
  const w = wallFields(ms, zone);
  return ymd(w.year, w.month, w.day);
}

/**
 * Calendar arithmetic: the date `days` days after `date` (negative goes back). Pure date maths, no
 * zone involved, so it never trips over DST.
 */
export function addDays(date: string, days: number): string {
  return dayNumberToDate(dateToDayNumber(date) + days);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dateToDayNumber(to) - dateToDayNumber(from);
}

/**
 * The date `months` calendar months after `date`, clamped to the end of a shorter month, so
 * 2026-01-31 + 1 month is 2026-02-28 and + 2 months is 2026-03-31 (always counted from `date`,
 * not from the clamped intermediate month).
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = splitDate(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return ymd(year, month, Math.min(d, daysInMonth(year, month)));
}

/** Day of the week of a calendar date, 0 = Sunday. */
export function weekdayOf(date: string): number {
  return ((dateToDayNumber(date) % 7) + 7 + 4) % 7; // 1970-01-01 was a Thursday (4)
}

/** A calendar date for people: `"2026-12-01"` → `"Tue 1 Dec 2026"`. */
export function formatDate(date: string): string {
  const [y, m, d] = splitDate(date);
  return `${WEEKDAY_SHORT[weekdayOf(date)]} ${d} ${MONTH_SHORT[m - 1]} ${y}`;
}

/** Where a wall time lands: its instant, and whether it fell in a gap and was moved to the gap's end. */
interface Landing {
  ms: number;
  moved: boolean;
}

function land(date: string, at: LocalTime, zone: string): Landing {
  const [y, m, d] = splitDate(date);
  const wall = Date.UTC(y, m - 1, d, at.hour, at.minute);
  // The offsets a day either side bracket any single transition near the wanted wall time.
  const early = offsetAt(wall - DAY_MS, zone);
  const late = offsetAt(wall + DAY_MS, zone);
  const first = wall - early;
  const firstOk = offsetAt(first, zone) === early;
  if (firstOk && early === late) return { ms: first, moved: false };
  const second = wall - late;
  const secondOk = offsetAt(second, zone) === late;
  // Both valid means the time repeats (fall-back): take the earlier one.
  if (firstOk && secondOk) return { ms: Math.min(first, second), moved: false };
  if (firstOk) return { ms: first, moved: false };
  if (secondOk) return { ms: second, moved: false };
  // Neither offset explains the wall time: it falls in a gap. Find the transition instant between
  // `second` (still on the earlier offset) and `first` by bisection at whole seconds.
  let lo = Math.floor(Math.min(first, second) / 1000);
  let hi = Math.ceil(Math.max(first, second) / 1000);
  const before = offsetAt(lo * 1000, zone);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * 1000, zone) === before) lo = mid;
    else hi = mid;
  }
  return { ms: hi * 1000, moved: true };
}

/**
 * The instant at which the wall clock in `zone` shows `at` on local `date`.
 *
 * The rules match croner's for fixed-time jobs (checked in the tests), so every cadence form treats
 * DST the same way:
 * - A time that does not exist (spring-forward gap) maps to the first valid instant after it,
 *   which is the transition instant itself: 02:30 on 2027-03-28 in Europe/Berlin becomes 03:00 CEST
 *   (01:00Z), and 02:15 on 2026-10-04 in Australia/Lord_Howe becomes 02:30. It is not shifted by
 *   the gap length (which would give 03:30).
 * - A time that happens twice (fall-back) maps to its first, earlier occurrence: 02:30 on
 *   2026-10-25 in Europe/Berlin becomes 02:30 CEST (00:30Z), never 02:30 CET.
 *
 * When a gap runs to midnight (America/Nuuk jumps from 23:00 to 00:00), the first valid instant is
 * on the next day; this function still returns it, while the repeating cadences skip that day as
 * croner does (see {@link occurrenceOn}).
 *
 * Throws a RangeError for a bad date or zone.
 */
export function localToInstant(date: string, at: LocalTime, zone: string): number {
  return land(date, at, zone).ms;
}

/**
 * The occurrence of a fixed local time on `date`, or null when the day has none: the time is in a
 * DST gap that lasts until after midnight, so no valid time is left that day. Croner, which runs
 * cron cadences, skips such a day, and the other repeating forms use this to do the same. Otherwise
 * the same as {@link localToInstant}.
 */
export function occurrenceOn(date: string, at: LocalTime, zone: string): number | null {
  const l = land(date, at, zone);
  // Only a moved time can leave its day, so the extra lookup is paid on DST days alone.
  return l.moved && localDate(l.ms, zone) !== date ? null : l.ms;
}

/** `"Sun 29 Nov 2026, 18:00"`: an instant as the wall clock in `zone` shows it (24-hour, en-GB order). */
export function formatLocal(ms: number, zone: string): string {
  const w = wallFields(ms, zone);
  const date = ymd(w.year, w.month, w.day);
  const day = `${WEEKDAY_SHORT[weekdayOf(date)]} ${w.day} ${MONTH_SHORT[w.month - 1]} ${w.year}`;
  return `${day}, ${pad2(w.hour)}:${pad2(w.minute)}`;
}

/** `"18:00"`: the wall-clock time of an instant in `zone`, 24-hour. */
export function formatLocalTime(ms: number, zone: string): string {
  const w = wallFields(ms, zone);
  return `${pad2(w.hour)}:${pad2(w.minute)}`;
}
