/**
 * Outcome recording: what happens to outbox rows once their courier has answered. Sent rows are
 * marked sent; a thrown error or a 429 puts them back for a later attempt; a refused direct
 * message is re-addressed to its fallback group; a rejected message or a gone chat is given up on.
 * The rows of a combined message (./bundle.ts) are one delivery: what happens to it happens to
 * each of them.
 *
 * Every write goes through {@link OutboxLeases}, a compare-and-set on the lease: a row whose lease
 * another dispatcher took meanwhile is left alone and counted as a lost lease. Nothing here waits,
 * claims or decides when: that is batch scheduling (./batches.ts), which is told when a chat (or
 * the whole platform) must wait.
 */

import type { Logger } from "../log";
import { noObserver, type Observer, type SendOutcome } from "../metrics";
import { mention, rich } from "../richtext";
import type { QueuedMessage } from "../store/port";
import type { DeliveryResult, Platform, Recipient, Reply } from "../types";
import type { Delivery } from "./bundle";

/**
 * The writes outcome recording makes to leased outbox rows, bound to one lease owner. Each
 * returns false when the row's lease was lost (another process holds the row now).
 */
export interface OutboxLeases {
  /** Delivered: marks the row sent and counts the attempt. */
  markSent(id: number, now: number): Promise<boolean>;
  /** Puts the row back for another try at `notBefore`, counting the attempt and keeping `error`. */
  scheduleRetry(id: number, notBefore: number, error: string): Promise<boolean>;
  /** Hands the row back unsent at `notBefore`, without counting an attempt. */
  release(id: number, notBefore: number): Promise<boolean>;
  /** Gives up on the row for good, keeping `error`. */
  markFailed(id: number, now: number, error: string): Promise<boolean>;
  /** Re-addresses the row (a refused DM to its group) and makes it ready at `now`. */
  redirect(id: number, to: Recipient, message: Reply, now: number): Promise<boolean>;
}

/** What one {@link Dispatcher.drain} did. */
export interface DrainReport {
  /** Delivered and marked sent. */
  sent: number;
  /** Put back for a later attempt after a 429 or a thrown error. */
  retried: number;
  /** Given up on: the chat is gone, or a refused DM had no group to fall back to. */
  failed: number;
  /** Refused DMs re-addressed to their fallback group. */
  redirected: number;
  /** Released unsent, without counting an attempt, mostly because a rate limit asked for a long wait. */
  heldBack: number;
  /** Rows whose lease another dispatcher had taken by the time the outcome was recorded. */
  lostLeases: number;
}

/** A report with every count at zero. */
export const emptyReport = (): DrainReport => ({
  sent: 0,
  retried: 0,
  failed: 0,
  redirected: 0,
  heldBack: 0,
  lostLeases: 0,
});

/** What came of handing a delivery to its courier: its answer, or what it threw. */
export type CourierOutcome = { result: DeliveryResult } | { error: unknown };

/**
 * What the scheduler must do after a delivery was recorded:
 * - `done`: nothing; the chat's next delivery may go.
 * - `retry`: the rows were put back for `at`; the chat's later rows must wait until then too,
 *   so the retried one still goes first. `pauseMs` is set after a 429: the whole platform
 *   waits that long.
 * `pending` is set while an `onGone` callback that returned a promise still runs.
 */
export type Recorded =
  | { kind: "done"; pending?: Promise<void> }
  | { kind: "retry"; at: number; pauseMs?: number };

/** How outcome recording is wired and tuned. */
export interface OutcomeOptions {
  leases: OutboxLeases;
  log: Logger;
  /** Retry delays for thrown errors: exponential from baseMs, capped at maxMs, with jitter. */
  backoff: { baseMs: number; maxMs: number };
  /** For jitter. */
  random: () => number;
  /** Called once per delivery whose chat is gone, with its first row marked failed. */
  onGone?: (msg: QueuedMessage) => unknown;
  /** Told each courier answer, before it is written back; default nobody. */
  observer?: Observer;
}

