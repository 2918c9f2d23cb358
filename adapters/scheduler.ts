/**
 * The process-wide scheduler for real time: one node-cron task runs `engine.tick` every few
 * seconds (never overlapping itself), and the dispatcher drains the outbox in its own loop,
 * woken after each tick that queued something. The console does not use this: its virtual
 * clock ticks minute by minute under `:advance`.
 */
import { performance } from "node:perf_hooks";
import cron, { type TaskContext } from "node-cron";
import type { Dispatcher } from "../src/dispatch/dispatcher";
import type { Logger } from "../src/log";
import { guarded, type Observer } from "../src/metrics";
import type { Clock, Engine, TickReport } from "../src/types";

/** A running scheduler. */
export interface Scheduler {
  /** Stops ticking, waits for the tick in progress, and stops the dispatcher after its in-flight sends. */
  stop(): Promise<void>;
}

/** Starts ticking every `intervalSeconds` and the dispatcher loop. */
export function startScheduler(opts: {
  engine: Engine;
  dispatcher: Dispatcher;
  clock: Clock;
  log: Logger;
  intervalSeconds: number;
  /** Told each tick's duration and lag (tickRan); default nobody. */
  observer?: Observer;
}): Scheduler {
  const { engine, dispatcher, clock, log } = opts;
  const observer = guarded(opts.observer, log);
  let running: Promise<void> | null = null;
  /**
   * The earliest scheduled instant (wall-clock ms) that no tick has served yet because a slow
   * tick was still running: the next tick's lag counts from there, so a burst that makes ticks
   * skip their slots shows as lag growing, not as a run of punctual ticks.
   */
  let owedSince: number | null = null;
  const owe = (at: number) => {
    owedSince = owedSince === null ? at : Math.min(owedSince, at);
  };
  /** `scheduledAt`: the slot this tick serves (node-cron's time for it); none for the first, asked-for tick. */
  const tick = async (scheduledAt?: number) => {
    if (running) {
      if (scheduledAt !== undefined) owe(scheduledAt);
      return; // a slow tick (a burst) finishes before the next one starts
    }
    // Lag in wall time, as node-cron schedules; duration on the monotonic clock.
    const startedAt = Date.now();
    const due = scheduledAt === undefined ? owedSince : Math.min(scheduledAt, owedSince ?? scheduledAt);
    owedSince = null;
    const lagMs = due === null ? 0 : Math.max(0, startedAt - due);
    const started = performance.now();
    running = (async () => {
      let report: TickReport | null = null;
      try {
        report = await engine.tick(clock.now());
        const queued = report.opened + report.reminded + report.queued + report.completed;
        if (queued > 0) {
          log.info({ ...report }, "tick");
          dispatcher.poke();
        }
      } catch (err) {
        log.error({ err: err instanceof Error ? err.message : String(err) }, "tick failed");
      } finally {
        observer.tickRan(performance.now() - started, lagMs, report);
        running = null;
      }
    })();
    await running;
  };
  const task = cron.schedule(
    `*/${opts.intervalSeconds} * * * * *`,
    (ctx: TaskContext) => tick(ctx.date.getTime()),
    { noOverlap: true },
  );
  // With noOverlap node-cron itself skips a slot while a tick runs, and one it could not fire
  // on time (a blocked event loop) is reported missed: both are owed to the next tick.
  task.on("execution:overlap", (ctx: TaskContext) => owe(ctx.date.getTime()));
  task.on("execution:missed", (ctx: TaskContext) => {
    owe(ctx.date.getTime());
    // Listening silences node-cron's own warning about it; this one takes its place.
    log.warn({ slot: ctx.date.toISOString() }, "tick slot missed: the event loop was blocked");
  });
  dispatcher.start();
  void tick();
  return {
    async stop() {
      await task.stop();
      if (running) await running;
      await dispatcher.stop();
    },
  };
}
