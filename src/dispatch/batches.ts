/**
 * Batch scheduling: when each outbox row goes out. A platform's ready rows are claimed in
 * batches small enough to go out within half the lease; a batch is split into per-chat queues
 * (rows of different chats go concurrently, up to a limit; rows of one chat strictly one after
 * another, in the order they were written); each send waits for the platform's rate limits, and
 * nothing new starts once the batch's deadline has passed. What is not sent in time is handed
 * back to the outbox, never held.
 *
 * What a courier's answer does to the rows is outcome recording (./outcomes.ts); this module
 * only hears back whether the chat, or the whole platform, must now wait.
 */

import type { Logger } from "../log";
import type { QueuedMessage } from "../store/port";
import type { Courier, Platform, Recipient } from "../types";
import { type Delivery, planDeliveries } from "./bundle";
import {
  type CourierOutcome,
  type DrainReport,
  describeError,
  logged,
  type OutcomeRecorder,
  outcomeOf,
} from "./outcomes";
import type { PlatformLimits, RateLimiter } from "./rate-limiter";

/** How batch scheduling is wired and tuned. */
export interface BatchOptions {
  /** Leases up to `limit` ready rows of `platform` at `now` (for the lease's length), oldest first. */
  claim: (platform: Platform, now: number, limit: number) => Promise<QueuedMessage[]>;
  recorder: OutcomeRecorder;
  /** Shared by every platform; a 429 pauses the platform in it. */
  limiter: RateLimiter;
  /** The limits the limiter enforces: a platform's overall rate bounds its claims. */
  limits: Partial<Record<Platform, PlatformLimits>>;
  log: Logger;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** How long a claim holds its rows. */
  leaseMs: number;
  /** Rows claimed per statement at most. */
  batchSize: number;
  /** Deliveries in flight per platform at most (at most one per chat). */
  concurrency: number;
  /** True once the dispatcher is stopping: nothing new starts, unsent rows go back. */
  stopping: () => boolean;
  /** Resolves when stopping begins, to cut a rate-limit wait short. */
  stopped: () => Promise<void>;
}

/** Drains one platform's ready rows through its courier. */
export interface BatchScheduler {
  /** Claims and sends batches of the courier's platform until none is ready or stopping begins. */
  drainPlatform(courier: Courier, report: DrainReport): Promise<void>;
}

/** Limiter waits up to this long are slept out holding the lease; longer ones release the row. */
export const SHORT_WAIT_MS = 2_000;

interface ChatQueue {
  key: string;
  kind: "group" | "dm";
  /** This chat's deliveries of the batch still to send, in order (each one row, or a bundle's rows). */
  rows: Delivery[];
  /** A delivery to this chat is in flight: the next row waits for it, to keep order. */
  busy: boolean;
}

/** The key that orders and rate-limits a chat: the group's id, or the person a DM is for. */
export function chatKey(to: Recipient): string {
  return to.chatKind === "dm" ? to.personId || to.chatId : to.chatId;
}

/**
 * Rows one claim may take: no more than the platform's overall limit lets out in half the
 * lease, so the lease outlasts the batch with room for slow deliveries.
 */
export function claimLimit(perSecond: number | undefined, batchSize: number, leaseMs: number): number {
  if (perSecond === undefined) return batchSize;
  return Math.max(1, Math.min(batchSize, Math.floor((perSecond * leaseMs) / 2_000)));
}

/**
 * Groups a batch into per-chat queues, in order of each chat's first row; within one chat the
 * order it was written in wins, and rows of one bundle ready together become one delivery.
 */
function queuesOf(rows: readonly QueuedMessage[]): ChatQueue[] {
  const byChat = new Map<string, { key: string; kind: "group" | "dm"; rows: QueuedMessage[] }>();
  for (const row of rows) {
    const kind = row.to.chatKind;
    const key = chatKey(row.to);
    const chat = byChat.get(`${kind}:${key}`);
    if (chat) chat.rows.push(row);
    else byChat.set(`${kind}:${key}`, { key, kind, rows: [row] });
  }
  return [...byChat.values()].map((chat) => ({
    key: chat.key,
    kind: chat.kind,
    rows: planDeliveries(chat.rows.sort((a, b) => a.id - b.id)),
    busy: false,
  }));
}

