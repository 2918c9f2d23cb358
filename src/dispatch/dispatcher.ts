/**
 * The dispatcher drains the outbox: it leases ready rows, hands each to its platform's courier
 * within the platform's rate limits, and records what happened. Every outcome is written back
 * to the row under the lease, so a crash at any point loses nothing: an unrecorded row's lease
 * runs out and another dispatcher (or this one, restarted) sends it.
 *
 * Check-in prompts and reminders of one person in one chat that a claim finds ready together
 * go out as one message (./bundle.ts); what happens to that delivery happens to each of its rows.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log";
import { mention, rich } from "../richtext";
import type { Db } from "../store/db";
import {
  claimReady,
  markFailed,
  markSent,
  nextReadyAt,
  type QueuedMessage,
  redirect,
  release,
  scheduleRetry,
} from "../store/outbox";
import type { Clock, Courier, DeliveryResult, Platform, Recipient, Reply } from "../types";
import { type Delivery, planDeliveries } from "./bundle";
import { DEFAULT_LIMITS, type PlatformLimits, RateLimiter } from "./rate-limiter";

/** How the dispatcher is wired and tuned. */
export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** One per platform; rows of a platform without a courier are left alone. */
  couriers: Courier[];
  /** Defaults to {@link DEFAULT_LIMITS}; a platform missing here is unlimited. */
  limits?: Partial<Record<Platform, PlatformLimits>>;
  /** Lease owner id; default a random id per dispatcher. */
  owner?: string;
  /** How long a claim holds its rows; default 60_000. */
  leaseMs?: number;
  /** Rows claimed per statement, default 200 (keeps each synchronous DB call short). */
  batchSize?: number;
  /** Deliveries in flight per platform, default 16 (at most one per chat, to keep order). */
  concurrency?: number;
  /** Retry delays for thrown errors: exponential from baseMs, capped at maxMs, with jitter. */
  backoff?: { baseMs: number; maxMs: number };
  /** For jitter; default Math.random. */
  random?: () => number;
  /** Default a setTimeout promise; tests inject one that advances a fake clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Called after a row is marked failed because its chat is gone. */
  onGone?: (msg: QueuedMessage) => void;
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

/** Drains the outbox, once or in a loop. */
export interface Dispatcher {
  /**
   * Sends everything that is ready now (waiting out short rate-limit delays); resolves when
   * nothing ready is left.
   */
  drain(): Promise<DrainReport>;
  /**
   * Runs drain in a loop until stop(): after each drain, sleeps until the next not_before
   * (nextReadyAt), at most pollMs (default 1000), or until poke().
   */
  start(pollMs?: number): void;
  /** Wakes the loop now, e.g. right after something was queued. */
  poke(): void;
  /** Stops the loop and waits for in-flight deliveries to be recorded. */
  stop(): Promise<void>;
}

/** Limiter waits up to this long are slept out holding the lease; longer ones release the row. */
const SHORT_WAIT_MS = 2_000;
/** A 429 asking for less than this still waits this long, so a courier stuck on 429s cannot spin. */
const MIN_RETRY_AFTER_MS = 100;

interface ChatQueue {
  key: string;
  kind: "group" | "dm";
  /** This chat's deliveries of the batch still to send, in order (each one row, or a bundle's rows). */
  rows: Delivery[];
  /** A delivery to this chat is in flight: the next row waits for it, to keep order. */
  busy: boolean;
}

/** A one-shot wake-up. */
interface Signal {
  promise: Promise<void>;
  fire: () => void;
}

