/**
 * The cases issue 10 found by typing as a new user would, each through the whole engine: refused
 * ordinary phrasings, zones guessed silently, a cron that flooded a group, and refusals that
 * echoed the whole input. Each of these failed on the code before the natural-input reader.
 */
import { describe, expect, it } from "vitest";
import { parseCadenceInput } from "../src/cadence";
import { createBot, plain } from "./support/harness";
import { allCommitments, allPeople } from "./support/inspect";

const START = "2026-11-29T11:00:00Z";

async function zoneOf(bot: ReturnType<typeof createBot>, name = "alice"): Promise<string | null> {
  return (await allPeople(bot)).find((p) => p.name === name)?.zone ?? null;
}

describe("ordinary phrasings that were refused", () => {
  it.each([
    ["23-7", "Quiet hours: 23:00–07:00 your time. A check-in due then waits until 07:00."],
    ["10pm-7am", "Quiet hours: 22:00–07:00 your time. A check-in due then waits until 07:00."],
    ["22-8", "Quiet hours: 22:00–08:00 your time. A check-in due then waits until 08:00."],
  ])("/quiet %s is read and echoed in the 24-hour form", async (typed, reply) => {
    const bot = createBot(START);
    expect(await bot.say("alice", `/quiet ${typed}`)).toBe(reply);
  });

  it.each([
    ["every day", "every day at 20:00"],
    ["every day at 8pm", "every day at 20:00"],
    ["daily 8pm", "every day at 20:00"],
    ["mondays and thursdays 6:30pm", "Mondays and Thursdays at 18:30"],
    ["every weekday 9am", "weekdays (Monday to Friday) at 09:00"],
  ])("/commit cadence: %s is accepted and said back as %s", async (typed, words) => {
    const bot = createBot(START);
    const text = await bot.say("alice", `/commit Call my sister cadence: ${typed}`);
    expect(text).toContain(words);
    expect(text).not.toMatch(/24-hour|Please use/);
    expect(await allCommitments(bot)).toHaveLength(1);
  });

  it("says which time it chose for a cadence without one, and how to change it", async () => {
    const bot = createBot(START);
    const text = await bot.say("alice", "/commit Call my sister cadence: every day");
    expect(text).toContain("every day at 20:00");
    expect(text).toContain("/edit #1 cadence: daily 21:00");
    expect((await allCommitments(bot))[0]?.cadence).toBe("daily 20:00");
  });

  it("echoes the new schedule of an /edit typed the way people talk", async () => {
    const bot = createBot(START);
    await bot.say("alice", "/commit Call my sister cadence: daily 20:00");
    const text = await bot.say("alice", "/edit #1 cadence: sundays at 6pm");
    expect(text).toContain("Sundays at 18:00");
    expect((await allCommitments(bot))[0]?.cadence).toBe("weekly sun 18:00");
  });

  it("reads natural end dates relative to the person's today", async () => {
    const bot = createBot(START);
    await bot.say("alice", "/commit Call my sister cadence: daily 20:00 until: in 2 weeks");
    expect((await allCommitments(bot))[0]?.until).toBe("2026-12-13");
    await bot.say("alice", "/edit #1 until: 31 Jan");
    expect((await allCommitments(bot))[0]?.until).toBe("2027-01-31");
  });

  it.each([
    ["berlin", "Europe/Berlin"],
    ["london", "Europe/London"],
    ["New York", "America/New_York"],
    ["são paulo", "America/Sao_Paulo"],
    ["sao paulo", "America/Sao_Paulo"],
    ["EUROPE/BERLIN", "Europe/Berlin"],
  ])("/timezone %s sets %s and says so", async (typed, zone) => {
    const bot = createBot(START);
    expect(await bot.say("alice", `/timezone ${typed}`)).toContain(`Your time zone is now ${zone}`);
    expect(await zoneOf(bot)).toBe(zone);
  });
});

