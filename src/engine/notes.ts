/** "Add a note": a few words added to an answered check-in (Discord's form, Telegram's reply). */
import { LIMITS } from "../commands/table";
import { refuse } from "../errors";
import { bold, italic, rich } from "../richtext";
import { commitmentWithParties, getCheckIn, updateCheckIn } from "../store/checkins";
import { appendEvent } from "../store/events";
import type { Reply } from "../types";
import type { ClickContext } from "./context";
import { toSender } from "./replies";

/** The note typed for check-in `args[0]`; only its owner may add one, and only once it is answered. */
export function noteClick(ctx: ClickContext): Reply[] {
  const ci = getCheckIn(ctx.db, Number(ctx.args[0]));
  const parties = ci && commitmentWithParties(ctx.db, ci.commitmentId);
  if (!ci || !parties) refuse("gone", "That check-in no longer exists.");
  if (parties.owner.id !== ctx.me.id) refuse("not-owner", `Only ${parties.owner.name} can add a note here.`);
  if (ci.state !== "answered") refuse("not-answered", "Answer the check-in first, then add a note.");
  const note = (ctx.input.text ?? "").trim();
  if (!note) refuse("empty-note", "The note was empty, so nothing changed.");
  const length = [...note].length;
  if (length > LIMITS.note)
    refuse("long-note", `That note is ${length} characters; please keep it to ${LIMITS.note}.`);
  updateCheckIn(ctx.db, ci.id, "answered", { note });
  appendEvent(ctx.db, {
    commitmentId: ci.commitmentId,
    actorId: ctx.me.id,
    kind: "note",
    data: { checkIn: ci.id },
    at: ctx.now,
  });
  const c = parties.commitment;
  return [
    { ...toSender(rich("Noted on ", bold(`#${c.number}`), ": ", italic(note))), settles: rich("Note added") },
  ];
}
