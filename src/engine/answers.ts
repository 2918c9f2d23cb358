/** Answering check-ins: /checkin, the Kept/Partly/Missed and "Which one?" buttons, /snooze, Snooze 1h. */

import { encodeAction, idArg } from "../actions";
import { formatLocal, formatLocalTime } from "../cadence";
import { LIMITS } from "../commands/table";
import { checkText } from "../commands/text";
import { refuse } from "../errors";
import { bold, italic, rich } from "../richtext";
import { STEP_13_QUESTION } from "../steps";
import type { CheckInRow, StoreTx } from "../store/port";
import type { Reply } from "../types";
import type { ClickContext, CommandContext } from "./context";
import { type Due, recordAnswer } from "./lifecycle";
import { ownCommitment } from "./lookups";
import { afterQuiet, quietOf } from "./quiet";
import { NOT_FOR_YOU, toChat, toSender } from "./replies";
import { askWhich } from "./which";

/** An answer to a check-in. */
export type Answer = "kept" | "partly" | "missed";
const FROM_CODE: Record<string, Answer> = { k: "kept", p: "partly", m: "missed" };

/** `/checkin [#n] kept|partly|missed [note]` */
export async function checkin(ctx: CommandContext): Promise<Reply[]> {
  const answer = ctx.args.answer as Answer | undefined;
  if (!answer || !["kept", "partly", "missed"].includes(answer)) {
    refuse("bad-answer", "Answer with kept, partly or missed, like /checkin #1 kept.");
  }
  const note = readNote(ctx.args.note);
  const found = await findOpen(ctx);
  // Clear but for which one: ask, keeping the answer and the note for the button pressed.
  if ("several" in found) return await askWhich(ctx, found.several, answer, note);
  return await answerWith(ctx, found.parties, found.ci, answer, note, ctx.now);
}

type Open = Awaited<ReturnType<StoreTx["openCheckInsOf"]>>;

/**
 * The open check-in the command means: of `#n`, or the caller's only open one; or, when several
 * are open and none was named, all of them to choose from.
 */
async function findOpen(ctx: CommandContext): Promise<{ ci: CheckInRow; parties: Due } | { several: Open }> {
  if (ctx.args.commitment !== undefined) {
    const c = await ownCommitment(ctx);
    const ci = await ctx.db.openCheckIn(c.id);
    if (!ci) {
      const next = c.nextDueAt ? ` The next is ${formatLocal(c.nextDueAt, c.zone)}.` : "";
      refuse("no-open-checkin", `#${c.number} has no open check-in right now.${next}`);
    }
    const parties = await ctx.db.commitmentWithParties(c.id);
    if (!parties) refuse("no-open-checkin", `#${c.number} has no open check-in right now.`);
    return { ci, parties };
  }
  const open = await ctx.db.openCheckInsOf(ctx.me.id);
  if (open.length === 0)
    refuse("no-open-checkin", "You have no open check-in right now. /status shows when the next is.");
  if (new Set(open.map((o) => o.commitment.id)).size > 1) return { several: open };
  const first = open[0];
  const parties = first && (await ctx.db.commitmentWithParties(first.commitment.id));
  if (!first || !parties) refuse("no-open-checkin", "You have no open check-in right now.");
  return { ci: first.checkIn, parties };
}

/** The note typed with an answer, if any: refused when it shows nothing or is too long. */
function readNote(text: string | undefined): string | null {
  if (text === undefined || !text.trim()) return null;
  const checked = checkText("note", text, LIMITS.note);
  if ("error" in checked) refuse("bad-note", checked.error);
  return checked.value;
}

/**
 * Where an answer's reply is read: `"group"` when it is a kept answer on a group commitment given
 * in that commitment's own group (the one answer the group hears of); otherwise `"own"`, the
 * owner's own chat or a reply only they see, where the bot speaks to them as "you".
 */
type Audience = "group" | "own";

function audienceOf(chat: CommandContext["chat"], parties: Due, answer: Answer): Audience {
  const inItsGroup = chat.kind === "group" && chat.id === parties.chat.id;
  return answer === "kept" && parties.commitment.visibility === "group" && inItsGroup ? "group" : "own";
}

/**
 * Records the answer and builds the reply (PRODUCT §4): only a kept answer on a group
 * commitment shows in its group, as "✓ sam checked in on #2 …" and nothing more; everything
 * else (the streak, the note, who will confirm, a partly or a miss) is said to the owner alone,
 * as "you".
 */
