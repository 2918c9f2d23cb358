/**
 * Catch-up after downtime (issue 10): 10,000 active commitments (a quarter each daily, weekdays,
 * hourly cron and graduated, over the seed's zones) whose bot was down for 30 days, caught up by
 * one tick on a file database set up as deployed (checkpoints on a worker thread). Measures the
 * time to catch up, the rows written, the longest synchronous stretch (each of the tick's batches
 * timed, COMMIT included; a setImmediate loop and monitorEventLoopDelay watch the thread as well),
 * and the latency of `/status` commands sent every few milliseconds while it runs, from the moment
 * each was due to be sent (a command held up by a long stretch counts that wait) to its answer.
 */

import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { localDate } from "../src/cadence";
import { planNext } from "../src/engine/schedule";
import { toPlain } from "../src/richtext";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import { openDatabase } from "../src/store/sqlite/db";
import { createSqliteStore, type SqliteStore } from "../src/store/sqlite/store";
import { buildEngine, commandFrom, FixedClock } from "./engine-bench";
import { seedDatabase } from "./seed";
import { max, median, quantile } from "./stats";

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The mix of issue 10's catch-up case, one cadence per commitment id modulo 4. */
const MIX = ["daily 20:00", "weekdays 09:00", "cron 0 * * * *", "graduated 21:00"] as const;
/** Downtime, commitments, and how often and how many `/status` commands are sent during it. */
const DOWN_DAYS = 30;
const SIZE = 10_000;
const STATUS_EVERY_MS = 5;
const STATUS_MAX = 200;

/** The catch-up figures. */
export interface CatchUpResult {
  commitments: number;
  downDays: number;
  /** One tick, start to end. */
  tickMs: number;
  /** Check-in rows the tick wrote: skipped ranges, single skipped ones, and open check-ins. */
  rows: { total: number; ranges: number; singles: number; open: number };
  /** Occurrences the skipped rows stand for (what walking would have written one by one). */
  occurrencesSkipped: number;
  prompts: number;
  /** Commitments whose next due time is now after the tick instant. */
  advanced: number;
  /** The longest of the tick's batches (one transaction of units, COMMIT included): its longest synchronous stretch. */
  longestBatchMs: number;
  batches: number;
  /** The longest gap between setImmediate turns: a batch and the commands that ran right after it. */
  longestStretchMs: number;
  eventLoopDelayMaxMs: number;
  status: { sent: number; p50Ms: number; p99Ms: number; maxMs: number; unexpected: number };
}

/** Seeds the database file, turns every commitment into the mix, and makes it 30 days overdue. */
function prepare(path: string, t0: number) {
  const seeded = seedDatabase(path, SIZE, t0);
  const db = openDatabase(path);
  const client = db.$client;
  const downFrom = t0 - DOWN_DAYS * DAY;
  const rows = client.prepare("SELECT id, zone FROM commitments").all() as { id: number; zone: string }[];
  const set = client.prepare(
    "UPDATE commitments SET cadence = ?, anchor = ?, cadence_state = ?, next_due_at = ? WHERE id = ?",
  );
  const state = { phase: 0, keptInPhase: 0, missesInRow: 0 };
  client.transaction(() => {
    // The seed's two answered check-ins fall in the downtime: this case starts with none.
    client.prepare("DELETE FROM check_ins").run();
    for (const r of rows) {
      const cadence = MIX[r.id % MIX.length] ?? "daily 20:00";
      const anchor = localDate(downFrom, r.zone);
      const next = planNext({ cadence, zone: r.zone, anchor, cadenceState: state, until: null }, downFrom);
      set.run(cadence, anchor, JSON.stringify(state), next, r.id);
    }
  })();
  db.$client.close();
  return seeded;
}

/**
 * Times the tick's batches on `store` (its read-committed write transactions; the idle probe is
 * read-only and commands are serializable) while `inCommand()` is false, until `restore()`. A
 * batch is timed from its first statement after BEGIN to its COMMIT's return: the stretch in
 * which it holds the thread, without the wait for its turn.
 */
function timeBatches(store: SqliteStore, inCommand: () => boolean) {
  const durations: number[] = [];
  const original = store.transaction;
  const timed: SqliteStore["transaction"] = (fn, opts) => {
    if (inCommand() || opts?.readOnly || opts?.isolation !== "read committed") return original(fn, opts);
    let started = 0;
    return original(async (tx) => {
      started = performance.now();
      return fn(tx);
    }, opts).finally(() => {
      if (started > 0) durations.push(performance.now() - started);
    });
  };
  Object.defineProperty(store, "transaction", { value: timed, configurable: true, writable: true });
  return {
    durations,
    restore: () => {
      Object.defineProperty(store, "transaction", { value: original, configurable: true, writable: true });
    },
  };
}

