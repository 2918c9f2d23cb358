import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDispatcher, type DispatcherOptions } from "../src/dispatch/dispatcher";
import { silentLogger } from "../src/log";
import { mention } from "../src/richtext";
import type { Courier, DeliveryResult, OutboundMessage, Platform, Recipient } from "../src/types";
import { closeStore, messageFor, openStore, type Store } from "./support/inspect";

const T0 = Date.parse("2026-03-02T09:00:00Z");

/** A fake clock, and a sleep that lets the event loop turn and then moves the clock on. */
function fakeTime(start = T0) {
  const time = { ms: start };
  return {
    time,
    clock: { now: () => new Date(time.ms) },
    sleep: (ms: number) =>
      new Promise<void>((resolve) =>
        setImmediate(() => {
          time.ms += ms;
          resolve();
        }),
      ),
  };
}

interface Delivery extends OutboundMessage {
  at: number;
}

/** A courier that records each delivery with the fake time it arrived, and answers with `respond`. */
function recordingCourier(
  platform: Platform,
  time: { ms: number },
  respond: (m: OutboundMessage, calls: number) => DeliveryResult | Promise<DeliveryResult> = () => "sent",
) {
  const deliveries: Delivery[] = [];
  const courier: Courier & { deliveries: Delivery[] } = {
    platform,
    deliveries,
    async deliver(m) {
      deliveries.push({ ...m, at: time.ms });
      return respond(m, deliveries.length);
    },
  };
  return courier;
}

const group = (chatId: string, platform: Platform = "telegram"): Recipient => ({
  platform,
  chatKind: "group",
  chatId,
});
const dm = (personId: string, extra: Partial<Recipient> = {}): Recipient => ({
  platform: "telegram",
  chatKind: "dm",
  chatId: "",
  personId,
  ...extra,
});

function add(db: Store, purpose: string, to: Recipient, notBefore = T0, now = T0): Promise<boolean> {
  return db.transaction((tx) =>
    tx.enqueue({
      purpose,
      to,
      message: { text: [{ t: "text", text: `hello ${purpose}` }], visibility: "chat" },
      notBefore,
      now,
    }),
  );
}

const row = async (db: Store, purpose: string) => await messageFor({ store: db }, purpose);

function setup(overrides: Partial<DispatcherOptions> & { courier?: Courier } = {}) {
  const db = openStore(":memory:");
  const ft = fakeTime();
  const courier = recordingCourier("telegram", ft.time);
  const { courier: given, ...rest } = overrides;
  const dispatcher = createDispatcher({
    store: db,
    clock: ft.clock,
    log: silentLogger,
    couriers: [given ?? courier],
    sleep: ft.sleep,
    owner: "test",
    ...rest,
  });
  return { db, ...ft, courier, dispatcher };
}

/** Drains, then jumps the clock to the next not_before, until the outbox is empty. */
async function drainAll(db: Store, time: { ms: number }, dispatcher: { drain: () => Promise<unknown> }) {
  for (let round = 0; round < 1_000; round++) {
    await dispatcher.drain();
    const next = await db.transaction((tx) => tx.nextReadyAt());
    if (next === null) return;
    time.ms = Math.max(time.ms, next);
  }
  throw new Error("outbox never drained");
}

