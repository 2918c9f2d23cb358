/**
 * Examples that carry a date, computed from today so that copying one works (PRODUCT §3: "every
 * example the bot shows is computed from today"). Static examples in the command table carry no
 * date at all, so they work on any day; everything dated comes from here.
 *
 * Each date lies a week or more ahead of `today`, so an example computed from the UTC date still
 * works for someone whose local date is a day ahead or behind (zones span UTC−12 to UTC+14), and
 * stays ahead for as long as a question waits for its answer.
 *
 * The dates themselves come from the cadence module's examples (src/cadence/examples.ts), the
 * same ones its own refusals show; this file puts them into whole commands.
 */
import { localDate } from "../cadence";
import { cadenceExamples, dateExample } from "../cadence/examples";

/** The dated examples for one day. */
export interface Examples {
  /** An end date four weeks ahead, as `until:` takes it: `2027-01-31`. */
  until: string;
  /** A one-off check-in a week ahead: `once 2026-12-10 18:00`. */
  once: string;
  /** A whole `/commit` with an end date. */
  commitUntil: string;
  /** A whole `/edit` that sets an end date. */
  editUntil: string;
}

/** The dated examples for `today` (`YYYY-MM-DD`, the reader's local date when known). */
export function examplesFor(today: string): Examples {
  const until = dateExample(today);
  return {
    until,
    once: cadenceExamples(today).once,
    commitUntil: `/commit Call my sister cadence: weekly sun 18:00 until: ${until}`,
    editUntil: `/edit #1 until: ${until}`,
  };
}

/** The dated examples for the instant `now` in `zone` (UTC when the reader's zone is unknown). */
export function examplesAt(now: number, zone = "UTC"): Examples {
  return examplesFor(localDate(now, zone));
}