export async function answerWith(
  ctx: Pick<CommandContext, "db" | "chat">,
  parties: Due,
  ci: CheckInRow,
  answer: Answer,
  note: string | null,
  now: number,
): Promise<Reply[]> {
  const { db } = ctx;
  if (!(await recordAnswer(db, parties, ci, answer, note, now))) {
    refuse("closed", "That check-in is already answered or closed.");
  }
  const c = parties.commitment;
  const label = rich(bold(`#${c.number}`), " ", italic(c.promise));
  // Discord opens a form, Telegram asks for a reply, the console takes `clicks Add a note: …`.
  const noteButton = [
    [{ label: "Add a note", action: encodeAction("note", ci.id), style: "secondary" as const }],
  ];
  const witness =
    c.witnessStatus === "active" && c.witnessId !== null ? await db.getPerson(c.witnessId) : undefined;
  const saved = note ? " Your note is saved with it." : "";
  const asked = witness && answer !== "missed" ? ` ${witness.name} will be asked to confirm it.` : "";
  if (answer === "kept") {
    const inRow = c.streak > 1 ? ` That's ${c.streak} in a row.` : "";
    if (audienceOf(ctx.chat, parties, answer) === "group") {
      // The group reads that it was kept, nothing more; a note is the owner's and their witness's.
      const shown = toChat(rich("✓ ", parties.owner.name, " checked in on ", label, "."), noteButton);
      return note
        ? [
            shown,
            toSender(rich("Your note is saved with your check-in on ", bold(`#${c.number}`), `.${asked}`)),
          ]
        : [shown];
    }
    return [toSender(rich("✓ You checked in on ", label, `.${inRow}${saved}${asked}`), noteButton)];
  }
  if (answer === "partly") {
    return [
      toSender(
        rich(
          "Noted as partly kept for ",
          label,
          `. Part of it counts. What would help with the rest?${saved}${asked}`,
        ),
        noteButton,
      ),
    ];
  }
  // A miss is plain and forward-looking: what comes next, and the step-13 question.
  const next =
    c.state === "active" && c.nextDueAt !== null
      ? ` The next check-in is ${formatLocal(c.nextDueAt, c.zone)}.`
      : "";
  return [toSender(rich("Noted as missed for ", label, `.${saved}${next} ${STEP_13_QUESTION}`), noteButton)];
}

/** The Kept / Partly / Missed buttons: only the owner's click counts. */
export async function answerClick(ctx: ClickContext): Promise<Reply[]> {
  const [idPart, code, ...extra] = ctx.args;
  const answer = Object.hasOwn(FROM_CODE, code ?? "") ? FROM_CODE[code as keyof typeof FROM_CODE] : undefined;
  const { ci, parties } = await ownOpenCheckIn(ctx, extra.length === 0 ? idPart : undefined);
  if (!answer) refuse("not-offered", NOT_FOR_YOU);
  const replies = await answerWith(ctx, parties, ci, answer, null, ctx.now);
  // A forged click from another group must not carry the answer there: only the commitment's own
  // group may read a kept answer on it.
  const elsewhere = ctx.chat.kind === "group" && ctx.chat.id !== parties.chat.id;
  const placed = elsewhere ? replies.map((r) => ({ ...r, visibility: "sender-only" as const })) : replies;
  const [first, ...rest] = placed;
  // The clicked prompt may sit in the group: only a kept answer is shown there as such.
  // Judged by where the clicked message is: a private prompt may have fallen back to the group.
  const shown = ctx.chat.kind === "group" && answer !== "kept" ? "Answered" : SETTLED[answer];
  return first ? [{ ...first, settles: rich(shown) }, ...rest] : placed;
}

