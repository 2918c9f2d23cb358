/** Shared wording: how commitments, cadences and times are shown. */
import { describeCadence, formatDate, formatLocal } from "../cadence";
import { bold, italic, type Part, rich } from "../richtext";
import type { CommitmentRow, PendingChange } from "../store/port";
import type { RichText } from "../types";
import { storedCadence } from "./schedule";

/** `#2 “Call my sister”`. */
export function label(c: Pick<CommitmentRow, "number" | "promise">): RichText {
  return rich(bold(`#${c.number}`), " ", italic(c.promise));
}

/** Human cadence, e.g. "Sundays at 18:00". */
export function cadenceText(c: Pick<CommitmentRow, "cadence" | "cadenceState">): string {
  return describeCadence(storedCadence(c.cadence), c.cadenceState.phase);
}

/** "Sun 29 Nov 2026, 18:00" in the commitment's zone. */
export function when(ms: number, zone: string): string {
  return formatLocal(ms, zone);
}

/** One line about where a commitment stands now. */
export function stateLine(c: CommitmentRow): Part[] {
  switch (c.state) {
    case "active":
      return c.nextDueAt === null ? ["no check-in planned"] : ["next check-in ", when(c.nextDueAt, c.zone)];
    case "paused":
      return c.pausedUntil === null
        ? ["paused until you /resume it"]
        : ["paused until ", when(c.pausedUntil, c.zone)];
    case "completed":
      return ["completed"];
    case "cancelled":
      return ["cancelled"];
  }
}

/** "Sun 29 Nov": the local day of an instant, without year or time, for short lines. */
export function shortDay(ms: number, zone: string): string {
  return formatLocal(ms, zone).replace(/ \d{4},.*$/, "");
}

/** "Sun 29 Nov 2026": the local day of an instant, without the time. */
export function day(ms: number, zone: string): string {
  return formatLocal(ms, zone).replace(/,.*$/, "");
}

/** "1 check-in", "3 check-ins". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** " (every 3 days at 20:00, ending Sat 12 Dec 2026)": what an easier change asks for. */
export function changeWords(change: PendingChange): string {
  const parts: string[] = [];
  if (change.cadence !== undefined) parts.push(describeCadence(storedCadence(change.cadence)));
  if (change.until !== undefined)
    parts.push(change.until === null ? "no end date" : `ending ${formatDate(change.until)}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}
