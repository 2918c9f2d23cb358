/**
 * "Add a note": a few words added to an answered check-in (Discord's form, Telegram's reply).
 *
 * Notes are added, never overwritten (PRODUCT §5). They live in the check-in's `note` column
 * as plain lines: the first note as typed, each later one on a line of its own that starts
 * with its local time, e.g.
 *
 *     Went for a walk first
 *     Mon 30 Nov 2026, 21:15: we talked after all
 *
 * Each note may be up to LIMITS.note characters; all of a check-in's notes together up to
 * {@link MAX_NOTES}, so a history or a witness's question stays readable.
 */
import { idArg } from "../actions";
import { formatLocal, localDate } from "../cadence";
import { LIMITS } from "../commands/table";
import { checkText, graphemes } from "../commands/text";
import { refuse } from "../errors";
import { bold, italic, rich } from "../richtext";
import type { Reply } from "../types";
import type { ClickContext } from "./context";
import { NOT_FOR_YOU, toSender } from "./replies";
import { dayWords } from "./schedule-words";

/** The most characters all the notes of one check-in may hold together, times included. */
export const MAX_NOTES = 2 * LIMITS.note;

/** Characters as a person sees them (grapheme clusters), not code points. */
const seen = graphemes;

/**
 * The check-in's notes with `note` added at `at`: on its own line, after the local time, so
 * every earlier note stays as it was.
 */
export function appendNote(existing: string | null, note: string, at: number, zone: string): string {
  return existing ? `${existing}\n${formatLocal(at, zone)}: ${note}` : note;
}

/**
 * The note typed for check-in `args[0]`; only its owner may add one, and only once it is
 * answered. Anyone can forge the click, so any other case gets one refusal that names no one.
 */
export async function noteClick(ctx: ClickContext): Promise<Reply[]> {
  const id = ctx.args.length === 1 ? idArg(ctx.args[0]) : undefined;
  const ci = id === undefined ? undefined : await ctx.db.getCheckIn(id);
  const parties = ci && (await ctx.db.commitmentWithParties(ci.commitmentId));
  if (!ci || !parties || parties.owner.id !== ctx.me.id) refuse("not-offered", NOT_FOR_YOU);
  if (ci.state !== "answered") refuse("not-answered", "Answer the check-in first, then add a note.");
  // One line per note keeps the times at the start of each line meaningful.
  const typed = ctx.input.text ?? "";
  if (!typed.trim()) refuse("empty-note", "The note was empty, so nothing changed.");
  // Hidden characters out, lengths as a person counts them; a note that shows nothing is refused.
  const checked = checkText("note", typed, LIMITS.note);
  if ("error" in checked) refuse("bad-note", checked.error);
  const note = checked.value;
  const c = parties.commitment;
  const notes = appendNote(ci.note, note, ctx.now, c.zone);
  if (seen(notes) > MAX_NOTES) {
    const room = MAX_NOTES - (ci.note ? seen(appendNote(ci.note, "", ctx.now, c.zone)) : 0);
    refuse(
      "notes-full",
      room > 0
        ? `This check-in has room for ${room === 1 ? "1 more character" : `${room} more characters`} of notes; please shorten this one.`
        : "This check-in's notes are full, so nothing changed. The next check-in can take new ones.",
    );
  }
  await ctx.db.updateCheckIn(ci.id, "answered", { note: notes });
  // The history keeps the words too, so /history and /export show every note with its time.
  await ctx.db.appendEvent({
    commitmentId: ci.commitmentId,
    actorId: ctx.me.id,
    kind: "note",
    data: { checkIn: ci.id, text: note },
    at: ctx.now,
  });
  // Said back with the check-in it belongs to: the button may sit under an older answer.
  const day = dayWords(localDate(ci.dueAt, c.zone), localDate(ctx.now, c.zone));
  const which = /^(today|yesterday)$/.test(day) ? `${day}'s check-in` : `the check-in of ${day}`;
  return [
    {
      ...toSender(rich(`Your note is saved with ${which} on `, bold(`#${c.number}`), ": ", italic(note))),
      settles: rich("Note added"),
    },
  ];
}
