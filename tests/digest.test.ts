/**
 * The witness's Sunday digest (issue 9, PRODUCT §5): a week with nothing due is not a week of
 * silence; counts are words without bare zeros; it says what, if anything, the witness might
 * do; and it stays in the witness's direct chat.
 */
import { describe, expect, it } from "vitest";
import { nextStep, weekWords } from "../src/engine/digest";
import { noOutcomes, type OutcomeCounts } from "../src/engine/stats";
import { at, type Bot, H, jumpTo } from "./support/followup";
import { createBot, dm } from "./support/harness";

/** Moves the clock hour by hour to `ms` (a longer jump reads as the bot having been down). */
async function walkTo(bot: Bot, ms: number): Promise<void> {
  while (bot.clock.ms + H < ms) await jumpTo(bot, bot.clock.ms + H);
  await jumpTo(bot, ms);
}

const BARE_ZERO = /(?<![\d:.,/-])\b0\b(?![\d:.,/-])/;
const SUNDAY = at("2026-12-06T19:00:00Z");

async function witnessedBy(bot: Bot, witness: string, ...numbers: number[]) {
  for (const n of numbers)
    await bot.click(witness, (await bot.send("sam", `/witness #${n} @${witness}`))[0], "Accept");
}

describe("the witness's digest", () => {
  it("tells none due from none answered, in words, and what jo might do", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Give them space cadence: daily 20:00");
    await bot.say("sam", "/commit Tell them the truth cadence: once 2026-12-20 18:00");
    await bot.say("sam", "/commit Show the statements cadence: daily 09:00 private: yes", dm("sam"));
    await witnessedBy(bot, "jo", 1, 2, 3);
    await walkTo(bot, at("2026-12-03T09:30:00Z"));
    await bot.say("sam", "/checkin #3 kept");
    await walkTo(bot, SUNDAY);
    const digests = bot.delivered.filter((d) => d.purpose.startsWith("digest"));
    expect(digests).toHaveLength(1);
    const digest = digests[0];
    // Private: jo's direct chat, with no group to fall back to.
    expect(digest?.to).toMatchObject({ chatKind: "dm", personId: "jo" });
    expect(digest?.to.fallbackChatId).toBeUndefined();
    const lines = digest?.text.split("\n") ?? [];
    expect(lines[0]).toBe("Your week as a witness");
    expect(lines[1]).toMatch(/^sam's #1 Give them space: all \d this week got no answer\.$/);
    expect(lines[2]).toBe("sam's #2 Tell them the truth: no check-in was due this week.");
    expect(lines[3]).toMatch(/^sam's #3 Show the statements: kept 1 of \d; \d got no answer\.$/);
    expect(lines[4]).toBe(
      "One kept or partly answer this week still waits for your word, if you know how it went. " +
        "Where check-ins went unanswered, a kind word may help more than a reminder. Thank you for being there.",
    );
    expect(digest?.text).not.toMatch(BARE_ZERO);
    expect(digest?.text).not.toMatch(/no check-ins this week|\d+ kept, \d+ partly|trust/);
    expect(digest?.message.buttons?.map((row) => row.map((b) => b.label))).toEqual([
      ["Step down from sam #1"],
      ["Step down from sam #2"],
      ["Step down from sam #3"],
    ]);
  });

  it("asks nothing of the witness in a week that went well", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Call them back cadence: weekly fri 18:00");
    await witnessedBy(bot, "jo", 1);
    await walkTo(bot, at("2026-12-04T18:30:00Z"));
    await bot.say("sam", "/checkin kept");
    const ask = (await bot.deliver()).find((m) => m.purpose.startsWith("verify"));
    await bot.click("jo", ask?.message, "Confirm", dm("jo"));
    await walkTo(bot, SUNDAY);
    const digest = bot.delivered.find((d) => d.purpose.startsWith("digest"));
    expect(digest?.text).toBe(
      [
        "Your week as a witness",
        "sam's #1 Call them back: kept this week's check-in, confirmed by you.",
        "Nothing is needed from you this week. Thank you for being there.",
      ].join("\n"),
    );
  });
});

describe("weekWords and nextStep", () => {
  const none: OutcomeCounts = noOutcomes();
  it("says why there is nothing to count", () => {
    expect(weekWords({ state: "active" }, { resolved: [], open: 0 }, none)).toBe(
      "no check-in was due this week",
    );
    expect(weekWords({ state: "paused" }, { resolved: [], open: 0 }, none)).toBe(
      "paused; no check-in was due this week",
    );
    expect(weekWords({ state: "active" }, { resolved: [], open: 1 }, none)).toBe(
      "its check-in is still open",
    );
    expect(
      weekWords({ state: "active" }, { resolved: [], open: 0 }, { ...none, total: 2, unanswered: 2 }),
    ).toBe("both this week got no answer");
  });

  it("gets the plural of what waits for the witness right", () => {
    expect(nextStep(false, 2)).toBe(
      "2 kept or partly answers this week still wait for your word, if you know how they went. Thank you for being there.",
    );
    expect(nextStep(false, 0)).toBe("Nothing is needed from you this week. Thank you for being there.");
  });
});
