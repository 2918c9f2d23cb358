/**
 * Opening a batch of due check-ins set-wise. In a burst (thousands of check-ins due in the same
 * minute) almost every one is the plain case: due just now, its window open, no other commitment
 * of its owner falling due with it. For those the batch reads what it needs in two statements
 * (the owners' commitments due soon, the commitments' recent closings), decides in pure code, and
 * writes in three (due times moved on, check-ins, prompts): a handful of statements for the whole
 * batch instead of several per check-in, each a round trip on PostgreSQL.
 *
 * Everything else (catch-up after downtime, a window already over, quiet hours longer than the
 * window, prompts that go together with another commitment's), and whatever shares an owner or a
 * chat with it, goes back to the caller, which opens it with {@link openDue} one at a time. What is written is what {@link openDue} would
 * write for the same commitment; tests/tick.batch.test.ts compares the two.
 */
import type { CommitmentRow, NewMessage, StoreTx } from "../store/port";
import { catchUp, windowEnd } from "./catchup";
import { completeIfFinished } from "./endings";
import { type Due, LATE_CLOSE_MS, MAX_WINDOW_MS, recipientOf, reminderTime, TOGETHER_MS } from "./lifecycle";
import { placeOf, privateCheckInFallback, promptItem, promptMessage } from "./messages";
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { SILENT_AFTER, unansweredIn } from "./silence";

/** What a batch opened, and the due commitments it left to be opened one at a time. */
export interface BatchOpened {
  opened: number;
  completed: number;
  rest: Due[];
}

/** A plain case, decided. */
interface Plain {
  due: Due;
  first: number;
  latest: number;
  next: number | null;
  windowEnd: number;
  promptAt: number;
}

/**
 * Opens the plain cases among `dues` set-wise (see the file comment) and returns the others, in
 * their order, for {@link openDue}. Runs inside the caller's transaction.
 */
export async function openDueBatch(db: StoreTx, dues: readonly Due[], now: number): Promise<BatchOpened> {
  const out: BatchOpened = { opened: 0, completed: 0, rest: [] };
  const owners = [...new Set(dues.map((d) => d.owner.id))];
  // An owner with another commitment about to fall due gets prompts that go together: openDue.
  const together = await db.ownersDueSoon(owners, now, now + TOGETHER_MS);
  const decided = dues.map((due) => (together.has(due.owner.id) ? null : decide(due, now)));
  // The dispatcher sends each chat's messages in the order they were written. So that a chat
  // reads as it would have with every check-in opened in turn, a due sharing an owner (their
  // direct chat) or a chat with one opened in turn is opened in turn too: the set-wise ones then
  // write nothing any of those chats sees.
  const turnOwners = new Set<number>();
  const turnChats = new Set<number>();
  for (let grew = true; grew; ) {
    grew = false;
    dues.forEach((due, i) => {
      if (decided[i] && !turnOwners.has(due.owner.id) && !turnChats.has(due.chat.id)) return;
      decided[i] = null;
      if (turnOwners.has(due.owner.id) && turnChats.has(due.chat.id)) return;
      turnOwners.add(due.owner.id);
      turnChats.add(due.chat.id);
      grew = true;
    });
  }
  const plain: Plain[] = [];
  dues.forEach((due, i) => {
    const d = decided[i];
    if (d) plain.push(d);
    else out.rest.push(due);
  });
  if (plain.length === 0) return out;

  const moved = new Set(
    await db.advanceDueMany(
      plain.map((p) => ({ id: p.due.commitment.id, expected: p.first, next: p.next })),
      now,
    ),
  );
  // One another process advanced first is theirs to open.
  const mine = plain.filter((p) => moved.has(p.due.commitment.id));
  // As in openDue: the window before this one closes in this same tick, after this one opens.
  const closings = await db.recentClosingsOf(
    mine.map((p) => p.due.commitment.id),
    { asOf: now, lateFrom: now - LATE_CLOSE_MS, limit: SILENT_AFTER + 1 },
  );
  const silent = (c: CommitmentRow) => unansweredIn(closings.get(c.id) ?? []) >= SILENT_AFTER;
  const inserted = await db.insertCheckIns(
    mine.map(({ due: { commitment: c, owner }, latest, windowEnd: end, promptAt }) => ({
      commitmentId: c.id,
      dueAt: latest,
      windowEnd: end,
      remindAt: silent(c) ? null : reminderTime(c, owner, promptAt, end, undefined),
      state: "pending" as const,
      createdAt: now,
    })),
  );
  const checkIns = new Map(inserted.map((ci) => [ci.commitmentId, ci]));
  const prompts: NewMessage[] = [];
  for (const p of mine) {
    const { commitment: c, owner, chat } = p.due;
    const ci = checkIns.get(c.id);
    if (!ci) {
      // Its check-in was there already; if that was the last occurrence, nothing is left to wait on.
      if (
        p.next === null &&
        (await completeIfFinished(db, { ...p.due, commitment: { ...c, nextDueAt: null } }, now))
      )
        out.completed++;
      continue;
    }
    const to = recipientOf(c, owner, chat, silent(c), () => privateCheckInFallback(c, ci, false, now));
    prompts.push({
      purpose: purpose("prompt", ci.id),
      to,
      message: promptMessage(c, owner, ci, placeOf(to)),
      personId: owner.id,
      commitmentId: c.id,
      notBefore: p.promptAt,
      now,
      bundle: promptItem(c, owner, to),
    });
    out.opened++;
  }
  await db.enqueueMany(prompts);
  return out;
}

/** The plain case's times, or null when `due` is not one. */
function decide(due: Due, now: number): Plain | null {
  const c = due.commitment;
  const first = c.nextDueAt;
  if (first === null) return null;
  const { latest, before, next } = catchUp(c, first, now);
  // Catch-up (an occurrence to record skipped), or a next occurrence soon enough that the owner's
  // next check-ins open together with it.
  if (before !== null || (next !== null && next <= now + TOGETHER_MS)) return null;
  const end = windowEnd(latest, next, MAX_WINDOW_MS);
  if (now >= end) return null;
  const promptAt = afterQuiet(Math.max(latest, now), c.zone, quietOf(due.owner));
  if (promptAt >= end) return null;
  return { due, first, latest, next, windowEnd: end, promptAt };
}
