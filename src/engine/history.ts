/**
 * `/history <commitment>`: its check-ins and its changes, in plain words. A window that closed
 * with no answer reads "no answer" (a miss is what the person says), a run of them is one
 * line, and the consistency figure comes with words, never bare.
 */
import { formatLocal, formatLocalTime } from "../cadence";
import { lines, rich } from "../richtext";
import type { CheckInRow, CommitmentRow, StoreTx } from "../store/port";
import type { Reply } from "../types";
import { consistencyWords, describeCounts } from "./consistency-words";
import type { CommandContext } from "./context";
import { cadenceText, day, label, stateLine } from "./format";
import { historyPhrase } from "./history-words";
import { ownCommitment } from "./lookups";
import { toSender } from "./replies";
import { consistencyFactsFor, type OutcomeCounts } from "./stats";

/** How many lines of check-ins and of changes /history shows. */
const SHOWN = 10;
/** How many check-ins are read to fill them (a run of unanswered ones takes one line). */
const READ = 40;
/** A run of at least this many unanswered check-ins is told as one line. */
const RUN = 3;

const ANSWER: Record<string, string> = { kept: "kept ✓", partly: "partly kept", missed: "missed" };
const VERDICT: Record<string, string> = {
  confirmed: " (confirmed by your witness)",
  disputed: " (disputed by your witness)",
  unsure: " (your witness wasn't sure)",
};

/** What became of one check-in, in words. */
export function checkInWords(ci: Pick<CheckInRow, "state" | "answer" | "verdict">): string {
  switch (ci.state) {
    case "answered":
      return `${ANSWER[ci.answer ?? ""] ?? "answered"}${ci.verdict ? (VERDICT[ci.verdict] ?? "") : ""}`;
    case "pending":
      return "open";
    case "missed":
      return "no answer";
    case "skipped":
      return "passed while I was down";
  }
}

function checkInLine(ci: CheckInRow, zone: string): string {
  // A catch-up after downtime: one row, and one line, for everything it skipped.
  if (ci.state === "skipped" && ci.skippedThrough !== null && (ci.skippedCount ?? 0) > 1) {
    const from = ci.dueAt;
    const through = ci.skippedThrough;
    const span =
      day(from, zone) === day(through, zone)
        ? `${formatLocal(from, zone)} to ${formatLocalTime(through, zone)}`
        : `${day(from, zone)} to ${day(through, zone)}`;
    return `${span}: ${ci.skippedCount} check-ins passed while I was down`;
  }
  // Later notes sit on lines of their own; indent them under their check-in.
  const note = ci.note ? ` — “${ci.note.replaceAll("\n", "\n      ")}”` : "";
  return `${formatLocal(ci.dueAt, zone)}: ${checkInWords(ci)}${note}`;
}

/**
 * The check-in lines, newest first: each check-in on its own line, except that a run of
 * {@link RUN} or more unanswered ones in a row reads as one ("Thu 3 Dec 2026 to Sat 12 Dec
 * 2026: 10 in a row got no answer"), so silence does not fill the screen, and so does a skipped
 * range (catch-up after downtime: "Thu 3 Dec 2026 to Thu 31 Dec 2026: 29 check-ins passed while
 * I was down").
 */
export function checkInLines(newestFirst: CheckInRow[], zone: string, limit = SHOWN): string[] {
  const out: string[] = [];
  for (let i = 0; i < newestFirst.length && out.length < limit; ) {
    let j = i;
    while (j < newestFirst.length && newestFirst[j]?.state === "missed" && !newestFirst[j]?.note) j++;
    const run = newestFirst.slice(i, j);
    const newest = run[0];
    const oldest = run.at(-1);
    if (run.length >= RUN && newest && oldest) {
      out.push(
        `${day(oldest.dueAt, zone)} to ${day(newest.dueAt, zone)}: ${run.length} in a row got no answer`,
      );
      i = j;
    } else {
      const ci = newestFirst[i];
      if (ci) out.push(checkInLine(ci, zone));
      i++;
    }
  }
  return out;
}

/**
 * What happened over a commitment's whole life, in words ("kept 1 of 11, 1 confirmed by jo;
 * 10 got no answer"), for one that has ended; null when no check-in counted.
 */
export async function wholeWords(db: StoreTx, c: CommitmentRow): Promise<string | null> {
  const t = await db.checkInTally(c.id);
  if (t.counted === 0) return null;
  const counts: OutcomeCounts = {
    total: t.counted,
    kept: t.kept,
    partly: t.partly,
    missed: t.counted - t.kept - t.partly - t.unanswered,
    unanswered: t.unanswered,
    confirmed: t.confirmed,
    disputed: 0,
  };
  const witness = c.witnessId !== null ? await db.getPerson(c.witnessId) : undefined;
  return describeCounts(counts, "all", witness?.name ?? "your witness");
}

/** `/history <commitment>` */
export async function history(ctx: CommandContext): Promise<Reply[]> {
  const c = await ownCommitment(ctx);
  const checkIns = await ctx.db.listCheckIns(c.id, READ);
  const events = await ctx.db.listCommitmentEvents(c.id, SHOWN);
  const witness =
    c.witnessStatus === "active" && c.witnessId !== null ? await ctx.db.getPerson(c.witnessId) : undefined;
  const ended = c.state === "completed" || c.state === "cancelled";
  // An ended commitment is told whole; an open one by its consistency, in words.
  const going = ended
    ? ((await wholeWords(ctx.db, c)) ?? "it ended before any check-in")
    : consistencyWords(await consistencyFactsFor(ctx.db, c.id), witness?.name ?? "your witness");
  const streak =
    c.streak > 0 ? ` Streak ${c.streak}${c.verifiedStreak > 0 ? `, verified ${c.verifiedStreak}` : ""}.` : "";
  const checkInRows =
    checkIns.length > 0
      ? checkInLines(checkIns, c.zone).map((line) => `   ${line}`)
      : [`   none yet${c.nextDueAt ? `; the first is ${formatLocal(c.nextDueAt, c.zone)}` : ""}`];
  const eventRows = events.map((e) => `   ${formatLocal(e.at, c.zone)}: ${historyPhrase(e, c.zone)}`);
  return [
    toSender(
      lines(
        rich(label(c), ` — ${cadenceText(c)}, `, stateLine(c)),
        `${going.charAt(0).toUpperCase()}${going.slice(1)}.${streak}`,
        "Check-ins (newest first):",
        ...checkInRows,
        "Changes:",
        ...eventRows,
      ),
    ),
  ];
}
