/**
 * Cadences as people write them: `every day at 8pm`, `daily 8pm`, `weekdays 9am`, `mondays and
 * thursdays 6:30pm`, `every other day`, `mon-fri at 7`, `every day except sunday`, `once next
 * friday 6pm`, and the canonical forms (`weekly mon,thu 18:30`, `every 3 days 20:00`, …), which
 * are the same grammar written tidily. Cron is read elsewhere ({@link readCron}).
 */

import { readDate, readIso } from "./date";
import { cadenceExamples } from "./examples";
import { clip, countWord, nearWord, quote } from "./text";
import { formatTime, PERIOD_TIMES, scanTime, words } from "./time";
import type { Cadence, CadenceResult, LocalTime } from "./types";
import { classify, forDays, readDays } from "./vocabulary";

/** The time used when someone leaves it out: evening, when most people can look back on the day. */
export const DEFAULT_AT: LocalTime = { hour: 20, minute: 0 };

/** The parts of what was typed, once the time of day is taken out. */
interface Parts {
  /** The words, classified, fillers dropped. */
  f: string[];
  /** The words left after the time, as typed (lower case), for reading a date. */
  rest: string[];
  at: LocalTime;
  /** No time was given: the default (or the part of the day's) was used. */
  assumed: boolean;
  /** "every" or "each" was said: a repeating cadence, never a one-off. */
  every: boolean;
  whole: string;
  /** The person's today, or null for a stored cadence (then no day is too early). */
  today: string | null;
}

const fail = (error: string): CadenceResult => ({ ok: false, error });

function ok(cadence: Cadence, p: Parts): CadenceResult {
  return p.assumed && cadence.kind !== "cron"
    ? { ok: true, cadence, assumedTime: true }
    : { ok: true, cadence };
}

/** The reason a cadence more often than hourly is refused, with what works instead. */
export function tooOften(what: string): string {
  return `${what} would check in more than once an hour, the most I do. Try "every day at 8pm" or "cron 0 9-17 * * 1-5" (hourly, 9 to 5 on weekdays).`;
}

/**
 * Reads every form but cron. `today` dates relative one-offs and the examples, and refuses a
 * one-off on a past day; null (a stored cadence) accepts any date.
 */
export function readNatural(text: string, today: string | null): CadenceResult {
  const whole = text.trim().replace(/\s+/g, " ");
  const scan = scanTime(words(whole), { trailingHour: true });
  if (scan.error)
    return fail(
      / (Try|Write|Make) /.test(scan.error) ? scan.error : `${scan.error} Try "daily 20:00" or "daily 8pm".`,
    );
  if (scan.rest[scan.rest.length - 1] === "at" && scan.at === null) {
    return fail(`What time? Try ${quote(`${whole} 8pm`)} or ${quote(`${whole} 20:00`)}.`);
  }
  const periodAt = scan.period ? PERIOD_TIMES[scan.period] : null;
  const p: Parts = {
    f: scan.rest.map(classify).filter((t): t is string => t !== null),
    rest: scan.rest,
    at: scan.at ?? periodAt ?? DEFAULT_AT,
    assumed: scan.at === null && periodAt === null,
    every: scan.rest.some(
      (w) => w === "every" || w === "each" || w === "evry" || nearWord(w, ["every"]) !== null,
    ),
    whole,
    today,
  };
  if (p.f.length === 0) {
    if (scan.at === null && periodAt === null) return fail(unreadable(whole));
    return ok({ kind: "daily", at: p.at }, p);
  }
  return (
    readEndInside(p) ??
    readTooOften(p) ??
    readSimple(p) ??
    readEvery(p) ??
    readMonthly(p) ??
    readWeekly(p) ??
    readOnce(p) ??
    fail(unreadable(whole))
  );
}

function unreadable(whole: string): string {
  if (whole.length === 0)
    return `Tell me how often, e.g. "every day at 8pm" or "mondays and thursdays 6:30pm".`;
  return `I couldn't read ${quote(whole)} as a cadence. Try "every day at 8pm", "weekdays 9am", "mon,thu 18:30" or "once next friday 6pm".`;
}

