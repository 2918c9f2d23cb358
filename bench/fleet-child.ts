/**
 * One worker of the fleet benchmark (spawned by `fleet.ts`): opens the schema on the PostgreSQL
 * server as a worker would, says `ready`, waits for a line on stdin, then either runs one tick at
 * the given instant (opening whatever is due) or drains the outbox through an instant courier,
 * and reports one JSON line: how long it took and what it did.
 *
 * Usage: `node --import tsx bench/fleet-child.ts <postgres url> <schema> tick|dispatch <instant ms>`.
 */
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import { silentLogger } from "../src/log";
import { openPostgres } from "../src/store/pg/db";
import { createPgStore } from "../src/store/pg/store";
import type { Courier } from "../src/types";

/** What a child reports. */
export interface FleetSample {
  ms: number;
  /** Check-ins opened (tick) or rows marked sent (dispatch). */
  done: number;
}

async function main(): Promise<void> {
  const [url, schema, mode, at] = process.argv.slice(2);
  if (!url || !schema || (mode !== "tick" && mode !== "dispatch") || !at)
    throw new Error("usage: fleet-child.ts <postgres url> <schema> tick|dispatch <instant ms>");
  const instant = Number(at);
  const store = createPgStore(await openPostgres(url, { schema, migrated: true }));
  const clock = { now: () => new Date(instant) };
  process.stdout.write("ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.destroy();
  const started = performance.now();
  let done: number;
  if (mode === "tick") {
    const engine = createEngine({
      store,
      clock,
      log: silentLogger,
      config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
    });
    done = (await engine.tick(clock.now())).opened;
  } else {
    const courier: Courier = { platform: "telegram", deliver: async () => "sent" };
    const dispatcher = createDispatcher({ store, clock, log: silentLogger, couriers: [courier], limits: {} });
    done = (await dispatcher.drain()).sent;
  }
  const sample: FleetSample = { ms: performance.now() - started, done };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
  await store.close();
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
