/**
 * The step-11 turn (PRODUCT.md §2, VOICE.md "The other person's choice is final"): from
 * `/step 11` the owner records that the person they hurt said no; the plan turns to their own
 * growth, the contact steps show as "not now", commitments tagged with them are offered to be
 * ended, and nothing the bot says to the owner afterwards suggests contact. Undo puts it back.
 */
import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { CONTACT_STEPS, STEPS } from "../src/steps";
import type { Reply } from "../src/types";
import { contactPhrases } from "./support/contact";
import { at, type Bot, commitment, DAY, H, jumpTo, kind } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";
import { eventsOf, outboxOf, personOf } from "./support/inspect";

const START = "2026-11-29T11:00:00Z";

async function sam(bot: Bot) {
  const p = await personOf(bot, "sam");
  if (!p) throw new Error("no sam");
  return p;
}

/** Presses "They said no" on sam's /step 11. */
async function turn(bot: Bot): Promise<Reply[]> {
  const [shown] = await bot.send("sam", "/step 11");
  return bot.click("sam", shown, "They said no");
}

/** The contact phrases in `text`, with the text, for a readable failure. */
function contact(how: string, text: string): string[] {
  return contactPhrases(text).map((p) => `${how}: "${p}" in ${JSON.stringify(text)}`);
}

