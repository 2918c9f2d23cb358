/**
 * The outbox: messages written in the same transaction as the change they announce, then
 * leased, delivered and marked by the dispatcher. A lease is a compare-and-set on
 * (lease_owner, lease_until), so two processes never hold the same row.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Recipient, Reply } from "../../types";
import type { Db } from "./db";
import { perConnection } from "./raw";
import { type BundleItem, outbox } from "./schema";

/** A message to queue. */
export interface NewMessage {
  /** Unique purpose key: queuing the same purpose twice is a no-op. */
  purpose: string;
  to: Recipient;
  message: Reply;
  /** The person addressed or written about (so /forget removes it). */
  personId?: number | null;
  commitmentId?: number | null;
  /** Not to be sent before this instant (quiet hours, retries). */
  notBefore: number;
  now: number;
  /** Set on check-in prompts and reminders: ready together, one bundle's rows go out as one message. */
  bundle?: BundleItem | null;
}

/** An outbox row as the dispatcher sees it. */
export interface QueuedMessage {
  id: number;
  purpose: string;
  to: Recipient;
  message: Reply;
  attempts: number;
  notBefore: number;
  personId: number | null;
  commitmentId: number | null;
  /** The row's place in a combined message, if it may share one (src/dispatch/bundle.ts). */
  bundle: BundleItem | null;
}

const insert = perConnection((client) =>
  client.prepare(
    `INSERT INTO outbox (purpose, platform, recipient, payload, person_id, commitment_id, not_before, bundle, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (purpose) DO NOTHING`,
  ),
);

/**
 * Queues a message; returns false when a message with the same purpose already exists.
 * Hand-prepared: a burst of due check-ins queues thousands of prompts at once.
 */
export function enqueue(db: Db, m: NewMessage): boolean {
  const result = insert(db).run(
    m.purpose,
    m.to.platform,
    JSON.stringify(m.to),
    JSON.stringify(m.message),
    m.personId ?? null,
    m.commitmentId ?? null,
    m.notBefore,
    m.bundle ? JSON.stringify(m.bundle) : null,
    m.now,
  );
  return result.changes > 0;
}

interface RawRow {
  id: number;
  purpose: string;
  recipient: string;
  payload: string;
  attempts: number;
  not_before: number;
  person_id: number | null;
  commitment_id: number | null;
  bundle: string | null;
}

/**
 * Leases up to `limit` ready messages (unsent, not failed, due, and not leased by a live
 * lease) to `owner` until `now + leaseMs`, oldest first. One statement, so it is atomic even
 * with several processes on the same database.
 */
export function claimReady(
  db: Db,
  opts: { owner: string; now: number; leaseMs: number; limit: number; platform?: string },
): QueuedMessage[] {
  // Most calls find nothing ready: a raw one-row probe answers that in under a microsecond.
  if (readyProbe(db).get(opts.now, opts.now, opts.platform ?? null, opts.platform ?? null) === undefined)
    return [];
  const platform = opts.platform ? sql`AND platform = ${opts.platform}` : sql``;
  const rows = db.all<RawRow>(sql`
    UPDATE outbox SET lease_owner = ${opts.owner}, lease_until = ${opts.now + opts.leaseMs}
    WHERE id IN (
      SELECT id FROM outbox
      WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ${opts.now}
        AND (lease_until IS NULL OR lease_until <= ${opts.now}) ${platform}
      ORDER BY not_before, id
      LIMIT ${opts.limit}
    )
    RETURNING id, purpose, recipient, payload, attempts, not_before, person_id, commitment_id, bundle`);
  return rows
    .map((r) => ({
      id: r.id,
      purpose: r.purpose,
      to: JSON.parse(r.recipient) as Recipient,
      message: JSON.parse(r.payload) as Reply,
      attempts: r.attempts,
      notBefore: r.not_before,
      personId: r.person_id,
      commitmentId: r.commitment_id,
      bundle: r.bundle === null ? null : (JSON.parse(r.bundle) as BundleItem),
    }))
    .sort((a, b) => a.notBefore - b.notBefore || a.id - b.id);
}

const readyProbe = perConnection((client) =>
  client
    .prepare(
      `SELECT 1 FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ?
       AND (lease_until IS NULL OR lease_until <= ?) AND (? IS NULL OR platform = ?) LIMIT 1`,
    )
    .pluck(),
);

const held = (id: number, owner: string) => and(eq(outbox.id, id), eq(outbox.leaseOwner, owner));

