/**
 * The consistency figure in words (PRODUCT §4, VOICE.md): numbers describe, they don't judge.
 * The figure is never shown bare and never as a bare zero: until a commitment has
 * {@link JUST_STARTED_UNTIL} answers it reads "just started"; after that it comes with what
 * happened ("consistency 81: kept 4 of the last 5, 3 confirmed by jo"). A window that closed
 * unanswered "got no answer": a miss is what the person said.
 */
import type { ConsistencyFacts, OutcomeCounts } from "./stats";

/** Below this many answers a commitment has "just started". */
export const JUST_STARTED_UNTIL = 3;

/** Which check-ins a group of counts is about, for the words that name it. */
export type Scope =
  /** The newest few of more (`the last 5`). */
  | "recent"
  /** All there were (`all 4`, `kept 2 of 4`). */
  | "all"
  /** This week's (the witness's digest). */
  | "week";

/**
 * What happened to a group of check-ins, in words: "kept 4 of the last 5, 3 confirmed by jo",
 * "partly kept 2 of 6; 4 got no answer", "the last 5 got no answer", "kept it, confirmed by you".
 * Only counts that are not zero are said; an empty group reads "no check-ins".
 * @param by who confirms: the witness's name, "your witness", or "you" when the witness reads it.
 */
export function describeCounts(n: OutcomeCounts, scope: Scope, by: string): string {
  if (n.total === 0) return "no check-ins";
  // One check-in: "kept it", "its check-in got no answer"; this week's: "kept this week's check-in".
  const it = scope === "week" ? "this week's check-in" : "it";
  const its = scope === "week" ? "this week's check-in" : "its check-in";
  const whole =
    scope === "recent"
      ? `the last ${n.total}`
      : scope === "week"
        ? n.total === 2
          ? "both this week"
          : `all ${n.total} this week`
        : n.total === 2
          ? "both"
          : `all ${n.total}`;
  const of = scope === "recent" ? `of the last ${n.total}` : `of ${n.total}`;
  const all = n.total === 1 ? it : whole;
  const parts: string[] = [];
  if (n.kept > 0) parts.push(n.kept === n.total ? `kept ${all}` : `kept ${n.kept} ${of}`);
  if (n.partly > 0) {
    parts.push(
      n.partly === n.total
        ? `partly kept ${all}`
        : n.kept > 0
          ? `partly kept ${n.partly}`
          : `partly kept ${n.partly} ${of}`,
    );
  }
  const single = n.total === 1;
  if (n.confirmed > 0) parts.push(single ? `confirmed by ${by}` : `${n.confirmed} confirmed by ${by}`);
  if (n.disputed > 0) parts.push(single ? `disputed by ${by}` : `${n.disputed} disputed by ${by}`);
  const nothingKept = n.kept === 0 && n.partly === 0;
  if (nothingKept) {
    // Nothing kept: say what happened instead of a zero.
    if (n.missed === n.total) return `missed ${all}`;
    if (n.unanswered === n.total) return `${n.total === 1 ? its : whole} got no answer`;
    return `missed ${n.missed} ${of}; ${n.unanswered} got no answer`;
  }
  const rest: string[] = [];
  if (n.missed > 0) rest.push(`missed ${n.missed}`);
  if (n.unanswered > 0) rest.push(`${n.unanswered} got no answer`);
  return [parts.join(", "), ...rest].join("; ");
}

/**
 * A commitment's consistency in words: "just started" below {@link JUST_STARTED_UNTIL} answers
 * (with what happened, once that many check-ins have closed: "just started: the last 5 got no
 * answer"), then the figure with what happened to the newest check-ins ("consistency 81: kept 4 of the
 * last 5, 3 confirmed by jo"). A figure that rounds to zero is left out ("the last 5 got no
 * answer"), so no bare zero is ever shown.
 * @param by who confirms: the witness's name, "your witness", or "you" for the witness.
 * @param figure false for the witness, who reads what happened without the figure.
 */
export function consistencyWords(f: ConsistencyFacts, by: string, figure = true): string {
  const words = describeCounts(f.recent, f.counted > f.recent.total ? "recent" : "all", by);
  if (f.answers < JUST_STARTED_UNTIL) {
    // Too few answers for a figure; once a few check-ins have closed, say what happened to them
    // rather than let "just started" hide two weeks of silence.
    return f.counted < JUST_STARTED_UNTIL ? "just started" : `just started: ${words}`;
  }
  const shown = f.consistency === null ? 0 : Math.round(f.consistency);
  return figure && shown > 0 ? `consistency ${shown}: ${words}` : words;
}
