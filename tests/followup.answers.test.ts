import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { computeStats } from "../src/engine/stats";
import { STEP_13_QUESTION } from "../src/steps";
import { at, checkInsOf, commitment, H, iso, jumpTo, kind, MIN } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";

/** Sunday 29 Nov 2026, 11:00 UTC; alice's #1 is due daily at 12:00 UTC. */
async function withOpenCheckIn(cadence = "daily 12:00", extra = "") {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", `/commit Call my sister cadence: ${cadence}${extra}`);
  const prompts = await bot.advance(H);
  expect(prompts.map((d) => kind(d.purpose))).toEqual(["prompt"]);
  return bot;
}

describe("/checkin", () => {
  it("answers #n, or the only open check-in, and says which when several are open", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.say("alice", "/commit Walk cadence: daily 12:30");
    await bot.advance(1.5 * H);
    expect((await checkInsOf(bot, 1)).map((c) => c.state)).toEqual(["pending"]);
    expect((await checkInsOf(bot, 2)).map((c) => c.state)).toEqual(["pending"]);

    // Several open and none named: the bot asks which, and records nothing yet (tests/guided.checkin.test.ts).
    const which = await bot.send("alice", "/checkin kept");
    expect(which[0]?.visibility).toBe("sender-only");
    expect(plain(which)).toMatch(/^Which one\?/);
    expect(which[0]?.buttons?.flat().map((b) => b.label)).toEqual(["#1 Call my sister", "#2 Walk"]);
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");

    const first = await bot.send("alice", "/checkin #1 kept Called her after work");
    // The group reads that it was kept; the note's acknowledgement is alice's alone.
    expect(first.map((r) => [r.visibility, plain([r])])).toEqual([
      ["chat", "✓ alice checked in on #1 Call my sister."],
      ["sender-only", "Your note is saved with your check-in on #1."],
    ]);
    expect((await checkInsOf(bot, 1))[0]).toMatchObject({
      state: "answered",
      answer: "kept",
      note: "Called her after work",
      answeredAt: at("2026-11-29T12:30:00Z"),
    });
    expect((await checkInsOf(bot, 2))[0]?.state).toBe("pending");

    // Only #2 is open now, so no number is needed.
    expect(await bot.say("alice", "/checkin partly Short walk")).toContain(
      "Noted as partly kept for #2 Walk",
    );
    expect((await checkInsOf(bot, 2))[0]).toMatchObject({
      state: "answered",
      answer: "partly",
      note: "Short walk",
    });

    expect(await bot.say("alice", "/checkin kept")).toBe(
      "You have no open check-in right now. /status shows when the next is.",
    );
    expect(await bot.say("alice", "/checkin #1 kept")).toBe(
      "#1 has no open check-in right now. The next is Mon 30 Nov 2026, 12:00.",
    );
    expect(await bot.say("alice", "/checkin #7 kept")).toMatch(/You have no commitment #7/);
    // bob has no commitments and nothing open.
    expect(await bot.say("bob", "/checkin kept")).toMatch(/no open check-in/);
  });

  it("refuses a note over 1000 characters, from the parser and in the engine, and keeps 1000", async () => {
    const bot = await withOpenCheckIn();
    const parsed = await bot.send("alice", `/checkin #1 kept ${"a".repeat(1001)}`);
    expect(parsed[0]?.visibility).toBe("sender-only");
    expect(plain(parsed)).toMatch(/That note is 1001 characters; please keep it to 1000/);

    // Discord hands the engine typed options, so the engine checks the length itself (as a person counts).
    const direct = await bot.engine.handle({
      type: "command",
      name: "checkin",
      args: { answer: "kept", note: "🙂".repeat(1001) },
      chat: GROUP,
      from: actor("alice"),
    });
    expect(direct[0]?.visibility).toBe("sender-only");
    expect(plain(direct)).toBe(
      "That note is 1001 characters; please keep it to 1000. For example: /checkin #1 kept Called her after work",
    );
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");

    const ok = await bot.engine.handle({
      type: "command",
      name: "checkin",
      args: { answer: "kept", note: "🙂".repeat(1000) },
      chat: GROUP,
      from: actor("alice"),
    });
    expect(plain(ok)).toContain("checked in");
    expect((await checkInsOf(bot, 1))[0]?.note).toBe("🙂".repeat(1000));
  });

  it("refuses an answer that isn't kept, partly or missed", async () => {
    const bot = await withOpenCheckIn();
    const r = await bot.engine.handle({
      type: "command",
      name: "checkin",
      args: { answer: "maybe" },
      chat: GROUP,
      from: actor("alice"),
    });
    expect(plain(r)).toMatch(/Answer with kept, partly or missed/);
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");
  });
});

