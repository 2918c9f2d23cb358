/**
 * The replies to an answer (issue 9, PRODUCT §4, VOICE.md): "you" in one's own chat, the
 * group hears only "✓ sam checked in", a note is acknowledged, a miss is plain and
 * forward-looking with the step-13 question, and a snooze says when quiet hours moved it.
 */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../src/commands/table";
import { STEP_13_QUESTION } from "../src/steps";
import type { Reply } from "../src/types";
import { at, type Bot, jumpTo } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";

const shown = (replies: Reply[]) => replies.map((r) => [r.visibility, plain([r])]);
/** The newest prompt delivered to the group. */
const groupPrompt = (bot: Bot) => bot.delivered.filter((d) => d.to.chatKind === "group").at(-1)?.message;

/** sam's group #1 "Call my sister" (witnessed by jo) and private #2 "Journal", both due at 12:00. */
async function sam(): Promise<Bot> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("sam", "/quiet off");
  await bot.say("jo", "/quiet off", dm("jo"));
  await bot.say("sam", "/commit Call my sister cadence: daily 12:00");
  await bot.say("sam", "/commit Journal cadence: daily 12:00 private");
  await bot.click("jo", (await bot.send("sam", "/witness #1 @jo"))[0], "Accept");
  await bot.deliver();
  await jumpTo(bot, at("2026-11-29T12:00:00Z"));
  return bot;
}

describe("a kept answer", () => {
  it("in the group: the group reads only '✓ sam checked in on #1 …', no streak, no witness", async () => {
    const bot = await sam();
    const kept = await bot.click("sam", groupPrompt(bot), "Kept");
    expect(shown(kept)).toEqual([["chat", "✓ sam checked in on #1 Call my sister."]]);
  });

  it("in sam's own chat: 'You checked in', the witness named, the streak in words", async () => {
    const bot = await sam();
    const kept = await bot.send("sam", "/checkin #1 kept", dm("sam"));
    expect(shown(kept)).toEqual([
      ["sender-only", "✓ You checked in on #1 Call my sister. jo will be asked to confirm it."],
    ]);
    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    expect(await bot.say("sam", "/checkin #1 kept", dm("sam"))).toBe(
      "✓ You checked in on #1 Call my sister. That's 2 in a row. jo will be asked to confirm it.",
    );
  });

  it("of a private commitment, clicked in the direct chat, speaks to sam, not about sam", async () => {
    const bot = await sam();
    const prompt = bot.delivered.find((d) => d.to.chatKind === "dm" && d.text.includes("Journal"));
    const kept = await bot.click("sam", prompt?.message, "Kept", dm("sam"));
    expect(plain(kept)).toBe("✓ You checked in on #2 Journal.");
    expect(plain(kept)).not.toMatch(/\bsam\b/);
  });

  it("with a note given in the group: acknowledged to sam alone, never in the group", async () => {
    const bot = await sam();
    const kept = await bot.send("sam", "/checkin #1 kept note: we talked for an hour");
    expect(shown(kept)).toEqual([
      ["chat", "✓ sam checked in on #1 Call my sister."],
      ["sender-only", "Your note is saved with your check-in on #1. jo will be asked to confirm it."],
    ]);
  });

  it("typed in another group is not posted there", async () => {
    const bot = await sam();
    const elsewhere = { ...GROUP, id: "other" };
    const kept = await bot.send("sam", "/checkin #1 kept", elsewhere);
    expect(kept.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect(plain(kept)).toMatch(/^✓ You checked in on #1/);
  });
});

describe("a partly or missed answer", () => {
  it("partly with a note: the note is acknowledged and the witness named", async () => {
    const bot = await sam();
    expect(await bot.say("sam", "/checkin #1 partly note: called, but short")).toBe(
      "Noted as partly kept for #1 Call my sister. Part of it counts. What would help with the rest? " +
        "Your note is saved with it. jo will be asked to confirm it.",
    );
  });

  it("a bare Missed click: plain and forward-looking, no 'said so honestly'", async () => {
    const bot = await sam();
    const missed = await bot.click("sam", groupPrompt(bot), "Missed");
    expect(shown(missed)).toEqual([
      [
        "sender-only",
        `Noted as missed for #1 Call my sister. The next check-in is Mon 30 Nov 2026, 12:00. ${STEP_13_QUESTION}`,
      ],
    ]);
    expect(plain(missed)).not.toMatch(/honestly/);
  });

  it("a miss with a note: the note is acknowledged too", async () => {
    const bot = await sam();
    expect(await bot.say("sam", "/checkin #2 missed note: overslept", dm("sam"))).toBe(
      `Noted as missed for #2 Journal. Your note is saved with it. The next check-in is Mon 30 Nov 2026, 12:00. ${STEP_13_QUESTION}`,
    );
  });
});

describe("a note added later", () => {
  it("is acknowledged with the check-in it belongs to", async () => {
    const bot = await sam();
    const [kept] = await bot.send("sam", "/checkin #2 kept", dm("sam"));
    const action = kept?.buttons?.flat().find((b) => b.label === "Add a note")?.action ?? "";
    const note = (text: string) =>
      bot.engine.handle({ type: "click", action, chat: dm("sam"), from: actor("sam"), text });
    expect(plain(await note("wrote two pages"))).toBe(
      "Your note is saved with today's check-in on #2: wrote two pages",
    );
    bot.clock.ms = at("2026-11-30T09:00:00Z");
    expect(plain(await note("and read them back"))).toBe(
      "Your note is saved with yesterday's check-in on #2: and read them back",
    );
  });

  it("says '1 more character', not '1 more characters'", async () => {
    const bot = await sam();
    const [kept] = await bot.send("sam", `/checkin #2 kept ${"a".repeat(LIMITS.note)}`, dm("sam"));
    const action = kept?.buttons?.flat().find((b) => b.label === "Add a note")?.action ?? "";
    const note = (text: string) =>
      bot.engine.handle({ type: "click", action, chat: dm("sam"), from: actor("sam"), text });
    // Each later note takes its line's "\nSun 29 Nov 2026, 12:00: " (25 characters) too.
    await note("b".repeat(LIMITS.note - 51));
    expect(plain(await note("cc"))).toBe(
      "This check-in has room for 1 more character of notes; please shorten this one.",
    );
  });
});

describe("/snooze", () => {
  it("says when quiet hours moved the reminder", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Call my sister cadence: daily 21:30");
    await jumpTo(bot, at("2026-11-29T21:30:00Z"));
    bot.clock.ms = at("2026-11-29T21:45:00Z");
    expect(await bot.say("sam", "/snooze 30")).toBe(
      "That's in your quiet hours, so I'll remind you about #1 at 08:00.",
    );
    expect(await bot.say("sam", "/snooze 10")).toBe("I'll remind you about #1 at 21:55.");
  });

  it("says so when quiet hours last past the check-in's close", async () => {
    const bot = createBot("2026-11-29T06:00:00Z");
    await bot.say("sam", "/commit Call my sister cadence: daily 07:00");
    await jumpTo(bot, at("2026-11-29T07:00:00Z"));
    bot.clock.ms = at("2026-11-29T21:50:00Z");
    expect(await bot.say("sam", "/snooze 30")).toBe(
      "That's in your quiet hours, and this check-in closes at 07:00, before they end, so no more " +
        "reminders for it. You can still answer until then.",
    );
  });
});