/** Records courier outcomes on outbox rows. */
export interface OutcomeRecorder {
  /** Records what the courier said about delivery `d` at `now`, counting into `report`. */
  record(
    d: Delivery,
    platform: Platform,
    outcome: CourierOutcome,
    now: number,
    report: DrainReport,
  ): Promise<Recorded>;
  /** Hands rows back unsent, at `notBefore` or (null) each row's own time, counting them held back. */
  release(
    rows: readonly QueuedMessage[],
    platform: Platform,
    notBefore: number | null,
    report: DrainReport,
  ): Promise<void>;
}

/** A 429 asking for less than this still waits this long, so a courier stuck on 429s cannot spin. */
export const MIN_RETRY_AFTER_MS = 100;

/** The purpose's kind (`prompt` of `prompt:42`): enough to log, without ids or text. */
export const purposeKind = (purpose: string): string => purpose.split(":", 1)[0] ?? "";

/** Token shapes that HTTP client errors may echo back (request URLs, auth headers). */
const SECRET_PATTERNS = [
  /\d{5,}:[A-Za-z0-9_-]{30,}/g, // Telegram bot token, as in https://api.telegram.org/bot<token>/
  /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}/g, // Discord bot token
  /\b(Bot|Bearer)\s+\S+/gi,
];

/** An error as one redacted line, fit for a log or `last_error`. */
export function describeError(error: unknown): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  for (const pattern of SECRET_PATTERNS) text = text.replace(pattern, "[redacted]");
  return text.slice(0, 300);
}

function isDeliveryResult(value: unknown): value is DeliveryResult {
  if (value === "sent" || value === "gone" || value === "dm-refused" || value === "rejected") return true;
  return typeof value === "object" && value !== null && "retryAfterMs" in value;
}

/** The name an observer is given for a courier's answer. */
export function sendOutcome(outcome: CourierOutcome): SendOutcome {
  if ("error" in outcome) return "error";
  const { result } = outcome;
  return typeof result === "object" ? "rate-limited" : result;
}

/** A courier's answer as an outcome: an answer that is no {@link DeliveryResult} counts as an error. */
export function outcomeOf(result: unknown): CourierOutcome {
  return isDeliveryResult(result) ? { result } : { error: new Error("courier returned no result") };
}

