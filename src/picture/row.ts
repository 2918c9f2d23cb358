/**
 * One commitment's row of a progress picture: its days, what happened to its check-ins in the
 * span, and its consistency line, computed from the same check-ins so the picture, the line
 * beneath it and the caption all speak of the same weeks (PRODUCT §11).
 */
import { consistencyWords } from "../engine/consistency-words";
import { consistencyFacts, countOutcomes, type OutcomeCounts } from "../engine/stats";
import { type Day, type PictureCheckIn, pictureDays, pictureSpan } from "./days";

/** What the engine knows about a commitment, for its picture. */
export interface PictureInput {
  number: number;
  promise: string;
  /** The commitment's zone: its days are counted in it. */
  zone: string;
  /** Who confirms, as the words name them: the witness's name, "your witness", or "you". */
  by: string;
  /** Its check-ins (at least those due in {@link pictureSpan}'s [from, to)), in any order. */
  checkIns: readonly PictureCheckIn[];
}

/** Everything one row of the picture and its caption sentence show. */
export interface PictureRow {
  number: number;
  promise: string;
  by: string;
  /** From the span's Monday through today (see {@link pictureDays}). */
  days: Day[];
  /** The span's counted check-ins (answered, or closed with no answer), by what happened. */
  counts: OutcomeCounts;
  /** Check-ins the span skipped (the bot was down, or it ended with one open): they don't count. */
  skipped: number;
  /** The consistency line for the same weeks, in words ("consistency 81: kept 4 of the last 5"). */
  consistency: string;
}

/** Builds a row at `now` (the caller's clock; nothing here reads the wall clock). */
export function pictureRow(input: PictureInput, now: number): PictureRow {
  const span = pictureSpan(now, input.zone);
  const inSpan = input.checkIns
    .filter((ci) => ci.dueAt >= span.from && ci.dueAt < span.to)
    .sort((a, b) => b.dueAt - a.dueAt);
  const skipped = inSpan.reduce(
    (n, ci) => n + (ci.state === "skipped" ? Math.max(1, ci.skippedCount ?? 1) : 0),
    0,
  );
  return {
    number: input.number,
    promise: input.promise,
    by: input.by,
    days: pictureDays(input.checkIns, input.zone, now),
    counts: countOutcomes(inSpan),
    skipped,
    consistency: consistencyWords(consistencyFacts(inSpan), input.by),
  };
}
