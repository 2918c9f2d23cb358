import { describe, expect, it } from "vitest";
import { at, checkInsOf, commitment, DAY, H, iso, jumpTo, kind, MIN } from "./support/followup";
import { createBot, plain } from "./support/harness";

/** Delivery instants of the prompts of commitment #n (matched by the prompt text). */
function promptTimes(out: { at: number; purpose: string; text: string }[], n: number) {
  return out.filter((d) => kind(d.purpose) === "prompt" && d.text.includes(`#${n} `)).map((d) => iso(d.at));
}

describe("quiet hours", () => {
  it("hold a prompt due at 23:00 until 08:00; the reminder goes halfway through what is left", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 23:00");
    const out = await bot.advance(DAY + 5 * H);
    // The prompt waits for 08:00; the reminder goes halfway between it and the window's end (23:00).
    expect(out.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([
      ["2026-11-30T08:00:00.000Z", "prompt"],
      ["2026-11-30T15:30:00.000Z", "remind"],
    ]);
    // The check-in is still due at 23:00: the window runs from then.
    expect((await checkInsOf(bot))[0]).toMatchObject({
      dueAt: at("2026-11-29T23:00:00Z"),
      windowEnd: at("2026-11-30T23:00:00Z"),
    });
  });

  it("record a check-in whose whole window falls in them as skipped, and send nothing for it", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    // The 23:00 window closes at 05:00, before quiet hours end; the 05:00 one runs until 23:00.
    await bot.say("alice", "/commit Call my sister cadence: cron 0 5,23 * * *");
    const out = await bot.advance(DAY);
    expect(out.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([["2026-11-30T08:00:00.000Z", "prompt"]]);
    expect((await checkInsOf(bot)).map((c) => [iso(c.dueAt), c.state])).toEqual([
      ["2026-11-29T23:00:00.000Z", "skipped"],
      ["2026-11-30T05:00:00.000Z", "pending"],
    ]);
    expect((await commitment(bot)).streak).toBe(0);
    expect((await commitment(bot)).consistency).toBeNull();
  });

  it("hold nothing with /quiet off", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    expect(await bot.say("alice", "/quiet off")).toMatch(/^Quiet hours are off/);
    await bot.say("alice", "/commit Call my sister cadence: daily 23:00");
    const out = await bot.advance(DAY + H);
    expect(out.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([
      ["2026-11-29T23:00:00.000Z", "prompt"],
      ["2026-11-30T11:00:00.000Z", "remind"],
    ]);
  });

  it("follow the owner's own hours and zone", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/timezone Europe/Berlin");
    await bot.say("alice", "/commit Call my sister cadence: daily 23:00");
    await bot.say("bob", "/quiet 13:00-14:00");
    await bot.say("bob", "/commit Lunch walk cadence: daily 13:30");
    const out = await bot.advance(DAY);
    // 23:00 in Berlin is 22:00 UTC; 08:00 in Berlin is 07:00 UTC. bob's 13:30 waits for 14:00.
    expect(
      out.filter((d) => kind(d.purpose) === "prompt").map((d) => [iso(d.at), d.text.slice(0, 6)]),
    ).toEqual([
      ["2026-11-29T14:00:00.000Z", "@bob, "],
      ["2026-11-30T07:00:00.000Z", "@alice"],
    ]);
  });
});

