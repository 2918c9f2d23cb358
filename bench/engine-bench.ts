/**
 * Engine figures on a seeded database, in-process with a fixed clock: the idle tick (nothing
 * due, so only the indexed probes run), `engine.handle` for `/commit` and `/status` (what a
 * person waits for), and a burst of 10,000 check-ins falling due in one minute, timed whole and
 * watched for event-loop blocking, because the tick shares its thread with every command. These
 * run on either store: the engine sees only the `Store`, the stage is set through a `BenchDb`.
 *
 * On SQLite a second, disjoint burst runs with every better-sqlite3 statement call timed, to tell
 * the longest single synchronous database call (the issue's ≤ 10 ms rule) from the longest
 * stretch between yields (JavaScript included), and how much of the burst is SQLite's own time.
 * (PostgreSQL's counterpart, counting round trips, is in ./pg.ts.)
 */

import { monitorEventLoopDelay } from "node:perf_hooks";
import type Database from "better-sqlite3";
import { parseCommandText } from "../src/commands/parse";
import { createEngine } from "../src/engine";
import { silentLogger } from "../src/log";
import { toPlain } from "../src/richtext";
import type { Store } from "../src/store/port";
import type { OpenDb } from "../src/store/sqlite/db";
import type { ChatRef, Engine, Inbound, TickReport } from "../src/types";
import { type BenchDb, type BurstCounts, makeDue } from "./bench-db";
import {
  chatExternalId,
  chatOfPerson,
  chatTitle,
  personExternalId,
  personName,
  personUsername,
  type Seeded,
} from "./seed";
import { max, median, quantile } from "./stats";

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The minute both bursts fall due in: minute 41 of the hour after `t0 + 1 h` (between 1 h 41 and
 * 2 h 41 after `t0`, before any seeded due time). No seeded cadence has an occurrence at :41 or
 * :42 in any seeded zone, so the tick opens exactly the occurrence that was made due, rather than
 * one that happens to fall at the tick instant (which catch-up would rightly prefer).
 */
export const BURST_MINUTE = (seeded: Seeded): number =>
  Math.ceil((seeded.t0 + 60 * MINUTE) / (60 * MINUTE)) * 60 * MINUTE + 41 * MINUTE;

/** A clock the benchmark sets by hand. */
export class FixedClock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
}

/** Builds the engine as the composition root does, with the benchmark's configuration. */
export function buildEngine(store: Store, clock: { now(): Date }): Engine {
  return createEngine({
    store,
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
  });
}

/** Idle-tick figures. */
export interface IdleTickResult {
  medianMs: number;
  meanMs: number;
  maxMs: number;
  ticks: number;
}

/**
 * Times `ticks` ticks at instants where nothing is due (after a few untimed warm-up ticks). First
 * it lets the event loop idle for a moment: seeding the database in this same process leaves V8 an
 * incremental mark-compact to finish, and when the ticks followed the seeding at once (bench/hot.ts)
 * its 3–6 ms finishing step landed in one of them, as did the checkpointer thread's start.
 */
export async function measureIdleTick(engine: Engine, seeded: Seeded, ticks = 200): Promise<IdleTickResult> {
  await new Promise<void>((resolve) => setTimeout(resolve, 200));
  const times: number[] = [];
  for (let i = -10; i < ticks; i++) {
    const at = new Date(seeded.t0 + (i + 10) * 5_000);
    const started = performance.now();
    const report = await engine.tick(at);
    const took = performance.now() - started;
    if (workDone(report) > 0) throw new Error(`idle tick found work: ${JSON.stringify(report)}`);
    if (i >= 0) times.push(took);
  }
  const meanMs = times.reduce((sum, t) => sum + t, 0) / times.length;
  return { medianMs: median(times), meanMs, maxMs: max(times), ticks };
}

/** Units of work a tick did (0 for an idle tick). */
export const workDone = (r: TickReport): number =>
  r.resumed + r.opened + r.reminded + r.missed + r.skipped + r.completed + r.queued;

/** Latency figures for one command. */
export interface HandleResult {
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  runs: number;
  /** Replies that were a refusal or the apology instead of the expected answer. */
  unexpected: number;
}

/** An inbound command from seeded person `i` in their group chat. */
export function commandFrom(i: number, seeded: Seeded, text: string): Inbound {
  const parsed = parseCommandText(text);
  if (!parsed?.ok) throw new Error(`bench command does not parse: ${text}`);
  const j = chatOfPerson(i, seeded.chats);
  const chat: ChatRef = { platform: "telegram", id: chatExternalId(j), kind: "group", title: chatTitle(j) };
  return {
    type: "command",
    name: parsed.name,
    args: parsed.args,
    mentions: parsed.mentions,
    chat,
    from: { platform: "telegram", id: personExternalId(i), name: personName(i), username: personUsername(i) },
  };
}

/**
 * Times `engine.handle` for `/commit` and `/status`, `runs` each after 100 untimed warm-up runs,
 * from different seeded people (each owns about ten commitments with answered history). The
 * commitments `/commit` creates are then moved three days out, so later figures see no extra due work.
 */
