/**
 * The life of a check-in: opened when due (with catch-up after downtime), reminded once,
 * answered or closed as missed; and what follows for the commitment (streaks, the graduated
 * ladder, the witness, completion). Each function runs inside the caller's transaction and
 * writes its messages to the outbox in it.
 */
import { GRADUATED_PHASES, localDate } from "../cadence";
import type { CadenceState, ChatRow, CheckInRow, CommitmentRow, PersonRow, StoreTx } from "../store/port";
import type { Recipient, Reply } from "../types";
import { catchUp, recordSkipped, windowEnd } from "./catchup";
import { completeIfFinished } from "./endings";
import {
  missAlert,
  placeOf,
  privateCheckInFallback,
  promptItem,
  promptMessage,
  reminderItem,
  reminderMessage,
  verifyFallback,
  verifyRequest,
} from "./messages";
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { bundleKey, checkInRecipient, dmOf } from "./recipients";
import { planNext } from "./schedule";
import { askAboutSilence, isSilent, missRun } from "./silence";
import { statsFor } from "./stats";

/** A check-in's window stays open until the next check-in or this long, whichever is first. */
export const MAX_WINDOW_MS = 24 * 3_600_000;
/**
 * An owner's other commitments falling due this soon after one that opens, with prompts for the
 * same chat, open with it: their prompts go out at the same moment and arrive as one message.
 */
export const TOGETHER_MS = 10 * 60_000;

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

/** A check-in opened early, with another one of the same person's that opens now. */
interface Together {
  /** The first one's prompt time: this prompt goes out with it. */
  notBefore: number;
  /** The first one's reminder time, used when it falls in this window too, so they go together. */
  remindAt: number | null;
}

/**
 * Opens the check-in a due commitment owes, with catch-up: of all occurrences up to `now`
 * only the latest gets a prompt, and only while its window is still open; earlier ones are
 * recorded as one skipped range (they never break a streak), found by jumping with the cadence
 * maths rather than walking them (./catchup.ts). The commitment's next due time moves on by
 * compare-and-set, so two ticks at once open each check-in once.
 *
 * The owner's other active commitments falling due within {@link TOGETHER_MS}, whose prompts go
 * to the same chat, are opened with it (`together`): each check-in keeps its own due time and
 * window, but its prompt goes out with this one's, and its reminder with this one's when it can.
 * A silent commitment (see ./silence) is prompted in the owner's direct chat, with no reminder.
 */
export async function openDue(db: StoreTx, due: Due, now: number, together?: Together): Promise<OpenResult> {
  const { commitment: c, owner, chat } = due;
  const first = c.nextDueAt;
  if (first === null) return { opened: 0, skipped: 0, lost: true, completed: false };
  // Jumps to the latest occurrence due by now: a year down costs what a day down does.
  const { latest, before, next } = catchUp(c, first, now);
  if (!(await db.advanceDue(c.id, first, next, now)))
    return { opened: 0, skipped: 0, lost: true, completed: false };

  const latestEnd = windowEnd(latest, next, MAX_WINDOW_MS);
  const open = now < latestEnd;
  // Every occurrence before the one prompted (or all of them, when its window has closed too)
  // becomes one skipped range.
  const through = open ? before : latest;
  const skipped =
    through === null
      ? 0
      : await recordSkipped(db, c, { first, through, following: open ? latest : next }, MAX_WINDOW_MS, now);
  if (!open) {
    // Every occurrence passed while we were down; if none is left, the commitment is done.
    const completed = await completeIfFinished(db, { ...due, commitment: { ...c, nextDueAt: next } }, now);
    return { opened: 0, skipped, lost: false, completed };
  }

  const quiet = quietOf(owner);
  const promptAt = together?.notBefore ?? afterQuiet(Math.max(latest, now), c.zone, quiet);
  // Quiet hours that outlast the whole window would deliver a prompt for a closed check-in:
  // record it skipped instead (it does not count against anyone).
  const state = promptAt < latestEnd ? "pending" : "skipped";
  // The window before this one closes in this same tick (or, opened early, at this one's due
  // time), after this opens: its ending already counts.
  const silent = await isSilent(db, c.id, Math.max(now, latest), now - LATE_CLOSE_MS);
  const ci = await db.insertCheckIn({
    commitmentId: c.id,
    dueAt: latest,
    windowEnd: latestEnd,
    remindAt: state === "pending" && !silent ? reminderTime(c, owner, promptAt, latestEnd, together) : null,
    state,
    createdAt: now,
  });
  if (!ci || state === "skipped") {
    // Nothing opened: if that was the last occurrence, the commitment has nothing to wait on.
    const completed =
      next === null && (await completeIfFinished(db, { ...due, commitment: { ...c, nextDueAt: next } }, now));
    return { opened: 0, skipped: skipped + (ci ? 1 : 0), lost: false, completed };
  }
  const to = recipientOf(c, owner, chat, silent, () => privateCheckInFallback(c, ci, false, now));
  await db.enqueue({
    purpose: purpose("prompt", ci.id),
    to,
    message: promptMessage(c, owner, ci, placeOf(to)),
    personId: owner.id,
    commitmentId: c.id,
    notBefore: promptAt,
    now,
    bundle: promptItem(c, owner, to),
  });
  const result = { opened: 1, skipped, lost: false, completed: false };
  if (!together)
    await openTogether(
      db,
      due,
      bundleKey(owner, to),
      { notBefore: promptAt, remindAt: ci.remindAt },
      now,
      result,
    );
  return result;
}