describe("DST weeks", () => {
  /** alice in `zone` with quiet hours off and two daily commitments, run minute by minute from `from` to `to`. */
  async function run(zone: string, times: [string, string], from: string, to: string) {
    const bot = createBot(from);
    await bot.say("alice", `/timezone ${zone}`);
    await bot.say("alice", "/quiet off");
    await bot.say("alice", `/commit First cadence: daily ${times[0]}`);
    await bot.say("alice", `/commit Second cadence: daily ${times[1]}`);
    const out = await bot.advance(at(to) - bot.clock.ms);
    // Each prompt leaves at its check-in's due time.
    const due = [...(await checkInsOf(bot, 1)), ...(await checkInsOf(bot, 2))]
      .map((c) => c.dueAt)
      .sort((a, b) => a - b);
    const sent = out.filter((d) => kind(d.purpose) === "prompt").map((d) => d.at);
    expect(sent).toEqual(due);
    return { first: promptTimes(out, 1), second: promptTimes(out, 2) };
  }

  it("Europe/Berlin, spring forward (28 Mar 2027): 02:30 fires at 03:00 CEST", async () => {
    const r = await run("Europe/Berlin", ["20:00", "02:30"], "2027-03-26T12:00:00Z", "2027-03-30T00:00:00Z");
    expect(r.first).toEqual([
      "2027-03-26T19:00:00.000Z",
      "2027-03-27T19:00:00.000Z",
      "2027-03-28T18:00:00.000Z",
      "2027-03-29T18:00:00.000Z",
    ]);
    expect(r.second).toEqual([
      "2027-03-27T01:30:00.000Z",
      "2027-03-28T01:00:00.000Z",
      "2027-03-29T00:30:00.000Z",
    ]);
  });

  it("Europe/Berlin, fall back (25 Oct 2026): 02:30 fires once, at the first", async () => {
    const r = await run("Europe/Berlin", ["20:00", "02:30"], "2026-10-23T12:00:00Z", "2026-10-27T00:00:00Z");
    expect(r.first).toEqual([
      "2026-10-23T18:00:00.000Z",
      "2026-10-24T18:00:00.000Z",
      "2026-10-25T19:00:00.000Z",
      "2026-10-26T19:00:00.000Z",
    ]);
    expect(r.second).toEqual([
      "2026-10-24T00:30:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  it("America/New_York, spring forward (14 Mar 2027): 02:30 fires at 03:00 EDT", async () => {
    const r = await run(
      "America/New_York",
      ["20:00", "02:30"],
      "2027-03-12T12:00:00Z",
      "2027-03-15T23:00:00Z",
    );
    expect(r.first).toEqual([
      "2027-03-13T01:00:00.000Z",
      "2027-03-14T01:00:00.000Z",
      "2027-03-15T00:00:00.000Z",
    ]);
    expect(r.second).toEqual([
      "2027-03-13T07:30:00.000Z",
      "2027-03-14T07:00:00.000Z",
      "2027-03-15T06:30:00.000Z",
    ]);
  });

  it("America/New_York, fall back (1 Nov 2026): 01:30 fires once, at the first", async () => {
    const r = await run(
      "America/New_York",
      ["20:00", "01:30"],
      "2026-10-30T12:00:00Z",
      "2026-11-03T00:00:00Z",
    );
    expect(r.first).toEqual([
      "2026-10-31T00:00:00.000Z",
      "2026-11-01T00:00:00.000Z",
      "2026-11-02T01:00:00.000Z",
    ]);
    expect(r.second).toEqual([
      "2026-10-31T05:30:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
    ]);
  });
});

describe("the graduated ladder", () => {
  const day = (n: number) => at("2026-11-29T20:00:00Z") + n * DAY;

  /** alice's #1 `graduated 20:00`, kept for seven days (29 Nov – 5 Dec). */
  async function sevenKept() {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm when we talk cadence: graduated 20:00");
    for (let i = 0; i < 7; i++) {
      const out = await jumpTo(bot, day(i));
      expect(out.map((d) => kind(d.purpose))).toEqual(["prompt"]);
      await bot.say("alice", "/checkin kept");
      if (i < 6) {
        expect((await commitment(bot)).cadenceState).toEqual({
          phase: 0,
          keptInPhase: i + 1,
          missesInRow: 0,
        });
        expect((await commitment(bot)).nextDueAt).toBe(day(i + 1));
      }
    }
    return bot;
  }

  it("moves from daily to every 3 days after 7 kept check-ins", async () => {
    const bot = await sevenKept();
    expect(await commitment(bot)).toMatchObject({
      cadenceState: { phase: 1, keptInPhase: 0, missesInRow: 0 },
      anchor: "2026-12-05",
      nextDueAt: at("2026-12-08T20:00:00Z"),
      streak: 7,
    });
    expect(await bot.say("alice", "/status")).toContain("next check-in Tue 8 Dec 2026, 20:00");
    // Nothing on the days in between.
    const out = await bot.advance(3 * DAY);
    expect(promptTimes(out, 1)).toEqual(["2026-12-08T20:00:00.000Z"]);
  });

  it("goes back a phase after two misses in a row, and one miss only resets the count", async () => {
    const bot = await sevenKept();
    // 8 Dec: kept; 11 Dec: missed (answered); 14 Dec: kept — a single miss does not move it back.
    await jumpTo(bot, at("2026-12-08T20:00:00Z"));
    await bot.say("alice", "/checkin kept");
    expect((await commitment(bot)).cadenceState).toEqual({ phase: 1, keptInPhase: 1, missesInRow: 0 });
    await jumpTo(bot, at("2026-12-11T20:00:00Z"));
    await bot.say("alice", "/checkin missed");
    expect((await commitment(bot)).cadenceState).toEqual({ phase: 1, keptInPhase: 0, missesInRow: 1 });
    await jumpTo(bot, at("2026-12-14T20:00:00Z"));
    await bot.say("alice", "/checkin kept");
    expect((await commitment(bot)).cadenceState).toEqual({ phase: 1, keptInPhase: 1, missesInRow: 0 });
    expect((await commitment(bot)).nextDueAt).toBe(at("2026-12-17T20:00:00Z"));

    // 17 Dec goes unanswered (its window closes on the 18th), then 20 Dec is answered missed.
    await jumpTo(bot, at("2026-12-17T20:00:00Z"));
    await jumpTo(bot, at("2026-12-18T20:00:00Z"));
    expect((await checkInsOf(bot)).at(-1)?.state).toBe("missed");
    expect((await commitment(bot)).cadenceState).toEqual({ phase: 1, keptInPhase: 0, missesInRow: 1 });
    await jumpTo(bot, at("2026-12-20T20:00:00Z"));
    await bot.say("alice", "/checkin missed");
    // Back to daily, counted from the day of the second miss.
    expect(await commitment(bot)).toMatchObject({
      cadenceState: { phase: 0, keptInPhase: 0, missesInRow: 0 },
      anchor: "2026-12-20",
      nextDueAt: at("2026-12-21T20:00:00Z"),
    });
    const out = await bot.advance(2 * DAY + MIN);
    expect(promptTimes(out, 1)).toEqual(["2026-12-21T20:00:00.000Z", "2026-12-22T20:00:00.000Z"]);
  });

  it("goes back a phase when the second window closes unanswered", async () => {
    const bot = await sevenKept();
    await jumpTo(bot, at("2026-12-08T20:00:00Z"));
    await jumpTo(bot, at("2026-12-09T20:00:00Z"));
    await jumpTo(bot, at("2026-12-11T20:00:00Z"));
    await jumpTo(bot, at("2026-12-12T20:00:00Z"));
    expect((await checkInsOf(bot)).slice(-2).map((c) => c.state)).toEqual(["missed", "missed"]);
    expect(await commitment(bot)).toMatchObject({
      cadenceState: { phase: 0, keptInPhase: 0, missesInRow: 0 },
      anchor: "2026-12-11",
      // The daily occurrence at the very instant the window closed has passed: the next is a day on.
      nextDueAt: at("2026-12-13T20:00:00Z"),
    });
  });

  it("stays daily after two misses in the first phase", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm cadence: graduated 20:00");
    await bot.advance(2 * DAY);
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["missed", "pending"]);
    await bot.say("alice", "/checkin missed");
    expect(await commitment(bot)).toMatchObject({
      cadenceState: { phase: 0, keptInPhase: 0, missesInRow: 0 },
      nextDueAt: at("2026-12-01T20:00:00Z"),
    });
  });
});

