/**
 * /plan and /step: the 13 steps and the owner's progress through them.
 *
 * Once the owner has recorded at step 11 that the other person said no (src/engine/turn.ts),
 * the contact steps show as "not now" without their words, the plan suggests the growth steps,
 * and the other steps speak in their after-the-turn words: nothing here suggests contact then.
 * Examples are built for the person's local date, so a date in them is still ahead.
 */

import { localDate } from "../cadence";
import { refuse } from "../errors";
import { bold, code, italic, lines, rich } from "../richtext";
import {
  GROWTH_STEPS,
  guidanceFor,
  isSetAside,
  STEPS,
  type Step,
  stepByNumber,
  suggestionFor,
} from "../steps";
import type { Reply } from "../types";
import { type CommandContext, zoneOf } from "./context";
import { label, stateLine } from "./format";
import { toSender } from "./replies";
import { hasTurned, setAsideStep, stepElevenTurn } from "./turn";

type Progress = "done" | "started" | "open";

/** A step is done once one of its commitments completed, started while one is active or paused. */
async function progressByStep(ctx: CommandContext): Promise<Map<number, Progress>> {
  const out = new Map<number, Progress>();
  for (const { step, state } of await ctx.db.stepProgress(ctx.me.id)) {
    if (state === "completed") out.set(step, "done");
    else if ((state === "active" || state === "paused") && out.get(step) !== "done") out.set(step, "started");
  }
  return out;
}

// Filled, half, empty: a check mark is the one emoji a message may carry (on a kept answer),
// and a plan with several steps done would otherwise show several.
const MARK: Record<Progress, string> = { done: "●", started: "◐", open: "○" };
const NOT_NOW_MARK = "·";

/** The person's local date, for examples that carry a date. */
function today(ctx: CommandContext): string {
  return localDate(ctx.now, zoneOf(ctx.me, ctx.deps.config));
}

/**
 * Progress by step, and the step to suggest next: the first not yet begun or, once the plan has
 * turned, the first such growth step. Recording their answer is what step 11 asks, so the turn
 * itself completes it.
 */
async function whereTheyAre(ctx: CommandContext, turned: boolean) {
  const progress = await progressByStep(ctx);
  if (turned) progress.set(11, "done");
  const isOpen = (s: Step) => (progress.get(s.number) ?? "open") === "open";
  const next = turned ? STEPS.find((s) => GROWTH_STEPS.includes(s.number) && isOpen(s)) : STEPS.find(isOpen);
  return { progress, next };
}

/** `/plan` */
export async function plan(ctx: CommandContext): Promise<Reply[]> {
  const turned = hasTurned(ctx.me);
  const { progress, next } = await whereTheyAre(ctx, turned);
  const rows = STEPS.map((s) => {
    const n = String(s.number).padStart(2);
    // A step set aside shows no title: each of them names a way of reaching the other person.
    if (isSetAside(s.number, turned)) return `${NOT_NOW_MARK} ${n}. not now`;
    const p = progress.get(s.number) ?? "open";
    return `${MARK[p]} ${n}. ${s.title}${p === "open" ? "" : ` (${p})`}`;
  });
  const legend = ` — ${MARK.done} done, ${MARK.started} started, ${MARK.open} not yet${turned ? `, ${NOT_NOW_MARK} not now` : ""}`;
  const nextLine = next
    ? rich(
        "Next: step ",
        String(next.number),
        ", ",
        next.title,
        ". ",
        code(`/step ${next.number}`),
        " tells more.",
      )
    : turned
      ? "You have worked on every step about your own growth. Step 13 goes on for as long as you keep it."
      : "You have worked on every step. Step 13 goes on for as long as you keep it.";
  return [
    toSender(
      lines(
        rich(bold("The repair plan"), legend),
        ...rows,
        turned ? "Since their answer at step 11, your plan turns to your own growth." : null,
        nextLine,
      ),
    ),
  ];
}

/** `/step <n>` */
export async function step(ctx: CommandContext): Promise<Reply[]> {
  const n = Number(ctx.args.number);
  const s: Step | undefined = stepByNumber(n);
  if (!s)
    refuse("bad-step", `The plan has steps 1 to 13, so there's no step ${ctx.args.number}. Example: /step 5`);
  const turned = hasTurned(ctx.me);
  if (isSetAside(s.number, turned))
    return [await setAsideStep(ctx, s, (await whereTheyAre(ctx, turned)).next)];
  const mine = (await ctx.db.listCommitments(ctx.me.id)).filter((c) => c.step === s.number);
  const yours =
    mine.length > 0
      ? mine.map((c) => rich("   ", label(c), " — ", stateLine(c)))
      : [rich("   nothing yet. ", suggestionFor(s, today(ctx), turned))];
  const turn = s.number === 11 ? await stepElevenTurn(ctx) : { top: [], bottom: [], buttons: [] };
  return [
    toSender(
      lines(
        rich(bold(`Step ${s.number}: ${s.title}`)),
        ...turn.top,
        guidanceFor(s, turned),
        rich("Ask yourself: ", italic(s.question)),
        "Yours:",
        ...yours,
        ...turn.bottom,
      ),
      turn.buttons.length > 0 ? turn.buttons : undefined,
    ),
  ];
}
