/**
 * Outcome recording alone (src/dispatch/outcomes.ts): what a courier's answer does to outbox
 * rows, over a fake store of leased rows. No database, no courier, no clock, no scheduling.
 */
import { describe, expect, it } from "vitest";
import { type Delivery, planDeliveries } from "../src/dispatch/bundle";
import {
  type CourierOutcome,
  createOutcomeRecorder,
  describeError,
  emptyReport,
  MIN_RETRY_AFTER_MS,
  type OutboxLeases,
  type OutcomeOptions,
  outcomeOf,
} from "../src/dispatch/outcomes";
import type { Logger } from "../src/log";
import { rich, toPlain } from "../src/richtext";
import type { QueuedMessage } from "../src/store/sqlite/outbox";
import type { Recipient, Reply } from "../src/types";

const NOW = Date.parse("2026-03-02T09:00:00Z");

/** A row as the fake store keeps it: what the recorder wrote to it, and whether we still hold it. */
interface FakeRow {
  held: boolean;
  state: "leased" | "sent" | "failed" | "released" | "retry" | "redirected";
  notBefore: number;
  attempts: number;
  error?: string;
  to?: Recipient;
  message?: Reply;
}

/** A fake outbox of leased rows: every write is a compare-and-set on `held`, as the store's is. */
function fakeLeases(ids: number[]) {
  const rows = new Map<number, FakeRow>(
    ids.map((id) => [id, { held: true, state: "leased", notBefore: NOW - 1_000, attempts: 0 }]),
  );
  const write = async (id: number, change: Partial<FakeRow>): Promise<boolean> => {
    const row = rows.get(id);
    if (!row?.held) return false;
    Object.assign(row, change, { held: false });
    return true;
  };
  const leases: OutboxLeases = {
    markSent: (id) => write(id, { state: "sent", attempts: (rows.get(id)?.attempts ?? 0) + 1 }),
    scheduleRetry: (id, notBefore, error) =>
      write(id, { state: "retry", notBefore, error, attempts: (rows.get(id)?.attempts ?? 0) + 1 }),
    release: (id, notBefore) => write(id, { state: "released", notBefore }),
    markFailed: (id, _now, error) => write(id, { state: "failed", error }),
    redirect: (id, to, message, now) => write(id, { state: "redirected", to, message, notBefore: now }),
  };
  /** Another dispatcher took the row: our lease on it is lost. */
  const steal = (id: number) => {
    const row = rows.get(id);
    if (row) row.held = false;
  };
  return { leases, rows, steal };
}

/** A logger that keeps each line's level and message. */
function recordingLog() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg = "") =>
      lines.push({ level, msg, obj });
  const log: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

const hello = (text: string): Reply => ({ text: rich(text), visibility: "chat" });

function queued(id: number, to: Recipient, extra: Partial<QueuedMessage> = {}): QueuedMessage {
  return {
    id,
    purpose: `prompt:${id}`,
    to,
    message: hello(`prompt ${id}`),
    attempts: 0,
    notBefore: NOW - 1_000,
    personId: null,
    commitmentId: null,
    bundle: null,
    ...extra,
  };
}

const group: Recipient = { platform: "telegram", chatKind: "group", chatId: "-100" };
const bundled = (id: number): QueuedMessage =>
  queued(id, group, {
    bundle: { key: "sam@-100", head: rich("Check-ins due:"), line: rich(`line ${id}`), tag: `#${id}` },
  });

/** One delivery of `rows`, as the scheduler would hand it over (a bundle's rows combined). */
function deliveryOf(...rows: QueuedMessage[]): Delivery {
  const [d, ...more] = planDeliveries(rows);
  if (!d || more.length > 0) throw new Error("the rows do not make one delivery");
  return d;
}

function setup(ids: number[], extra: Partial<OutcomeOptions> = {}) {
  const store = fakeLeases(ids);
  const { log, lines } = recordingLog();
  const recorder = createOutcomeRecorder({
    leases: store.leases,
    log,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    // No jitter at 1: the delay is the full exponential step.
    random: () => 1,
    ...extra,
  });
  const report = emptyReport();
  const record = (d: Delivery, outcome: CourierOutcome) =>
    recorder.record(d, "telegram", outcome, NOW, report);
  return { ...store, recorder, report, record, lines };
}

