/** Planning a commitment's next check-in from its cadence, zone, phase and end date. */
import { type Cadence, localDate, nextOccurrence, parseCadence } from "../cadence";
import { parseDate } from "../cadence/date";
import { refuse } from "../errors";
import type { CadenceState, CommitmentRow, PendingChange } from "../store/port";

/** The fields planning depends on. */
export type Plannable = Pick<CommitmentRow, "cadence" | "zone" | "anchor" | "cadenceState" | "until">;

/** A fresh cadence state. */
export const INITIAL_CADENCE_STATE: CadenceState = { phase: 0, keptInPhase: 0, missesInRow: 0 };

/** Parsed stored cadences: a burst plans thousands of commitments sharing a few cadence texts. */
const parsedCadences = new Map<string, Cadence>();
const MAX_PARSED = 1_000;

/** Parses a stored (canonical) cadence; a failure here is a bug, not a user error. */
export function storedCadence(text: string): Cadence {
  const cached = parsedCadences.get(text);
  if (cached) return cached;
  const parsed = parseCadence(text);
  if (!parsed.ok) throw new Error(`stored cadence "${text}" does not parse: ${parsed.error}`);
  if (parsedCadences.size >= MAX_PARSED) parsedCadences.clear();
  parsedCadences.set(text, parsed.cadence);
  return parsed.cadence;
}

/**
 * The first check-in strictly after `afterMs`, or null when none is left (a `once` that has
 * passed, or an end date before the next occurrence).
 */
export function planNext(c: Plannable, afterMs: number): number | null {
  const next = nextOccurrence(storedCadence(c.cadence), afterMs, {
    zone: c.zone,
    anchor: c.anchor,
    phase: c.cadenceState.phase,
  });
  if (next === null) return null;
  if (c.until && localDate(next, c.zone) > c.until) return null;
  return next;
}

/** Check-ins in the four weeks from `now` under `cadence`, counted from today: fewer means easier. */
function frequency(cadence: string, c: Plannable, now: number): number {
  const probe = { ...c, cadence, until: null, anchor: localDate(now, c.zone) };
  let count = 0;
  for (
    let t = planNext(probe, now);
    t !== null && t < now + 28 * 86_400_000 && count < 1000;
    t = planNext(probe, t)
  ) {
    count++;
  }
  return count;
}

/**
 * Whether a change makes a commitment easier to keep: cancelled, fewer check-ins in the next
 * four weeks, or an end date set or brought forward. New words alone are neither.
 */
export function isEasier(c: Plannable, change: PendingChange, now: number): boolean {
  if (change.cancel) return true;
  if (change.cadence !== undefined && frequency(change.cadence, c, now) < frequency(c.cadence, c, now))
    return true;
  if (change.until !== undefined && change.until !== null && (c.until === null || change.until < c.until))
    return true;
  return false;
}

/** Whether two requested changes ask for the same thing. */
export function sameChange(a: PendingChange, b: PendingChange): boolean {
  return a.promise === b.promise && a.cadence === b.cadence && a.until === b.until && !a.cancel === !b.cancel;
}

/** A requested change in a person's words: " (to weekly sun 12:00, ending 2027-01-31)", or "". */
export function describeChange(change: PendingChange): string {
  const parts: string[] = [];
  if (change.cadence !== undefined) parts.push(`to ${change.cadence}`);
  if (change.until !== undefined)
    parts.push(change.until === null ? "with no end date" : `ending ${change.until}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/**
 * Reads an end date as people type it (`2027-01-31`, `31 Jan`, `next friday`, `in 2 weeks`;
 * `none`, `off` or `never` clears it), for `today` in the commitment's zone. A refusal is one
 * line with an example computed from today (src/cadence/date.ts), so copying it works.
 */
export function readUntil(text: string, today: string): string | null {
  const read = parseDate(text, today);
  if (!read.ok) refuse(read.error.includes("has already passed") ? "past-date" : "bad-date", read.error);
  return read.date;
}