/** A "Which one?" button (./which.ts): the answer, and the note held for it, on the check-in it names. */
export async function pickClick(ctx: ClickContext): Promise<Reply[]> {
  const [idPart, code = "", key, ...extra] = ctx.args;
  const answer = Object.hasOwn(FROM_CODE, code) ? FROM_CODE[code] : undefined;
  if (!answer || extra.length > 0) refuse("not-offered", NOT_FOR_YOU);
  const { ci, parties } = await ownOpenCheckIn(ctx, idPart);
  let note: string | null = null;
  if (key !== undefined) {
    const id = /^\d{1,15}$/.test(key) ? Number(key) : Number.NaN;
    const held = Number.isNaN(id) ? "expired" : await ctx.db.heldNote(id, ctx.me.id, ctx.now);
    if (held === "not-theirs") refuse("not-offered", NOT_FOR_YOU);
    if (held === "expired") {
      refuse(
        "expired",
        `That question has expired, so nothing was recorded. Send it again, like /checkin #${parties.commitment.number} ${answer}.`,
      );
    }
    note = held.note;
    // Spent with the answer, in the same transaction: a refusal leaves it for another try.
    await ctx.db.dropHeldNote(id, ctx.me.id);
  }
  const replies = await answerWith(ctx, parties, ci, answer, note, ctx.now);
  // A forged click from another group must not carry the answer there (as with the Kept button).
  const elsewhere = ctx.chat.kind === "group" && ctx.chat.id !== parties.chat.id;
  const placed = elsewhere ? replies.map((r) => ({ ...r, visibility: "sender-only" as const })) : replies;
  const [first, ...rest] = placed;
  // The clicked message may sit in the group: only a kept answer is shown there as such.
  const shown = ctx.chat.kind === "group" && answer !== "kept" ? "Answered" : SETTLED[answer];
  const settled = rich(`${shown}: #${parties.commitment.number}`);
  return first ? [{ ...first, settles: settled }, ...rest] : placed;
}

/**
 * The check-in a Kept/Partly/Missed or Snooze button may act on: still open, and the clicker's
 * own. Anyone can forge a click, so every other case gets one refusal that names no one.
 */
export async function ownOpenCheckIn(
  ctx: ClickContext,
  idPart: string | undefined,
): Promise<{ ci: CheckInRow; parties: Due }> {
  const id = idArg(idPart);
  const ci = id === undefined ? undefined : await ctx.db.getCheckIn(id);
  const parties = ci && (await ctx.db.commitmentWithParties(ci.commitmentId));
  if (!ci || !parties || parties.owner.id !== ctx.me.id) refuse("not-offered", NOT_FOR_YOU);
  if (ci.state !== "pending")
    refuse("closed", `That check-in is already ${ci.state === "answered" ? "answered" : "closed"}.`);
  return { ci, parties };
}

/** What a clicked check-in message shows once answered. */
export const SETTLED: Record<Answer, string> = { kept: "✓ Kept", partly: "Partly kept", missed: "Missed" };

/**
 * Pushes an open check-in's reminder back by `minutes` (within its window and out of quiet
 * hours). When quiet hours moved it, the reply says so: "I'll remind you at 08:00" alone would
 * read as a mistake at 22:31.
 */
async function snoozeCheckIn(
  ctx: { db: CommandContext["db"]; now: number },
  ci: CheckInRow,
  parties: Due,
  minutes: number,
) {
  const c = parties.commitment;
  const asked = ctx.now + minutes * 60_000;
  const at = afterQuiet(asked, c.zone, quietOf(parties.owner));
  const quiet = at !== asked;
  const closes = formatLocalTime(ci.windowEnd, c.zone);
  if (at >= ci.windowEnd) {
    await ctx.db.updateCheckIn(ci.id, "pending", { remindAt: null });
    const why = quiet
      ? `That's in your quiet hours, and this check-in closes at ${closes}, before they end`
      : `That would be after this check-in closes (${closes})`;
    return [toSender(`${why}, so no more reminders for it. You can still answer until then.`)];
  }
  await ctx.db.updateCheckIn(ci.id, "pending", { remindAt: at });
  const time = formatLocalTime(at, c.zone);
  return [
    toSender(
      quiet
        ? rich("That's in your quiet hours, so I'll remind you about ", bold(`#${c.number}`), ` at ${time}.`)
        : rich("I'll remind you about ", bold(`#${c.number}`), ` at ${time}.`),
    ),
  ];
}

/** `/snooze [minutes]`: the newest open check-in's reminder. */
export async function snooze(ctx: CommandContext): Promise<Reply[]> {
  const minutes = ctx.args.minutes === undefined ? 60 : Number(ctx.args.minutes);
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 720) {
    refuse("bad-minutes", "Snooze for 5 to 720 minutes, like /snooze 60.");
  }
  const open = (await ctx.db.openCheckInsOf(ctx.me.id))[0];
  const parties = open && (await ctx.db.commitmentWithParties(open.commitment.id));
  if (!open || !parties) refuse("no-open-checkin", "You have no open check-in to snooze.");
  return await snoozeCheckIn(ctx, open.checkIn, parties, minutes);
}

/** The Snooze 1h button. */
export async function snoozeClick(ctx: ClickContext): Promise<Reply[]> {
  const { ci, parties } = await ownOpenCheckIn(ctx, ctx.args.length === 1 ? ctx.args[0] : undefined);
  return await snoozeCheckIn(ctx, ci, parties, 60);
}
