/**
 * Few messages (PRODUCT §4): one person's check-ins due within ten minutes in one chat arrive as
 * one message, what quiet hours held back arrives as one message per person per chat, and a
 * window gets one reminder of the bot's own.
 */

import { describe, expect, it } from "vitest";
import { purposesOf } from "../src/dispatch/bundle";
import { TOGETHER_MS } from "../src/engine/lifecycle";
import { at, checkInsOf, iso, kind, MIN } from "./support/followup";
import { dm } from "./support/harness";
import { messageFor } from "./support/inspect";
import { rhythmBot, sentences } from "./support/rhythm";

const parts = (purpose: string) => purposesOf(purpose).map(kind);

describe("check-ins due within ten minutes in one chat", () => {
  it("open together and arrive as one message, each keeping its own due time", async () => {
    const bot = rhythmBot("2026-11-29T11:00:00Z");
    await bot.sayAndDrain("sam", "/commit Give them space cadence: daily 20:00 step: 12");
    await bot.sayAndDrain("sam", "/commit Keep talking about money cadence: daily 20:05");
    await bot.sayAndDrain("sam", "/commit Show the statements cadence: daily 20:03 private");
    await bot.sayAndDrain("sam", "/commit Call my sister cadence: daily 20:15");
    await bot.sayAndDrain("kim", "/commit Walk cadence: daily 20:05");
    expect(TOGETHER_MS).toBe(10 * MIN);

    const evening = await bot.run(at("2026-11-29T20:20:00Z"), MIN);
    expect(evening.map((d) => [iso(d.at), d.reader, parts(d.purpose).length, d.text.split("\n")[0]])).toEqual(
      [
        ["2026-11-29T20:00:00.000Z", "group", 2, "@sam, time to check in on these. How did they go?"],
        ["2026-11-29T20:03:00.000Z", "sam", 1, "Time to check in on #3 Show the statements. How did it go?"],
        ["2026-11-29T20:05:00.000Z", "group", 1, "@kim, time to check in on #1 Walk. How did it go?"],
        [
          "2026-11-29T20:15:00.000Z",
          "group",
          1,
          "@sam, time to check in on #4 Call my sister. How did it go?",
        ],
      ],
    );
    const together = evening[0];
    expect(together?.text).toBe(
      "@sam, time to check in on these. How did they go?\n#1 Give them space\n#2 Keep talking about money",
    );
    expect(together?.labels).toEqual([
      "#1 Kept",
      "#1 Partly",
      "#1 Missed",
      "#1 Snooze 1h",
      "#2 Kept",
      "#2 Partly",
      "#2 Missed",
      "#2 Snooze 1h",
    ]);
    // #2's check-in keeps its own time and window; only its prompt went early, with #1's.
    const [second] = await checkInsOf(bot, 2);
    expect([iso(second?.dueAt ?? 0), iso(second?.windowEnd ?? 0)]).toEqual([
      "2026-11-29T20:05:00.000Z",
      "2026-11-30T20:05:00.000Z",
    ]);
    const row = await messageFor(bot, `prompt:${second?.id}`);
    expect(row?.notBefore).toBe(at("2026-11-29T20:00:00Z"));

    // Each row's buttons answer its own check-in.
    await bot.click("sam", together?.message, "#2 Kept");
    expect((await checkInsOf(bot, 2))[0]?.state).toBe("answered");
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");

    // Their reminders go together too (#2's, answered, is cancelled; here only #1's is left).
    const morning = await bot.run(at("2026-11-30T09:00:00Z"), 5 * MIN);
    const samInGroup = morning.filter((d) => d.reader === "group" && d.text.startsWith("@sam"));
    expect(samInGroup.map((d) => [iso(d.at), d.reader, d.text])).toEqual([
      [
        "2026-11-30T08:00:00.000Z",
        "group",
        "@sam, your check-in on #1 Give them space is waiting for an answer until 20:00 today.",
      ],
      [
        "2026-11-30T08:15:00.000Z",
        "group",
        "@sam, your check-in on #4 Call my sister is waiting for an answer until 20:15 today.",
      ],
    ]);
  });

  it("share one reminder message when both are still open", async () => {
    const bot = rhythmBot("2026-11-29T11:00:00Z");
    await bot.sayAndDrain("sam", "/commit Give them space cadence: daily 20:00");
    await bot.sayAndDrain("sam", "/commit Keep talking about money cadence: daily 20:05");
    await bot.run(at("2026-11-29T20:10:00Z"), 5 * MIN);
    const morning = await bot.run(at("2026-11-30T09:00:00Z"), 5 * MIN);
    expect(morning.map((d) => [iso(d.at), d.reader, d.text])).toEqual([
      [
        "2026-11-30T08:00:00.000Z",
        "group",
        "@sam, these check-ins are waiting for an answer.\n" +
          "#1 Give them space, until 20:00 today\n#2 Keep talking about money, until 20:05 today",
      ],
    ]);
    expect(parts(morning[0]?.purpose ?? "")).toEqual(["remind", "remind"]);
  });
});

