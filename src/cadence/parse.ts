/**
 * The cadence language people type (`"weekly mon,thu 18:30"`), its value type, and the two ways
 * back to text: {@link formatCadence} for storage and round-trips, {@link describeCadence} for people.
 */

import { Cron } from "croner";
import { GRADUATED_PHASES, type GraduatedPhase, graduatedPhase } from "./next";
import { formatDate, isValidDate } from "./zone";

/** Day of the week, 0 = Sunday, as in `Date#getDay` and cron. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A wall-clock time of day in the commitment's zone, 24-hour. */
export interface LocalTime {
  /** 0..23 */
  hour: number;
  /** 0..59 */
  minute: number;
}

/** How often a commitment is checked in on. Times are local to the commitment's zone. */
export type Cadence =
  | { kind: "daily"; at: LocalTime }
  | { kind: "weekdays"; at: LocalTime }
  /** `days` sorted ascending, without duplicates. */
  | { kind: "weekly"; days: Weekday[]; at: LocalTime }
  /** Every `days` (1..365) days, counted from the context's anchor date. */
  | { kind: "every"; days: number; at: LocalTime }
  /** A single check-in; `date` is a real calendar date `"YYYY-MM-DD"`. */
  | { kind: "once"; date: string; at: LocalTime }
  /** Easing off over time, see {@link GRADUATED_PHASES}; the phase is kept by the engine. */
  | { kind: "graduated"; at: LocalTime }
  /** A 5-field cron expression, upper-cased, fields separated by single spaces. */
  | { kind: "cron"; expr: string };

/** What {@link parseCadence} returns: the cadence, or a one-line message to show the person. */
export type CadenceResult = { ok: true; cadence: Cadence } | { ok: false; error: string };

/** The time used when someone leaves it out: evening, when most people can look back on the day. */
const DEFAULT_AT: LocalTime = { hour: 20, minute: 0 };

const DAY_CODES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY_PLURALS = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];

const DAY_ALIASES: ReadonlyMap<string, Weekday> = new Map<string, Weekday>([
  ["sun", 0],
  ["sunday", 0],
  ["mon", 1],
  ["monday", 1],
  ["tue", 2],
  ["tues", 2],
  ["tuesday", 2],
  ["wed", 3],
  ["weds", 3],
  ["wednesday", 3],
  ["thu", 4],
  ["thur", 4],
  ["thurs", 4],
  ["thursday", 4],
  ["fri", 5],
  ["friday", 5],
  ["sat", 6],
  ["saturday", 6],
]);

// Croner knows these too, but expanding them here keeps every stored expression at exactly 5 fields.
const CRON_NICKNAMES: ReadonlyMap<string, string> = new Map([
  ["@yearly", "0 0 1 1 *"],
  ["@annually", "0 0 1 1 *"],
  ["@monthly", "0 0 1 * *"],
  ["@weekly", "0 0 * * 0"],
  ["@daily", "0 0 * * *"],
  ["@midnight", "0 0 * * *"],
  ["@hourly", "0 * * * *"],
]);

/** An example of each form, used in messages so a refusal always shows what would work. */
const EXAMPLES = {
  daily: "daily 20:00",
  weekdays: "weekdays 09:00",
  weekly: "weekly mon,thu 18:30",
  every: "every 3 days 20:00",
  once: "once 2026-12-01 18:00",
  graduated: "graduated 20:00",
  cron: "cron 0 20 * * 1-5",
} as const;

type Form = keyof typeof EXAMPLES;

/** Quotes user input inside a message, cut short so the message stays one short line. */
function quote(text: string): string {
  const t = text.length > 32 ? `${text.slice(0, 31)}…` : text;
  return `"${t}"`;
}