describe("dispatcher: outcomes", () => {
  it("marks sent rows and never sends them again", async () => {
    const { db, courier, dispatcher } = setup();
    await add(db, "prompt:1", group("g1"));
    await add(db, "prompt:2", group("g2"));
    await add(db, "prompt:3", dm("u1"));

    expect(await dispatcher.drain()).toEqual({
      sent: 3,
      retried: 0,
      failed: 0,
      redirected: 0,
      heldBack: 0,
      lostLeases: 0,
    });
    expect(await row(db, "prompt:1")).toMatchObject({ sentAt: T0, attempts: 1, leaseOwner: null });
    expect((await dispatcher.drain()).sent).toBe(0);
    expect(courier.deliveries.map((d) => d.purpose).sort()).toEqual(["prompt:1", "prompt:2", "prompt:3"]);
  });

  it("sends a purpose queued twice once", async () => {
    const { db, courier, dispatcher } = setup();
    expect(await add(db, "prompt:7", group("g1"))).toBe(true);
    expect(await add(db, "prompt:7", group("g1"))).toBe(false);
    await dispatcher.drain();
    expect(courier.deliveries).toHaveLength(1);
  });

  it("honours a fractional-second 429 for the row and the rest of the burst", async () => {
    const db = openStore(":memory:");
    const ft = fakeTime();
    const courier = recordingCourier("telegram", ft.time, (_m, calls) =>
      calls === 1 ? { retryAfterMs: 1_500 } : "sent",
    );
    const dispatcher = createDispatcher({
      store: db,
      clock: ft.clock,
      log: silentLogger,
      couriers: [courier],
      sleep: ft.sleep,
      concurrency: 1,
    });
    await add(db, "prompt:a", group("g1"));
    await add(db, "prompt:b", group("g2"));
    await add(db, "prompt:c", group("g3"));

    const report = await dispatcher.drain();
    expect(report).toMatchObject({ sent: 3, retried: 1, failed: 0 });
    const at = courier.deliveries.map((d) => [d.purpose, d.at - T0]);
    expect(at[0]).toEqual(["prompt:a", 0]);
    // Nothing else reached the platform before the retry time, and a itself went again after it.
    for (const [, offset] of at.slice(1)) expect(offset).toBeGreaterThanOrEqual(1_500);
    expect(at.filter(([p]) => p === "prompt:a")).toHaveLength(2);
    expect(await row(db, "prompt:a")).toMatchObject({
      attempts: 2,
      lastError: expect.stringContaining("1500"),
    });
  });

  it("backs off thrown errors with growing delays, then succeeds", async () => {
    const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    const { db, time } = setup();
    const flaky = recordingCourier("telegram", time, (_m, calls) => {
      if (calls <= 4) throw new Error(`request to https://api.telegram.org/bot${token}/sendMessage failed`);
      return "sent";
    });
    const dispatcher = createDispatcher({
      store: db,
      clock: { now: () => new Date(time.ms) },
      log: silentLogger,
      couriers: [flaky],
      random: () => 1,
    });
    await add(db, "prompt:1", group("g1"));

    await drainAll(db, time, dispatcher);
    const gaps = flaky.deliveries.slice(1).map((x, i) => x.at - (flaky.deliveries[i]?.at ?? 0));
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000]);
    const r = await row(db, "prompt:1");
    expect(r).toMatchObject({ attempts: 5, sentAt: T0 + 15_000, failedAt: null });
    // The error is kept for diagnosis, but never the bot token an HTTP error may echo.
    expect(r?.lastError).toContain("[redacted]");
    expect(r?.lastError).not.toContain(token.slice(10));
  });

  it("jitters the backoff between half and all of the exponential delay", async () => {
    const { db, time, dispatcher } = setup({
      random: () => 0,
      courier: recordingCourier("telegram", { ms: 0 }, () => {
        throw new Error("503");
      }),
    });
    await add(db, "prompt:1", group("g1"));
    for (const expected of [500, 1_000, 2_000]) {
      await dispatcher.drain();
      expect(await db.transaction((tx) => tx.nextReadyAt())).toBe(time.ms + expected);
      time.ms += expected;
    }
  });

  it("keeps a chat's messages in order when one of them is retried", async () => {
    const { db, time } = setup();
    let failedOnce = false;
    const courier = recordingCourier("telegram", time, (m) => {
      if (m.purpose === "note:1" && !failedOnce) {
        failedOnce = true;
        throw new Error("ECONNRESET");
      }
      return "sent";
    });
    // One row per claim, so the chat's later rows arrive in batches after the failure.
    const dispatcher = createDispatcher({
      store: db,
      clock: { now: () => new Date(time.ms) },
      log: silentLogger,
      couriers: [courier],
      batchSize: 1,
    });
    for (const n of [1, 2, 3]) await add(db, `note:${n}`, group("g1"));
    await add(db, "note:other", group("g2"));

    await drainAll(db, time, dispatcher);
    const sent = courier.deliveries.slice(1).map((d) => d.purpose);
    expect(sent.filter((p) => p !== "note:other")).toEqual(["note:1", "note:2", "note:3"]);
    // Another chat is not held up by it.
    expect(courier.deliveries.find((d) => d.purpose === "note:other")?.at).toBe(T0);
  });

  it("marks a gone chat's row failed and calls onGone once", async () => {
    const onGone = vi.fn();
    const db = openStore(":memory:");
    const ft = fakeTime();
    const courier = recordingCourier("telegram", ft.time, () => "gone");
    const d = createDispatcher({
      store: db,
      clock: ft.clock,
      log: silentLogger,
      couriers: [courier],
      onGone,
    });
    await add(db, "prompt:1", group("g1"));

    expect(await d.drain()).toMatchObject({ failed: 1, sent: 0 });
    expect(await d.drain()).toMatchObject({ failed: 0 });
    expect(onGone).toHaveBeenCalledTimes(1);
    expect(onGone.mock.calls[0]?.[0]).toMatchObject({ purpose: "prompt:1", to: { chatId: "g1" } });
    expect(await row(db, "prompt:1")).toMatchObject({ failedAt: T0, sentAt: null });
    expect(courier.deliveries).toHaveLength(1);
  });

  it("delivers a refused DM to the fallback group, led by a mention", async () => {
    const db = openStore(":memory:");
    const ft = fakeTime();
    const courier = recordingCourier("telegram", ft.time, (m) =>
      m.to.chatKind === "dm" ? "dm-refused" : "sent",
    );
    const d = createDispatcher({
      store: db,
      clock: ft.clock,
      log: silentLogger,
      couriers: [courier],
      sleep: ft.sleep,
    });
    await add(db, "prompt:1", dm("u1", { personName: "Ana", fallbackChatId: "g1" }));

    expect(await d.drain()).toMatchObject({ redirected: 1, sent: 1, failed: 0 });
    const last = courier.deliveries[1];
    expect(last?.to).toMatchObject({ platform: "telegram", chatKind: "group", chatId: "g1", personId: "u1" });
    expect(last?.message.text).toEqual([
      mention("telegram", "u1", "Ana"),
      { t: "text", text: ": " },
      { t: "text", text: "hello prompt:1" },
    ]);
    expect(await row(db, "prompt:1")).toMatchObject({ sentAt: T0, attempts: 1 });
  });

  it("fails a refused DM that has no fallback group", async () => {
    const onGone = vi.fn();
    const { db, dispatcher } = setup({
      courier: recordingCourier("telegram", { ms: 0 }, () => "dm-refused"),
      onGone,
    });
    await add(db, "prompt:1", dm("u1"));
    expect(await dispatcher.drain()).toMatchObject({ failed: 1, redirected: 0 });
    expect(await row(db, "prompt:1")).toMatchObject({ failedAt: T0, sentAt: null });
    expect(onGone).not.toHaveBeenCalled();
  });

  it("does not send a row before its not_before", async () => {
    const { db, time, courier, dispatcher } = setup();
    await add(db, "prompt:1", group("g1"), T0 + 60_000);
    await dispatcher.drain();
    time.ms = T0 + 59_999;
    await dispatcher.drain();
    expect(courier.deliveries).toHaveLength(0);
    time.ms = T0 + 60_000;
    await dispatcher.drain();
    expect(courier.deliveries.map((d) => d.at)).toEqual([T0 + 60_000]);
  });

  it("leaves the rows of a platform without a courier untouched", async () => {
    const { db, courier, dispatcher } = setup();
    await add(db, "prompt:tg", group("g1"));
    await add(db, "prompt:dc", group("c1", "discord"));
    expect((await dispatcher.drain()).sent).toBe(1);
    expect(courier.deliveries.map((d) => d.purpose)).toEqual(["prompt:tg"]);
    expect(await row(db, "prompt:dc")).toMatchObject({
      leaseOwner: null,
      leaseUntil: null,
      attempts: 0,
      sentAt: null,
    });
  });
});

