/**
 * The cadence language people type (`"weekly mon,thu 18:30"`), its value type, and the two ways
 * back to text: {@link formatCadence} for storage and round-trips, {@link describeCadence} for people.
 */

import { readCron } from "./cron";
import { readNatural } from "./natural";
import { GRADUATED_PHASES, graduatedPhase } from "./next";
import { formatTime } from "./time";
import type { Cadence, CadenceResult, GraduatedPhase, LocalTime } from "./types";
import { formatDate } from "./zone";

const DAY_CODES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY_PLURALS = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];

/**
 * Reads a cadence as people type it (case, accents and extra spaces don't matter): the canonical
 * forms `"daily 20:00"`, `"weekdays 09:00"`, `"weekly mon,thu 18:30"`, `"every 3 days 20:00"`,
 * `"once 2026-12-01 18:00"`, `"graduated 20:00"`, `"cron 0 20 * * 1-5"`, and the way people talk:
 * `"every day at 8pm"`, `"daily 8pm"`, `"mondays and thursdays 6:30pm"`, `"every other day"`,
 * `"mon-fri at 7am"`, `"once next friday 6pm"` (see ./natural).
 *
 * The time is optional (default 20:00, reported as `assumedTime`). `today` (`"YYYY-MM-DD"`, the
 * person's local date) dates relative one-offs such as "next friday", refuses a one-off on a day
 * that has passed, and dates the examples in refusals; stored, canonical cadences don't need it.
 * A refusal is one friendly line (at most 200 characters) that shows a form that works.
 *
 * This reader sets no limits: {@link parseCadenceInput} is the one for what people type (it
 * refuses long input and cadences more often than hourly); this one also reads stored cadences.
 */
export function parseCadence(text: string, today?: string): CadenceResult {
  const whole = text.trim().replace(/\s+/g, " ");
  const first = whole.split(" ", 1)[0]?.toLowerCase();
  if (first === "cron") {
    const read = readCron(whole.slice(4));
    return read.ok ? { ok: true, cadence: { kind: "cron", expr: read.expr } } : read;
  }
  return readNatural(whole, today ?? null);
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
      return describeCron(c.expr);
  }
}

/**
 * A cron schedule in words where its shape is a common one ("on the 15th of each month at 20:00",
 * "every hour, on the hour"), else `cron schedule "…"` with the expression.
 */
function describeCron(expr: string): string {
  const monthly = /^(\d{1,2}) (\d{1,2}) (\d{1,2}) \* \*$/.exec(expr);
  if (monthly) {
    const day = Number(monthly[3]);
    const th =
      day % 10 === 1 && day !== 11
        ? "st"
        : day % 10 === 2 && day !== 12
          ? "nd"
          : day % 10 === 3 && day !== 13
            ? "rd"
            : "th";
    const at = formatTime({ hour: Number(monthly[2]), minute: Number(monthly[1]) });
    return `on the ${day}${th} of each month at ${at}`;
  }
  if (expr === "0 * * * *") return "every hour, on the hour";
  return `cron schedule "${expr}"`;
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
