/**
 * The process-wide scheduler for real time: one node-cron task runs `engine.tick` every few
 * seconds (never overlapping itself), and the dispatcher drains the outbox in its own loop,
 * woken after each tick that queued something. The console does not use this: its virtual
 * clock ticks minute by minute under `:advance`.
 */
import cron from "node-cron";
import type { Dispatcher } from "../src/dispatch/dispatcher";
import type { Logger } from "../src/log";
import type { Clock, Engine } from "../src/types";

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
}): Scheduler {
  const { engine, dispatcher, clock, log } = opts;
  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running) return; // a slow tick (a burst) finishes before the next one starts
    running = (async () => {
      try {
        const report = await engine.tick(clock.now());
        const queued = report.opened + report.reminded + report.queued + report.completed;
        if (queued > 0) {
          log.info({ ...report }, "tick");
          dispatcher.poke();
        }
      } catch (err) {
        log.error({ err: err instanceof Error ? err.message : String(err) }, "tick failed");
      } finally {
        running = null;
      }
    })();
    await running;
  };
  const task = cron.schedule(`*/${opts.intervalSeconds} * * * * *`, tick, { noOverlap: true });
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
