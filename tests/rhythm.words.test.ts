/**
 * The words of prompts, reminders and the two-miss alert: the step's question in every prompt,
 * second person in the owner's own chat, the mention only in the group, at most two sentences
 * there, a reminder that says plainly what waits and until when, and an alert that says what
 * happened.
 */
import { describe, expect, it } from "vitest";
import { promptItem, reminderItem } from "../src/engine/messages";
import { toPlain } from "../src/richtext";
import { at, commitment, DAY, iso, jumpTo, kind } from "./support/followup";
import { createBot, dm } from "./support/harness";
import { setPerson } from "./support/inspect";
import { sentences } from "./support/rhythm";

describe("the prompt", () => {
  it("asks the step's question, names the person in the group and speaks to them in their own chat", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Give them space cadence: daily 12:00 step: 12");
    await bot.say("sam", "/commit Keep the change going cadence: daily 12:00 step: 13 private");
    await bot.say("sam", "/commit Walk every day cadence: daily 12:00");
    const noon = await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    expect(noon.map((d) => [d.to.chatKind, d.text])).toEqual([
      ["group", "@sam, time to check in on #1 Give them space. Did I respect their space today?"],
      [
        "dm",
        "Time to check in on #2 Keep the change going. What helped or got in the way this time, and what small thing would make next time easier?",
      ],
      ["group", "@sam, time to check in on #3 Walk every day. How did it go?"],
    ]);
    for (const d of noon) {
      if (d.to.chatKind === "dm") expect(d.text).not.toContain("@sam");
      else expect(sentences(d.text).length).toBeLessThanOrEqual(2);
    }
    await bot.say("sam", "/checkin #1 kept");
    const next = await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    expect(next.find((d) => d.purpose.startsWith("prompt") && d.text.includes("#1"))?.text).toBe(
      "@sam, time to check in on #1 Give them space (streak so far: 1). Did I respect their space today?",
    );
  });

  it("asks the plain question on a contact step once the plan has turned", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Offer to talk it through cadence: daily 12:00 step: 8");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    expect(bot.delivered.at(-1)?.text).toBe(
      "@sam, time to check in on #1 Offer to talk it through. Can you explain the cause without asking them to excuse it?",
    );
    await setPerson(bot, "sam", { planTurnedAt: bot.clock.ms });
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    expect(bot.delivered.at(-1)?.text).toBe(
      "@sam, time to check in on #1 Offer to talk it through. How did it go?",
    );
  });

  it("as the group sees a private one when the DM is refused: no promise, two sentences", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Write the letter cadence: daily 12:00 private");
    const [prompt] = await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const fallback = toPlain(prompt?.to.fallbackReply?.text ?? []);
    expect(fallback).toBe(
      "time to check in on #1 (Sun 29 Nov 2026, 12:00). Open a direct chat with me to see the details, or answer here.",
    );
    expect(sentences(`@sam: ${fallback}`)).toHaveLength(2);
  });
});