function fail(error: string): CadenceResult {
  return { ok: false, error };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatTime(at: LocalTime): string {
  return `${pad2(at.hour)}:${pad2(at.minute)}`;
}

/**
 * Reads `H:MM` / `HH:MM` (24-hour), or explains what is wrong. `whole` is everything the person
 * typed, which ends with `text`, so a 12-hour time can be answered with their own line corrected.
 */
function parseTime(text: string, form: Form, whole: string): LocalTime | string {
  const example = EXAMPLES[form];
  const m24 = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (m24 !== null) {
    const hour = Number(m24[1]);
    const minute = Number(m24[2]);
    if (hour > 23) return `${quote(text)} isn't a time of day: hours go from 0 to 23. Try "${example}".`;
    if (minute > 59) return `${quote(text)} isn't a time of day: minutes go from 00 to 59. Try "${example}".`;
    return { hour, minute };
  }
  // People often type 12-hour times; say exactly what to type instead of a generic refusal.
  const m12 = /^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$/.exec(text);
  if (m12 !== null) {
    const h = Number(m12[1]);
    const minute = Number(m12[2] ?? "0");
    if (h >= 1 && h <= 12 && minute <= 59) {
      const fixed = formatTime({ hour: (h % 12) + (m12[3] === "p" ? 12 : 0), minute });
      const line = `${whole.slice(0, whole.length - text.length)}${fixed}`;
      return `Please use the 24-hour clock: ${quote(text)} is ${fixed}, so try ${quote(line)}.`;
    }
  }
  return `I couldn't read ${quote(text)} as a time. Use 24-hour H:MM, e.g. "${example}".`;
}

/** Reads the optional `[at] TIME` tail that ends every form except cron. */
function parseTail(tokens: string[], form: Form, whole: string): LocalTime | string {
  const rest = tokens[0] === "at" ? tokens.slice(1) : tokens;
  if (rest.length === 0) {
    return tokens.length === 0 ? DEFAULT_AT : `What time? Try "${EXAMPLES[form]}".`;
  }
  return parseTime(rest.join(" "), form, whole);
}

function withTime(
  tokens: string[],
  form: Form,
  whole: string,
  make: (at: LocalTime) => Cadence,
): CadenceResult {
  const at = parseTail(tokens, form, whole);
  return typeof at === "string" ? fail(at) : { ok: true, cadence: make(at) };
}

function parseWeekly(tokens: string[], whole: string): CadenceResult {
  // Day names never contain digits, so the days run up to the first token that starts the time.
  let split = tokens.findIndex((t) => t === "at" || /\d/.test(t));
  if (split < 0) split = tokens.length;
  const names = tokens
    .slice(0, split)
    .join(",")
    .split(/,+/)
    .filter((n) => n.length > 0 && n !== "and");
  if (names.length === 0) return fail(`Which days? Try "${EXAMPLES.weekly}".`);
  const days = new Set<Weekday>();
  for (const name of names) {
    const day = DAY_ALIASES.get(name);
    if (day === undefined) {
      return fail(`I couldn't read ${quote(name)} as a day of the week. Try "${EXAMPLES.weekly}".`);
    }
    days.add(day);
  }
  const sorted = [...days].sort((a, b) => a - b);
  return withTime(tokens.slice(split), "weekly", whole, (at) => ({ kind: "weekly", days: sorted, at }));
}

function parseEvery(tokens: string[], whole: string): CadenceResult {
  const [count, unit, ...tail] = tokens;
  if (count === undefined || !/^\d+$/.test(count)) {
    return fail(
      `I couldn't read ${quote(whole)} as a cadence. Try "${EXAMPLES.every}" (or "${EXAMPLES.daily}").`,
    );
  }
  const days = Number(count);
  if (days < 1 || days > 365) {
    return fail(`"every ${count} days" can't work: use 1 to 365 days, e.g. "${EXAMPLES.every}".`);
  }
  if (unit !== "day" && unit !== "days") {
    return fail(`Only days work here: try "every ${days} ${days === 1 ? "day" : "days"} 20:00".`);
  }
  return withTime(tail, "every", whole, (at) => ({ kind: "every", days, at }));
}

function parseOnce(tokens: string[], whole: string): CadenceResult {
  const [date, ...tail] = tokens;
  if (date === undefined) return fail(`On which date? Try "${EXAMPLES.once}".`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    return fail(`I couldn't read ${quote(date)} as a date: write it YYYY-MM-DD, e.g. "${EXAMPLES.once}".`);
  }
  if (!isValidDate(date)) return fail(`There is no date ${date}. Try a real one, e.g. "${EXAMPLES.once}".`);
  return withTime(tail, "once", whole, (at) => ({ kind: "once", date, at }));
}

function parseCron(text: string): CadenceResult {
  const raw = text.trim();
  if (raw.length === 0) return fail(`Which cron expression? Try "${EXAMPLES.cron}".`);
  let expr = raw.toUpperCase();
  if (expr.startsWith("@")) {
    const expanded = CRON_NICKNAMES.get(raw.toLowerCase());
    if (expanded === undefined) {
      return fail(`I don't know the cron shortcut ${quote(raw)}. Try "cron @daily" or "${EXAMPLES.cron}".`);
    }
    expr = expanded;
  }
  const fields = expr.split(" ");
  if (fields.length === 6 || fields.length === 7) {
    return fail(
      "Cron here takes 5 fields (minute hour day month weekday), without seconds or years: " +
        `try "${EXAMPLES.cron}".`,
    );
  }
  if (fields.length !== 5) {
    return fail(`A cron expression needs 5 fields (minute hour day month weekday), e.g. "${EXAMPLES.cron}".`);
  }
  let job: Cron;
  try {
    job = new Cron(expr, { paused: true, mode: "5-part", timezone: "UTC" });
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, "");
    const short = reason.length > 60 ? `${reason.slice(0, 59)}…` : reason;
    return fail(`I couldn't read ${quote(raw)} as a cron expression (${short}). Try "${EXAMPLES.cron}".`);
  }
  // Five fields have no year, so the schedule repeats: if it has no run after 2000, it never runs.
  if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) {
    return fail(`The cron expression ${quote(raw)} never fires. Try "${EXAMPLES.cron}".`);
  }
  return { ok: true, cadence: { kind: "cron", expr } };
}