function signal(): Signal {
  let fire = (): void => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

const emptyReport = (): DrainReport => ({
  sent: 0,
  retried: 0,
  failed: 0,
  redirected: 0,
  heldBack: 0,
  lostLeases: 0,
});

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The purpose's kind (`prompt` of `prompt:42`): enough to log, without ids or text. */
const purposeKind = (purpose: string): string => purpose.split(":", 1)[0] ?? "";

/** The key that orders and rate-limits a chat: the group's id, or the person a DM is for. */
function chatKey(to: Recipient): string {
  return to.chatKind === "dm" ? to.personId || to.chatId : to.chatId;
}

/** Token shapes that HTTP client errors may echo back (request URLs, auth headers). */
const SECRET_PATTERNS = [
  /\d{5,}:[A-Za-z0-9_-]{30,}/g, // Telegram bot token, as in https://api.telegram.org/bot<token>/
  /[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}/g, // Discord bot token
  /\b(Bot|Bearer)\s+\S+/gi,
];

/** An error as one redacted line, fit for a log or `last_error`. */
function describeError(error: unknown): string {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  for (const pattern of SECRET_PATTERNS) text = text.replace(pattern, "[redacted]");
  return text.slice(0, 300);
}

function isDeliveryResult(value: unknown): value is DeliveryResult {
  if (value === "sent" || value === "gone" || value === "dm-refused" || value === "rejected") return true;
  return typeof value === "object" && value !== null && "retryAfterMs" in value;
}

/**
 * Creates a dispatcher over the outbox in `opts.db`.
 *
 * Each platform with a courier is drained on its own (a slow platform never holds up another):
 * rows are claimed in batches small enough to go out within half the lease; rows of different
 * chats are delivered concurrently, rows of one chat strictly one after another.
 */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { db, clock, log } = opts;
  const owner = opts.owner ?? `dispatcher-${randomUUID()}`;
  const leaseMs = opts.leaseMs ?? 60_000;
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 200));
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 16));
  const backoff = opts.backoff ?? { baseMs: 1_000, maxMs: 3_600_000 };
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? defaultSleep;
  const limits: Partial<Record<Platform, PlatformLimits>> = opts.limits ?? DEFAULT_LIMITS;
  const limiter = new RateLimiter(limits);
  const nowMs = (): number => clock.now().getTime();

  const couriers = new Map<Platform, Courier>();
  for (const courier of opts.couriers) {
    if (couriers.has(courier.platform)) throw new Error(`two couriers for ${courier.platform}`);
    couriers.set(courier.platform, courier);
  }

  let stopping = false;
  let stopSignal = signal();

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

  /**
   * Rows one claim may take: no more than the platform's overall limit lets out in half the
   * lease, so the lease outlasts the batch with room for slow deliveries.
   */
  function claimLimit(platform: Platform): number {
    const perSecond = limits[platform]?.perSecond;
    if (perSecond === undefined) return batchSize;
    return Math.max(1, Math.min(batchSize, Math.floor((perSecond * leaseMs) / 2_000)));
  }

  function backoffMs(attempts: number): number {
    const exp = Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempts);
    return Math.ceil(exp * (0.5 + random() / 2));
  }

  function lost(row: QueuedMessage, platform: Platform, step: string, report: DrainReport): void {
    report.lostLeases++;
    log.warn({ platform, kind: purposeKind(row.purpose), id: row.id, step }, "outbox lease lost");
  }

  /** Releases the chat's remaining rows unsent, at `notBefore` or each row's own time. */
  function holdBack(q: ChatQueue, platform: Platform, notBefore: number | null, report: DrainReport): void {
    for (const row of q.rows.flatMap((d) => d.rows)) {
      const at = notBefore === null ? row.notBefore : Math.max(row.notBefore, notBefore);
      if (release(db, row.id, owner, at)) report.heldBack++;
      else lost(row, platform, "release", report);
    }
    q.rows = [];
  }

  /** The most attempts any row of a delivery has had, for its backoff. */
  const attemptsOf = (d: Delivery): number => Math.max(...d.rows.map((r) => r.attempts));
  /** What identifies a delivery in a log line: its kind, its first row, how many rows it carries. */
  const logged = (d: Delivery) => ({
    kind: purposeKind(d.message.purpose),
    id: d.rows[0]?.id,
    ...(d.rows.length > 1 ? { rows: d.rows.length } : {}),
  });

  /**
   * Puts the row back for `delayMs` later, and the rest of its chat's batch with it: they
   * share the retry's not_before and keep their id order, so the chat still reads in order.
   */
  function retryLater(
    q: ChatQueue,
    d: Delivery,
    platform: Platform,
    now: number,
    delayMs: number,
    reason: string,
    report: DrainReport,
  ): void {
    for (const row of d.rows) {
      if (scheduleRetry(db, row.id, owner, now + delayMs, reason)) report.retried++;
      else lost(row, platform, "retry", report);
    }
    park(platform, q, now + delayMs, now);
    holdBack(q, platform, now + delayMs, report);
  }

  function record(
    q: ChatQueue,
    d: Delivery,
    platform: Platform,
    outcome: { result: DeliveryResult } | { error: unknown },
    report: DrainReport,
  ): void {
    const now = nowMs();
    const attempts = attemptsOf(d);
    if ("error" in outcome) {
      const delay = backoffMs(attempts);
      const reason = describeError(outcome.error);
      log.warn(
        { platform, ...logged(d), attempts: attempts + 1, retryInMs: delay, error: reason },
        "delivery failed",
      );
      retryLater(q, d, platform, now, delay, reason, report);
      return;
    }
    const { result } = outcome;
    if (result === "sent") {
      for (const row of d.rows) {
        if (markSent(db, row.id, owner, now)) report.sent++;
        else lost(row, platform, "sent", report);
      }
    } else if (typeof result === "object") {
      const asked = Math.ceil(result.retryAfterMs);
      const delay = Number.isFinite(asked) ? Math.max(MIN_RETRY_AFTER_MS, asked) : backoffMs(attempts);
      // The whole platform waits, not just this chat: the rest of a burst would only meet 429s too.
      limiter.pause(platform, now, delay);
      log.info({ platform, ...logged(d), retryInMs: delay }, "rate limited by the platform");
      retryLater(q, d, platform, now, delay, `rate limited: retry after ${delay} ms`, report);
    } else if (result === "dm-refused") {
      for (const row of d.rows) refused(row, platform, now, report);
    } else if (result === "rejected") {
      // Retrying a message the platform will never accept would only loop; the chat is fine.
      for (const row of d.rows) {
        if (markFailed(db, row.id, owner, now, "rejected by the platform")) report.failed++;
        else lost(row, platform, "rejected", report);
      }
      log.warn({ platform, ...logged(d) }, "message rejected by the platform; dropped");
    } else {
      let failed = 0;
      for (const row of d.rows) {
        if (markFailed(db, row.id, owner, now, "chat gone")) failed++;
        else lost(row, platform, "gone", report);
      }
      const [first] = d.rows;
      if (failed === 0 || !first) return;
      report.failed += failed;
      log.info({ platform, ...logged(d) }, "chat is gone; message dropped");
      try {
        // The rows share one chat: telling it once is enough.
        opts.onGone?.(first);
      } catch (error) {
        log.error({ platform, ...logged(d), error: describeError(error) }, "onGone failed");
      }
    }
  }

  /** A refused DM goes to its fallback group, led by a mention of the person; without one it fails. */
  function refused(row: QueuedMessage, platform: Platform, now: number, report: DrainReport): void {
    const { to } = row;
    const kind = purposeKind(row.purpose);
    if (!to.fallbackChatId) {
      if (markFailed(db, row.id, owner, now, "direct message refused; no fallback chat")) report.failed++;
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
    if (redirect(db, row.id, owner, target, message, now)) report.redirected++;
    else lost(row, platform, "redirect", report);
  }

  async function deliver(courier: Courier, q: ChatQueue, d: Delivery, report: DrainReport): Promise<void> {
    let outcome: { result: DeliveryResult } | { error: unknown };
    try {
      const result: unknown = await courier.deliver(d.message);
      outcome = isDeliveryResult(result) ? { result } : { error: new Error("courier returned no result") };
    } catch (error) {
      outcome = { error };
    }
    try {
      record(q, d, courier.platform, outcome, report);
    } catch (error) {
      // The rows stay leased; when the lease runs out they are tried again.
      log.error(
        { platform: courier.platform, ...logged(d), error: describeError(error) },
        "could not record a delivery",
      );
    }
  }

  /** Sleeps in-process for rate limits: one pending timer per platform, reused while it is early enough. */
  function timerFor(): (now: number, wait: number) => Promise<void> {
    let timer: { at: number; done: Promise<void> } | null = null;
    return (now, wait) => {
      const at = now + wait;
      if (!timer || timer.at > at) {
        const t = {
          at,
          done: sleep(wait).then(() => {
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
    const byChat = new Map<string, { key: string; kind: "group" | "dm"; rows: QueuedMessage[] }>();
    for (const row of rows) {
      const kind = row.to.chatKind;
      const key = chatKey(row.to);
      const chat = byChat.get(`${kind}:${key}`);
      if (chat) chat.rows.push(row);
      else byChat.set(`${kind}:${key}`, { key, kind, rows: [row] });
    }
    // Claims come oldest not_before first; within one chat, the order it was written in wins,
    // and rows of one bundle ready together become one delivery.
    let queues: ChatQueue[] = [...byChat.values()].map((chat) => ({
      key: chat.key,
      kind: chat.kind,
      rows: planDeliveries(chat.rows.sort((a, b) => a.id - b.id)),
      busy: false,
    }));
    const inFlight = new Set<Promise<void>>();

    while (queues.length > 0) {
      const now = nowMs();
      let minWait = Number.POSITIVE_INFINITY;
      for (const q of queues) {
        if (q.busy || q.rows.length === 0) continue;
        if (stopping) {
          holdBack(q, platform, null, report);
          continue;
        }
        if (inFlight.size >= concurrency) break;
        if (now >= deadline) {
          holdBack(q, platform, now, report);
          continue;
        }
        const until = parkedUntil(platform, q, now);
        if (until !== undefined) {
          holdBack(q, platform, until, report);
          continue;
        }
        const wait = limiter.reserve(platform, q.key, q.kind, now);
        if (wait === 0) {
          const next = q.rows.shift();
          if (!next) continue;
          q.busy = true;
          const running: Promise<void> = deliver(courier, q, next, report).finally(() => {
            q.busy = false;
            inFlight.delete(running);
          });
          inFlight.add(running);
        } else if (wait > SHORT_WAIT_MS || now + wait > deadline) {
          holdBack(q, platform, now + wait, report);
        } else {
          minWait = Math.min(minWait, wait);
        }
      }
      queues = queues.filter((q) => q.busy || q.rows.length > 0);
      if (queues.length === 0) break;

      const wakeUps: Promise<void>[] = [...inFlight];
      const canStartMore = inFlight.size < concurrency && !stopping;
      if (canStartMore && minWait !== Number.POSITIVE_INFINITY)
        wakeUps.push(wakeAt(now, minWait), stopSignal.promise);
      if (wakeUps.length === 0) {
        // Unreachable unless a queue was left neither busy, started, waiting nor held: rather
        // than spin or hang, hand its rows back.
        for (const q of queues) if (!q.busy) holdBack(q, platform, now, report);
        break;
      }
      await Promise.race(wakeUps);
    }
  }

  async function drainPlatform(courier: Courier, report: DrainReport): Promise<void> {
    const wakeAt = timerFor();
    const limit = claimLimit(courier.platform);
    while (!stopping) {
      const now = nowMs();
      const rows = claimReady(db, { owner, now, leaseMs, limit, platform: courier.platform });
      if (rows.length === 0) return;
      await runBatch(courier, rows, now, wakeAt, report);
    }
  }

  async function runDrain(): Promise<DrainReport> {
    const report = emptyReport();
    // allSettled: one platform's failure must not return while another is still mid-batch.
    const results = await Promise.allSettled([...couriers.values()].map((c) => drainPlatform(c, report)));
    for (const r of results) if (r.status === "rejected") throw r.reason;
    return report;
  }

  let running: Promise<DrainReport> | null = null;
  let queued: Promise<DrainReport> | null = null;

  /** One drain at a time, so a chat's rows never race each other; a call during one runs once it ends. */
  function drain(): Promise<DrainReport> {
    if (!running) {
      running = runDrain().finally(() => {
        running = null;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return drain();
      });
    return queued;
  }

  let loop: Promise<void> | null = null;
  let poked = false;
  let wake: Signal | null = null;

  async function runLoop(pollMs: number): Promise<void> {
    while (!stopping) {
      poked = false;
      try {
        const r = await drain();
        if (r.sent + r.retried + r.failed + r.redirected + r.heldBack + r.lostLeases > 0) {
          log.debug({ ...r }, "outbox drained");
        }
      } catch (error) {
        log.error({ error: describeError(error) }, "outbox drain failed");
      }
      if (stopping) break;
      if (poked) continue;
      let wait = pollMs;
      try {
        const next = nextReadyAt(db);
        const now = nowMs();
        // A past not_before that the drain just left is leased elsewhere or has no courier: poll.
        if (next !== null && next > now) wait = Math.min(pollMs, next - now);
      } catch (error) {
        log.error({ error: describeError(error) }, "outbox poll failed");
      }
      const w = signal();
      wake = w;
      await Promise.race([sleep(wait), w.promise, stopSignal.promise]);
      wake = null;
    }
  }

  return {
    drain,
    start(pollMs = 1_000) {
      if (loop) return;
      loop = runLoop(pollMs);
    },
    poke() {
      poked = true;
      wake?.fire();
    },
    async stop() {
      stopping = true;
      stopSignal.fire();
      await loop;
      await Promise.allSettled([running, queued]);
      loop = null;
      stopping = false;
      stopSignal = signal();
    },
  };
}
