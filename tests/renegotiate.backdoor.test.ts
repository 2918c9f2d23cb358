/**
 * Renegotiating, the parts found missing (issue 8, item 6; PRODUCT §5): removing the witness is
 * no back door to easier terms (found case 7); a later change replaces a pending one (found
 * case 8); a pause while witnessed applies at once and the witness is told.
 */
import { describe, expect, it } from "vitest";
import { at, type Bot, commitment, DAY, H, jumpTo, kind, MIN } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";
import { eventsOf } from "./support/inspect";

/** Sunday 29 Nov 2026, 11:00 UTC: alice's #1 "Call my sister", daily at 12:00, witnessed by bob. */
async function witnessed(): Promise<Bot> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/quiet off");
  await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
  const [invite] = await bot.send("alice", "/witness #1 @bob");
  await bot.click("bob", invite, "Accept");
  expect((await commitment(bot)).witnessStatus).toBe("active");
  await bot.deliver(); // whatever accepting sends
  return bot;
}

const kinds = async (bot: Bot) => (await eventsOf(bot, { commitmentId: 1 })).map((e) => e.kind);

describe("found case 7: /unwitness is no back door", () => {
  it("/unwitness then /cancel waits until 24 hours after the removal, and says when", async () => {
    const bot = await witnessed();
    expect(await bot.say("alice", "/unwitness #1")).toBe("bob no longer witnesses #1 Call my sister.");
    await bot.deliver();
    await jumpTo(bot, at("2026-11-29T15:00:00Z"));
    const r = await bot.send("alice", "/cancel #1");
    expect(r.map((x) => x.visibility)).toEqual(["sender-only"]);
    expect(plain(r)).toBe(
      "Cancelling #1 Call my sister takes effect Mon 30 Nov 2026, 11:00, 24 hours after your witness " +
        "stopped: making a commitment easier waits out that day either way.",
    );
    expect(await commitment(bot)).toMatchObject({
      state: "active",
      pendingChange: { cancel: true },
      pendingChangeAt: at("2026-11-30T11:00:00Z"),
    });
    // bob no longer witnesses it: nobody else is told.
    expect(await bot.deliver()).toEqual([]);

    await jumpTo(bot, at("2026-11-30T10:59:00Z"));
    expect((await commitment(bot)).state).toBe("active");
    const applied = await jumpTo(bot, at("2026-11-30T11:00:00Z"));
    expect((await commitment(bot)).state).toBe("cancelled");
    expect(applied.map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId])).toEqual([
      ["applied", "dm", "alice"],
    ]);
  });

  it("an easier /edit after the removal waits too; a stricter one applies at once", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/unwitness #1");
    bot.clock.ms += 23 * H;
    expect(await bot.say("alice", "/edit #1 cadence: weekly sun 12:00")).toMatch(
      /^Easing #1 Call my sister takes effect Mon 30 Nov 2026, 11:00, 24 hours after your witness stopped/,
    );
    expect(await commitment(bot)).toMatchObject({
      cadence: "daily 12:00",
      pendingChange: { cadence: "weekly sun 12:00" },
    });
    expect(await bot.say("alice", "/edit #1 cadence: daily 08:00")).toMatch(/^Updated #1/);
    expect(await commitment(bot)).toMatchObject({ cadence: "daily 08:00", pendingChange: null });
  });

  it("24 hours after the removal, easier changes apply at once again", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/unwitness #1");
    bot.clock.ms += DAY;
    expect(await bot.say("alice", "/cancel #1")).toBe(
      "Cancelled #1 Call my sister. Its history stays; /history #1 shows it.",
    );
    expect((await commitment(bot)).state).toBe("cancelled");
  });

  it("a witness stepping down starts the same day's wait", async () => {
    const bot = await witnessed();
    await bot.engine.handle({ type: "click", action: "wsd:1", chat: dm("bob"), from: actor("bob") });
    expect((await commitment(bot)).witnessStatus).toBeNull();
    bot.clock.ms += H;
    expect(await bot.say("alice", "/edit #1 until: 2026-12-10")).toMatch(
      /takes effect Mon 30 Nov 2026, 11:00/,
    );
    expect(await commitment(bot)).toMatchObject({ until: null, pendingChange: { until: "2026-12-10" } });
  });

  it("withdrawing an invitation nobody accepted is not a removal", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.send("alice", "/witness #1 @bob");
    await bot.say("alice", "/unwitness #1");
    expect(await bot.say("alice", "/cancel #1")).toMatch(/^Cancelled #1/);
  });
});

