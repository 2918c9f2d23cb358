/**
 * When is the next check-in? Pure functions of a cadence, an instant and a zone.
 *
 * Every form follows the same DST rules (see {@link localToInstant}): a wall-clock time that does
 * not exist fires at the first valid instant after it (the moment the clocks jump), and a time that
 * happens twice fires once, at the first, earlier instant. These are croner's rules for fixed-time
 * jobs, so cron cadences and the built-in forms never disagree.
 */

import { Cron } from "croner";
import type { Cadence, CadenceContext, GraduatedPhase, LocalTime } from "./types";
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

/**
 * The graduated ladder: daily for 7 check-ins, every 3 days for 4, weekly for 8, then monthly for
 * good. Trust is rebuilt by showing up often at first; the gaps widen as the habit holds.
 */
export const GRADUATED_PHASES: readonly GraduatedPhase[] = Object.freeze([
  Object.freeze({ everyDays: 1, checkIns: 7 }),
  Object.freeze({ everyDays: 3, checkIns: 4 }),
  Object.freeze({ everyDays: 7, checkIns: 8 }),
  Object.freeze({ everyMonths: 1, checkIns: Number.POSITIVE_INFINITY }),
]);

const LAST_PHASE = GRADUATED_PHASES[GRADUATED_PHASES.length - 1] as GraduatedPhase;

/**
 * The graduated phase for a phase index. Missing, negative or non-integer indexes count as
 * phase 0 (rounded down); indexes past the end stay on the last, open-ended phase.
 */
export function graduatedPhase(phase?: number): GraduatedPhase {
  const i = phase === undefined || !Number.isFinite(phase) || phase < 0 ? 0 : Math.floor(phase);
  return GRADUATED_PHASES[i] ?? LAST_PHASE;
}

// Croner objects parse their pattern on construction; the engine asks about the same few patterns
// over and over, so keep them. A Map iterates in insertion order, which makes eviction FIFO.
const CRON_CACHE_SIZE = 256;
const crons = new Map<string, Cron>();

/** The cached croner job for a 5-field pattern in a zone, with the DST rules every form follows. */
export function cronFor(pattern: string, zone: string): Cron {
  const key = `${zone} ${pattern}`;
  let job = crons.get(key);
  if (job === undefined) {
    // paused + no callback: croner never sets a timer, so nothing keeps the process alive.
    // "no-wildcard" makes lists such as "30 2,14 * * *" fixed-time jobs too, so they follow the
    // same DST rules as every other form instead of skipping a time that falls in a gap.
    job = new Cron(pattern, { timezone: zone, paused: true, mode: "5-part", fixedTimeRule: "no-wildcard" });
    if (crons.size >= CRON_CACHE_SIZE) {
      const oldest = crons.keys().next().value;
      if (oldest !== undefined) crons.delete(oldest);
    }
    crons.set(key, job);
  }
  return job;
}

/** Croner's first run of `pattern` in `zone` strictly after `afterMs`, or null. */
export function cronNext(pattern: string, afterMs: number, zone: string): number | null {
  return cronFor(pattern, zone).nextRun(new Date(afterMs))?.getTime() ?? null;
}

/** First instant after `afterMs` on the grid anchor, anchor + step, anchor + 2·step, … (days). */
function nextOnDayGrid(anchor: string, step: number, at: LocalTime, afterMs: number, zone: string): number {
  const today = localDate(afterMs, zone);
  // Start at the first grid date on or after today; nothing fires before the anchor.
  let k = Math.max(0, Math.ceil(daysBetween(anchor, today) / step));
  for (;;) {
    const t = occurrenceOn(addDays(anchor, k * step), at, zone);
    if (t !== null && t > afterMs) return t;
    k += 1;
  }
}

/** First instant after `afterMs` on anchor + k·step months, each clamped to the end of its month. */
function nextOnMonthGrid(anchor: string, step: number, at: LocalTime, afterMs: number, zone: string): number {
  const today = localDate(afterMs, zone);
  const months =
    (Number(today.slice(0, 4)) - Number(anchor.slice(0, 4))) * 12 +
    (Number(today.slice(5, 7)) - Number(anchor.slice(5, 7)));
  // One step back from the estimate covers a month-end clamp landing before today's date.
  let k = Math.max(0, Math.floor(months / step) - 1);
  for (;;) {
    const t = occurrenceOn(addMonths(anchor, k * step), at, zone);
    if (t !== null && t > afterMs) return t;
    k += 1;
  }
}

