/**
 * Catch-up after downtime (issue 10, "What must exist" 5; PRODUCT §6): after 1, 7, 30 and 400
 * days down, a mix of cadences gets one skipped range each (found by jumping, not walking), at
 * most one prompt, streaks that run on, and endings that still come; the found case "after 400
 * days down, catch-up wrote 576,000 check-in rows" is a handful of rows; and a /status sent during
 * a long catch-up is answered before it finishes.
 */
import { describe, expect, it } from "vitest";
import { historyPhrase } from "../src/engine/history-words";
import { planNext } from "../src/engine/schedule";
import { at, type Bot, DAY, iso, jumpTo } from "./support/followup";
import { createBot, dm } from "./support/harness";
import {
  allCheckIns,
  allCommitments,
  type Commitment,
  checkInsOf,
  eventsOf,
  outboxOf,
} from "./support/inspect";

/** What each commitment is, and who makes it. */
const MIX: [owner: string, command: string][] = [
  ["alice", "/commit Stay calm cadence: daily 20:00"],
  ["alice", "/commit Walk at lunch cadence: weekdays 09:00"],
  ["alice", "/commit Call my sister cadence: weekly mon,thu 18:30"],
  ["alice", "/commit Stretch cadence: every 3 days 08:00"],
  ["alice", "/commit Rebuild slowly cadence: graduated 21:00"],
  ["bo", "/commit Drink water cadence: cron 0 * * * *"],
  ["bo", "/commit Send the report cadence: cron 0 7 * * 1-5"],
  ["alice", "/commit Tell her the truth cadence: once 2026-11-30 18:00"],
  ["alice", "/commit Short walks cadence: daily 12:00 until: 2026-12-03"],
  ["bo", "/commit Ease off cadence: graduated 21:00 until: 2026-12-20"],
];
// Row ids, in the order above (each owner numbers their own: alice's #6 is the once).
const ONCE = 8;
const UNTIL_DAILY = 9;
const UNTIL_GRADUATED = 10;

/** Before the bot goes down: everything made, the first daily check-in kept. */
async function beforeDowntime(): Promise<Bot> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("bo", "/timezone Europe/Berlin");
  for (const who of ["alice", "bo"]) await bot.say(who, "/quiet off");
  for (const [who, command] of MIX) expect(await bot.say(who, command)).toMatch(/^Committed/);
  await jumpTo(bot, at("2026-11-29T20:00:00Z"));
  expect(await bot.say("alice", "/checkin #1 kept")).toMatch(/^✓/);
  await jumpTo(bot, at("2026-11-29T20:30:00Z"));
  return bot;
}

const rowsOf = async (bot: Bot) => await allCommitments(bot);

/**
 * What the walk the landed code did would find (planNext one by one, an oracle): how many
 * occurrences from the first due one are skipped, through which, and whether the latest is open.
 */
function walked(c: Commitment, now: number) {
  const due: number[] = [];
  let t = c.nextDueAt;
  while (t !== null && t <= now) {
    due.push(t);
    t = planNext(c, t);
  }
  const latest = due.at(-1);
  const open = latest !== undefined && now < Math.min(t ?? Number.POSITIVE_INFINITY, latest + DAY);
  const skipped = open ? due.slice(0, -1) : due;
  return { skipped: skipped.length, first: skipped[0], through: skipped.at(-1), open };
}

