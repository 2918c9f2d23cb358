/**
 * Few messages: bundled outbox rows of one person in one chat that are ready together go out as
 * one message (src/dispatch/bundle.ts), and what happens to that delivery happens to every row.
 */
import { describe, expect, it } from "vitest";
import { MAX_ACTION_BYTES } from "../src/actions";
import { combinedMessage, MAX_BUNDLE, planDeliveries } from "../src/dispatch/bundle";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { answerButtons } from "../src/engine/messages";
import { silentLogger } from "../src/log";
import { rich, toPlain } from "../src/richtext";
import type { QueuedMessage } from "../src/store/port";
import type { Courier, DeliveryResult, OutboundMessage, Recipient, Reply } from "../src/types";
import { FakeClock } from "./support/harness";
import { type BundleItem, openStore, outboxOf } from "./support/inspect";

const GROUP_TO: Recipient = { platform: "console", chatKind: "group", chatId: "g1" };
const DM_TO: Recipient = {
  platform: "console",
  chatKind: "dm",
  chatId: "",
  personId: "sam",
  personName: "sam",
  fallbackChatId: "g1",
};

const item = (n: number, key = "1:group:g1"): BundleItem => ({
  key,
  head: rich("@sam, time to check in on these. How did they go?"),
  line: rich(`#${n} Promise ${n}`),
  tag: `#${n}`,
});
const own = (n: number): Reply => ({
  text: rich(`@sam, time to check in on #${n} Promise ${n}. How did it go?`),
  visibility: "chat",
  buttons: answerButtons(100 + n),
});

let nextId = 1;
function row(n: number, bundle: BundleItem | null = item(n), to: Recipient = GROUP_TO): QueuedMessage {
  return {
    id: nextId++,
    purpose: `prompt:${100 + n}`,
    to,
    message: own(n),
    attempts: 0,
    notBefore: 0,
    personId: 1,
    commitmentId: n,
    bundle,
  };
}

describe("planDeliveries and combinedMessage (pure)", () => {
  it("combines rows of one bundle: the head, a line each, a row of tagged buttons each", () => {
    const [d, ...rest] = planDeliveries([row(2), row(4)]);
    expect(rest).toEqual([]);
    expect(d?.rows.map((r) => r.purpose)).toEqual(["prompt:102", "prompt:104"]);
    expect(d?.message.purpose).toBe("prompt:102+prompt:104");
    expect(d?.message.to).toEqual(GROUP_TO);
    expect(toPlain(d?.message.message.text ?? [])).toBe(
      "@sam, time to check in on these. How did they go?\n#2 Promise 2\n#4 Promise 4",
    );
    expect(d?.message.message.buttons?.map((r) => r.map((b) => b.label))).toEqual([
      ["#2 Kept", "#2 Partly", "#2 Missed", "#2 Snooze 1h"],
      ["#4 Kept", "#4 Partly", "#4 Missed", "#4 Snooze 1h"],
    ]);
    // The actions stay the per-check-in ones.
    expect(d?.message.message.buttons?.flat().map((b) => b.action)).toEqual(
      [...answerButtons(102).flat(), ...answerButtons(104).flat()].map((b) => b.action),
    );
  });

  it("delivers a row alone as its own full message, exactly as queued", () => {
    const lone = row(3);
    const [d] = planDeliveries([lone]);
    expect(d?.message).toEqual({ purpose: lone.purpose, to: lone.to, message: lone.message });
    expect(combinedMessage([lone])).toBe(lone.message);
  });

  it("keeps other rows apart and in order, and a bundle where its first row was", () => {
    const a = row(1);
    const plainRow = row(9, null);
    const other = row(5, item(5, "2:group:g1"));
    const b = row(2);
    const deliveries = planDeliveries([a, plainRow, other, b]);
    expect(deliveries.map((d) => d.rows.map((r) => r.id))).toEqual([[a.id, b.id], [plainRow.id], [other.id]]);
  });

  it("takes at most five items, and keeps within Discord's 5 rows of 5 and Telegram's 64 bytes", () => {
    const rows = Array.from({ length: 7 }, (_, i) => row(i + 1));
    const deliveries = planDeliveries(rows);
    expect(deliveries.map((d) => d.rows.length)).toEqual([MAX_BUNDLE, 2]);
    for (const d of deliveries) {
      const buttons = d.message.message.buttons ?? [];
      expect(buttons.length).toBeLessThanOrEqual(5);
      for (const r of buttons) expect(r.length).toBeLessThanOrEqual(5);
      for (const b of buttons.flat()) {
        expect(Buffer.byteLength(b.action, "utf8")).toBeLessThanOrEqual(MAX_ACTION_BYTES);
        expect(b.label.length).toBeLessThanOrEqual(80);
      }
    }
  });
});

