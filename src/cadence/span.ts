/**
 * Occurrences over a span of time, found by jumping with the cadence maths instead of walking
 * them one by one: the latest occurrence at or before an instant, how many fall in a span, and
 * the first after an instant. Catch-up after downtime (src/engine/catchup.ts) uses them, so a
 * commitment down for a year costs about what one down for a day does.
 *
 * All three agree exactly with {@link nextOccurrence} (the tests walk it to check): an ordinary
 * day counts by arithmetic (matching dates × occurrences a day), and the few days a clock change
 * touches (./transitions.ts) are looked at one by one with the same rules the walk uses.
 */

import { Cron } from "croner";
import {
  checkTime,
  cronFor,
  cronNext,
  EVERY_DAY,
  graduatedPhase,
  MONDAY_TO_FRIDAY,
  runsUtc,
  weekdayMask,
} from "./next";
import { offsetChanges } from "./transitions";
import type { Cadence, CadenceContext, LocalTime } from "./types";
import {
  addDays,
  addMonths,
  daysBetween,
  isValidZone,
  localDate,
  localToInstant,
  occurrenceOn,
  weekdayOf,
} from "./zone";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const MIDNIGHT: LocalTime = { hour: 0, minute: 0 };
const CACHE_SIZE = 1024;

/** The dates a cadence fires on and what it fires there: the shape every form but `once` shares. */
interface DayRule {
  /** Occurrences on an ordinary matching day (one the clocks do not change on). */
  perDay: number;
  /** Whether `date` is one of the cadence's days. */
  has(date: string): boolean;
  /** How many dates in [from, to] (inclusive, from ≤ to) are the cadence's days. */
  datesIn(from: string, to: string): number;
  /** The exact occurrences whose local date is `date`, ascending, as the walk finds them. */
  on(date: string): readonly number[];
  /** The cadence's days on or before `date`, newest first (a few are enough to find the latest). */
  back(date: string): Iterable<string>;
  /** The cadence's days on or after `date`, oldest first (a few are enough to find the next). */
  ahead(date: string): Iterable<string>;
}

const bitCount = (mask: number): number => {
  let n = 0;
  for (let m = mask; m !== 0; m >>= 1) n += m & 1;
  return n;
};

/**
 * What each date holds, by zone and rule: a catch-up asks about the same few dates for every
 * commitment with the same time and zone (20:00 in Europe/Berlin, say), and each answer costs a
 * few time-zone conversions.
 */
const onCache = new Map<string, readonly number[]>();
/** Local dates of recent instants: every commitment caught up in a tick asks about "now". */
const dateCache = new Map<string, string>();

function memo<V>(cache: Map<string, V>, key: string, make: () => V): V {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const value = make();
  if (cache.size >= CACHE_SIZE * 4) cache.clear();
  cache.set(key, value);
  return value;
}

/** {@link localDate}, remembered. */
const dateOf = (ms: number, zone: string): string =>
  memo(dateCache, `${zone} ${ms}`, () => localDate(ms, zone));

/** One fixed time on the dates of `has`, as the built-in forms fire. */
function fixedTimeOn(at: LocalTime, zone: string, has: (date: string) => boolean) {
  const key = `${zone} ${at.hour}:${at.minute} `;
  return (date: string): readonly number[] => {
    if (!has(date)) return [];
    return memo(onCache, key + date, () => {
      const t = occurrenceOn(date, at, zone);
      return t === null ? [] : [t];
    });
  };
}

