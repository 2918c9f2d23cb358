/** The witness's weekly digest, sent on Sunday evening in the witness's zone. */
import { addDays, localDate, localToInstant, weekdayOf } from "../cadence";
import { bold, italic, lines, rich } from "../richtext";
import { checkInsBetween } from "../store/checkins";
import { listWitnessed } from "../store/commitments";
import type { Db } from "../store/db";
import { enqueue } from "../store/outbox";
import { getPerson, updatePerson } from "../store/people";
import type { CheckInRow, PersonRow } from "../store/schema";
import type { RichText } from "../types";
import { stepDownButton } from "./messages";
import { purpose } from "./purposes";
import { dmOf } from "./recipients";

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
export function planDigest(db: Db, witness: PersonRow, now: number, defaultZone: string): void {
  if (witness.nextDigestAt !== null) return;
  updatePerson(db, witness.id, {
    nextDigestAt: nextDigestAt(now + 3 * 86_400_000, witness.zone ?? defaultZone),
  });
}

/** Queues one witness's digest (if they still witness anything) and plans the next. */
export function sendDigest(db: Db, witness: PersonRow, now: number, defaultZone: string): boolean {
  const zone = witness.zone ?? defaultZone;
  const active = listWitnessed(db, witness.id).filter(
    (c) => c.witnessStatus === "active" && (c.state === "active" || c.state === "paused"),
  );
  if (active.length === 0) {
    updatePerson(db, witness.id, { nextDigestAt: null });
    return false;
  }
  const rows: RichText[] = [];
  const buttons = [];
  for (const c of active) {
    const owner = getPerson(db, c.ownerId);
    if (buttons.length < 5) buttons.push([stepDownButton(c, owner?.name ?? "someone")]);
    // The week's outcomes: check-ins answered, or closed unanswered, in the last seven days.
    const resolvedAt = (x: CheckInRow) => x.answeredAt ?? (x.state === "missed" ? x.windowEnd : null);
    const week = checkInsBetween(db, c.id, now - 3 * WEEK_MS, now).filter((x) => {
      const at = resolvedAt(x);
      return at !== null && at > now - WEEK_MS && at <= now;
    });
    const count = (pred: (x: (typeof week)[number]) => boolean) => week.filter(pred).length;
    const kept = count((x) => x.answer === "kept");
    const partly = count((x) => x.answer === "partly");
    const missed = count((x) => x.state === "missed" || x.answer === "missed");
    const confirmed = count((x) => x.verdict === "confirmed");
    const summary =
      week.length === 0
        ? "no check-ins this week"
        : `${kept} kept, ${partly} partly, ${missed} missed; you confirmed ${confirmed}`;
    rows.push(
      rich(owner?.name ?? "someone", " ", bold(`#${c.number}`), " ", italic(c.promise), `: ${summary}.`),
    );
  }
  const queued = enqueue(db, {
    purpose: purpose("digest", witness.id, localDate(now, zone)),
    // No group fallback: the digest counts misses, and a miss is never announced in the group.
    to: dmOf(witness),
    message: {
      text: lines(rich(bold("Your week as a witness")), ...rows, "Thank you for being there."),
      visibility: "chat",
      buttons,
    },
    personId: witness.id,
    notBefore: now,
    now,
  });
  updatePerson(db, witness.id, { nextDigestAt: nextDigestAt(now, zone) });
  return queued;
}
