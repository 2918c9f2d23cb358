/**
 * The life of a check-in: opened when due (with catch-up after downtime), reminded once,
 * answered or closed as missed; and what follows for the commitment (streaks, the graduated
 * ladder, the witness, completion). Each function runs inside the caller's transaction and
 * writes its messages to the outbox in it.
 */
import { GRADUATED_PHASES, localDate } from "../cadence";
import {
  advanceDue,
  commitmentWithParties,
  hasOpenCheckIn,
  insertCheckIn,
  updateCheckIn,
} from "../store/checkins";
import { updateCommitment } from "../store/commitments";
import type { Db } from "../store/db";
import { appendEvent } from "../store/events";
import { dropUnsent, enqueue } from "../store/outbox";
import { getPerson } from "../store/people";
import type { CadenceState, ChatRow, CheckInRow, CommitmentRow, PersonRow } from "../store/schema";
import { completeIfFinished } from "./endings";
import {
  missAlert,
  privateCheckInFallback,
  promptMessage,
  reminderMessage,
  verifyFallback,
  verifyRequest,
} from "./messages";
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { dmOf, promptRecipient } from "./recipients";
import { planNext } from "./schedule";
import { statsFor } from "./stats";

/** A check-in's window stays open until the next check-in or this long, whichever is first. */
export const MAX_WINDOW_MS = 24 * 3_600_000;
/** After downtime, at most this many missed occurrences are recorded `skipped` per commitment. */
const MAX_SKIPPED = 100;

/** A due commitment with the people and chat its messages need. */
export interface Due {
  commitment: CommitmentRow;
  owner: PersonRow;
  chat: ChatRow;
}

/** What opening one due commitment did. */
export interface OpenResult {
  opened: number;
  skipped: number;
  /** Another process advanced this commitment first: nothing was written. */
  lost: boolean;
  /** The commitment completed (catch-up found no occurrence left). */
  completed: boolean;
}

/**
 * Opens the check-in a due commitment owes, with catch-up: of all occurrences up to `now`
 * only the latest gets a prompt, and only while its window is still open; earlier ones are
 * recorded `skipped` (they never break a streak). The commitment's next due time moves on by
 * compare-and-set, so two ticks at once open each check-in once.
 */
export function openDue(db: Db, due: Due, now: number): OpenResult {
  const { commitment: c, owner, chat } = due;
  const first = c.nextDueAt;
  if (first === null) return { opened: 0, skipped: 0, lost: true, completed: false };
  const occurrences = [first];
  let next = planNext(c, first);
  while (next !== null && next <= now) {
    occurrences.push(next);
    if (occurrences.length > MAX_SKIPPED + 1) occurrences.shift();
    next = planNext(c, next);
  }
  if (!advanceDue(db, c.id, first, next, now)) return { opened: 0, skipped: 0, lost: true, completed: false };

  const latest = occurrences[occurrences.length - 1] ?? first;
  const windowEnd = (at: number, following: number | null) =>
    Math.min(following ?? Infinity, at + MAX_WINDOW_MS);
  const latestEnd = windowEnd(latest, next);
  let skipped = 0;
  for (let i = 0; i < occurrences.length; i++) {
    const at = occurrences[i] ?? first;
    if (at === latest && now < latestEnd) continue;
    const row = insertCheckIn(db, {
      commitmentId: c.id,
      dueAt: at,
      windowEnd: windowEnd(at, occurrences[i + 1] ?? next),
      state: "skipped",
      createdAt: now,
    });
    if (row) skipped++;
  }
  if (skipped > 0) {
    appendEvent(db, { commitmentId: c.id, kind: "skipped", data: { count: skipped }, at: now });
  }
  if (now >= latestEnd) {
    // Every occurrence passed while we were down; if none is left, the commitment is done.
    const completed = completeIfFinished(db, { ...due, commitment: { ...c, nextDueAt: next } }, now);
    return { opened: 0, skipped, lost: false, completed };
  }

  const quiet = quietOf(owner);
  const promptAt = afterQuiet(Math.max(latest, now), c.zone, quiet);
  // Quiet hours that outlast the whole window would deliver a prompt for a closed check-in:
  // record it skipped instead (it does not count against anyone).
  const state = promptAt < latestEnd ? "pending" : "skipped";
  // The reminder goes halfway through what is left of the window once the prompt is out.
  const halfway = afterQuiet(promptAt + Math.floor((latestEnd - promptAt) / 2), c.zone, quiet);
  const ci = insertCheckIn(db, {
    commitmentId: c.id,
    dueAt: latest,
    windowEnd: latestEnd,
    remindAt: state === "pending" && halfway < latestEnd ? halfway : null,
    state,
    createdAt: now,
  });
  if (!ci || state === "skipped") {
    // Nothing opened: if that was the last occurrence, the commitment has nothing to wait on.
    const completed =
      next === null && completeIfFinished(db, { ...due, commitment: { ...c, nextDueAt: next } }, now);
    return { opened: 0, skipped: skipped + (ci ? 1 : 0), lost: false, completed };
  }
  enqueue(db, {
    purpose: purpose("prompt", ci.id),
    to: promptRecipient(c, owner, chat, privateCheckInFallback(c, ci, false)),
    message: promptMessage(c, owner, ci),
    personId: owner.id,
    commitmentId: c.id,
    notBefore: promptAt,
    now,
  });
  return { opened: 1, skipped, lost: false, completed: false };
}

