/**
 * `/status`: where my commitments stand (PRODUCT §4, §5). For each open one: its schedule and
 * next check-in, how it is going in words (never a bare score), whether it is private, who
 * witnesses it or who was invited, and a change waiting out its 24 hours. Then what ended in
 * the last seven days and how, and, for someone who witnesses others, the "You witness" part
 * with a Step down button each. The reply is only for the person who asked (sender-only).
 */
import { bold, code, lines, type Part, rich } from "../richtext";
import type { CheckInRow, CommitmentRow, CountedCheckIn, OwnCommitment, StoreTx } from "../store/port";
import type { Platform, Reply, RichText } from "../types";
import { consistencyWords } from "./consistency-words";
import { type CommandContext, zoneOf } from "./context";
import { cadenceText, changeWords, label, shortDay, stateLine, when } from "./format";
import { history, wholeWords } from "./history";
import { toSender } from "./replies";
import { consistencyFacts } from "./stats";
import { witnessPart } from "./status-witness";
import { INVITE_DAYS } from "./witness";

// /history lives in its own file; index.ts finds it here, beside /status, as it always has.
export { history };

/** How far back /status shows commitments that ended. */
const RECENT_END_MS = 7 * 86_400_000;
const START_EXAMPLE = "/commit Call my sister every Sunday cadence: weekly sun 18:00";

/** `/status` */
export async function status(ctx: CommandContext): Promise<Reply[]> {
  const { db, me, now } = ctx;
  // Four statements for all of the person's commitments and the ones they witness (store/views.ts);
  // only an open invitation and a commitment ended this week read more.
  const all = await db.ownCommitments(me.id);
  const open = all.filter((v) => v.commitment.state === "active" || v.commitment.state === "paused");
  const zone = zoneOf(me, ctx.deps.config);
  const ended = all
    .filter((v) => (v.endedAt ?? 0) > now - RECENT_END_MS)
    .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
  const earlier = all.length - open.length - ended.length;
  const witnessing = await witnessPart(ctx);

  if (open.length === 0 && ended.length === 0 && !witnessing) {
    const finished = earlier > 0 ? ` (${earlier} finished or cancelled; /history #n shows each)` : "";
    return [toSender([`You have no open commitments${finished}. Start one with `, code(START_EXAMPLE), "."])];
  }

  const counted = open.length > 0 ? await db.countedOfOwner(me.id) : new Map<number, CountedCheckIn[]>();
  const text: (RichText | string | null)[] = [];
  if (open.length > 0) {
    text.push(rich(bold("Your commitments"), ` (times in ${zone})`));
    for (const v of open) {
      text.push(await openRow(db, v, counted.get(v.commitment.id) ?? [], zone, now, me.platform as Platform));
    }
  }
  if (ended.length > 0) {
    text.push(rich(bold("Ended in the last 7 days")));
    for (const v of ended) text.push(await endedRow(db, v.commitment, v.endedAt ?? now));
    if (open.length === 0) text.push(rich(code("/commit"), " starts a new one when you're ready."));
  }
  if (earlier > 0) {
    text.push(
      earlierLine(all.filter((v) => !open.includes(v) && !ended.includes(v)).map((v) => v.commitment)),
    );
  }
  if (witnessing) text.push(...witnessing.lines);
  return [toSender(lines(...text), witnessing?.buttons)];
}

/** "#1 and #5 ended earlier; /history with the number shows how each went." */
function earlierLine(earlier: CommitmentRow[]): string {
  const numbers = earlier.map((c) => `#${c.number}`);
  if (numbers.length === 1) return `${numbers[0]} ended earlier; /history ${numbers[0]} shows how it went.`;
  const which =
    numbers.length <= 3
      ? `${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`
      : `${numbers.length} more`;
  return `${which} ended earlier; /history with the number shows how each went.`;
}

/**
 * One open commitment: what, when, how it is going, and who stands by it. `counted` are its
 * newest counted check-ins, newest first: the first is how the last one went.
 */