describe("the dispatcher", () => {
  function setUp(answer: (m: OutboundMessage) => DeliveryResult | Promise<DeliveryResult>) {
    const db = openStore();
    const clock = new FakeClock(Date.parse("2026-11-30T08:00:00Z"));
    const delivered: OutboundMessage[] = [];
    const courier: Courier = {
      platform: "console",
      async deliver(m) {
        delivered.push(m);
        return answer(m);
      },
    };
    const dispatcher = createDispatcher({
      store: db,
      clock,
      log: silentLogger,
      couriers: [courier],
      limits: {},
      random: () => 0.5,
      sleep: async () => {},
    });
    const queue = (n: number, to: Recipient = GROUP_TO, bundle: BundleItem | null = item(n)) =>
      db.transaction((tx) =>
        tx.enqueue({
          purpose: `prompt:${100 + n}`,
          to,
          message: own(n),
          personId: null,
          commitmentId: null,
          notBefore: clock.ms,
          now: clock.ms,
          bundle,
        }),
      );
    const rows = async () => await outboxOf({ store: db });
    return { db, clock, delivered, dispatcher, queue, rows };
  }

  it("sends rows of one bundle ready together as one message and marks every row sent", async () => {
    const t = setUp(() => "sent");
    await t.queue(1);
    await t.queue(2);
    await t.queue(3, GROUP_TO, null);
    const report = await t.dispatcher.drain();
    expect(t.delivered.map((m) => m.purpose)).toEqual(["prompt:101+prompt:102", "prompt:103"]);
    expect(report.sent).toBe(3);
    expect((await t.rows()).every((r) => r.sentAt !== null)).toBe(true);
  });

  it("puts every row of a failed delivery back for a retry, and sends them together later", async () => {
    let fail = true;
    const t = setUp(() => {
      if (fail) throw new Error("network down");
      return "sent";
    });
    await t.queue(1);
    await t.queue(2);
    const first = await t.dispatcher.drain();
    expect(first.retried).toBe(2);
    expect((await t.rows()).map((r) => [r.attempts, r.sentAt])).toEqual([
      [1, null],
      [1, null],
    ]);
    fail = false;
    t.clock.advance(3_600_000);
    await t.dispatcher.drain();
    expect(t.delivered.map((m) => m.purpose)).toEqual(["prompt:101+prompt:102", "prompt:101+prompt:102"]);
    expect((await t.rows()).every((r) => r.sentAt !== null)).toBe(true);
  });

  it("marks every row failed when the chat is gone or the platform rejects the message", async () => {
    for (const result of ["gone", "rejected"] as const) {
      const t = setUp(() => result);
      await t.queue(1);
      await t.queue(2);
      const report = await t.dispatcher.drain();
      expect(report.failed).toBe(2);
      expect((await t.rows()).every((r) => r.failedAt !== null && r.sentAt === null)).toBe(true);
    }
  });

  it("redirects every row of a refused DM to the group with its own neutral fallback, never combined", async () => {
    const fallback = (n: number): Reply => ({
      text: rich(`time to check in on #${n}. Open a direct chat with me to see the details, or answer here.`),
      visibility: "chat",
      buttons: answerButtons(100 + n),
    });
    const t = setUp((m) => (m.to.chatKind === "dm" ? "dm-refused" : "sent"));
    for (const n of [1, 2]) await t.queue(n, { ...DM_TO, fallbackReply: fallback(n) }, item(n, "1:dm"));
    const report = await t.dispatcher.drain();
    expect(report.redirected).toBe(2);
    expect(t.delivered.map((m) => [m.purpose, m.to.chatKind, toPlain(m.message.text)])).toEqual([
      [
        "prompt:101+prompt:102",
        "dm",
        "@sam, time to check in on these. How did they go?\n#1 Promise 1\n#2 Promise 2",
      ],
      ["prompt:101", "group", `@sam: ${toPlain(fallback(1).text)}`],
      ["prompt:102", "group", `@sam: ${toPlain(fallback(2).text)}`],
    ]);
    expect((await t.rows()).map((r) => [r.bundle, r.sentAt !== null])).toEqual([
      [null, true],
      [null, true],
    ]);
  });

  it("combines only rows of the same chat", async () => {
    const t = setUp(() => "sent");
    await t.queue(1);
    await t.queue(2, DM_TO, item(2, "1:dm"));
    await t.dispatcher.drain();
    expect(t.delivered.map((m) => m.purpose).sort()).toEqual(["prompt:101", "prompt:102"]);
  });
});