/**
 * Reads a cadence as people type it, case-insensitively: `"daily 20:00"`, `"weekdays 09:00"`,
 * `"weekly mon,thu 18:30"`, `"every 3 days 20:00"`, `"once 2026-12-01 18:00"`, `"graduated 20:00"`
 * or `"cron 0 20 * * 1-5"`.
 *
 * The time is optional (default 20:00, except cron) and may follow an `at`. Only the 24-hour
 * `H:MM`/`HH:MM` form is accepted, because "7" or "7.30" are ambiguous in a group chat across
 * locales. A refusal is one friendly line (at most 200 characters) that shows a form that works.
 */
export function parseCadence(text: string): CadenceResult {
  const whole = text.trim().replace(/\s+/g, " ");
  if (whole.length === 0) return fail(`Tell me how often, e.g. "${EXAMPLES.daily}" or "${EXAMPLES.weekly}".`);
  const spaceAt = whole.indexOf(" ");
  const form = (spaceAt < 0 ? whole : whole.slice(0, spaceAt)).toLowerCase();
  const restText = spaceAt < 0 ? "" : whole.slice(spaceAt + 1);
  // Cron keeps its own spacing rules; every other form is read as lower-case tokens, commas split off.
  if (form === "cron") return parseCron(restText);
  const tokens = restText
    .toLowerCase()
    .replace(/\s*,\s*/g, ",")
    .split(" ")
    .filter((t) => t.length > 0);
  switch (form) {
    case "daily":
      return withTime(tokens, "daily", whole, (at) => ({ kind: "daily", at }));
    case "weekdays":
      return withTime(tokens, "weekdays", whole, (at) => ({ kind: "weekdays", at }));
    case "weekly":
      return parseWeekly(tokens, whole);
    case "every":
      return parseEvery(tokens, whole);
    case "once":
      return parseOnce(tokens, whole);
    case "graduated":
      return withTime(tokens, "graduated", whole, (at) => ({ kind: "graduated", at }));
    default:
      return fail(
        `I couldn't read ${quote(whole)} as a cadence. Try daily, weekdays, weekly mon,thu, every 3 days, ` +
          `once 2026-12-01 or graduated, then a time like 18:30; or "${EXAMPLES.cron}".`,
      );
  }
}

