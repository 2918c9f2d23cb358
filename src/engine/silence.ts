/**
 * Silence handled privately (PRODUCT §4, "Silence is not announced"). When a commitment's last
 * two windows closed with no answer (skipped ones aside) it is silent: its prompts go only to the
 * owner's direct chat (see {@link checkInRecipient}), no reminder is planned for them, and once
 * per silent run the owner is asked, privately, whether to pause it for a week, keep going or end
 * it. The first answer on any of its check-ins ends the run: prompts return to where they were.
 */
import { idArg } from "../actions";
import { refuse } from "../errors";
import type { CheckInRow, Closing, StoreTx } from "../store/port";
import type { Reply } from "../types";
import { cancel, pause } from "./commitments";
import { type ClickContext, commandFromClick } from "./context";
import type { Due } from "./lifecycle";
import { type MissKind, silenceQuestion } from "./messages";
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { dmOf } from "./recipients";
import { NOT_FOR_YOU, toSender } from "./replies";

/** Unanswered windows in a row that make a commitment silent. */
export const SILENT_AFTER = 2;
/** How long "Pause a week" pauses. */
const PAUSE_FOR = "7d";

/** Whether a closing is a window that closed, or is about to close, with no answer. */
const unanswered = (k: Closing): boolean => k.state !== "answered";

/**
 * How many of a commitment's latest windows in a row closed with no answer, counting up to
 * three. Windows still open that end by `asOf` count as closing unanswered unless they ended
 * before `lateFrom` (those close as skipped): see {@link recentClosings}.
 */
export async function unansweredRun(
  db: StoreTx,
  commitmentId: number,
  asOf: number,
  lateFrom: number,
): Promise<number> {
  return unansweredIn(await db.recentClosings(commitmentId, { asOf, lateFrom, limit: SILENT_AFTER + 1 }));
}

/** How many of `closings` (newest first, {@link SILENT_AFTER} + 1 of them) in a row had no answer. */
export function unansweredIn(closings: readonly Closing[]): number {
  const firstAnswered = closings.findIndex((k) => !unanswered(k));
  return firstAnswered === -1 ? closings.length : firstAnswered;
}

/** Whether a commitment is silent as of `asOf` (see the file comment). */
export async function isSilent(
  db: StoreTx,
  commitmentId: number,
  asOf: number,
  lateFrom: number,
): Promise<boolean> {
  return (await unansweredRun(db, commitmentId, asOf, lateFrom)) >= SILENT_AFTER;
}

/**
 * The misses in a row that end a commitment's closed check-ins, newest first, up to three: a
 * miss is one the owner said, or a window that closed with no answer. Kept and partly answers
 * end the run, disputed ones too: the witness already knows about those.
 */
export async function missRun(db: StoreTx, commitmentId: number): Promise<MissKind[]> {
  // Nothing still open counts here: only what has closed.
  const closings = await db.recentClosings(commitmentId, {
    asOf: Number.MIN_SAFE_INTEGER,
    lateFrom: Number.MIN_SAFE_INTEGER,
    limit: SILENT_AFTER + 1,
  });
  const run: MissKind[] = [];
  for (const k of closings) {
    if (k.state === "missed") run.push("unanswered");
    else if (k.state === "answered" && k.answer === "missed") run.push("said");
    else break;
  }
  return run;
}

/**
 * After a window closed with no answer: when it is the second in a row (and the commitment is
 * still active, with no cancellation waiting), asks the owner once, privately, what they would
 * like. If the platform refuses the direct message, the group sees only a neutral pointer that
 * names no commitment and no miss.
 */
export async function askAboutSilence(
  db: StoreTx,
  parties: Due,
  ci: CheckInRow,
  now: number,
  lateFrom: number,
): Promise<boolean> {
  const { commitment: c, owner, chat } = parties;
  if (c.state !== "active" || c.pendingChange?.cancel) return false;
  if ((await unansweredRun(db, c.id, now, lateFrom)) !== SILENT_AFTER) return false;
  const movedFromGroup = c.visibility === "group" && chat.kind === "group";
  return await db.enqueue({
    purpose: purpose("silence", c.id, ci.id),
    // No fallbackReply: the group gets the neutral pointer of src/privacy.ts, nothing more.
    to: dmOf(owner, chat),
    message: silenceQuestion(c, ci, movedFromGroup),
    personId: owner.id,
    commitmentId: c.id,
    notBefore: afterQuiet(now, c.zone, quietOf(owner)),
    now,
  });
}

type Choice = "p" | "k" | "e";
const CHOICES: ReadonlySet<string> = new Set<Choice>(["p", "k", "e"]);
const CHOSEN: Record<Choice, string> = {
  p: "You chose a week's pause.",
  k: "You chose to keep going.",
  e: "You chose to end it.",
};

/**
 * The Pause a week / Keep going / End it buttons of the silence question. Only the owner's
 * click counts, only on a question they were sent, and only while the commitment is active.
 * Pausing and ending go through /pause and /cancel themselves, so a witnessed commitment keeps
 * its rules: the witness hears of the pause, and ending it waits 24 hours. The answer is the
 * owner's alone, wherever the click came from.
 */
export async function silenceClick(ctx: ClickContext): Promise<Reply[]> {
  const [idPart, choice, ...extra] = ctx.args;
  const id = extra.length === 0 ? idArg(idPart) : undefined;
  const ci = id === undefined ? undefined : await ctx.db.getCheckIn(id);
  const parties = ci && (await ctx.db.commitmentWithParties(ci.commitmentId));
  const offered =
    ci !== undefined &&
    parties !== undefined &&
    parties.owner.id === ctx.me.id &&
    (await ctx.db.offeredTo(purpose("silence", parties.commitment.id, ci.id), ctx.me.id));
  if (!offered || !parties || choice === undefined || !CHOICES.has(choice))
    refuse("not-offered", NOT_FOR_YOU);
  const c = parties.commitment;
  if (c.state === "paused") {
    refuse("settled", `#${c.number} is paused now. /resume #${c.number} brings its check-ins back.`);
  }
  if (c.state !== "active") refuse("settled", `#${c.number} has ended, so there is nothing to choose here.`);

  const asCommand = (args: Record<string, string>) =>
    commandFromClick(ctx, { commitment: String(c.number), ...args });
  const replies =
    choice === "p"
      ? await pause(asCommand({ for: PAUSE_FOR }))
      : choice === "e"
        ? await cancel(asCommand({}))
        : [
            toSender(
              `We'll keep going with #${c.number}. Answer when you're ready; there's nothing to catch up on.`,
            ),
          ];
  // The question was the owner's alone, and so is what they chose.
  const mine = replies.map((r) => ({ ...r, visibility: "sender-only" as const }));
  const [first, ...rest] = mine;
  return first ? [{ ...first, settles: [{ t: "text", text: CHOSEN[choice as Choice] }] }, ...rest] : mine;
}
