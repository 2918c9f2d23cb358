/**
 * `npm run bench`: the scale benchmark of issue 3, item 7, on SQLite and, when a server answers
 * at `PG_BENCH_URL` (default postgres://postgres@127.0.0.1:5432/test), on PostgreSQL side by
 * side. For 100k and 1M active commitments (`--quick`: 20k and 100k) in a file database, and in a
 * fresh schema of its own on the server (dropped at the end), it measures start-up time and memory
 * of a fresh process, the idle tick, a burst of 10,000 check-ins due in one minute (time and
 * event-loop blocking, and what each check-in costs in database calls), dispatcher throughput
 * (unlimited and at Telegram's 30/s), `engine.handle` for `/commit` and `/status`, and on SQLite
 * the prompt delay with the real scheduler; then prints every figure with its unit, a SQLite and a
 * PostgreSQL column per size, and a summary against the targets, judged at the larger size.
 * With no server, one line says why the PostgreSQL column was left out.
 * Then issue 10's catch-up case (bench/catchup.ts, SQLite): 10,000 commitments after 30 days
 * down (`-- --catchup` runs only that), and issue 12's fleet case (bench/fleet.ts, PostgreSQL: one
 * and two worker processes; `-- --fleet` runs only that). A missed target is reported, not fatal: the exit code is 0
 * unless something crashed. `-- --no-dispatch` leaves out the dispatcher's figures and the real
 * scheduler (they read n/a), for measuring the engine while the dispatcher is being changed.
 */
