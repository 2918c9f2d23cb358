/**
 * The step-11 turn (PRODUCT.md §2, VOICE.md "The other person's choice is final").
 *
 * From `/step 11` the owner records, with a button, that the person they hurt said no. Their
 * plan then turns to their own growth: the contact steps (3, 7, 8, 10) show as "not now", each
 * active commitment tagged with one of them is offered to be ended (the owner chooses, one tap
 * each, through the ordinary cancel path), `/plan` suggests the growth steps (5, 9, 12, 13), and
 * nothing the bot says suggests reaching the other person. Undo puts the plan back.
 *
 * All of it is the owner's own news: every reply here is private, and nobody else is told of
 * the turn itself (a witness hears only of a cancellation, as with /cancel).
 */
import { encodeAction, idArg } from "../actions";
import { formatDate, localDate } from "../cadence";
import { refuse } from "../errors";
import { bold, code, lines, rich } from "../richtext";
import { CONTACT_STEPS, findStep, GROWTH_STEPS, type Step } from "../steps";
import type { CommitmentRow, PersonRow } from "../store/port";
import type { Button, Reply, RichText } from "../types";
import { cancel, commit } from "./commitments";
import { type ClickContext, type CommandContext, commandFromClick, zoneOf } from "./context";
import { label } from "./format";
import { NOT_FOR_YOU, toSender } from "./replies";

/** The verbs of the turn's buttons: record the no, undo it, end a commitment set aside. */
export const TURN_VERB = "turn";
export const UNDO_TURN_VERB = "unturn";
export const END_SET_ASIDE_VERB = "turnend";

/** "3, 7, 8 and 10". */
function joinNumbers(ns: readonly number[]): string {
  const all = ns.map(String);
  return all.length < 2 ? all.join("") : `${all.slice(0, -1).join(", ")} and ${all.at(-1)}`;
}

const SET_ASIDE = `Steps ${joinNumbers(CONTACT_STEPS)}`;
const GROWTH = `steps ${joinNumbers(GROWTH_STEPS)}`;

/** Whether the person's plan has turned (they recorded the other person's no at step 11). */
export function hasTurned(me: Pick<PersonRow, "planTurnedAt">): boolean {
  return me.planTurnedAt !== null;
}

/** Active commitments of the person tagged with a step that is now set aside. */
async function setAsideCommitments(ctx: {
  db: CommandContext["db"];
  me: PersonRow;
}): Promise<CommitmentRow[]> {
  return (await ctx.db.listCommitments(ctx.me.id)).filter(
    (c) => c.state === "active" && c.step !== null && CONTACT_STEPS.includes(c.step),
  );
}

/** One End button per commitment, each on its own row, so each is its own choice. */
function endButtons(cs: readonly CommitmentRow[]): Button[][] {
  return cs.map((c) => [
    { label: `End #${c.number}`, action: encodeAction(END_SET_ASIDE_VERB, c.id), style: "secondary" },
  ]);
}

function undoButton(me: PersonRow): Button {
  return {
    label: "Undo",
    action: encodeAction(UNDO_TURN_VERB, me.id, me.planTurnedAt ?? 0),
    style: "secondary",
  };
}

const witnessed = (c: CommitmentRow): boolean => c.witnessStatus === "active";

/** The lines that offer to end each commitment set aside, or nothing when there are none. */
function endOffer(cs: readonly CommitmentRow[]): RichText[] {
  if (cs.length === 0) return [];
  const one = cs.length === 1;
  return [
    rich(
      one ? "This one is tagged with a step now set aside" : "These are tagged with steps now set aside",
      one ? "; end it if you choose:" : "; end any you choose:",
    ),
    ...cs.map((c) => rich("   ", label(c), ` (step ${c.step}${witnessed(c) ? ", witnessed" : ""})`)),
    // As with /cancel: ending a witnessed commitment waits a day, and the witness hears of it.
    cs.some(witnessed)
      ? rich("Ending a witnessed one takes effect after 24 hours, and your witness is told.")
      : null,
  ].filter((line): line is RichText => line !== null);
}

/** The date the turn was recorded, in the person's zone. */
function turnedOn(ctx: CommandContext, at: number): string {
  return formatDate(localDate(at, zoneOf(ctx.me, ctx.deps.config)));
}

/**
 * The part of `/step 11` about the turn: before it, what recording the no does and the button;
 * after it, when it was recorded, the commitments still set aside, and Undo.
 */
export async function stepElevenTurn(ctx: CommandContext): Promise<{
  top: RichText[];
  bottom: RichText[];
  buttons: Button[][];
}> {
  const { me } = ctx;
  if (me.planTurnedAt === null) {
    return {
      top: [],
      bottom: [
        rich(
          "If they have told you no, record it here. Your plan then turns to your own growth and stops suggesting contact; you can undo it.",
        ),
      ],
      buttons: [[{ label: "They said no", action: encodeAction(TURN_VERB, me.id), style: "secondary" }]],
    };
  }
  const cs = await setAsideCommitments(ctx);
  return {
    top: [rich(`You recorded on ${turnedOn(ctx, me.planTurnedAt)} that they said no.`)],
    bottom: [
      rich(
        `${SET_ASIDE} are set aside, and `,
        code("/plan"),
        ` suggests ${GROWTH}. If you recorded this by mistake, Undo puts the plan back as it was.`,
      ),
      ...endOffer(cs),
    ],
    buttons: [...endButtons(cs), [undoButton(me)]],
  };
}

