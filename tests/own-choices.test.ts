/**
 * A person's own choices (an easing, a cancellation, a completion) are told to them privately,
 * never in the group, and a private promise appears in no group-visible message (found case 1,
 * PRODUCT §5). Endings are told honestly (PRODUCT §4).
 */
import { describe, expect, it } from "vitest";
import { toPlain } from "../src/richtext";
import type { Reply } from "../src/types";
import { sayEnding, tally } from "./support/endings";
import { at, type Bot, commitment, jumpTo, kind } from "./support/followup";
import { createBot, dm, plain } from "./support/harness";
import { outboxOf } from "./support/inspect";

/** Everything a group member could read: replies shown in the chat, and group fallbacks of DMs. */
async function groupVisible(bot: Bot, replies: Reply[]): Promise<string[]> {
  const shown = replies.filter((r) => r.visibility === "chat").map((r) => toPlain(r.text));
  for (const row of await outboxOf(bot)) {
    const to = row.recipient;
    const message = row.payload;
    if (to.chatKind === "group") shown.push(toPlain(message.text));
    else if (to.fallbackChatId) shown.push(toPlain((to.fallbackReply ?? message).text));
  }
  return shown;
}

describe("notices of one's own choices stay private", () => {
  it("a group commitment: easing and /cancel are answered to the owner alone; stricter terms in the group", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const easier = await bot.send("alice", "/edit #1 cadence: weekly sun 12:00");
    expect(easier.map((r) => r.visibility)).toEqual(["sender-only"]);
    const stricter = await bot.send("alice", "/edit #1 cadence: daily 12:00");
    expect(stricter.map((r) => r.visibility)).toEqual(["chat"]);
    const cancelled = await bot.send("alice", "/cancel #1");
    expect(cancelled.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect(plain(cancelled)).toBe("Cancelled #1 Call my sister. Its history stays; /history #1 shows it.");
  });

  it("a completion the tick finds goes to the owner's direct chat; the group fallback is a neutral pointer", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Tell her the whole story cadence: once 2026-11-29 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const done = await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    expect((await commitment(bot)).state).toBe("completed");
    expect(done.map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.to.fallbackChatId])).toEqual([
      ["completed", "dm", "alice", "group"],
    ]);
    const pointer = toPlain(done[0]?.to.fallbackReply?.text ?? []);
    expect(pointer).toBe("I have a private message for you. Open a direct chat with me so I can send it.");
    expect((await groupVisible(bot, [])).join("\n")).not.toMatch(/Its check-in went unanswered/);
  });

  it("a private commitment's promise is in nothing the group can read, whatever is typed there", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    const replies: Reply[] = [];
    const send = async (line: string, name = "alice") => {
      const r = await bot.send(name, line);
      replies.push(...r);
      return r;
    };
    await send("/commit Stop drinking on weeknights cadence: daily 12:00 private");
    const [invite] = await send("/witness #1 @bob");
    replies.push(...(await bot.click("bob", invite, "Accept")));
    for (const line of [
      "/edit #1 cadence: daily 13:00",
      "/edit #1 until: 2026-12-20",
      "/pause #1",
      "/resume #1",
      "/cancel #1",
      "/edit #1 cadence: daily 08:00",
    ]) {
      const r = await send(line);
      expect(
        r.map((x) => x.visibility),
        line,
      ).not.toContain("chat");
    }
    await bot.advance(2 * 86_400_000);
    await send("/checkin kept");
    for (const text of await groupVisible(bot, replies)) expect(text).not.toContain("drinking");
    // The witness did hear what concerns them, by direct message.
    const toBob = (await outboxOf(bot))
      .filter((o) => o.recipient.personId === "bob")
      .map((o) => o.purpose.split(":")[0]);
    expect(toBob).toEqual(expect.arrayContaining(["renegotiate", "paused", "resumed", "withdrawn"]));
  });
});

describe("endings told honestly", () => {
  /** alice's #1 "Walk", daily at 12:00 for 29 Nov – 5 Dec, witnessed by bob; answers per day. */
  async function week(answers: (string | null)[], confirm: boolean[]) {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("bob", "/quiet off", dm("bob"));
    await bot.say("alice", "/commit Walk cadence: daily 12:00 until: 2026-12-05");
    await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
    await bot.deliver();
    for (let day = 0; day < 7; day++) {
      await jumpTo(bot, at("2026-11-29T12:00:00Z") + day * 86_400_000);
      const answer = answers[day];
      if (answer) await bot.say("alice", `/checkin ${answer}`);
      const sent = await bot.deliver();
      bot.delivered.push(...sent.map((d) => ({ at: bot.clock.ms, ...d })));
      const ask = sent.find((d) => kind(d.purpose) === "verify");
      if (ask && confirm[day]) await bot.click("bob", ask.message, "Confirm", dm("bob"));
    }
    await jumpTo(bot, at("2026-12-06T12:00:00Z"));
    return bot;
  }
  const ending = (bot: Bot) =>
    bot.delivered.filter((d) => kind(d.purpose) === "completed").map((d) => d.text);

  it("says what happened: kept 5 of 7, confirmed 4", async () => {
    const bot = await week(
      ["kept", "kept", "missed", null, "kept", "kept", "kept"],
      [true, true, false, false, true, true, false],
    );
    expect(ending(bot)).toEqual([
      "#1 Walk reached its end date: you kept 5 of 7, bob confirmed 4. Thank you for seeing it through.",
    ]);
  });

  it("offers a look back, not thanks, when most check-ins went unanswered", async () => {
    const bot = await week(["kept", null, null, null, null, null, "partly"], []);
    expect(ending(bot)).toEqual([
      "#1 Walk reached its end date: you kept 1 of 7, partly kept 1. Most of its check-ins went unanswered. " +
        "If you'd like a look back, /history #1 has it; /commit starts a new one when you're ready.",
    ]);
  });

  it("words each kind of ending plainly", () => {
    const c = { number: 2, promise: "Tell her", cadence: "once 2026-12-01 18:00" };
    expect(sayEnding(c, tally({ counted: 1, kept: 1, confirmed: 1 }), "jo", "end")).toBe(
      "#2 Tell her is done: you kept it, and jo confirmed it. Thank you for seeing it through.",
    );
    expect(sayEnding(c, tally({ counted: 1, unanswered: 1 }), null, "end")).toBe(
      "#2 Tell her is done. Its check-in went unanswered. If you'd like a look back, /history #2 has it; " +
        "/commit starts a new one when you're ready.",
    );
    expect(sayEnding(c, tally({ counted: 1 }), null, "end")).toBe(
      "#2 Tell her is done. /history #2 shows how it went, if you'd like a look back.",
    );
    const daily = { ...c, cadence: "daily 20:00" };
    expect(sayEnding(daily, tally({ counted: 4, kept: 1, partly: 2, confirmed: 1 }), null, "end")).toBe(
      "#2 Tell her reached its end date: you kept 1 of 4, partly kept 2, your witness confirmed 1. " +
        "/history #2 shows how it went, if you'd like a look back.",
    );
    expect(sayEnding(daily, tally({}), null, "end")).toBe(
      "#2 Tell her ended before any check-in. /commit starts a new one whenever you're ready.",
    );
    for (const t of [
      tally({ counted: 3, unanswered: 2, kept: 1 }),
      tally({ counted: 5, kept: 2, partly: 1 }),
    ])
      expect(sayEnding(daily, t, "jo", "end")).not.toMatch(/seeing it through|!/);
  });
});
