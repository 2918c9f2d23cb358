/**
 * The outbox: messages written in the same transaction as the change they announce, then
 * leased, delivered and marked by the dispatcher. A lease is a compare-and-set on
 * (lease_owner, lease_until), so two processes never hold the same row.
 */
import { and, asc, eq, inArray, isNull, like, lte, min, or, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { Recipient, Reply } from "../../types";
import type { NewMessage, QueuedMessage } from "../sqlite/outbox";
import { ints, list, type PgDb, PLAN_EACH_TIME, rowsOf, texts } from "./db";
import { outbox } from "./schema";

/** Queues a message; returns false when a message with the same purpose already exists. */
export async function enqueue(db: PgDb, m: NewMessage): Promise<boolean> {
  const rows = await db
    .insert(outbox)
    .values({
      purpose: m.purpose,
      platform: m.to.platform,
      recipient: m.to,
      payload: m.message,
      personId: m.personId ?? null,
      commitmentId: m.commitmentId ?? null,
      notBefore: m.notBefore,
      bundle: m.bundle ? m.bundle : null,
      createdAt: m.now,
    })
    .onConflictDoNothing({ target: outbox.purpose })
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/**
 * {@link enqueue} for several messages in one statement, in the order given; returns how many
 * were queued. One array per column (see `insertCheckIns`); JSON goes as text and is cast, the
 * same text `json` keeps.
 */
export async function enqueueMany(db: PgDb, messages: readonly NewMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = rowsOf(
    await db.execute(sql`INSERT INTO outbox
      (purpose, platform, recipient, payload, person_id, commitment_id, not_before, bundle, created_at)
      SELECT purpose, platform, recipient::json, payload::json, person_id, commitment_id, not_before,
        bundle::json, created_at
      FROM unnest(${texts(messages.map((m) => m.purpose))}, ${texts(messages.map((m) => m.to.platform))},
        ${texts(messages.map((m) => JSON.stringify(m.to)))}, ${texts(messages.map((m) => JSON.stringify(m.message)))},
        ${ints(messages.map((m) => m.personId ?? null))}, ${ints(messages.map((m) => m.commitmentId ?? null))},
        ${list(messages.map((m) => m.notBefore))}, ${texts(messages.map((m) => (m.bundle ? JSON.stringify(m.bundle) : null)))},
        ${list(messages.map((m) => m.now))})
        WITH ORDINALITY
        AS m(purpose, platform, recipient, payload, person_id, commitment_id, not_before, bundle, created_at, i)
      ORDER BY i
      ON CONFLICT (purpose) DO NOTHING
      RETURNING id`),
  );
  return rows.length;
}

/**
 * Leases up to `limit` ready messages (unsent, not failed, due, and not leased by a live
 * lease) to `owner` until `now + leaseMs`, oldest first. One statement whose inner select
 * locks the rows it picks and skips rows another process has locked, so two processes
 * claiming at once never get the same row.
 */
export async function claimReady(
  db: PgDb,
  opts: { owner: string; now: number; leaseMs: number; limit: number; platform?: string },
): Promise<QueuedMessage[]> {
  const ready = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        isNull(outbox.sentAt),
        isNull(outbox.failedAt),
        lte(outbox.notBefore, opts.now),
        or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, opts.now)),
        // As the SQLite one behaves: its readiness probe filters on any given platform, even "".
        opts.platform !== undefined ? eq(outbox.platform, opts.platform) : undefined,
      ),
    )
    .orderBy(asc(outbox.notBefore), asc(outbox.id))
    .limit(opts.limit)
    .for("update", { of: outbox, skipLocked: true });
  const rows = await db
    .update(outbox)
    .set({ leaseOwner: opts.owner, leaseUntil: opts.now + opts.leaseMs })
    .where(inArray(outbox.id, ready))
    .returning({
      id: outbox.id,
      purpose: outbox.purpose,
      recipient: outbox.recipient,
      payload: outbox.payload,
      attempts: outbox.attempts,
      notBefore: outbox.notBefore,
      personId: outbox.personId,
      commitmentId: outbox.commitmentId,
      bundle: outbox.bundle,
    });
  return rows
    .map((r) => ({
      id: r.id,
      purpose: r.purpose,
      to: r.recipient as Recipient,
      message: r.payload as Reply,
      attempts: r.attempts,
      notBefore: r.notBefore,
      personId: r.personId,
      commitmentId: r.commitmentId,
      bundle: r.bundle ?? null,
    }))
    .sort((a, b) => a.notBefore - b.notBefore || a.id - b.id);
}

/**
 * Writes `patch` to a message only while `owner` still holds its lease, always ending the lease.
 * False when the lease was lost (another process took the row).
 */
async function underLease(
  db: PgDb,
  id: number,
  owner: string,
  patch: PgUpdateSetSource<typeof outbox>,
): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ ...patch, leaseOwner: null, leaseUntil: null })
    .where(and(eq(outbox.id, id), eq(outbox.leaseOwner, owner)))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** Marks a leased message sent. False when the lease was lost (another process took the row). */
export async function markSent(db: PgDb, id: number, owner: string, now: number): Promise<boolean> {
  return underLease(db, id, owner, { sentAt: now, attempts: sql`${outbox.attempts} + 1` });
}