/** Runs the catch-up case on a fresh database file in the temp directory. */
export async function measureCatchUp(): Promise<CatchUpResult> {
  const path = join(tmpdir(), "amends-bench-catchup.sqlite");
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
  const seeded = prepare(path, t0);
  // As deployed (adapters/run-platforms.ts): checkpoints on a worker thread, not inside commits.
  const db = openDatabase(path, { autoCheckpoint: false });
  const checkpointer = startCheckpointer(path);
  try {
    const clock = new FixedClock(t0);
    const store = createSqliteStore(db);
    const engine = buildEngine(store, clock);
    const client = db.$client;

    // Warm up /status as a running bot would have (the first calls compile its code paths);
    // the catch-up itself runs cold, as it does right after a restart.
    for (let k = 0; k < 100; k++)
      await engine.handle(commandFrom(((k * 104_729) % seeded.people) + 1, seeded, "/status"));

    // The tick's own synchronous stretches: each batch, COMMIT included. Then the thread's
    // watchers: the longest gap between setImmediate turns (a batch plus any commands run right
    // after it), and the delay histogram.
    let inCommand = false;
    const batches = timeBatches(store, () => inCommand);
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let running = true;
    let last = performance.now();
    let stretch = 0;
    const loop = (): void => {
      const now = performance.now();
      stretch = Math.max(stretch, now - last);
      last = now;
      if (running) setImmediate(loop);
    };

    // /status from a different seeded person every few ms while the tick runs, as independent
    // arrivals (all scheduled up front), each timed from when it was due to be sent.
    const latencies: number[] = [];
    let unexpected = 0;
    let sending = true;
    const started = performance.now();
    const timers: NodeJS.Timeout[] = [];
    for (let k = 0; k < STATUS_MAX; k++) {
      const due = started + k * STATUS_EVERY_MS;
      const person = ((k * 7_919) % seeded.people) + 1;
      timers.push(
        setTimeout(async () => {
          if (!sending) return;
          inCommand = true;
          const handled = engine.handle(commandFrom(person, seeded, "/status"));
          inCommand = false;
          const replies = await handled;
          latencies.push(performance.now() - due);
          if (!toPlain(replies[0]?.text ?? []).startsWith("Your commitments")) unexpected++;
        }, k * STATUS_EVERY_MS),
      );
    }

    histogram.enable();
    setImmediate(loop);
    const report = await engine.tick(new Date(t0));
    const tickMs = performance.now() - started;
    sending = false;
    for (const t of timers) clearTimeout(t);
    stretch = Math.max(stretch, performance.now() - last);
    running = false;
    histogram.disable();
    batches.restore();

    const count = (where: string): number =>
      client
        .prepare(`SELECT count(*) FROM check_ins WHERE created_at = ? AND ${where}`)
        .pluck()
        .get(t0) as number;
    const skippedSum = client
      .prepare(
        "SELECT coalesce(sum(coalesce(skipped_count, 1)), 0) FROM check_ins WHERE created_at = ? AND state = 'skipped'",
      )
      .pluck()
      .get(t0) as number;
    const prompts = client
      .prepare("SELECT count(*) FROM outbox WHERE purpose LIKE 'prompt:%' AND created_at = ?")
      .pluck()
      .get(t0) as number;
    const advanced = client
      .prepare("SELECT count(*) FROM commitments WHERE state = 'active' AND next_due_at > ?")
      .pluck()
      .get(t0) as number;
    if (report.skipped !== skippedSum) {
      throw new Error(`catch-up reported ${report.skipped} skipped, the rows stand for ${skippedSum}`);
    }
    return {
      commitments: seeded.commitments,
      downDays: DOWN_DAYS,
      tickMs,
      rows: {
        total: count("1"),
        ranges: count("state = 'skipped' AND skipped_count IS NOT NULL"),
        singles: count("state = 'skipped' AND skipped_count IS NULL"),
        open: count("state = 'pending'"),
      },
      occurrencesSkipped: skippedSum,
      prompts,
      advanced,
      longestBatchMs: max(batches.durations),
      batches: batches.durations.length,
      longestStretchMs: stretch,
      eventLoopDelayMaxMs: histogram.max / 1e6,
      status: {
        sent: latencies.length,
        p50Ms: median(latencies),
        p99Ms: quantile(latencies, 0.99),
        maxMs: max(latencies),
        unexpected,
      },
    };
  } finally {
    // The checkpointer's thread is unref'd: keep the process alive until it has stopped.
    const alive = setInterval(() => undefined, 1_000);
    await checkpointer.stop();
    clearInterval(alive);
    db.$client.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
}
