/** The witness's weekly digest, sent on Sunday evening in the witness's zone. */
import { addDays, localDate, localToInstant, weekdayOf } from "../cadence";
import { bold, italic, lines, rich } from "../richtext";
import type { CheckInRow, CommitmentRow, PersonRow, StoreTx } from "../store/port";
import type { RichText } from "../types";
import { describeCounts } from "./consistency-words";
import { plural } from "./format";
import { stepDownButton } from "./messages";
import { purpose } from "./purposes";
import { dmOf } from "./recipients";
import { countOutcomes, type OutcomeCounts } from "./stats";

/** Digests go out at this local time on Sundays. */
const DIGEST_AT = { hour: 19, minute: 0 };
const WEEK_MS = 7 * 86_400_000;

/** The next Sunday 19:00 in `zone` strictly after `now`. */
export function nextDigestAt(now: number, zone: string): number {
  const today = localDate(now, zone);
  const sunday = addDays(today, (7 - weekdayOf(today)) % 7);
  const at = localToInstant(sunday, DIGEST_AT, zone);
  return at > now ? at : localToInstant(addDays(sunday, 7), DIGEST_AT, zone);
}

/**
 * Makes sure a person who now witnesses something has a digest planned: the first Sunday at
 * least three days away, so the first digest has a few days to tell about.
 */
export async function planDigest(
  db: StoreTx,
  witness: PersonRow,
  now: number,
  defaultZone: string,
): Promise<void> {
  if (witness.nextDigestAt !== null) return;
  await db.updatePerson(witness.id, {
    nextDigestAt: nextDigestAt(now + 3 * 86_400_000, witness.zone ?? defaultZone),
  });
}

/** Queues one witness's digest (if they still witness anything) and plans the next. */
export async function sendDigest(
  db: StoreTx,
  witness: PersonRow,
  now: number,
  defaultZone: string,
): Promise<boolean> {
  const zone = witness.zone ?? defaultZone;
  const active = (await db.listWitnessed(witness.id)).filter(
    (c) => c.witnessStatus === "active" && (c.state === "active" || c.state === "paused"),
  );
  if (active.length === 0) {
    await db.updatePerson(witness.id, { nextDigestAt: null });
    return false;
  }
  const rows: RichText[] = [];
  const buttons = [];
  let quiet = false;
  let waiting = 0;
  for (const c of active) {
    const owner = await db.getPerson(c.ownerId);
    const name = owner?.name ?? "someone";
    if (buttons.length < 5) buttons.push([stepDownButton(c, name)]);
    const week = await weekOf(db, c.id, now);
    const n = countOutcomes(week.resolved);
    // Half or more of the week's check-ins went unanswered: worth a word, not a reminder.
    if (n.total > 0 && n.unanswered * 2 >= n.total) quiet = true;
    for (const x of week.resolved) {
      if ((x.answer === "kept" || x.answer === "partly") && x.verdict === null) {
        if (await db.offeredTo(purpose("verify", x.id), witness.id)) waiting++;
      }
    }
    rows.push(
      rich(`${name}'s `, bold(`#${c.number}`), " ", italic(c.promise), `: ${weekWords(c, week, n)}.`),
    );
  }
  const queued = await db.enqueue({
    purpose: purpose("digest", witness.id, localDate(now, zone)),
    // No group fallback: the digest counts misses, and a miss is never announced in the group.
    to: dmOf(witness),
    message: {
      text: lines(rich(bold("Your week as a witness")), ...rows, nextStep(quiet, waiting)),
      visibility: "chat",
      buttons,
    },
    personId: witness.id,
    notBefore: now,
    now,
  });
  await db.updatePerson(witness.id, { nextDigestAt: nextDigestAt(now, zone) });
  return queued;
}

/** A commitment's week: the check-ins that came to an outcome in it, and those still open or due. */
interface Week {
  /** Answered, or closed unanswered, in the last seven days. */
  resolved: CheckInRow[];
  /** Due in the last seven days and still open. */
  open: number;
}

async function weekOf(db: StoreTx, commitmentId: number, now: number): Promise<Week> {
  const rows = await db.checkInsBetween(commitmentId, now - 3 * WEEK_MS, now);
  const resolvedAt = (x: CheckInRow) => x.answeredAt ?? (x.state === "missed" ? x.windowEnd : null);
  return {
    resolved: rows.filter((x) => {
      const at = resolvedAt(x);
      return at !== null && at > now - WEEK_MS && at <= now;
    }),
    open: rows.filter((x) => x.state === "pending").length,
  };
}

/**
 * How one commitment's week went, in words without bare zeros: "kept 1 of 6, 1 confirmed by
 * you; 5 got no answer", "all 6 this week got no answer". A week with nothing due says so,
 * which is not the same as a week of silence.
 */
export function weekWords(c: Pick<CommitmentRow, "state">, week: Week, n: OutcomeCounts): string {
  if (n.total > 0) return describeCounts(n, "week", "you");
  if (week.open > 0)
    return week.open === 1 ? "its check-in is still open" : `${week.open} check-ins are still open`;
  return c.state === "paused" ? "paused; no check-in was due this week" : "no check-in was due this week";
}

/** What, if anything, the witness might do after reading the week. */
export function nextStep(quiet: boolean, waiting: number): string {
  const asks: string[] = [];
  if (waiting > 0) {
    asks.push(
      waiting === 1
        ? "One kept or partly answer this week still waits for your word, if you know how it went."
        : `${plural(waiting, "kept or partly answer")} this week still wait for your word, if you know how they went.`,
    );
  }
  if (quiet) asks.push("Where check-ins went unanswered, a kind word may help more than a reminder.");
  if (asks.length === 0) asks.push("Nothing is needed from you this week.");
  return `${asks.join(" ")} Thank you for being there.`;
}