/** daily, weekdays, weekly: the days of a weekday mask. */
function weekdayRule(mask: number, at: LocalTime, zone: string): DayRule {
  const has = (date: string) => ((mask >> weekdayOf(date)) & 1) === 1;
  return {
    perDay: 1,
    has,
    datesIn(from, to) {
      const n = daysBetween(from, to) + 1;
      let count = Math.floor(n / 7) * bitCount(mask);
      // The days left over after whole weeks start on `from`'s weekday.
      const wd = weekdayOf(from);
      for (let i = 0; i < n % 7; i++) count += (mask >> ((wd + i) % 7)) & 1;
      return count;
    },
    on: fixedTimeOn(at, zone, has),
    *back(date) {
      // Two weeks always hold a day of a non-empty mask, even past a day a clock change skips.
      for (let i = 0; i < 15; i++) {
        const d = addDays(date, -i);
        if (has(d)) yield d;
      }
    },
    *ahead(date) {
      for (let i = 0; i < 15; i++) {
        const d = addDays(date, i);
        if (has(d)) yield d;
      }
    },
  };
}

/** every N days, graduated by days: anchor, anchor + N, anchor + 2N, …, never before the anchor. */
function dayGridRule(anchor: string, step: number, at: LocalTime, zone: string): DayRule {
  const has = (date: string) => {
    const k = daysBetween(anchor, date);
    return k >= 0 && k % step === 0;
  };
  return {
    perDay: 1,
    has,
    datesIn(from, to) {
      const lo = Math.max(0, Math.ceil(daysBetween(anchor, from) / step));
      const hi = Math.floor(daysBetween(anchor, to) / step);
      return Math.max(0, hi - lo + 1);
    },
    on: fixedTimeOn(at, zone, has),
    *back(date) {
      let k = Math.floor(daysBetween(anchor, date) / step);
      for (let tries = 0; k >= 0 && tries < 4; k--, tries++) yield addDays(anchor, k * step);
    },
    *ahead(date) {
      const k = Math.max(0, Math.ceil(daysBetween(anchor, date) / step));
      for (let i = 0; i < 4; i++) yield addDays(anchor, (k + i) * step);
    },
  };
}

/** graduated by months: anchor + k·N months, each clamped to its month's end. */
function monthGridRule(anchor: string, step: number, at: LocalTime, zone: string): DayRule {
  const dateOf = (k: number) => addMonths(anchor, k * step);
  /** The first k whose date is on or after `date` (dates only grow with k). */
  const firstOnOrAfter = (date: string): number => {
    const months =
      (Number(date.slice(0, 4)) - Number(anchor.slice(0, 4))) * 12 +
      (Number(date.slice(5, 7)) - Number(anchor.slice(5, 7)));
    // A step under the estimate is always before `date`; walk up from there (at most two steps).
    let k = Math.max(0, Math.floor(months / step) - 1);
    while (dateOf(k) < date) k++;
    return k;
  };
  const has = (date: string) => dateOf(firstOnOrAfter(date)) === date;
  return {
    perDay: 1,
    has,
    datesIn: (from, to) => Math.max(0, firstOnOrAfter(addDays(to, 1)) - firstOnOrAfter(from)),
    on: fixedTimeOn(at, zone, has),
    *back(date) {
      let k = firstOnOrAfter(date);
      if (dateOf(k) > date) k--;
      for (let tries = 0; k >= 0 && tries < 4; k--, tries++) yield dateOf(k);
    },
    *ahead(date) {
      const k = firstOnOrAfter(date);
      for (let i = 0; i < 4; i++) yield dateOf(k + i);
    },
  };
}

// --- cron -------------------------------------------------------------------------------------

/** Per expression: its times of day (minutes after midnight), worked out once. */
const cronTimes = new Map<string, readonly number[]>();
/** Per expression and year: how many of the year's first i days match (index i, 0..366). */
const cronDayCounts = new Map<string, Uint16Array>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, value);
  return value;
}

function timesOfDay(expr: string): readonly number[] {
  const cached = cronTimes.get(expr);
  if (cached !== undefined) return cached;
  const [minute, hour] = expr.split(" ");
  const day = Date.UTC(2000, 0, 1);
  const runs = runsUtc(`${minute} ${hour} * * *`, day - 1000, day + DAY_MS - 1, 1440);
  return remember(
    cronTimes,
    expr,
    runs.map((t) => (t - day) / MINUTE_MS),
  );
}