/** Marks a leased message sent. False when the lease was lost (another process took the row). */
export function markSent(db: Db, id: number, owner: string, now: number): boolean {
  return (
    db
      .update(outbox)
      .set({ sentAt: now, leaseOwner: null, leaseUntil: null, attempts: sql`${outbox.attempts} + 1` })
      .where(held(id, owner))
      .run().changes > 0
  );
}

/** Puts a leased message back for another try at `notBefore`. */
export function scheduleRetry(db: Db, id: number, owner: string, notBefore: number, error: string): boolean {
  return (
    db
      .update(outbox)
      .set({
        notBefore,
        leaseOwner: null,
        leaseUntil: null,
        attempts: sql`${outbox.attempts} + 1`,
        lastError: error.slice(0, 500),
      })
      .where(held(id, owner))
      .run().changes > 0
  );
}

/** Releases a lease without counting an attempt (the rate limiter held the message back). */
export function release(db: Db, id: number, owner: string, notBefore: number): boolean {
  return (
    db.update(outbox).set({ notBefore, leaseOwner: null, leaseUntil: null }).where(held(id, owner)).run()
      .changes > 0
  );
}

/** Gives up on a leased message for good (its chat is gone). */
export function markFailed(db: Db, id: number, owner: string, now: number, error: string): boolean {
  return (
    db
      .update(outbox)
      .set({ failedAt: now, leaseOwner: null, leaseUntil: null, lastError: error.slice(0, 500) })
      .where(held(id, owner))
      .run().changes > 0
  );
}

/**
 * Re-addresses a leased message (a refused DM falling back to the group) and makes it ready now.
 * It leaves its bundle: the group gets each row's own neutral fallback, never a combined message
 * built from the private lines.
 */
export function redirect(
  db: Db,
  id: number,
  owner: string,
  to: Recipient,
  message: Reply,
  now: number,
): boolean {
  return (
    db
      .update(outbox)
      .set({
        recipient: to,
        payload: message,
        platform: to.platform,
        bundle: null,
        notBefore: now,
        leaseOwner: null,
        leaseUntil: null,
      })
      .where(held(id, owner))
      .run().changes > 0
  );
}

/** The earliest `not_before` among messages still to send, or null when the outbox is drained. */
export function nextReadyAt(db: Db): number | null {
  const row = db.get<{ t: number | null }>(
    sql`SELECT min(not_before) AS t FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`,
  );
  return row?.t ?? null;
}

/**
 * Messages unsent, not failed and due by `now` (leased or not), and the earliest due time among
 * them: for monitoring. The partial index `outbox_ready` holds exactly the unsent rows.
 */
/** What a new sending leader must count as sent (see the port). */
export function recentSends(db: Db, since: number, now: number): { to: Recipient; at: number }[] {
  return db
    .all<{ recipient: string; at: number }>(
      sql`SELECT recipient, coalesce(sent_at, ${now}) AS at FROM outbox
          WHERE sent_at >= ${since}
             OR (sent_at IS NULL AND failed_at IS NULL AND lease_until > ${now})`,
    )
    .map((r) => ({ to: JSON.parse(r.recipient) as Recipient, at: r.at }));
}

export function outboxBacklog(db: Db, now: number): { ready: number; oldestReadyAt: number | null } {
  const row = db.get<{ n: number; t: number | null }>(
    sql`SELECT count(*) AS n, min(not_before) AS t FROM outbox
        WHERE sent_at IS NULL AND failed_at IS NULL AND not_before <= ${now}`,
  );
  return { ready: row?.n ?? 0, oldestReadyAt: row?.t ?? null };
}

const dropStale = perConnection((client) =>
  client.prepare(
    `UPDATE outbox SET failed_at = ?, last_error = 'no longer needed'
     WHERE sent_at IS NULL AND failed_at IS NULL AND (purpose = ? OR purpose LIKE ?)`,
  ),
);

/** Drops a check-in's prompt and reminders not sent yet (it was answered or closed). */
export function dropUnsent(db: Db, checkInId: number, now: number): number {
  return dropStale(db).run(now, `prompt:${checkInId}`, `remind:${checkInId}:%`).changes;
}

/**
 * Drops a commitment's question about silence not sent yet (src/engine/silence.ts): an answer
 * came meanwhile, so the silence it asks about is over.
 */
export function dropUnsentQuestion(db: Db, commitmentId: number, now: number): number {
  return dropStale(db).run(now, "", `silence:${commitmentId}:%`).changes;
}

/**
 * Whether the message with `purpose` was queued for `personId`: the proof that a button in it
 * (a witness's Confirm, say) was offered to that person, whatever the click claims.
 */
export function offeredTo(db: Db, purpose: string, personId: number): boolean {
  const row = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.purpose, purpose), eq(outbox.personId, personId)))
    .get();
  return row !== undefined;
}