describe("the reminder", () => {
  it("says plainly what is waiting for an answer and until when, without 'gentle' or 'still open'", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Give them space cadence: daily 20:00");
    await bot.say("sam", "/commit Write the letter cadence: daily 21:00 private");
    const day = await bot.advance(DAY);
    const reminders = day.filter((d) => kind(d.purpose) === "remind");
    expect(reminders.map((d) => [iso(d.at), d.to.chatKind, d.text])).toEqual([
      [
        "2026-11-30T08:00:00.000Z",
        "group",
        "@sam, your check-in on #1 Give them space is waiting for an answer until 20:00 today.",
      ],
      [
        "2026-11-30T09:00:00.000Z",
        "dm",
        "Your check-in on #2 Write the letter is waiting for an answer until 21:00 today.",
      ],
    ]);
    for (const d of reminders) {
      expect(d.text).not.toMatch(/gentle|still open/i);
      expect(sentences(d.text)).toHaveLength(1);
    }
    const fallback = toPlain(reminders[1]?.to.fallbackReply?.text ?? []);
    expect(fallback).toBe(
      "your private check-in on #2 is waiting for an answer until 21:00 today. Open a direct chat with me to see the details, or answer here.",
    );
  });

  it("names the day when the window ends on another one", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Walk cadence: daily 07:30");
    // 07:30 is quiet: the prompt goes at 08:00, the reminder halfway to 07:30 the next day.
    const day = await bot.advance(DAY + 9 * 3_600_000);
    const reminder = day.find((d) => kind(d.purpose) === "remind");
    expect(reminder?.text).toBe(
      "@sam, your check-in on #1 Walk is waiting for an answer until 07:30 tomorrow.",
    );
  });

  it("in a combined message, heads and lines keep the group's two sentences", () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    void bot;
    const owner = { id: 1, name: "sam", platform: "console", externalId: "sam", planTurnedAt: null };
    const c = { number: 2, promise: "Walk", step: null, zone: "UTC" };
    const group = { platform: "console" as const, chatKind: "group" as const, chatId: "g" };
    const ci = { windowEnd: at("2026-11-30T20:00:00Z") };
    // biome-ignore lint/suspicious/noExplicitAny: only the fields the builders read
    const p = promptItem(c as any, owner as any, group);
    // biome-ignore lint/suspicious/noExplicitAny: only the fields the builders read
    const r = reminderItem(c as any, owner as any, ci as any, group, at("2026-11-30T08:00:00Z"));
    expect([toPlain(p.head), toPlain(p.line), p.tag, p.key]).toEqual([
      "@sam, time to check in on these. How did they go?",
      "#2 Walk",
      "#2",
      "1:group:g",
    ]);
    expect([toPlain(r.head), toPlain(r.line)]).toEqual([
      "@sam, these check-ins are waiting for an answer.",
      "#2 Walk, until 20:00 today",
    ]);
  });
});

describe("the two-miss alert", () => {
  /** sam's daily noon commitment witnessed by jo; returns the bot at the first prompt. */
  async function witnessed() {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Call my sister cadence: daily 12:00");
    await bot.click("jo", (await bot.send("sam", "/witness #1 @jo"))[0], "Accept");
    await bot.say("jo", "/quiet off");
    await bot.deliver();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    return bot;
  }
  const alerts = (bot: ReturnType<typeof createBot>) =>
    bot.delivered.filter((d) => kind(d.purpose) === "alert").map((d) => [d.to.personId, d.text]);

  it("says when the last two check-ins got no answer", async () => {
    const bot = await witnessed();
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await jumpTo(bot, at("2026-12-01T12:00:00Z"));
    expect(alerts(bot)).toEqual([
      [
        "jo",
        "sam's last two check-ins on #1 Call my sister got no answer. A kind word may help more than a reminder.",
      ],
    ]);
  });

  it("says when sam said they missed both", async () => {
    const bot = await witnessed();
    await bot.say("sam", "/checkin missed");
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await bot.say("sam", "/checkin missed");
    bot.delivered.push(...(await bot.deliver()).map((d) => ({ at: bot.clock.ms, ...d })));
    expect(alerts(bot)).toEqual([
      [
        "jo",
        "sam said they missed the last two check-ins on #1 Call my sister. A kind word may help more than a reminder.",
      ],
    ]);
  });

  it("says when one got no answer and then sam said they missed", async () => {
    const bot = await witnessed();
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await bot.say("sam", "/checkin missed");
    bot.delivered.push(...(await bot.deliver()).map((d) => ({ at: bot.clock.ms, ...d })));
    expect(alerts(bot)).toEqual([
      [
        "jo",
        "sam said they missed the latest check-in on #1 Call my sister, and the one before got no answer. " +
          "A kind word may help more than a reminder.",
      ],
    ]);
  });

  it("is not set off by a disputed answer: the witness already knows that one", async () => {
    const bot = await witnessed();
    await bot.say("sam", "/checkin kept");
    const [request] = await bot.deliver();
    await bot.click("jo", request?.message, "Dispute", dm("jo"));
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await jumpTo(bot, at("2026-12-01T12:00:00Z"));
    // One window closed with no answer after the dispute: no alert.
    expect(alerts(bot)).toEqual([]);
    expect((await commitment(bot)).state).toBe("active");
  });
});
