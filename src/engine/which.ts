/**
 * "Which one?": a `/checkin` that is clear except for which commitment it means (several
 * check-ins are open and no `#n` was given) asks for that one choice, with a button per open
 * check-in, and keeps everything else that was said: the answer and the note. The button records
 * them on the check-in it names (PRODUCT §7: a command clear but for one choice asks for it).
 *
 * A button carries the check-in and the answer (`pick:<check-in>:<k|p|m>`); a note does not fit
 * in 64 bytes, so it waits in the database (src/store/held-notes.ts) under an id the button also
 * carries (`pick:<check-in>:<answer>:<id>`), for {@link HELD_TTL_MS}. A restart or another
 * process loses nothing; a button whose note expired is refused with the command to send again,
 * and records nothing, rather than drop the words.
 *
 * The question is asked here; the button is answered with the other answer buttons
 * (`pickClick` in ./answers.ts), so that this module needs nothing of that one at run time.
 */
import { encodeAction } from "../actions";
import { excerpt } from "../commands/text";
import type { CheckInRow, CommitmentRow } from "../store/port";
import type { Button, Reply } from "../types";
import type { Answer } from "./answers";
import type { CommandContext } from "./context";
import { toSender } from "./replies";

/** How long a held note waits for its button. */
export const HELD_TTL_MS = 15 * 60_000;
const CODE: Record<Answer, string> = { kept: "k", partly: "p", missed: "m" };

/** A button label for an open check-in: `#1 Walk`, its promise cut to fit a button. */
function labelOf(c: CommitmentRow): string {
  return `#${c.number} ${excerpt(c.promise, 40)}`;
}

/**
 * The "Which one?" question for `open` (two or more open check-ins of the caller), keeping
 * `answer` and `note` for the button that is pressed.
 */
export async function askWhich(
  ctx: CommandContext,
  open: readonly { checkIn: CheckInRow; commitment: CommitmentRow }[],
  answer: Answer,
  note: string | null,
): Promise<Reply[]> {
  // One button per commitment (its newest open check-in), in the order /status lists them.
  const newest = new Map<number, { checkIn: CheckInRow; commitment: CommitmentRow }>();
  for (const o of open) if (!newest.has(o.commitment.id)) newest.set(o.commitment.id, o);
  const choices = [...newest.values()].sort((a, b) => a.commitment.number - b.commitment.number);
  const key = note ? await ctx.db.holdNote(ctx.me.id, note, ctx.now, ctx.now + HELD_TTL_MS) : undefined;
  const buttons: Button[][] = choices.map((o) => [
    {
      label: labelOf(o.commitment),
      action: key
        ? encodeAction("pick", o.checkIn.id, CODE[answer], key)
        : encodeAction("pick", o.checkIn.id, CODE[answer]),
    },
  ]);
  const kept = note ? `, with your note,` : "";
  return [
    toSender(
      `Which one? You have ${choices.length} open check-ins; I'll note ${answer}${kept} on the one you pick.`,
      buttons,
    ),
  ];
}