describe("dispatcher: rate limits", () => {
  /** Asserts no `count` deliveries fall within `perMs` of each other (sliding window). */
  function expectWithin(times: number[], count: number, perMs: number) {
    const sorted = [...times].sort((a, b) => a - b);
    for (let i = count; i < sorted.length; i++) {
      expect((sorted[i] ?? 0) - (sorted[i - count] ?? 0)).toBeGreaterThanOrEqual(perMs);
    }
  }

  it("sends to 300 Telegram chats no faster than 30 a second", async () => {
    const { db, time, courier, dispatcher } = setup();
    for (let i = 0; i < 300; i++) await add(db, `prompt:${i}`, i % 2 ? group(`g${i}`) : dm(`u${i}`));
    await drainAll(db, time, dispatcher);
    expect(courier.deliveries).toHaveLength(300);
    expectWithin(
      courier.deliveries.map((d) => d.at),
      30,
      1_000,
    );
    expect((courier.deliveries.at(-1)?.at ?? 0) - T0).toBeGreaterThanOrEqual(9_000);
  });

  it("sends 40 messages to one group no faster than 20 a minute, in order", async () => {
    const { db, time, courier, dispatcher } = setup();
    for (let i = 0; i < 40; i++) await add(db, `note:${String(i).padStart(2, "0")}`, group("g1"));
    await drainAll(db, time, dispatcher);
    expect(courier.deliveries.map((d) => d.purpose)).toEqual(
      Array.from({ length: 40 }, (_, i) => `note:${String(i).padStart(2, "0")}`),
    );
    expectWithin(
      courier.deliveries.map((d) => d.at),
      20,
      60_000,
    );
  });

  it("drains a burst of 2000 prompts at the configured 30/s with no 429", async () => {
    const db = openStore(":memory:");
    const ft = fakeTime();
    const arrivals: number[] = [];
    let tooMany = 0;
    const strict: Courier = {
      platform: "telegram",
      async deliver() {
        const now = ft.time.ms;
        // The platform's view: more than 30 in any one-second window is refused.
        let inWindow = 1;
        for (let i = arrivals.length - 1; i >= 0 && (arrivals[i] ?? 0) > now - 1_000; i--) inWindow++;
        if (inWindow > 30) {
          tooMany++;
          return { retryAfterMs: 1_000 };
        }
        arrivals.push(now);
        return "sent";
      },
    };
    const d = createDispatcher({
      store: db,
      clock: ft.clock,
      log: silentLogger,
      couriers: [strict],
      sleep: ft.sleep,
    });
    for (let i = 0; i < 2_000; i++) await add(db, `prompt:${i}`, i % 2 ? group(`g${i}`) : dm(`u${i}`));

    await drainAll(db, ft.time, d);
    expect(tooMany).toBe(0);
    expect(arrivals).toHaveLength(2_000);
    // Count the last second as a whole: 2000 at exactly 30/s take 66.7 windows of 1 s.
    const seconds = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0) + 1_000) / 1_000;
    const perSecond = arrivals.length / seconds;
    console.info(`2000-prompt burst: ${perSecond.toFixed(2)} sent per fake second over ${seconds} s`);
    expect(perSecond).toBeGreaterThanOrEqual(0.99 * 30);
  });
});