describe("what each answer shows, and to whom", () => {
  it("shows a kept answer on a group commitment in the chat; partly and missed only to the sender", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    await bot.say("alice", "/commit Stay calm cadence: daily 12:00");
    const prompts = await bot.advance(H);
    expect(prompts.map((d) => [kind(d.purpose), d.to.chatKind, d.to.chatId])).toEqual([
      ["prompt", "group", "group"],
      ["prompt", "group", "group"],
      ["prompt", "group", "group"],
    ]);

    const kept = await bot.send("alice", "/checkin #1 kept");
    expect(kept).toHaveLength(1);
    expect(kept[0]?.visibility).toBe("chat");
    expect(plain(kept)).toBe("✓ alice checked in on #1 Call my sister.");

    const partly = await bot.click("alice", prompts[1]?.message, "Partly");
    expect(partly[0]?.visibility).toBe("sender-only");
    expect(plain(partly)).toBe(
      "Noted as partly kept for #2 Walk. Part of it counts. What would help with the rest?",
    );

    expect(STEP_13_QUESTION).toMatch(/\?$/);
    const missed = await bot.click("alice", prompts[2]?.message, "Missed");
    expect(missed).toHaveLength(1);
    expect(missed[0]?.visibility).toBe("sender-only");
    expect(plain(missed)).toBe(
      `Noted as missed for #3 Stay calm. The next check-in is Mon 30 Nov 2026, 12:00. ${STEP_13_QUESTION}`,
    );
    expect((await checkInsOf(bot, 3))[0]).toMatchObject({ state: "answered", answer: "missed" });

    // No witness: nothing is queued for anyone by these answers.
    expect(await bot.deliver()).toEqual([]);
  });

  it("sends a private commitment's prompt and reminder to the owner's DM, and answers only the sender", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Journal cadence: daily 12:00 private");
    await bot.say("alice", "/commit Breathe cadence: daily 12:00", dm("alice"));
    const out = await bot.advance(13 * H);
    expect(out.map((d) => [iso(d.at), kind(d.purpose), { ...d.to, fallbackReply: undefined }])).toEqual([
      [
        "2026-11-29T12:00:00.000Z",
        "prompt",
        {
          platform: "console",
          chatKind: "dm",
          // alice has written to the bot directly since, so her DM is known.
          chatId: "dm:alice",
          personId: "alice",
          personName: "alice",
          fallbackChatId: "group",
        },
      ],
      // Made in the DM: the DM is known, and there is no group to fall back to.
      [
        "2026-11-29T12:00:00.000Z",
        "prompt",
        { platform: "console", chatKind: "dm", chatId: "dm:alice", personId: "alice", personName: "alice" },
      ],
      ["2026-11-30T00:00:00.000Z", "remind", expect.objectContaining({ chatKind: "dm", personId: "alice" })],
      ["2026-11-30T00:00:00.000Z", "remind", expect.objectContaining({ chatKind: "dm", personId: "alice" })],
    ]);
    const kept = await bot.click("alice", out[0]?.message, "Kept", dm("alice"));
    expect(kept[0]?.visibility).toBe("sender-only");
    expect(plain(kept)).toBe("✓ You checked in on #1 Journal.");
  });

  it("refuses someone else's click politely, only to them, and leaves the check-in open", async () => {
    const bot = await withOpenCheckIn();
    const prompt = bot.lastWith("Kept");
    for (const label of ["Kept", "Partly", "Missed"]) {
      const r = await bot.click("bob", prompt, label);
      expect(r[0]?.visibility).toBe("sender-only");
      expect(plain(r)).toBe(NOT_FOR_YOU);
    }
    expect((await checkInsOf(bot, 1))[0]).toMatchObject({ state: "pending", answer: null });
    expect(await bot.deliver()).toEqual([]);
  });

  it("refuses a second answer, by button or command, and a click on a window that closed", async () => {
    const bot = await withOpenCheckIn();
    const prompt = bot.lastWith("Kept");
    await bot.click("alice", prompt, "Kept");
    const again = await bot.click("alice", prompt, "Missed");
    expect(again[0]?.visibility).toBe("sender-only");
    expect(plain(again)).toBe("That check-in is already answered.");
    expect(await bot.say("alice", "/checkin #1 missed")).toMatch(/#1 has no open check-in right now/);
    expect((await checkInsOf(bot, 1))[0]).toMatchObject({ state: "answered", answer: "kept" });
    expect((await commitment(bot)).streak).toBe(1);

    // The next day's window closes unanswered; its buttons then say so.
    await bot.advance(24 * H);
    const second = bot.lastWith("Kept");
    await bot.advance(24 * H);
    expect((await checkInsOf(bot, 1)).map((c) => c.state)).toEqual(["answered", "missed", "pending"]);
    expect(plain(await bot.click("alice", second, "Kept"))).toBe("That check-in is already closed.");
  });

  it("cancels the pending reminder when the check-in is answered", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    const prompts = await bot.advance(H + 5 * MIN);
    const [first, second] = (await checkInsOf(bot, 1)).concat(await checkInsOf(bot, 2));
    // Halfway is midnight, inside quiet hours, so both reminders were planned for 08:00.
    expect(first?.remindAt).toBe(at("2026-11-30T08:00:00Z"));
    const prompt = prompts.find((d) => d.purpose === `prompt:${first?.id}`);
    await bot.click("alice", prompt?.message, "Kept");
    expect((await checkInsOf(bot, 1))[0]?.remindAt).toBeNull();

    const day = await bot.advance(23 * H);
    const reminders = day.filter((d) => kind(d.purpose) === "remind");
    // Only the unanswered #2 is reminded.
    expect(reminders.map((d) => [iso(d.at), d.purpose])).toEqual([
      ["2026-11-30T08:00:00.000Z", `remind:${second?.id}:${at("2026-11-30T08:00:00Z")}`],
    ]);
    expect(reminders[0]?.text).toBe(
      "@alice, your check-in on #2 Walk is waiting for an answer until 12:00 today.",
    );
    expect(day.some((d) => d.purpose === `remind:${first?.id}`)).toBe(false);
  });
});

