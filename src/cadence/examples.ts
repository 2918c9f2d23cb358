/**
 * Examples the bot shows, computed from the person's today so that copying one always works
 * (a fixed date in an example goes stale, and "has already passed" is a poor welcome).
 */

import { CRON_EXAMPLE } from "./cron";
import { dateExample } from "./date";
import { addDays } from "./zone";

export { dateExample } from "./date";

/** One example of each cadence form, and a few written the way people talk. */
export interface CadenceExamples {
  daily: string;
  weekdays: string;
  weekly: string;
  every: string;
  once: string;
  graduated: string;
  cron: string;
  /** Natural phrasings the parser accepts as they are. */
  natural: readonly string[];
}

/**
 * An example of every cadence form for `today` (`"YYYY-MM-DD"`, the person's local date): the
 * one-off is a week from today, so it is in the future at any hour of today in any zone.
 */
export function cadenceExamples(today: string): CadenceExamples {
  return {
    daily: "daily 20:00",
    weekdays: "weekdays 09:00",
    weekly: "weekly mon,thu 18:30",
    every: "every 3 days 20:00",
    once: `once ${addDays(today, 7)} 18:00`,
    graduated: "graduated 20:00",
    cron: CRON_EXAMPLE,
    natural: [
      "every day at 8pm",
      "weekdays 9am",
      "mondays and thursdays 6:30pm",
      "every other day",
      "once next friday 6pm",
    ],
  };
}

/** Every example string {@link cadenceExamples} holds, for tests that run them all. */
export function allCadenceExamples(today: string): string[] {
  const e = cadenceExamples(today);
  return [e.daily, e.weekdays, e.weekly, e.every, e.once, e.graduated, e.cron, ...e.natural];
}

/** An end date to show after `until:`, e.g. `until: 2027-01-31`, four weeks from `today`. */
export function untilExample(today: string): string {
  return `until: ${dateExample(today)}`;
}