describe("dispatcher: leases", () => {
  const files: string[] = [];
  const opened: Store[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await closeStore({ store: db });
    for (const f of files.splice(0)) for (const s of ["", "-wal", "-shm"]) rmSync(f + s, { force: true });
  });

  it("two dispatchers on one database file deliver each of 500 rows exactly once", async () => {
    const file = join(tmpdir(), `amends-dispatch-${process.pid}-${Math.random().toString(36).slice(2)}.db`);
    files.push(file);
    const a = openStore(file);
    const b = openStore(file);
    opened.push(a, b);
    const ft = fakeTime();
    for (let i = 0; i < 500; i++) await add(a, `prompt:${i}`, i % 3 ? group(`g${i % 50}`) : dm(`u${i}`));

    const counts = new Map<string, number>();
    const byOwner = { a: 0, b: 0 };
    const courier = (who: "a" | "b"): Courier => ({
      platform: "telegram",
      deliver: (m) =>
        new Promise((resolve) =>
          setImmediate(() => {
            counts.set(m.purpose, (counts.get(m.purpose) ?? 0) + 1);
            byOwner[who]++;
            resolve("sent");
          }),
        ),
    });
    const common = { clock: ft.clock, log: silentLogger, sleep: ft.sleep, limits: {}, batchSize: 40 };
    const da = createDispatcher({ ...common, store: a, couriers: [courier("a")], owner: "a" });
    const db2 = createDispatcher({ ...common, store: b, couriers: [courier("b")], owner: "b" });

    const [ra, rb] = await Promise.all([da.drain(), db2.drain()]);
    expect(counts.size).toBe(500);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(ra.sent + rb.sent).toBe(500);
    expect(ra.lostLeases + rb.lostLeases).toBe(0);
    expect(byOwner.a).toBeGreaterThan(0);
    expect(byOwner.b).toBeGreaterThan(0);
    expect(await a.transaction((tx) => tx.nextReadyAt())).toBeNull();
  });

  it("picks up a dead dispatcher's rows once their lease runs out", async () => {
    const { db, time, courier, dispatcher } = setup();
    for (let i = 0; i < 5; i++) await add(db, `prompt:${i}`, group(`g${i}`));
    // The other dispatcher claims and then dies without recording anything.
    expect(
      await db.transaction((tx) => tx.claimReady({ owner: "dead", now: T0, leaseMs: 5_000, limit: 10 })),
    ).toHaveLength(5);

    await dispatcher.drain();
    expect(courier.deliveries).toHaveLength(0);
    time.ms = T0 + 4_999;
    await dispatcher.drain();
    expect(courier.deliveries).toHaveLength(0);
    time.ms = T0 + 5_000;
    expect((await dispatcher.drain()).sent).toBe(5);
    // Were the dead one to wake up, it could not record over the new owner.
    expect(await db.transaction((tx) => tx.markSent(1, "dead", time.ms))).toBe(false);
    expect(await row(db, "prompt:0")).toMatchObject({ attempts: 1, sentAt: T0 + 5_000 });
  });

  it("counts a lease lost while delivering and leaves the row to its new owner", async () => {
    const db = openStore(":memory:");
    const ft = fakeTime();
    const courier = recordingCourier("telegram", ft.time, async () => {
      // While this delivery hangs, the lease runs out and another dispatcher takes the row.
      ft.time.ms += 60_000;
      await db.transaction((tx) =>
        tx.claimReady({ owner: "other", now: ft.time.ms, leaseMs: 60_000, limit: 10 }),
      );
      return "sent" as const;
    });
    const d = createDispatcher({
      store: db,
      clock: ft.clock,
      log: silentLogger,
      couriers: [courier],
      owner: "me",
    });
    await add(db, "prompt:1", group("g1"));
    expect(await d.drain()).toMatchObject({ sent: 0, lostLeases: 1 });
    expect(await row(db, "prompt:1")).toMatchObject({ leaseOwner: "other", sentAt: null });
  });
});

