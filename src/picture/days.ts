/**
 * The days of a progress picture (PRODUCT §11): a commitment's check-ins turned into one status
 * per local day over the last 26 weeks, Monday-first, ready for the heatmap and the caption.
 * Pure: the caller passes the check-ins, the zone and `now`.
 */
import { addDays, daysBetween, localDate, localToInstant, weekdayOf } from "../cadence";
import type { CheckInRow } from "../store/port";

/** Weeks the picture shows (one column each). */
export const WEEKS = 26;

/** What a day shows. `none`: nothing was due, or only a window still open. */
export type DayStatus = "kept" | "partly" | "missed" | "skipped" | "none";

/** One day of the heatmap. */
export interface Day {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  status: DayStatus;
  /** Kept or partly, and the witness confirmed every such answer of the day. */
  confirmed: boolean;
  /** Missed only because windows closed with no answer (the voice says "no answer", not "missed"). */
  unanswered: boolean;
}

/** The fields of a check-in the picture reads. */
export type PictureCheckIn = Pick<
  CheckInRow,
  "dueAt" | "state" | "answer" | "verdict" | "skippedThrough" | "skippedCount"
>;

/** The picture's span in one zone. */
export interface Span {
  /** The Monday of the first column. */
  start: string;
  /** Today, the last drawn day (its column is the last; later days of that week are not drawn). */
  today: string;
  /** Query bounds for the check-ins: [from, to), epoch ms (`store.checkInsBetween`). */
  from: number;
  to: number;
}

/**
 * The span of a picture drawn at `now` in `zone`: 26 Monday-first weeks whose last holds today,
 * so 176–182 days (a week is a column; a partial last week is better than a column cut in two).
 */
export function pictureSpan(now: number, zone: string): Span {
  const today = localDate(now, zone);
  const start = addDays(today, -mondayIndex(today) - (WEEKS - 1) * 7);
  return {
    start,
    today,
    from: localToInstant(start, { hour: 0, minute: 0 }, zone),
    to: localToInstant(addDays(today, 1), { hour: 0, minute: 0 }, zone),
  };
}

/** 0 for Monday … 6 for Sunday. */
export function mondayIndex(date: string): number {
  return (weekdayOf(date) + 6) % 7;
}

/** What one check-in says about its day; null for an open one. */
type Mark =
  | { kind: "kept" | "partly" | "missed"; confirmed: boolean; unanswered: boolean }
  | { kind: "skipped" };

function markOf(ci: PictureCheckIn): Mark | null {
  if (ci.state === "skipped") return { kind: "skipped" };
  if (ci.state === "missed") return { kind: "missed", confirmed: false, unanswered: true };
  if (ci.state !== "answered" || !ci.answer) return null;
  // A disputed answer counts as missed, as it does in the consistency figure (stats.ts).
  if (ci.verdict === "disputed") return { kind: "missed", confirmed: false, unanswered: false };
  return { kind: ci.answer, confirmed: ci.verdict === "confirmed", unanswered: false };
}

/**
 * Several marks on one day (an hourly cron, a catch-up) make one status. Neither "the worst
 * wins" nor "the latest wins": the first would paint a day of 23 kept hours and one slip as
 * missed, the second would hide a miss behind a later answer. The day says what happened to all
 * of them: kept when every answer was kept, missed when none was kept even in part, partly
 * otherwise, exactly as "partly kept" reads. A counted answer outweighs a skipped one (the day
 * did have an answer); confirmed means every kept or partly answer of the day was confirmed.
 */
function combine(marks: Mark[]): Omit<Day, "date"> {
  const counted = marks.filter((m) => m.kind !== "skipped");
  if (counted.length === 0) {
    return { status: marks.length > 0 ? "skipped" : "none", confirmed: false, unanswered: false };
  }
  const kept = counted.filter((m) => m.kind === "kept").length;
  const missed = counted.filter((m) => m.kind === "missed");
  const status = kept === counted.length ? "kept" : missed.length === counted.length ? "missed" : "partly";
  const answered = counted.filter((m) => m.kind !== "missed");
  return {
    status,
    confirmed: answered.length > 0 && answered.every((m) => m.confirmed),
    unanswered: status === "missed" && missed.every((m) => m.unanswered),
  };
}

/**
 * One status per day from the span's Monday through today (index = week · 7 + Monday-index).
 * Check-ins are placed on the local date of their due time in `zone` (the commitment's zone, in
 * which its schedule is kept); a skipped range marks every day from its first due time through
 * `skippedThrough`. Check-ins outside the span are ignored, so the caller may pass more.
 */
export function pictureDays(checkIns: readonly PictureCheckIn[], zone: string, now: number): Day[] {
  const span = pictureSpan(now, zone);
  const length = daysBetween(span.start, span.today) + 1;
  const marks: Mark[][] = Array.from({ length }, () => []);
  const at = (date: string) => daysBetween(span.start, date);
  for (const ci of checkIns) {
    const mark = markOf(ci);
    if (!mark) continue;
    const due = at(localDate(ci.dueAt, zone));
    const through =
      mark.kind === "skipped" && ci.skippedThrough !== null ? at(localDate(ci.skippedThrough, zone)) : due;
    // A range that began before the span still marks the days of it inside the span.
    for (let i = Math.max(0, due); i <= Math.min(through, length - 1); i++) marks[i]?.push(mark);
  }
  return marks.map((m, i) => ({ date: addDays(span.start, i), ...combine(m) }));
}
