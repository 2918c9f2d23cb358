/** Behaviours settled in review: pauses, repeated snoozes, one pending change, downtime, privacy. */
import { describe, expect, it } from "vitest";
import { toPlain } from "../src/richtext";
import { at, checkInsOf, commitment, H, jumpTo, kind } from "./support/followup";
import { actor, createBot, plain } from "./support/harness";
import { outboxOf } from "./support/inspect";

describe("review fixes", () => {
  it("a pause skips the open check-in, so the streak survives", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await bot.say("alice", "/pause #1");
    await jumpTo(bot, at("2026-12-01T13:00:00Z"));
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["answered", "skipped"]);
    expect((await commitment(bot)).streak).toBe(1);
  });

  it("a second snooze reminds again", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    await bot.advance(1 * H + 1);
    await bot.say("alice", "/snooze 60");
    const first = await bot.advance(61 * 60_000);
    expect(first.map((d) => kind(d.purpose))).toEqual(["remind"]);
    await bot.say("alice", "/snooze 60");
    const second = await bot.advance(61 * 60_000);
    expect(second.map((d) => kind(d.purpose))).toEqual(["remind"]);
  });

  it("a second easier change replaces the first and waits its own day", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    await bot.click("bob", invite, "Accept");
    expect(await bot.say("alice", "/edit #1 cadence: weekly sun 12:00")).toMatch(/takes effect in 24 hours/);
    expect(await bot.say("alice", "/edit #1 until: 2026-12-05")).toBe(
      "Easing #1 Walk takes effect in 24 hours (Mon 30 Nov 2026, 11:00), because bob witnesses it; they've been told. " +
        "It replaces the change you asked for earlier (to weekly sun 12:00).",
    );
  });

  it("after downtime an unanswered window closes as skipped, and its stale prompt is dropped", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Walk cadence: daily 23:00");
    await jumpTo(bot, at("2026-11-29T23:00:00Z")); // prompt held by quiet hours until 08:00
    expect((await outboxOf(bot)).map((o) => [o.purpose.split(":")[0], o.sentAt])).toEqual([["prompt", null]]);
    // Down until 1 Dec, 07:00: the first window closed at 23:00 on 30 Nov while nobody was there;
    // the 30 Nov occurrence's window is still open, so it is the one prompted (after quiet hours).
    await jumpTo(bot, at("2026-12-01T07:00:00Z"));
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["skipped", "pending"]);
    const rows = await outboxOf(bot);
    expect(rows.map((o) => [o.sentAt, o.failedAt !== null, new Date(o.notBefore).toISOString()])).toEqual([
      [null, true, "2026-11-30T08:00:00.000Z"],
      [null, false, "2026-12-01T08:00:00.000Z"],
    ]);
    expect((await commitment(bot)).streak).toBe(0);
    expect(await bot.say("alice", "/status")).not.toContain("missed");
  });

  it("a private commitment's invitation keeps the promise out of the group", async () => {
    const bot = createBot();
    const replies = await bot.send("alice", "/commit Stop drinking witness: @bob private");
    expect(replies.map((r) => r.visibility)).toEqual(["sender-only", "chat"]);
    expect(toPlain(replies[1]?.text ?? [])).toBe(
      "@bob, alice asks you to witness #1, a private commitment: you'd confirm their check-ins, hear from me " +
        "if two check-ins in a row slip, and get a short digest on Sundays. Only that person can accept " +
        "(not a bot), within 7 days.",
    );
  });

  it("a missed answer clicked in the group settles as 'Answered' even for a private commitment", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Journal private cadence: daily 12:00");
    await bot.advance(1 * H + 1);
    const prompt = bot.lastWith("Missed");
    const r = await bot.engine.handle({
      type: "click",
      action: prompt?.buttons?.flat().find((b) => b.label === "Missed")?.action ?? "",
      chat: { platform: "console", id: "group", kind: "group" },
      from: actor("alice"),
    });
    expect(toPlain(r[0]?.settles ?? [])).toBe("Answered");
    expect(plain(r)).toMatch(/^Noted as missed for #1/);
  });
});

describe("a refused direct message falls back to the group without what is private", () => {
  it("gives the witness's question a neutral version and other DMs a pointer", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    await bot.click("bob", invite, "Accept");
    await bot.advance(1 * H + 1);
    await bot.say("alice", "/checkin partly note: only ten minutes, then I left");
    const [request] = await bot.deliver();
    expect(request?.to.fallbackReply?.buttons?.flat().map((b) => b.label)).toEqual([
      "Confirm",
      "Dispute",
      "Not sure",
    ]);
    const shown = toPlain(request?.to.fallbackReply?.text ?? []);
    expect(shown).toBe("alice checked in on #1 (Sun 29 Nov 2026, 12:00). Does that match what you've seen?");
    expect(shown).not.toMatch(/partly|ten minutes/);
    await bot.say("alice", "/edit #1 cadence: weekly sun 12:00");
    const [told] = await bot.deliver();
    expect(told?.purpose).toMatch(/^renegotiate:/);
    expect(toPlain(told?.to.fallbackReply?.text ?? [])).toBe(
      "I have a private message for you. Open a direct chat with me so I can send it.",
    );
  });
});