describe("dispatcher: loop", () => {
  it("runs until stopped, waking at the next not_before", async () => {
    const { db, courier, dispatcher } = setup();
    await add(db, "prompt:1", group("g1"), T0 + 5_000);
    dispatcher.start(1_000);
    await vi.waitFor(() => expect(courier.deliveries).toHaveLength(1), { timeout: 2_000, interval: 5 });
    await dispatcher.stop();
    expect(courier.deliveries[0]?.at).toBe(T0 + 5_000);
  });

  it("wakes on poke, and stop waits for the delivery in flight to be recorded", async () => {
    const db = openStore(":memory:");
    const ft = fakeTime();
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const courier = recordingCourier("telegram", ft.time, async (): Promise<DeliveryResult> => {
      await gate;
      return "sent";
    });
    const d = createDispatcher({
      store: db,
      clock: ft.clock,
      log: silentLogger,
      couriers: [courier],
      // A poll that never ends by itself: only poke() can wake the loop.
      sleep: () => new Promise(() => {}),
    });
    d.start(60_000);
    await new Promise((r) => setImmediate(r));
    await add(db, "prompt:1", group("g1"));
    d.poke();
    await vi.waitFor(() => expect(courier.deliveries).toHaveLength(1), { timeout: 2_000, interval: 5 });

    let stopped = false;
    const stopping = d.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    open();
    await stopping;
    expect(await row(db, "prompt:1")).toMatchObject({ sentAt: T0 });
  });
});
