/**
 * Catch-up after downtime (PRODUCT §6): which occurrence of a due commitment is the latest, and
 * the one skipped range that stands for every earlier one. Found by jumping with the cadence
 * maths (src/cadence/span.ts), never by walking the missed occurrences, so a commitment down for
 * a year costs what one down for a day does.
 */
import { addDays, localDate, localToInstant } from "../cadence";
import { countOccurrences, firstAfter, latestOccurrence } from "../cadence/span";
import type { CommitmentRow, StoreTx } from "../store/port";
import { type Plannable, storedCadence } from "./schedule";

/** Where a due commitment stands at `now`. */
export interface CatchUp {
  /** The latest occurrence due by `now` (the first one, `nextDueAt`, when none came after it). */
  latest: number;
  /** The occurrence before `latest`, from the first one on; null when `latest` is the first. */
  before: number | null;
  /** The first occurrence after `latest` (so after `now`), or null when none is left. */
  next: number | null;
}

/** The cadence context a commitment plans with. */
const contextOf = (c: Plannable) => ({ zone: c.zone, anchor: c.anchor, phase: c.cadenceState.phase });

/** The last instant of a local date's day: nothing after it may fall due under an end date. */
function endOfDay(date: string, zone: string): number {
  return localToInstant(addDays(date, 1), { hour: 0, minute: 0 }, zone) - 1;
}

/**
 * The latest occurrence of a commitment due by `now`, the one before it and the next one, from
 * its first due occurrence `first`. Nothing moves the ladder while the bot is down (skipped
 * check-ins count for nothing), so the cadence is one fixed rule over the whole span, and an end
 * date bounds it as `planNext` does.
 */
export function catchUp(c: Plannable, first: number, now: number): CatchUp {
  const cadence = storedCadence(c.cadence);
  const ctx = contextOf(c);
  const horizon = c.until ? Math.min(now, endOfDay(c.until, c.zone)) : now;
  const untilOk = (t: number | null) => (t !== null && c.until && localDate(t, c.zone) > c.until ? null : t);
  // The usual case, a commitment due just now: nothing came after its first occurrence, so the
  // one step to the next answers everything without the search for the latest.
  const soonest = firstAfter(cadence, first, ctx);
  if (soonest === null || soonest > horizon) return { latest: first, before: null, next: untilOk(soonest) };
  const found = latestOccurrence(cadence, horizon, ctx);
  const latest = found !== null && found > first ? found : first;
  let before: number | null = null;
  if (latest > first) {
    const b = latestOccurrence(cadence, latest - 1, ctx);
    before = b !== null && b > first ? b : first;
  }
  // What planNext answers, from the same day rules (for cron without croner's slower search).
  return { latest, before, next: untilOk(firstAfter(cadence, latest, ctx)) };
}

/** A check-in's window: until the next occurrence or 24 hours, whichever is first. */
export function windowEnd(at: number, following: number | null, maxWindowMs: number): number {
  return Math.min(following ?? Number.POSITIVE_INFINITY, at + maxWindowMs);
}

/**
 * Records the occurrences from `first` through `through` as skipped: one row for all of them
 * (`due_at` the first, `skipped_through` the last, `skipped_count` how many), or a plain skipped
 * row for one. Its window is the last one's, ending at `following` or after `maxWindowMs`.
 * @returns how many occurrences were recorded (0 when the row was already there).
 */
export async function recordSkipped(
  db: StoreTx,
  c: CommitmentRow,
  range: { first: number; through: number; following: number | null },
  maxWindowMs: number,
  now: number,
): Promise<number> {
  const { first, through, following } = range;
  const count =
    through > first ? 1 + countOccurrences(storedCadence(c.cadence), first, through, contextOf(c)) : 1;
  const row = await db.insertCheckIn({
    commitmentId: c.id,
    dueAt: first,
    windowEnd: windowEnd(through, following, maxWindowMs),
    state: "skipped",
    createdAt: now,
    ...(count > 1 ? { skippedThrough: through, skippedCount: count } : {}),
  });
  if (!row) return 0;
  await db.appendEvent({
    commitmentId: c.id,
    kind: "skipped",
    data: count > 1 ? { count, from: first, through } : { count },
    at: now,
  });
  return count;
}