describe("/snooze and Snooze 1h", () => {
  it("/snooze 30 moves the reminder to 30 minutes from now, and it goes out then, once", async () => {
    const bot = await withOpenCheckIn();
    await bot.advance(10 * MIN);
    const r = await bot.send("alice", "/snooze 30");
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toBe("I'll remind you about #1 at 12:40.");
    expect((await checkInsOf(bot, 1))[0]?.remindAt).toBe(at("2026-11-29T12:40:00Z"));
    const out = await bot.advance(23 * H);
    expect(out.filter((d) => kind(d.purpose) === "remind").map((d) => iso(d.at))).toEqual([
      "2026-11-29T12:40:00.000Z",
    ]);
  });

  it("the Snooze 1h button moves the reminder an hour on", async () => {
    const bot = await withOpenCheckIn();
    await bot.advance(10 * MIN);
    const r = await bot.click("alice", bot.lastWith("Snooze 1h"), "Snooze 1h");
    expect(plain(r)).toBe("I'll remind you about #1 at 13:10.");
    const out = await bot.advance(2 * H);
    const reminders = out.filter((d) => kind(d.purpose) === "remind");
    expect(reminders.map((d) => [iso(d.at), d.to.chatKind])).toEqual([["2026-11-29T13:10:00.000Z", "group"]]);
    // The reminder carries the answer buttons too.
    expect(reminders[0]?.message.buttons?.flat().map((b) => b.label)).toEqual([
      "Kept",
      "Partly",
      "Missed",
      "Snooze 1h",
    ]);
  });

  it("sends no reminder when the snooze would end after the window closes", async () => {
    // Two check-ins a day: the 12:00 window closes at 14:00, its reminder is due at 13:00.
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Call my sister cadence: cron 0 12,14 * * *");
    await bot.advance(H + 30 * MIN);
    const ci = (await checkInsOf(bot, 1))[0];
    expect(ci?.remindAt).toBe(at("2026-11-29T13:00:00Z"));
    expect(ci?.windowEnd).toBe(at("2026-11-29T14:00:00Z"));
    expect(await bot.say("alice", "/snooze 120")).toBe(
      "That would be after this check-in closes (14:00), so no more reminders for it. You can still answer until then.",
    );
    const out = await bot.advance(2 * H);
    expect(out.some((d) => d.purpose === `remind:${ci?.id}`)).toBe(false);
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("missed");
  });

  it("refuses with no open check-in, someone else's Snooze click, and a closed check-in", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    expect(await bot.say("alice", "/snooze 30")).toBe("You have no open check-in to snooze.");
    await bot.advance(H);
    const prompt = bot.lastWith("Snooze 1h");
    const remindAt = (await checkInsOf(bot, 1))[0]?.remindAt;
    const other = await bot.click("bob", prompt, "Snooze 1h");
    expect(other[0]?.visibility).toBe("sender-only");
    expect(plain(other)).toBe(NOT_FOR_YOU);
    expect(await bot.say("bob", "/snooze 30")).toBe("You have no open check-in to snooze.");
    expect((await checkInsOf(bot, 1))[0]?.remindAt).toBe(remindAt);
    expect(await bot.say("alice", "/snooze 4")).toMatch(/between 5 and 720/);

    await bot.click("alice", prompt, "Kept");
    expect(plain(await bot.click("alice", prompt, "Snooze 1h"))).toBe("That check-in is already answered.");
    expect(await bot.say("alice", "/snooze")).toBe("You have no open check-in to snooze.");
  });
});