describe("catch-up after downtime", () => {
  for (const days of [1, 7, 30, 400]) {
    it(`after ${days} day${days === 1 ? "" : "s"} down: one skipped range and at most one prompt each`, async () => {
      const bot = await beforeDowntime();
      const before = await rowsOf(bot);
      const now = at("2026-11-29T20:30:00Z") + days * DAY;
      const expected = new Map(before.map((c) => [c.id, walked(c, now)]));

      bot.clock.ms = now;
      const report = await bot.engine.tick(bot.clock.now());
      await bot.deliver();

      // The found case: 400 days down wrote 576,000 rows. Now each commitment gets at most one
      // skipped row and one open check-in, whatever the downtime.
      const written = (await allCheckIns(bot)).filter((r) => r.createdAt === now);
      expect(written.length).toBeLessThanOrEqual(2 * MIX.length);
      let skippedTotal = 0;
      for (const c of before) {
        const want = expected.get(c.id);
        if (!want) throw new Error("no expectation");
        const mine = written.filter((r) => r.commitmentId === c.id);
        const skipped = mine.filter((r) => r.state === "skipped");
        const open = mine.filter((r) => r.state === "pending");
        expect(skipped.length, `#${c.number} skipped rows`).toBe(want.skipped > 0 ? 1 : 0);
        expect(open.length, `#${c.number} open`).toBe(want.open ? 1 : 0);
        const range = skipped[0];
        if (range) {
          expect(range.dueAt).toBe(want.first);
          expect(range.skippedCount ?? 1, `#${c.number} count`).toBe(want.skipped);
          expect(range.skippedThrough ?? range.dueAt).toBe(want.through);
        }
        skippedTotal += want.skipped;
        // At most one prompt per commitment.
        const prompts = (await outboxOf(bot, { kind: "prompt", commitmentId: c.id })).filter(
          (m) => m.createdAt === now,
        );
        expect(prompts.length, `#${c.number} prompts`).toBe(want.open ? 1 : 0);
      }
      expect(report.skipped).toBeGreaterThanOrEqual(skippedTotal);

      // Skipped check-ins never break a streak, nor move the graduated ladder.
      const after = await rowsOf(bot);
      expect(after[0]?.streak).toBe(1);
      expect(after[4]?.cadenceState).toEqual(before[4]?.cadenceState);
      // Answered in alice's own chat, where the streak is said to her.
      expect(await bot.say("alice", "/checkin #1 kept", dm("alice"))).toContain("2 in a row");

      // Endings still come: a once and the end dates that passed while the bot was down.
      const state = (n: number) => after[n - 1]?.state;
      expect(state(ONCE)).toBe(days >= 7 ? "completed" : "active");
      expect(state(UNTIL_DAILY)).toBe(days >= 7 ? "completed" : "active");
      expect(state(UNTIL_GRADUATED)).toBe(days >= 30 ? "completed" : "active");
      // Nothing is left hanging: an active one has a next check-in or an open one it waits on.
      for (const c of after) {
        const waits = written.some((r) => r.commitmentId === c.id && r.state === "pending");
        if (c.state === "active") expect((c.nextDueAt ?? 0) > now || waits, `#${c.number}`).toBe(true);
      }
    });
  }

  it("tells a skipped range in /history as one line", async () => {
    const bot = await beforeDowntime();
    await jumpTo(bot, at("2026-12-29T20:30:00Z"));
    const history = await bot.say("alice", "/history #1");
    // 30 Nov to 28 Dec: the 29 Dec check-in is open and prompted.
    expect(history).toContain("Mon 30 Nov 2026 to Mon 28 Dec 2026: 29 check-ins passed while I was down");
    expect(history).toContain(
      "Tue 29 Dec 2026, 20:30: 29 check-ins passed while I was down, 30 Nov – 28 Dec; they don't count against you",
    );
    expect(history).toContain("Tue 29 Dec 2026, 20:00: open");
    const hourly = await bot.say("bo", "/history #1");
    expect(hourly).toMatch(/Sun 29 Nov 2026 to Tue 29 Dec 2026: 7\d\d check-ins passed while I was down/);
    const event = await eventsOf(bot, { kind: "skipped" });
    expect(event.find((e) => e.commitmentId === 1)?.data).toEqual({
      count: 29,
      from: at("2026-11-30T20:00:00Z"),
      through: at("2026-12-28T20:00:00Z"),
    });
  });

  it("words a skipped range's days briefly, with the year only when it differs", () => {
    const skipped = (data: Record<string, unknown> | null, when = "2027-01-04T12:00:00Z") =>
      historyPhrase(
        {
          id: 1,
          commitmentId: 1,
          personId: null,
          actorId: null,
          actorName: null,
          kind: "skipped",
          data,
          at: at(when),
        },
        "Europe/Berlin",
      );
    const range = (from: string, through: string, count: number) => ({
      count,
      from: at(from),
      through: at(through),
    });
    const tail = "; they don't count against you";
    expect(skipped(range("2027-01-01T19:00:00Z", "2027-01-03T19:00:00Z", 3))).toBe(
      `3 check-ins passed while I was down, 1–3 Jan${tail}`,
    );
    expect(skipped(range("2026-12-03T19:00:00Z", "2026-12-31T19:00:00Z", 29))).toBe(
      `29 check-ins passed while I was down, 3–31 Dec 2026${tail}`,
    );
    expect(skipped(range("2027-01-28T19:00:00Z", "2027-02-03T19:00:00Z", 7), "2027-02-04T12:00:00Z")).toBe(
      `7 check-ins passed while I was down, 28 Jan – 3 Feb${tail}`,
    );
    expect(skipped(range("2026-12-28T19:00:00Z", "2027-01-03T19:00:00Z", 7))).toBe(
      `7 check-ins passed while I was down, 28 Dec 2026 – 3 Jan 2027${tail}`,
    );
    expect(skipped(range("2027-01-02T08:00:00Z", "2027-01-02T12:00:00Z", 5))).toBe(
      `5 check-ins passed while I was down, 2 Jan, 09:00–13:00${tail}`,
    );
    // Entries written before ranges existed, and a single one.
    expect(skipped({ count: 4 })).toBe(`4 check-ins passed while I was down${tail}`);
    expect(skipped(null)).toBe(`a check-in passed while I was down${tail}`);
  });

  it("keeps a single skipped occurrence a plain row, and completes a once that passed", async () => {
    const bot = await beforeDowntime();
    await jumpTo(bot, at("2026-12-06T20:30:00Z"));
    const once = await checkInsOf(bot, ONCE);
    expect(once.map((r) => [iso(r.dueAt), r.state, r.skippedThrough, r.skippedCount])).toEqual([
      ["2026-11-30T18:00:00.000Z", "skipped", null, null],
    ]);
    expect(await bot.say("alice", "/history #6")).toContain(
      "Mon 30 Nov 2026, 18:00: passed while I was down",
    );
  });

  it("opens each check-in once when two ticks catch up at the same time", async () => {
    const bot = await beforeDowntime();
    const now = at("2027-01-03T20:30:00Z");
    bot.clock.ms = now;
    const [a, b] = await Promise.all([bot.engine.tick(bot.clock.now()), bot.engine.tick(bot.clock.now())]);
    const written = (await allCheckIns(bot)).filter((r) => r.createdAt === now);
    expect((a?.opened ?? 0) + (b?.opened ?? 0)).toBe(written.filter((r) => r.state === "pending").length);
    const keys = written.map((r) => `${r.commitmentId} ${r.dueAt}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect((await bot.engine.tick(bot.clock.now())).opened).toBe(0);
  });
});

describe("commands during a long catch-up", () => {
  it("answers a /status sent during it before it finishes", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    // 80 commitments, hourly and daily, down 30 days: several batches of catch-up.
    for (let i = 0; i < 40; i++) {
      await bot.say(`p${i}`, "/commit Drink water cadence: cron 0 * * * *");
      await bot.say(`p${i}`, "/commit Stay calm cadence: daily 20:00");
    }
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    bot.clock.ms = at("2026-12-29T12:30:00Z");
    const now = bot.clock.ms;

    const order: string[] = [];
    const caughtUp = async () => (await rowsOf(bot)).filter((c) => (c.nextDueAt ?? 0) > now).length;
    const tick = bot.engine.tick(bot.clock.now()).then((r) => {
      order.push("catch-up finished");
      return r;
    });
    // Let the tick run its first batch, then ask, as a person would while it works.
    await new Promise((resolve) => setImmediate(resolve));
    const status = await bot.say("alice", "/status");
    order.push("status answered");
    const doneWhenAnswered = await caughtUp();
    await tick;

    expect(status).toMatch(/^Your commitments/);
    expect(order).toEqual(["status answered", "catch-up finished"]);
    // Answered between batches: some commitments were caught up, not all.
    // (On PostgreSQL the tick waits on the server, so a command may even come before its first batch.)
    if (bot.store.synchronous) expect(doneWhenAnswered).toBeGreaterThan(0);
    expect(doneWhenAnswered).toBeLessThan(81);
    expect(await caughtUp()).toBe(81);
  });
});

describe("a skipped range in /export", () => {
  it("says which occurrences the one row stands for", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    bot.clock.ms = at("2026-12-05T13:00:00Z");
    await bot.engine.tick(bot.clock.now());
    const [reply] = await bot.send("alice", "/export", dm("alice"));
    const doc = JSON.parse(reply?.file?.content ?? "{}");
    const ranges = doc.checkIns.filter((c: { skippedCount?: number }) => c.skippedCount !== undefined);
    expect(ranges).toEqual([
      expect.objectContaining({
        state: "skipped",
        dueAt: "2026-11-29T12:00:00.000Z",
        skippedThrough: "2026-12-04T12:00:00.000Z",
        skippedCount: 6,
      }),
    ]);
  });
});