/**
 * The canonical text of a cadence, e.g. `"weekly mon,thu 18:30"`, which {@link parseCadence} reads
 * back to an equal value. The time is always written out, so a stored cadence does not depend on
 * today's default.
 */
export function formatCadence(c: Cadence): string {
  switch (c.kind) {
    case "daily":
    case "weekdays":
    case "graduated":
      return `${c.kind} ${formatTime(c.at)}`;
    case "weekly":
      return `weekly ${c.days.map((d) => DAY_CODES[d]).join(",")} ${formatTime(c.at)}`;
    case "every":
      return `every ${c.days} ${c.days === 1 ? "day" : "days"} ${formatTime(c.at)}`;
    case "once":
      return `once ${c.date} ${formatTime(c.at)}`;
    case "cron":
      return `cron ${c.expr}`;
  }
}

function listWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** "daily", "every 3 days", "weekly", "monthly": how one graduated phase reads. */
function describePhase(p: GraduatedPhase): string {
  if (p.everyMonths !== undefined) return p.everyMonths === 1 ? "monthly" : `every ${p.everyMonths} months`;
  const days = p.everyDays ?? 1;
  if (days === 1) return "daily";
  if (days === 7) return "weekly";
  return `every ${days} days`;
}

/** How often one graduated phase checks in, in words that fit before "at 20:00". */
function phaseWords(p: GraduatedPhase): string {
  if (p.everyMonths !== undefined)
    return p.everyMonths === 1 ? "once a month" : `every ${p.everyMonths} months`;
  const days = p.everyDays ?? 1;
  if (days === 1) return "every day";
  if (days === 7) return "every week";
  return `every ${days} days`;
}

/**
 * A graduated cadence in words a person would use: how often now, and that it eases off as the
 * commitment holds (the ladder's mechanics are in /help, not in every line that names it).
 */
function describeGraduated(at: LocalTime, phase?: number): string {
  const p = graduatedPhase(phase);
  const time = `${phaseWords(p)} at ${formatTime(at)}`;
  if (!Number.isFinite(p.checkIns)) return `${time} for now`;
  const first = phase === undefined || !(phase >= 1);
  return `${time} ${first ? "to begin with" : "for now"}, then less often as it holds`;
}

/**
 * A short description for people: `"every day at 20:00"`, `"Mondays and Thursdays at 18:30"`,
 * `"once on Tue 1 Dec 2026 at 18:00"`, `"every day at 20:00 to begin with, then less often as
 * it holds"` (graduated), `'cron schedule "0 20 * * 1-5"'`.
 *
 * `phase` only matters for graduated cadences (default 0, the first phase; past the last phase
 * reads as the last). Times are the commitment's local times; the zone is for the caller to add.
 */
export function describeCadence(c: Cadence, phase?: number): string {
  switch (c.kind) {
    case "daily":
      return `every day at ${formatTime(c.at)}`;
    case "weekdays":
      return `weekdays (Monday to Friday) at ${formatTime(c.at)}`;
    case "weekly":
      if (c.days.length === 7) return `every day at ${formatTime(c.at)}`;
      return `${listWords(c.days.map((d) => DAY_PLURALS[d] ?? String(d)))} at ${formatTime(c.at)}`;
    case "every":
      return `${c.days === 1 ? "every day" : `every ${c.days} days`} at ${formatTime(c.at)}`;
    case "once":
      return `once on ${formatDate(c.date)} at ${formatTime(c.at)}`;
    case "graduated":
      return describeGraduated(c.at, phase);
    case "cron":
      return `cron schedule "${c.expr}"`;
  }
}

/**
 * The whole graduated ladder for help text, e.g. "daily ×7, then every 3 days ×4, then weekly ×8,
 * then monthly from then on", written from {@link GRADUATED_PHASES} so the two cannot drift apart.
 */
export function describeGraduatedLadder(): string {
  return GRADUATED_PHASES.map(
    (p) => `${describePhase(p)}${Number.isFinite(p.checkIns) ? ` ×${p.checkIns}` : " from then on"}`,
  ).join(", then ");
}
