/**
 * The `cron` cadence form, for power users: five fields, checked by croner, canonicalised to upper
 * case and single spaces.
 */

import { Cron } from "croner";
import { clip, quote } from "./text";

/** What {@link readCron} returns: the canonical 5-field expression, or a one-line reason. */
export type CronRead = { ok: true; expr: string } | { ok: false; error: string };

/** An example of the form; its own, since it holds no date. */
export const CRON_EXAMPLE = "cron 0 20 * * 1-5";

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

/** Reads the text after `cron`. */
export function readCron(text: string): CronRead {
  const raw = text.trim().replace(/\s+/g, " ");
  const fail = (error: string): CronRead => ({ ok: false, error });
  if (raw.length === 0) return fail(`Which cron expression? Try "${CRON_EXAMPLE}".`);
  let expr = raw.toUpperCase();
  if (expr.startsWith("@")) {
    const expanded = CRON_NICKNAMES.get(raw.toLowerCase());
    if (expanded === undefined) {
      return fail(`I don't know the cron shortcut ${quote(raw)}. Try "cron @daily" or "${CRON_EXAMPLE}".`);
    }
    expr = expanded;
  }
  const fields = expr.split(" ");
  if (fields.length === 6 || fields.length === 7) {
    return fail(
      "Cron here takes 5 fields (minute hour day month weekday), without seconds or years: " +
        `try "${CRON_EXAMPLE}".`,
    );
  }
  if (fields.length !== 5) {
    return fail(`A cron expression needs 5 fields (minute hour day month weekday), e.g. "${CRON_EXAMPLE}".`);
  }
  let job: Cron;
  try {
    job = new Cron(expr, { paused: true, mode: "5-part", timezone: "UTC" });
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, "");
    return fail(
      `I couldn't read ${quote(raw)} as a cron expression (${clip(reason)}). Try "${CRON_EXAMPLE}".`,
    );
  }
  // Five fields have no year, so the schedule repeats: if it has no run after 2000, it never runs.
  if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) {
    return fail(`The cron expression ${quote(raw)} never fires. Try "${CRON_EXAMPLE}".`);
  }
  return { ok: true, expr };
}

const HOUR_MS = 3_600_000;

/**
 * Whether a (valid, canonical) cron expression can fire twice within an hour. Minutes, hours and
 * days are independent in cron, so two runs less than an hour apart exist exactly when the minute
 * field matches more than one minute: then they fall in the same hour.
 */
export function cronFiresWithinAnHour(expr: string): boolean {
  const minute = expr.split(" ")[0] ?? "*";
  const start = Date.UTC(2000, 0, 1) - 1000;
  const runs = new Cron(`${minute} * * * *`, { paused: true, mode: "5-part", timezone: "UTC" }).nextRuns(
    2,
    new Date(start),
  );
  const [a, b] = runs;
  return a !== undefined && b !== undefined && b.getTime() - a.getTime() < HOUR_MS;
}
