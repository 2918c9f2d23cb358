/**
 * /history in plain words (issue 9): a window that closed unanswered reads "no answer" (a miss
 * is what the person said), a run of them is one line, the consistency line is in words, and
 * the changes say what happened, never an event name.
 */
import { describe, expect, it } from "vitest";
import { checkInWords } from "../src/engine/history";
import { historyPhrase } from "../src/engine/history-words";
import { at, type Bot, DAY, H, jumpTo } from "./support/followup";
import { createBot } from "./support/harness";

/** Moves the clock hour by hour to `ms` (a longer jump reads as the bot having been down). */
async function walkTo(bot: Bot, ms: number): Promise<void> {
  while (bot.clock.ms + H < ms) await jumpTo(bot, bot.clock.ms + H);
  await jumpTo(bot, ms);
}

describe("/history", () => {
  it("reads an unanswered window as no answer, and a run of them as one line", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/quiet off");
    await bot.say("sam", "/commit Give them space cadence: daily 12:00");
    const day = (n: number) => at("2026-11-29T12:00:00Z") + n * DAY;
    const answers = ["kept", "missed", null, "partly", null, null, null, null];
    for (const [n, answer] of answers.entries()) {
      await walkTo(bot, day(n));
      if (answer) await bot.say("sam", `/checkin ${answer}`);
    }
    await walkTo(bot, day(answers.length) + H);
    const text = await bot.say("sam", "/history #1");
    expect(text).not.toMatch(/trust|\/100|: missed \(|verdict/);
    expect(text.split("\n").slice(0, 9)).toEqual([
      "#1 Give them space — every day at 12:00, next check-in Tue 8 Dec 2026, 12:00",
      expect.stringMatching(/^Consistency \d+: partly kept 1 of the last 5; 4 got no answer\.$/),
      "Check-ins (newest first):",
      "   Mon 7 Dec 2026, 12:00: open",
      "   Thu 3 Dec 2026 to Sun 6 Dec 2026: 4 in a row got no answer",
      "   Wed 2 Dec 2026, 12:00: partly kept",
      "   Tue 1 Dec 2026, 12:00: no answer",
      "   Mon 30 Nov 2026, 12:00: missed",
      "   Sun 29 Nov 2026, 12:00: kept ✓",
    ]);
    expect(text).toContain("you checked in: partly kept");
    expect(text).toContain("you checked in: missed");
  });

  it("says just started, with words, before three answers; an ended one is told whole", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/quiet off");
    await bot.say("sam", "/commit Call them back cadence: daily 12:00 until: 2026-12-01");
    expect(await bot.say("sam", "/history #1")).toContain("\nJust started.\n");
    await walkTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("sam", "/checkin kept");
    expect(await bot.say("sam", "/history #1")).toContain("\nJust started. Streak 1.\n");
    await walkTo(bot, at("2026-12-02T13:00:00Z"));
    const ended = await bot.say("sam", "/history #1");
    expect(ended).toContain("— every day at 12:00, completed\nKept 1 of 3; 2 got no answer.\n");
    expect(ended).toContain(": it came to its end");
  });

  it("tells changes and cancellations in words", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Give them space cadence: daily 20:00");
    await bot.click("jo", (await bot.send("sam", "/witness #1 @jo"))[0], "Accept");
    await bot.say("sam", "/edit #1 cadence: every 3 days 20:00");
    await bot.say("sam", "/cancel #1");
    await walkTo(bot, at("2026-11-30T12:00:00Z"));
    const text = await bot.say("sam", "/history #1");
    expect(text).toContain(
      "you asked to make it easier (every 3 days at 20:00), from Mon 30 Nov 2026, 11:00",
    );
    expect(text).toContain("you asked to cancel it, from Mon 30 Nov 2026, 11:00");
    expect(text).toContain("Mon 30 Nov 2026, 11:00: cancelled, as you asked a day earlier");
    // Its open check-in was set aside when it was cancelled: it counts for nothing.
    expect(text).toContain("— every day at 20:00, cancelled\nIt ended before any check-in.\n");

    await bot.say("sam", "/commit Journal cadence: daily 21:00");
    await bot.say("sam", "/cancel #2");
    expect(await bot.say("sam", "/history #2")).toContain(": you cancelled it");
  });
});

describe("history words", () => {
  it("names every state of a check-in plainly", () => {
    const ci = (
      state: "answered" | "missed" | "skipped" | "pending",
      answer = null as "kept" | "partly" | "missed" | null,
      verdict = null as "confirmed" | "disputed" | "unsure" | null,
    ) => ({ state, answer, verdict });
    expect(checkInWords(ci("missed"))).toBe("no answer");
    expect(checkInWords(ci("answered", "missed"))).toBe("missed");
    expect(checkInWords(ci("skipped"))).toBe("passed while I was down");
    expect(checkInWords(ci("pending"))).toBe("open");
    expect(checkInWords(ci("answered", "kept", "confirmed"))).toBe("kept ✓ (confirmed by your witness)");
    expect(checkInWords(ci("answered", "partly", "unsure"))).toBe("partly kept (your witness wasn't sure)");
  });

  it("tells how a commitment ended", () => {
    const e = (data: Record<string, unknown> | null, kind = "completed") => ({
      id: 1,
      commitmentId: 1,
      personId: null,
      actorId: null,
      actorName: null,
      kind,
      data,
      at: 0,
    });
    expect(historyPhrase(e({ reason: "end" }), "UTC")).toBe("it came to its end");
    expect(historyPhrase(e({ reason: "renegotiated" }), "UTC")).toBe("it ended, as you asked");
    expect(historyPhrase(e({ reason: "zone" }), "UTC")).toBe(
      "it ended: no check-in was left in your new time zone",
    );
    expect(historyPhrase(e(null), "UTC")).toBe("it came to its end");
    expect(historyPhrase(e({ answer: "kept" }, "answered"), "UTC")).toBe("you checked in: kept");
  });
});