/** Sends the one reminder of an open check-in (quiet hours were applied when it was planned). */
export function remind(db: Db, ci: CheckInRow, now: number): boolean {
  if (ci.windowEnd <= now || !updateCheckIn(db, ci.id, "pending", { remindAt: null })) {
    updateCheckIn(db, ci.id, null, { remindAt: null });
    return false;
  }
  const parties = commitmentWithParties(db, ci.commitmentId);
  if (!parties || parties.commitment.state === "cancelled") return false;
  const { commitment: c, owner, chat } = parties;
  return enqueue(db, {
    // Keyed by its time too: a snoozed check-in may be reminded again.
    purpose: purpose("remind", ci.id, String(ci.remindAt)),
    to: promptRecipient(c, owner, chat, privateCheckInFallback(c, ci, true)),
    message: reminderMessage(c, owner, ci),
    personId: owner.id,
    commitmentId: c.id,
    notBefore: now,
    now,
  });
}

/** A window the tick closes this much after its end closed while the bot was down. */
export const LATE_CLOSE_MS = 5 * 60_000;

/**
 * Closes an unanswered window as missed (nothing is said in the group), or as skipped when it
 * ended while the bot was down: the person may have tried to answer and found nobody there.
 * Its prompt or reminder still waiting in the outbox is dropped: they would ask about a closed
 * check-in.
 * @returns null when the check-in was no longer open.
 */
export function closeWindow(
  db: Db,
  ci: CheckInRow,
  now: number,
): { state: "missed" | "skipped"; completed: boolean } | null {
  const state = now - ci.windowEnd > LATE_CLOSE_MS ? "skipped" : "missed";
  if (!updateCheckIn(db, ci.id, "pending", { state, remindAt: null })) return null;
  dropUnsent(db, ci.id, now);
  const parties = commitmentWithParties(db, ci.commitmentId);
  if (!parties) return { state, completed: false };
  if (state === "skipped") return { state, completed: completeIfFinished(db, parties, now) };
  return { state, completed: afterOutcome(db, parties, ci, "missed", now) };
}

