/**
 * Batch scheduling alone (src/dispatch/batches.ts): claims, per-chat order, concurrency, parking
 * after a retry and handing rows back, with a fake claim and a fake outcome recorder. No database.
 */
import { describe, expect, it } from "vitest";
import { type BatchOptions, chatKey, claimLimit, createBatchScheduler } from "../src/dispatch/batches";
import type { Delivery } from "../src/dispatch/bundle";
import { emptyReport, type OutcomeRecorder, type Recorded } from "../src/dispatch/outcomes";
import { RateLimiter } from "../src/dispatch/rate-limiter";
import { silentLogger } from "../src/log";
import { rich } from "../src/richtext";
import type { QueuedMessage } from "../src/store/sqlite/outbox";
import type { Courier, OutboundMessage, Recipient } from "../src/types";

const NOW = Date.parse("2026-03-02T09:00:00Z");

const group = (chatId: string): Recipient => ({ platform: "telegram", chatKind: "group", chatId });

function queued(id: number, to: Recipient): QueuedMessage {
  return {
    id,
    purpose: `prompt:${id}`,
    to,
    message: { text: rich(`prompt ${id}`), visibility: "chat" },
    attempts: 0,
    notBefore: NOW,
    personId: null,
    commitmentId: null,
    bundle: null,
  };
}

/** A courier whose deliveries stay in flight until the test answers them. */
function heldCourier() {
  const inFlight: { message: OutboundMessage; answer: () => void }[] = [];
  const courier: Courier = {
    platform: "telegram",
    deliver: (message) =>
      new Promise((resolve) => {
        inFlight.push({ message, answer: () => resolve("sent") });
      }),
  };
  return { courier, inFlight };
}

/** A recorder that notes what it was asked, and answers `decide`. */
function fakeRecorder(decide: (d: Delivery) => Recorded = () => ({ kind: "done" })) {
  const recorded: number[][] = [];
  const released: { ids: number[]; notBefore: number | null }[] = [];
  const recorder: OutcomeRecorder = {
    async record(d) {
      recorded.push(d.rows.map((r) => r.id));
      return decide(d);
    },
    async release(rows, _platform, notBefore) {
      released.push({ ids: rows.map((r) => r.id), notBefore });
    },
  };
  return { recorder, recorded, released };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(batches: QueuedMessage[][], recorder: OutcomeRecorder, extra: Partial<BatchOptions> = {}) {
  const claims: number[] = [];
  let stopping = false;
  const scheduler = createBatchScheduler({
    claim: async (_platform, _now, limit) => {
      claims.push(limit);
      return batches.shift() ?? [];
    },
    recorder,
    limiter: new RateLimiter({}),
    limits: {},
    log: silentLogger,
    nowMs: () => NOW,
    sleep: () => turn(),
    leaseMs: 60_000,
    batchSize: 200,
    concurrency: 16,
    stopping: () => stopping,
    stopped: () => new Promise(() => {}),
    ...extra,
  });
  return {
    scheduler,
    claims,
    stop: () => {
      stopping = true;
    },
  };
}

describe("batch scheduling", () => {
  it("sends one chat's rows one after another and different chats side by side", async () => {
    const { courier, inFlight } = heldCourier();
    const fake = fakeRecorder();
    const t = setup([[queued(1, group("a")), queued(2, group("b")), queued(3, group("a"))]], fake.recorder);
    const report = emptyReport();
    const drained = t.scheduler.drainPlatform(courier, report);
    await turn();
    // Row 3 waits for row 1: same chat.
    expect(inFlight.map((f) => f.message.purpose)).toEqual(["prompt:1", "prompt:2"]);
    inFlight[0]?.answer();
    await turn();
    expect(inFlight.map((f) => f.message.purpose)).toEqual(["prompt:1", "prompt:2", "prompt:3"]);
    inFlight[1]?.answer();
    inFlight[2]?.answer();
    await drained;
    expect(fake.recorded).toEqual([[1], [2], [3]]);
    expect(t.claims).toEqual([200, 200]);
  });

  it("keeps to the concurrency limit", async () => {
    const { courier, inFlight } = heldCourier();
    const fake = fakeRecorder();
    const rows = [1, 2, 3, 4].map((id) => queued(id, group(`c${id}`)));
    const t = setup([rows], fake.recorder, { concurrency: 2 });
    const drained = t.scheduler.drainPlatform(courier, emptyReport());
    await turn();
    expect(inFlight).toHaveLength(2);
    inFlight[0]?.answer();
    await turn();
    expect(inFlight).toHaveLength(3);
    for (const f of inFlight.slice(1)) f.answer();
    await turn();
    inFlight[3]?.answer();
    await drained;
    expect(fake.recorded.flat().sort()).toEqual([1, 2, 3, 4]);
  });

  it("after a retry holds the chat's later rows back to the retry's time, in this batch and the next", async () => {
    const { courier, inFlight } = heldCourier();
    const fake = fakeRecorder((d) =>
      d.rows[0]?.id === 1 ? { kind: "retry", at: NOW + 5_000 } : { kind: "done" },
    );
    const t = setup(
      [[queued(1, group("a")), queued(2, group("a")), queued(3, group("b"))], [queued(4, group("a"))]],
      fake.recorder,
    );
    const drained = t.scheduler.drainPlatform(courier, emptyReport());
    await turn();
    for (const f of inFlight) f.answer();
    await drained;
    expect(inFlight.map((f) => f.message.purpose)).toEqual(["prompt:1", "prompt:3"]);
    expect(fake.released).toEqual([
      { ids: [2], notBefore: NOW + 5_000 },
      { ids: [4], notBefore: NOW + 5_000 },
    ]);
  });

  it("hands every unsent row back at its own time once stopping begins", async () => {
    const { courier, inFlight } = heldCourier();
    const fake = fakeRecorder();
    const t = setup([[queued(1, group("a")), queued(2, group("a"))]], fake.recorder);
    const drained = t.scheduler.drainPlatform(courier, emptyReport());
    await turn();
    t.stop();
    inFlight[0]?.answer();
    await drained;
    expect(fake.recorded).toEqual([[1]]);
    expect(fake.released).toEqual([{ ids: [2], notBefore: null }]);
  });

  it("claims no more than the platform lets out in half a lease", () => {
    expect(claimLimit(30, 200, 60_000)).toBe(200);
    expect(claimLimit(1, 200, 60_000)).toBe(30);
    expect(claimLimit(1, 200, 1_000)).toBe(1);
    expect(claimLimit(undefined, 7, 60_000)).toBe(7);
  });

  it("orders a DM by the person it is for", () => {
    expect(chatKey({ platform: "telegram", chatKind: "dm", chatId: "", personId: "42" })).toBe("42");
    expect(chatKey(group("-100"))).toBe("-100");
  });
});
