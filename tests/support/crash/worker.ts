/**
 * One bot process for the crash test: the real engine and dispatcher over an SQLite file or a
 * PostgreSQL schema, ticking and draining until nothing is due and nothing is left unsent, then
 * exiting 0. The test SIGKILLs it at random moments and starts it again, so what it must
 * survive happens here for real.
 *
 * Run as `node --import tsx/esm tests/support/crash/worker.ts '<WorkerOptions as JSON>'`.
 * Prints `ready` once the store is open and, before exiting 0, `opened <n> stall <ms>`: the
 * check-ins its ticks opened and its longest event-loop stall. Warnings and errors go to stderr.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createDispatcher } from "../../../src/dispatch/dispatcher";
import { createEngine } from "../../../src/engine";
import type { LogFn, Logger } from "../../../src/log";
import type { Clock, Courier } from "../../../src/types";
import type { WorkerOptions } from "./options";
import { anythingPending, openCrashStore } from "./store";

// Node 20 already dies on one, but with a stack the test can show, and never with exit code 0.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  process.exit(2);
});

const opts = JSON.parse(process.argv[2] ?? "") as WorkerOptions;

// A tick unit that fails, or a lost lease, is logged and swallowed by the core: the test must see it.
const toStderr =
  (level: string): LogFn =>
  (obj, msg) =>
    process.stderr.write(`${JSON.stringify({ level, pid: process.pid, msg, ...obj })}\n`);
const log: Logger = { debug: () => {}, info: () => {}, warn: toStderr("warn"), error: toStderr("error") };

// The dispatcher's leases assume the process never stalls for half a lease: measure the worst stall.
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();

const store = await openCrashStore(opts.db);
const clock: Clock = { now: () => new Date() };
const engine = createEngine({
  store,
  clock,
  log,
  config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const half = opts.latencyMs / 2;

const courier: Courier = {
  platform: "console",
  async deliver(msg) {
    // The request travelling to the platform: a kill here must not cost a duplicate.
    if (half > 0) await sleep(half);
    // The platform has it now: from here until markSent commits, a kill costs one duplicate.
    appendFileSync(opts.log, `${msg.purpose}\n`);
    // The answer travelling back, which widens that window so that kills do land in it.
    if (half > 0) await sleep(half);
    await new Promise(setImmediate);
    return "sent";
  },
};

const dispatcher = createDispatcher({
  store,
  clock,
  log,
  couriers: [courier],
  limits: {},
  leaseMs: opts.leaseMs,
  batchSize: opts.batchSize,
  concurrency: opts.concurrency,
});

process.stdout.write("ready\n");
if (opts.waitForGo) {
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.destroy();
}

// As in adapters/scheduler.ts: the dispatcher drains in its own loop beside the tick, so prompts
// leave while a burst is still being opened and a kill can land in either, or in both at once.
dispatcher.start(50);
let opened = 0;
for (;;) {
  const report = await engine.tick(clock.now());
  opened += report.opened;
  if (report.opened > 0) dispatcher.poke();
  if (!(await anythingPending(store, Date.now()))) break;
  // What is left is being delivered, or leased by a killed predecessor (until the lease runs
  // out) or by a sibling process.
  await sleep(25);
}
await dispatcher.stop();
await store.close();
stalls.disable();
process.stdout.write(`opened ${opened} stall ${Math.round(stalls.max / 1e6)}\n`);
process.exit(0);