describe("streaks and the consistency figure", () => {
  it("kept extends the streak, partly keeps it, missed breaks it, skipped does not count", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const day = (n: number) => at("2026-11-29T12:00:00Z") + n * 24 * H;
    const answers: [string, number, number][] = [
      // answer, streak after, consistency after (see the formula in stats.ts)
      ["kept", 1, 100],
      ["kept", 2, 100],
      ["partly", 2, 79.5],
      ["kept", 3, 86.4],
      ["missed", 0, 60.7],
      ["kept", 1, 71.4],
    ];
    for (const [i, [answer, streak, trust]] of answers.entries()) {
      await jumpTo(bot, day(i));
      // Answered in alice's own chat, where the streak is said to her.
      const reply = await bot.say("alice", `/checkin ${answer}`, dm("alice"));
      if (answer === "kept" && streak > 1) expect(reply).toContain(`That's ${streak} in a row.`);
      expect([(await commitment(bot)).streak, (await commitment(bot)).consistency]).toEqual([streak, trust]);
    }
    expect(await bot.say("alice", "/status")).toContain(
      "streak 1 · consistency 71: kept 3 of the last 5, partly kept 1; missed 1",
    );

    // The bot is down for three days: two occurrences are skipped and change nothing.
    bot.clock.ms = day(8) + H;
    const report = await bot.engine.tick(bot.clock.now());
    expect(report).toMatchObject({ opened: 1, skipped: 2 });
    await bot.say("alice", "/checkin kept");
    // The two skipped occurrences are one range row.
    expect((await checkInsOf(bot, 1)).map((c) => [c.state, c.skippedCount])).toEqual([
      ...Array(6).fill(["answered", null]),
      ["skipped", 2],
      ["answered", null],
    ]);
    // kept, kept, missed, kept, partly, kept, kept: the streak runs on past the skipped days.
    expect((await commitment(bot)).streak).toBe(2);
    expect((await commitment(bot)).consistency).toBe(78.6);
  });

  it("an unanswered window closes as missed, breaks the streak and lowers consistency", async () => {
    const bot = await withOpenCheckIn();
    await bot.say("alice", "/checkin kept");
    await bot.advance(48 * H);
    expect((await checkInsOf(bot, 1)).map((c) => c.state)).toEqual(["answered", "missed", "pending"]);
    // newest first: missed (1), kept (0.8) → 0.8 / 1.8
    expect([(await commitment(bot)).streak, (await commitment(bot)).consistency]).toEqual([0, 44.4]);
  });
});

