/**
 * /help: what Amends is and how each command reads. To someone who witnesses a commitment it
 * also speaks about that role, and `/help witness` explains the role to anyone (PRODUCT §5).
 * Examples name nobody, so they never collide with the names of the people reading.
 */
import { type Examples, examplesAt } from "../commands/examples";
import { COMMANDS, findCommand, type OptionSpec } from "../commands/table";
import { excerpt } from "../commands/text";
import { refuse } from "../errors";
import { bold, code, lines, rich } from "../richtext";
import type { Reply, RichText } from "../types";
import { type CommandContext, zoneOf } from "./context";
import { plural } from "./format";
import { toSender } from "./replies";

/** What a witness does, for anyone: what they are asked, what they hear, and that they can stop. */
const ROLE =
  "A witness is a friend the person asked to stand by one commitment, not a supervisor. After a kept or " +
  "partly check-in I ask the witness privately whether it matches what they've seen (Confirm, Dispute or " +
  "Not sure). If the person allows it, I tell them when two check-ins in a row are missed, and on Sunday " +
  "evenings they get a short digest of the week. Nothing else is asked of them.";

/** For someone who witnesses something now: where to see it and how to stop. */
function rolePart(count: number): RichText {
  return rich(
    bold("You witness "),
    bold(plural(count, "commitment")),
    bold("."),
    " After a kept or partly check-in I'll ask you whether it matches what you've seen; on Sundays you get a ",
    "short digest. ",
    code("/status"),
    " shows what you witness, with a Step down button for each; the person is told if you step down. ",
    code("/help witness"),
    " says more.",
  );
}

/** How many commitments the person witnesses now (accepted, still open). */
async function witnessing(ctx: CommandContext): Promise<number> {
  return (await ctx.db.listWitnessed(ctx.me.id)).filter(
    (c) => c.witnessStatus === "active" && (c.state === "active" || c.state === "paused"),
  ).length;
}

/** `/help witness`: the role, then how to ask someone to take it. */
async function witnessHelp(ctx: CommandContext): Promise<Reply[]> {
  const count = await witnessing(ctx);
  return [
    toSender(
      lines(
        rich(bold("Being a witness")),
        ROLE,
        count > 0
          ? rich(
              "You witness ",
              plural(count, "commitment"),
              " now. ",
              code("/status"),
              " lists them, with a Step down button for each; the person is told if you step down.",
            )
          : rich("A witness can step down any time from ", code("/status"), "; the person is told."),
        rich(
          "To ask someone, send ",
          code("/witness #1 @their_name"),
          " in a group you share (add ",
          code("alerts: off"),
          " if they shouldn't hear about misses); only they can accept, and nothing is sent to them before they do. ",
          code("/unwitness #1"),
          " removes a witness.",
        ),
      ),
    ),
  ];
}

/** The commands whose help also shows an example with an end date, built for today. */
const DATED: Partial<Record<string, (e: Examples) => string>> = {
  commit: (e) => e.commitUntil,
  edit: (e) => e.editUntil,
};

/**
 * An option's line in `/help <command>`: the table's words, except that a date option shows a
 * date of this month rather than the platform menus' undated wording.
 */
function describe(option: OptionSpec, examples: Examples, command: string): string {
  if (option.hint !== "date") return option.description;
  return command === "edit"
    ? `New last day, like ${examples.until}, or none`
    : `Last day, like ${examples.until}`;
}

/** `/help [command]` */
export async function help(ctx: CommandContext): Promise<Reply[]> {
  const topic = ctx.args.command?.replace(/^\//, "").trim();
  if (topic?.toLowerCase() === "witness") return await witnessHelp(ctx);
  if (topic) {
    const spec = findCommand(topic);
    if (!spec) refuse("unknown-topic", `There's no /${excerpt(topic, 30)}. Send /help for the list.`);
    // Dated examples are built for the reader's own today, so copying one works (PRODUCT §3).
    const examples = examplesAt(ctx.now, zoneOf(ctx.me, ctx.deps.config));
    const options = spec.options.map(
      (o) => `   ${o.name}${o.required ? "" : " (optional)"}: ${describe(o, examples, spec.name)}`,
    );
    const dated = DATED[spec.name]?.(examples);
    return [
      toSender(
        lines(
          rich(bold(`/${spec.name}`), ` — ${spec.description}`),
          ...("details" in spec && spec.details ? [spec.details] : []),
          ...(options.length > 0 ? ["Options:", ...options] : []),
          rich("Example: ", code(spec.example)),
          dated ? rich("With an end date: ", code(dated)) : null,
        ),
      ),
    ];
  }
  const count = await witnessing(ctx);
  return [
    toSender(
      lines(
        rich(
          bold("Amends"),
          " helps you keep promises to someone you hurt: make a commitment, I check in on schedule, ",
          "and a friend you trust can confirm it's real.",
        ),
        rich(
          "Start with ",
          code("/commit Call my sister every Sunday cadence: weekly sun 18:00"),
          " and ",
          code("/plan"),
          ".",
        ),
        count > 0 ? rolePart(count) : null,
        ...COMMANDS.map((c) => `/${c.name} — ${c.description}`),
        rich("Options go as ", code("name: value"), "; ", code("/help commit"), " explains one command."),
        "I'm not a counsellor. If this is weighing on you, talking with one can help.",
      ),
    ),
  ];
}
