import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { createBot, plain } from "./support/harness";
import { allCheckIns, allCommitments } from "./support/inspect";

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("the follow-up loop, as in the issue's console script", () => {
  it("prompts, reminds after quiet hours, takes the answer, asks the witness, and closes a missed week", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/timezone Europe/Berlin");
    await bot.say("alice", "/commit Call my sister every Sunday cadence: weekly sun 18:00");
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    expect(plain(invite ? [invite] : [])).toContain(
      "@bob, alice asks you to witness #1 Call my sister every Sunday",
    );
    expect(plain(await bot.click("carol", invite, "Accept"))).toMatch(/That button isn't for you/);
    expect(plain(await bot.click("bob", invite, "Accept"))).toContain(
      "bob is now the witness for @alice's #1",
    );
    // bob hears privately what witnessing means (alice saw him accept in the group).
    expect((await bot.deliver()).map((d) => [d.purpose.split(":")[0], d.to.chatKind, d.to.personId])).toEqual(
      [["welcome", "dm", "bob"]],
    );

    const evening = await bot.advance(6.5 * H);
    expect(evening.map((d) => [iso(d.at), d.purpose.split(":")[0], d.to.chatKind])).toEqual([
      ["2026-11-29T17:00:00.000Z", "prompt", "group"],
    ]);
    expect(evening[0]?.text).toBe(
      "@alice, time to check in on #1 Call my sister every Sunday. How did it go?",
    );
    expect(evening[0]?.message.buttons?.flat().map((b) => b.label)).toEqual([
      "Kept",
      "Partly",
      "Missed",
      "Snooze 1h",
    ]);

    // Halfway through the window is 06:00 in Berlin, inside quiet hours: the reminder waits for 08:00.
    const morning = await bot.advance(14 * H);
    expect(morning.map((d) => [iso(d.at), d.purpose.split(":")[0]])).toEqual([
      ["2026-11-30T07:00:00.000Z", "remind"],
    ]);
    expect(morning[0]?.text).toBe(
      "@alice, your check-in on #1 Call my sister every Sunday is waiting for an answer until 18:00 today.",
    );

    expect(plain(await bot.click("bob", bot.lastWith("Kept"), "Kept"))).toBe(NOT_FOR_YOU);
    const kept = await bot.click("alice", bot.lastWith("Kept"), "Kept");
    expect(kept[0]?.visibility).toBe("chat");
    expect(plain(kept)).toBe("✓ alice checked in on #1 Call my sister every Sunday.");
    expect(plain(await bot.click("alice", bot.lastWith("Kept"), "Kept"))).toMatch(/already answered/);

    const request = await bot.deliver();
    expect(request.map((d) => [d.purpose.split(":")[0], d.to.chatKind, d.to.personId])).toEqual([
      ["verify", "dm", "bob"],
    ]);
    expect(request[0]?.text).toContain(
      "alice says they kept #1 Call my sister every Sunday (Sun 29 Nov 2026, 18:00)",
    );
    expect(plain(await bot.click("alice", request[0]?.message, "Confirm"))).toBe(NOT_FOR_YOU);
    expect(plain(await bot.click("bob", request[0]?.message, "Confirm"))).toBe(
      "Confirmed. alice will be told. Thank you.",
    );
    const told = await bot.deliver();
    expect(told.map((d) => [d.to.chatKind, d.to.personId, d.text])).toEqual([
      ["dm", "alice", "bob confirmed your check-in on #1 Call my sister every Sunday. Verified streak: 1."],
    ]);

    const status = await bot.say("alice", "/status");
    expect(status).toContain(
      "last kept ✓ (Sun 29 Nov) · streak 1, verified 1 · just started\n   witness: bob",
    );

    const week = await bot.advance(8 * 24 * H);
    const kinds = week.map((d) => [iso(d.at), d.purpose.split(":")[0]]);
    expect(kinds).toEqual([
      ["2026-12-06T17:00:00.000Z", "prompt"],
      ["2026-12-06T19:00:00.000Z", "digest"],
      ["2026-12-07T07:00:00.000Z", "remind"],
    ]);
    expect(week.some((d) => d.purpose.startsWith("alert"))).toBe(false);
    const after = await bot.say("alice", "/status");
    // Unanswered is "no answer" (a miss is what the person says); below three answers, "just started".
    expect(after).toContain(
      "next check-in Sun 13 Dec 2026, 18:00\n   the last one got no answer (Sun 6 Dec) · just started\n",
    );
    const history = await bot.say("alice", "/history #1");
    expect(history).toContain("Sun 6 Dec 2026, 18:00: no answer");
    expect(history).toContain("Sun 29 Nov 2026, 18:00: kept ✓ (confirmed by your witness)");
  });
});

describe("catch-up after downtime", () => {
  it("prompts only the latest occurrence whose window is open and records the rest skipped", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm cadence: daily 20:00");
    await bot.say("alice", "/checkin kept").catch(() => undefined);
    await bot.say("alice", "/quiet off");
    // The bot is down for three days: the clock jumps, then one tick runs.
    bot.clock.advance(3 * 24 * H + 2 * H); // 2026-12-02T13:00Z, 17 h after the 1 Dec 20:00 check-in
    const report = await bot.engine.tick(bot.clock.now());
    expect(report).toMatchObject({ opened: 1, skipped: 2 });
    const rows = await allCheckIns(bot);
    // The two skipped occurrences are one range row: 29 Nov through 30 Nov, two of them.
    expect(
      rows.map((r) => [iso(r.dueAt), r.state, r.skippedThrough && iso(r.skippedThrough), r.skippedCount]),
    ).toEqual([
      ["2026-11-29T20:00:00.000Z", "skipped", "2026-11-30T20:00:00.000Z", 2],
      ["2026-12-01T20:00:00.000Z", "pending", null, null],
    ]);
    expect((await bot.deliver()).map((d) => d.purpose)).toEqual([`prompt:${rows[1]?.id}`]);
    expect((await allCommitments(bot))[0]?.nextDueAt).toBe(Date.parse("2026-12-02T20:00:00Z"));
    // Skipped check-ins do not break a streak.
    await bot.say("alice", "/checkin kept");
    expect(await bot.say("alice", "/status")).toContain("streak 1");
  });

  it("sends nothing when every window closed while the bot was down", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Walk cadence: weekly mon 09:00");
    bot.clock.advance(26 * 24 * H);
    const report = await bot.engine.tick(bot.clock.now());
    expect(report.opened).toBe(0);
    expect(report.skipped).toBe(4);
    expect(await bot.deliver()).toEqual([]);
  });
});

describe("two ticks at once", () => {
  it("opens each check-in once and queues each message once", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    for (let i = 0; i < 150; i++) await bot.say(`p${i}`, "/commit Show up cadence: daily 12:00");
    bot.clock.ms = Date.parse("2026-11-29T12:00:00Z");
    const [a, b] = await Promise.all([bot.engine.tick(bot.clock.now()), bot.engine.tick(bot.clock.now())]);
    expect((a?.opened ?? 0) + (b?.opened ?? 0)).toBe(150);
    expect(await allCheckIns(bot)).toHaveLength(150);
    expect(await bot.deliver()).toHaveLength(150);
    expect((await bot.engine.tick(bot.clock.now())).opened).toBe(0);
  });
});
