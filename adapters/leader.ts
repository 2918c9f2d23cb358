/**
 * Fleet-wide send limits by leadership: of all the workers on one PostgreSQL, one at a time
 * sends. The platforms' rate limits belong to the bot token, not to a process, and the
 * dispatcher's limiter counts in memory: with one sender the count is the fleet's. The others
 * keep ticking (opening check-ins is shared through `SKIP LOCKED`) and stand by; when the
 * sender dies its lease goes with its connection, and the next worker to try takes over, its
 * limiter starting from what the fleet sent in the last window.
 *
 * Why a leader rather than a budget in the database: sending is light (30 messages a second is
 * Telegram's whole allowance for a bot), so one sender is never the bottleneck, and a budget
 * claimed row by row would add a write per message to every send on every worker.
 */
import type { Dispatcher } from "../src/dispatch/dispatcher";
import { emptyReport } from "../src/dispatch/outcomes";
import type { PlatformLimits } from "../src/dispatch/rate-limiter";
import type { Logger } from "../src/log";

/** What the leader holds (src/store/pg/db.ts `Lease`). */
export interface HeldLease {
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** The longest window any of these limits counts over: how far back a new leader reads the fleet's sends. */
export function longestWindowMs(limits: Iterable<PlatformLimits>): number {
  let longest = 0;
  for (const l of limits) longest = Math.max(longest, 1_000, l.group.perMs, l.dm.perMs);
  return longest;
}

/** Options of {@link ledDispatcher}. */
export interface LedDispatcherOptions {
  /**
   * Builds the dispatcher a leader runs, a fresh one per term: with its own lease owner id, and
   * its limiter counting what the fleet sent in the last window and what the sender before may
   * still have had in flight (`StoreTx.recentSends`), so the limits hold across the hand-over.
   */
  make: () => Dispatcher | Promise<Dispatcher>;
  /** Tries to take the sending lease; null while another process holds it. */
  lead: () => Promise<HeldLease | null>;
  log: Logger;
  /** How often a stand-by worker tries to take the lease; default 5 s. */
  retryMs?: number;
}

/**
 * A {@link Dispatcher} that sends only while this process holds the sending lease: it tries to
 * take it on start and every `retryMs` after, runs a dispatcher while it holds it, and stops
 * that dispatcher (letting its sends in flight be recorded) as soon as the lease is lost.
 */
export function ledDispatcher(opts: LedDispatcherOptions): Dispatcher {
  const { make, lead, log } = opts;
  const retryMs = opts.retryMs ?? 5_000;
  let current: { dispatcher: Dispatcher; lease: HeldLease } | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let trying: Promise<void> | null = null;

  const tryLead = async () => {
    if (stopped || current) return;
    let lease: HeldLease | null;
    try {
      lease = await lead();
    } catch (err) {
      log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "could not try for the sending lease",
      );
      return;
    }
    if (!lease) return;
    let lost = false;
    void lease.lost.then(() => {
      lost = true;
    });
    let dispatcher: Dispatcher;
    try {
      dispatcher = await make();
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not start sending");
      await lease.release();
      return;
    }
    if (stopped || lost) {
      await lease.release();
      return;
    }
    const term = { dispatcher, lease };
    current = term;
    dispatcher.start();
    log.info({}, "sending for the fleet");
    void lease.lost.then(async () => {
      if (current !== term) return;
      current = null;
      if (!stopped) log.warn({}, "sending lease lost: stopping this dispatcher");
      await dispatcher.stop();
    });
  };
  const attempt = () => {
    trying ??= tryLead().finally(() => {
      trying = null;
    });
    return trying;
  };

  return {
    async drain() {
      return current ? current.dispatcher.drain() : emptyReport();
    },
    start() {
      void attempt();
      timer = setInterval(() => void attempt(), retryMs);
      timer.unref();
    },
    poke() {
      current?.dispatcher.poke();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await trying;
      const term = current;
      current = null;
      if (term) {
        await term.dispatcher.stop();
        await term.lease.release();
      }
    },
  };
}
