/**
 * The words of scheduled messages (prompts, reminders, witness requests, alerts, digests).
 * Short, warm, never shaming: a miss is never announced to the group.
 */
import { encodeAction } from "../actions";
import { formatLocal } from "../cadence";
import { bold, italic, mention, type Part, rich } from "../richtext";
import type { CheckInRow, CommitmentRow, PersonRow } from "../store/schema";
import type { Button, Platform, Reply, Span } from "../types";

/** A mention of a person the core chose to name. */
export function who(p: PersonRow): Span {
  return mention(p.platform as Platform, p.externalId, p.name);
}

const chatReply = (text: Part, buttons?: Button[][]): Reply => ({
  text: rich(text),
  visibility: "chat",
  ...(buttons ? { buttons } : {}),
});

/** The answer buttons under a prompt or reminder. */
export function answerButtons(checkInId: number): Button[][] {
  return [
    [
      { label: "Kept", action: encodeAction("ans", checkInId, "k"), style: "success" },
      { label: "Partly", action: encodeAction("ans", checkInId, "p"), style: "primary" },
      { label: "Missed", action: encodeAction("ans", checkInId, "m"), style: "secondary" },
      { label: "Snooze 1h", action: encodeAction("snz", checkInId), style: "secondary" },
    ],
  ];
}

/** The check-in prompt. */
export function promptMessage(c: CommitmentRow, owner: PersonRow, ci: CheckInRow): Reply {
  const streak = c.streak > 0 ? ` Streak so far: ${c.streak}.` : "";
  return chatReply(
    [
      who(owner),
      ", time to check in on ",
      bold(`#${c.number}`),
      " ",
      italic(c.promise),
      `. How did it go?${streak}`,
    ],
    answerButtons(ci.id),
  );
}

/** The one reminder, halfway through an unanswered window. */
export function reminderMessage(c: CommitmentRow, owner: PersonRow, ci: CheckInRow): Reply {
  return chatReply(
    [
      who(owner),
      ", a gentle reminder: ",
      bold(`#${c.number}`),
      " ",
      italic(c.promise),
      ` is still open until ${formatLocal(ci.windowEnd, c.zone)}.`,
    ],
    answerButtons(ci.id),
  );
}

const ANSWER_WORD = { kept: "kept", partly: "partly kept", missed: "missed" } as const;

/** A private prompt or reminder as the group may see it: the number and the buttons, not the promise. */
export function privateCheckInFallback(c: CommitmentRow, ci: CheckInRow, reminder: boolean): Reply {
  const what = reminder
    ? `a reminder: your private check-in on #${c.number} is still open`
    : `time to check in on #${c.number}`;
  return chatReply(
    [
      `${what} (${formatLocal(ci.dueAt, c.zone)}). How did it go? Open a direct chat with me to see the details.`,
    ],
    answerButtons(ci.id),
  );
}

/** The witness's question as the group may see it: no partly, no note. */
export function verifyFallback(c: CommitmentRow, owner: PersonRow, ci: CheckInRow): Reply {
  return chatReply(
    [
      owner.name,
      " checked in on ",
      bold(`#${c.number}`),
      ` (${formatLocal(ci.dueAt, c.zone)}). Does that match what you've seen?`,
    ],
    verifyRequest(c, owner, ci).buttons,
  );
}

/** Asks the witness whether a kept or partly answer matches what they saw. */
export function verifyRequest(c: CommitmentRow, owner: PersonRow, ci: CheckInRow): Reply {
  const note = ci.note ? [" Their note: ", italic(ci.note), "."] : "";
  return chatReply(
    [
      owner.name,
      ` says they ${ANSWER_WORD[ci.answer ?? "kept"]} `,
      bold(`#${c.number}`),
      " ",
      italic(c.promise),
      ` (${formatLocal(ci.dueAt, c.zone)}).`,
      note,
      " Does that match what you've seen?",
    ],
    [
      [
        { label: "Confirm", action: encodeAction("vfy", ci.id, "c"), style: "success" },
        { label: "Dispute", action: encodeAction("vfy", ci.id, "d"), style: "danger" },
        { label: "Not sure", action: encodeAction("vfy", ci.id, "u"), style: "secondary" },
      ],
    ],
  );
}

/** Tells the owner what the witness said. */
export function verdictNotice(
  c: CommitmentRow,
  witness: PersonRow,
  verdict: "confirmed" | "disputed" | "unsure",
  verifiedStreak: number,
): Reply {
  const tail =
    verdict === "confirmed"
      ? ` Verified streak: ${verifiedStreak}.`
      : verdict === "disputed"
        ? " It may be worth talking it through with them."
        : " Nothing changes; it stays as you answered.";
  const verb = verdict === "unsure" ? "wasn't sure about" : verdict;
  return chatReply([
    witness.name,
    ` ${verb} your check-in on `,
    bold(`#${c.number}`),
    " ",
    italic(c.promise),
    `.${tail}`,
  ]);
}

/** The gentle alert after two misses in a row. */
export function missAlert(c: CommitmentRow, owner: PersonRow): Reply {
  return chatReply([
    owner.name,
    " has missed the last two check-ins on ",
    bold(`#${c.number}`),
    " ",
    italic(c.promise),
    ". A kind word may help more than a reminder.",
  ]);
}

/** The button a witness uses to step down. */
export function stepDownButton(c: CommitmentRow, ownerName: string): Button {
  return {
    label: `Step down from ${ownerName} #${c.number}`.slice(0, 60),
    action: encodeAction("wsd", c.id),
  };
}
