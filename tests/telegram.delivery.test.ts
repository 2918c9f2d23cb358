/**
 * The Telegram courier under the real dispatcher: what each Telegram refusal becomes, a 429
 * burst in a due-minute of 200 prompts, a person who blocked the bot, a refused DM falling back
 * to the group, and webhook mode's secret check.
 */
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { bold, rich } from "../src/richtext";
import type { OutboundMessage, Recipient } from "../src/types";
import { allCommitments, nextReadyAt, outboxOf } from "./support/inspect";
import { type ApiCall, ERRORS } from "./support/telegram/server";
import { createWorld, failOnUnhandledRejections, textOf, type World } from "./support/telegram/world";

failOnUnhandledRejections();

let w: World;
afterEach(async () => {
  await w?.close();
});

const H = 3_600_000;

const toGroup = (id: number): Recipient => ({ platform: "telegram", chatKind: "group", chatId: String(id) });
const toDm = (id: number): Recipient => ({
  platform: "telegram",
  chatKind: "dm",
  chatId: "",
  personId: String(id),
});
const outbound = (to: Recipient): OutboundMessage => ({
  purpose: "prompt:1",
  to,
  message: {
    text: rich("Time to check in on ", bold("#1"), "."),
    visibility: "chat",
    buttons: [[{ label: "Kept", action: "ans:1:k", style: "success" }]],
  },
});

describe("Telegram courier", () => {
  it("maps each Telegram answer to the dispatcher's outcome, trying each send exactly once", async () => {
    w = await createWorld();
    const { tg } = w;
    const { courier } = w.adapter;
    const alice = tg.user(101, "alice", "alice");
    const bob = tg.user(102, "bob", "bob");
    const group = tg.group(-1001, "Repair");
    tg.started.add(alice.id);
    const sends = () => tg.callsOf("sendMessage").length;

    expect(await courier.deliver(outbound(toGroup(group.id)))).toBe("sent");
    const sent = tg.sent(group.id).at(-1);
    expect(textOf(sent)).toBe("Time to check in on #1.");
    expect(sent?.reply_markup?.inline_keyboard[0]?.[0]).toEqual({
      text: "Kept",
      callback_data: "ans:1:k",
      style: "success",
    });
    expect(await courier.deliver(outbound(toDm(alice.id)))).toBe("sent");

    const cases: [string, () => void, Recipient, unknown][] = [
      [
        "429",
        () => tg.fail({ method: "sendMessage", fail: ERRORS.tooMany(1.5) }),
        toGroup(group.id),
        { retryAfterMs: 1500 },
      ],
      ["blocked", () => tg.blocked.add(alice.id), toDm(alice.id), "gone"],
      ["never started", () => undefined, toDm(bob.id), "dm-refused"],
      ["unknown person", () => undefined, toDm(999), "dm-refused"],
      ["unknown group", () => undefined, toGroup(-999), "gone"],
      ["kicked", () => tg.kicked.add(group.id), toGroup(group.id), "gone"],
    ];
    for (const [name, arrange, to, expected] of cases) {
      arrange();
      const before = sends();
      expect(await courier.deliver(outbound(to)), name).toEqual(expected);
      expect(sends() - before, name).toBe(1);
    }
    tg.kicked.clear();

    tg.fail({ method: "sendMessage", fail: ERRORS.internal });
    await expect(courier.deliver(outbound(toGroup(group.id)))).rejects.toThrow(/500/);
    tg.fail({ method: "sendMessage", fail: "drop" });
    await expect(courier.deliver(outbound(toGroup(group.id)))).rejects.toThrow();
    // The dropped call was never answered, so it is the only one recorded as dropped.
    expect(tg.callsOf("sendMessage").filter((c) => c.outcome === "dropped")).toHaveLength(1);

    // A group that became a supergroup: Telegram names the new id, and the message goes there.
    const upgraded = tg.group(-1002003004005, "Repair (supergroup)");
    tg.fail({
      method: "sendMessage",
      when: (p) => p.chat_id === -1002,
      fail: {
        code: 400,
        description: "Bad Request: group chat was upgraded to a supergroup chat",
        parameters: { migrate_to_chat_id: upgraded.id },
      },
    });
    expect(await courier.deliver(outbound(toGroup(-1002)))).toBe("sent");
    expect(textOf(tg.sent(upgraded.id).at(-1))).toBe("Time to check in on #1.");
    expect(w.log.lines.join("\n")).not.toContain("Time to check in");
  });
});

