/**
 * A command clear except for one choice asks for that choice and keeps the rest (issue 10):
 * `/checkin missed <note>` with three open check-ins answers "Which one?" with a button per open
 * commitment; the button records the answer and the note. Only that person's click counts, and a
 * button whose check-in has closed, or whose note was lost, records nothing.
 */
import { describe, expect, it } from "vitest";
import { createEngine } from "../src/engine";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { silentLogger } from "../src/log";
import { checkInsOf, jumpTo, MIN } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";

const NOTE = "I bought something and did not tell him";

/** alice with #1 Walk, #2 Call my sister and #3 Read, each with a check-in open since 12:00. */
async function threeOpen() {
  const bot = createBot("2026-11-29T11:00:00Z");
  for (const promise of ["Walk", "Call my sister", "Read"]) {
    await bot.say("alice", `/commit ${promise} cadence: daily 12:00`);
  }
  await jumpTo(bot, Date.parse("2026-11-29T12:30:00Z"));
  for (const id of [1, 2, 3]) expect((await checkInsOf(bot, id)).map((c) => c.state)).toEqual(["pending"]);
  return bot;
}

const labels = (replies: { buttons?: { label: string }[][] }[]) =>
  replies.flatMap((r) => r.buttons?.flat().map((b) => b.label) ?? []);