describe("outcome recording", () => {
  it("marks every row of a delivered bundle sent, and lets the chat go on", async () => {
    const t = setup([1, 2, 3]);
    const d = deliveryOf(bundled(1), bundled(2), bundled(3));
    expect(await t.record(d, { result: "sent" })).toEqual({ kind: "done" });
    expect([...t.rows.values()].map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
    expect(t.report).toMatchObject({ sent: 3, retried: 0, failed: 0, lostLeases: 0 });
  });

  it("puts a failed delivery back with exponential backoff from its most-tried row, redacting the error", async () => {
    const t = setup([1, 2]);
    const d = deliveryOf(bundled(1), { ...bundled(2), attempts: 3 });
    const token = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ";
    const recorded = await t.record(d, {
      error: new Error(`GET https://api.telegram.org/bot${token}/sendMessage`),
    });
    // 1 s × 2³, no jitter.
    expect(recorded).toEqual({ kind: "retry", at: NOW + 8_000 });
    for (const row of t.rows.values()) {
      expect(row).toMatchObject({ state: "retry", notBefore: NOW + 8_000, attempts: 1 });
      expect(row.error).toContain("[redacted]");
      expect(row.error).not.toContain(token);
    }
    expect(t.report.retried).toBe(2);
    expect(t.lines.find((l) => l.msg === "delivery failed")?.obj).toMatchObject({ rows: 2, attempts: 4 });
  });

  it("caps the backoff and spreads it with jitter", async () => {
    const capped = setup([1], { random: () => 0 });
    expect(await capped.record(deliveryOf(queued(1, group, { attempts: 40 })), { error: "boom" })).toEqual({
      kind: "retry",
      // maxMs, halved by the lowest jitter.
      at: NOW + 30_000,
    });
  });

  it("after a 429 retries when the platform asks, never sooner than the floor, and pauses the platform", async () => {
    const t = setup([1, 2]);
    expect(await t.record(deliveryOf(queued(1, group)), { result: { retryAfterMs: 2_500.2 } })).toEqual({
      kind: "retry",
      at: NOW + 2_501,
      pauseMs: 2_501,
    });
    expect(t.rows.get(1)).toMatchObject({ state: "retry", error: "rate limited: retry after 2501 ms" });
    expect(await t.record(deliveryOf(queued(2, group)), { result: { retryAfterMs: 0 } })).toEqual({
      kind: "retry",
      at: NOW + MIN_RETRY_AFTER_MS,
      pauseMs: MIN_RETRY_AFTER_MS,
    });
  });

  it("falls back to the backoff when a 429 gives no usable wait", async () => {
    const t = setup([1]);
    const recorded = await t.record(deliveryOf(queued(1, group, { attempts: 1 })), {
      result: { retryAfterMs: Number.NaN },
    });
    expect(recorded).toEqual({ kind: "retry", at: NOW + 2_000, pauseMs: 2_000 });
  });

  it("sends a refused DM to its group as the neutral fallback, led by a mention, visible to the chat", async () => {
    const t = setup([1]);
    const to: Recipient = {
      platform: "telegram",
      chatKind: "dm",
      chatId: "",
      personId: "42",
      personName: "Sam",
      fallbackChatId: "-100",
      fallbackReply: { text: rich("a check-in is waiting for you"), visibility: "sender-only" },
    };
    const row = queued(1, to, { message: hello("your private promise") });
    expect(await t.record(deliveryOf(row), { result: "dm-refused" })).toEqual({ kind: "done" });
    const written = t.rows.get(1);
    expect(written).toMatchObject({
      state: "redirected",
      notBefore: NOW,
      to: { platform: "telegram", chatKind: "group", chatId: "-100", personId: "42", personName: "Sam" },
    });
    expect(written?.to).not.toHaveProperty("fallbackReply");
    expect(written?.message?.visibility).toBe("chat");
    expect(toPlain(written?.message?.text ?? [])).toBe("@Sam: a check-in is waiting for you");
    expect(written?.message?.text[0]).toEqual({ t: "mention", platform: "telegram", id: "42", name: "Sam" });
    expect(t.report.redirected).toBe(1);
  });

  it("gives up on a refused DM that has no group to fall back to", async () => {
    const t = setup([1]);
    const to: Recipient = { platform: "telegram", chatKind: "dm", chatId: "", personId: "42" };
    expect(await t.record(deliveryOf(queued(1, to)), { result: "dm-refused" })).toEqual({ kind: "done" });
    expect(t.rows.get(1)).toMatchObject({
      state: "failed",
      error: "direct message refused; no fallback chat",
    });
    expect(t.report.failed).toBe(1);
  });

  it("drops a rejected message without touching anything else", async () => {
    const calls: QueuedMessage[] = [];
    const t = setup([1, 2], { onGone: (m) => calls.push(m) });
    expect(await t.record(deliveryOf(bundled(1), bundled(2)), { result: "rejected" })).toEqual({
      kind: "done",
    });
    expect([...t.rows.values()].map((r) => r.error)).toEqual([
      "rejected by the platform",
      "rejected by the platform",
    ]);
    expect(t.report.failed).toBe(2);
    expect(calls).toEqual([]);
  });

  it("fails every row of a gone chat and tells onGone once, with the first row", async () => {
    const calls: QueuedMessage[] = [];
    const t = setup([1, 2, 3], { onGone: (m) => calls.push(m) });
    const rows = [bundled(1), bundled(2), bundled(3)];
    expect(await t.record(deliveryOf(...rows), { result: "gone" })).toEqual({ kind: "done" });
    expect([...t.rows.values()].map((r) => [r.state, r.error])).toEqual([
      ["failed", "chat gone"],
      ["failed", "chat gone"],
      ["failed", "chat gone"],
    ]);
    expect(t.report.failed).toBe(3);
    expect(calls).toEqual([rows[0]]);
  });

  it("does not tell onGone when every lease was lost, and logs an onGone that throws", async () => {
    const calls: QueuedMessage[] = [];
    const lost = setup([1], { onGone: (m) => calls.push(m) });
    lost.steal(1);
    await lost.record(deliveryOf(queued(1, group)), { result: "gone" });
    expect(calls).toEqual([]);
    expect(lost.report).toMatchObject({ failed: 0, lostLeases: 1 });

    const throwing = setup([1], {
      onGone: () => {
        throw new Error("database is locked");
      },
    });
    expect(await throwing.record(deliveryOf(queued(1, group)), { result: "gone" })).toEqual({ kind: "done" });
    expect(throwing.lines.filter((l) => l.level === "error").map((l) => l.msg)).toEqual(["onGone failed"]);
  });

  it("hands back an onGone promise to wait for, which never rejects", async () => {
    let finish = (): void => {};
    const t = setup([1, 2], {
      onGone: () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    });
    const recorded = await t.record(deliveryOf(queued(1, group)), { result: "gone" });
    expect(recorded.kind).toBe("done");
    const pending = recorded.kind === "done" ? recorded.pending : undefined;
    expect(pending).toBeInstanceOf(Promise);
    let settled = false;
    void pending?.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    finish();
    await pending;
    expect(settled).toBe(true);

    const failing = setup([1], { onGone: async () => Promise.reject(new Error("no")) });
    const r = await failing.record(deliveryOf(queued(1, group)), { result: "gone" });
    await (r.kind === "done" ? r.pending : undefined);
    expect(failing.lines.filter((l) => l.level === "error").map((l) => l.msg)).toEqual(["onGone failed"]);
  });

  it("counts a row whose lease was lost, and leaves it to its new holder", async () => {
    const t = setup([1, 2]);
    t.steal(2);
    await t.record(deliveryOf(bundled(1), bundled(2)), { result: "sent" });
    expect(t.rows.get(1)?.state).toBe("sent");
    expect(t.rows.get(2)?.state).toBe("leased");
    expect(t.report).toMatchObject({ sent: 1, lostLeases: 1 });
    expect(t.lines.find((l) => l.msg === "outbox lease lost")?.obj).toEqual({
      platform: "telegram",
      kind: "prompt",
      id: 2,
      step: "sent",
    });
  });

  it("releases rows unsent at a given time or their own, without counting an attempt", async () => {
    const t = setup([1, 2, 3]);
    t.steal(3);
    const rows = [queued(1, group), queued(2, group, { notBefore: NOW + 9_000 }), queued(3, group)];
    await t.recorder.release(rows, "telegram", NOW + 5_000, t.report);
    expect([...t.rows.values()].map((r) => [r.state, r.notBefore, r.attempts])).toEqual([
      ["released", NOW + 5_000, 0],
      // Never earlier than the row's own time.
      ["released", NOW + 9_000, 0],
      ["leased", NOW - 1_000, 0],
    ]);
    expect(t.report).toMatchObject({ heldBack: 2, lostLeases: 1 });

    const own = setup([1]);
    await own.recorder.release([queued(1, group)], "telegram", null, own.report);
    expect(own.rows.get(1)?.notBefore).toBe(NOW - 1_000);
  });

  it("reads a courier's answer: a result it knows, else an error", () => {
    expect(outcomeOf("sent")).toEqual({ result: "sent" });
    expect(outcomeOf({ retryAfterMs: 5 })).toEqual({ result: { retryAfterMs: 5 } });
    expect(outcomeOf(undefined)).toEqual({ error: new Error("courier returned no result") });
    expect(outcomeOf("ok")).toHaveProperty("error");
  });

  it("redacts tokens from errors and keeps them to one short line", () => {
    expect(describeError(new Error("Authorization: Bot abc.def.ghi failed"))).toBe(
      "Error: Authorization: [redacted] failed",
    );
    expect(describeError("x".repeat(1_000))).toHaveLength(300);
  });
});