/** First instant after `afterMs` at `at` on a date whose weekday is in the `days` mask (bit 0 = Sunday). */
function nextOnWeekdays(days: number, at: LocalTime, afterMs: number, zone: string): number {
  let date = localDate(afterMs, zone);
  let wd = weekdayOf(date);
  // Today may be past, and a DST day may have no valid time left; two weeks always hold a match.
  for (let i = 0; i < 15; i++) {
    if ((days >> wd) & 1) {
      const t = occurrenceOn(date, at, zone);
      if (t !== null && t > afterMs) return t;
    }
    date = addDays(date, 1);
    wd = (wd + 1) % 7;
  }
  throw new RangeError("A weekly cadence needs at least one day from 0 to 6");
}

/** Weekday masks (bit 0 = Sunday) of the daily and weekdays forms. */
export const EVERY_DAY = 0b1111111;
export const MONDAY_TO_FRIDAY = 0b0111110;

/** The weekday mask (bit 0 = Sunday) of a list of days 0..6; anything else is left out. */
export function weekdayMask(days: readonly number[]): number {
  let mask = 0;
  for (const d of days) if (Number.isInteger(d) && d >= 0 && d <= 6) mask |= 1 << d;
  return mask;
}

/** Throws a RangeError unless `at` is a whole-minute time of day. */
export function checkTime(at: LocalTime): void {
  const ok = Number.isInteger(at.hour) && Number.isInteger(at.minute);
  if (!ok || at.hour < 0 || at.hour > 23 || at.minute < 0 || at.minute > 59) {
    throw new RangeError(`Not a time of day: ${JSON.stringify(at)}`);
  }
}

/**
 * The first occurrence of `c` strictly after `afterMs` (epoch ms), or null when there is none
 * (a `once` that has passed).
 *
 * - cron is computed by croner in `ctx.zone`. Lists and ranges of minutes and hours count as fixed
 *   times for DST, like every other form; wildcards and steps (e.g. every 30 minutes) run on both
 *   passes of a repeated hour and skip times in a gap, as croner's interval jobs do.
 * - daily, weekdays, weekly and once convert local dates with {@link localToInstant}, which agrees
 *   with croner's fixed-time rules (the tests hold them to croner's answers) at about three times
 *   croner's speed, since the engine calls this once per check-in. Like croner, the repeating forms
 *   skip a day whose gap lasts past midnight (nothing valid is left that day, e.g. 23:30 on
 *   America/Nuuk's spring-forward night); a `once` in such a gap fires when the gap ends.
 * - every N days fires on `ctx.anchor`, anchor + N, anchor + 2N, … and never before the anchor.
 * - graduated fires like every N days (or every month, clamped to the month's end, so an anchor
 *   of Jan 31 gives Feb 28, Mar 31, Apr 30, …) from `ctx.anchor` with the interval of `ctx.phase`.
 *   Counting check-ins and moving to the next phase is the engine's job.
 *
 * Throws a RangeError for an unknown zone, a malformed anchor (when the form needs one) or an
 * out-of-range cadence value, and croner's error for a cron expression that did not come from
 * `parseCadence`'s checks.
 */
export function nextOccurrence(c: Cadence, afterMs: number, ctx: CadenceContext): number | null {
  const zone = ctx.zone;
  if (!isValidZone(zone)) throw new RangeError(`Unknown time zone: "${zone}"`);
  if (!Number.isFinite(afterMs)) throw new RangeError(`Not an instant: ${afterMs}`);
  if (c.kind === "cron") return cronNext(c.expr, afterMs, zone);
  checkTime(c.at);
  switch (c.kind) {
    case "daily":
      return nextOnWeekdays(EVERY_DAY, c.at, afterMs, zone);
    case "weekdays":
      return nextOnWeekdays(MONDAY_TO_FRIDAY, c.at, afterMs, zone);
    case "weekly":
      return nextOnWeekdays(weekdayMask(c.days), c.at, afterMs, zone);
    case "every":
      if (!Number.isInteger(c.days) || c.days < 1 || c.days > 365) {
        throw new RangeError(`Every N days needs N from 1 to 365, not ${c.days}`);
      }
      return nextOnDayGrid(ctx.anchor, c.days, c.at, afterMs, zone);
    case "once": {
      const t = localToInstant(c.date, c.at, zone);
      return t > afterMs ? t : null;
    }
    case "graduated": {
      const p = graduatedPhase(ctx.phase);
      return p.everyMonths !== undefined
        ? nextOnMonthGrid(ctx.anchor, p.everyMonths, c.at, afterMs, zone)
        : nextOnDayGrid(ctx.anchor, p.everyDays ?? 1, c.at, afterMs, zone);
    }
  }
}