import { rmSync } from "node:fs";
import { cpus, loadavg, arch as osArch, platform as osPlatform, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { stopPictureWorker } from "../src/picture/worker";
import { redactedUrl } from "../src/store/open";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import { openDatabase } from "../src/store/sqlite/db";
import { type BenchDb, sqliteBench } from "./bench-db";
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
import { measureFleet } from "./fleet";
import { messagesReport } from "./messages";
import {
  benchSchemaName,
  dropSchema,
  measureBurstQueries,
  openBenchStore,
  PG_BENCH_URL,
  pgBench,
  probePostgres,
  type QueryCountResult,
  rawClient,
  seedPostgres,
} from "./pg";
import { measurePicture, pictureRows } from "./picture";
import { measureScheduler, type SchedulerResult } from "./scheduler-bench";
import { type Seeded, seedDatabase } from "./seed";
import { measureStartup, type StartupResult } from "./startup";
import { count, mib, ms, pct, rate, table } from "./stats";

const MINUTE = 60_000;

/** Everything measured at one size on one store. */
interface SizeResult {
  dialect: "sqlite" | "postgres";
  seeded: Seeded;
  startup: StartupResult;
  idle: IdleTickResult;
  handle: { commit: HandleResult; status: HandleResult };
  burst: BurstResult;
  /** SQLite: the burst with every statement call timed. */
  dbCalls?: DbCallResult;
  /** PostgreSQL: the burst with every statement sent counted. */
  queries?: QueryCountResult;
  unlimited: UnlimitedResult;
  rated: RatedResult;
  /** SQLite only: the real scheduler in real time. */
  scheduler: SchedulerResult;
}

/** One size: SQLite, and PostgreSQL when a server answered. */
interface SizePair {
  n: number;
  sqlite: SizeResult;
  pg?: SizeResult;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

const say = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};
const step = (what: string) => say(`  ${what}…`);

/** What the dispatch and scheduler figures read when `--no-dispatch` (or the store) leaves them out. */
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

/** The measurements both stores share, on a seeded database behind `bench`. */
async function measureEngine(bench: BenchDb, seeded: Seeded, clock: FixedClock) {
  const engine = buildEngine(bench.store, clock);
  step(`${bench.label}: idle tick × 200`);
  const idle = await measureIdleTick(engine, seeded);
  step(`${bench.label}: engine.handle /commit and /status × 2,000 each`);
  clock.ms = seeded.t0 + MINUTE;
  const handle = await measureHandle(bench, engine, clock, seeded);
  step(`${bench.label}: burst of 10,000 due check-ins`);
  const burst = await measureBurst(bench, engine, seeded);
  return { idle, handle, burst };
}

/** Both dispatch figures on `bench`. */
async function measureDispatch(bench: BenchDb, seeded: Seeded, quick: boolean, n: number) {
  step(`${bench.label}: dispatch unlimited (both bursts' prompts)`);
  const unlimited = await measureUnlimited(bench, BURST_MINUTE(seeded) + 2 * MINUTE);
  const ratedCount = quick ? 300 : 600;
  step(`${bench.label}: dispatch at Telegram's 30/s (${ratedCount} messages to distinct chats)`);
  const rated = await measureRated(bench, ratedCount, String(n));
  return { unlimited, rated };
}

async function measureSqlite(n: number, t0: number, quick: boolean, dispatch: boolean): Promise<SizeResult> {
  const path = join(tmpdir(), `amends-bench-${n}.sqlite`);
  try {
    step("SQLite: seeding");
    const seeded = seedDatabase(path, n, t0);
    say(
      `  seeded ${count(seeded.commitments)} commitments, ${count(seeded.people)} people, ` +
        `${count(seeded.chats)} chats, ${count(seeded.history)} past check-ins ` +
        `in ${ms(seeded.seedMs)} (${mib(seeded.fileBytes)} file)`,
    );
    step("SQLite: start-up (1 warm-up + 5 child processes)");
    const startup = await measureStartup({ path }, t0);

    // As deployed (adapters/run-platforms.ts): checkpoints on a worker thread, not inside commits.
    const db = openDatabase(path, { autoCheckpoint: false });
    const checkpointer = startCheckpointer(path);
    try {
      const bench = sqliteBench(db);
      const clock = new FixedClock(t0);
      const engine = await measureEngine(bench, seeded, clock);
      step("SQLite: second burst with every database call timed");
      const dbCalls = await measureBurstDbCalls(db, buildEngine(bench.store, clock), seeded);
      const base = { dialect: "sqlite" as const, seeded, startup, ...engine, dbCalls };
      if (!dispatch) return { ...base, ...SKIPPED };
      const { unlimited, rated } = await measureDispatch(bench, seeded, quick, n);
      step("SQLite: real scheduler, 5 s ticks, prompts due over ~15 s");
      const scheduler = await measureScheduler(db, seeded);
      return { ...base, unlimited, rated, scheduler };
    } finally {
      await checkpointer.stop();
      db.$client.close();
    }
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
}

/** Schemas this run created and has not dropped yet (dropped on Ctrl-C too). */
const liveSchemas = new Set<string>();

async function measurePostgres(
  url: string,
  n: number,
  t0: number,
  quick: boolean,
  dispatch: boolean,
): Promise<SizeResult> {
  const schema = benchSchemaName(n);
  liveSchemas.add(schema);
  try {
    step(`PostgreSQL: seeding schema ${schema} (migrations, then COPY)`);
    const seeded = await seedPostgres(url, schema, n, t0);
    say(
      `  seeded ${count(seeded.commitments)} commitments, ${count(seeded.people)} people, ` +
        `${count(seeded.chats)} chats, ${count(seeded.history)} past check-ins ` +
        `in ${ms(seeded.seedMs)} (${mib(seeded.fileBytes)} of tables and indexes)`,
    );
    step("PostgreSQL: start-up (1 warm-up + 5 child processes)");
    const startup = await measureStartup({ url, schema }, t0);
    const store = await openBenchStore(url, schema);
    const sql = rawClient(url, schema);
    try {
      const bench = pgBench(store, sql);
      const clock = new FixedClock(t0);
      const engine = await measureEngine(bench, seeded, clock);
      step("PostgreSQL: second burst with every statement counted");
      const queries = await measureBurstQueries(url, schema, bench, clock, seeded);
      const base = { dialect: "postgres" as const, seeded, startup, ...engine, queries };
      if (!dispatch) return { ...base, ...SKIPPED };
      const { unlimited, rated } = await measureDispatch(bench, seeded, quick, n);
      return { ...base, unlimited, rated, scheduler: SKIPPED.scheduler };
    } finally {
      await sql.end({ timeout: 5 });
      await store.close();
    }
  } finally {
    await dropSchema(url, schema);
    liveSchemas.delete(schema);
  }
}

/** A cell for a figure the store does not have. */
const NONE = "—";

/** Rows of the per-size figures table: per size a SQLite and (if measured) a PostgreSQL column. */
function figureRows(pairs: SizePair[]): string[][] {
  const columns = pairs.flatMap((p) => (p.pg ? [p.sqlite, p.pg] : [p.sqlite]));
  const large = pairs[pairs.length - 1]?.n ?? 0;
  const row = (label: string, f: (r: SizeResult) => string, target = ""): string[] => [
    label,
    ...columns.map(f),
    target,
  ];
  /** A figure only one store has. */
  const only = (dialect: SizeResult["dialect"], f: (r: SizeResult) => string) => (r: SizeResult) =>
    r.dialect === dialect ? f(r) : NONE;
  const name = (r: SizeResult) => (r.dialect === "sqlite" ? "SQLite" : "PostgreSQL");
  return [
    [
      "figure",
      ...columns.map((r) => `${name(r)} ${count(r.seeded.commitments)}`),
      `target at ${count(large)}`,
    ],
    row("database size (file; tables + indexes)", (r) => mib(r.seeded.fileBytes)),
    row("seeding time", (r) => ms(r.seeded.seedMs)),
    row("start-up: process start → ready (median of 5)", (r) => ms(r.startup.readyMs)),
    row("  fastest of the 5", (r) => ms(r.startup.readyMinMs), "flat: ≤ +20 % or +50 ms"),
    row("  spawn() → ready, seen by the parent", (r) => ms(r.startup.spawnToReadyMs)),
    row("  of which open DB + migrations", (r) => ms(r.startup.openMs)),
    row("  of which first (idle) tick", (r) => ms(r.startup.tickMs)),
    row("memory after start-up: RSS", (r) => mib(r.startup.rssBytes), "flat: ≤ +20 % or +10 MiB"),
    row("  JS heap used", (r) => mib(r.startup.heapUsedBytes)),
    row("idle tick: median (200 ticks)", (r) => ms(r.idle.medianMs), "SQLite < 1 ms"),
    row("idle tick: mean", (r) => ms(r.idle.meanMs), "PostgreSQL < 2 ms"),
    row("idle tick: max", (r) => ms(r.idle.maxMs), "SQLite < 1 ms, PostgreSQL < 2 ms"),
    row(
      "burst: 10,000 due check-ins opened in one tick",
      (r) => ms(r.burst.tickMs),
      "SQLite < 1 s, PostgreSQL < 2 s",
    ),
    row("  check-ins / prompt rows / next due moved", (r) => {
      const v = r.burst.verified;
      return `${count(v.checkIns)} / ${count(v.prompts)} / ${count(v.advanced)}`;
    }),
    row("  longest synchronous stretch (setImmediate gaps)", (r) => ms(r.burst.longestStretchMs), "≤ 10 ms"),
    row("  event-loop delay max (monitorEventLoopDelay)", (r) => ms(r.burst.eventLoopDelayMaxMs)),
    row("  instrumented burst: tick time", (r) => ms(r.dbCalls?.tickMs ?? r.queries?.tickMs ?? Number.NaN)),
    row("  instrumented burst: statement calls", (r) =>
      count(r.dbCalls?.calls ?? r.queries?.statements ?? Number.NaN),
    ),
    row("  statements per opened check-in", (r) =>
      r.dbCalls
        ? (r.dbCalls.calls / r.burst.due).toFixed(1)
        : r.queries
          ? (r.queries.statements / r.queries.opened).toFixed(1)
          : NONE,
    ),
    row(
      "  time inside SQLite",
      only("sqlite", (r) =>
        r.dbCalls ? `${ms(r.dbCalls.dbMs)} (${pct(r.dbCalls.dbMs / r.dbCalls.tickMs)})` : NONE,
      ),
    ),
    row(
      "  longest single DB call",
      only("sqlite", (r) => ms(r.dbCalls?.longestCallMs ?? Number.NaN)),
      "SQLite ≤ 10 ms",
    ),
    row(
      "  transactions (BEGIN … COMMIT)",
      only("postgres", (r) => count(r.queries?.transactions ?? Number.NaN)),
    ),
    row(
      "  one round trip (SELECT 1, median)",
      only("postgres", (r) => ms(r.queries?.roundTripMs ?? Number.NaN)),
    ),
    row(
      "  statements × round trip ÷ lanes",
      only("postgres", (r) =>
        r.queries
          ? `${ms((r.queries.statements * r.queries.roundTripMs) / r.queries.lanes)} (${r.queries.lanes} lanes)`
          : NONE,
      ),
    ),
    row(
      "  this process's CPU during the tick",
      only("postgres", (r) =>
        r.queries ? `${ms(r.queries.cpuMs)} (${pct(r.queries.cpuMs / r.queries.tickMs)})` : NONE,
      ),
    ),
    row(
      "  server processes' CPU during the tick",
      only("postgres", (r) =>
        r.queries ? `${ms(r.queries.serverCpuMs)} (${pct(r.queries.serverCpuMs / r.queries.tickMs)})` : NONE,
      ),
    ),
    row("dispatch, unlimited, instant courier", (r) => rate(r.unlimited.perSecond)),
    row(
      "  rows / messages / time",
      (r) => `${count(r.unlimited.sent)} / ${count(r.unlimited.messages)} / ${ms(r.unlimited.ms)}`,
    ),
    row("dispatch at 30/s: achieved rate", (r) =>
      Number.isFinite(r.rated.achievedPerSecond) ? `${r.rated.achievedPerSecond.toFixed(2)} msg/s` : "n/a",
    ),
    row(
      "  as % of configured",
      (r) => pct(r.rated.achievedPerSecond / r.rated.configuredPerSecond),
      "≥ 99 %",
    ),
    row("  would-be 429s (>30 in a 1 s window)", (r) => count(r.rated.wouldBe429), "0"),
    row("  tightest span of 31 consecutive sends", (r) => `${r.rated.tightestSpanMs.toFixed(3)} ms`),
    row("  messages / drain time", (r) => `${count(r.rated.sent)} / ${ms(r.rated.ms)}`),
    row("engine.handle /commit: median", (r) => ms(r.handle.commit.medianMs)),
    row(
      "engine.handle /commit: p99 (max)",
      (r) => `${ms(r.handle.commit.p99Ms)} (${ms(r.handle.commit.maxMs)})`,
      "p99: SQLite < 2 ms, PostgreSQL < 5 ms",
    ),
    row("engine.handle /status: median", (r) => ms(r.handle.status.medianMs)),
    row(
      "engine.handle /status: p99 (max)",
      (r) => `${ms(r.handle.status.p99Ms)} (${ms(r.handle.status.maxMs)})`,
      "p99: SQLite < 2 ms",
    ),
    row(
      "  unexpected replies (/commit, /status)",
      (r) => `${r.handle.commit.unexpected}, ${r.handle.status.unexpected}`,
    ),
    row(
      "  statements per /commit, per /status",
      only("postgres", (r) =>
        r.queries
          ? `${r.queries.commands.commit.perRun.toFixed(1)}, ${r.queries.commands.status.perRun.toFixed(1)}`
          : NONE,
      ),
    ),
    row(
      "prompt delay, real scheduler: median",
      only("sqlite", (r) => ms(r.scheduler.medianMs)),
    ),
    row(
      "prompt delay, real scheduler: max",
      only("sqlite", (r) => ms(r.scheduler.maxMs)),
      "≤ 5 s",
    ),
    row(
      "  prompts delivered / due",
      only("sqlite", (r) => `${r.scheduler.delivered} / ${r.scheduler.due}`),
    ),
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

/** How one store's figure is judged: its value, the goal, and whether it is met. */
interface Judged {
  value: string;
  goal: string;
  ok: boolean | null;
}

/** A figure at the larger size, judged per store (`null`: no target for that store). */
type Judge = (small: SizeResult, large: SizeResult) => Judged | null;

function complete(b: BurstResult): boolean {
  return (
    b.opened === b.due &&
    b.verified.checkIns === b.due &&
    b.verified.prompts === b.due &&
    b.verified.advanced === b.due
  );
}

/** The summary: per target, SQLite's and PostgreSQL's figure at the larger size, and the verdicts. */
function summaryRows(pairs: SizePair[]): string[][] {
  const small = pairs[0];
  const large = pairs[pairs.length - 1];
  if (!small || !large) return [];
  const withPg = Boolean(small.pg && large.pg);
  const at = `at ${count(large.n)}`;
  // --no-dispatch leaves NaN where figures were not measured: those are neither met nor missed.
  const measured = (v: number): boolean | null => (Number.isNaN(v) ? null : true);
  const verdict = (ok: boolean | null) => (ok === null ? "—" : ok ? "PASS" : "MISS");
  const cells = (j: Judged | null): string[] => (j ? [j.value, j.goal, verdict(j.ok)] : [NONE, "", ""]);
  const row = (label: string, sqlite: Judge, pg: Judge = sqlite): string[] => [
    label,
    ...cells(sqlite(small.sqlite, large.sqlite)),
    ...(withPg && small.pg && large.pg ? cells(pg(small.pg, large.pg)) : []),
  ];
  const none: Judge = () => null;
  const under =
    (f: (r: SizeResult) => number, limit: number, goal: string, unit = ms): Judge =>
    (_, l) => ({ value: unit(f(l)), goal, ok: f(l) < limit });
  const burst =
    (limit: number, goal: string): Judge =>
    (_, l) => ({
      value: `${ms(l.burst.tickMs)}${complete(l.burst) ? "" : " (incomplete!)"}`,
      goal,
      ok: l.burst.tickMs < limit && complete(l.burst),
    });
  const ratedShare = (r: SizeResult) => r.rated.achievedPerSecond / r.rated.configuredPerSecond;
  return [
    ["target", "SQLite", "goal", "result", ...(withPg ? ["PostgreSQL", "goal", "result"] : [])],
    row(`start-up time flat (fastest of 5), ${count(small.n)} → ${count(large.n)}`, (s, l) => ({
      value: growth(s.startup.readyMinMs, l.startup.readyMinMs, ms),
      goal: "≤ +20 % or +50 ms",
      ok: flat(s.startup.readyMinMs, l.startup.readyMinMs, 50),
    })),
    row("start-up memory (median RSS) flat", (s, l) => ({
      value: growth(s.startup.rssBytes, l.startup.rssBytes, mib),
      goal: "≤ +20 % or +10 MiB",
      ok: flat(s.startup.rssBytes, l.startup.rssBytes, 10 * 1_048_576),
    })),
    row(
      `idle tick median ${at}`,
      under((r) => r.idle.medianMs, 1, "< 1 ms"),
      none,
    ),
    row(
      `idle tick mean ${at}`,
      none,
      under((r) => r.idle.meanMs, 2, "< 2 ms"),
    ),
    row(
      `idle tick max ${at}`,
      under((r) => r.idle.maxMs, 1, "< 1 ms"),
      under((r) => r.idle.maxMs, 2, "< 2 ms"),
    ),
    row(
      `10,000 due check-ins opened ${at}`,
      burst(1_000, "< 1 s, all written"),
      burst(2_000, "< 2 s, all written"),
    ),
    row("longest synchronous stretch in the burst", (_, l) => ({
      value: ms(l.burst.longestStretchMs),
      goal: "≤ 10 ms",
      ok: l.burst.longestStretchMs <= 10,
    })),
    row(
      "longest single DB call in the burst",
      (_, l) => ({
        value: ms(l.dbCalls?.longestCallMs ?? Number.NaN),
        goal: "≤ 10 ms",
        ok: (l.dbCalls?.longestCallMs ?? Number.NaN) <= 10,
      }),
      none,
    ),
    row(`dispatch, unlimited ${at}`, (_, l) => ({
      value: rate(l.unlimited.perSecond),
      goal: "(no target)",
      ok: null,
    })),
    row("dispatch at Telegram's 30/s", (_, l) => ({
      value: pct(ratedShare(l)),
      goal: "≥ 99 %",
      ok: measured(ratedShare(l)) && ratedShare(l) >= 0.99,
    })),
    row("would-be 429s at 30/s", (_, l) => ({
      value: count(l.rated.wouldBe429),
      goal: "0",
      ok: measured(l.rated.wouldBe429) && l.rated.wouldBe429 === 0,
    })),
    row(
      `/commit p99 ${at}`,
      under((r) => r.handle.commit.p99Ms, 2, "< 2 ms"),
      under((r) => r.handle.commit.p99Ms, 5, "< 5 ms"),
    ),
    row(
      `/status p99 ${at}`,
      under((r) => r.handle.status.p99Ms, 2, "< 2 ms"),
      (_, l) => ({
        value: ms(l.handle.status.p99Ms),
        goal: "(no target)",
        ok: null,
      }),
    ),
    row(
      "prompt delay with the real scheduler (max)",
      (_, l) => ({
        value: ms(l.scheduler.maxMs),
        goal: "≤ 5 s",
        ok: measured(l.scheduler.maxMs) && l.scheduler.maxMs <= 5_000,
      }),
      none,
    ),
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
  say(`\nCatch-up after 30 days down, SQLite: 10,000 commitments (daily, weekdays, hourly cron, graduated)`);
  const r = await measureCatchUp();
  say(table(catchUpRows(r)));
  if (r.status.unexpected > 0) say(`  unexpected /status replies: ${r.status.unexpected}`);
}

/** Issue 12's fleet case (bench/fleet.ts): 1 and 2 worker processes on PostgreSQL, at 100,000. */
async function runFleet(): Promise<void> {
  const pg = await probePostgres(PG_BENCH_URL);
  if (!pg.ok) {
    say(`\nFleet case skipped: ${pg.why} (set PG_BENCH_URL to a server's URL)`);
    return;
  }
  say("\nFleet, PostgreSQL: 10,000 due check-ins at 100,000 commitments, each worker its own process");
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
  const n = 100_000;
  liveSchemas.add(`${benchSchemaName(n)}_fleet`);
  const r = await measureFleet(PG_BENCH_URL, n, t0);
  liveSchemas.delete(`${benchSchemaName(n)}_fleet`);
  const ratio = (pair: [number, number]) => `${(pair[1] / pair[0]).toFixed(2)} ×`;
  say(
    table([
      ["figure", "1 worker", "2 workers", "ratio"],
      [
        "check-ins opened per second",
        rate(r.openedPerSecond[0], "/s"),
        rate(r.openedPerSecond[1], "/s"),
        ratio(r.openedPerSecond),
      ],
      [
        "outbox rows sent per second (instant courier, no limit)",
        rate(r.sentPerSecond[0]),
        rate(r.sentPerSecond[1]),
        ratio(r.sentPerSecond),
      ],
      ["every check-in opened once, every prompt sent once", r.exact ? "yes" : "NO", "", ""],
    ]),
  );
  say("  (a running fleet sends from one worker at a time, adapters/leader.ts: the second row is headroom)");
}

async function main(): Promise<void> {
  const started = performance.now();
  // The checkpointer's worker is unref'd: while only its stop() is awaited, nothing else would
  // keep the process alive, and it would end there without a word.
  const keepAlive = setInterval(() => {}, 60_000);
  // Ctrl-C during a PostgreSQL size would leave its schema (a gigabyte at 1M) on the server.
  process.once("SIGINT", () => {
    say(`\ninterrupted: dropping ${liveSchemas.size} bench schema(s)`);
    void Promise.all([...liveSchemas].map((s) => dropSchema(PG_BENCH_URL, s).catch(() => {}))).finally(() =>
      process.exit(130),
    );
  });
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
  if (process.argv.includes("--fleet")) {
    await runFleet();
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
  const pg = await probePostgres(PG_BENCH_URL);
  say(
    `Amends benchmark${quick ? " (--quick)" : ""}${dispatch ? "" : " (--no-dispatch: no dispatch or scheduler figures)"}`,
  );
  say(
    `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${mib(totalmem())} RAM, ` +
      `${osPlatform()} ${osArch()}; node ${process.version}; SQLite ${sqlite}; database files in ${tmpdir()}`,
  );
  if (pg.ok)
    say(`PostgreSQL ${pg.version} at ${redactedUrl(PG_BENCH_URL)} (PG_BENCH_URL), a fresh schema per size`);
  else say(`PostgreSQL column skipped: ${pg.why} (set PG_BENCH_URL to a server's URL)`);

  const busy = (loadavg()[0] ?? 0) >= 1 ? " (other processes are busy: figures will be noisier)" : "";
  say(`load average at start (1/5/15 min): ${load()}${busy}`);
  const pairs: SizePair[] = [];
  for (const n of sizes) {
    // One instant for both stores, so both are seeded with the same rows and due times.
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
    say(`\n== ${count(n)} active commitments ==`);
    const sqliteResult = await measureSqlite(n, t0, quick, dispatch);
    const pgResult = pg.ok ? await measurePostgres(PG_BENCH_URL, n, t0, quick, dispatch) : undefined;
    pairs.push({ n, sqlite: sqliteResult, ...(pgResult ? { pg: pgResult } : {}) });
  }

  say("\nFigures");
  say(table(figureRows(pairs)));
  say(`\nSummary against the targets (judged at ${count(sizes[sizes.length - 1] ?? 0)})`);
  say(table(summaryRows(pairs)));
  for (const p of pairs) {
    const r = p.sqlite;
    const delays = r.scheduler.delaysMs.map((d) => ms(d)).join(", ");
    say(`\nat ${count(p.n)}, SQLite: prompt delays ${delays}`);
    say(`  longest DB call in the burst: ${r.dbCalls?.longestSql ?? NONE}`);
    const q = p.pg?.queries;
    if (q) {
      const per = q.byKind.map((k) => `${k.kind} ${(k.calls / q.opened).toFixed(2)}`).join(", ");
      say(`at ${count(p.n)}, PostgreSQL: statements per opened check-in, by kind: ${per}`);
      for (const [name, c] of Object.entries(q.commands)) {
        const kinds = c.byKind.map((k) => `${k.kind} ${(k.calls / c.runs).toFixed(1)}`).join(", ");
        const odd = c.unexpected > 0 ? ` (${c.unexpected} unexpected replies!)` : "";
        say(`  statements per /${name}, by kind: ${kinds}${odd}`);
      }
    }
  }
  await runCatchUp();
  say("\nThe progress picture (bench/picture.ts): a 6-commitment picture, rendered off the main thread");
  say(table(pictureRows(await measurePicture())));
  await stopPictureWorker();
  await runFleet();
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