/**
 * Matching days of one calendar year, as running counts. Croner decides each day (its rules for
 * day-of-month against weekday, `L`, `W` and `#`), with a day-only pattern in UTC, where a match
 * costs a few microseconds: one year is built in about 2 ms, once per expression.
 */
function dayCounts(expr: string, year: number): Uint16Array {
  const key = `${expr} ${year}`;
  const cached = cronDayCounts.get(key);
  if (cached !== undefined) return cached;
  const [, , dom, month, dow] = expr.split(" ");
  const job = new Cron(`0 0 ${dom} ${month} ${dow}`, { utcOffset: 0, paused: true, mode: "5-part" });
  const days = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY_MS;
  const counts = new Uint16Array(days + 1);
  for (let i = 0; i < days; i++) {
    counts[i + 1] = (counts[i] ?? 0) + (job.match(new Date(Date.UTC(year, 0, 1 + i))) ? 1 : 0);
  }
  return remember(cronDayCounts, key, counts);
}

/** The day of the year (0-based) of a date. */
const dayOfYear = (date: string): number => daysBetween(`${date.slice(0, 4)}-01-01`, date);

/** Matching days in [from, to] of one year. */
function cronDaysIn(expr: string, from: string, to: string): number {
  let count = 0;
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) {
    const counts = dayCounts(expr, y);
    const lo = y === Number(from.slice(0, 4)) ? dayOfYear(from) : 0;
    const hi = y === Number(to.slice(0, 4)) ? dayOfYear(to) + 1 : counts.length - 1;
    count += (counts[hi] ?? 0) - (counts[lo] ?? 0);
  }
  return count;
}

/** How many years {@link previousMatch} and {@link nextMatch} look: leap days come every four years, or eight. */
const YEARS_BACK = 9;

/** The latest matching day of a cron on or before `date`, from its day tables; null if none for years. */
function previousMatch(expr: string, date: string): string | null {
  let y = Number(date.slice(0, 4));
  for (let years = 0; years < YEARS_BACK; years++, y--) {
    const counts = dayCounts(expr, y);
    const i = years === 0 ? dayOfYear(date) : counts.length - 2;
    const target = counts[i + 1] ?? 0;
    if (target === 0) continue;
    // The first day whose running count reaches `target` is the latest match up to day i.
    let lo = 0;
    let hi = i;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((counts[mid + 1] ?? 0) >= target) hi = mid;
      else lo = mid + 1;
    }
    return addDays(`${String(y).padStart(4, "0")}-01-01`, lo);
  }
  return null;
}

/** The earliest matching day of a cron on or after `date`, from its day tables; null if none for years. */
function nextMatch(expr: string, date: string): string | null {
  let y = Number(date.slice(0, 4));
  for (let years = 0; years < YEARS_BACK; years++, y++) {
    const counts = dayCounts(expr, y);
    const i = years === 0 ? dayOfYear(date) : 0;
    const before = counts[i] ?? 0;
    if ((counts[counts.length - 1] ?? 0) === before) continue;
    // The first day from i whose running count passes `before` is the next match.
    let lo = i;
    let hi = counts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((counts[mid + 1] ?? 0) > before) hi = mid;
      else lo = mid + 1;
    }
    return addDays(`${String(y).padStart(4, "0")}-01-01`, lo);
  }
  return null;
}

