/** What clicks tell the adapters: `settles` when the buttons are spent, nothing on refusals; notes. */
import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { toPlain } from "../src/richtext";
import { actor, createBot, GROUP, plain } from "./support/harness";
import { allCheckIns } from "./support/inspect";

async function prompted() {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/quiet off");
  await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
  await bot.advance(3_600_000);
  return bot;
}

describe("settles", () => {
  it("marks a kept answer's buttons spent and offers a note; refusals leave the buttons alone", async () => {
    const bot = await prompted();
    const prompt = bot.lastWith("Kept");
    const refused = await bot.click("bob", prompt, "Kept");
    expect(refused[0]?.settles).toBeUndefined();
    const kept = await bot.click("alice", prompt, "Kept");
    expect(toPlain(kept[0]?.settles ?? [])).toBe("✓ Kept");
    expect(kept[0]?.buttons?.flat().map((b) => b.label)).toEqual(["Add a note"]);
    expect((await bot.click("alice", prompt, "Kept"))[0]?.settles).toBeUndefined();
  });

  it("marks invitations, verdicts and /forget confirmations settled", async () => {
    const bot = await prompted();
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    expect(toPlain((await bot.click("bob", invite, "Accept"))[0]?.settles ?? [])).toBe("Accepted by bob");
    await bot.click("alice", bot.lastWith("Kept"), "Kept");
    const request = (await bot.deliver()).find((d) => d.purpose.startsWith("verify:"));
    expect(toPlain((await bot.click("bob", request?.message, "Dispute"))[0]?.settles ?? [])).toBe("Disputed");
    const [ask] = await bot.send("carol", "/forget");
    expect(toPlain((await bot.click("carol", ask, "Keep my data"))[0]?.settles ?? [])).toBe("Kept");
  });
});

describe("Add a note", () => {
  it("saves the typed note on the owner's answered check-in", async () => {
    const bot = await prompted();
    const [kept] = await bot.click("alice", bot.lastWith("Kept"), "Kept");
    const action = kept?.buttons?.flat()[0]?.action ?? "";
    const note = (name: string, text?: string) =>
      bot.engine.handle({ type: "click", action, chat: GROUP, from: actor(name), ...(text ? { text } : {}) });
    expect(plain(await note("bob", "sneaky"))).toBe(NOT_FOR_YOU);
    expect(plain(await note("alice"))).toBe("The note was empty, so nothing changed.");
    expect(plain(await note("alice", "x".repeat(1001)))).toMatch(/1001 characters/);
    expect(plain(await note("alice", "We talked for an hour"))).toBe(
      "Your note is saved with today's check-in on #1: We talked for an hour",
    );
    expect((await allCheckIns(bot))[0]?.note).toBe("We talked for an hour");
  });
});

describe("autocomplete", () => {
  it("suggests the caller's own open commitments, zones and cadences", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Call my sister");
    await bot.say("alice", "/commit Stay calm");
    await bot.say("alice", "/cancel #2");
    await bot.say("bob", "/commit Bob's own");
    expect(await bot.engine.suggest("commitment", "", actor("alice"))).toEqual([
      { name: "#1 Call my sister", value: "1" },
    ]);
    expect(await bot.engine.suggest("commitment", "", actor("nobody"))).toEqual([]);
    const zones = await bot.engine.suggest("zone", "europe/ber", actor("alice"));
    expect(zones[0]).toEqual({ name: "Europe/Berlin", value: "Europe/Berlin" });
    expect((await bot.engine.suggest("zone", "", actor("alice"))).length).toBe(25);
    const cadences = await bot.engine.suggest("cadence", "weekly", actor("alice"));
    expect(cadences.map((c) => c.value)).toEqual(["weekly", "weekly sun 18:00", "weekly mon,thu 18:30"]);
  });
});

describe("settles in the group", () => {
  it("shows only 'Answered' for a partly or missed answer on a group prompt", async () => {
    const bot = await prompted();
    const missed = await bot.click("alice", bot.lastWith("Missed"), "Missed");
    expect(toPlain(missed[0]?.settles ?? [])).toBe("Answered");
    expect(missed[0]?.visibility).toBe("sender-only");
  });

  it("refuses a bot named as witness by the platform", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Call my sister");
    const r = await bot.engine.handle({
      type: "command",
      name: "witness",
      args: { commitment: "1", person: "helperbot" },
      mentions: [{ id: "999", username: "helperbot", isBot: true }],
      chat: GROUP,
      from: actor("alice"),
    });
    expect(plain(r)).toBe("A bot can't be a witness. Ask a person you trust.");
  });
});