describe("completion", () => {
  it("a once commitment completes after its answer", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Tell her the whole story cadence: once 2026-12-01 18:00");
    const out = await bot.advance(2 * DAY + 8 * H);
    expect(out.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([["2026-12-01T18:00:00.000Z", "prompt"]]);
    expect(await commitment(bot)).toMatchObject({ state: "active", nextDueAt: null });
    await bot.say("alice", "/checkin kept");
    expect((await commitment(bot)).state).toBe("completed");
    const done = await bot.deliver();
    expect(done.map((d) => [kind(d.purpose), d.to.chatKind, d.text])).toEqual([
      [
        "completed",
        "dm",
        "#1 Tell her the whole story is done: you kept it. Thank you for seeing it through.",
      ],
    ]);
    // Just ended: /status says how, not "You have no open commitments".
    expect(await bot.say("alice", "/status")).toMatch(
      /^Ended in the last 7 days\n#1 .* — ended Tue 1 Dec: kept it\n/,
    );
    expect(await bot.say("alice", "/history #1")).toContain("completed");
    // Nothing more is ever sent for it.
    expect(await bot.advance(3 * DAY)).toEqual([]);
  });

  it("a once commitment left unanswered completes when its window closes", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Tell her cadence: once 2026-11-29 18:00 private");
    await bot.advance(DAY + 7 * H - MIN);
    expect((await commitment(bot)).state).toBe("active");
    const out = await bot.advance(MIN);
    expect(out.map((d) => [iso(d.at), kind(d.purpose), d.to.chatKind])).toEqual([
      ["2026-11-30T18:00:00.000Z", "completed", "dm"],
    ]);
    expect((await commitment(bot)).state).toBe("completed");
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["missed"]);
  });

  it("an until: commitment completes after its last window closes", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Walk cadence: daily 12:00 until: 2026-11-30");
    const days = await bot.advance(2 * DAY + H - MIN);
    expect(promptTimes(days, 1)).toEqual(["2026-11-29T12:00:00.000Z", "2026-11-30T12:00:00.000Z"]);
    // The last check-in is open until 12:00 on 1 Dec.
    expect(await commitment(bot)).toMatchObject({ state: "active", nextDueAt: null });
    expect((await checkInsOf(bot)).at(-1)).toMatchObject({
      state: "pending",
      windowEnd: at("2026-12-01T12:00:00Z"),
    });
    const end = await bot.advance(MIN);
    expect(end.map((d) => [iso(d.at), kind(d.purpose), d.text])).toEqual([
      [
        "2026-12-01T12:00:00.000Z",
        "completed",
        "#1 Walk reached its end date. Most of its check-ins went unanswered. If you'd like a look back, " +
          "/history #1 has it; /commit starts a new one when you're ready.",
      ],
    ]);
    expect((await commitment(bot)).state).toBe("completed");
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["missed", "missed"]);
    expect((await bot.advance(2 * DAY)).filter((d) => kind(d.purpose) === "prompt")).toEqual([]);
  });

  it("an until: commitment answered on its last check-in completes at once", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Walk cadence: daily 12:00 until: 2026-11-29");
    await bot.advance(H);
    await bot.say("alice", "/checkin partly");
    expect((await commitment(bot)).state).toBe("completed");
    expect((await bot.deliver()).map((d) => kind(d.purpose))).toEqual(["completed"]);
  });
});

