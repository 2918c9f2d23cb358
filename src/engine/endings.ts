/**
 * How a commitment comes to its end: completed when nothing is left to plan or answer, and
 * told honestly and privately (PRODUCT §4): what happened in counts, thanks only when it was
 * kept, and a look back or a new start when most check-ins went unanswered.
 */
import { code, rich } from "../richtext";
import type { CheckInTally, CommitmentRow, StoreTx } from "../store/port";
import type { RichText } from "../types";
import { label } from "./format";
import type { Due } from "./lifecycle";
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { dmOf } from "./recipients";

/** Why a commitment came to its end, for the words that tell it. */
export type EndReason = "end" | "zone" | "paused";

/** Completes an active commitment that has no check-in left to plan and none open; see {@link finishIfDone}. */
export async function completeIfFinished(db: StoreTx, parties: Due, now: number): Promise<boolean> {
  return (await finishIfDone(db, parties, now, "dm")) !== null;
}

/**
 * Completes an active commitment that has no check-in left to plan and none open, and tells
 * its owner privately (a completion is their own news, never the group's): queued to their
 * direct chat when the scheduler finds it (`"dm"`), or handed back for the reply to their own
 * command (`"reply"`). The group fallback of the direct message is a neutral pointer.
 * @returns the words of the ending, or null when the commitment is not finished.
 */
export async function finishIfDone(
  db: StoreTx,
  parties: Due,
  now: number,
  tell: "dm" | "reply",
  reason: EndReason = "end",
): Promise<RichText | null> {
  const c = parties.commitment;
  if (c.state !== "active" || c.nextDueAt !== null || (await db.hasOpenCheckIn(c.id))) return null;
  // A change still waiting out its 24 hours has nothing left to change.
  await db.updateCommitment(c.id, {
    state: "completed",
    pausedUntil: null,
    pendingChange: null,
    pendingChangeAt: null,
    updatedAt: now,
  });
  c.state = "completed";
  await db.appendEvent({ commitmentId: c.id, kind: "completed", data: { reason }, at: now });
  const witness =
    c.witnessStatus === "active" && c.witnessId !== null ? await db.getPerson(c.witnessId) : undefined;
  const text = endingText(c, await db.checkInTally(c.id), witness?.name ?? null, reason);
  if (tell === "dm") {
    await db.enqueue({
      purpose: purpose("completed", c.id),
      to: dmOf(parties.owner, parties.chat),
      message: { text, visibility: "chat" },
      personId: parties.owner.id,
      commitmentId: c.id,
      notBefore: afterQuiet(now, c.zone, quietOf(parties.owner)),
      now,
    });
  }
  await tellWitnessItEnded(db, c, now, "completed");
  return text;
}

/**
 * Tells a commitment's active witness, privately, that it ended (completed, or cancelled once
 * the cancellation waited out its day), and thanks them: there is nothing left for them to do.
 * Queued outside their quiet hours; the group fallback is the neutral pointer. Once per
 * commitment: a commitment ends only once.
 */
export async function tellWitnessItEnded(
  db: StoreTx,
  c: CommitmentRow,
  now: number,
  how: "completed" | "cancelled",
): Promise<void> {
  if (c.witnessStatus !== "active" || c.witnessId === null) return;
  const witness = await db.getPerson(c.witnessId);
  const owner = await db.getPerson(c.ownerId);
  if (!witness || !owner) return;
  const ended = how === "cancelled" ? " is cancelled, as they asked a day ago" : " has come to its end";
  // The answer that ended a one-off may still be theirs to confirm: the request comes with this.
  const last = (await db.checkInsBetween(c.id, 0, now + 1)).at(-1);
  const waiting =
    last?.state === "answered" &&
    (last.answer === "kept" || last.answer === "partly") &&
    last.verdict === null;
  const rest = waiting
    ? "Once you've answered about its last check-in, there's nothing more for you to do."
    : "There's nothing more for you to do.";
  await db.enqueue({
    purpose: purpose("ended", c.id),
    to: dmOf(witness, await db.getChat(c.chatId)),
    message: {
      text: rich(owner.name, "'s ", label(c), `${ended}. Thank you for standing by them. ${rest}`),
      visibility: "chat",
    },
    personId: witness.id,
    commitmentId: c.id,
    notBefore: afterQuiet(now, witness.zone ?? c.zone, quietOf(witness)),
    now,
  });
}

/**
 * An ending told honestly (PRODUCT §4): what happened, in counts; thanks only when most
 * check-ins were kept; and when most went unanswered, a look back or a new start instead.
 * Spoken to the owner in their own chat, so "you".
 */
export function endingText(
  c: Pick<CommitmentRow, "number" | "promise" | "cadence">,
  t: CheckInTally,
  witnessName: string | null,
  reason: EndReason,
): RichText {
  const once = c.cadence.startsWith("once");
  const [lead, before] = {
    zone: [" has no check-in left in your new time zone", ", so it ends here, before any check-in."],
    paused: [" came to its end while paused", ", before any check-in."],
    end: [once ? " is done" : " reached its end date", ""],
  }[reason];
  const history = code(`/history #${c.number}`);
  const fresh = code("/commit");
  if (t.counted === 0) {
    const ended = reason === "end" ? [" ended before any check-in."] : [lead, before];
    return rich(label(c), ended, " ", fresh, " starts a new one whenever you're ready.");
  }
  const by = witnessName ?? "your witness";
  const parts: string[] = [];
  if (t.counted === 1) {
    if (t.kept > 0 || t.partly > 0) parts.push(t.kept > 0 ? "you kept it" : "you partly kept it");
    if (parts.length > 0 && t.confirmed > 0) parts.push(`and ${by} confirmed it`);
  } else {
    if (t.kept > 0) parts.push(`you kept ${t.kept} of ${t.counted}`);
    if (t.partly > 0)
      parts.push(t.kept > 0 ? `partly kept ${t.partly}` : `you partly kept ${t.partly} of ${t.counted}`);
    if (parts.length > 0 && t.confirmed > 0) parts.push(`${by} confirmed ${t.confirmed}`);
  }
  const head = rich(label(c), lead, parts.length > 0 ? `: ${parts.join(", ")}.` : ".");
  // Thanks only for what happened: from half unanswered on, a look back instead.
  if (t.unanswered * 2 >= t.counted) {
    const most =
      t.counted === 1
        ? "Its check-in went unanswered"
        : t.unanswered * 2 === t.counted
          ? "Half of its check-ins went unanswered"
          : "Most of its check-ins went unanswered";
    return rich(
      head,
      ` ${most}. If you'd like a look back, `,
      history,
      " has it; ",
      fresh,
      " starts a new one when you're ready.",
    );
  }
  if (t.kept * 2 >= t.counted) return rich(head, " Thank you for seeing it through.");
  return rich(head, " ", history, " shows how it went, if you'd like a look back.");
}
