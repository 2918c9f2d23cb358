/**
 * Endings (issue 9, PRODUCT §4, VOICE.md): told honestly and privately to the owner, and the
 * witness hears, privately, that what they witnessed ended, with thanks and nothing to do.
 */
import { describe, expect, it } from "vitest";
import { PRIVATE_POINTER } from "../src/privacy";
import { sayEnding, tally } from "./support/endings";
import { at, type Bot, commitment, jumpTo, kind } from "./support/followup";
import { createBot, dm } from "./support/harness";

/** alice's #1 made with `line`, witnessed by bob; quiet hours off for both. */
async function witnessed(line: string): Promise<Bot> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/quiet off");
  await bot.say("bob", "/quiet off", dm("bob"));
  await bot.say("alice", line);
  await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
  await bot.deliver();
  return bot;
}

const ended = (bot: Bot) => bot.delivered.filter((d) => kind(d.purpose) === "ended");

describe("the witness hears that it ended", () => {
  it("at its end date: privately, with thanks and nothing to do; the group only a neutral pointer", async () => {
    const bot = await witnessed("/commit Walk cadence: daily 12:00 until: 2026-11-30");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await jumpTo(bot, at("2026-12-01T12:00:00Z"));
    expect((await commitment(bot)).state).toBe("completed");
    const told = ended(bot);
    expect(told.map((d) => [d.to.chatKind, d.to.personId, d.text])).toEqual([
      [
        "dm",
        "bob",
        "alice's #1 Walk has come to its end. Thank you for standing by them. There's nothing more for you to do.",
      ],
    ]);
    expect(told[0]?.to.fallbackReply).toEqual(PRIVATE_POINTER);
    // The owner's own ending went to alice alone, too.
    expect(bot.delivered.filter((d) => kind(d.purpose) === "completed").map((d) => d.to.personId)).toEqual([
      "alice",
    ]);
  });

  it("when an earlier end date, waited out for a day, has passed meanwhile", async () => {
    const bot = await witnessed("/commit Walk cadence: daily 12:00");
    await bot.say("alice", "/edit #1 until: 2026-11-29");
    expect((await commitment(bot)).pendingChange).toEqual({ until: "2026-11-29" });
    await jumpTo(bot, at("2026-11-30T11:30:00Z"));
    expect((await commitment(bot)).state).toBe("completed");
    expect(ended(bot).map((d) => [d.to.personId, d.text])).toEqual([
      [
        "bob",
        "alice's #1 Walk has come to its end. Thank you for standing by them. There's nothing more for you to do.",
      ],
    ]);
  });

  it("after a one-off's last answer: the confirmation it still asks for is named", async () => {
    const bot = await witnessed("/commit Tell her cadence: once 2026-11-29 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    const sent = await bot.deliver();
    expect(sent.map((d) => [kind(d.purpose), d.to.personId])).toEqual(
      expect.arrayContaining([
        ["verify", "bob"],
        ["ended", "bob"],
      ]),
    );
    expect(sent.find((d) => kind(d.purpose) === "ended")?.text).toBe(
      "alice's #1 Tell her has come to its end. Thank you for standing by them. Once you've answered about " +
        "its last check-in, there's nothing more for you to do.",
    );
  });

  it("after a cancellation has waited out its day", async () => {
    const bot = await witnessed("/commit Walk cadence: daily 12:00");
    await bot.say("alice", "/cancel #1");
    await bot.advance(25 * 3_600_000);
    expect((await commitment(bot)).state).toBe("cancelled");
    expect(ended(bot).map((d) => [d.to.chatKind, d.to.personId, d.text])).toEqual([
      [
        "dm",
        "bob",
        "alice's #1 Walk is cancelled, as they asked a day ago. Thank you for standing by them. " +
          "There's nothing more for you to do.",
      ],
    ]);
  });

  it("not when nobody witnesses it", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Tell her cadence: once 2026-11-29 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    expect((await commitment(bot)).state).toBe("completed");
    expect(ended(bot)).toEqual([]);
  });
});

describe("the owner's ending", () => {
  const daily = { number: 2, promise: "Walk", cadence: "daily 20:00" };

  it("reads as the issue asks: kept 5 of 7, jo confirmed 4", () => {
    expect(sayEnding(daily, tally({ counted: 7, kept: 5, unanswered: 1, confirmed: 4 }), "jo", "end")).toBe(
      "#2 Walk reached its end date: you kept 5 of 7, jo confirmed 4. Thank you for seeing it through.",
    );
  });

  it("does not thank when half went unanswered, and says so plainly", () => {
    const text = sayEnding(daily, tally({ counted: 4, kept: 2, unanswered: 2 }), null, "end");
    expect(text).toBe(
      "#2 Walk reached its end date: you kept 2 of 4. Half of its check-ins went unanswered. If you'd like " +
        "a look back, /history #2 has it; /commit starts a new one when you're ready.",
    );
    expect(text).not.toMatch(/Thank you/);
  });
});
