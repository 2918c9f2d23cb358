/**
 * The operators' endpoints (adapters/health.ts) and metrics (adapters/metrics.ts) over a real
 * store: liveness, readiness that names what fails, and a Prometheus scrape whose counters move
 * when the engine answers a command, the scheduler ticks and the dispatcher delivers.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  databaseCheck,
  migrationsCheck,
  platformCheck,
  type ReadinessCheck,
  startHealthServer,
} from "../adapters/health";
import { createMetrics, METRIC_NAMES, type Metrics } from "../adapters/metrics";
import { startScheduler } from "../adapters/scheduler";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import { silentLogger } from "../src/log";
import type { Observer } from "../src/metrics";
import type { Clock, DeliveryResult, Engine, OutboundMessage, TickReport } from "../src/types";
import { actor, commandInput, GROUP } from "./support/harness";
import { closeStore, openStore, type Store } from "./support/inspect";

const T0 = Date.parse("2026-11-29T11:00:00Z");

/** The wall clock moved to `T0`: real time passes (the scheduler and the dispatcher wait on it), and a test can jump. */
function shiftedClock(start = T0) {
  const clock = { offset: start - Date.now(), now: () => new Date(Date.now() + clock.offset) };
  return clock;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function serve(store: Store, clock: Clock, checks: ReadinessCheck[], metrics?: Metrics) {
  const m =
    metrics ?? createMetrics({ store, clock, log: silentLogger, role: "all", platforms: ["console"] });
  const server = await startHealthServer({
    port: 0,
    checks,
    registry: m.registry,
    log: silentLogger,
    checkTimeoutMs: 500,
  });
  closers.push(() => server.close());
  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, init);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  };
  return { server, metrics: m, get };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The Prometheus text format (0.0.4), read strictly: every line a HELP, a TYPE or a sample, each
 * sample of a metric whose TYPE came first. Throws on anything else.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const sampleLine = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/y;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (meta) {
      if (meta[1] === "TYPE") {
        expect(["counter", "gauge", "histogram", "summary", "untyped"]).toContain(meta[3]);
        types.set(meta[2] ?? "", meta[3] ?? "");
      }
      continue;
    }
    const m = sampleLine.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const [, name = "", body = "", raw = ""] = m;
    const labels: Record<string, string> = {};
    label.lastIndex = 0;
    while (label.lastIndex < body.length) {
      const l = label.exec(body);
      if (!l) throw new Error(`bad labels: ${line}`);
      labels[l[1] ?? ""] = l[2] ?? "";
    }
    // Go's ParseFloat, which Prometheus reads values with, takes NaN and Inf in any case (prom-client writes "Nan").
    const value = /^nan$/i.test(raw)
      ? Number.NaN
      : /^\+?inf$/i.test(raw)
        ? Infinity
        : /^-inf$/i.test(raw)
          ? -Infinity
          : Number(raw);
    if (!/^nan$/i.test(raw) && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    const family = [...types.keys()].find((t) => name === t || name.startsWith(`${t}_`));
    if (!family) throw new Error(`sample before its TYPE: ${line}`);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

/** The value of the sample `name` whose labels include `labels`, or undefined. */
function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}

async function scrape(get: (path: string) => Promise<{ status: number; type: string | null; body: string }>) {
  const res = await get("/metrics");
  expect(res.status).toBe(200);
  expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(res.body);
}