/**
 * Where a check-in's prompt or reminder goes ({@link checkInRecipient}). The group's version of
 * a private one (`fallback`) is written only when the message has a group to fall back to: most
 * have none, and writing it every time (a date in the owner's zone, the buttons) was about a
 * tenth of what opening a check-in cost.
 */
export function recipientOf(
  c: CommitmentRow,
  owner: PersonRow,
  chat: ChatRow,
  silent: boolean,
  fallback: () => Reply,
): Recipient {
  const to = checkInRecipient(c, owner, chat, silent);
  return to.fallbackChatId === undefined ? to : checkInRecipient(c, owner, chat, silent, fallback());
}

/**
 * When the reminder goes: halfway through what is left of the window once the prompt is out,
 * out of quiet hours, or with the first check-in's reminder when this one opened with it and
 * that time falls in this window; null when no time is left before the window closes.
 */
export function reminderTime(
  c: CommitmentRow,
  owner: PersonRow,
  promptAt: number,
  windowEnd: number,
  together: Together | undefined,
): number | null {
  const shared = together?.remindAt ?? null;
  if (shared !== null && shared > promptAt && shared < windowEnd) return shared;
  const halfway = afterQuiet(promptAt + Math.floor((windowEnd - promptAt) / 2), c.zone, quietOf(owner));
  return halfway < windowEnd ? halfway : null;
}

/** Opens, with `due`, the owner's other commitments due soon whose prompts go to the same chat. */
async function openTogether(
  db: StoreTx,
  due: Due,
  key: string,
  together: Together,
  now: number,
  result: OpenResult,
) {
  for (const other of await db.dueSoonOf(due.owner.id, now, now + TOGETHER_MS)) {
    const c = other.commitment;
    if (c.id === due.commitment.id || c.nextDueAt === null) continue;
    const silent = await isSilent(db, c.id, c.nextDueAt, now - LATE_CLOSE_MS);
    if (bundleKey(other.owner, checkInRecipient(c, other.owner, other.chat, silent)) !== key) continue;
    const r = await openDue(db, other, now, together);
    result.opened += r.opened;
    result.skipped += r.skipped;
  }
}

/**
 * Sends the one reminder of an open check-in (quiet hours were applied when it was planned).
 * A window gets one reminder on the bot's own account; a snooze the person asks for moves it, or,
 * once it went out, asks for one more at the time they chose.
 */
export async function remind(db: StoreTx, ci: CheckInRow, now: number): Promise<boolean> {
  if (ci.windowEnd <= now || !(await db.updateCheckIn(ci.id, "pending", { remindAt: null }))) {
    await db.updateCheckIn(ci.id, null, { remindAt: null });
    return false;
  }
  const parties = await db.commitmentWithParties(ci.commitmentId);
  if (!parties || parties.commitment.state === "cancelled") return false;
  const { commitment: c, owner, chat } = parties;
  // A silent commitment plans no reminder; one asked for with a snooze goes to the direct chat.
  const silent = await isSilent(db, c.id, now, now - LATE_CLOSE_MS);
  const to = recipientOf(c, owner, chat, silent, () => privateCheckInFallback(c, ci, true, now));
  return await db.enqueue({
    // Keyed by its time too: a snooze the person asks for after the reminder went out is honoured.
    purpose: purpose("remind", ci.id, String(ci.remindAt)),
    to,
    message: reminderMessage(c, owner, ci, placeOf(to), now),
    personId: owner.id,
    commitmentId: c.id,
    notBefore: now,
    now,
    bundle: reminderItem(c, owner, ci, to, now),
  });
}