/** What identifies a delivery in a log line: its kind, its first row, how many rows it carries. */
export const logged = (d: Delivery) => ({
  kind: purposeKind(d.message.purpose),
  id: d.rows[0]?.id,
  ...(d.rows.length > 1 ? { rows: d.rows.length } : {}),
});

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** Creates the recorder over `opts.leases`. */
export function createOutcomeRecorder(opts: OutcomeOptions): OutcomeRecorder {
  const { leases, log, backoff, random } = opts;
  const observer = opts.observer ?? noObserver;

  function backoffMs(attempts: number): number {
    const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempts);
    return Math.ceil(exp * (0.5 + random() / 2));
  }

  function lost(row: QueuedMessage, platform: Platform, step: string, report: DrainReport): void {
    report.lostLeases++;
    log.warn({ platform, kind: purposeKind(row.purpose), id: row.id, step }, "outbox lease lost");
  }

  /** The most attempts any row of a delivery has had, for its backoff. */
  const attemptsOf = (d: Delivery): number => Math.max(...d.rows.map((r) => r.attempts));

  async function retry(
    d: Delivery,
    platform: Platform,
    at: number,
    reason: string,
    report: DrainReport,
  ): Promise<void> {
    for (const row of d.rows) {
      if (await leases.scheduleRetry(row.id, at, reason)) report.retried++;
      else lost(row, platform, "retry", report);
    }
  }

  async function release(
    rows: readonly QueuedMessage[],
    platform: Platform,
    notBefore: number | null,
    report: DrainReport,
  ): Promise<void> {
    for (const row of rows) {
      const at = notBefore === null ? row.notBefore : Math.max(row.notBefore, notBefore);
      if (await leases.release(row.id, at)) report.heldBack++;
      else lost(row, platform, "release", report);
    }
  }

  /** A refused DM goes to its fallback group, led by a mention of the person; without one it fails. */
  async function refused(
    row: QueuedMessage,
    platform: Platform,
    now: number,
    report: DrainReport,
  ): Promise<void> {
    const { to } = row;
    const kind = purposeKind(row.purpose);
    if (!to.fallbackChatId) {
      if (await leases.markFailed(row.id, now, "direct message refused; no fallback chat")) report.failed++;
      else lost(row, platform, "refused", report);
      log.info({ platform, kind, id: row.id }, "direct message refused and no fallback chat");
      return;
    }
    const who = to.personId || to.chatId;
    const target: Recipient = {
      platform: to.platform,
      chatKind: "group",
      chatId: to.fallbackChatId,
      personId: to.personId,
      personName: to.personName,
    };
    // The group gets the neutral version the core wrote for it, never the private original.
    const base = to.fallbackReply ?? row.message;
    const message: Reply = {
      ...base,
      text: who ? rich(mention(to.platform, who, to.personName ?? who), ": ", base.text) : base.text,
      // In the group it is meant to be seen: that is the point of falling back with a mention.
      visibility: "chat",
    };
    if (await leases.redirect(row.id, target, message, now)) report.redirected++;
    else lost(row, platform, "redirect", report);
  }

  /** The chat is gone: every row fails, and `onGone` hears of it once. */
  async function gone(d: Delivery, platform: Platform, now: number, report: DrainReport): Promise<Recorded> {
    let failed = 0;
    for (const row of d.rows) {
      if (await leases.markFailed(row.id, now, "chat gone")) failed++;
      else lost(row, platform, "gone", report);
    }
    const [first] = d.rows;
    if (failed === 0 || !first) return { kind: "done" };
    report.failed += failed;
    log.info({ platform, ...logged(d) }, "chat is gone; message dropped");
    const onGoneFailed = (error: unknown) =>
      log.error({ platform, ...logged(d), error: describeError(error) }, "onGone failed");
    try {
      // The rows share one chat: telling it once is enough.
      const result: unknown = opts.onGone?.(first);
      if (isThenable(result))
        return { kind: "done", pending: Promise.resolve(result).then(() => {}, onGoneFailed) };
    } catch (error) {
      onGoneFailed(error);
    }
    return { kind: "done" };
  }

  async function record(
    d: Delivery,
    platform: Platform,
    outcome: CourierOutcome,
    now: number,
    report: DrainReport,
  ): Promise<Recorded> {
    // What the platform said, whether or not writing it back then succeeds: a lost lease or a
    // failed write does not change what happened on the wire.
    observer.sent(platform, sendOutcome(outcome));
    const attempts = attemptsOf(d);
    if ("error" in outcome) {
      const delay = backoffMs(attempts);
      const reason = describeError(outcome.error);
      log.warn(
        { platform, ...logged(d), attempts: attempts + 1, retryInMs: delay, error: reason },
        "delivery failed",
      );
      await retry(d, platform, now + delay, reason, report);
      return { kind: "retry", at: now + delay };
    }
    const { result } = outcome;
    if (result === "sent") {
      for (const row of d.rows) {
        if (await leases.markSent(row.id, now)) report.sent++;
        else lost(row, platform, "sent", report);
      }
      return { kind: "done" };
    }
    if (typeof result === "object") {
      const asked = Math.ceil(result.retryAfterMs);
      const delay = Number.isFinite(asked) ? Math.max(MIN_RETRY_AFTER_MS, asked) : backoffMs(attempts);
      log.info({ platform, ...logged(d), retryInMs: delay }, "rate limited by the platform");
      await retry(d, platform, now + delay, `rate limited: retry after ${delay} ms`, report);
      // The whole platform waits, not just this chat: the rest of a burst would only meet 429s too.
      return { kind: "retry", at: now + delay, pauseMs: delay };
    }
    if (result === "dm-refused") {
      for (const row of d.rows) await refused(row, platform, now, report);
      return { kind: "done" };
    }
    if (result === "rejected") {
      // Retrying a message the platform will never accept would only loop; the chat is fine.
      for (const row of d.rows) {
        if (await leases.markFailed(row.id, now, "rejected by the platform")) report.failed++;
        else lost(row, platform, "rejected", report);
      }
      log.warn({ platform, ...logged(d) }, "message rejected by the platform; dropped");
      return { kind: "done" };
    }
    return await gone(d, platform, now, report);
  }

  return { record, release };
}
