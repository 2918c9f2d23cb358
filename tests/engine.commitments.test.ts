import { describe, expect, it } from "vitest";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";
import {
  addCheckIn,
  allCommitments,
  breakHistory,
  commitment,
  commitmentOf,
  eventsOf,
  setCommitment,
} from "./support/inspect";

describe("/commit", () => {
  it("numbers commitments per owner and plans the first check-in in the owner's zone", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/timezone Europe/Berlin");
    const first = await bot.send(
      "alice",
      "/commit Call my sister every Sunday cadence: weekly sun 18:00 step: 13",
    );
    expect(first[0]?.visibility).toBe("chat");
    expect(plain(first)).toContain(
      "Committed #1 Call my sister every Sunday (step 13: Keep the change going)",
    );
    expect(plain(first)).toContain("check-ins from today, Sundays at 18:00.");
    expect(await bot.say("bob", "/commit Listen before answering")).toContain("Committed #1");
    expect(await bot.say("alice", "/commit Stay calm when we talk")).toContain("Committed #2");
    const rows = await allCommitments(bot);
    expect(rows.map((r) => [r.ownerId, r.number])).toEqual([
      [1, 1],
      [2, 1],
      [1, 2],
    ]);
    expect(rows[0]?.nextDueAt).toBe(Date.parse("2026-11-29T17:00:00Z"));
    expect((await eventsOf(bot)).filter((e) => e.kind === "created")).toHaveLength(3);
  });

  it("uses daily 20:00 when no cadence or step is given, and says how to change it", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const text = await bot.say("alice", "/commit Stay calm when we talk");
    expect(text).toContain("every day at 20:00");
    expect(text).toContain("/edit #1 cadence:");
    expect(text).toContain("(times in UTC)");
    expect(text).toContain("/timezone");
    expect((await commitment(bot)).cadence).toBe("daily 20:00");
  });

  it("takes the tagged step's default cadence and end date", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Notice what sets me off step: 5");
    const five = await commitment(bot);
    expect(five?.cadence).toBe("daily 20:00");
    expect(five?.until).toBe("2026-12-06");
    await bot.say("alice", "/commit Tell her what I did step: 1");
    const one = (await allCommitments(bot))[1];
    expect(one?.cadence).toBe("once 2026-12-01 20:00");
    await bot.say("alice", "/commit Never again step: 13");
    expect((await allCommitments(bot))[2]?.cadence).toBe("graduated 20:00");
  });

  it("keeps private commitments out of the group and treats a DM as private", async () => {
    const bot = createBot();
    const r = await bot.send("alice", "/commit Write in my journal private");
    expect(r[0]?.visibility).toBe("sender-only");
    await bot.send("alice", "/commit Breathe first", dm("alice"));
    const rows = await allCommitments(bot);
    expect(rows.map((c) => c.visibility)).toEqual(["private", "private"]);
  });

  it("stores an end date", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const text = await bot.say("alice", "/commit Walk daily cadence: daily 07:30 until: 2027-01-31");
    expect(text).toContain("until Sun 31 Jan 2027");
    expect((await commitment(bot)).until).toBe("2027-01-31");
  });

  const refusals: [string, string, RegExp][] = [
    ["bad cadence", "/commit Call mum cadence: every blue moon", /couldn't read|cadence/i],
    ["bad date", "/commit Call mum until: someday", /couldn't read "someday" as a day/],
    ["impossible date", "/commit Call mum until: 2027-02-30", /There is no date "2027-02-30"/],
    ["past date", "/commit Call mum until: 2026-01-01", /already passed/],
    ["past once", "/commit Call mum cadence: once 2026-11-01 10:00", /Sun 1 Nov 2026 has already passed/],
    ["empty promise", "/commit cadence: daily 20:00", /What do you promise\?/],
    ["501-character promise", `/commit ${"a".repeat(501)}`, /501 characters/],
  ];
  it.each(refusals)("refuses a %s and writes nothing", async (_, line, reason) => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const r = await bot.send("alice", line);
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toMatch(reason);
    expect(await allCommitments(bot)).toHaveLength(0);
    expect((await eventsOf(bot)).filter((e) => e.commitmentId !== null)).toHaveLength(0);
  });

  it("checks the promise even when an adapter passes arguments unparsed", async () => {
    const bot = createBot();
    const empty = await bot.engine.handle({
      type: "command",
      name: "commit",
      args: { promise: "  " },
      chat: GROUP,
      from: actor("a"),
    });
    expect(plain(empty)).toMatch(/What do you promise\?/);
    const long = await bot.engine.handle({
      type: "command",
      name: "commit",
      args: { promise: "é".repeat(501) },
      chat: GROUP,
      from: actor("a"),
    });
    expect(plain(long)).toMatch(/501 characters/);
    const step = await bot.engine.handle({
      type: "command",
      name: "commit",
      args: { promise: "x", step: "14" },
      chat: GROUP,
      from: actor("a"),
    });
    expect(plain(step)).toMatch(/steps 1 to 13/);
  });

  it("stops at 50 open commitments", async () => {
    const bot = createBot();
    for (let i = 1; i <= 50; i++) await bot.say("alice", `/commit Promise ${i}`);
    expect(await bot.say("alice", "/commit One too many")).toMatch(/50 open commitments/);
    await bot.say("alice", "/cancel #3");
    expect(await bot.say("alice", "/commit Now it fits")).toContain("Committed #51");
  });
});