/** "daily for 2 weeks", "every day until friday": the end goes in its own option. */
function readEndInside(p: Parts): CadenceResult | null {
  if (p.f[0] === "once" || !p.rest.some((w) => w === "until" || w === "till" || w === "for")) return null;
  const before = /^(.+?)\s+(?:for|until|till)\s/i.exec(`${p.whole} `)?.[1];
  if (before === undefined) return null;
  return fail(`Give the last day in until:, like cadence: ${clip(before)} until: in 2 weeks.`);
}

function readTooOften(p: Parts): CadenceResult | null {
  if (p.f.includes("minutes")) return fail(tooOften(quote(p.whole)));
  const t = p.f.indexOf("times");
  if (t < 0) return null;
  // "twice a week": which days; "twice a day", "3 times a day": one commitment per time.
  if (p.f.includes("week") || p.f.includes("weekly")) {
    return fail(`Which days? Say them, like "mondays and thursdays 6:30pm".`);
  }
  if (p.f.includes("hour")) return fail(tooOften(quote(p.whole)));
  return fail(
    `A commitment checks in at one time of day. For two, make a second commitment, or use cron, like "cron 0 8,20 * * *" (08:00 and 20:00).`,
  );
}

/** daily, weekdays, weekends, graduated, hourly: a single word, perhaps with "once". */
function readSimple(p: Parts): CadenceResult | null {
  const f = p.f[0] === "once" && p.f.length === 2 ? p.f.slice(1) : p.f;
  const key = f.join(" ");
  switch (key) {
    case "daily":
    case "days":
    case "daily daily":
      return ok({ kind: "daily", at: p.at }, p);
    case "weekdays":
    case "week daily":
    case "week days":
    case "work daily":
    case "work days":
    case "working days":
    case "working daily":
    case "business days":
    case "business daily":
      return ok({ kind: "weekdays", at: p.at }, p);
    case "weekends":
      return ok({ kind: "weekly", days: [0, 6], at: p.at }, p);
    case "graduated":
      return ok({ kind: "graduated", at: p.at }, p);
    case "hour":
      return ok({ kind: "cron", expr: `${p.assumed ? 0 : p.at.minute} * * * *` }, p);
    case "week":
    case "weekly":
      return fail(`Which day of the week? Say it, like "sundays at 6pm" or "weekly sun 18:00".`);
    case "biweekly":
      return fail(
        `"Biweekly" can mean twice a week or every two weeks: try "mondays and thursdays" or "every 14 days".`,
      );
    default:
      return null;
  }
}

/** every N days (or weeks), every other day, every 3rd day, every couple of days, every 2 hours. */
function readEvery(p: Parts): CadenceResult | null {
  let f = p.f;
  if (f.length === 1 && f[0] === "fortnight") f = ["2", "weeks"];
  if (f[0] === "couple" && f.length === 2) f = ["2", f[1] as string];
  const [countText, unit, ...more] = f;
  if (countText === undefined || unit === undefined) return null;
  const count = countWord(countText);
  if (count === null) return null;
  if (unit === "hour" || unit === "hours") {
    if (more.length > 0) return null;
    if (count === 24) return ok({ kind: "daily", at: p.at }, p);
    if (count < 1 || count > 23)
      return fail(`Every ${count} hours can't work: try "every 2 hours" or "every day at 8pm".`);
    const minute = p.assumed ? 0 : p.at.minute;
    return ok({ kind: "cron", expr: count === 1 ? `${minute} * * * *` : `${minute} */${count} * * *` }, p);
  }
  const per = unit === "daily" || unit === "days" ? 1 : unit === "week" || unit === "weeks" ? 7 : 0;
  const onDays = /^d\d$/.test(unit) || more.some((t) => /^d\d$/.test(t));
  if (per === 0 && !(onDays && count >= 2)) return null;
  if (onDays) {
    return fail(
      `Every ${count === 2 ? "other" : count} week on set days isn't something I can keep yet. Try "every ${count * 7} days" (counted from today) or "mondays".`,
    );
  }
  if (more.length > 0) return null;
  const days = count * per;
  if (days < 1 || days > 365) {
    return fail(
      `Every ${count} ${per === 7 ? "weeks" : "days"} can't work: use 1 to 365 days, e.g. "every 3 days 20:00".`,
    );
  }
  return ok({ kind: "every", days, at: p.at }, p);
}

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th"}`;

