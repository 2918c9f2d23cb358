/**
 * Issue 12's fleet figures: the same burst of 10,000 due check-ins opened by one worker process
 * and then by two at once (their batches share the work through `FOR UPDATE SKIP LOCKED`), and
 * the outbox drained by one and by two dispatchers (instant courier, no rate limit: the claim's
 * throughput). Each worker is its own Node process on the one PostgreSQL schema, started before
 * the clock runs, so start-up is not counted. On this 2-core machine the workers and the server
 * share the cores, so the ratio says how the work divides, not what a fleet of machines gains.
 *
 * In a running fleet only the worker holding the sending lease dispatches (adapters/leader.ts):
 * the two-dispatcher figure is the claim's headroom, not how a fleet sends.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BURST_MINUTE, burstIds } from "./engine-bench";
import type { FleetSample } from "./fleet-child";
import { benchSchemaName, dropSchema, openBenchStore, pgBench, rawClient, seedPostgres } from "./pg";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const CHILD = join(HERE, "fleet-child.ts");
const MINUTE = 60_000;

/** What one and two workers did with the same kind of burst. */
export interface FleetResult {
  due: number;
  /** Check-ins opened per second by 1 and by 2 workers (the slower of the two sets the time). */
  openedPerSecond: [number, number];
  /** Rows sent per second by 1 and by 2 dispatchers. */
  sentPerSecond: [number, number];
  /** Every check-in opened once and every prompt sent once, both times. */
  exact: boolean;
}

interface Child {
  result: Promise<FleetSample>;
  go(): void;
}

function startChild(url: string, schema: string, mode: "tick" | "dispatch", at: number): Promise<Child> {
  return new Promise((resolveChild, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, url, schema, mode, String(at)], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let ready = false;
    let settle: (s: FleetSample) => void = () => {};
    let fail: (e: Error) => void = () => {};
    const result = new Promise<FleetSample>((res, rej) => {
      settle = res;
      fail = rej;
    });
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (!ready && out.includes("ready\n")) {
        ready = true;
        resolveChild({ result, go: () => child.stdin.write("go\n") });
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        const e = new Error(`fleet child failed (exit ${code}): ${err.trim() || out.trim()}`);
        if (!ready) reject(e);
        fail(e);
        return;
      }
      settle(JSON.parse(line) as FleetSample);
    });
  });
}

/** Starts `n` children, lets them go at once, and returns the wall time and what they did. */
async function runWorkers(url: string, schema: string, mode: "tick" | "dispatch", at: number, n: number) {
  const children = await Promise.all(Array.from({ length: n }, () => startChild(url, schema, mode, at)));
  const started = performance.now();
  for (const c of children) c.go();
  const samples = await Promise.all(children.map((c) => c.result));
  return { ms: performance.now() - started, done: samples.reduce((sum, s) => sum + s.done, 0) };
}

/**
 * Measures 1 and 2 workers on a PostgreSQL schema of its own, seeded with `n` commitments (the
 * same seed as the other figures), dropped at the end.
 */
export async function measureFleet(url: string, n: number, t0: number, size = 10_000): Promise<FleetResult> {
  const schema = `${benchSchemaName(n)}_fleet`;
  const seeded = await seedPostgres(url, schema, n, t0);
  const store = await openBenchStore(url, schema);
  const sql = rawClient(url, schema);
  try {
    const bench = pgBench(store, sql);
    const minute = BURST_MINUTE(seeded);
    const at = minute + MINUTE;
    const opened: number[] = [];
    const sent: number[] = [];
    let exact = true;
    for (const [which, workers] of [
      [0, 1],
      [1, 2],
    ] as const) {
      const ids = burstIds(seeded, size, which);
      await bench.makeDue(ids, minute);
      const tick = await runWorkers(url, schema, "tick", at, workers);
      const check = await bench.verifyBurst(ids, minute);
      if (tick.done !== size || check.checkIns !== size || check.prompts !== size) exact = false;
      opened.push(tick.done / (tick.ms / 1000));
      const dispatch = await runWorkers(url, schema, "dispatch", at, workers);
      if (dispatch.done !== size || (await bench.unsent()) !== 0) exact = false;
      sent.push(dispatch.done / (dispatch.ms / 1000));
    }
    return {
      due: size,
      openedPerSecond: [opened[0] ?? 0, opened[1] ?? 0],
      sentPerSecond: [sent[0] ?? 0, sent[1] ?? 0],
      exact,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await store.close();
    await dropSchema(url, schema);
  }
}