/** A window the tick closes this much after its end closed while the bot was down. */
export const LATE_CLOSE_MS = 5 * 60_000;

/**
 * Closes an unanswered window as missed (nothing is said in the group), or as skipped when it
 * ended while the bot was down: the person may have tried to answer and found nobody there.
 * Its prompt or reminder still waiting in the outbox is dropped: they would ask about a closed
 * check-in. The second window in a row closing with no answer brings the owner's private
 * question (see ./silence).
 * @returns null when the check-in was no longer open.
 */
export async function closeWindow(
  db: StoreTx,
  ci: CheckInRow,
  now: number,
): Promise<{ state: "missed" | "skipped"; completed: boolean } | null> {
  const state = now - ci.windowEnd > LATE_CLOSE_MS ? "skipped" : "missed";
  if (!(await db.updateCheckIn(ci.id, "pending", { state, remindAt: null }))) return null;
  await db.dropUnsent(ci.id, now);
  const parties = await db.commitmentWithParties(ci.commitmentId);
  if (!parties) return { state, completed: false };
  if (state === "skipped") return { state, completed: await completeIfFinished(db, parties, now) };
  const completed = await afterOutcome(db, parties, ci, "missed", now);
  if (!completed) await askAboutSilence(db, parties, ci, now, now - LATE_CLOSE_MS);
  return { state, completed };
}

/** Records the owner's answer to an open check-in; false when it was no longer open. */
export async function recordAnswer(
  db: StoreTx,
  parties: Due,
  ci: CheckInRow,
  answer: "kept" | "partly" | "missed",
  note: string | null,
  now: number,
): Promise<boolean> {
  const ok = await db.updateCheckIn(ci.id, "pending", {
    state: "answered",
    answer,
    note,
    answeredAt: now,
    remindAt: null,
  });
  if (!ok) return false;
  await db.dropUnsent(ci.id, now);
  // The silence is over: a question about it still waiting (quiet hours) would ask too late.
  await db.dropUnsentQuestion(parties.commitment.id, now);
  await db.appendEvent({
    commitmentId: parties.commitment.id,
    actorId: parties.owner.id,
    kind: "answered",
    data: { checkIn: ci.id, answer },
    at: now,
  });
  const answered = { ...ci, state: "answered" as const, answer, note, answeredAt: now };
  await afterOutcome(db, parties, answered, answer, now);
  const c = parties.commitment;
  if (answer !== "missed" && c.witnessStatus === "active" && c.witnessId !== null) {
    const witness = await db.getPerson(c.witnessId);
    if (witness) {
      await db.enqueue({
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
 * witness on the second miss in a row (said by the owner or a window that closed with no answer;
 * a disputed answer is no miss here: the witness disputed it themselves), and complete the
 * commitment if this was its last check-in.
 */
async function afterOutcome(
  db: StoreTx,
  parties: Due,
  ci: CheckInRow,
  outcome: "kept" | "partly" | "missed",
  now: number,
) {
  const c = parties.commitment;
  const stats = await statsFor(db, c.id);
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
    await db.appendEvent({
      commitmentId: c.id,
      kind: "phase",
      data: { phase: state.cadenceState.phase },
      at: now,
    });
  }
  await db.updateCommitment(c.id, { ...patch, updatedAt: now });
  Object.assign(c, patch);

  const misses =
    outcome === "missed" && c.witnessAlerts && c.witnessStatus === "active" ? await missRun(db, c.id) : [];
  const [latest, before] = misses;
  if (misses.length === 2 && latest && before) {
    const witness = c.witnessId === null ? undefined : await db.getPerson(c.witnessId);
    if (witness) {
      await db.enqueue({
        purpose: purpose("alert", ci.id),
        // No group fallback: an alert names a miss, and a miss is never announced in the group.
        to: dmOf(witness),
        message: missAlert(c, parties.owner, latest, before),
        personId: witness.id,
        commitmentId: c.id,
        notBefore: afterQuiet(now, witness.zone ?? c.zone, quietOf(witness)),
        now,
      });
    }
  }
  return await completeIfFinished(db, parties, now);
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
