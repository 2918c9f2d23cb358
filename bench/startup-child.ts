/**
 * The process whose start-up the benchmark measures (spawned by `startup.ts`): it opens an
 * existing database, a SQLite file or a schema on a PostgreSQL server (applying migrations, which
 * finds nothing to do; on PostgreSQL that includes connecting), builds the engine and the
 * dispatcher as the composition root does, runs one idle tick, and reports on stdout, as one JSON
 * line, the wall time from process start to that point and the resident set size. Both must not
 * grow with the number of commitments (nothing is loaded or scheduled per commitment).
 *
 * Usage: `node --import tsx bench/startup-child.ts <db path> <tick instant ms>`, or
 * `… <postgres://url> <tick instant ms> <schema>`.
 */

import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import { silentLogger } from "../src/log";
import { openPostgres } from "../src/store/pg/db";
import { createPgStore } from "../src/store/pg/store";
import type { Store } from "../src/store/port";
import { openDatabase } from "../src/store/sqlite/db";
import { createSqliteStore } from "../src/store/sqlite/store";
import type { Courier } from "../src/types";

/** What the child reports. */
export interface StartupSample {
  /** performance.now() at ready: milliseconds since this process started. */
  readyMs: number;
  /** Of which: opening the database and applying migrations. */
  openMs: number;
  /** Of which: the one idle tick. */
  tickMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  opened: number;
}

async function main(): Promise<void> {
  const [path, at, schema] = process.argv.slice(2);
  if (!path || !at)
    throw new Error("usage: startup-child.ts <db path | postgres url> <tick instant ms> [schema]");
  const tickAt = Number(at);
  const clock = { now: () => new Date(tickAt) };

  const t0 = performance.now();
  // As src/store/open.ts opens them (it takes the URL from the environment, this the schema too).
  const store: Store = path.startsWith("postgres")
    ? createPgStore(await openPostgres(path, schema ? { schema } : {}))
    : createSqliteStore(openDatabase(path));
  const openMs = performance.now() - t0;
  const engine = createEngine({
    store,
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
  });
  const courier: Courier = { platform: "telegram", deliver: async () => "sent" };
  const dispatcher = createDispatcher({
    store,
    clock,
    log: silentLogger,
    couriers: [courier],
  });
  const t1 = performance.now();
  const report = await engine.tick(clock.now());
  const tickMs = performance.now() - t1;
  const readyMs = performance.now();
  const mem = process.memoryUsage();
  const sample: StartupSample = {
    readyMs,
    openMs,
    tickMs,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    opened: report.opened,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
  await dispatcher.stop();
  await store.close();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