/** Creates the scheduler; it keeps which chats wait for a retry from one drain to the next. */
export function createBatchScheduler(opts: BatchOptions): BatchScheduler {
  const { recorder, limiter, log, nowMs, leaseMs, concurrency } = opts;

  /**
   * Chats with a row put back for a retry, and until when. Their later rows, even those of a
   * later batch, are held back to the same instant, so the retried row still goes first.
   */
  const parked = new Map<string, number>();
  let sweepParkedAt = 1_024;

  function parkedUntil(platform: Platform, q: ChatQueue, now: number): number | undefined {
    const key = `${platform}:${q.kind}:${q.key}`;
    const until = parked.get(key);
    if (until === undefined || until > now) return until;
    parked.delete(key);
    return undefined;
  }

  function park(platform: Platform, q: ChatQueue, until: number, now: number): void {
    const key = `${platform}:${q.kind}:${q.key}`;
    parked.set(key, Math.max(parked.get(key) ?? 0, until));
    if (parked.size < sweepParkedAt) return;
    for (const [k, t] of parked) if (t <= now) parked.delete(k);
    sweepParkedAt = Math.max(1_024, 2 * parked.size);
  }

  /** Releases the chat's remaining rows unsent, at `notBefore` or each row's own time. */
  async function holdBack(
    q: ChatQueue,
    platform: Platform,
    notBefore: number | null,
    report: DrainReport,
  ): Promise<void> {
    await recorder.release(
      q.rows.flatMap((d) => d.rows),
      platform,
      notBefore,
      report,
    );
    q.rows = [];
  }

  async function deliver(
    courier: Courier,
    q: ChatQueue,
    d: Delivery,
    report: DrainReport,
    reservedAt: number,
  ): Promise<void> {
    const platform = courier.platform;
    let outcome: CourierOutcome;
    try {
      outcome = outcomeOf(await courier.deliver(d.message));
    } catch (error) {
      outcome = { error };
    }
    // The platform has counted it by now: its slots run from here (see RateLimiter.settle).
    limiter.settle(platform, q.key, q.kind, reservedAt, nowMs());
    let pending: Promise<void> | undefined;
    try {
      const now = nowMs();
      const recorded = await recorder.record(d, platform, outcome, now, report);
      if (recorded.kind === "retry") {
        if (recorded.pauseMs !== undefined) limiter.pause(platform, now, recorded.pauseMs);
        // The rest of the chat's batch goes back with it: they share the retry's not_before and
        // keep their id order, so the chat still reads in order.
        park(platform, q, recorded.at, now);
        await holdBack(q, platform, recorded.at, report);
      } else {
        pending = recorded.pending;
      }
    } catch (error) {
      // The rows stay leased; when the lease runs out they are tried again.
      log.error({ platform, ...logged(d), error: describeError(error) }, "could not record a delivery");
    }
    if (pending) await pending;
  }

  /** Sleeps in-process for rate limits: one pending timer per platform, reused while it is early enough. */
  function timerFor(): (now: number, wait: number) => Promise<void> {
    let timer: { at: number; done: Promise<void> } | null = null;
    return (now, wait) => {
      const at = now + wait;
      if (!timer || timer.at > at) {
        const t = {
          at,
          done: opts.sleep(wait).then(() => {
            if (timer === t) timer = null;
          }),
        };
        timer = t;
      }
      return timer.done;
    };
  }

  async function runBatch(
    courier: Courier,
    rows: QueuedMessage[],
    claimedAt: number,
    wakeAt: (now: number, wait: number) => Promise<void>,
    report: DrainReport,
  ): Promise<void> {
    const platform = courier.platform;
    // Past this point nothing new starts: the lease must outlast the deliveries still in flight.
    const deadline = claimedAt + leaseMs / 2;
    // Claims come oldest not_before first.
    let queues = queuesOf(rows);
    const inFlight = new Set<Promise<void>>();

    while (queues.length > 0) {
      const now = nowMs();
      let minWait = Number.POSITIVE_INFINITY;
      for (const q of queues) {
        if (q.busy || q.rows.length === 0) continue;
        if (opts.stopping()) {
          await holdBack(q, platform, null, report);
          continue;
        }
        if (inFlight.size >= concurrency) break;
        if (now >= deadline) {
          await holdBack(q, platform, now, report);
          continue;
        }
        const until = parkedUntil(platform, q, now);
        if (until !== undefined) {
          await holdBack(q, platform, until, report);
          continue;
        }
        const wait = limiter.reserve(platform, q.key, q.kind, now);
        if (wait === 0) {
          const next = q.rows.shift();
          if (!next) continue;
          q.busy = true;
          const running: Promise<void> = deliver(courier, q, next, report, now).finally(() => {
            q.busy = false;
            inFlight.delete(running);
          });
          inFlight.add(running);
        } else if (wait > SHORT_WAIT_MS || now + wait > deadline) {
          await holdBack(q, platform, now + wait, report);
        } else {
          minWait = Math.min(minWait, wait);
        }
      }
      queues = queues.filter((q) => q.busy || q.rows.length > 0);
      if (queues.length === 0) break;

      const wakeUps: Promise<void>[] = [...inFlight];
      const canStartMore = inFlight.size < concurrency && !opts.stopping();
      if (canStartMore && minWait !== Number.POSITIVE_INFINITY)
        wakeUps.push(wakeAt(now, minWait), opts.stopped());
      if (wakeUps.length === 0) {
        // Unreachable unless a queue was left neither busy, started, waiting nor held: rather
        // than spin or hang, hand its rows back.
        for (const q of queues) if (!q.busy) await holdBack(q, platform, now, report);
        break;
      }
      await Promise.race(wakeUps);
    }
  }

  return {
    async drainPlatform(courier, report) {
      const wakeAt = timerFor();
      const platform = courier.platform;
      const limit = claimLimit(opts.limits[platform]?.perSecond, opts.batchSize, leaseMs);
      while (!opts.stopping()) {
        const now = nowMs();
        const rows = await opts.claim(platform, now, limit);
        if (rows.length === 0) return;
        await runBatch(courier, rows, now, wakeAt, report);
      }
    },
  };
}
