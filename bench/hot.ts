/**
 * `npx tsx bench/hot.ts [size …] [--only=idle,handle,burst]`: the engine's hot paths alone at
 * one or more sizes (default 100k): the idle tick, `engine.handle` for `/commit` and `/status`,
 * and the burst of 10,000 due check-ins (plain and with every database call timed). The same
 * measurements as `npm run bench`, without start-up, dispatch and the real scheduler, so a change
 * to the tick or a command can be measured in a minute, or profiled with
 * `node --cpu-prof --import tsx bench/hot.ts`.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import type { OpenDb } from "../src/store/sqlite/db";
import { openDatabase } from "../src/store/sqlite/db";
import type { Engine } from "../src/types";
import { makeDue, sqliteBench } from "./bench-db";
import {
  BURST_MINUTE,
  buildEngine,
  FixedClock,
  measureBurst,
  measureBurstDbCalls,
  measureHandle,
  measureIdleTick,
  timeStatements,
} from "./engine-bench";
import { type Seeded, seedDatabase } from "./seed";
import { count, ms, table } from "./stats";

const MINUTE = 60_000;

async function measure(n: number, only: Set<string> | null): Promise<string[][]> {
  const path = join(tmpdir(), `amends-hot-${n}.sqlite`);
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
  const rows: string[][] = [];
  const want = (what: string) => only === null || only.has(what);
  try {
    const seeded = seedDatabase(path, n, t0);
    const db = openDatabase(path, { autoCheckpoint: false });
    // Experiments: `--cache-mib=N` sets SQLite's page cache (default 2 MiB), `--no-checkpointer`
    // leaves the WAL to grow during the run.
    const cacheMib = process.argv.find((a) => a.startsWith("--cache-mib="));
    if (cacheMib) db.$client.pragma(`cache_size = -${Number(cacheMib.slice("--cache-mib=".length)) * 1024}`);
    const checkpointer = process.argv.includes("--no-checkpointer")
      ? { stop: async () => {} }
      : startCheckpointer(path);
    try {
      const clock = new FixedClock(t0);
      const bench = sqliteBench(db);
      const engine = buildEngine(bench.store, clock);
      if (want("idle")) {
        const idle = await measureIdleTick(engine, seeded);
        rows.push(["idle tick median / max", `${ms(idle.medianMs)} / ${ms(idle.maxMs)}`]);
      }
      clock.ms = t0 + MINUTE;
      if (want("handle")) {
        const h = await measureHandle(bench, engine, clock, seeded);
        const f = (r: typeof h.commit) => `${ms(r.medianMs)} / ${ms(r.p99Ms)} (${ms(r.maxMs)})`;
        rows.push(["/commit median / p99 (max)", f(h.commit)]);
        rows.push(["/status median / p99 (max)", f(h.status)]);
        rows.push(["  unexpected replies", `${h.commit.unexpected}, ${h.status.unexpected}`]);
      }
      if (want("burst")) {
        const b = await measureBurst(bench, engine, seeded);
        const v = b.verified;
        rows.push(["burst: 10,000 opened in one tick", ms(b.tickMs)]);
        rows.push(["  check-ins / prompts / advanced", `${v.checkIns} / ${v.prompts} / ${v.advanced}`]);
        rows.push(["  longest synchronous stretch", ms(b.longestStretchMs)]);
        const d = await measureBurstDbCalls(db, engine, seeded);
        rows.push(["instrumented burst: tick", ms(d.tickMs)]);
        rows.push(["  statement calls", count(d.calls)]);
        rows.push(["  time inside SQLite", ms(d.dbMs)]);
        rows.push(["  longest DB call", `${ms(d.longestCallMs)} ${d.longestSql}`]);
        if (process.argv.includes("--by-statement")) rows.push(...(await byStatement(db, engine, seeded)));
      }
    } finally {
      await checkpointer.stop();
      db.$client.close();
    }
  } finally {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
  return rows;
}

/**
 * A third burst (10,000 of the first two's commitments, made due again two minutes later: no
 * seeded cadence has an occurrence then either) with the time inside SQLite summed per
 * statement: which of the calls a check-in makes cost what.
 */
async function byStatement(db: OpenDb, engine: Engine, seeded: Seeded): Promise<string[][]> {
  const client = db.$client;
  const minute = BURST_MINUTE(seeded) + 2 * MINUTE;
  const ids = client
    .prepare(
      "SELECT commitment_id FROM check_ins WHERE due_at >= ? AND due_at < ? AND state = 'pending' LIMIT 10000",
    )
    .pluck()
    .all(BURST_MINUTE(seeded), BURST_MINUTE(seeded) + MINUTE) as number[];
  makeDue(client, ids, minute);
  const per = new Map<string, { calls: number; ms: number }>();
  const restore = timeStatements(client, (sql, took) => {
    const flat = sql.replace(/\s+/g, " ");
    const key = flat.length <= 70 ? flat : `${flat.slice(0, 30)} … ${flat.slice(-37)}`;
    const entry = per.get(key) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += took;
    per.set(key, entry);
  });
  let tickMs = 0;
  try {
    const started = performance.now();
    const r = await engine.tick(new Date(minute + MINUTE));
    tickMs = performance.now() - started;
    if (r.opened !== ids.length) throw new Error(`third burst opened ${r.opened} of ${ids.length}`);
  } finally {
    restore();
  }
  const sorted = [...per.entries()].sort((a, b) => b[1].ms - a[1].ms);
  return [
    [`by statement: a third burst of ${count(ids.length)}`, ms(tickMs)],
    ...sorted.map(([sql, e]) => [
      `  ${sql}`,
      `${count(e.calls)} × ${((1000 * e.ms) / e.calls).toFixed(1)} µs = ${ms(e.ms)}`,
    ]),
  ];
}

async function main(): Promise<void> {
  // The checkpointer's worker is unref'd: waiting for it to stop keeps nothing else alive.
  const keepAlive = setInterval(() => {}, 60_000);
  const sizes = process.argv
    .slice(2)
    .filter((a) => /^\d+$/.test(a))
    .map(Number);
  const onlyArg = process.argv.find((a) => a.startsWith("--only="));
  const only = onlyArg ? new Set(onlyArg.slice("--only=".length).split(",")) : null;
  for (const n of sizes.length > 0 ? sizes : [100_000]) {
    const rows = await measure(n, only);
    process.stdout.write(`\n${count(n)} commitments\n${table([["figure", "measured"], ...rows])}\n`);
  }
  clearInterval(keepAlive);
}

main().catch((err) => {
  process.stderr.write(`hot bench crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
