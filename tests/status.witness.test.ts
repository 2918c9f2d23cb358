/**
 * The witness's place in /status (issue 9, PRODUCT §5): someone who witnesses others'
 * commitments sees whose and which, how each is going in words, and a Step down button each,
 * in a reply only they see; `/help` speaks to them, and `/help witness` explains the role.
 */
import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { at, type Bot, DAY, jumpTo } from "./support/followup";
import { createBot, dm, plain } from "./support/harness";

/** sam has a group commitment and a private one, both witnessed by jo. */
async function samAndJo(): Promise<Bot> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("sam", "/quiet off");
  await bot.say("sam", "/commit Give them space cadence: daily 20:00");
  await bot.say("sam", "/commit Show the statements cadence: daily 21:00 private: yes", dm("sam"));
  for (const n of [1, 2]) {
    const invitation = await bot.send("sam", `/witness #${n} @jo`);
    await bot.click("jo", invitation[0], "Accept");
  }
  await bot.deliver();
  return bot;
}

describe("/status for a witness", () => {
  it("shows jo the witness part, not an invitation to start a commitment", async () => {
    const bot = await samAndJo();
    const replies = await bot.send("jo", "/status");
    expect(replies.map((r) => r.visibility)).toEqual(["sender-only"]);
    const text = plain(replies);
    expect(text).not.toMatch(/no open commitments|Start one/);
    expect(text).toBe(
      [
        "You witness",
        "sam's #1 Give them space — just started",
        // Shown because jo was told it privately and this reply is jo's alone.
        "sam's #2 Show the statements (private) — just started",
        "If you'd rather stop, you can step down from any of them with the buttons below; sam will be told.",
      ].join("\n"),
    );
    expect(replies[0]?.buttons?.map((row) => row.map((b) => b.label))).toEqual([
      ["Step down from sam #1"],
      ["Step down from sam #2"],
    ]);
  });

  it("tells jo how it is going in words, without the figure", async () => {
    const bot = await samAndJo();
    for (let d = 0; d < 4; d++) {
      await jumpTo(bot, at("2026-11-29T20:00:00Z") + d * DAY);
      if (d < 3) await bot.say("sam", "/checkin #1 kept");
      const ask = (await bot.deliver()).find((m) => m.purpose.startsWith("verify"));
      if (ask && d < 2) await bot.click("jo", ask.message, "Confirm", dm("jo"));
    }
    const text = await bot.say("jo", "/status");
    expect(text).toContain("sam's #1 Give them space — kept all 3, 2 confirmed by you");
    expect(text).not.toMatch(/consistency|trust|\/100/);
  });

  it("lets jo step down from /status, and sam is told", async () => {
    const bot = await samAndJo();
    const status = await bot.send("jo", "/status");
    expect(plain(await bot.click("kim", status[0], "Step down from sam #2"))).toBe(NOT_FOR_YOU);
    expect(plain(await bot.click("sam", status[0], "Step down from sam #2"))).toBe(NOT_FOR_YOU);
    const done = await bot.click("jo", status[0], "Step down from sam #2");
    // (The words of these two are witness.ts's; this test is about reaching them from /status.)
    expect(plain(done)).toMatch(/^You've stepped down as witness of sam's #2 Show the statements\./);
    const told = await bot.deliver();
    expect(told.map((m) => m.to.personId)).toEqual(["sam"]);
    expect(told[0]?.text).toContain("jo stepped down as witness of #2");
    const after = await bot.send("jo", "/status");
    expect(plain(after)).toContain("you can step down with the button below; sam will be told.");
    expect(after[0]?.buttons?.flat().map((b) => b.label)).toEqual(["Step down from sam #1"]);
    // The button is spent: a second press of the same one is refused.
    expect(plain(await bot.click("jo", status[0], "Step down from sam #2"))).toBe(NOT_FOR_YOU);
  });

  it("shows both parts to someone who owns commitments and witnesses others", async () => {
    const bot = await samAndJo();
    await bot.say("jo", "/commit Write in my journal cadence: daily 21:00");
    const text = await bot.say("jo", "/status");
    expect(text).toMatch(/^Your commitments \(times in UTC\)\n#1 Write in my journal\n/);
    expect(text).toContain("\nYou witness\nsam's #1 Give them space — just started");
  });
});

describe("/help for a witness", () => {
  it("adds a part on the role when the person witnesses something", async () => {
    const bot = await samAndJo();
    const jo = await bot.say("jo", "/help");
    expect(jo).toContain(
      "You witness 2 commitments. After a kept or partly check-in I'll ask you whether it matches what you've seen",
    );
    expect(jo).toContain("/status shows what you witness, with a Step down button for each");
    expect(await bot.say("kim", "/help")).not.toContain("You witness");
  });

  it("explains the role to anyone with /help witness, naming nobody", async () => {
    const bot = await samAndJo();
    const kim = await bot.say("kim", "/help witness");
    expect(kim).toMatch(
      /^Being a witness\nA witness is a friend the person asked to stand by one commitment/,
    );
    expect(kim).toContain("Confirm, Dispute or Not sure");
    expect(kim).toContain("A witness can step down any time from /status; the person is told.");
    expect(kim).toContain("/witness #1 @their_name");
    expect(kim).not.toMatch(/\b(sam|jo|Sam|Robin)\b/);
    expect(await bot.say("jo", "/help witness")).toContain("You witness 2 commitments now.");
    // Other topics still explain their command.
    expect(await bot.say("kim", "/help unwitness")).toContain("/unwitness — ");
  });
});