describe("/checkin that names no commitment while several are open", () => {
  it("asks which one, with a button per open commitment, and records nothing yet", async () => {
    const bot = await threeOpen();
    const which = await bot.send("alice", `/checkin missed ${NOTE}`);
    expect(which).toHaveLength(1);
    expect(which[0]?.visibility).toBe("sender-only");
    expect(which[0]?.refusal).toBeUndefined();
    expect(plain(which)).toBe(
      "Which one? You have 3 open check-ins; I'll note missed, with your note, on the one you pick.",
    );
    expect(labels(which)).toEqual(["#1 Walk", "#2 Call my sister", "#3 Read"]);
    for (const id of [1, 2, 3]) expect((await checkInsOf(bot, id))[0]?.state).toBe("pending");
  });

  it("records the answer and the note on the one picked; only alice's click counts", async () => {
    const bot = await threeOpen();
    const which = await bot.send("alice", `/checkin missed ${NOTE}`);
    const bob = await bot.click("bob", which[0], "#2 Call my sister");
    expect(plain(bob)).toBe(NOT_FOR_YOU);
    expect((await checkInsOf(bot, 2))[0]?.state).toBe("pending");

    const picked = await bot.click("alice", which[0], "#2 Call my sister");
    expect(plain(picked)).toMatch(/^Noted as missed for #2 Call my sister\. Your note is saved with it\./);
    expect(picked[0]?.visibility).toBe("sender-only");
    expect(picked[0]?.settles).toBeDefined();
    expect((await checkInsOf(bot, 2))[0]).toMatchObject({ state: "answered", answer: "missed", note: NOTE });
    for (const id of [1, 3]) expect((await checkInsOf(bot, id))[0]?.state).toBe("pending");

    // The same button again, or another one of that question once the note was used: the check-in
    // is answered, or the question is over; nothing more is recorded.
    expect(plain(await bot.click("alice", which[0], "#2 Call my sister"))).toBe(
      "That check-in is already answered.",
    );
    const again = await bot.click("alice", which[0], "#1 Walk");
    expect(again[0]?.refusal).toBe(true);
    expect(plain(again)).toBe(
      "That question has expired, so nothing was recorded. Send it again, like /checkin #1 missed.",
    );
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");
  });

  it("a kept answer picked in the group reads as kept there, and nothing else", async () => {
    const bot = await threeOpen();
    const which = await bot.send("alice", "/checkin kept");
    expect(plain(which)).toBe("Which one? You have 3 open check-ins; I'll note kept on the one you pick.");
    const picked = await bot.click("alice", which[0], "#3 Read");
    expect(picked.map((r) => [r.visibility, plain([r])])).toEqual([
      ["chat", "✓ alice checked in on #3 Read."],
    ]);
    expect((await checkInsOf(bot, 3))[0]).toMatchObject({ state: "answered", answer: "kept", note: null });
  });

  it("refuses a stale button neutrally once the check-in has closed", async () => {
    const bot = await threeOpen();
    const which = await bot.send("alice", "/checkin partly");
    // The next day's check-in opens and the first one closes unanswered.
    await jumpTo(bot, Date.parse("2026-11-30T12:30:00Z"));
    const stale = await bot.click("alice", which[0], "#1 Walk");
    expect(stale[0]?.refusal).toBe(true);
    expect(plain(stale)).toBe("That check-in is already closed.");
    expect((await checkInsOf(bot, 1))[0]?.state).not.toBe("pending");
    expect((await checkInsOf(bot, 1))[0]?.answer).toBeNull();
  });

  it("keeps a note for 15 minutes in the database, so a restart loses nothing", async () => {
    const bot = await threeOpen();
    const withNote = await bot.send("alice", `/checkin missed ${NOTE}`);
    const bare = await bot.send("alice", "/checkin partly");
    // A restart: a new engine over the same database.
    const engine = createEngine({
      store: bot.store,
      clock: bot.clock,
      log: silentLogger,
      config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
    });
    const press = (reply: (typeof bare)[number] | undefined, label: string) => {
      const action = reply?.buttons?.flat().find((b) => b.label === label)?.action ?? "";
      return engine.handle({ type: "click", action, chat: GROUP, from: actor("alice") });
    };
    expect(plain(await press(withNote[0], "#1 Walk"))).toMatch(/^Noted as missed for #1 Walk/);
    expect((await checkInsOf(bot, 1))[0]?.note).toBe(NOTE);
    // Taken once: the same button again finds the check-in answered.
    expect((await press(withNote[0], "#1 Walk"))[0]?.refusal).toBe(true);
    expect(plain(await press(bare[0], "#3 Read"))).toMatch(/^Noted as partly kept for #3 Read/);

    // The note waits 15 minutes, no longer.
    const other = await threeOpen();
    const later = await other.send("alice", `/checkin missed ${NOTE}`);
    other.clock.advance(16 * MIN);
    expect(plain(await other.click("alice", later[0], "#2 Call my sister"))).toMatch(
      /^That question has expired/,
    );
    expect((await checkInsOf(other, 2))[0]?.state).toBe("pending");
  });

  it("asks the same on every platform: Discord's typed options, and in a direct chat", async () => {
    const bot = await threeOpen();
    const typed = await bot.engine.handle({
      type: "command",
      name: "checkin",
      args: { answer: "partly", note: NOTE },
      chat: dm("alice"),
      from: actor("alice"),
    });
    expect(plain(typed)).toMatch(/^Which one\?/);
    const picked = await bot.click("alice", typed[0], "#3 Read", dm("alice"));
    expect(plain(picked)).toMatch(/^Noted as partly kept for #3 Read/);
    expect((await checkInsOf(bot, 3))[0]).toMatchObject({ answer: "partly", note: NOTE });
  });

  it("refuses forged buttons without saying whose they were", async () => {
    const bot = await threeOpen();
    const id = (await checkInsOf(bot, 1))[0]?.id;
    for (const action of [`pick:${id}:x`, `pick:${id}:k:zz:extra`, "pick", `pick:${id}`, "pick:999:k"]) {
      const replies = await bot.engine.handle({ type: "click", action, chat: GROUP, from: actor("alice") });
      expect(plain(replies), action).toBe(NOT_FOR_YOU);
    }
    const bob = await bot.engine.handle({
      type: "click",
      action: `pick:${id}:k`,
      chat: GROUP,
      from: actor("bob"),
    });
    expect(plain(bob)).toBe(NOT_FOR_YOU);
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");
  });
});
