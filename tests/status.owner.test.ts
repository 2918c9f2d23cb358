/**
 * /status for the owner (issue 9, PRODUCT §4, §5): which commitments are private, who the
 * witness is or who was invited, a change waiting its 24 hours, what ended this past week and
 * how; consistency in words, never "trust", never a score out of 100, never a bare zero.
 */
import { describe, expect, it } from "vitest";
import { at, type Bot, DAY, H, jumpTo } from "./support/followup";
import { createBot, dm } from "./support/harness";

/** Moves the clock hour by hour to `ms` (a longer jump reads as the bot having been down). */
async function walkTo(bot: Bot, ms: number): Promise<void> {
  while (bot.clock.ms + H < ms) await jumpTo(bot, bot.clock.ms + H);
  await jumpTo(bot, ms);
}

/** A zero standing alone as a count, as the voice sweep reads it. */
const BARE_ZERO = /(?<![\d:.,/-])\b0\b(?![\d:.,/-])/;

describe("/status for the owner", () => {
  it("marks private commitments and names the witness or the open invitation", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Give them space cadence: daily 20:00");
    await bot.say("sam", "/commit Show the statements cadence: daily 21:00 private: yes", dm("sam"));
    const invitation = await bot.send("sam", "/witness #1 @jo");
    await bot.click("jo", invitation[0], "Accept");
    await bot.say("sam", "/witness #2 @kim");
    const text = await bot.say("sam", "/status");
    expect(text).toBe(
      [
        "Your commitments (times in UTC)",
        "#1 Give them space",
        "   every day at 20:00 · next check-in Sun 29 Nov 2026, 20:00",
        "   just started",
        "   witness: jo",
        "#2 Show the statements (private)",
        "   every day at 21:00 · next check-in Sun 29 Nov 2026, 21:00",
        "   just started",
        "   invited @kim to witness it, waiting for an answer",
      ].join("\n"),
    );
    bot.clock.advance(8 * DAY);
    expect(await bot.say("sam", "/status")).toContain(
      "   the invitation to @kim has expired; /witness #2 asks again",
    );
  });

  it("shows a change waiting its 24 hours: what and when", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Give them space cadence: daily 20:00");
    await bot.click("jo", (await bot.send("sam", "/witness #1 @jo"))[0], "Accept");
    await bot.say("sam", "/edit #1 cadence: every 3 days 20:00");
    expect(await bot.say("sam", "/status")).toContain(
      "   witness: jo · you asked to make it easier (every 3 days at 20:00); that takes effect Mon 30 Nov 2026, 11:00",
    );
    await bot.say("sam", "/cancel #1");
    expect(await bot.say("sam", "/status")).toContain(
      "   witness: jo · you asked to cancel it; that takes effect Mon 30 Nov 2026, 11:00",
    );
  });

  it("right after a one-off was kept and confirmed, says how it ended rather than 'no open commitments'", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Tell them the whole truth cadence: once 2026-12-01 19:00");
    await bot.click("jo", (await bot.send("sam", "/witness #1 @jo"))[0], "Accept");
    await jumpTo(bot, at("2026-12-01T19:00:00Z"));
    await bot.say("sam", "/checkin kept");
    const ask = (await bot.deliver()).find((m) => m.purpose.startsWith("verify"));
    await bot.click("jo", ask?.message, "Confirm", dm("jo"));
    const text = await bot.say("sam", "/status");
    expect(text).not.toMatch(/no open commitments/);
    expect(text).toBe(
      [
        "Ended in the last 7 days",
        "#1 Tell them the whole truth — ended Tue 1 Dec: kept it, confirmed by jo",
        "/commit starts a new one when you're ready.",
      ].join("\n"),
    );
    // A week on it is no longer news.
    bot.clock.advance(8 * DAY);
    expect(await bot.say("sam", "/status")).toMatch(
      /^You have no open commitments \(1 finished or cancelled/,
    );
  });

  it("says how recently ended ones went, and points to older ones", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/quiet off");
    await bot.say("sam", "/commit Old one cadence: daily 20:00");
    await bot.say("sam", "/cancel #1");
    bot.clock.advance(8 * DAY);
    await bot.say("sam", "/commit Give them space cadence: daily 20:00 until: 2026-12-09");
    await bot.say("sam", "/commit Journal cadence: daily 21:00");
    await bot.say("sam", "/commit Walk cadence: daily 22:00");
    await bot.say("sam", "/cancel #4");
    await walkTo(bot, at("2026-12-10T21:00:00Z"));
    const text = await bot.say("sam", "/status");
    expect(text).toContain("Ended in the last 7 days\n");
    expect(text).toContain("#2 Give them space — ended Thu 10 Dec: all 3 got no answer");
    expect(text).toContain("#4 Walk — cancelled Mon 7 Dec");
    expect(text).toContain("#1 ended earlier; /history #1 shows how it went.");
  });

  it("never says trust, a score out of 100 or a bare zero, and unanswered is not 'missed'", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/quiet off");
    await bot.say("sam", "/commit Give them space cadence: daily 12:00");
    const day = (n: number) => at("2026-11-29T12:00:00Z") + n * DAY;
    const seen: string[] = [];
    for (const [n, answer] of [
      "kept",
      "missed",
      null,
      null,
      "kept",
      null,
      null,
      null,
      null,
      null,
    ].entries()) {
      await walkTo(bot, day(n));
      if (answer) await bot.say("sam", `/checkin ${answer}`);
      seen.push(await bot.say("sam", "/status"), await bot.say("sam", "/history #1"));
    }
    for (const text of seen) {
      expect(text).not.toMatch(/trust|\/\s*100/i);
      expect(text).not.toMatch(BARE_ZERO);
    }
    expect(seen[0]).toMatch(/ {3}last kept ✓ \(Sun 29 Nov\) · streak 1 · just started$/);
    expect(seen[2]).toMatch(/ {3}last missed \(Mon 30 Nov\) · just started$/);
    // Below three answers, yet three check-ins closed: "just started", with what happened.
    expect(seen[6]).toMatch(/\n {3}just started: kept 1 of 3; missed 1; 1 got no answer$/);
    expect(seen[7]).toContain("Sun 29 Nov 2026, 12:00: kept ✓\n");
    expect(seen[7]).toContain("Mon 30 Nov 2026, 12:00: missed\n");
    expect(seen[7]).toContain("Tue 1 Dec 2026, 12:00: no answer\n");
    const last = await bot.say("sam", "/status");
    expect(last).toMatch(/\n {3}consistency \d+: kept 1 of the last 5; 4 got no answer$/);
  });
});
