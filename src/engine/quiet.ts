/** Quiet hours: a message due inside them waits until they end, in the person's zone. */
import { addDays, formatLocalTime, localDate, localToInstant } from "../cadence";
import type { PersonRow, QuietHours } from "../store/port";

/** The person's quiet hours, or null when off. */
export function quietOf(p: Pick<PersonRow, "quietStart" | "quietEnd">): QuietHours | null {
  return p.quietStart === null || p.quietEnd === null ? null : { start: p.quietStart, end: p.quietEnd };
}

/**
 * `ms` itself when it falls outside the quiet hours in `zone`, else the instant they end.
 * Quiet hours may run over midnight (22:00–08:00) or not (13:00–14:00).
 */
export function afterQuiet(ms: number, zone: string, quiet: QuietHours | null): number {
  if (!quiet) return ms;
  const [h = 0, m = 0] = formatLocalTime(ms, zone).split(":").map(Number);
  const minute = h * 60 + m;
  const overnight = quiet.start > quiet.end;
  const inside = overnight
    ? minute >= quiet.start || minute < quiet.end
    : minute >= quiet.start && minute < quiet.end;
  if (!inside) return ms;
  const today = localDate(ms, zone);
  const endDate = overnight && minute >= quiet.start ? addDays(today, 1) : today;
  const end = localToInstant(endDate, { hour: Math.floor(quiet.end / 60), minute: quiet.end % 60 }, zone);
  return Math.max(end, ms);
}
