/**
 * The limits on what people type, in one place: a cadence is at most 200 characters and fires at
 * most once an hour (cron included), so one line can't flood a group or the scheduler.
 */

import { cronFiresWithinAnHour } from "./cron";
import { tooOften } from "./natural";
import { parseCadence } from "./parse";
import { quote } from "./text";
import type { CadenceResult } from "./types";

/** The longest cadence accepted, in characters. */
export const MAX_CADENCE_LENGTH = 200;

/**
 * A cadence typed by a person, read by {@link parseCadence} relative to their `today`, with the
 * limits applied: longer than {@link MAX_CADENCE_LENGTH} is refused without being echoed, and a
 * cron expression that can fire twice within an hour (`cron * * * * *`, `cron *\/30 * * * *`) is
 * refused with the reason and a form that works.
 */
export function parseCadenceInput(text: string, today: string): CadenceResult {
  if (text.trim().length > MAX_CADENCE_LENGTH) {
    return {
      ok: false,
      error: `That cadence is longer than ${MAX_CADENCE_LENGTH} characters; a short one like "every day at 8pm" is all I need.`,
    };
  }
  const parsed = parseCadence(text, today);
  if (parsed.ok && parsed.cadence.kind === "cron" && cronFiresWithinAnHour(parsed.cadence.expr)) {
    return { ok: false, error: tooOften(quote(`cron ${parsed.cadence.expr}`)) };
  }
  return parsed;
}
