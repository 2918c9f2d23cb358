/**
 * Renegotiating a commitment (PRODUCT §5): a change that makes it easier (less often, ending
 * sooner, cancelled) waits 24 hours while a witness is attached, and the witness is told; it
 * also waits until 24 hours after a witness stopped, so removing them is no back door. Anything
 * else applies at once. A later change replaces a pending one.
 */
import { refuse } from "../errors";
import { type Part, rich } from "../richtext";
import type { CommitmentRow, PendingChange, PersonRow } from "../store/port";
import type { Reply } from "../types";
import type { CommandContext } from "./context";
import { label, when } from "./format";
import { purpose } from "./purposes";
import { dmOf } from "./recipients";
import { toSender } from "./replies";
import { describeChange, sameChange } from "./schedule";

/** How long making a witnessed commitment easier waits. */
export const RENEGOTIATION_DELAY_MS = 24 * 3_600_000;

/** When an easier change may take effect, and the witness to tell (null once they have left). */
export interface Wait {
  at: number;
  witness: PersonRow | null;
}

/**
 * How long an easier change waits: 24 hours while a witness is attached, and until 24 hours
 * after a witness stopped when that was less than a day ago. Null: it applies at once.
 */
export async function easingWait(ctx: CommandContext, c: CommitmentRow): Promise<Wait | null> {
  const witness =
    c.witnessStatus === "active" && c.witnessId !== null ? await ctx.db.getPerson(c.witnessId) : undefined;
  if (witness) return { at: ctx.now + RENEGOTIATION_DELAY_MS, witness };
  const left = await ctx.db.witnessLeftSince(c.id, ctx.now - RENEGOTIATION_DELAY_MS + 1);
  return left === null ? null : { at: left + RENEGOTIATION_DELAY_MS, witness: null };
}

/**
 * Records an easier change to apply at `wait.at` (the tick applies it), replacing any change
 * already waiting, and tells the witness; the owner hears it privately.
 */
export async function defer(
  ctx: CommandContext,
  c: CommitmentRow,
  change: PendingChange,
  wait: Wait,
): Promise<Reply[]> {
  const { db, now, me } = ctx;
  const pending = c.pendingChangeAt !== null ? c.pendingChange : null;
  if (pending && c.pendingChangeAt !== null && sameChange(pending, change)) {
    refuse(
      "already-asked",
      `You already asked for that; it takes effect ${when(c.pendingChangeAt, c.zone)}. /status shows #${c.number}.`,
    );
  }
  if (pending) {
    await db.appendEvent({
      commitmentId: c.id,
      actorId: me.id,
      kind: "change-withdrawn",
      data: { ...pending },
      at: now,
    });
  }
  await db.updateCommitment(c.id, { pendingChange: change, pendingChangeAt: wait.at, updatedAt: now });
  const id = await db.appendEvent({
    commitmentId: c.id,
    actorId: me.id,
    kind: "change-requested",
    data: { ...change, effectiveAt: wait.at },
    at: now,
  });
  const replaces = !pending
    ? ""
    : pending.cancel
      ? " It replaces your request to cancel it."
      : [" It replaces the change you asked for earlier", describeChange(pending), "."];
  const doing = change.cancel ? "Cancelling " : "Easing ";
  const { witness } = wait;
  if (!witness) {
    return [
      toSender([
        doing,
        label(c),
        ` takes effect ${when(wait.at, c.zone)}, 24 hours after your witness stopped: making a commitment easier waits out that day either way.`,
        replaces,
      ]),
    ];
  }
  await db.enqueue({
    purpose: purpose("renegotiate", c.id, id),
    to: dmOf(witness, await db.getChat(c.chatId)),
    message: {
      text: rich(
        me.name,
        ` asked to ${change.cancel ? "cancel" : "ease"} `,
        label(c),
        `${describeChange(change)}. As their witness you're told first: it takes effect ${when(wait.at, witness.zone ?? c.zone)}.`,
        pending ? " It replaces what they asked for earlier." : "",
        // A witness is a friend, not a gatekeeper: say what, if anything, they might do.
        ` There's nothing you need to do; if it worries you, talk it over with ${me.name}.`,
      ),
      visibility: "chat",
    },
    personId: witness.id,
    commitmentId: c.id,
    notBefore: now,
    now,
  });
  return [
    toSender([
      doing,
      label(c),
      ` takes effect in 24 hours (${when(wait.at, c.zone)}), because ${witness.name} witnesses it; they've been told.`,
      replaces,
    ]),
  ];
}

/**
 * What an edit that applied at once does to a change still waiting: a new schedule or end date
 * replaces it (withdrawn, and the witness told); new words alone leave it waiting, the newer
 * words winning. Returns what to tell the owner privately, if anything.
 */
export async function settlePending(
  ctx: CommandContext,
  c: CommitmentRow,
  change: PendingChange,
): Promise<Part | null> {
  const pending = c.pendingChange;
  if (c.pendingChangeAt === null || !pending) return null;
  if (change.cadence === undefined && change.until === undefined) {
    if (pending.promise !== undefined) {
      const { promise: _older, ...rest } = pending;
      await ctx.db.updateCommitment(c.id, { pendingChange: rest, updatedAt: ctx.now });
    }
    const asked = pending.cancel
      ? "Your request to cancel it"
      : ["The change you asked for earlier", describeChange(pending)];
    return [asked, ` still takes effect ${when(c.pendingChangeAt, c.zone)}.`];
  }
  await ctx.db.updateCommitment(c.id, { pendingChange: null, pendingChangeAt: null, updatedAt: ctx.now });
  const id = await ctx.db.appendEvent({
    commitmentId: c.id,
    actorId: ctx.me.id,
    kind: "change-withdrawn",
    data: { ...pending },
    at: ctx.now,
  });
  const told = await tellWitness(ctx, c, purpose("withdrawn", c.id, id), () => [
    ctx.me.name,
    ` no longer asks to ${pending.cancel ? "cancel" : "ease"} `,
    label(c),
    ". Nothing changes for you.",
  ]);
  const what = pending.cancel
    ? "Your request to cancel it is withdrawn"
    : ["The easier change you asked for earlier", describeChange(pending), " is withdrawn"];
  return [what, told ? `; ${told.name} has been told.` : "."];
}

/**
 * Queues a direct message to the commitment's active witness, if it has one, at once (it
 * answers the owner's action). The group fallback is a neutral pointer. Returns the witness.
 * Callers build its key with `purpose()` (`paused`, `resumed`, `withdrawn`).
 */
export async function tellWitness(
  ctx: CommandContext,
  c: CommitmentRow,
  purpose: string,
  text: (zone: string) => Part,
): Promise<PersonRow | null> {
  if (c.witnessStatus !== "active" || c.witnessId === null) return null;
  const witness = await ctx.db.getPerson(c.witnessId);
  if (!witness) return null;
  await ctx.db.enqueue({
    purpose,
    to: dmOf(witness, await ctx.db.getChat(c.chatId)),
    message: { text: rich(text(witness.zone ?? c.zone)), visibility: "chat" },
    personId: witness.id,
    commitmentId: c.id,
    notBefore: ctx.now,
    now: ctx.now,
  });
  return witness;
}