describe("recording that they said no", () => {
  it("/step 11 offers the button; pressing it turns the plan, privately, and keeps it in the history", async () => {
    const bot = createBot(START);
    await bot.say("sam", "/commit Practice for step 3 cadence: daily 12:00 step: 3");
    await bot.say("sam", "/commit Practice for step 5 cadence: daily 12:00 step: 5");
    const [shown] = await bot.send("sam", "/step 11");
    expect(shown?.visibility).toBe("sender-only");
    expect(shown?.buttons?.flat().map((b) => b.label)).toEqual(["They said no"]);
    expect(plain([shown as Reply])).toContain("you can undo it");

    const done = await bot.click("sam", shown, "They said no");
    expect(done.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect(plain(done)).toContain("Recorded. Their answer stands, and your plan turns to your own growth");
    expect(plain(done)).toContain("suggests steps 5, 9, 12 and 13, and steps 3, 7, 8 and 10 show as not now");
    expect(done[0]?.settles).toBeDefined();
    // One End button for the active commitment tagged with a contact step, then Undo.
    expect(done[0]?.buttons?.map((row) => row.map((b) => b.label))).toEqual([["End #1"], ["Undo"]]);
    expect((await sam(bot)).planTurnedAt).toBe(bot.clock.ms);
    const history = await eventsOf(bot, { personId: (await sam(bot)).id, kind: "plan-turned" });
    expect(history).toHaveLength(1);
    // Nobody else hears of it: nothing is queued, for the group or anyone.
    expect(await outboxOf(bot)).toEqual([]);
  });

  it("is refused for anyone else, and once recorded, the same button does nothing", async () => {
    const bot = createBot(START);
    const [shown] = await bot.send("sam", "/step 11");
    const byJo = await bot.click("jo", shown, "They said no");
    expect(plain(byJo)).toBe(NOT_FOR_YOU);
    expect(byJo[0]?.refusal).toBe(true);
    expect((await sam(bot)).planTurnedAt).toBeNull();
    // A forged action naming sam, sent by jo, changes nothing either.
    const forged = await bot.engine.handle({
      type: "click",
      action: `turn:${(await sam(bot)).id}`,
      chat: GROUP,
      from: actor("jo"),
    });
    expect(plain(forged)).toBe(NOT_FOR_YOU);
    expect((await sam(bot)).planTurnedAt).toBeNull();

    await bot.click("sam", shown, "They said no");
    const turnedAt = (await sam(bot)).planTurnedAt;
    bot.clock.advance(H);
    expect(plain(await bot.click("sam", shown, "They said no"))).toBe(NOT_FOR_YOU);
    expect((await sam(bot)).planTurnedAt).toBe(turnedAt);
  });

  it("Undo puts the plan back as it was, and only the Undo of the current turn works", async () => {
    const bot = createBot(START);
    const before = await bot.say("sam", "/plan");
    const done = await turn(bot);
    expect(await bot.say("sam", "/plan")).not.toBe(before);
    expect(plain(await bot.click("jo", done[0], "Undo"))).toBe(NOT_FOR_YOU);
    expect((await sam(bot)).planTurnedAt).not.toBeNull();

    const undone = await bot.click("sam", done[0], "Undo");
    expect(plain(undone)).toContain("Undone. Your plan is as it was before");
    expect(undone[0]?.settles).toBeDefined();
    expect((await sam(bot)).planTurnedAt).toBeNull();
    expect(await bot.say("sam", "/plan")).toBe(before);
    expect(await bot.say("sam", "/step 3")).toContain("Step 3: Meet face to face");
    expect(await bot.say("sam", "/commit Ask whether we can meet cadence: daily 12:00 step: 3")).toContain(
      "Committed #1",
    );
    const kinds = await eventsOf(bot, { personId: (await sam(bot)).id });
    expect(kinds.map((e) => e.kind)).toEqual(["plan-turned", "plan-turn-undone"]);

    // An Undo left over from an earlier turn does not undo a later one.
    bot.clock.advance(H);
    await turn(bot);
    expect(plain(await bot.click("sam", done[0], "Undo"))).toBe(NOT_FOR_YOU);
    expect((await sam(bot)).planTurnedAt).toBe(bot.clock.ms);
    // /step 11 afterwards offers Undo too, with the date it was recorded.
    const [again] = await bot.send("sam", "/step 11");
    expect(plain([again as Reply])).toContain("You recorded on Sun 29 Nov 2026 that they said no.");
    await bot.click("sam", again, "Undo");
    expect((await sam(bot)).planTurnedAt).toBeNull();
  });
});

describe("after the turn", () => {
  it("/plan marks the contact steps not now and suggests a growth step", async () => {
    const bot = createBot(START);
    expect(await bot.say("sam", "/plan")).toContain("Next: step 1, Tell the truth.");
    await turn(bot);
    const shown = await bot.say("sam", "/plan");
    for (const n of CONTACT_STEPS) expect(shown).toMatch(new RegExp(`· +${n}\\. not now\\n`));
    expect(shown).toContain("● 11. Accept their answer (done)");
    expect(shown).toContain("Since their answer at step 11, your plan turns to your own growth.");
    expect(shown).toContain("Next: step 5, Look inward. /step 5 tells more.");
    for (const title of ["Meet face to face", "Have the real conversation", "Talk about the why"]) {
      expect(shown).not.toContain(title);
    }
  });

  it("/step 3 says it is set aside since their answer, and how to undo, with none of its guidance", async () => {
    const bot = createBot(START);
    await bot.say("sam", "/commit Practice for step 3 cadence: daily 12:00 step: 3");
    await turn(bot);
    const [shown] = await bot.send("sam", "/step 3");
    const text = plain([shown as Reply]);
    expect(text).toContain("Step 3: not now");
    expect(text).toContain("Since you recorded their answer at step 11, this step is set aside");
    expect(text).toContain("/step 11 can undo it");
    expect(text).not.toContain(STEPS[2]?.guidance ?? "?");
    expect(shown?.buttons?.flat().map((b) => b.label)).toEqual(["End #1"]);
  });

  it("/commit with a step set aside is declined in one private line; other steps are accepted", async () => {
    const bot = createBot(START);
    await turn(bot);
    const declined = await bot.send("sam", "/commit Ask whether we can meet step: 3");
    expect(declined).toHaveLength(1);
    expect(declined[0]?.visibility).toBe("sender-only");
    // Not a refusal: a refusal may stand in a group, and the turn is sam's own news.
    expect(declined[0]?.refusal).toBeUndefined();
    expect(plain(declined)).toBe(
      "Step 3 is set aside since you recorded their answer at step 11. A step for your own growth works, like /commit Spend ten minutes each evening on why it happened step: 5.",
    );
    expect(await bot.say("sam", "/status")).not.toContain("#1");
    expect(
      await bot.say("sam", "/commit Spend ten minutes each evening on why it happened step: 5"),
    ).toContain("Committed #1");
  });

  it("offers to end each commitment set aside; a witnessed one waits its 24 hours and the witness is told", async () => {
    const bot = createBot(START);
    await bot.say("sam", "/quiet off");
    await bot.say("sam", "/commit Practice for step 3 cadence: daily 12:00 step: 3");
    const [, invite] = await bot.send(
      "sam",
      "/commit Practice for step 7 cadence: daily 12:00 step: 7 witness: @jo",
    );
    await bot.click("jo", invite, "Accept");
    await bot.say("sam", "/commit Practice for step 8 cadence: daily 12:00 step: 8");
    await bot.say("sam", "/pause #3");
    await bot.say("sam", "/commit Practice for step 9 cadence: daily 12:00 step: 9");
    await bot.deliver();
    const done = await turn(bot);
    // Active ones tagged with a contact step only: not the paused #3, not #4 (step 9).
    expect(done[0]?.buttons?.map((row) => row.map((b) => b.label))).toEqual([
      ["End #1"],
      ["End #2"],
      ["Undo"],
    ]);

    expect(plain(await bot.click("jo", done[0], "End #1"))).toBe(NOT_FOR_YOU);
    expect((await commitment(bot, 1)).state).toBe("active");
    const ended = await bot.click("sam", done[0], "End #1");
    expect(plain(ended)).toBe("Cancelled #1 Practice for step 3. Its history stays; /history #1 shows it.");
    expect(ended.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect((await commitment(bot, 1)).state).toBe("cancelled");
    // Pressed again: nothing left to end.
    expect(plain(await bot.click("sam", done[0], "End #1"))).toBe(NOT_FOR_YOU);

    const waits = await bot.click("sam", done[0], "End #2");
    expect(plain(waits)).toContain("Cancelling #2 Practice for step 7 takes effect in 24 hours");
    expect((await commitment(bot, 2)).state).toBe("active");
    const told = (await bot.deliver()).filter((d) => d.to.personId === "jo");
    expect(told.map((d) => kind(d.purpose))).toEqual(["renegotiate"]);
    expect(told[0]?.text).toContain("sam asked to cancel #2 Practice for step 7");
    expect(told[0]?.text).not.toMatch(/said no|step 11|their answer/i);
    await jumpTo(bot, bot.clock.ms + DAY + H);
    expect((await commitment(bot, 2)).state).toBe("cancelled");
  });

  it("End is refused once the turn is undone", async () => {
    const bot = createBot(START);
    await bot.say("sam", "/commit Practice for step 10 cadence: daily 12:00 step: 10");
    const done = await turn(bot);
    await bot.click("sam", done[0], "Undo");
    expect(plain(await bot.click("sam", done[0], "End #1"))).toBe(NOT_FOR_YOU);
    expect((await commitment(bot, 1)).state).toBe("active");
  });

  it("nothing the bot says to the owner suggests contact: /plan, /step 1..13, /commit for every step, /checkin, prompts and reminders", async () => {
    const bot = createBot(START);
    await bot.say("sam", "/quiet off");
    // One commitment per step, made before the turn and kept (the owner chose not to end them).
    for (const s of STEPS) {
      await bot.say("sam", `/commit Practice for step ${s.number} cadence: daily 12:00 step: ${s.number}`);
    }
    const [invite] = await bot.send("sam", "/witness #12 @jo");
    await bot.click("jo", invite, "Accept");
    await bot.deliver();
    const found: string[] = [];
    const seen = (how: string, replies: Reply[]) => {
      for (const r of replies) found.push(...contact(how, plain([r])));
    };

    const done = await turn(bot);
    seen("the turn", done);
    seen("/plan", await bot.send("sam", "/plan"));
    seen("/plan in a direct chat", await bot.send("sam", "/plan", dm("sam")));
    for (const s of STEPS) seen(`/step ${s.number}`, await bot.send("sam", `/step ${s.number}`));
    for (const s of STEPS) {
      const line = `/commit Growth work ${s.number} cadence: daily 13:00 step: ${s.number}`;
      seen(line, await bot.send("sam", line));
      seen(`${line} (private)`, await bot.send("sam", `${line} private`, dm("sam")));
    }
    // Two days of prompts and reminders, hour by hour, and answers of every kind.
    const delivered: { purpose: string; text: string; to: { personId?: string } }[] = [];
    for (let t = bot.clock.ms + H; t <= at("2026-12-01T12:00:00Z"); t += H) {
      delivered.push(...(await jumpTo(bot, t)));
      if (t === at("2026-11-30T12:00:00Z")) {
        for (const [n, answer] of [
          [3, "kept"],
          [7, "partly"],
          [8, "missed"],
          [10, "kept note: went for a walk instead"],
          [12, "kept"],
          [13, "missed"],
        ] as const) {
          seen(`/checkin #${n} ${answer}`, await bot.send("sam", `/checkin #${n} ${answer}`));
        }
      }
    }
    const toSam = delivered.filter((d) => d.to.personId !== "jo");
    // The prompts of every step's commitment went out (alone or sharing a message), and reminders.
    for (const s of STEPS) {
      expect(
        toSam.some((d) => new RegExp(`Practice for step ${s.number}\\b`).test(d.text)),
        `step ${s.number}`,
      ).toBe(true);
    }
    expect(toSam.some((d) => kind(d.purpose) === "remind")).toBe(true);
    for (const d of toSam) found.push(...contact(`outbox ${d.purpose}`, d.text));
    expect(found).toEqual([]);
  }, 30_000);
});

describe("examples", () => {
  it("/step shows examples dated from today in the person's zone, naming nobody", async () => {
    const bot = createBot(START);
    expect(await bot.say("sam", "/step 12")).toContain(
      "Try: /commit Respect the space they asked for step: 12 until: 2026-12-29",
    );
    // In Auckland it is already Monday 30 Nov at 11:00 UTC on Sunday.
    await bot.say("sam", "/timezone Pacific/Auckland");
    expect(await bot.say("sam", "/step 12")).toContain("until: 2026-12-30");
    bot.clock.advance(400 * DAY);
    expect(await bot.say("sam", "/step 12")).toContain("until: 2028-02-04");
    for (const s of STEPS) {
      expect(await bot.say("sam", `/step ${s.number}`), `step ${s.number}`).not.toMatch(
        /\b(Sam|Robin|Alex)\b/,
      );
    }
  });

  it("the example for a step after the turn involves only the owner", async () => {
    const bot = createBot(START);
    expect(await bot.say("sam", "/step 6")).toContain("Hear them out");
    await turn(bot);
    const text = await bot.say("sam", "/step 6");
    expect(text).toContain("Try: /commit Take hard feedback without defending myself step: 6");
    expect(text).not.toContain("When they speak");
  });
});
