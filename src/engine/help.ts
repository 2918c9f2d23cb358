/** /help: what Amends is and how each command reads. */
import { COMMANDS, findCommand } from "../commands/table";
import { refuse } from "../errors";
import { bold, code, lines, rich } from "../richtext";
import type { Reply } from "../types";
import type { CommandContext } from "./context";
import { toSender } from "./replies";

/** `/help [command]` */
export function help(ctx: CommandContext): Reply[] {
  const topic = ctx.args.command?.replace(/^\//, "").trim();
  if (topic) {
    const spec = findCommand(topic);
    if (!spec) refuse("unknown-topic", `There's no /${topic}. Send /help for the list.`);
    const options = spec.options.map(
      (o) => `   ${o.name}${o.required ? "" : " (optional)"}: ${o.description}`,
    );
    return [
      toSender(
        lines(
          rich(bold(`/${spec.name}`), ` — ${spec.description}`),
          ...("details" in spec && spec.details ? [spec.details] : []),
          ...(options.length > 0 ? ["Options:", ...options] : []),
          rich("Example: ", code(spec.example)),
        ),
      ),
    ];
  }
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
        ...COMMANDS.map((c) => `/${c.name} — ${c.description}`),
        rich("Options go as ", code("name: value"), "; ", code("/help commit"), " explains one command."),
        "I'm not a counsellor. If this is weighing on you, talking with one can help.",
      ),
    ),
  ];
}