// Cron period bounds take a few hundred croner steps; work them out once per expression.
const cronPeriods = new Map<string, number>();

/** Croner runs of `pattern` in UTC after `fromMs` up to `untilMs` (inclusive), at most `max` of them. */
export function runsUtc(pattern: string, fromMs: number, untilMs: number, max: number): number[] {
  // A fixed offset of 0 skips Intl entirely, several times faster than timezone "UTC".
  const job = new Cron(pattern, { utcOffset: 0, paused: true, mode: "5-part" });
  const runs: number[] = [];
  for (const run of job.enumerate(new Date(fromMs))) {
    const t = run.getTime();
    if (t > untilMs || runs.length >= max) break;
    runs.push(t);
  }
  return runs;
}

function widestGap(sorted: readonly number[]): number {
  let widest = 0;
  for (let i = 1; i < sorted.length; i++) widest = Math.max(widest, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  return widest;
}

/**
 * The longest gap of a 5-field cron expression, ignoring DST, worked out from its fields rather than
 * sampled at random: minutes, hours and days are independent in cron, so the widest gap is the
 * widest of (a) two minutes within an hour, (b) two hours, less the minutes' spread, and (c) two
 * matching days, less the spread of times in a day. Matching days repeat every 400 Gregorian years;
 * they are enumerated from 2000 to 2400, or for 1000 matching days when there are more (years of
 * them, which covers every month length and a leap day).
 */
function cronPeriodMs(expr: string): number {
  const cached = cronPeriods.get(expr);
  if (cached !== undefined) return cached;
  const [minute, hour, dom, month, dow] = expr.split(" ");
  const start = Date.UTC(2000, 0, 1) - 1000;
  const minutes = runsUtc(`${minute} 0 * * *`, start, Date.UTC(2000, 0, 1, 0, 59), 60);
  const hours = runsUtc(`0 ${hour} * * *`, start, Date.UTC(2000, 0, 1, 23), 24);
  const days = runsUtc(`0 0 ${dom} ${month} ${dow}`, start, Date.UTC(2400, 0, 1), 1000);
  let period = Number.POSITIVE_INFINITY;
  const m0 = minutes[0];
  const m1 = minutes[minutes.length - 1];
  const h0 = hours[0];
  const h1 = hours[hours.length - 1];
  if (m0 !== undefined && m1 !== undefined && h0 !== undefined && h1 !== undefined && days.length >= 2) {
    const minuteSpread = m1 - m0;
    const daySpread = h1 - h0 + minuteSpread;
    period = Math.max(
      widestGap(minutes),
      hours.length > 1 ? widestGap(hours) - minuteSpread : 0,
      widestGap(days) - daySpread,
    );
  }
  if (cronPeriods.size >= CRON_CACHE_SIZE) cronPeriods.clear();
  cronPeriods.set(expr, period);
  return period;
}

/**
 * The longest gap between two consecutive occurrences, in ms, ignoring DST (a real gap can be up
 * to an hour longer across a clock change). For graduated, the gap of `phase` (default 0); a month
 * counts as 31 days. A `once` has no gap: Infinity. Cron is bounded exactly from its fields (see
 * above) and is Infinity only for an expression that never fires.
 */
export function cadencePeriodMs(c: Cadence, phase?: number): number {
  switch (c.kind) {
    case "daily":
      return DAY_MS;
    case "weekdays":
      return 3 * DAY_MS; // Friday to Monday
    case "weekly": {
      if (c.days.length === 0) return Number.POSITIVE_INFINITY;
      const sorted = [...c.days].sort((a, b) => a - b);
      let widest = 0;
      for (let i = 0; i < sorted.length; i++) {
        const here = sorted[i] ?? 0;
        const next = sorted[(i + 1) % sorted.length] ?? 0;
        widest = Math.max(widest, (next - here + 7) % 7 || 7);
      }
      return widest * DAY_MS;
    }
    case "every":
      return c.days * DAY_MS;
    case "once":
      return Number.POSITIVE_INFINITY;
    case "graduated": {
      const p = graduatedPhase(phase);
      return p.everyMonths !== undefined ? p.everyMonths * 31 * DAY_MS : (p.everyDays ?? 1) * DAY_MS;
    }
    case "cron":
      return cronPeriodMs(c.expr);
  }
}