export async function measureHandle(
  bench: BenchDb,
  engine: Engine,
  clock: FixedClock,
  seeded: Seeded,
  runs = 2_000,
): Promise<{ commit: HandleResult; status: HandleResult }> {
  const people = seeded.people;
  // Spread over the people; /status starts half-way round, so it mostly asks other people.
  const personAt = (k: number, offset: number) => ((k * 7_919 + offset) % people) + 1;
  const half = Math.floor(people / 2);

  const time = async (make: (k: number) => Inbound, ok: (text: string) => boolean): Promise<HandleResult> => {
    const times: number[] = [];
    let unexpected = 0;
    for (let k = -100; k < runs; k++) {
      const input = make(k + 100);
      clock.ms += 10;
      const started = performance.now();
      const replies = await engine.handle(input);
      const took = performance.now() - started;
      if (k < 0) continue;
      times.push(took);
      const text = replies.map((r) => toPlain(r.text)).join("\n");
      if (!ok(text)) unexpected++;
    }
    return { medianMs: median(times), p99Ms: quantile(times, 0.99), maxMs: max(times), runs, unexpected };
  };

  const commit = await time(
    (k) => commandFrom(personAt(k, 0), seeded, `/commit Walk the dog after work, rain or shine #${k}`),
    (text) => text.startsWith("Committed"),
  );
  const status = await time(
    (k) => commandFrom(personAt(k, half), seeded, "/status"),
    (text) => text.startsWith("Your commitments"),
  );
  await bench.moveOut(seeded.commitments, seeded.t0 + 3 * DAY);
  return { commit, status };
}

/** What a burst did and how long it blocked. */
export interface BurstResult {
  due: number;
  opened: number;
  tickMs: number;
  /** Longest gap between setImmediate callbacks scheduled in a loop while the tick ran. */
  longestStretchMs: number;
  /** monitorEventLoopDelay's max over the burst (1 ms resolution). */
  eventLoopDelayMaxMs: number;
  /** Check-ins pending, prompt rows queued and commitments moved past the burst, as verified after it. */
  verified: BurstCounts;
}

/** Database call timings from the instrumented burst. */
export interface DbCallResult {
  calls: number;
  longestCallMs: number;
  longestSql: string;
  dbMs: number;
  tickMs: number;
  longestStretchMs: number;
}

/**
 * The 10,000 (or `size`) commitment ids of burst `which` (0 or 1): disjoint, spread over the
 * table, each taken from its own slice with a varying offset so that the seed's cadences, zones
 * and visibilities all appear (a fixed stride would hit one cadence only).
 */
export function burstIds(seeded: Seeded, size: number, which: number): number[] {
  const slice = Math.floor(seeded.commitments / (2 * size));
  if (slice < 1) throw new Error(`two bursts of ${size} need at least ${2 * size} commitments`);
  const ids: number[] = [];
  for (let k = 0; k < size; k++) ids.push(1 + (2 * k + which) * slice + ((k * 7) % slice));
  return ids;
}

/** Runs `work` while a setImmediate loop and an event-loop-delay histogram watch the thread. */
export async function watched<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; stretch: number; eld: number }> {
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
  histogram.enable();
  setImmediate(loop);
  last = performance.now();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  // The last stretch ends when the tick returns.
  stretch = Math.max(stretch, performance.now() - last);
  running = false;
  histogram.disable();
  return { value, ms, stretch, eld: histogram.max / 1e6 };
}

/** Opens 10,000 check-ins due in one minute with one tick, and verifies what it wrote. */
export async function measureBurst(
  bench: BenchDb,
  engine: Engine,
  seeded: Seeded,
  size = 10_000,
): Promise<BurstResult> {
  const ids = burstIds(seeded, size, 0);
  const minute = BURST_MINUTE(seeded);
  await bench.makeDue(ids, minute);
  const at = new Date(minute + MINUTE);
  const run = await watched(() => engine.tick(at));
  return {
    due: ids.length,
    opened: run.value.opened,
    tickMs: run.ms,
    longestStretchMs: run.stretch,
    eventLoopDelayMaxMs: run.eld,
    verified: await bench.verifyBurst(ids, minute),
  };
}

/**
 * The same burst on 10,000 other commitments, with every prepared-statement call timed (the
 * wrapper costs well under a microsecond a call). Tells SQLite's share from JavaScript's.
 */
export async function measureBurstDbCalls(
  db: OpenDb,
  engine: Engine,
  seeded: Seeded,
  size = 10_000,
): Promise<DbCallResult> {
  const client = db.$client;
  const ids = burstIds(seeded, size, 1);
  // The first burst's minute and tick instant again: its check-ins' reminders and window ends all
  // lie after it, so this tick does nothing but open the second 10,000.
  const minute = BURST_MINUTE(seeded);
  makeDue(client, ids, minute);

  let calls = 0;
  let dbMs = 0;
  let longest = 0;
  let longestSql = "";
  const restore = timeStatements(client, (sql, took) => {
    calls++;
    dbMs += took;
    if (took > longest) {
      longest = took;
      longestSql = sql.replace(/\s+/g, " ").slice(0, 90);
    }
  });
  try {
    const run = await watched(() => engine.tick(new Date(minute + MINUTE)));
    const r = run.value;
    if (r.opened !== ids.length || workDone(r) !== r.opened) {
      throw new Error(`instrumented burst did other work than opening 10,000: ${JSON.stringify(r)}`);
    }
    return {
      calls,
      longestCallMs: longest,
      longestSql,
      dbMs,
      tickMs: run.ms,
      longestStretchMs: run.stretch,
    };
  } finally {
    restore();
  }
}

/**
 * Times every statement call on `client` (run, get, all, iterate) until the returned function
 * restores them: `onCall` hears each call's SQL and duration. For the instrumented bursts.
 */
export function timeStatements(
  client: Database.Database,
  onCall: (sql: string, ms: number) => void,
): () => void {
  const proto = Object.getPrototypeOf(client.prepare("SELECT 1")) as Record<string, unknown>;
  const names = ["run", "get", "all", "iterate"] as const;
  const originals = new Map<string, unknown>();
  for (const name of names) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    originals.set(name, original);
    proto[name] = function timed(this: Database.Statement, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        onCall(this.source, performance.now() - started);
      }
    };
  }
  return () => {
    for (const name of names) proto[name] = originals.get(name);
  };
}