function cronRule(expr: string, zone: string): DayRule {
  const times = timesOfDay(expr);
  // Day, month and weekday all "*" (hourly, daily at a time): every day is one, no table needed.
  const everyDay = expr.endsWith(" * * *");
  const has = (date: string) => {
    if (everyDay) return true;
    const counts = dayCounts(expr, Number(date.slice(0, 4)));
    const i = dayOfYear(date);
    return (counts[i + 1] ?? 0) > (counts[i] ?? 0);
  };
  return {
    perDay: times.length,
    has,
    datesIn: (from, to) => (everyDay ? daysBetween(from, to) + 1 : cronDaysIn(expr, from, to)),
    on(date) {
      if (!has(date)) return [];
      return memo(onCache, `${zone} ${expr} ${date}`, () => {
        const start = localToInstant(date, MIDNIGHT, zone);
        // An ordinary day: every wall time happens once, at the offset midnight had.
        if (!clockChangesOn(zone, date)) return times.map((m) => start + m * MINUTE_MS);
        return cronRunsOn(expr, zone, start, localToInstant(addDays(date, 1), MIDNIGHT, zone));
      });
    },
    *back(date) {
      // Three matching days: a clock change may leave one without a run before the instant.
      let d: string | null = date;
      for (let found = 0; found < 3 && d !== null; found++) {
        d = everyDay ? d : previousMatch(expr, d);
        if (d === null) return;
        yield d;
        d = addDays(d, -1);
      }
    },
    *ahead(date) {
      let d: string | null = date;
      for (let found = 0; found < 3 && d !== null; found++) {
        d = everyDay ? d : nextMatch(expr, d);
        if (d === null) return;
        yield d;
        d = addDays(d, 1);
      }
    },
  };
}

/** Croner's runs in [start, end), a day a clock change touches (at most a day's worth of steps). */
function cronRunsOn(expr: string, zone: string, start: number, end: number): readonly number[] {
  const runs: number[] = [];
  for (let t = cronNext(expr, start - 1, zone); t !== null && t < end; t = cronNext(expr, t, zone))
    runs.push(t);
  return runs;
}

/** Whether the clocks of `zone` change during `date`, or at either end of it. */
function clockChangesOn(zone: string, date: string): boolean {
  return changeDays(zone, date, date).length > 0;
}

/**
 * The dates in [from, to] a clock change touches: the date just before each change and the
 * date it starts (both, when a change jumps over midnight).
 */
function changeDays(zone: string, from: string, to: string): string[] {
  const lo = Date.parse(`${from}T00:00:00Z`) - 2 * DAY_MS;
  const hi = Date.parse(`${to}T00:00:00Z`) + 3 * DAY_MS;
  const days = new Set<string>();
  for (const t of offsetChanges(zone, lo, hi)) {
    for (const d of [localDate(t - 1, zone), localDate(t, zone)]) if (d >= from && d <= to) days.add(d);
  }
  return [...days];
}

// --- the two questions --------------------------------------------------------------------------

function ruleFor(c: Exclude<Cadence, { kind: "once" }>, ctx: CadenceContext): DayRule {
  const zone = ctx.zone;
  if (c.kind === "cron") return cronRule(c.expr, zone);
  checkTime(c.at);
  switch (c.kind) {
    case "daily":
      return weekdayRule(EVERY_DAY, c.at, zone);
    case "weekdays":
      return weekdayRule(MONDAY_TO_FRIDAY, c.at, zone);
    case "weekly": {
      const mask = weekdayMask(c.days);
      if (mask === 0) throw new RangeError("A weekly cadence needs at least one day from 0 to 6");
      return weekdayRule(mask, c.at, zone);
    }
    case "every":
      if (!Number.isInteger(c.days) || c.days < 1 || c.days > 365) {
        throw new RangeError(`Every N days needs N from 1 to 365, not ${c.days}`);
      }
      return dayGridRule(ctx.anchor, c.days, c.at, zone);
    case "graduated": {
      const p = graduatedPhase(ctx.phase);
      return p.everyMonths !== undefined
        ? monthGridRule(ctx.anchor, p.everyMonths, c.at, zone)
        : dayGridRule(ctx.anchor, p.everyDays ?? 1, c.at, zone);
    }
  }
}

function checkArgs(ctx: CadenceContext, ...instants: number[]): void {
  if (!isValidZone(ctx.zone)) throw new RangeError(`Unknown time zone: "${ctx.zone}"`);
  for (const t of instants) if (!Number.isFinite(t)) throw new RangeError(`Not an instant: ${t}`);
}