describe("what quiet hours held back", () => {
  it("arrives as one message per person per chat", async () => {
    const bot = rhythmBot("2026-11-29T11:00:00Z");
    await bot.sayAndDrain("sam", "/commit Give them space cadence: daily 23:00");
    await bot.sayAndDrain("sam", "/commit Keep talking about money cadence: daily 06:30");
    await bot.sayAndDrain("sam", "/commit Write in my journal cadence: daily 07:00 private");
    await bot.sayAndDrain("sam", "/commit Read a chapter cadence: daily 05:00", dm("sam"));
    await bot.sayAndDrain("jo", "/commit Call home cadence: daily 23:30");
    const night = await bot.run(at("2026-11-30T08:30:00Z"), 5 * MIN);
    expect(night.map((d) => [iso(d.at), d.reader, parts(d.purpose).length])).toEqual([
      ["2026-11-30T08:00:00.000Z", "group", 2],
      ["2026-11-30T08:00:00.000Z", "sam", 2],
      ["2026-11-30T08:00:00.000Z", "group", 1],
    ]);
    expect(night[0]?.text.split("\n")).toEqual([
      "@sam, time to check in on these. How did they go?",
      "#1 Give them space",
      "#2 Keep talking about money",
    ]);
    // In sam's own chat: no mention, and each line asks its question, the first due first.
    expect(night[1]?.text.split("\n")).toEqual([
      "Time to check in on these.",
      "#4 Read a chapter — How did it go?",
      "#3 Write in my journal — How did it go?",
    ]);
    expect(night[2]?.text).toBe("@jo, time to check in on #1 Call home. How did it go?");
    // A combined group message still says at most two sentences before its list.
    expect(sentences(night[0]?.text.split("\n")[0] ?? "")).toHaveLength(2);
  });
});

describe("reminders", () => {
  it("a window gets one reminder of the bot's own, however long it stays open", async () => {
    const bot = rhythmBot("2026-11-29T11:00:00Z");
    await bot.sayAndDrain("sam", "/quiet off");
    await bot.sayAndDrain("sam", "/commit Walk cadence: daily 12:00");
    const days = await bot.run(at("2026-11-30T11:59:00Z"), 5 * MIN);
    expect(days.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([
      ["2026-11-29T12:00:00.000Z", "prompt"],
      ["2026-11-30T00:00:00.000Z", "remind"],
    ]);
  });

  it("a snooze moves the one reminder; asked for after it went out, it brings one more, at that time", async () => {
    const bot = rhythmBot("2026-11-29T11:00:00Z");
    await bot.sayAndDrain("sam", "/quiet off");
    await bot.sayAndDrain("sam", "/commit Walk cadence: daily 12:00");
    await bot.run(at("2026-11-29T13:00:00Z"), 5 * MIN);
    expect(await bot.sayAndDrain("sam", "/snooze 60")).toBe("I'll remind you about #1 at 14:00.");
    const moved = await bot.run(at("2026-11-29T15:00:00Z"), 5 * MIN);
    expect(moved.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([["2026-11-29T14:00:00.000Z", "remind"]]);
    await bot.click("sam", moved[0]?.message, "Snooze 1h");
    const more = await bot.run(at("2026-11-30T11:59:00Z"), 5 * MIN);
    // Halfway (midnight) is gone: the snooze replaced it.
    expect(more.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([["2026-11-29T16:00:00.000Z", "remind"]]);
  });
});
