/**
 * Prometheus metrics (prom-client): the registry `/metrics` serves (./health.ts) and the
 * {@link Observer} the engine, the dispatcher and the scheduler report to. The core knows only
 * the observer port (src/metrics.ts); every prom-client name lives here.
 *
 * Every label value comes from a closed set (platforms, the engine's command names, outcomes,
 * the role), never from what people type, so the number of series stays fixed.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Logger } from "../src/log";
import { type CommandResult, type Observer, SEND_OUTCOMES, type SendOutcome } from "../src/metrics";
import type { Store } from "../src/store/port";
import type { Clock, Platform, TickReport } from "../src/types";

/** The names of the metrics Amends defines (the default process metrics come on top). */
export const METRIC_NAMES = {
  outboxBacklog: "amends_outbox_backlog",
  outboxOldestAge: "amends_outbox_oldest_ready_age_seconds",
  sends: "amends_sends_total",
  rateLimited: "amends_rate_limited_total",
  tickDuration: "amends_tick_duration_seconds",
  tickLag: "amends_tick_lag_seconds",
  commands: "amends_commands_total",
  role: "amends_process_role",
} as const;

/** Which part of the fleet a process plays (issue 12): everything, the HTTP side, or the sending side. */
export type ProcessRole = "all" | "front" | "worker";

/** How the metrics are built. */
export interface MetricsOptions {
  /** Read on each scrape for the outbox backlog. */
  store: Store;
  /** The backlog counts what is due by this clock's now. */
  clock: Clock;
  log: Logger;
  role: ProcessRole;
  /**
   * Platforms this process delivers to: their send and 429 series exist at zero from the start,
   * so a rate() over them has a beginning. Others appear at their first delivery.
   */
  platforms?: readonly Platform[];
  /**
   * Whether this process reports the outbox backlog (default true). The outbox is shared, so
   * every process reports the same figure; a fleet may leave it to the workers.
   */
  outbox?: boolean;
  /** Node's process metrics (CPU, memory, event loop lag, GC), unprefixed as dashboards expect; default true. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for the backlog read before reporting it unknown; default 2000. */
  storeTimeoutMs?: number;
}

/** The registry to serve, and the observer to hand to the engine, the dispatcher and the scheduler. */
export interface Metrics {
  registry: Registry;
  observer: Observer;
}

/** Tick durations from an idle probe (about a millisecond) to a burst of thousands of check-ins. */
const TICK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Backlog = { ready: number; oldestReadyAt: number | null };

/** Creates a registry with every Amends metric, and the observer that feeds it. */
export function createMetrics(opts: MetricsOptions): Metrics {
  const { store, clock, log } = opts;
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const timeoutMs = opts.storeTimeoutMs ?? 2_000;

  new Gauge({
    name: METRIC_NAMES.role,
    help: "The role this process plays (all, front or worker); always 1.",
    labelNames: ["role"],
    registers: [registry],
  }).set({ role: opts.role }, 1);

  const sends = new Counter({
    name: METRIC_NAMES.sends,
    help: "Deliveries a courier answered, by platform and outcome (a combined message counts once).",
    labelNames: ["platform", "outcome"],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: METRIC_NAMES.rateLimited,
    help: "Deliveries a platform answered with 429 Too Many Requests, by platform.",
    labelNames: ["platform"],
    registers: [registry],
  });
  for (const platform of opts.platforms ?? []) {
    rateLimited.inc({ platform }, 0);
    for (const outcome of SEND_OUTCOMES) sends.inc({ platform, outcome }, 0);
  }
  const tickDuration = new Histogram({
    name: METRIC_NAMES.tickDuration,
    help: "How long each scheduler tick took, by result (ok or error).",
    labelNames: ["result"],
    buckets: TICK_BUCKETS,
    registers: [registry],
  });
  const tickLag = new Gauge({
    name: METRIC_NAMES.tickLag,
    help: "How late the last tick started against its schedule (counted from the first slot skipped while a slow tick ran).",
    registers: [registry],
  });
  const commands = new Counter({
    name: METRIC_NAMES.commands,
    help: "Commands and clicks answered, by command (click for a button, unknown for a command Amends lacks) and result (ok, refused, error).",
    labelNames: ["command", "result"],
    registers: [registry],
  });

  if (opts.outbox ?? true) {
    // Both gauges come from one read, and a scrape collects them side by side: they share it.
    let reading: Promise<Backlog | null> | null = null;
    let failing = false;
    const readBacklog = (): Promise<Backlog | null> => {
      reading ??= withTimeout(
        store.transaction((tx) => tx.outboxBacklog(clock.now().getTime()), {
          readOnly: true,
          isolation: "read committed",
        }),
        timeoutMs,
      )
        .then(
          (backlog) => {
            if (failing) log.info({}, "outbox backlog readable again");
            failing = false;
            return backlog;
          },
          (err: unknown) => {
            // Logged when it starts failing, not on every scrape; /readyz names the cause.
            if (!failing)
              log.warn({ err: err instanceof Error ? err.name : "error" }, "outbox backlog unreadable");
            failing = true;
            return null;
          },
        )
        .finally(() => {
          reading = null;
        });
      return reading;
    };
    new Gauge({
      name: METRIC_NAMES.outboxBacklog,
      help: "Outbox messages due and not yet delivered (NaN when the database cannot be read). The outbox is shared: aggregate with max, not sum.",
      registers: [registry],
      async collect() {
        const backlog = await readBacklog();
        this.set(backlog ? backlog.ready : Number.NaN);
      },
    });
    new Gauge({
      name: METRIC_NAMES.outboxOldestAge,
      help: "How long the oldest due, undelivered outbox message has been due, in seconds (0 when none; NaN when the database cannot be read).",
      registers: [registry],
      async collect() {
        const backlog = await readBacklog();
        if (!backlog) return this.set(Number.NaN);
        const at = backlog.oldestReadyAt;
        this.set(at === null ? 0 : Math.max(0, clock.now().getTime() - at) / 1000);
      },
    });
  }

  const observer: Observer = {
    commandHandled(name: string, result: CommandResult) {
      commands.inc({ command: name, result });
    },
    tickRan(durationMs: number, lagMs: number, report: TickReport | null) {
      tickDuration.observe({ result: report ? "ok" : "error" }, durationMs / 1000);
      tickLag.set(lagMs / 1000);
    },
    sent(platform: Platform, outcome: SendOutcome) {
      sends.inc({ platform, outcome });
      if (outcome === "rate-limited") rateLimited.inc({ platform });
    },
  };
  return { registry, observer };
}

/** `promise`, or a rejection after `ms` (the work itself goes on; only the wait is cut). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A wait cut short by {@link withTimeout}. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}
