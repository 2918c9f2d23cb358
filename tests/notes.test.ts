/**
 * Notes are added, never overwritten (PRODUCT §5): "Add a note" after `/checkin … note` keeps
 * both, each later note on its own line after its local time, and the history keeps the words.
 */
import { describe, expect, it } from "vitest";
import { LIMITS } from "../src/commands/table";
import { MAX_NOTES } from "../src/engine/notes";
import type { Reply } from "../src/types";
import { at, type Bot, jumpTo } from "./support/followup";
import { actor, createBot, GROUP, plain } from "./support/harness";
import { allCheckIns, eventsOf } from "./support/inspect";

/** alice's #1, prompted at 12:00 and answered kept with a first note; returns the note action. */
async function answered(): Promise<{ bot: Bot; note: (text: string, who?: string) => Promise<Reply[]> }> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/quiet off");
  await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
  await jumpTo(bot, at("2026-11-29T12:00:00Z"));
  const [kept] = await bot.send("alice", "/checkin kept Went for a walk first");
  const action = kept?.buttons?.flat().find((b) => b.label === "Add a note")?.action ?? "";
  expect(action).not.toBe("");
  const note = (text: string, who = "alice") =>
    bot.engine.handle({ type: "click", action, chat: GROUP, from: actor(who), text });
  return { bot, note };
}

const noteOf = async (bot: Bot) => (await allCheckIns(bot))[0]?.note;

describe("a second note", () => {
  it("is added after the first on a new line with its local time, and the history keeps its words", async () => {
    const { bot, note } = await answered();
    bot.clock.ms = at("2026-11-29T21:15:00Z");
    expect(plain(await note("we talked after all"))).toBe(
      "Your note is saved with today's check-in on #1: we talked after all",
    );
    expect(await noteOf(bot)).toBe("Went for a walk first\nSun 29 Nov 2026, 21:15: we talked after all");
    bot.clock.ms = at("2026-11-29T21:40:00Z");
    await note("  she called back,\n\n  and we laughed  ");
    expect(await noteOf(bot)).toBe(
      "Went for a walk first\nSun 29 Nov 2026, 21:15: we talked after all\n" +
        "Sun 29 Nov 2026, 21:40: she called back, and we laughed",
    );
    const noteEvents = await eventsOf(bot, { kind: "note" });
    expect(noteEvents.map((e) => e.data)).toEqual([
      { checkIn: 1, text: "we talked after all" },
      { checkIn: 1, text: "she called back, and we laughed" },
    ]);
    const history = await bot.say("alice", "/history #1");
    expect(history).toContain("Went for a walk first");
    expect(history).toContain("we talked after all");
  });

  it("is the first note as typed when the answer came without one", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const [kept] = await bot.click("alice", bot.lastWith("Kept"), "Kept");
    const action = kept?.buttons?.flat()[0]?.action ?? "";
    await bot.engine.handle({
      type: "click",
      action,
      chat: GROUP,
      from: actor("alice"),
      text: "a good talk",
    });
    expect(await noteOf(bot)).toBe("a good talk");
  });
});

describe("limits", () => {
  it("apply to each note, counted as a person sees characters", async () => {
    const { bot, note } = await answered();
    expect(plain(await note("x".repeat(LIMITS.note + 1)))).toBe(
      `That note is ${LIMITS.note + 1} characters; please keep it to ${LIMITS.note}.`,
    );
    // 1000 thumbs with a skin tone are 2000 code points but 1000 characters on screen.
    const thumbs = "👍🏽".repeat(LIMITS.note);
    expect(plain(await note(thumbs))).toBe(`Your note is saved with today's check-in on #1: ${thumbs}`);
    expect(await noteOf(bot)).toContain(thumbs);
  });

  it("keep all of a check-in's notes within a readable length, refusing without writing", async () => {
    const { bot, note } = await answered();
    await note("a".repeat(LIMITS.note));
    const full = (await noteOf(bot)) ?? "";
    const before = (await eventsOf(bot)).length;
    const r = await note("b".repeat(LIMITS.note));
    expect(r[0]?.refusal).toBe(true);
    expect(plain(r)).toMatch(
      /^This check-in has room for \d+ more characters of notes; please shorten this one\.$/,
    );
    const room = Number(/room for (\d+)/.exec(plain(r))?.[1]);
    expect(await noteOf(bot)).toBe(full);
    expect(await eventsOf(bot)).toHaveLength(before);
    // Exactly the room offered fits.
    await note("c".repeat(room));
    expect([...((await noteOf(bot)) ?? "")].length).toBe(MAX_NOTES);
    expect(plain(await note("d"))).toBe(
      "This check-in's notes are full, so nothing changed. The next check-in can take new ones.",
    );
  });

  it("still refuse someone else's note and an empty one", async () => {
    const { bot, note } = await answered();
    expect((await note("sneaky", "bob"))[0]?.refusal).toBe(true);
    expect(plain(await note("   "))).toBe("The note was empty, so nothing changed.");
    expect(await noteOf(bot)).toBe("Went for a walk first");
  });
});
