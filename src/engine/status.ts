/** /status and /history: where my commitments stand. */
import { formatLocal } from "../cadence";
import { bold, code, lines, rich } from "../richtext";
import { latestOutcomes } from "../store/checkins";
import { listCheckIns, listCommitments } from "../store/commitments";
import { listCommitmentEvents } from "../store/events";
import type { CheckInRow } from "../store/schema";
import type { Reply, RichText } from "../types";
import { ownCommitment } from "./commitments";
import { type CommandContext, zoneOf } from "./context";
import { cadenceText, label, stateLine } from "./format";
import { historyPhrase } from "./history-words";
import { toSender } from "./replies";

/** `/status` */
export function status(ctx: CommandContext): Reply[] {
  const all = listCommitments(ctx.db, ctx.me.id);
  const open = all.filter((c) => c.state === "active" || c.state === "paused");
  const zone = zoneOf(ctx.me, ctx.deps.config);
  if (open.length === 0) {
    const finished = all.length > 0 ? ` (${all.length} finished or cancelled; /history #n shows each)` : "";
    return [
      toSender([
        `You have no open commitments${finished}. Start one with `,
        code("/commit Call my sister every Sunday cadence: weekly sun 18:00"),
        ".",
      ]),
    ];
  }
  const outcomes = latestOutcomes(ctx.db, ctx.me.id);
  const rows: RichText[] = open.map((c) =>
    rich(
      label(c),
      `\n   ${cadenceText(c)} · `,
      stateLine(c),
      lastLine(outcomes.get(c.id), c.zone),
      ` · streak ${c.streak}`,
      c.verifiedStreak > 0 ? `, verified ${c.verifiedStreak}` : "",
      c.consistency !== null ? ` · trust ${Math.round(c.consistency)}/100` : "",
      c.zone !== zone ? ` (${c.zone})` : "",
    ),
  );
  const closed = all.length - open.length;
  return [
    toSender(
      lines(
        rich(bold("Your commitments"), ` (times in ${zone})`),
        ...rows,
        closed > 0 ? `${closed} more finished or cancelled; /history #n shows any of them.` : null,
      ),
    ),
  ];
}

/** " · last kept ✓ (Sun 29 Nov)": how the newest finished check-in went. */
function lastLine(last: Pick<CheckInRow, "state" | "answer" | "dueAt"> | undefined, zone: string): string {
  if (!last) return "";
  const what = last.state === "missed" ? "missed" : (ANSWER_MARK[last.answer ?? ""] ?? "answered");
  return ` · last ${what} (${formatLocal(last.dueAt, zone).replace(/ \d{4},.*$/, "")})`;
}

const ANSWER_MARK: Record<string, string> = { kept: "kept ✓", partly: "partly", missed: "missed" };

function checkInLine(ci: CheckInRow, zone: string): string {
  const what =
    ci.state === "answered"
      ? (ANSWER_MARK[ci.answer ?? ""] ?? "answered")
      : ci.state === "pending"
        ? "open"
        : ci.state;
  const verdict = ci.verdict ? ` (${ci.verdict} by your witness)` : "";
  // Later notes sit on lines of their own; indent them under their check-in.
  const note = ci.note ? ` — “${ci.note.replaceAll("\n", "\n      ")}”` : "";
  return `${formatLocal(ci.dueAt, zone)}: ${what}${verdict}${note}`;
}

/** `/history <commitment>` */
export function history(ctx: CommandContext): Reply[] {
  const c = ownCommitment(ctx);
  const checkIns = listCheckIns(ctx.db, c.id, 10);
  const events = listCommitmentEvents(ctx.db, c.id, 10);
  const checkInRows =
    checkIns.length > 0
      ? checkIns.map((ci) => `   ${checkInLine(ci, c.zone)}`)
      : [`   none yet${c.nextDueAt ? `; the first is ${formatLocal(c.nextDueAt, c.zone)}` : ""}`];
  const eventRows = events.map((e) => `   ${formatLocal(e.at, c.zone)}: ${historyPhrase(e, c.zone)}`);
  return [
    toSender(
      lines(
        rich(label(c), ` — ${cadenceText(c)}, `, stateLine(c)),
        `Streak ${c.streak}, verified ${c.verifiedStreak}${c.consistency !== null ? `, trust ${Math.round(c.consistency)}/100` : ""}.`,
        "Check-ins (newest first):",
        ...checkInRows,
        "Changes:",
        ...eventRows,
      ),
    ),
  ];
}
