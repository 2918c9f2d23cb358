/**
 * How the replies to /commit and /edit say a commitment's schedule: once, in words ("one
 * check-in, on Tue 1 Dec at 19:00"; "check-ins from today, every day at 20:00"), and which
 * change is worth suggesting for the schedule the bot chose (a computed example that works).
 */
import { addDays, formatDate, formatLocalTime, localDate } from "../cadence";
import type { CommitmentRow } from "../store/port";
import { cadenceText } from "./format";

/** "today", "tomorrow", "yesterday", "Tue 1 Dec" in the year of `today`, else "Tue 1 Dec 2027". */
export function dayWords(date: string, today: string): string {
  if (date === today) return "today";
  if (date === addDays(today, 1)) return "tomorrow";
  if (date === addDays(today, -1)) return "yesterday";
  const full = formatDate(date);
  return date.slice(0, 4) === today.slice(0, 4) ? full.replace(/ \d{4}$/, "") : full;
}

/** "today", "tomorrow", "on Tue 1 Dec": a day as it follows a verb. */
function onDay(date: string, today: string): string {
  const words = dayWords(date, today);
  return /^(today|tomorrow|yesterday)$/.test(words) ? words : `on ${words}`;
}

type Scheduled = Pick<CommitmentRow, "cadence" | "cadenceState" | "until" | "zone">;

/**
 * The schedule said once, from the first check-in `first` (an instant): a one-off as "one
 * check-in, on Tue 1 Dec at 19:00", anything else as "check-ins from today, every day at 20:00
 * until Sat 12 Dec". Spoken at `now`, so "today" and "tomorrow" are the owner's.
 */
export function scheduleWords(c: Scheduled, first: number, now: number): string {
  const today = localDate(now, c.zone);
  const day = localDate(first, c.zone);
  if (c.cadence.startsWith("once")) {
    return `one check-in, ${onDay(day, today)} at ${formatLocalTime(first, c.zone)}`;
  }
  const from = dayWords(day, today);
  // A cron schedule's words hold no time of day, so the first one's time is said.
  const at = c.cadence.startsWith("cron") ? ` at ${formatLocalTime(first, c.zone)}` : "";
  const until = c.until ? ` until ${dayWords(c.until, today)}` : "";
  return `check-ins from ${from}${at}, ${cadenceText(c)}${until}`;
}

/** `HH:MM` an hour later, or an hour earlier at 23:xx, so the suggestion stays on the same day. */
function shifted(time: string): string {
  const [h = 0, m = 0] = time.split(":").map(Number);
  const hour = h === 23 ? 22 : h + 1;
  return `${String(hour).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/**
 * A change worth offering for a schedule the bot chose (a stored, canonical cadence): a one-off
 * moved to the next day, anything else at another time of day; null for a cron schedule,
 * whose author needs no example. Each is a cadence /edit accepts as it is.
 */
export function suggestedChange(cadence: string): { what: "day" | "time"; cadence: string } | null {
  const once = /^once (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/.exec(cadence);
  if (once?.[1] && once[2]) return { what: "day", cadence: `once ${addDays(once[1], 1)} ${once[2]}` };
  const timed = /^(.*) (\d{2}:\d{2})$/.exec(cadence);
  if (!timed?.[1] || !timed[2] || cadence.startsWith("cron")) return null;
  return { what: "time", cadence: `${timed[1]} ${shifted(timed[2])}` };
}