/**
 * The latest occurrence of `c` at or before `atMs`, or null when there is none (before the first
 * one, or a `once` still to come). The mirror of {@link nextOccurrence}: for any occurrence x,
 * `latestOccurrence(c, x)` is x and `nextOccurrence(c, latestOccurrence(c, t))` is after t.
 *
 * A few date steps back: the cadence's days on or before the instant's date, newest first (for
 * cron, found in its table of matching days), and the occurrences on them.
 */
export function latestOccurrence(c: Cadence, atMs: number, ctx: CadenceContext): number | null {
  checkArgs(ctx, atMs);
  if (c.kind === "once") {
    checkTime(c.at);
    const t = localToInstant(c.date, c.at, ctx.zone);
    return t <= atMs ? t : null;
  }
  const rule = ruleFor(c, ctx);
  for (const date of rule.back(dateOf(atMs, ctx.zone))) {
    const on = rule.on(date);
    for (let i = on.length - 1; i >= 0; i--) {
      const t = on[i] as number;
      if (t <= atMs) return t;
    }
  }
  return c.kind === "cron" ? cronPrevious(c.expr, atMs, ctx.zone) : null;
}

/**
 * Croner's own backward search, for a cron whose matching days are years apart (say, 29 February
 * on a Monday), beyond the day tables' reach. Runs are whole minutes: a reference 1 ms later
 * includes a run exactly at `atMs`.
 */
function cronPrevious(expr: string, atMs: number, zone: string): number | null {
  const [run] = cronFor(expr, zone).previousRuns(1, new Date(atMs + 1));
  const t = run?.getTime();
  return t !== undefined && t <= atMs ? t : null;
}

/**
 * The first occurrence of `c` strictly after `afterMs`, or null: the same answer as
 * {@link nextOccurrence}, from the same day rules as {@link latestOccurrence}. For cron it
 * needs no croner search on an ordinary day (a search costs about 50 µs; this, a few).
 */
export function firstAfter(c: Cadence, afterMs: number, ctx: CadenceContext): number | null {
  checkArgs(ctx, afterMs);
  if (c.kind === "once") {
    checkTime(c.at);
    const t = localToInstant(c.date, c.at, ctx.zone);
    return t > afterMs ? t : null;
  }
  const rule = ruleFor(c, ctx);
  for (const date of rule.ahead(dateOf(afterMs, ctx.zone))) {
    for (const t of rule.on(date)) if (t > afterMs) return t;
  }
  return c.kind === "cron" ? cronNext(c.expr, afterMs, ctx.zone) : null;
}

/**
 * How many occurrences of `c` fall in (afterMs, untilMs]. Bounded work whatever the span: the two
 * end days and the days a clock change touches are looked at, every other day is counted by
 * arithmetic (for cron, from a table of its matching days per year, built once per expression).
 */
export function countOccurrences(c: Cadence, afterMs: number, untilMs: number, ctx: CadenceContext): number {
  checkArgs(ctx, afterMs, untilMs);
  if (!(untilMs > afterMs)) return 0;
  if (c.kind === "once") {
    checkTime(c.at);
    const t = localToInstant(c.date, c.at, ctx.zone);
    return t > afterMs && t <= untilMs ? 1 : 0;
  }
  const rule = ruleFor(c, ctx);
  const zone = ctx.zone;
  const first = dateOf(afterMs, zone);
  const last = dateOf(untilMs, zone);
  const within = (t: number) => t > afterMs && t <= untilMs;
  const countOn = (date: string) => rule.on(date).filter(within).length;
  if (first === last) return countOn(first);
  let n = countOn(first) + countOn(last);
  const from = addDays(first, 1);
  const to = addDays(last, -1);
  if (from <= to) {
    n += rule.datesIn(from, to) * rule.perDay;
    for (const date of changeDays(zone, from, to))
      if (rule.has(date)) n += rule.on(date).length - rule.perDay;
  }
  return n;
}
