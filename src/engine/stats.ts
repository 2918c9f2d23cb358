/**
 * Streaks and the trust meter, derived from a commitment's check-ins and cached on the
 * commitment for /status. Deriving them each time (from the last 200 check-ins, one indexed
 * query) keeps them right after verdicts arrive late or answers change.
 *
 * - Streak: consecutive kept check-ins, newest first; partly neither extends nor breaks it;
 *   a miss (answered or unanswered) or a disputed check-in breaks it; skipped ones don't count.
 * - Verified streak: the same, counting only kept check-ins the witness confirmed; a kept
 *   check-in still waiting for (or unsure of) a verdict neither extends nor breaks it.
 * - Trust meter (0–100): an exponentially weighted average of the answers, kept 1, partly 0.5,
 *   missed 0, where a disputed check-in counts as missed and a confirmed one weighs double.
 *   Each older answer weighs 0.8 times the next newer one, so a lapse fades over a handful of
 *   kept check-ins: trust = 100 · Σ wᵢ·0.8^ageᵢ·sᵢ / Σ wᵢ·0.8^ageᵢ (age 0 = newest).
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../store/db";
import { type CheckInRow, checkIns } from "../store/schema";

/** How much an answer's weight shrinks per newer answer. */
export const CONSISTENCY_DECAY = 0.8;
const WINDOW = 200;

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

/** Computes the figures from check-ins ordered newest first. */
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

/** Reads a commitment's recent check-ins and computes its figures. */
export function statsFor(db: Db, commitmentId: number): Stats {
  const rows = db
    .select({ state: checkIns.state, answer: checkIns.answer, verdict: checkIns.verdict })
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), inArray(checkIns.state, ["answered", "missed"])))
    .orderBy(desc(checkIns.dueAt))
    .limit(WINDOW)
    .all();
  return computeStats(rows);
}