describe("/edit", () => {
  it("changes promise, cadence and end date, re-plans, and records the change", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: weekly sun 18:00");
    const text = await bot.say(
      "alice",
      "/edit #1 promise: Call my sister and listen cadence: daily 21:00 until: 2027-03-01",
    );
    expect(text).toContain("Updated #1 Call my sister and listen");
    expect(text).toContain("every day at 21:00 until Mon 1 Mar 2027");
    const c = await commitment(bot);
    expect(c?.nextDueAt).toBe(Date.parse("2026-11-29T21:00:00Z"));
    const edited = (await eventsOf(bot)).find((e) => e.kind === "edited");
    expect(edited?.data).toMatchObject({
      promise: { from: "Call my sister", to: "Call my sister and listen" },
    });
    expect(await bot.say("alice", "/edit #1 until: none")).not.toContain("until");
  });

  it("refuses someone else's commitment, nothing to change, bad values and closed commitments", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister");
    expect(await bot.say("bob", "/edit #1 promise: hacked")).toMatch(
      /You have no commitment #1. Only the person/,
    );
    expect((await commitment(bot)).promise).toBe("Call my sister");
    expect(await bot.say("alice", "/edit #1")).toMatch(/Tell me what to change/);
    expect(await bot.say("alice", "/edit #7 promise: x")).toMatch(/no commitment #7/);
    expect(await bot.say("alice", "/edit #1 cadence: sometimes")).toMatch(/cadence/i);
    expect(await bot.say("alice", "/edit #1 until: soon")).toMatch(/couldn't read "soon" as a day/);
    await bot.say("alice", "/cancel #1");
    expect(await bot.say("alice", "/edit #1 promise: again")).toMatch(/#1 is cancelled/);
  });
});

describe("/pause, /resume and /cancel", () => {
  it("pauses for a while, resumes by itself when the pause ends, and keeps the streak", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm");
    await setCommitment(bot, 1, { streak: 4 });
    expect(await bot.say("alice", "/pause #1 for: 3d")).toContain(
      "Paused #1 Stay calm until Wed 2 Dec 2026, 11:00",
    );
    expect(await commitment(bot)).toMatchObject({ state: "paused", nextDueAt: null });
    expect(await bot.say("alice", "/pause #1")).toMatch(/already paused/);
    bot.clock.advance(2 * 86_400_000);
    expect((await bot.engine.tick(bot.clock.now())).resumed).toBe(0);
    bot.clock.advance(86_400_000);
    expect((await bot.engine.tick(bot.clock.now())).resumed).toBe(1);
    const c = await commitment(bot);
    expect(c).toMatchObject({ state: "active", streak: 4, pausedUntil: null });
    expect(c?.nextDueAt).toBe(Date.parse("2026-12-02T20:00:00Z"));
    expect((await bot.engine.tick(bot.clock.now())).resumed).toBe(0);
  });

  it("pauses until /resume and resumes on request", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm");
    expect(await bot.say("alice", "/pause #1")).toContain("until you /resume it");
    expect(await bot.say("alice", "/resume #1")).toContain(
      "Resumed #1 Stay calm. Next check-in: Sun 29 Nov 2026, 20:00",
    );
    expect(await bot.say("alice", "/resume #1")).toMatch(/isn't paused/);
  });

  it("refuses bad or overlong pauses", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Stay calm");
    expect(await bot.say("alice", "/pause #1 for: a while")).toMatch(/isn't a length of time/);
    expect(await bot.say("alice", "/pause #1 for: 60w")).toMatch(/up to a year/);
    expect(await bot.say("bob", "/pause #1")).toMatch(/no commitment #1/);
  });

  it("cancels, keeps the history, and refuses to cancel twice", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Stay calm");
    expect(await bot.say("alice", "/cancel #1")).toContain("Cancelled #1 Stay calm. Its history stays");
    expect(await commitment(bot)).toMatchObject({ state: "cancelled", nextDueAt: null });
    expect(await bot.say("alice", "/cancel #1")).toMatch(/is cancelled/);
    expect(await bot.say("alice", "/pause #1")).toMatch(/is cancelled/);
    expect(await bot.say("alice", "/history #1")).toContain("cancelled");
  });
});