/** Records the owner's answer to an open check-in; false when it was no longer open. */
export function recordAnswer(
  db: Db,
  parties: Due,
  ci: CheckInRow,
  answer: "kept" | "partly" | "missed",
  note: string | null,
  now: number,
): boolean {
  const ok = updateCheckIn(db, ci.id, "pending", {
    state: "answered",
    answer,
    note,
    answeredAt: now,
    remindAt: null,
  });
  if (!ok) return false;
  dropUnsent(db, ci.id, now);
  appendEvent(db, {
    commitmentId: parties.commitment.id,
    actorId: parties.owner.id,
    kind: "answered",
    data: { checkIn: ci.id, answer },
    at: now,
  });
  const answered = { ...ci, state: "answered" as const, answer, note, answeredAt: now };
  afterOutcome(db, parties, answered, answer, now);
  const c = parties.commitment;
  if (answer !== "missed" && c.witnessStatus === "active" && c.witnessId !== null) {
    const witness = getPerson(db, c.witnessId);
    if (witness) {
      enqueue(db, {
        purpose: purpose("verify", ci.id),
        to: dmOf(witness, parties.chat, verifyFallback(c, parties.owner, answered)),
        message: verifyRequest(c, parties.owner, answered),
        personId: witness.id,
        commitmentId: c.id,
        // A reply to the owner's own action goes at once, like a message from a friend would;
        // quiet hours hold back only what the scheduler sends on its own.
        notBefore: now,
        now,
      });
    }
  }
  return true;
}

/**
 * After an answer or a miss: refresh the cached figures, move the graduated ladder, alert the
 * witness on the second miss in a row, and complete the commitment if this was its last check-in.
 */
function afterOutcome(
  db: Db,
  parties: Due,
  ci: CheckInRow,
  outcome: "kept" | "partly" | "missed",
  now: number,
) {
  const c = parties.commitment;
  const stats = statsFor(db, c.id);
  const state = stepLadder(c, outcome);
  const patch: Partial<CommitmentRow> = {
    streak: stats.streak,
    verifiedStreak: stats.verifiedStreak,
    consistency: stats.consistency,
    cadenceState: state.cadenceState,
  };
  if (state.phaseChanged && c.state === "active" && c.nextDueAt !== null) {
    // The ladder moved: count the new phase from this check-in's day.
    const moved = { ...c, cadenceState: state.cadenceState, anchor: localDate(ci.dueAt, c.zone) };
    patch.anchor = moved.anchor;
    patch.nextDueAt = planNext(moved, Math.max(now, ci.dueAt));
    appendEvent(db, {
      commitmentId: c.id,
      kind: "phase",
      data: { phase: state.cadenceState.phase },
      at: now,
    });
  }
  updateCommitment(db, c.id, { ...patch, updatedAt: now });
  Object.assign(c, patch);

  if (outcome === "missed" && stats.missesInRow === 2 && c.witnessAlerts && c.witnessStatus === "active") {
    const witness = c.witnessId === null ? undefined : getPerson(db, c.witnessId);
    if (witness) {
      enqueue(db, {
        purpose: purpose("alert", ci.id),
        // No group fallback: an alert names a miss, and a miss is never announced in the group.
        to: dmOf(witness),
        message: missAlert(c, parties.owner),
        personId: witness.id,
        commitmentId: c.id,
        notBefore: afterQuiet(now, witness.zone ?? c.zone, quietOf(witness)),
        now,
      });
    }
  }
  return completeIfFinished(db, parties, now);
}

/** Graduated cadences: a full phase kept moves forward, two misses in a row move back. */
function stepLadder(
  c: CommitmentRow,
  outcome: "kept" | "partly" | "missed",
): { cadenceState: CadenceState; phaseChanged: boolean } {
  const s = { ...c.cadenceState };
  if (!c.cadence.startsWith("graduated")) {
    s.missesInRow = outcome === "missed" ? s.missesInRow + 1 : 0;
    return { cadenceState: s, phaseChanged: false };
  }
  const last = GRADUATED_PHASES.length - 1;
  if (outcome === "kept") {
    s.missesInRow = 0;
    s.keptInPhase += 1;
    const needed = GRADUATED_PHASES[s.phase]?.checkIns ?? Infinity;
    if (s.keptInPhase >= needed && s.phase < last)
      return { cadenceState: { ...s, phase: s.phase + 1, keptInPhase: 0 }, phaseChanged: true };
  } else if (outcome === "partly") {
    s.missesInRow = 0;
  } else {
    s.missesInRow += 1;
    s.keptInPhase = 0;
    if (s.missesInRow >= 2) {
      const phase = Math.max(0, s.phase - 1);
      return { cadenceState: { phase, keptInPhase: 0, missesInRow: 0 }, phaseChanged: phase !== s.phase };
    }
  }
  return { cadenceState: s, phaseChanged: false };
}