/**
 * `/step <n>` for a contact step once the plan has turned: set aside, without its guidance,
 * question or example, pointing to `next` (the growth step /plan suggests), and how to undo the turn.
 */
export async function setAsideStep(ctx: CommandContext, s: Step, next: Step | undefined): Promise<Reply> {
  const mine = (await ctx.db.listCommitments(ctx.me.id)).filter((c) => c.step === s.number);
  const active = mine.filter((c) => c.state === "active");
  return toSender(
    lines(
      rich(bold(`Step ${s.number}: not now`)),
      rich(
        "Since you recorded their answer at step 11, this step is set aside and your plan turns to your own growth.",
        next ? [" ", code(`/step ${next.number}`), ` (${next.title}) is a good place to go on.`] : "",
      ),
      ...(mine.length > 0
        ? [rich("Yours:"), ...mine.map((c) => rich("   ", label(c), ` (${c.state})`))]
        : []),
      rich("If you recorded their answer by mistake, ", code("/step 11"), " can undo it."),
    ),
    active.length > 0 ? endButtons(active) : undefined,
  );
}

/**
 * `/commit` that refuses a contact step once the plan has turned. A commitment tagged with one
 * would plan contact with someone who said no, and its reply would echo the step's title, so it
 * is declined with what to do instead; anything else goes to `/commit` as usual. The answer is
 * private and not marked as a refusal: a refusal may be shown in a group, and the turn is the
 * person's own news.
 */
export async function commitUnlessSetAside(ctx: CommandContext): Promise<Reply[]> {
  const s = ctx.args.step === undefined ? undefined : findStep(ctx.args.step);
  if (!s || !hasTurned(ctx.me) || !CONTACT_STEPS.includes(s.number)) return await commit(ctx);
  return [
    toSender(
      rich(
        `Step ${s.number} is set aside since you recorded their answer at step 11. A step for your own growth works, like `,
        code("/commit Spend ten minutes each evening on why it happened step: 5"),
        ".",
      ),
    ),
  ];
}

/** The click's person: only the person the button was made for may press it. */
function ownButton(ctx: ClickContext): void {
  if (idArg(ctx.args[0]) !== ctx.me.id) refuse("not-yours", NOT_FOR_YOU);
}

/** "They said no": records the turn, and offers to end each commitment set aside, and Undo. */
export async function turnClick(ctx: ClickContext): Promise<Reply[]> {
  ownButton(ctx);
  if (ctx.args.length !== 1 || ctx.me.planTurnedAt !== null) refuse("stale", NOT_FOR_YOU);
  const { db, now, me } = ctx;
  await db.setPlanTurned(me.id, now);
  await db.appendEvent({ personId: me.id, actorId: me.id, kind: "plan-turned", at: now });
  const turned: PersonRow = { ...me, planTurnedAt: now };
  const cs = await setAsideCommitments({ db, me: turned });
  return [
    {
      ...toSender(
        lines(
          rich(
            `Recorded. Their answer stands, and your plan turns to your own growth: `,
            code("/plan"),
            ` now suggests ${GROWTH}, and ${SET_ASIDE.toLowerCase()} show as not now.`,
          ),
          ...endOffer(cs),
          rich("If you pressed this by mistake, Undo puts the plan back as it was."),
        ),
        [...endButtons(cs), [undoButton(turned)]],
      ),
      settles: rich("Recorded: they said no."),
    },
  ];
}

/** Undo: clears the turn; the plan is as it was. Commitments already ended stay ended. */
export async function undoTurnClick(ctx: ClickContext): Promise<Reply[]> {
  ownButton(ctx);
  const { db, now, me } = ctx;
  // Only the turn this button was offered for: an Undo left over from an earlier turn does nothing.
  if (ctx.args.length !== 2 || me.planTurnedAt === null || String(me.planTurnedAt) !== ctx.args[1])
    refuse("stale", NOT_FOR_YOU);
  await db.clearPlanTurned(me.id);
  await db.appendEvent({
    personId: me.id,
    actorId: me.id,
    kind: "plan-turn-undone",
    data: { turnedAt: me.planTurnedAt },
    at: now,
  });
  return [
    {
      ...toSender(
        rich(
          "Undone. Your plan is as it was before, and ",
          code("/plan"),
          " shows every step again. Anything you ended stays ended.",
        ),
      ),
      settles: rich("Undone."),
    },
  ];
}

/**
 * "End #n" after the turn: ends one commitment set aside through the ordinary cancel path, so a
 * witnessed one waits its 24 hours and the witness is told. Offered only to its owner, while the
 * plan has turned and the commitment is active; the other buttons stay, each its own choice.
 */
export async function endSetAsideClick(ctx: ClickContext): Promise<Reply[]> {
  const id = idArg(ctx.args[0]);
  const parties =
    id === undefined || ctx.args.length !== 1 ? undefined : await ctx.db.commitmentWithParties(id);
  const c = parties?.commitment;
  if (
    !c ||
    c.ownerId !== ctx.me.id ||
    c.state !== "active" ||
    !hasTurned(ctx.me) ||
    c.step === null ||
    !CONTACT_STEPS.includes(c.step)
  ) {
    refuse("not-offered", NOT_FOR_YOU);
  }
  return await cancel(commandFromClick(ctx, { commitment: String(c.number) }));
}