describe("Telegram under the dispatcher", () => {
  it("delivers a due-minute of 200 prompts through a 429 burst: all once, within 30/s and 20/min per group", async () => {
    w = await createWorld({ start: "2026-11-30T11:00:00Z" });
    const { tg, engine } = w;
    const groups = Array.from({ length: 8 }, (_, g) => tg.group(-2000 - g, `Group ${g}`));
    for (let i = 0; i < 200; i++) {
      const group = groups[i % groups.length];
      if (!group) throw new Error("no group");
      const user = tg.user(1000 + i, `p${i}`, `p${i}`);
      const replies = await engine.handle({
        type: "command",
        name: "commit",
        args: { promise: `Promise number ${i}`, cadence: "daily 12:00" },
        chat: { platform: "telegram", id: String(group.id), kind: "group", title: group.title },
        from: { platform: "telegram", id: String(user.id), name: user.first_name },
      });
      expect(replies[0]?.visibility).toBe("chat");
    }
    w.clock.ms = Date.parse("2026-11-30T12:00:00Z");
    expect((await engine.tick(w.clock.now())).opened).toBe(200);

    // Telegram pushes back twice in the burst, with fractional waits.
    tg.fail({ method: "sendMessage", skip: 40, times: 5, fail: ERRORS.tooMany(0.5) });
    tg.fail({ method: "sendMessage", skip: 150, times: 3, fail: ERRORS.tooMany(1.25) });
    const mark = tg.calls.length;
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(200);
      await w.dispatcher.drain();
      const next = await nextReadyAt(w);
      if (next === null) break;
      w.clock.ms = Math.max(w.clock.ms, next);
    }

    const calls = tg.calls.slice(mark).filter((c) => c.method === "sendMessage");
    const ok = calls.filter((c) => c.outcome === "ok");
    expect(ok).toHaveLength(200);
    expect(calls.filter((c) => c.outcome === 429)).toHaveLength(8);
    expect(new Set(ok.map((c) => c.params.text)).size).toBe(200);
    for (const g of groups) expect(ok.filter((c) => c.params.chat_id === g.id)).toHaveLength(25);
    expect((await outboxOf(w)).every((r) => r.sentAt !== null)).toBe(true);

    expect(maxInWindow(calls, 1_000)).toBeLessThanOrEqual(30);
    for (const g of groups) {
      expect(
        maxInWindow(
          calls.filter((c) => c.params.chat_id === g.id),
          60_000,
        ),
      ).toBeLessThanOrEqual(20);
    }
    // After each 429, nothing goes to Telegram until its retry_after has passed.
    for (const limited of calls.filter((c) => c.outcome === 429)) {
      const until = limited.at + (limited.error?.parameters?.retry_after ?? 0) * 1000;
      expect(until).toBeGreaterThan(limited.at);
      expect(calls.filter((c) => c.at > limited.at && c.at < until)).toEqual([]);
    }
    // 25 prompts per group at 20 a minute: the last five of each wait for the next minute.
    const span = (ok.at(-1)?.at ?? 0) - (ok[0]?.at ?? 0);
    expect(span).toBeGreaterThanOrEqual(60_000);
  }, 20_000);

  it("pauses a private commitment when its owner blocked the bot", async () => {
    w = await createWorld({ start: "2026-11-30T11:00:00Z" });
    const { tg } = w;
    const erin = tg.user(105, "erin", "erin");
    await tg.send(erin, tg.dm(erin), "/commit Journal every night cadence: daily 21:00");
    expect((await allCommitments(w))[0]).toMatchObject({ visibility: "private", state: "active" });
    tg.blocked.add(erin.id);
    await w.advance(10.5 * H);
    const tried = tg.callsOf("sendMessage").at(-1);
    expect(tried).toMatchObject({ params: { chat_id: erin.id }, outcome: 403 });
    expect((await allCommitments(w))[0]).toMatchObject({ state: "paused", nextDueAt: null });
    const failed = (await outboxOf(w)).filter((r) => r.failedAt !== null);
    expect(failed.map((r) => r.purpose.split(":")[0])).toEqual(["prompt"]);
    // No new prompt is tried for her: the scheduler stops writing to nowhere. (The check-in that
    // was already open still sends its one reminder; see the report on pauseForGone.)
    const before = tg.calls.length;
    await w.advance(24 * H);
    const later = tg.calls.slice(before).filter((c) => c.method === "sendMessage");
    expect(later.filter((c) => String(c.params.text).includes("time to check in"))).toEqual([]);
    expect(later.length).toBeLessThanOrEqual(1);
  });

  it("falls back to the group, with a mention, when a private prompt's DM is refused", async () => {
    w = await createWorld({ start: "2026-11-30T11:00:00Z" });
    const { tg } = w;
    const dave = tg.user(104, "Dave", undefined);
    const group = tg.group(-1001, "Repair");
    await tg.send(dave, group, "/commit Walk after lunch cadence: daily 13:00 private");
    await w.advance(2.5 * H);
    const tries = tg.callsOf("sendMessage").slice(-2);
    expect(tries.map((c) => [c.params.chat_id, c.outcome])).toEqual([
      [dave.id, 403],
      [group.id, "ok"],
    ]);
    const prompt = tg.lastWith("Kept", group.id);
    // The group gets the neutral version: the number and the buttons, never the private promise.
    expect(textOf(prompt)).toBe(
      "Dave: time to check in on #1 (Mon 30 Nov 2026, 13:00). Open a direct chat with me to see the details, or answer here.",
    );
    expect(prompt?.entities?.[0]).toMatchObject({
      type: "text_mention",
      offset: 0,
      length: 4,
      user: { id: dave.id },
    });
  });
});

/** The most calls within any window of `ms` (by the test clock). */
function maxInWindow(calls: readonly ApiCall[], ms: number): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

describe("Telegram webhook mode", () => {
  it("registers the webhook with its secret, refuses a wrong secret, and handles a right one", async () => {
    const port = await freePort();
    const secret = "s3cret-Token_for-tests";
    w = await createWorld({
      adapter: { webhook: { url: "https://amends.example/telegram", secret, port, host: "127.0.0.1" } },
    });
    const { tg } = w;
    expect(tg.webhook).toEqual({ url: "https://amends.example/telegram", secret });
    expect(tg.callsOf("getUpdates")).toEqual([]);

    const alice = tg.user(101, "alice", "alice");
    const update = JSON.stringify({ update_id: 1, message: tg.userMessage(alice, tg.dm(alice), "/help") });
    const post = (headers: Record<string, string>, body = update) =>
      fetch(`http://127.0.0.1:${port}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong" })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/telegram`)).status).toBe(405);
    expect(tg.callsOf("sendMessage")).toEqual([]);

    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret }, "{not json")).status).toBe(400);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": secret })).status).toBe(200);
    expect(textOf(tg.sent(alice.id).at(-1))).toContain("Amends helps you keep promises");

    await w.adapter.stop();
    await expect(post({ "X-Telegram-Bot-Api-Secret-Token": secret })).rejects.toThrow();
  });
});