describe("computeStats", () => {
  const k = (verdict: "confirmed" | "disputed" | "unsure" | null = null) =>
    ({ state: "answered", answer: "kept", verdict }) as const;
  const p = (verdict: "confirmed" | "disputed" | null = null) =>
    ({ state: "answered", answer: "partly", verdict }) as const;
  const m = { state: "missed", answer: null, verdict: null } as const;
  const said = { state: "answered", answer: "missed", verdict: null } as const;
  const skipped = { state: "skipped", answer: null, verdict: null } as const;
  const pending = { state: "pending", answer: null, verdict: null } as const;

  it("has no consistency figure before any answer", () => {
    expect(computeStats([])).toEqual({ streak: 0, verifiedStreak: 0, missesInRow: 0, consistency: null });
    expect(computeStats([pending, skipped])).toEqual({
      streak: 0,
      verifiedStreak: 0,
      missesInRow: 0,
      consistency: null,
    });
  });

  it("counts the streak from the newest: partly neither extends nor breaks, a miss breaks", () => {
    expect(computeStats([k(), k(), k()]).streak).toBe(3);
    expect(computeStats([k(), p(), k()]).streak).toBe(2);
    expect(computeStats([p(), p()]).streak).toBe(0);
    expect(computeStats([k(), m, k(), k()]).streak).toBe(1);
    expect(computeStats([k(), said, k()]).streak).toBe(1);
    expect(computeStats([m, k(), k()]).streak).toBe(0);
    // Skipped and pending check-ins are ignored entirely.
    expect(computeStats([pending, k(), skipped, skipped, k()]).streak).toBe(2);
    // A disputed kept counts as a miss.
    expect(computeStats([k(), k("disputed"), k()]).streak).toBe(1);
  });

  it("counts the verified streak from confirmed kept check-ins only", () => {
    expect(computeStats([k("confirmed"), k("confirmed")]).verifiedStreak).toBe(2);
    // Waiting for a verdict, or unsure, neither extends nor breaks it.
    expect(computeStats([k(), k("confirmed"), k("unsure"), k("confirmed")])).toMatchObject({
      streak: 4,
      verifiedStreak: 2,
    });
    expect(computeStats([k("confirmed"), p("confirmed"), k("confirmed")]).verifiedStreak).toBe(2);
    expect(computeStats([k("confirmed"), m, k("confirmed")]).verifiedStreak).toBe(1);
    expect(computeStats([k("confirmed"), k("disputed"), k("confirmed")]).verifiedStreak).toBe(1);
  });

  it("counts misses in a row, disputes included", () => {
    expect(computeStats([m, said, k()]).missesInRow).toBe(2);
    expect(computeStats([m, k("disputed"), m, k()]).missesInRow).toBe(3);
    expect(computeStats([k(), m, m]).missesInRow).toBe(0);
    expect(computeStats([skipped, m, skipped, m]).missesInRow).toBe(2);
  });

  it("weighs answers by 0.8 per newer answer, confirmed double, disputed as missed", () => {
    expect(computeStats([k()]).consistency).toBe(100);
    expect(computeStats([p()]).consistency).toBe(50);
    expect(computeStats([m]).consistency).toBe(0);
    // (0·1 + 1·0.8) / (1 + 0.8)
    expect(computeStats([m, k()]).consistency).toBe(44.4);
    // (1·1 + 0·0.8) / 1.8
    expect(computeStats([k(), m]).consistency).toBe(55.6);
    // confirmed weighs 2: (1·2 + 0·0.8) / 2.8
    expect(computeStats([k("confirmed"), m]).consistency).toBe(71.4);
    // (0 + 2·0.8) / (1 + 1.6): the console script shows this as 62/100
    expect(computeStats([m, k("confirmed")]).consistency).toBe(61.5);
    expect(computeStats([k("disputed")]).consistency).toBe(0);
    // (0.5·1 + 1·0.8 + 0·0.64) / 2.44
    expect(computeStats([p(), k(), said]).consistency).toBe(53.3);
    // Skipped and pending check-ins take no weight and age nothing.
    expect(computeStats([pending, m, skipped, skipped, k()]).consistency).toBe(44.4);
    // A lapse fades: after five kept answers the miss weighs 0.8⁵.
    const fading = computeStats([k(), k(), k(), k(), k(), m]).consistency ?? 0;
    const expected = (1 + 0.8 + 0.64 + 0.512 + 0.4096) / (1 + 0.8 + 0.64 + 0.512 + 0.4096 + 0.32768);
    expect(fading).toBe(Math.round(1000 * expected) / 10);
    expect(fading).toBe(91.1);
  });
});