describe("zones that were guessed silently", () => {
  it.each([
    ["EST", ["New York", "Toronto", "UTC−5 all year"]],
    ["CET", ["Berlin", "Paris", "Madrid", "Rome", "UTC+1 all year"]],
    ["IST", ["Kolkata", "Dublin", "Jerusalem"]],
    ["GMT+1", ["UTC+1 all year", "Lagos", "Berlin", "Paris"]],
  ])("/timezone %s asks which, with buttons, and sets nothing yet", async (typed, labels) => {
    const bot = createBot(START);
    const replies = await bot.send("alice", `/timezone ${typed}`);
    const [reply] = replies;
    expect(plain(replies)).toMatch(/could be more than one place\. Which is yours\?/);
    expect(reply?.buttons?.flat().map((b) => b.label)).toEqual(labels);
    for (const b of reply?.buttons?.flat() ?? []) expect(Buffer.byteLength(b.action)).toBeLessThanOrEqual(64);
    expect(await zoneOf(bot)).toBeNull();
  });

  it("sets the zone pressed, as /timezone would, and spends the buttons", async () => {
    const bot = createBot(START);
    await bot.say("alice", "/commit Stay calm cadence: daily 20:00");
    const [question] = await bot.send("alice", "/timezone EST");
    const clicked = await bot.click("alice", question, "Toronto");
    const [done] = clicked;
    expect(plain(clicked)).toBe(
      "Your time zone is now America/Toronto; it's 06:00 there. I moved the check-ins of 1 commitment.",
    );
    expect(done?.settles).toEqual([{ t: "text", text: "Toronto" }]);
    expect(await zoneOf(bot)).toBe("America/Toronto");
    expect((await allCommitments(bot))[0]?.nextDueAt).toBe(Date.parse("2026-11-30T01:00:00Z"));
  });

  it("lets only the person who asked press them", async () => {
    const bot = createBot(START);
    await bot.say("bob", "/status");
    const [question] = await bot.send("alice", "/timezone EST");
    const refused = await bot.click("bob", question, "New York");
    const [refusal] = refused;
    expect(plain(refused)).toBe("That button belongs to someone else.");
    expect(refusal?.settles).toBeUndefined();
    expect(await zoneOf(bot, "bob")).toBeNull();
    expect(await zoneOf(bot)).toBeNull();
  });
});

describe("no floods", () => {
  it.each(["cron * * * * *", "cron */30 * * * *", "cron 0,30 9 * * *", "every 30 minutes"])(
    "/commit cadence: %s is refused with the reason and a cadence that works",
    async (cadence) => {
      const bot = createBot(START);
      const text = await bot.say("alice", `/commit Check in cadence: ${cadence}`);
      expect(text).toContain("more than once an hour");
      expect(text).toContain('"every day at 8pm"');
      expect(await allCommitments(bot)).toHaveLength(0);
    },
  );

  it("accepts an hourly cron, the densest allowed", async () => {
    const bot = createBot(START);
    await bot.say("alice", "/commit Check in cadence: cron 0 9-17 * * 1-5");
    expect((await allCommitments(bot))[0]?.cadence).toBe("cron 0 9-17 * * 1-5");
  });

  it("refuses a cadence over 200 characters and a zone over 64 without echoing them", async () => {
    const bot = createBot(START);
    const cron = `cron 0 20 * * ${"1,".repeat(200)}2`;
    const c = await bot.say("alice", `/commit Check in cadence: ${cron}`);
    expect(c).toMatch(/\b200\b/);
    expect(c).not.toContain("1,1,1");
    const zone = `Europe/${"x".repeat(70)}`;
    const z = await bot.say("alice", `/timezone ${zone}`);
    expect(z).toMatch(/\b64\b/);
    expect(z).not.toContain("xxxxx");
    expect(await allCommitments(bot)).toHaveLength(0);
    expect(await zoneOf(bot)).toBeNull();
  });

  it("quotes at most 60 characters of what was typed", async () => {
    const bot = createBot(START);
    const emoji = "😀".repeat(10_000);
    const q = await bot.say("alice", `/quiet ${emoji}`);
    expect(q.length).toBeLessThan(200);
    const cadence = await bot.say("alice", `/commit Check in cadence: ${"blah ".repeat(38)}`);
    const quoted = /"([^"]*)"/.exec(cadence)?.[1] ?? "";
    expect([...quoted].length).toBeLessThanOrEqual(60);
    expect(quoted.endsWith("…")).toBe(true);
  });
});

describe("the grammar's own tokens, typed", () => {
  // Found by the round-trip property (seed -191193014): "d7" was read as a weekday 7, and a
  // typed "d1-d9" would have walked the week for ever.
  it.each(["d7", "d1-d9", "weekly d3 18:00", "d0"])(
    "refuses %s as a cadence instead of misreading it",
    (text) => {
      const r = parseCadenceInput(text, "2026-12-01");
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^I couldn't read|^Which day/);
    },
  );
});
