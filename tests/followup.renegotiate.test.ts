/**
 * Renegotiating (PRODUCT.md §5): with an active witness, making a commitment easier (less often,
 * ending sooner, cancelled) waits 24 hours and the witness is told at once; stricter changes and
 * everything without a witness apply at once.
 */
import { describe, expect, it } from "vitest";
import { at, type Bot, commitment, H, iso, kind, MIN } from "./support/followup";
import { createBot, plain } from "./support/harness";
import { eventsOf } from "./support/inspect";

async function eventKinds(bot: Bot) {
  return (await eventsOf(bot, { commitmentId: 1 })).map((e) => e.kind);
}

/** Sunday 29 Nov 2026, 11:00 UTC: alice's #1 with `cadence`, witnessed by bob unless `witness` is false. */
async function setUp(cadence: string, witness = true) {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", `/commit Call my sister cadence: ${cadence}`);
  if (witness) {
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    await bot.click("bob", invite, "Accept");
    expect((await commitment(bot)).witnessStatus).toBe("active");
    await bot.deliver(); // whatever accepting sends, so each test sees only what its change sends
  }
  return bot;
}

describe("with a witness, easing waits 24 hours", () => {
  it("a less frequent cadence: the witness is told at once, the tick applies it a day later", async () => {
    const bot = await setUp("daily 12:00");
    const r = await bot.send("alice", "/edit #1 cadence: weekly sun 12:00");
    // An easing is the owner's own news: told to them alone, never to the group.
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toBe(
      "Easing #1 Call my sister takes effect in 24 hours (Mon 30 Nov 2026, 11:00), because bob witnesses it; " +
        "they've been told.",
    );
    const told = await bot.deliver();
    expect(told.map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.text])).toEqual([
      [
        "renegotiate",
        "dm",
        "bob",
        "alice asked to ease #1 Call my sister (to weekly sun 12:00). As their witness you're told first: " +
          "it takes effect Mon 30 Nov 2026, 11:00. There's nothing you need to do; if it worries you, " +
          "talk it over with alice.",
      ],
    ]);
    expect(await commitment(bot)).toMatchObject({
      cadence: "daily 12:00",
      pendingChange: { cadence: "weekly sun 12:00" },
      pendingChangeAt: at("2026-11-30T11:00:00Z"),
      nextDueAt: at("2026-11-29T12:00:00Z"),
    });

    // Until then the old terms hold: today's check-in comes as planned.
    const day = await bot.advance(24 * H - MIN);
    expect(day.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([
      ["2026-11-29T12:00:00.000Z", "prompt"],
      ["2026-11-30T08:00:00.000Z", "remind"],
    ]);
    expect((await commitment(bot)).cadence).toBe("daily 12:00");

    const applied = await bot.advance(MIN);
    expect(applied.map((d) => [iso(d.at), kind(d.purpose), d.to.chatKind, d.to.personId, d.text])).toEqual([
      [
        "2026-11-30T11:00:00.000Z",
        "applied",
        "dm",
        "alice",
        "#1 Call my sister now has the easier terms you asked for a day ago.",
      ],
    ]);
    expect(await commitment(bot)).toMatchObject({
      cadence: "weekly sun 12:00",
      pendingChange: null,
      pendingChangeAt: null,
      nextDueAt: at("2026-12-06T12:00:00Z"),
    });
    // No daily prompt on Monday any more.
    const monday = await bot.advance(2 * H);
    expect(monday.filter((d) => kind(d.purpose) === "prompt")).toEqual([]);
    expect(await eventKinds(bot)).toEqual([
      "created",
      "witness-invited",
      "witness-accepted",
      "change-requested",
      "edited",
    ]);
    expect(await bot.say("alice", "/history #1")).toContain("you changed the schedule");
  });

  it("an earlier end date", async () => {
    const bot = await setUp("daily 12:00");
    await bot.say("alice", "/edit #1 until: 2027-01-31");
    // Setting an end date where there was none is easing too.
    expect((await bot.deliver()).map((d) => d.text)).toEqual([
      "alice asked to ease #1 Call my sister (ending 2027-01-31). As their witness you're told first: " +
        "it takes effect Mon 30 Nov 2026, 11:00. There's nothing you need to do; if it worries you, " +
        "talk it over with alice.",
    ]);
    const first = await bot.advance(24 * H);
    expect(first.filter((d) => kind(d.purpose) === "applied").map((d) => iso(d.at))).toEqual([
      "2026-11-30T11:00:00.000Z",
    ]);
    expect((await commitment(bot)).until).toBe("2027-01-31");

    const r = await bot.say("alice", "/edit #1 until: 2026-12-15");
    expect(r).toMatch(/^Easing #1 Call my sister takes effect in 24 hours \(Tue 1 Dec 2026, 11:00\)/);
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.personId])).toEqual([
      ["renegotiate", "bob"],
    ]);
    expect(await commitment(bot)).toMatchObject({
      until: "2027-01-31",
      pendingChange: { until: "2026-12-15" },
    });

    await bot.advance(24 * H - MIN);
    expect((await commitment(bot)).until).toBe("2027-01-31");
    const applied = await bot.advance(MIN);
    expect(applied.map((d) => [iso(d.at), kind(d.purpose), d.to.personId])).toEqual([
      ["2026-12-01T11:00:00.000Z", "applied", "alice"],
    ]);
    expect(await commitment(bot)).toMatchObject({ until: "2026-12-15", pendingChange: null });
  });

  it("/cancel: the witness is told, the commitment runs on for a day, then is cancelled", async () => {
    const bot = await setUp("daily 12:00");
    const r = await bot.send("alice", "/cancel #1");
    expect(plain(r)).toBe(
      "Cancelling #1 Call my sister takes effect in 24 hours (Mon 30 Nov 2026, 11:00), because bob " +
        "witnesses it; they've been told.",
    );
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.personId, d.text])).toEqual([
      [
        "renegotiate",
        "bob",
        "alice asked to cancel #1 Call my sister. As their witness you're told first: it takes effect Mon 30 Nov " +
          "2026, 11:00. There's nothing you need to do; if it worries you, talk it over with alice.",
      ],
    ]);
    expect(await commitment(bot)).toMatchObject({ state: "active", pendingChange: { cancel: true } });

    const day = await bot.advance(24 * H);
    expect(day.map((d) => [iso(d.at), kind(d.purpose), d.to.personId])).toEqual([
      ["2026-11-29T12:00:00.000Z", "prompt", undefined],
      ["2026-11-30T08:00:00.000Z", "remind", undefined],
      ["2026-11-30T11:00:00.000Z", "ended", "bob"],
      ["2026-11-30T11:00:00.000Z", "applied", "alice"],
    ]);
    // The witness hears, privately, that it ended, with nothing left for them to do.
    expect(day[2]?.text).toBe(
      "alice's #1 Call my sister is cancelled, as they asked a day ago. Thank you for standing by them. " +
        "There's nothing more for you to do.",
    );
    expect(day[3]?.text).toBe("#1 Call my sister is now cancelled, as you asked a day ago.");
    expect(await commitment(bot)).toMatchObject({ state: "cancelled", nextDueAt: null, pendingChange: null });
    const later = await bot.advance(3 * 24 * H);
    expect(later.filter((d) => kind(d.purpose) === "prompt")).toEqual([]);
  });

  it("tells the witness in their own zone", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("bob", "/timezone Asia/Tokyo");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
    await bot.deliver();
    await bot.say("alice", "/cancel #1");
    expect((await bot.deliver())[0]?.text).toContain("it takes effect Mon 30 Nov 2026, 20:00.");
  });
});