describe("health, readiness and metrics", () => {
  it("answers /healthz, /readyz with each check named, and nothing else", async () => {
    const store = openStore();
    const clock = shiftedClock();
    let signedIn = true;
    const { get } = await serve(store, clock, [
      databaseCheck(store),
      migrationsCheck(() => true),
      platformCheck("telegram", () => signedIn),
    ]);

    expect(await get("/healthz")).toMatchObject({ status: 200, body: "ok\n" });
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toBe("ready\ndatabase: ok\nmigrations: ok\ntelegram: ok\n");

    signedIn = false;
    expect(await get("/readyz")).toMatchObject({ status: 503, body: "telegram: not signed in\n" });
    signedIn = true;
    expect((await get("/readyz")).status).toBe(200);

    expect((await get("/nope")).status).toBe(404);
    expect((await get("/healthz/x")).status).toBe(404);
    expect((await get("/readyz?verbose=1")).status).toBe(200);
    expect((await get("/metrics", { method: "POST" })).status).toBe(405);
    expect((await get("/healthz", { method: "HEAD" })).status).toBe(200);

    // The database gone: readiness names it, liveness still answers, the backlog is unknown.
    await closeStore({ store });
    const down = await get("/readyz");
    expect(down.status).toBe(503);
    expect(down.body).toBe("database: failed\n");
    expect((await get("/healthz")).status).toBe(200);
    const { samples } = await scrape(get);
    expect(sampleValue(samples, METRIC_NAMES.outboxBacklog)).toBeNaN();
  });

  it("fails a check that hangs or throws, and shows no error text", async () => {
    const store = openStore();
    const secret = "postgres://amends:hunter2@db.internal:5432/amends";
    const { get } = await serve(store, shiftedClock(), [
      { name: "slow", check: () => new Promise<boolean>(() => {}) },
      {
        name: "broken",
        check: () => {
          throw new Error(`cannot reach ${secret}`);
        },
      },
      { name: "chatty", check: () => `refused by ${secret}` },
      { name: "fine", check: () => true },
    ]);
    const res = await get("/readyz");
    expect(res.status).toBe(503);
    expect(res.body).toBe("slow: timed out after 500 ms\nbroken: failed\nchatty: failed\n");
    expect(res.body).not.toContain("hunter2");
    await closeStore({ store });
  });

  it("serves every metric in Prometheus text, with the outbox backlog read from the store", async () => {
    const store = openStore();
    const clock = shiftedClock();
    const { get } = await serve(store, clock, []);
    const { types, samples } = await scrape(get);
    // The sweep: every metric Amends promises, and Node's process metrics.
    const expected: Record<string, string> = {
      [METRIC_NAMES.outboxBacklog]: "gauge",
      [METRIC_NAMES.outboxOldestAge]: "gauge",
      [METRIC_NAMES.sends]: "counter",
      [METRIC_NAMES.rateLimited]: "counter",
      [METRIC_NAMES.tickDuration]: "histogram",
      [METRIC_NAMES.tickLag]: "gauge",
      [METRIC_NAMES.commands]: "counter",
      [METRIC_NAMES.role]: "gauge",
      process_cpu_user_seconds_total: "counter",
      process_resident_memory_bytes: "gauge",
      nodejs_eventloop_lag_seconds: "gauge",
      nodejs_heap_size_used_bytes: "gauge",
    };
    for (const [name, type] of Object.entries(expected)) expect(types.get(name), name).toBe(type);
    for (const name of Object.values(METRIC_NAMES)) expect(name).toMatch(/^amends_/);
    expect(sampleValue(samples, METRIC_NAMES.role, { role: "all" })).toBe(1);
    expect(sampleValue(samples, METRIC_NAMES.outboxBacklog)).toBe(0);
    expect(sampleValue(samples, METRIC_NAMES.outboxOldestAge)).toBe(0);
    // Zero from the start for the platforms delivered to.
    expect(sampleValue(samples, METRIC_NAMES.sends, { platform: "console", outcome: "sent" })).toBe(0);
    expect(sampleValue(samples, METRIC_NAMES.rateLimited, { platform: "console" })).toBe(0);

    const now = clock.now().getTime();
    const queue = (purpose: string, notBefore: number, sent = false) =>
      store.transaction(async (tx) => {
        await tx.enqueue({
          purpose,
          to: { platform: "console", chatKind: "group", chatId: "g" },
          message: { text: [{ t: "text", text: purpose }], visibility: "chat" },
          notBefore,
          now,
        });
        if (sent) {
          const [row] = await tx.claimReady({ owner: "t", now, leaseMs: 1_000, limit: 1 });
          if (row) await tx.markSent(row.id, "t", now);
        }
      });
    await queue("delivered", now - 600_000, true);
    await queue("late", now - 90_000);
    await queue("due", now - 1_000);
    await queue("later", now + 3_600_000);
    const after = (await scrape(get)).samples;
    expect(sampleValue(after, METRIC_NAMES.outboxBacklog)).toBe(2);
    expect(sampleValue(after, METRIC_NAMES.outboxOldestAge)).toBeGreaterThanOrEqual(90);
    expect(sampleValue(after, METRIC_NAMES.outboxOldestAge)).toBeLessThan(120);

    // Through the port: the same figures the gauges show.
    expect(await store.transaction((tx) => tx.outboxBacklog(now))).toEqual({
      ready: 2,
      oldestReadyAt: now - 90_000,
    });
    await closeStore({ store });
  });

  it("counts commands, ticks and deliveries (429s too) as the engine, scheduler and dispatcher report them", async () => {
    const store = openStore();
    const clock = shiftedClock();
    const metrics = createMetrics({
      store,
      clock,
      log: silentLogger,
      role: "worker",
      platforms: ["console"],
    });
    const { get } = await serve(store, clock, [], metrics);
    const engine = createEngine({
      store,
      clock,
      log: silentLogger,
      config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
      observer: metrics.observer,
    });
    const send = async (text: string) => {
      const input = commandInput(text, GROUP, actor("alice"));
      if ("refusal" in input) throw new Error(input.refusal);
      return engine.handle(input);
    };
    await send("/commit Call my sister cadence: daily 12:00");
    await send("/status");
    await send("/edit #9 promise: something else");
    // The console's and Telegram's parser would refuse it first; Discord hands names over as they come.
    await engine.handle({ type: "command", name: "frobnicate", args: {}, chat: GROUP, from: actor("alice") });
    await engine.handle({ type: "click", action: "nonsense", chat: GROUP, from: actor("alice") });
    await engine.handle({
      type: "command",
      name: "status",
      args: {},
      chat: GROUP,
      from: { ...actor("bot"), isBot: true },
    });

    // A 429 first, then it goes through.
    const delivered: OutboundMessage[] = [];
    const answers: DeliveryResult[] = [{ retryAfterMs: 100 }];
    const dispatcher = createDispatcher({
      store,
      clock,
      log: silentLogger,
      couriers: [
        {
          platform: "console",
          async deliver(m) {
            const answer = answers.shift() ?? "sent";
            if (answer === "sent") delivered.push(m);
            return answer;
          },
        },
      ],
      limits: {},
      observer: metrics.observer,
    });
    // The check-in falls due: the scheduler's first tick opens it, the dispatcher sends the prompt.
    clock.offset += 61 * 60_000;
    const scheduler = startScheduler({
      engine,
      dispatcher,
      clock,
      log: silentLogger,
      intervalSeconds: 1,
      observer: metrics.observer,
    });
    try {
      await until(() => delivered.length > 0);
    } finally {
      await scheduler.stop();
    }

    const { samples } = await scrape(get);
    const commands = (command: string, result: string) =>
      sampleValue(samples, METRIC_NAMES.commands, { command, result });
    expect(commands("commit", "ok")).toBe(1);
    expect(commands("status", "ok")).toBe(1);
    expect(commands("edit", "refused")).toBe(1);
    // What people type never becomes a label.
    expect(commands("unknown", "refused")).toBe(1);
    expect(samples.some((s) => s.labels.command === "frobnicate")).toBe(false);
    // A button the engine does not offer.
    expect(commands("click", "refused")).toBe(1);
    // The bot's message was not counted.
    const total = samples.filter((s) => s.name === METRIC_NAMES.commands).reduce((n, s) => n + s.value, 0);
    expect(total).toBe(5);

    expect(sampleValue(samples, METRIC_NAMES.sends, { platform: "console", outcome: "rate-limited" })).toBe(
      1,
    );
    expect(sampleValue(samples, METRIC_NAMES.sends, { platform: "console", outcome: "sent" })).toBe(1);
    expect(sampleValue(samples, METRIC_NAMES.rateLimited, { platform: "console" })).toBe(1);
    expect(
      sampleValue(samples, `${METRIC_NAMES.tickDuration}_count`, { result: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, `${METRIC_NAMES.tickDuration}_sum`, { result: "ok" })).toBeGreaterThan(0);
    expect(sampleValue(samples, METRIC_NAMES.tickLag)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, METRIC_NAMES.role, { role: "worker" })).toBe(1);
    expect(sampleValue(samples, METRIC_NAMES.outboxBacklog)).toBe(0);
    await closeStore({ store });
  });

  it("reports a tick's lag from the first slot skipped while a slow tick ran", async () => {
    const ticks: { ms: number; lag: number; report: TickReport | null }[] = [];
    const observer: Observer = {
      commandHandled: () => {},
      sent: () => {},
      tickRan: (ms, lag, report) => ticks.push({ ms, lag, report }),
    };
    let first = true;
    const report: TickReport = {
      resumed: 0,
      opened: 0,
      reminded: 0,
      missed: 0,
      skipped: 0,
      completed: 0,
      queued: 0,
    };
    const engine = {
      async tick() {
        // The first tick runs past the next slot, which is owed to the tick after it.
        if (first) await new Promise((resolve) => setTimeout(resolve, 1_300));
        first = false;
        return report;
      },
    } as unknown as Engine;
    const dispatcher = { start() {}, poke() {}, stop: async () => {}, drain: async () => ({}) } as never;
    const scheduler = startScheduler({
      engine,
      dispatcher,
      clock: { now: () => new Date() },
      log: silentLogger,
      intervalSeconds: 1,
      observer,
    });
    try {
      await until(() => ticks.length >= 2, 5_000);
    } finally {
      await scheduler.stop();
    }
    expect(ticks[0]?.lag).toBe(0);
    expect(ticks[0]?.ms).toBeGreaterThanOrEqual(1_250);
    // The slot that fell inside the slow tick was served a second late at least.
    expect(ticks[1]?.lag).toBeGreaterThanOrEqual(900);
    expect(ticks[1]?.report).toBe(report);
  });
});

/** Waits for `done`, polling, for at most `ms`. */
async function until(done: () => boolean, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
