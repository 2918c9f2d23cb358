/**
 * Start-up time and memory: spawns `startup-child.ts` in a fresh Node process (tsx 4 on Node 20
 * is loaded with `node --import tsx`, as `npm start`'s tsx CLI does internally) against an
 * existing database (a SQLite file, or a PostgreSQL schema on a server), and reads back its wall
 * time from process start to ready and its RSS.
 * One warm-up spawn fills the OS page cache and tsx's transform cache; the median and the minimum
 * of the next runs are reported. Other processes on a 2-core machine can only add time, so the
 * minimum is what the flatness check compares across sizes.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { StartupSample } from "./startup-child";
import { median } from "./stats";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const CHILD = join(HERE, "startup-child.ts");

/** Start-up figures for one database. */
export interface StartupResult {
  /** Median child-reported milliseconds from process start to ready. */
  readyMs: number;
  /** The fastest of the runs. */
  readyMinMs: number;
  /** Median milliseconds the parent saw from spawn() to the child's report. */
  spawnToReadyMs: number;
  openMs: number;
  tickMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  runs: number;
}

/** The database a child opens: a SQLite file, or a migrated schema on a PostgreSQL server. */
export type StartupTarget = { path: string } | { url: string; schema: string };

function runChild(
  target: StartupTarget,
  tickAt: number,
): Promise<StartupSample & { spawnToReadyMs: number }> {
  const args = "path" in target ? [target.path, String(tickAt)] : [target.url, String(tickAt), target.schema];
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let seenAt = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      if (seenAt === 0) seenAt = performance.now();
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`start-up child failed (exit ${code}): ${err.trim() || out.trim()}`));
        return;
      }
      resolvePromise({ ...(JSON.parse(line) as StartupSample), spawnToReadyMs: seenAt - started });
    });
  });
}

/** Spawns one warm-up child, then `runs` measured ones, and returns the medians. */
export async function measureStartup(
  target: StartupTarget,
  tickAt: number,
  runs = 5,
): Promise<StartupResult> {
  const warm = await runChild(target, tickAt);
  if (warm.opened !== 0) throw new Error("the start-up tick found due work; the seed is wrong");
  const samples: (StartupSample & { spawnToReadyMs: number })[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runChild(target, tickAt));
  const pick = (f: (s: StartupSample & { spawnToReadyMs: number }) => number) => median(samples.map(f));
  return {
    readyMs: pick((s) => s.readyMs),
    readyMinMs: Math.min(...samples.map((s) => s.readyMs)),
    spawnToReadyMs: pick((s) => s.spawnToReadyMs),
    openMs: pick((s) => s.openMs),
    tickMs: pick((s) => s.tickMs),
    rssBytes: pick((s) => s.rssBytes),
    heapUsedBytes: pick((s) => s.heapUsedBytes),
    runs,
  };
}