/** monthly, every month on the 15th: a cron on that day of the month. */
function readMonthly(p: Parts): CadenceResult | null {
  const f = p.f.filter((t) => t !== "once");
  if (f[0] !== "month" && !(f[1] === "month" && countWord(f[0] ?? "") === 1)) return null;
  const dayWord = f.find((t, i) => i > 0 && t !== "month" && countWord(t) !== null);
  const rest = f.filter((t) => t !== "month" && t !== dayWord && countWord(t) !== 1);
  if (rest.length > 0) return null;
  const time = p.assumed ? DEFAULT_AT : p.at;
  // "monthly" alone means today's day of the month; without a today (a stored text) there is none.
  const day =
    dayWord !== undefined
      ? (countWord(dayWord) as number)
      : p.today === null
        ? 29
        : Number(p.today.slice(8, 10));
  if (dayWord === undefined && day > 28) {
    return fail(`Which day of the month? Try "monthly on the 1st at ${formatTime(time)}".`);
  }
  if (day < 1 || day > 28) {
    return fail(
      `Not every month has a ${ordinal(day)}. Try "monthly on the 1st at ${formatTime(time)}", or "cron ${time.minute} ${time.hour} L * *" for the last day.`,
    );
  }
  return ok({ kind: "cron", expr: `${time.minute} ${time.hour} ${day} * *` }, p);
}

/** Days of the week: "weekly mon,thu", "mondays and thursdays", "mon-fri", "every day except sunday". */
function readWeekly(p: Parts): CadenceResult | null {
  let f = p.f;
  const explicit =
    f[0] === "weekly" || f[0] === "week" || (f[0] === "once" && (f[1] === "week" || f[1] === "weekly"));
  if (f[0] === "once" && (f[1] === "week" || f[1] === "weekly")) f = f.slice(2);
  else if (f[0] === "weekly" || f[0] === "week") f = f.slice(1);
  if (f.length === 0) return null;
  const cut = f.indexOf("except");
  const base = readDays(cut < 0 ? f : f.slice(0, cut));
  if (base === null) {
    // "weekly mon,xyz": the form is clear, so say which word is not a day.
    const bad = f.find(
      (t) => !/^d\d$/.test(t) && ![",", "-", "except", "weekdays", "weekends", "daily"].includes(t),
    );
    return explicit && bad !== undefined
      ? fail(`I couldn't read ${quote(bad)} as a day of the week. Try "mondays and thursdays 6:30pm".`)
      : null;
  }
  const range = f.includes("-") || f.includes("daily") || f.includes("weekdays") || cut >= 0;
  if (cut >= 0) {
    const without = readDays(f.slice(cut + 1));
    if (without === null) return null;
    for (const d of without) base.delete(d);
    if (base.size === 0) return fail(`That leaves no day at all. Try "every day except sunday".`);
  }
  return ok(forDays(base, p.at, range), p);
}

/** A one-off: "once 2026-12-01 18:00", "once next friday 6pm", "on 31 jan at 18:00", "tomorrow 9am". */
function readOnce(p: Parts): CadenceResult | null {
  const said = p.f[0] === "once";
  if (p.every && !said) return null;
  const typed = p.rest.slice(p.rest[0] === "once" ? 1 : 0);
  const text = typed.join(" ").replace(/ , /g, ", ");
  // A stored text (no today) is canonical: only a written-out date, which needs no clock.
  const tryThis = p.today === null ? "" : ` Try "${cadenceExamples(p.today).once}".`;
  if (typed.length === 0) return fail(`On which date?${tryThis}`);
  const read =
    p.today === null
      ? (readIso(text) ?? { ok: false as const, error: `I couldn't read ${quote(text)} as a date.` })
      : readDate(text, p.today);
  if (read.ok) return ok({ kind: "once", date: read.date, at: p.at }, p);
  if (!said) return null;
  return fail(`${read.error}${tryThis}`);
}