describe("found case 8: a later change replaces a pending one", () => {
  it("a stricter edit withdraws a pending easier one, says so, and tells the witness", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/edit #1 cadence: every 14 days 12:00");
    expect((await bot.deliver()).map((d) => kind(d.purpose))).toEqual(["renegotiate"]);
    const r = await bot.send("alice", "/edit #1 cadence: daily 12:00");
    // The group sees the stricter terms; only alice hears of the withdrawn easing.
    expect(r.map((x) => [x.visibility, plain([x])])).toEqual([
      [
        "chat",
        "Updated #1 Call my sister: check-ins every day at 12:00. Next check-in: Sun 29 Nov 2026, 12:00.",
      ],
      [
        "sender-only",
        "The easier change you asked for earlier (to every 14 days 12:00) is withdrawn; bob has been told.",
      ],
    ]);
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.text])).toEqual(
      [
        [
          "withdrawn",
          "dm",
          "bob",
          "alice no longer asks to ease #1 Call my sister. Nothing changes for you.",
        ],
      ],
    );
    expect(await commitment(bot)).toMatchObject({ pendingChange: null, pendingChangeAt: null });
    // A day later nothing is applied: the commitment stays daily.
    const later = await bot.advance(DAY + 2 * H);
    expect(later.filter((d) => kind(d.purpose) === "applied")).toEqual([]);
    expect((await commitment(bot)).cadence).toBe("daily 12:00");
    expect(await kinds(bot)).toContain("change-withdrawn");
  });

  it("a stricter edit withdraws a pending /cancel", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/cancel #1");
    await bot.deliver();
    expect(await bot.say("alice", "/edit #1 cadence: daily 08:00")).toContain(
      "Your request to cancel it is withdrawn; bob has been told.",
    );
    await bot.advance(DAY + MIN);
    expect(await commitment(bot)).toMatchObject({ state: "active", cadence: "daily 08:00" });
    // An easing asked for after a /cancel replaces it, and says so.
    expect(await bot.say("alice", "/cancel #1")).toMatch(/^Cancelling/);
    expect(await bot.say("alice", "/edit #1 cadence: weekly sun 08:00")).toMatch(
      /It replaces your request to cancel it\.$/,
    );
  });

  it("a second easier request replaces the first and restarts the wait", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/edit #1 cadence: weekly sun 12:00");
    await bot.deliver();
    bot.clock.ms += H;
    expect(await bot.say("alice", "/edit #1 until: 2026-12-05")).toBe(
      "Easing #1 Call my sister takes effect in 24 hours (Mon 30 Nov 2026, 12:00), because bob witnesses it; " +
        "they've been told. It replaces the change you asked for earlier (to weekly sun 12:00).",
    );
    expect((await bot.deliver()).map((d) => d.text)).toEqual([
      "alice asked to ease #1 Call my sister (ending 2026-12-05). As their witness you're told first: it takes " +
        "effect Mon 30 Nov 2026, 12:00. It replaces what they asked for earlier. There's nothing you need " +
        "to do; if it worries you, talk it over with alice.",
    ]);
    expect(await commitment(bot)).toMatchObject({
      pendingChange: { until: "2026-12-05" },
      pendingChangeAt: at("2026-11-30T12:00:00Z"),
    });
    await bot.advance(DAY);
    expect(await commitment(bot)).toMatchObject({
      cadence: "daily 12:00",
      until: "2026-12-05",
      pendingChange: null,
    });
  });

  it("asking for the same easing twice is refused and writes nothing", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/cancel #1");
    const before = (await kinds(bot)).length;
    const r = await bot.send("alice", "/cancel #1");
    expect(r[0]?.refusal).toBe(true);
    expect(plain(r)).toBe(
      "You already asked for that; it takes effect Mon 30 Nov 2026, 11:00. /status shows #1.",
    );
    expect(await kinds(bot)).toHaveLength(before);
    expect((await commitment(bot)).pendingChangeAt).toBe(at("2026-11-30T11:00:00Z"));
  });

  it("new words alone leave a pending easing waiting, and the newer words win", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/edit #1 promise: Call my sister on Sundays cadence: weekly sun 12:00");
    expect((await commitment(bot)).pendingChange).toEqual({
      promise: "Call my sister on Sundays",
      cadence: "weekly sun 12:00",
    });
    const r = await bot.send("alice", "/edit #1 promise: Call my sister and listen");
    expect(r.map((x) => [x.visibility, plain([x])])).toEqual([
      [
        "chat",
        "Updated #1 Call my sister and listen: check-ins every day at 12:00. Next check-in: Sun 29 Nov 2026, 12:00.",
      ],
      [
        "sender-only",
        "The change you asked for earlier (to weekly sun 12:00) still takes effect Mon 30 Nov 2026, 11:00.",
      ],
    ]);
    await bot.advance(DAY);
    expect(await commitment(bot)).toMatchObject({
      promise: "Call my sister and listen",
      cadence: "weekly sun 12:00",
    });
  });
});

describe("a pause while witnessed", () => {
  it("applies at once and the witness is told; so is a resume", async () => {
    const bot = await witnessed();
    // The pause and the resume are alice's own choices: answered to her alone, never in the group.
    const paused = await bot.send("alice", "/pause #1 for: 3d");
    expect(paused.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect(plain(paused)).toMatch(/^Paused #1 Call my sister until Wed 2 Dec/);
    expect(await commitment(bot)).toMatchObject({ state: "paused", pendingChange: null });
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.text])).toEqual(
      [
        [
          "paused",
          "dm",
          "bob",
          "alice paused #1 Call my sister until Wed 2 Dec 2026, 11:00. Nothing is asked of you meanwhile.",
        ],
      ],
    );
    const resumed = await bot.send("alice", "/resume #1");
    expect(resumed.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect(plain(resumed)).toMatch(/^Resumed #1/);
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.personId, d.text])).toEqual([
      [
        "resumed",
        "bob",
        "alice resumed #1 Call my sister. The next check-in is Sun 29 Nov 2026, 12:00. As before, I'll ask " +
          "you to confirm the kept and partly ones.",
      ],
    ]);
    // Pausing and resuming again at the same instant still tells bob each time.
    await bot.say("alice", "/pause #1");
    await bot.say("alice", "/resume #1");
    expect((await bot.deliver()).map((d) => kind(d.purpose))).toEqual(["paused", "resumed"]);
  });

  it("tells nobody when there is no witness", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00", GROUP);
    await bot.say("alice", "/pause #1");
    expect(await bot.deliver()).toEqual([]);
  });
});