describe("/status and /history", () => {
  it("lists open commitments with the next check-in in local time", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    expect(await bot.say("alice", "/status")).toMatch(/no open commitments/);
    await bot.say("alice", "/timezone Europe/Berlin");
    await bot.say("alice", "/commit Call my sister cadence: weekly sun 18:00");
    await bot.say("alice", "/commit Stay calm");
    await bot.say("alice", "/pause #2");
    const r = await bot.send("alice", "/status");
    expect(r[0]?.visibility).toBe("sender-only");
    const text = plain(r);
    expect(text).toContain("times in Europe/Berlin");
    expect(text).toContain("#1 Call my sister");
    expect(text).toContain("next check-in Sun 29 Nov 2026, 18:00");
    expect(text).toContain("paused until you /resume it");
  });

  it("shows check-ins and changes", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm");
    await addCheckIn(bot, {
      commitmentId: (await commitmentOf(bot, "alice", 1)).id,
      dueAt: Date.parse("2026-11-28T20:00:00Z"),
      windowEnd: Date.parse("2026-11-29T20:00:00Z"),
      state: "answered",
      answer: "kept",
      note: "took a walk first",
      verdict: "confirmed",
      createdAt: 0,
    });
    await bot.say("alice", "/edit #1 cadence: daily 21:00");
    const text = await bot.say("alice", "/history #1");
    expect(text).toContain(
      "Sat 28 Nov 2026, 20:00: kept ✓ (confirmed by your witness) — “took a walk first”",
    );
    expect(text).toContain("you changed the schedule");
    expect(text).toContain("made");
    expect(await bot.say("alice", "/history #9")).toMatch(/no commitment #9/);
  });
});

describe("who may act", () => {
  it("ignores bots and answers unknown commands and stale buttons", async () => {
    const bot = createBot();
    expect(
      await bot.engine.handle({
        type: "command",
        name: "status",
        args: {},
        chat: GROUP,
        from: { ...actor("r2"), isBot: true },
      }),
    ).toEqual([]);
    expect(
      plain(
        await bot.engine.handle({ type: "command", name: "dance", args: {}, chat: GROUP, from: actor("a") }),
      ),
    ).toMatch(/I don't know \/dance/);
    expect(
      plain(await bot.engine.handle({ type: "click", action: "zz:1", chat: GROUP, from: actor("a") })),
    ).toMatch(/no longer does anything/);
  });

  it("slows a person who sends commands faster than a human would", async () => {
    const bot = createBot("2026-11-29T11:00:00Z", { rateLimit: { max: 3, windowMs: 10_000 } });
    for (let i = 0; i < 3; i++) expect(await bot.say("alice", "/status")).not.toMatch(/faster/);
    expect(await bot.say("alice", "/status")).toMatch(/faster than I can follow/);
    expect(await bot.say("bob", "/status")).not.toMatch(/faster/);
    bot.clock.advance(10_001);
    expect(await bot.say("alice", "/status")).not.toMatch(/faster/);
  });

  it("answers an unexpected failure with a fixed apology that leaks nothing", async () => {
    const bot = createBot();
    await breakHistory(bot);
    const r = await bot.send("alice", "/commit Secret words here");
    expect(plain(r)).toBe(
      "Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.",
    );
    expect(await allCommitments(bot)).toHaveLength(0);
  });
});
