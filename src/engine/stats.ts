import type { CheckInRow, StoreTx } from "../store/port";

/** How much an answer's weight shrinks per newer answer. */
export const CONSISTENCY_DECAY = 0.8;

/** The derived figures of one commitment. */
export interface Stats {
  streak: number;
  verifiedStreak: number;
  /** Null until there is an answer or a miss. */
  consistency: number | null;
  /** Misses in a row, newest first. */
  missesInRow: number;
}

type Outcome = "kept" | "partly" | "missed";

function outcome(ci: Pick<CheckInRow, "state" | "answer" | "verdict">): Outcome | null {
  if (ci.state === "missed") return "missed";
  if (ci.state !== "answered" || !ci.answer) return null;
  return ci.verdict === "disputed" ? "missed" : ci.answer;
}

/**
 * Computes the figures from check-ins ordered newest first.
 *
 * Consistency (0–100, one decimal) is an exponentially weighted average of the answers, so it
 * rewards steadiness more than a streak does and lets a lapse fade:
 *
 *     consistency = 100 · Σ wᵢ · 0.8^ageᵢ · sᵢ  /  Σ wᵢ · 0.8^ageᵢ
 *
 * - sᵢ, the score of check-in i: kept 1, partly 0.5, missed 0. A check-in whose window closed
 *   with no answer scores 0, and so does one the witness disputed.
 * - wᵢ, its weight: 2 when the witness confirmed it, else 1.
 * - ageᵢ: 0 for the newest counted check-in, 1 for the one before, and so on
 *   ({@link CONSISTENCY_DECAY} = 0.8 per step), so after five kept answers a miss weighs a third.
 * - Skipped (the bot was down) and still-open check-ins take no weight and age nothing.
 *
 * Null until something counts.
 */
export function computeStats(newestFirst: Pick<CheckInRow, "state" | "answer" | "verdict">[]): Stats {
  let streak = 0;
  let verifiedStreak = 0;
  let missesInRow = 0;
  let streakOpen = true;
  let verifiedOpen = true;
  let missesOpen = true;
  let num = 0;
  let den = 0;
  let age = 0;
  for (const ci of newestFirst) {
    const o = outcome(ci);
    if (o === null) continue;
    if (missesOpen) {
      if (o === "missed") missesInRow++;
      else missesOpen = false;
    }
    if (o === "missed") {
      streakOpen = false;
      verifiedOpen = false;
    } else if (o === "kept") {
      if (streakOpen) streak++;
      if (verifiedOpen && ci.verdict === "confirmed") verifiedStreak++;
    }
    const weight = (ci.verdict === "confirmed" ? 2 : 1) * CONSISTENCY_DECAY ** age;
    num += weight * (o === "kept" ? 1 : o === "partly" ? 0.5 : 0);
    den += weight;
    age++;
  }
  return {
    streak,
    verifiedStreak,
    missesInRow,
    consistency: den === 0 ? null : Math.round((1000 * num) / den) / 10,
  };
}

/** Reads a commitment's recent check-ins (the newest 200 that count) and computes its figures. */
export async function statsFor(db: StoreTx, commitmentId: number): Promise<Stats> {
  return computeStats(await db.countedCheckIns(commitmentId));
}

/** How many of the newest counted check-ins the words about consistency describe. */
export const RECENT = 5;

/** What the words about a commitment's consistency are made of (see consistency-words.ts). */
export interface ConsistencyFacts {
  /** The figure, as {@link computeStats} gives it. */
  consistency: number | null;
  /** Check-ins the person answered themselves (kept, partly or missed). */
  answers: number;
  /** Check-ins that count: answered, or closed with no answer. */
  counted: number;
  /** The newest {@link RECENT} counted check-ins, in counts. */
  recent: OutcomeCounts;
}

/** A group of counted check-ins, by what happened to them. */
export interface OutcomeCounts {
  /** How many check-ins the group holds. */
  total: number;
  kept: number;
  partly: number;
  /** Missed by the person's own answer. */
  missed: number;
  /** Closed with no answer. */
  unanswered: number;
  /** Kept or partly answers the witness confirmed. */
  confirmed: number;
  /** Kept or partly answers the witness disputed. */
  disputed: number;
}

/** Counts of nothing yet: the start of every count. */
export function noOutcomes(): OutcomeCounts {
  return { total: 0, kept: 0, partly: 0, missed: 0, unanswered: 0, confirmed: 0, disputed: 0 };
}

/** Counts check-ins by what happened to them; skipped and open ones are left out. */
export function countOutcomes(rows: Pick<CheckInRow, "state" | "answer" | "verdict">[]): OutcomeCounts {
  const n = noOutcomes();
  for (const ci of rows) {
    if (ci.state === "missed") n.unanswered++;
    else if (ci.state !== "answered" || !ci.answer) continue;
    else n[ci.answer]++;
    n.total++;
    if (ci.state === "answered" && ci.answer !== "missed") {
      if (ci.verdict === "confirmed") n.confirmed++;
      if (ci.verdict === "disputed") n.disputed++;
    }
  }
  return n;
}

/** The facts behind the words, from check-ins ordered newest first. */
export function consistencyFacts(
  newestFirst: Pick<CheckInRow, "state" | "answer" | "verdict">[],
): ConsistencyFacts {
  const counted = newestFirst.filter((ci) => ci.state === "missed" || (ci.state === "answered" && ci.answer));
  return {
    consistency: computeStats(counted).consistency,
    answers: counted.filter((ci) => ci.state === "answered").length,
    counted: counted.length,
    recent: countOutcomes(counted.slice(0, RECENT)),
  };
}

/** Reads a commitment's recent check-ins and gathers the facts behind the words. */
export async function consistencyFactsFor(db: StoreTx, commitmentId: number): Promise<ConsistencyFacts> {
  return consistencyFacts(await db.countedCheckIns(commitmentId));
}
