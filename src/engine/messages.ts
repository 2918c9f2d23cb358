/**
 * The words of scheduled messages (prompts, reminders, witness requests, alerts, digests).
 * Short, warm, never shaming: a miss is never announced to the group, and silence is met
 * privately. In a group at most two sentences come before the buttons.
 */
import { encodeAction } from "../actions";
import { addDays, formatLocal, formatLocalTime, localDate } from "../cadence";
import { bold, italic, mention, type Part, rich } from "../richtext";
import { checkInQuestion } from "../steps";
import type { BundleItem, CheckInRow, CommitmentRow, PersonRow } from "../store/port";
import type { Button, Platform, Recipient, Reply, Span } from "../types";
import { bundleKey } from "./recipients";

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

/**
 * Where a check-in message is read: in the group, where it names the person, or in their own
 * direct chat, where it speaks to them ("Time to check in…", never "@sam," to sam).
 */
export type Place = "group" | "dm";

/** Where a message to `to` is read. */
export const placeOf = (to: Recipient): Place => (to.chatKind === "group" ? "group" : "dm");

/** `#2 Give them space`. */
const labelOf = (c: CommitmentRow): Part => [bold(`#${c.number}`), " ", italic(c.promise)];

/** The question a prompt asks: the step's own, or the plain one (see {@link checkInQuestion}). */
const questionFor = (c: CommitmentRow, owner: PersonRow): string =>
  checkInQuestion(c.step, owner.planTurnedAt !== null);

/**
 * The check-in prompt: the promise and the step's question. In the group it names the person and
 * stays within two sentences; in their direct chat it speaks to them.
 */
export function promptMessage(c: CommitmentRow, owner: PersonRow, ci: CheckInRow, place: Place): Reply {
  const streak = c.streak > 0 ? ` (streak so far: ${c.streak})` : "";
  const opening: Part = place === "group" ? [who(owner), ", time to check in on "] : "Time to check in on ";
  return chatReply([opening, labelOf(c), `${streak}. ${questionFor(c, owner)}`], answerButtons(ci.id));
}

/** A prompt's place in a message that carries several of the person's check-ins. */
export function promptItem(c: CommitmentRow, owner: PersonRow, to: Recipient): BundleItem {
  const place = placeOf(to);
  return {
    key: bundleKey(owner, to),
    head: rich(
      place === "group"
        ? [who(owner), ", time to check in on these. How did they go?"]
        : "Time to check in on these.",
    ),
    // The group reads a list; the person's own chat also gets each step's question.
    line: rich(labelOf(c), place === "dm" ? ` — ${questionFor(c, owner)}` : ""),
    tag: `#${c.number}`,
  };
}

/**
 * When a window closes, in words: "20:00 today", "20:00 tomorrow", else the date and time, in
 * the commitment's zone as seen at `now`.
 */
export function untilWords(end: number, now: number, zone: string): string {
  const day = localDate(end, zone);
  const today = localDate(now, zone);
  if (day === today) return `${formatLocalTime(end, zone)} today`;
  if (day === addDays(today, 1)) return `${formatLocalTime(end, zone)} tomorrow`;
  return formatLocal(end, zone);
}

/** The one reminder, halfway through an unanswered window: what waits for an answer, and until when. */
export function reminderMessage(
  c: CommitmentRow,
  owner: PersonRow,
  ci: CheckInRow,
  place: Place,
  now: number,
): Reply {
  const opening: Part = place === "group" ? [who(owner), ", your check-in on "] : "Your check-in on ";
  return chatReply(
    [opening, labelOf(c), ` is waiting for an answer until ${untilWords(ci.windowEnd, now, c.zone)}.`],
    answerButtons(ci.id),
  );
}

/** A reminder's place in a message that carries several of the person's check-ins. */
export function reminderItem(
  c: CommitmentRow,
  owner: PersonRow,
  ci: CheckInRow,
  to: Recipient,
  now: number,
): BundleItem {
  return {
    key: bundleKey(owner, to),
    head: rich(
      placeOf(to) === "group"
        ? [who(owner), ", these check-ins are waiting for an answer."]
        : "These check-ins are waiting for an answer.",
    ),
    line: rich(labelOf(c), `, until ${untilWords(ci.windowEnd, now, c.zone)}`),
    tag: `#${c.number}`,
  };
}

const ANSWER_WORD = { kept: "kept", partly: "partly kept", missed: "missed" } as const;

/**
 * A private prompt or reminder as the group may see it (the dispatcher puts a mention of the
 * person before it): the number and the buttons, not the promise, in two sentences.
 */
export function privateCheckInFallback(
  c: CommitmentRow,
  ci: CheckInRow,
  reminder: boolean,
  now: number,
): Reply {
  const what = reminder
    ? `your private check-in on #${c.number} is waiting for an answer until ${untilWords(ci.windowEnd, now, c.zone)}`
    : `time to check in on #${c.number} (${formatLocal(ci.dueAt, c.zone)})`;
  return chatReply(
    [`${what}. Open a direct chat with me to see the details, or answer here.`],
    answerButtons(ci.id),
  );
}

/**
 * The private question after two windows in a row closed with no answer (PRODUCT §4, "Silence is
 * not announced"): would a week's pause help, or keep going, or end it. Said to the owner in
 * their own chat; `movedFromGroup` when the commitment's prompts now come there instead of the group.
 */
export function silenceQuestion(c: CommitmentRow, ci: CheckInRow, movedFromGroup: boolean): Reply {
  return chatReply(
    [
      "The last two check-ins on ",
      labelOf(c),
      " got no answer.",
      movedFromGroup ? " Its check-ins come here now instead of the group, until you answer one." : "",
      " Would a week's pause help, or would you rather keep going or end it?",
    ],
    [
      [
        { label: "Pause a week", action: encodeAction("sil", ci.id, "p"), style: "primary" },
        { label: "Keep going", action: encodeAction("sil", ci.id, "k"), style: "secondary" },
        { label: "End it", action: encodeAction("sil", ci.id, "e"), style: "secondary" },
      ],
    ],
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
      ? // A confirmed partly answer leaves the verified streak at nothing: say nothing of it then.
        verifiedStreak > 0
        ? ` Verified streak: ${verifiedStreak}.`
        : ""
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

/** How one of two misses in a row happened: the owner said so, or the window closed with no answer. */
export type MissKind = "said" | "unanswered";

/**
 * The witness's alert after two misses in a row, saying accurately what happened (newest first):
 * misses the owner reported, windows that closed with no answer, or one of each. It tells the
 * witness what might help, and asks them to police nothing.
 */
export function missAlert(c: CommitmentRow, owner: PersonRow, latest: MissKind, before: MissKind): Reply {
  const name = owner.name;
  const what: Part =
    latest === "unanswered" && before === "unanswered"
      ? [`${name}'s last two check-ins on `, labelOf(c), " got no answer."]
      : latest === "said" && before === "said"
        ? [`${name} said they missed the last two check-ins on `, labelOf(c), "."]
        : latest === "said"
          ? [
              `${name} said they missed the latest check-in on `,
              labelOf(c),
              ", and the one before got no answer.",
            ]
          : [
              `${name}'s latest check-in on `,
              labelOf(c),
              " got no answer, and they said they missed the one before.",
            ];
  return chatReply([what, " A kind word may help more than a reminder."]);
}

/** The button a witness uses to step down. */
export function stepDownButton(c: CommitmentRow, ownerName: string): Button {
  return {
    label: `Step down from ${ownerName} #${c.number}`.slice(0, 60),
    action: encodeAction("wsd", c.id),
  };
}
