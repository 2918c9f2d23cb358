/**
 * A fleet (issue 12): a process's role, refused at start where it cannot work, and the sending
 * lease that keeps the platforms' rate limits for the whole fleet (adapters/leader.ts over
 * src/store/pg/db.ts `tryLease`). The lease's PostgreSQL half needs a real server (an embedded
 * PGlite is one connection, it has no second session to hold a lock against): without one it is
 * skipped, saying why; with CI=true a missing server fails it.
 */
import postgres from "postgres";
import { describe, expect, it, vi } from "vitest";
import { type HeldLease, ledDispatcher, longestWindowMs } from "../adapters/leader";
import { loadSettings } from "../adapters/settings";
import { ConfigError } from "../src/config";
import type { Dispatcher } from "../src/dispatch/dispatcher";
import { emptyReport } from "../src/dispatch/outcomes";
import { DEFAULT_LIMITS } from "../src/dispatch/rate-limiter";
import { silentLogger } from "../src/log";
import { type Lease, pgClientOptions, tryLease } from "../src/store/pg/db";
import { PG_TEST_URL, pgServerAnswers } from "./support/stores";

/** The lines a refused configuration gives. */
function refusal(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const PG = "postgres://amends@db.internal:5432/amends";

describe("AMENDS_ROLE", () => {
  it("is all by default, and runs on SQLite", () => {
    expect(loadSettings({}).core.AMENDS_ROLE).toBe("all");
    expect(refusal({ TELEGRAM_BOT_TOKEN: "t" })).toEqual([]);
  });

  it("refuses front and worker on SQLite, in one line saying why", () => {
    for (const role of ["front", "worker"]) {
      const lines = refusal({
        AMENDS_ROLE: role,
        TELEGRAM_BOT_TOKEN: "t",
        TELEGRAM_WEBHOOK_URL: "https://b.example/tg",
        TELEGRAM_WEBHOOK_SECRET: "s",
      });
      expect(lines).toEqual([
        `AMENDS_ROLE=${role} needs PostgreSQL: set DATABASE_URL (on SQLite, run one process with the role all)`,
      ]);
    }
  });

  it("refuses a role with no platform, and a Telegram front without a webhook", () => {
    expect(refusal({ AMENDS_ROLE: "worker", DATABASE_URL: PG })).toEqual([
      "AMENDS_ROLE=worker needs a platform token (TELEGRAM_BOT_TOKEN or DISCORD_TOKEN)",
    ]);
    const front = refusal({ AMENDS_ROLE: "front", DATABASE_URL: PG, TELEGRAM_BOT_TOKEN: "t" });
    expect(front).toHaveLength(1);
    expect(front[0]).toMatch(/^AMENDS_ROLE=front receives Telegram by webhook: set TELEGRAM_WEBHOOK_URL/);
    expect(
      refusal({
        AMENDS_ROLE: "front",
        DATABASE_URL: PG,
        TELEGRAM_BOT_TOKEN: "t",
        TELEGRAM_WEBHOOK_URL: "https://bot.example/tg",
        TELEGRAM_WEBHOOK_SECRET: "s3cret",
      }),
    ).toEqual([]);
    expect(refusal({ AMENDS_ROLE: "worker", DATABASE_URL: PG, TELEGRAM_BOT_TOKEN: "t" })).toEqual([]);
    expect(refusal({ AMENDS_ROLE: "front", DATABASE_URL: PG, DISCORD_TOKEN: "d" })).toEqual([
      "AMENDS_ROLE=front receives Discord over HTTP: set DISCORD_PUBLIC_KEY (a gateway connection serves one process only)",
    ]);
    expect(
      refusal({
        AMENDS_ROLE: "front",
        DATABASE_URL: PG,
        DISCORD_TOKEN: "d",
        DISCORD_PUBLIC_KEY: "ab".repeat(32),
      }),
    ).toEqual([]);
  });

  it("names no value in a refusal (the URL may hold a password)", () => {
    const lines = refusal({ AMENDS_ROLE: "sender", DATABASE_URL: "postgres://u:hunter2@h/db" });
    expect(lines.join("\n")).not.toContain("hunter2");
    expect(lines.some((l) => l.startsWith("AMENDS_ROLE "))).toBe(true);
  });
});

/** A lock only one holder has at a time, and the dispatchers built under it. */
function fleet() {
  let holder: { release: () => void } | null = null;
  const built: { started: boolean; stopped: boolean; pokes: number }[] = [];
  const lead = async (): Promise<(HeldLease & { lose(): void }) | null> => {
    if (holder) return null;
    let lose = () => {};
    const lost = new Promise<void>((resolve) => {
      lose = () => {
        holder = null;
        resolve();
      };
    });
    holder = { release: lose };
    return { lost, release: async () => lose(), lose };
  };
  const make = (): Dispatcher => {
    const d = { started: false, stopped: false, pokes: 0 };
    built.push(d);
    return {
      drain: async () => ({ ...emptyReport(), sent: 1 }),
      start: () => {
        d.started = true;
      },
      poke: () => {
        d.pokes++;
      },
      stop: async () => {
        d.stopped = true;
      },
    };
  };
  return { lead, make, built, holder: () => holder };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("the sending lease", () => {
  it("lets one worker send at a time, and another take over when it is lost", async () => {
    const f = fleet();
    const a = ledDispatcher({ make: f.make, lead: f.lead, log: silentLogger, retryMs: 10 });
    const b = ledDispatcher({ make: f.make, lead: f.lead, log: silentLogger, retryMs: 10 });
    a.start();
    await settle();
    b.start();
    await settle();
    // One dispatcher built and started, by a; b stands by and drains nothing.
    expect(f.built).toHaveLength(1);
    expect(f.built[0]?.started).toBe(true);
    expect((await a.drain()).sent).toBe(1);
    expect((await b.drain()).sent).toBe(0);
    b.poke();
    a.poke();
    expect(f.built[0]?.pokes).toBe(1);

    // a stops sending at once and b stands by; a does not try again while it holds nothing
    // useful, so whichever of them retries first leads next, and only that one.
    await a.stop();
    await vi.waitFor(() => expect(f.built).toHaveLength(2));
    expect(f.built[0]?.stopped).toBe(true);
    expect(f.built[1]?.started).toBe(true);
    expect((await b.drain()).sent).toBe(1);
    expect((await a.drain()).sent).toBe(0);

    // Lost rather than given up: the dispatcher stops, and the leader tries again later.
    const grip: { lose?: () => void } = {};
    const c = ledDispatcher({
      make: f.make,
      lead: async () => {
        const l = await f.lead();
        if (l) grip.lose = l.lose;
        return l;
      },
      log: silentLogger,
      retryMs: 10,
    });
    c.start();
    await b.stop();
    expect(f.built[1]?.stopped).toBe(true);
    await vi.waitFor(() => expect(f.built).toHaveLength(3));
    grip.lose?.();
    await vi.waitFor(() => expect(f.built[2]?.stopped).toBe(true));
    // It takes the lease again on its next try, with a fresh dispatcher.
    await vi.waitFor(() => expect(f.built).toHaveLength(4));
    expect((await c.drain()).sent).toBe(1);
    await c.stop();
    expect(f.holder()).toBeNull();
  });
});

describe("a new leader", () => {
  it("reads back as far as the longest window the platforms count over", () => {
    expect(longestWindowMs(Object.values(DEFAULT_LIMITS))).toBe(60_000);
    expect(
      longestWindowMs([{ perSecond: 5, group: { count: 1, perMs: 500 }, dm: { count: 1, perMs: 200 } }]),
    ).toBe(1_000);
  });

  it("builds its dispatcher, with what the fleet sent, before its first send; not if it loses the lease meanwhile", async () => {
    const f = fleet();
    let finish: (d: Dispatcher) => void = () => {};
    const a = ledDispatcher({
      make: () =>
        new Promise<Dispatcher>((resolve) => {
          finish = resolve;
        }),
      lead: f.lead,
      log: silentLogger,
      retryMs: 10_000,
    });
    a.start();
    await settle();
    // Holding the lease, still reading what the fleet sent: nothing sends yet.
    expect((await a.drain()).sent).toBe(0);
    finish(f.make());
    await vi.waitFor(() => expect(f.built[0]?.started).toBe(true));
    expect((await a.drain()).sent).toBe(1);
    await a.stop();

    // Lost while building: it never sends, and gives the lease back.
    const g = fleet();
    let lose: (() => void) | undefined;
    let build: (d: Dispatcher) => void = () => {};
    const b = ledDispatcher({
      make: () =>
        new Promise<Dispatcher>((resolve) => {
          build = resolve;
        }),
      lead: async () => {
        const l = await g.lead();
        lose = l?.lose;
        return l;
      },
      log: silentLogger,
      retryMs: 10_000,
    });
    b.start();
    await settle();
    lose?.();
    build(g.make());
    await settle();
    expect(g.built[0]?.started).toBe(false);
    expect(g.holder()).toBeNull();
    expect((await b.drain()).sent).toBe(0);
    await b.stop();
  });
});

/** Why the server half is skipped, or null to run it (under CI it runs, and fails without one). */
const SKIP =
  (await pgServerAnswers()) || process.env.CI === "true" ? null : `no PostgreSQL at ${PG_TEST_URL}`;

describe(SKIP ? `the lease on PostgreSQL (skipped: ${SKIP})` : "the lease on PostgreSQL", () => {
  it("is held by one process at a time, and freed when its holder's connection dies", async (ctx) => {
    if (SKIP) ctx.skip(SKIP);
    const watcher = postgres(PG_TEST_URL, { ...pgClientOptions(), max: 1 });
    const key = `amends-test-lease-${process.pid}-${Date.now()}`;
    let held: Lease | null = null;
    try {
      held = await tryLease(PG_TEST_URL, key, 50);
      expect(held).not.toBeNull();
      expect(await tryLease(PG_TEST_URL, key, 50)).toBeNull();
      // The holder's session ends as a killed process's would: the server frees the lock.
      await watcher`SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND objid = hashtext(${key})::oid AND granted`;
      await held?.lost;
      const next = await tryLease(PG_TEST_URL, key, 50);
      expect(next).not.toBeNull();
      await next?.release();
      // Released, it can be taken again at once.
      const again = await tryLease(PG_TEST_URL, key, 50);
      expect(again).not.toBeNull();
      await again?.release();
    } finally {
      await held?.release();
      await watcher.end({ timeout: 1 });
    }
  });
});
