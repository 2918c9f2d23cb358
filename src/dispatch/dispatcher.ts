/**
 * The dispatcher drains the outbox: it leases ready rows, hands each to its platform's courier
 * within the platform's rate limits, and records what happened. Every outcome is written back
 * to the row under the lease, so a crash at any point loses nothing: an unrecorded row's lease
 * runs out and another dispatcher (or this one, restarted) sends it.
 *
 * Three parts: batch scheduling (./batches.ts) claims rows and decides when each goes out;
 * outcome recording (./outcomes.ts) writes what the courier answered back to the rows; this
 * module wires the two to the outbox and runs them, once per drain or in a loop.
 *
 * Check-in prompts and reminders of one person in one chat that a claim finds ready together
 * go out as one message (./bundle.ts); what happens to that delivery happens to each of its rows.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../log";
import { guarded, type Observer } from "../metrics";
import type { QueuedMessage, Store, StoreTx } from "../store/port";
import type { Clock, Courier, Platform, Recipient } from "../types";
import { chatKey, createBatchScheduler } from "./batches";
import {
  createOutcomeRecorder,
  type DrainReport,
  describeError,
  emptyReport,
  type OutboxLeases,
} from "./outcomes";
import { DEFAULT_LIMITS, type PlatformLimits, RateLimiter } from "./rate-limiter";

export type { DrainReport } from "./outcomes";

/** How the dispatcher is wired and tuned. */
export interface DispatcherOptions {
  store: Store;
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
  /**
   * Called once per delivery whose chat is gone, after its rows were marked failed (usually
   * {@link Engine.pauseForGone}). A promise it returns is awaited before the chat's delivery
   * counts as recorded, so {@link Dispatcher.stop} waits for it too.
   */
  onGone?: (msg: QueuedMessage) => unknown;
  /** Told what each courier answered (sends by platform and outcome, 429s); default nobody. */
  observer?: Observer;
  /**
   * Sends its limiter counts as already made, oldest first: a new sending leader passes the
   * fleet's sends of the last window and what another sender may still have had in flight
   * (`StoreTx.recentSends`), so the platforms' limits hold across the hand-over.
   */
  alreadySent?: readonly { to: Recipient; at: number }[];
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

/** A limiter whose windows start with `sent` already counted. */
function limiterFor(
  limits: Partial<Record<Platform, PlatformLimits>>,
  sent: readonly { to: Recipient; at: number }[],
): RateLimiter {
  const limiter = new RateLimiter(limits);
  for (const s of [...sent].sort((a, b) => a.at - b.at))
    limiter.record(s.to.platform, chatKey(s.to), s.to.chatKind === "dm" ? "dm" : "group", s.at);
  return limiter;
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

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one outbox statement in its own short transaction (claims lock their rows; writes are compare-and-set). */
function outboxWork(store: Store) {
  return <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
    store.transaction(fn, { isolation: "read committed" });
}

/** The outbox writes of outcome recording, on `store` under `owner`'s lease. */
export function outboxLeases(store: Store, owner: string): OutboxLeases {
  const run = outboxWork(store);
  return {
    markSent: (id, now) => run((tx) => tx.markSent(id, owner, now)),
    scheduleRetry: (id, notBefore, error) => run((tx) => tx.scheduleRetry(id, owner, notBefore, error)),
    release: (id, notBefore) => run((tx) => tx.release(id, owner, notBefore)),
    markFailed: (id, now, error) => run((tx) => tx.markFailed(id, owner, now, error)),
    redirect: (id, to, message, now) => run((tx) => tx.redirect(id, owner, to, message, now)),
  };
}

/**
 * Creates a dispatcher over the outbox in `opts.store`.
 *
 * Each platform with a courier is drained on its own (a slow platform never holds up another):
 * rows are claimed in batches small enough to go out within half the lease; rows of different
 * chats are delivered concurrently, rows of one chat strictly one after another (./batches.ts).
 * What each courier answers is written back to its rows (./outcomes.ts).
 */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { store, clock, log } = opts;
  const run = outboxWork(store);
  const owner = opts.owner ?? `dispatcher-${randomUUID()}`;
  const leaseMs = opts.leaseMs ?? 60_000;
  const sleep = opts.sleep ?? defaultSleep;
  const limits: Partial<Record<Platform, PlatformLimits>> = opts.limits ?? DEFAULT_LIMITS;
  const nowMs = (): number => clock.now().getTime();

  const couriers = new Map<Platform, Courier>();
  for (const courier of opts.couriers) {
    if (couriers.has(courier.platform)) throw new Error(`two couriers for ${courier.platform}`);
    couriers.set(courier.platform, courier);
  }

  let stopping = false;
  let stopSignal = signal();

  const recorder = createOutcomeRecorder({
    leases: outboxLeases(store, owner),
    log,
    backoff: opts.backoff ?? { baseMs: 1_000, maxMs: 3_600_000 },
    random: opts.random ?? Math.random,
    onGone: opts.onGone,
    observer: guarded(opts.observer, log),
  });
  const batches = createBatchScheduler({
    claim: (platform, now, limit) => run((tx) => tx.claimReady({ owner, now, leaseMs, limit, platform })),
    recorder,
    limiter: limiterFor(limits, opts.alreadySent ?? []),
    limits,
    log,
    nowMs,
    sleep,
    leaseMs,
    batchSize: Math.max(1, Math.floor(opts.batchSize ?? 200)),
    concurrency: Math.max(1, Math.floor(opts.concurrency ?? 16)),
    stopping: () => stopping,
    stopped: () => stopSignal.promise,
  });

  async function runDrain(): Promise<DrainReport> {
    const report = emptyReport();
    // allSettled: one platform's failure must not return while another is still mid-batch.
    const results = await Promise.allSettled(
      [...couriers.values()].map((c) => batches.drainPlatform(c, report)),
    );
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
        const next = await run((tx) => tx.nextReadyAt());
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