describe("stricter changes, and changes without a witness, apply at once", () => {
  it("more often, a later end date or new words apply at once even with a witness", async () => {
    const bot = await setUp("weekly sun 12:00");
    const r = await bot.send("alice", "/edit #1 cadence: daily 12:00");
    expect(plain(r)).toBe(
      "Updated #1 Call my sister: check-ins every day at 12:00. Next check-in: Sun 29 Nov 2026, 12:00.",
    );
    expect(await commitment(bot)).toMatchObject({
      cadence: "daily 12:00",
      pendingChange: null,
      pendingChangeAt: null,
    });
    expect(await bot.say("alice", "/edit #1 promise: Call my sister and listen")).toMatch(
      /^Updated #1 Call my/,
    );
    expect((await commitment(bot)).promise).toBe("Call my sister and listen");
    // The same number of check-ins is not easier either.
    await bot.say("alice", "/edit #1 cadence: daily 18:00");
    expect((await commitment(bot)).cadence).toBe("daily 18:00");
    expect(await bot.deliver()).toEqual([]);
  });

  it("a later end date applies at once; removing it too", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00 until: 2026-12-31");
    await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
    await bot.deliver();
    expect(await bot.say("alice", "/edit #1 until: 2027-03-01")).toContain("until Mon 1 Mar 2027");
    expect((await commitment(bot)).until).toBe("2027-03-01");
    await bot.say("alice", "/edit #1 until: none");
    expect(await commitment(bot)).toMatchObject({ until: null, pendingChange: null });
    expect(await bot.deliver()).toEqual([]);
  });

  it("without a witness (or with one only invited), easing and /cancel apply at once", async () => {
    const bot = await setUp("daily 12:00", false);
    expect(await bot.say("alice", "/edit #1 cadence: weekly sun 12:00")).toBe(
      "Updated #1 Call my sister: check-ins Sundays at 12:00. Next check-in: Sun 29 Nov 2026, 12:00.",
    );
    expect(await commitment(bot)).toMatchObject({ cadence: "weekly sun 12:00", pendingChange: null });
    await bot.send("alice", "/witness #1 @bob"); // invited, not accepted
    await bot.say("alice", "/edit #1 until: 2026-12-20");
    expect(await commitment(bot)).toMatchObject({ until: "2026-12-20", pendingChange: null });
    expect(await bot.say("alice", "/cancel #1")).toBe(
      "Cancelled #1 Call my sister. Its history stays; /history #1 shows it.",
    );
    expect(await commitment(bot)).toMatchObject({ state: "cancelled", nextDueAt: null });
    expect(await bot.deliver()).toEqual([]);
    expect(await eventKinds(bot)).not.toContain("change-requested");
  });
});
