/**
 * `npm run bench`: the scale benchmark of issue 3, item 7. For 100k and 1M active commitments in
 * a file database (`--quick`: 20k and 100k) it measures start-up time and memory of a fresh
 * process, the idle tick, a burst of 10,000 check-ins due in one minute (time and event-loop
 * blocking), dispatcher throughput (unlimited and at Telegram's 30/s), `engine.handle` for
 * `/commit` and `/status`, and the prompt delay with the real scheduler; then prints every figure
 * with its unit and a summary against the issue's targets. Targets are judged at the larger size.
 * Then issue 10's catch-up case (bench/catchup.ts): 10,000 commitments after 30 days down
 * (`-- --catchup` runs only that). A missed target is reported, not fatal: the exit code is 0
 * unless something crashed. `-- --no-dispatch` leaves out the dispatcher's figures and the real
 * scheduler (they read n/a), for measuring the engine while the dispatcher is being changed.
 */
import { rmSync } from "node:fs";
import { cpus, loadavg, arch as osArch, platform as osPlatform, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import { openDatabase } from "../src/store/sqlite/db";
import { type CatchUpResult, measureCatchUp } from "./catchup";
import { measureRated, measureUnlimited, type RatedResult, type UnlimitedResult } from "./dispatch-bench";
import {
  BURST_MINUTE,
  type BurstResult,
  buildEngine,
  type DbCallResult,
  FixedClock,
  type HandleResult,
  type IdleTickResult,
  measureBurst,
  measureBurstDbCalls,
  measureHandle,
  measureIdleTick,
} from "./engine-bench";
import { messagesReport } from "./messages";
import { measureScheduler, type SchedulerResult } from "./scheduler-bench";
import { type Seeded, seedDatabase } from "./seed";
import { measureStartup, type StartupResult } from "./startup";
import { count, mib, ms, pct, rate, table } from "./stats";

const MINUTE = 60_000;

/** Everything measured at one size. */
interface SizeResult {
  seeded: Seeded;
  startup: StartupResult;
  idle: IdleTickResult;
  handle: { commit: HandleResult; status: HandleResult };
  burst: BurstResult;
  dbCalls: DbCallResult;
  unlimited: UnlimitedResult;
  rated: RatedResult;
  scheduler: SchedulerResult;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

const say = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};

/** What the dispatch and scheduler figures read when `--no-dispatch` leaves them out. */
const SKIPPED = {
  unlimited: {
    sent: 0,
    messages: 0,
    ms: Number.NaN,
    perSecond: Number.NaN,
    left: 0,
  } satisfies UnlimitedResult,
  rated: {
    sent: 0,
    configuredPerSecond: Number.NaN,
    achievedPerSecond: Number.NaN,
    wouldBe429: Number.NaN,
    tightestSpanMs: Number.NaN,
    ms: Number.NaN,
  } satisfies RatedResult,
  scheduler: {
    due: 0,
    delivered: 0,
    medianMs: Number.NaN,
    maxMs: Number.NaN,
    delaysMs: [],
  } satisfies SchedulerResult,
};

async function measureSize(n: number, quick: boolean, dispatch: boolean): Promise<SizeResult> {
  const path = join(tmpdir(), `amends-bench-${n}.sqlite`);
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
  say(`\n== ${count(n)} active commitments ==`);
  const step = (what: string) => say(`  ${what}…`);
  try {
    step("seeding");
    const seeded = seedDatabase(path, n, t0);
    say(
      `  seeded ${count(seeded.commitments)} commitments, ${count(seeded.people)} people, ` +
        `${count(seeded.chats)} chats, ${count(seeded.history)} past check-ins ` +
        `in ${ms(seeded.seedMs)} (${mib(seeded.fileBytes)} file)`,
    );
    step("start-up (1 warm-up + 5 child processes)");
    const startup = await measureStartup(path, t0);

    // As deployed (adapters/run-platforms.ts): checkpoints on a worker thread, not inside commits.
    const db = openDatabase(path, { autoCheckpoint: false });
    const checkpointer = startCheckpointer(path);
    try {
      const clock = new FixedClock(t0);
      const engine = buildEngine(db, clock);
      step("idle tick × 200");
      const idle = await measureIdleTick(engine, seeded);
      step("engine.handle /commit and /status × 2,000 each");
      clock.ms = t0 + MINUTE;
      const handle = await measureHandle(db, engine, clock, seeded);
      step("burst of 10,000 due check-ins");
      const burst = await measureBurst(db, engine, seeded);
      step("second burst with every database call timed");
      const dbCalls = await measureBurstDbCalls(db, engine, seeded);
      if (!dispatch) return { seeded, startup, idle, handle, burst, dbCalls, ...SKIPPED };
      step("dispatch unlimited (both bursts' prompts)");
      const unlimited = await measureUnlimited(db, BURST_MINUTE(seeded) + 2 * MINUTE);
      const ratedCount = quick ? 300 : 600;
      step(`dispatch at Telegram's 30/s (${ratedCount} messages to distinct chats)`);
      const rated = await measureRated(db, ratedCount, String(n));
      step("real scheduler, 5 s ticks, prompts due over ~15 s");
      const scheduler = await measureScheduler(db, seeded);
      return { seeded, startup, idle, handle, burst, dbCalls, unlimited, rated, scheduler };
    } finally {
      await checkpointer.stop();
      db.$client.close();
    }
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
}

/** Rows of the per-size figures table. */
function figureRows(sizes: number[], results: SizeResult[]): string[][] {
  const row = (label: string, f: (r: SizeResult) => string): string[] => [label, ...results.map(f)];
  return [
    ["figure", ...sizes.map((n) => `${count(n)} commitments`)],
    row("database file", (r) => mib(r.seeded.fileBytes)),
    row("start-up: process start → ready (median of 5)", (r) => ms(r.startup.readyMs)),
    row("  fastest of the 5", (r) => ms(r.startup.readyMinMs)),
    row("  spawn() → ready, seen by the parent", (r) => ms(r.startup.spawnToReadyMs)),
    row("  of which open DB + migrations", (r) => ms(r.startup.openMs)),
    row("  of which first (idle) tick", (r) => ms(r.startup.tickMs)),
    row("memory after start-up: RSS", (r) => mib(r.startup.rssBytes)),
    row("  JS heap used", (r) => mib(r.startup.heapUsedBytes)),
    row("idle tick: median (200 ticks)", (r) => ms(r.idle.medianMs)),
    row("idle tick: max", (r) => ms(r.idle.maxMs)),
    row("burst: 10,000 due check-ins opened in one tick", (r) => ms(r.burst.tickMs)),
    row("  check-ins / prompt rows / next due moved", (r) => {
      const v = r.burst.verified;
      return `${count(v.checkIns)} / ${count(v.prompts)} / ${count(v.advanced)}`;
    }),
    row("  longest synchronous stretch (setImmediate gaps)", (r) => ms(r.burst.longestStretchMs)),
    row("  event-loop delay max (monitorEventLoopDelay)", (r) => ms(r.burst.eventLoopDelayMaxMs)),
    row("  instrumented burst: tick time", (r) => ms(r.dbCalls.tickMs)),
    row("  instrumented burst: statement calls", (r) => count(r.dbCalls.calls)),
    row(
      "  instrumented burst: time inside SQLite",
      (r) => `${ms(r.dbCalls.dbMs)} (${pct(r.dbCalls.dbMs / r.dbCalls.tickMs)})`,
    ),
    row("  instrumented burst: longest single DB call", (r) => ms(r.dbCalls.longestCallMs)),
    row("dispatch, unlimited, instant courier", (r) => rate(r.unlimited.perSecond)),
    row(
      "  rows / messages / time",
      (r) => `${count(r.unlimited.sent)} / ${count(r.unlimited.messages)} / ${ms(r.unlimited.ms)}`,
    ),
    row("dispatch at 30/s: achieved rate", (r) => `${r.rated.achievedPerSecond.toFixed(2)} msg/s`),
    row("  as % of configured", (r) => pct(r.rated.achievedPerSecond / r.rated.configuredPerSecond)),
    row("  would-be 429s (>30 in a 1 s window)", (r) => count(r.rated.wouldBe429)),
    row("  tightest span of 31 consecutive sends", (r) => `${r.rated.tightestSpanMs.toFixed(3)} ms`),
    row("  messages / drain time", (r) => `${count(r.rated.sent)} / ${ms(r.rated.ms)}`),
    row("engine.handle /commit: median", (r) => ms(r.handle.commit.medianMs)),
    row(
      "engine.handle /commit: p99 (max)",
      (r) => `${ms(r.handle.commit.p99Ms)} (${ms(r.handle.commit.maxMs)})`,
    ),
    row("engine.handle /status: median", (r) => ms(r.handle.status.medianMs)),
    row(
      "engine.handle /status: p99 (max)",
      (r) => `${ms(r.handle.status.p99Ms)} (${ms(r.handle.status.maxMs)})`,
    ),
    row(
      "  unexpected replies (/commit, /status)",
      (r) => `${r.handle.commit.unexpected}, ${r.handle.status.unexpected}`,
    ),
    row("prompt delay, real scheduler: median", (r) => ms(r.scheduler.medianMs)),
    row("prompt delay, real scheduler: max", (r) => ms(r.scheduler.maxMs)),
    row("  prompts delivered / due", (r) => `${r.scheduler.delivered} / ${r.scheduler.due}`),
  ];
}

/** A flat figure grows by at most 20 %, or by a small absolute amount (noise at small values). */
function flat(small: number, large: number, slack: number): boolean {
  return large <= small * 1.2 || large - small <= slack;
}

function growth(small: number, large: number, unit: (v: number) => string): string {
  const change = small > 0 ? ((large - small) / small) * 100 : 0;
  return `${unit(small)} → ${unit(large)} (${change >= 0 ? "+" : ""}${change.toFixed(1)} %)`;
}

function summaryRows(sizes: number[], results: SizeResult[]): string[][] {
  const small = results[0];
  const large = results[results.length - 1];
  if (!small || !large) return [];
  const at = `at ${count(sizes[sizes.length - 1] ?? 0)}`;
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  const b = large.burst;
  const burstComplete =
    b.opened === b.due &&
    b.verified.checkIns === b.due &&
    b.verified.prompts === b.due &&
    b.verified.advanced === b.due;
  return [
    ["target", "measured", "goal", "result"],
    [
      `start-up time flat (fastest of 5), ${count(sizes[0] ?? 0)} → ${count(sizes[1] ?? 0)}`,
      growth(small.startup.readyMinMs, large.startup.readyMinMs, ms),
      "≤ +20 % or +50 ms",
      verdict(flat(small.startup.readyMinMs, large.startup.readyMinMs, 50)),
    ],
    [
      "start-up memory (median RSS) flat",
      growth(small.startup.rssBytes, large.startup.rssBytes, mib),
      "≤ +20 % or +10 MiB",
      verdict(flat(small.startup.rssBytes, large.startup.rssBytes, 10 * 1_048_576)),
    ],
    [`idle tick median ${at}`, ms(large.idle.medianMs), "< 1 ms", verdict(large.idle.medianMs < 1)],
    [`idle tick max ${at}`, ms(large.idle.maxMs), "< 1 ms", verdict(large.idle.maxMs < 1)],
    [
      `10,000 due check-ins opened ${at}`,
      `${ms(b.tickMs)}${burstComplete ? "" : " (incomplete!)"}`,
      "< 1 s, all written",
      verdict(b.tickMs < 1_000 && burstComplete),
    ],
    [
      "longest synchronous stretch in the burst",
      ms(b.longestStretchMs),
      "≤ 10 ms",
      verdict(b.longestStretchMs <= 10),
    ],
    [
      "longest single DB call in the burst",
      ms(large.dbCalls.longestCallMs),
      "≤ 10 ms",
      verdict(large.dbCalls.longestCallMs <= 10),
    ],
    [`dispatch, unlimited ${at}`, rate(large.unlimited.perSecond), "(no target)", "—"],
    [
      "dispatch at Telegram's 30/s",
      pct(large.rated.achievedPerSecond / large.rated.configuredPerSecond),
      "≥ 99 %",
      verdict(large.rated.achievedPerSecond / large.rated.configuredPerSecond >= 0.99),
    ],
    ["would-be 429s at 30/s", count(large.rated.wouldBe429), "0", verdict(large.rated.wouldBe429 === 0)],
    [`/commit p99 ${at}`, ms(large.handle.commit.p99Ms), "< 2 ms", verdict(large.handle.commit.p99Ms < 2)],
    [`/status p99 ${at}`, ms(large.handle.status.p99Ms), "< 2 ms", verdict(large.handle.status.p99Ms < 2)],
    [
      "prompt delay with the real scheduler (max)",
      ms(large.scheduler.maxMs),
      "≤ 5 s",
      verdict(large.scheduler.maxMs <= 5_000),
    ],
  ];
}

/** The catch-up case's figures and its verdicts against issue 10's targets. */
function catchUpRows(r: CatchUpResult): string[][] {
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  const complete = r.advanced === r.commitments && r.prompts === r.rows.open;
  return [
    ["figure", "measured", "goal", "result"],
    [
      `time to catch up ${count(r.commitments)} commitments (one tick)`,
      `${ms(r.tickMs)}${complete ? "" : " (incomplete!)"}`,
      "all advanced",
      verdict(complete),
    ],
    [
      "  rows written: total (ranges / single skipped / open)",
      `${count(r.rows.total)} (${count(r.rows.ranges)} / ${count(r.rows.singles)} / ${count(r.rows.open)})`,
      "≤ 2 a commitment",
      verdict(r.rows.total <= 2 * r.commitments),
    ],
    ["  occurrences the skipped rows stand for", count(r.occurrencesSkipped), "(one row each before)", "—"],
    ["  prompts queued / commitments advanced", `${count(r.prompts)} / ${count(r.advanced)}`, "", ""],
    [
      `longest synchronous stretch: the slowest of ${count(r.batches)} tick batches`,
      ms(r.longestBatchMs),
      "≤ 10 ms",
      verdict(r.longestBatchMs <= 10),
    ],
    [
      "  longest gap between event-loop turns (a batch + /status run after it)",
      ms(r.longestStretchMs),
      "",
      "",
    ],
    ["  event-loop delay max (monitorEventLoopDelay)", ms(r.eventLoopDelayMaxMs), "", ""],
    [
      `/status during it: p50 / p99 (max), ${r.status.sent} sent`,
      `${ms(r.status.p50Ms)} / ${ms(r.status.p99Ms)} (${ms(r.status.maxMs)})`,
      "p99 < 50 ms",
      verdict(r.status.p99Ms < 50 && r.status.unexpected === 0),
    ],
  ];
}

async function runCatchUp(): Promise<void> {
  say(`\nCatch-up after 30 days down: 10,000 commitments (daily, weekdays, hourly cron, graduated)`);
  const r = await measureCatchUp();
  say(table(catchUpRows(r)));
  if (r.status.unexpected > 0) say(`  unexpected /status replies: ${r.status.unexpected}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  // The checkpointer's worker is unref'd: while only its stop() is awaited, nothing else would
  // keep the process alive, and it would end there without a word.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    await run(started);
  } finally {
    clearInterval(keepAlive);
  }
}

async function run(started: number): Promise<void> {
  if (process.argv.includes("--catchup")) {
    await runCatchUp();
    say(`total run time: ${ms(performance.now() - started)}`);
    return;
  }
  const quick = process.argv.includes("--quick");
  const dispatch = !process.argv.includes("--no-dispatch");
  const sizes = quick ? [20_000, 100_000] : [100_000, 1_000_000];
  const cpu = cpus();
  const probe = openDatabase(":memory:");
  const sqlite = probe.$client.prepare("SELECT sqlite_version()").pluck().get() as string;
  probe.$client.close();
  say(
    `Amends benchmark${quick ? " (--quick)" : ""}${dispatch ? "" : " (--no-dispatch: no dispatch or scheduler figures)"}`,
  );
  say(
    `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${mib(totalmem())} RAM, ` +
      `${osPlatform()} ${osArch()}; node ${process.version}; SQLite ${sqlite}; database files in ${tmpdir()}`,
  );

  const busy = (loadavg()[0] ?? 0) >= 1 ? " (other processes are busy: figures will be noisier)" : "";
  say(`load average at start (1/5/15 min): ${load()}${busy}`);
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await measureSize(n, quick, dispatch));

  say("\nFigures");
  say(table(figureRows(sizes, results)));
  say(`\nSummary against the issue's targets (judged at ${count(sizes[sizes.length - 1] ?? 0)})`);
  say(table(summaryRows(sizes, results)));
  for (const r of results) {
    const delays = r.scheduler.delaysMs.map((d) => ms(d)).join(", ");
    say(`\nat ${count(r.seeded.commitments)}: prompt delays ${delays}`);
    say(`  longest DB call in the burst: ${r.dbCalls.longestSql}`);
  }
  await runCatchUp();
  if (dispatch) {
    say("\nMessages one person receives per day: two simulated weeks, 4 commitments (bench/messages.ts)");
    for (const line of await messagesReport()) say(`  ${line}`);
  }
  say(`\nload average at end (1/5/15 min): ${load()}`);
  say(`total run time: ${ms(performance.now() - started)}`);
}

main().catch((err) => {
  process.stderr.write(`benchmark crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