describe("a timed pause", () => {
  it("sends nothing while paused and resumes by itself when it ends", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    expect(await bot.say("alice", "/pause #1 for: 2d")).toBe(
      "Paused #1 Call my sister until Tue 1 Dec 2026, 11:00. No check-ins meanwhile, and your streak stays as it is.",
    );
    const paused = await bot.advance(2 * DAY - MIN);
    expect(paused).toEqual([]);
    expect(await commitment(bot)).toMatchObject({ state: "paused", nextDueAt: null });
    const resumed = await bot.advance(MIN);
    expect(resumed).toEqual([]);
    expect(await commitment(bot)).toMatchObject({
      state: "active",
      pausedUntil: null,
      nextDueAt: at("2026-12-01T12:00:00Z"),
    });
    const out = await bot.advance(H);
    expect(out.map((d) => [iso(d.at), kind(d.purpose)])).toEqual([["2026-12-01T12:00:00.000Z", "prompt"]]);
    expect(await bot.say("alice", "/history #1")).toContain("resumed after its pause");
    expect(await checkInsOf(bot)).toHaveLength(1);
  });
});

describe("never shaming", () => {
  it("never announces a miss in the group, whatever happens", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const replies: { text: string; visibility: string }[] = [];
    const say = async (name: string, line: string) => {
      for (const r of await bot.send(name, line))
        replies.push({ text: plain([r]), visibility: r.visibility });
    };
    await say("alice", "/commit Call my sister cadence: daily 12:00");
    await say("alice", "/commit Walk cadence: daily 18:00 until: 2026-12-03");
    await say("alice", "/commit Breathe cadence: daily 09:00 private");
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    await bot.click("bob", invite, "Accept");
    // A week of mostly missed check-ins, some answered "missed", one kept and disputed.
    for (let d = 0; d < 8; d++) {
      await bot.advance(DAY);
      if (d === 1) await say("alice", "/checkin #1 missed");
      if (d === 2) await say("alice", "/checkin #2 missed");
      if (d === 4) {
        await say("alice", "/checkin #1 kept");
        const now = (await bot.deliver()).map((m) => ({ at: bot.clock.ms, ...m }));
        bot.delivered.push(...now);
        const request = now.find((m) => kind(m.purpose) === "verify");
        await bot.click("bob", request?.message, "Dispute");
      }
    }
    const kinds = new Set(bot.delivered.map((d) => kind(d.purpose)));
    for (const k of ["prompt", "remind", "alert", "digest", "completed", "verdict"])
      expect(kinds).toContain(k);
    expect((await checkInsOf(bot, 1)).filter((c) => c.state === "missed").length).toBeGreaterThan(2);

    const inGroup = bot.delivered.filter((d) => d.to.chatKind === "group");
    expect(inGroup.length).toBeGreaterThan(10);
    expect(inGroup.filter((d) => /miss/i.test(d.text))).toEqual([]);
    // The private commitment never reaches the group at all.
    expect(inGroup.filter((d) => d.text.includes("Breathe"))).toEqual([]);
    // Replies everyone sees say nothing of a miss either.
    expect(replies.filter((r) => r.visibility === "chat" && /miss/i.test(r.text))).toEqual([]);
    expect(replies.filter((r) => /miss/i.test(r.text)).map((r) => r.visibility)).toEqual([
      "sender-only",
      "sender-only",
    ]);
  });
});