async function openRow(
  db: StoreTx,
  v: OwnCommitment,
  counted: CountedCheckIn[],
  zone: string,
  now: number,
  platform: Platform,
): Promise<RichText> {
  const c = v.commitment;
  const witness = c.witnessStatus === "active" && c.witnessId !== null ? v.witnessName : null;
  const by = witness ?? "your witness";
  const words = consistencyWords(consistencyFacts(counted), by);
  const last = counted[0];
  // An unanswered last check-in is in the words already ("the last 5 got no answer").
  const lastSaid = last?.state === "missed" && words.includes("no answer") ? null : lastLine(last, c.zone);
  const going = [
    lastSaid,
    c.streak > 0 ? `streak ${c.streak}${c.verifiedStreak > 0 ? `, verified ${c.verifiedStreak}` : ""}` : null,
    words,
  ].filter((s): s is string => s !== null);
  const standing = [await witnessLine(db, v, witness, now, platform), pendingLine(c)].filter(
    (p) => p !== null,
  );
  return rich(
    label(c),
    c.visibility === "private" ? " (private)" : "",
    `\n   ${cadenceText(c)} · `,
    stateLine(c),
    c.zone !== zone ? ` (${c.zone})` : "",
    `\n   ${going.join(" · ")}`,
    standing.length > 0 ? ["\n   ", ...joinParts(standing, " · ")] : "",
  );
}

/** "last kept ✓ (Sun 29 Nov)": how the newest finished check-in went. */
function lastLine(
  last: Pick<CheckInRow, "state" | "answer" | "dueAt"> | undefined,
  zone: string,
): string | null {
  if (!last) return null;
  const date = shortDay(last.dueAt, zone);
  if (last.state === "missed") return `the last one got no answer (${date})`;
  return `last ${LAST_ANSWER[last.answer ?? ""] ?? "answered"} (${date})`;
}

const LAST_ANSWER: Record<string, string> = { kept: "kept ✓", partly: "partly kept", missed: "missed" };

/** "witness: jo", or where an invitation stands. */
async function witnessLine(
  db: StoreTx,
  v: OwnCommitment,
  name: string | null,
  now: number,
  platform: Platform,
): Promise<string | null> {
  const c = v.commitment;
  if (c.witnessStatus === "active") return `witness: ${name ?? "someone who left Amends"}`;
  if (c.witnessStatus !== "invited") return null;
  const invite = c.witnessInvite ?? "";
  const who = invite.startsWith("@")
    ? invite
    : ((await db.findPerson(platform, invite.replace(/^id:/, "")))?.name ?? "the person you invited");
  const sent = v.invitedAt;
  if (sent !== null && sent + INVITE_DAYS * 86_400_000 <= now) {
    return `the invitation to ${who} has expired; /witness #${c.number} asks again`;
  }
  return `invited ${who} to witness it, waiting for an answer`;
}

/** "you asked to make it easier (every 3 days at 20:00); that takes effect Fri 4 Dec 2026, 12:00". */
function pendingLine(c: CommitmentRow): Part[] | null {
  if (!c.pendingChange || c.pendingChangeAt === null) return null;
  const what = c.pendingChange.cancel
    ? "you asked to cancel it"
    : `you asked to make it easier${changeWords(c.pendingChange)}`;
  return [`${what}; that takes effect ${when(c.pendingChangeAt, c.zone)}`];
}

/** One commitment that ended this past week, and how, in a few words. */
async function endedRow(db: StoreTx, c: CommitmentRow, at: number): Promise<RichText> {
  const date = shortDay(at, c.zone);
  if (c.state === "cancelled") return rich(label(c), ` — cancelled ${date}`);
  const how = await wholeWords(db, c);
  return rich(label(c), how ? ` — ended ${date}: ${how}` : ` — ended ${date}, before any check-in`);
}

/** Joins rich parts with a separator. */
function joinParts(items: Part[], sep: string): Part[] {
  return items.flatMap((p, i) => (i === 0 ? [p] : [sep, p]));
}