/** Puts a leased message back for another try at `notBefore`. False when the lease was lost. */
export async function scheduleRetry(
  db: PgDb,
  id: number,
  owner: string,
  notBefore: number,
  error: string,
): Promise<boolean> {
  return underLease(db, id, owner, {
    notBefore,
    attempts: sql`${outbox.attempts} + 1`,
    lastError: error.slice(0, 500),
  });
}

/** Releases a lease without counting an attempt (the rate limiter held the message back). */
export async function release(db: PgDb, id: number, owner: string, notBefore: number): Promise<boolean> {
  return underLease(db, id, owner, { notBefore });
}

/** Gives up on a leased message for good (its chat is gone). False when the lease was lost. */
export async function markFailed(
  db: PgDb,
  id: number,
  owner: string,
  now: number,
  error: string,
): Promise<boolean> {
  return underLease(db, id, owner, { failedAt: now, lastError: error.slice(0, 500) });
}

/**
 * Re-addresses a leased message (a refused DM falling back to the group) and makes it ready now.
 * It leaves its bundle: the group gets each row's own neutral fallback, never a combined message
 * built from the private lines.
 */
export async function redirect(
  db: PgDb,
  id: number,
  owner: string,
  to: Recipient,
  message: Reply,
  now: number,
): Promise<boolean> {
  return underLease(db, id, owner, {
    recipient: to,
    payload: message,
    platform: to.platform,
    bundle: null,
    notBefore: now,
  });
}

/** The earliest `not_before` among messages still to send, or null when the outbox is drained. */
export async function nextReadyAt(db: PgDb): Promise<number | null> {
  const [row] = await db
    .select({ t: min(outbox.notBefore) })
    .from(outbox)
    .where(and(isNull(outbox.sentAt), isNull(outbox.failedAt)));
  return row?.t ?? null;
}

/**
 * Messages unsent, not failed and due by `now` (leased or not), and the earliest due time among
 * them: for monitoring. Planned for its `now` each time: a generic plan for "due by now" may
 * expect a third of the outbox to match and read the whole table (see `PLAN_EACH_TIME`).
 */
/** What a new sending leader must count as sent (see the port). */
export async function recentSends(
  db: PgDb,
  since: number,
  now: number,
): Promise<{ to: Recipient; at: number }[]> {
  const rows = rowsOf<{ recipient: unknown; at: number | string }>(
    await db.execute(sql`SELECT recipient, coalesce(sent_at, ${now})::float8 AS at FROM outbox
      WHERE sent_at >= ${since} OR (sent_at IS NULL AND failed_at IS NULL AND lease_until > ${now})`),
  );
  // json comes back parsed from postgres.js and as text from PGlite's raw rows, or the reverse.
  return rows.map((r) => ({
    to: (typeof r.recipient === "string" ? JSON.parse(r.recipient) : r.recipient) as Recipient,
    at: Number(r.at),
  }));
}

export async function outboxBacklog(
  db: PgDb,
  now: number,
): Promise<{ ready: number; oldestReadyAt: number | null }> {
  const rows = rowsOf<{ n: number | string; t: number | string | null }>(
    await db.execute(sql`${sql.raw(PLAN_EACH_TIME)} SELECT count(*)::int AS n, min(not_before)::float8 AS t
      FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ${now}`),
  );
  const [row] = rows;
  // Cast on the server and read with Number: the same on postgres.js and on PGlite.
  return {
    ready: Number(row?.n ?? 0),
    oldestReadyAt: row?.t === null || row?.t === undefined ? null : Number(row.t),
  };
}

/** Marks failed every unsent message whose purpose is `purpose` or matches the LIKE `pattern`. */
async function dropStale(db: PgDb, now: number, purpose: string, pattern: string): Promise<number> {
  const rows = await db
    .update(outbox)
    .set({ failedAt: now, lastError: "no longer needed" })
    .where(
      and(
        isNull(outbox.sentAt),
        isNull(outbox.failedAt),
        or(eq(outbox.purpose, purpose), like(outbox.purpose, pattern)),
      ),
    )
    .returning({ id: outbox.id });
  return rows.length;
}

/** Drops a check-in's prompt and reminders not sent yet (it was answered or closed). */
export async function dropUnsent(db: PgDb, checkInId: number, now: number): Promise<number> {
  return dropStale(db, now, `prompt:${checkInId}`, `remind:${checkInId}:%`);
}

/**
 * Drops a commitment's question about silence not sent yet (src/engine/silence.ts): an answer
 * came meanwhile, so the silence it asks about is over.
 */
export async function dropUnsentQuestion(db: PgDb, commitmentId: number, now: number): Promise<number> {
  return dropStale(db, now, "", `silence:${commitmentId}:%`);
}

/**
 * Whether the message with `purpose` was queued for `personId`: the proof that a button in it
 * (a witness's Confirm, say) was offered to that person, whatever the click claims.
 */
export async function offeredTo(db: PgDb, purpose: string, personId: number): Promise<boolean> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.purpose, purpose), eq(outbox.personId, personId)))
    .limit(1);
  return rows.length > 0;
}
