/**
 * The replies to /commit and /edit (issue 9): the schedule said once and in words, and only a
 * change that makes sense for it offered, as a computed example that works.
 */
import { describe, expect, it } from "vitest";
import { describeCadence, parseCadence } from "../src/cadence";
import { suggestedChange } from "../src/engine/schedule-words";
import { createBot } from "./support/harness";

describe("/commit says the schedule once", () => {
  it("a one-off: its day and time, and moving it to another day, never a daily cadence", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/timezone Europe/Berlin");
    // Step 1's default is one check-in in two days; the bot chose it, so a change is offered.
    const text = await bot.say("sam", "/commit Tell my partner the whole truth step: 1");
    expect(text).toBe(
      "Committed #1 Tell my partner the whole truth (step 1: Tell the truth): one check-in, on Tue 1 Dec at " +
        "20:00. You can move it to another day with /edit #1 cadence: once 2026-12-02 20:00.",
    );
    expect(text).not.toMatch(/daily|the first is|once on/);
    // The example works as it is.
    expect(await bot.say("sam", "/edit #1 cadence: once 2026-12-02 20:00")).toBe(
      "Updated #1 Tell my partner the whole truth: one check-in, on Wed 2 Dec at 20:00.",
    );
  });

  it("a one-off typed by the person: no suggestion, and today or tomorrow said as such", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/timezone Europe/Berlin");
    expect(await bot.say("sam", "/commit Call my sister cadence: once 2026-11-30 19:00")).toBe(
      "Committed #1 Call my sister: one check-in, tomorrow at 19:00.",
    );
  });

  it("a recurring one: from when, how often and until when, in one sentence", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/timezone Europe/Berlin");
    expect(
      await bot.say("sam", "/commit Give them space cadence: daily 20:00 step: 12 until: 2026-12-12"),
    ).toBe(
      "Committed #1 Give them space (step 12: Give them space): check-ins from today, every day at 20:00 " +
        "until Sat 12 Dec.",
    );
  });

  it("a graduated one in words, with another time offered when the bot chose it", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/timezone Europe/Berlin");
    expect(await bot.say("sam", "/commit Keep the conversation going step: 13")).toBe(
      "Committed #1 Keep the conversation going (step 13: Keep the change going): check-ins from today, " +
        "every day at 20:00 to begin with, then less often as it holds. You can change the time with " +
        "/edit #1 cadence: graduated 21:00.",
    );
  });

  it("without a time zone: the zone the times are in, and how to set one, in the same sentence", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const text = await bot.say("sam", "/commit Walk");
    expect(text).toBe(
      "Committed #1 Walk: check-ins from today, every day at 20:00 (times in UTC). You can change the time " +
        "with /edit #1 cadence: daily 21:00 and set your time zone with /timezone Europe/Berlin.",
    );
    // At most two sentences in the group.
    expect(text.split(/(?<=[.?])\s+(?=[A-Z])/)).toHaveLength(2);
  });

  it("suggests a change of the same kind, never the current schedule, and none for cron", () => {
    expect(suggestedChange("daily 20:00")).toEqual({ what: "time", cadence: "daily 21:00" });
    expect(suggestedChange("daily 23:30")).toEqual({ what: "time", cadence: "daily 22:30" });
    expect(suggestedChange("weekly sun,thu 18:30")).toEqual({
      what: "time",
      cadence: "weekly sun,thu 19:30",
    });
    expect(suggestedChange("once 2026-12-31 09:00")).toEqual({
      what: "day",
      cadence: "once 2027-01-01 09:00",
    });
    expect(suggestedChange("cron 0 20 * * 1-5")).toBeNull();
  });
});

describe("describeCadence, as /status and the replies show it", () => {
  const ok = (text: string) => {
    const r = parseCadence(text);
    if (!r.ok) throw new Error(r.error);
    return r.cadence;
  };
  it("reads a graduated cadence in words, not 'graduated (now daily)'", () => {
    expect(describeCadence(ok("graduated 18:00"))).toBe(
      "every day at 18:00 to begin with, then less often as it holds",
    );
    expect(describeCadence(ok("graduated 18:00"), 2)).not.toMatch(/graduated|now weekly/);
  });
});
