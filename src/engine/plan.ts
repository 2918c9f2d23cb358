/** /plan and /step: the 13 steps and the owner's progress through them. */

import { refuse } from "../errors";
import { bold, code, italic, lines, rich } from "../richtext";
import { STEPS, type Step, stepByNumber } from "../steps";
import { listCommitments, stepProgress } from "../store/commitments";
import type { Reply } from "../types";
import type { CommandContext } from "./context";
import { label, stateLine } from "./format";
import { toSender } from "./replies";

type Progress = "done" | "started" | "open";

/** A step is done once one of its commitments completed, started while one is active or paused. */
function progressByStep(ctx: CommandContext): Map<number, Progress> {
  const out = new Map<number, Progress>();
  for (const { step, state } of stepProgress(ctx.db, ctx.me.id)) {
    if (state === "completed") out.set(step, "done");
    else if ((state === "active" || state === "paused") && out.get(step) !== "done") out.set(step, "started");
  }
  return out;
}

const MARK: Record<Progress, string> = { done: "✓", started: "◐", open: "○" };

/** `/plan` */
export function plan(ctx: CommandContext): Reply[] {
  const progress = progressByStep(ctx);
  const next = STEPS.find((s) => (progress.get(s.number) ?? "open") === "open");
  const rows = STEPS.map((s) => {
    const p = progress.get(s.number) ?? "open";
    return `${MARK[p]} ${String(s.number).padStart(2)}. ${s.title}${p === "open" ? "" : ` (${p})`}`;
  });
  return [
    toSender(
      lines(
        rich(bold("The repair plan"), " — ✓ done, ◐ started, ○ not yet"),
        ...rows,
        next
          ? rich(
              "Next: step ",
              String(next.number),
              ", ",
              next.title,
              ". ",
              code(`/step ${next.number}`),
              " tells more.",
            )
          : "You have worked on every step. Step 13 goes on for as long as you keep it.",
      ),
    ),
  ];
}

/** `/step <n>` */
export function step(ctx: CommandContext): Reply[] {
  const n = Number(ctx.args.number);
  const s: Step | undefined = stepByNumber(n);
  if (!s)
    refuse("bad-step", `The plan has steps 1 to 13, so there's no step ${ctx.args.number}. Example: /step 5`);
  const mine = listCommitments(ctx.db, ctx.me.id).filter((c) => c.step === s.number);
  const yours =
    mine.length > 0
      ? mine.map((c) => rich("   ", label(c), " — ", stateLine(c)))
      : [rich("   nothing yet. ", s.suggestion)];
  return [
    toSender(
      lines(
        rich(bold(`Step ${s.number}: ${s.title}`)),
        s.guidance,
        rich("Ask yourself: ", italic(s.question)),
        "Yours:",
        ...yours,
      ),
    ),
  ];
}
