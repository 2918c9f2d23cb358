import { describe, expect, it } from "vitest";
import { createBot, dm, plain } from "./support/harness";
import {
  addCheckIn,
  addMessage,
  allChats,
  allCheckIns,
  allCommitments,
  allPeople,
  commitment,
  commitmentOf,
  eventsOf,
  outboxOf,
  setCommitment,
} from "./support/inspect";

describe("/timezone", () => {
  it("sets the zone, normalises its spelling, and re-plans future check-ins only", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stay calm cadence: daily 20:00");
    expect((await commitment(bot)).nextDueAt).toBe(Date.parse("2026-11-29T20:00:00Z"));
    const text = await bot.say("alice", "/timezone europe/berlin");
    expect(text).toBe(
      "Your time zone is now Europe/Berlin; it's 12:00 there. I moved the check-ins of 1 commitment.",
    );
    const c = await commitment(bot);
    expect(c?.zone).toBe("Europe/Berlin");
    expect(c?.nextDueAt).toBe(Date.parse("2026-11-29T19:00:00Z"));
    expect((await allPeople(bot))[0]?.zone).toBe("Europe/Berlin");
    expect((await eventsOf(bot)).map((e) => e.kind)).toEqual(["created", "zone", "zone"]);
  });

  it("refuses an unknown zone with an example", async () => {
    const bot = createBot();
    expect(await bot.say("alice", "/timezone Mars/Olympus")).toBe(
      'I don\'t know the time zone "Mars/Olympus". Send your city, like /timezone Berlin, or a zone like Europe/Berlin.',
    );
    expect(await bot.say("alice", "/timezone")).toBe("Which time zone? For example: /timezone Europe/Berlin");
    expect((await allPeople(bot))[0]?.zone ?? null).toBeNull();
  });
});

describe("/quiet", () => {
  it("sets and clears quiet hours", async () => {
    const bot = createBot();
    expect(await bot.say("alice", "/quiet 23:00-07:30")).toBe(
      "Quiet hours: 23:00–07:30 your time. A check-in due then waits until 07:30.",
    );
    expect((await allPeople(bot))[0]).toMatchObject({ quietStart: 23 * 60, quietEnd: 7 * 60 + 30 });
    expect(await bot.say("alice", "/quiet off")).toMatch(/Quiet hours are off/);
    expect((await allPeople(bot))[0]).toMatchObject({ quietStart: null, quietEnd: null });
  });

  it("gives new people the default quiet hours", async () => {
    const bot = createBot();
    await bot.say("alice", "/status");
    expect((await allPeople(bot))[0]).toMatchObject({ quietStart: 22 * 60, quietEnd: 8 * 60 });
  });

  it.each(["10-7", "25:00-08:00", "22:00-22:00", "22:00-08:00-09:00", "late"])("refuses %s", async (bad) => {
    const bot = createBot();
    expect(await bot.say("alice", `/quiet ${bad}`)).toMatch(/quiet hours|\/quiet \d/i);
  });
});

describe("/plan and /step", () => {
  it("marks started and finished steps and suggests the next", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Tell her the truth step: 1");
    await bot.say("alice", "/commit Keep it up step: 13");
    await setCommitment(bot, (await commitmentOf(bot, "alice", 1)).id, { state: "completed" });
    const text = await bot.say("alice", "/plan");
    expect(text).toContain("●  1. Tell the truth (done)");
    expect(text).toContain("○  2. Bring in a witness");
    expect(text).toContain("◐ 13. Keep the change going (started)");
    expect(text).toContain("Next: step 2, Bring in a witness");
  });

  it("explains one step with the owner's commitments for it", async () => {
    const bot = createBot();
    const empty = await bot.say("alice", "/step 5");
    expect(empty).toContain("Step 5: Look inward");
    expect(empty).toContain("Ask yourself: ");
    expect(empty).toContain("nothing yet. Try: /commit");
    await bot.say("alice", "/commit Write down what set me off step: 5");
    expect(await bot.say("alice", "/step 5")).toContain("#1 Write down what set me off — next check-in");
    expect(await bot.say("alice", "/step 0")).toMatch(/between 1 and 13/);
  });
});

describe("/help", () => {
  it("lists every command and points to a counsellor", async () => {
    const bot = createBot();
    const text = await bot.say("alice", "/help");
    for (const c of ["/commit", "/status", "/forget", "/plan"]) expect(text).toContain(c);
    expect(text).toMatch(/counsellor/);
  });

  it("explains one command, and refuses an unknown one", async () => {
    const bot = createBot();
    const text = await bot.say("alice", "/help commit");
    expect(text).toContain("/commit — Make a commitment");
    expect(text).toContain("cadence (optional)");
    expect(text).toContain("Example: /commit");
    expect(await bot.say("alice", "/help /pause")).toContain("/pause — ");
    expect(await bot.say("alice", "/help fly")).toMatch(/There's no \/fly/);
  });
});

describe("/export", () => {
  it("returns everything about the asker as a JSON document, and nothing about others", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/timezone Europe/Berlin");
    await bot.say("alice", "/commit Call my sister cadence: weekly sun 18:00");
    await bot.say("bob", "/commit Bob's own secret");
    const [reply] = await bot.send("alice", "/export");
    expect(reply?.visibility).toBe("sender-only");
    expect(reply?.file?.mime).toBe("application/json");
    expect(reply?.file?.filename).toBe("amends-export-2026-11-29.json");
    const doc = JSON.parse(reply?.file?.content ?? "{}");
    expect(doc.person).toMatchObject({ name: "alice", zone: "Europe/Berlin" });
    expect(doc.commitments).toHaveLength(1);
    expect(doc.commitments[0]).toMatchObject({
      promise: "Call my sister",
      nextDueAt: "2026-11-29T17:00:00.000Z",
    });
    expect(doc.history.map((e: { kind: string }) => e.kind)).toEqual(["zone", "created"]);
    expect(reply?.file?.content).not.toContain("Bob's own secret");
  });
});

describe("/forget", () => {
  it("asks first, then deletes every row about the person and says what went", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister");
    await bot.say("alice", "/commit Stay calm", dm("alice"));
    await bot.say("bob", "/commit Bob keeps his");
    const aliceId = (await allPeople(bot))[0]?.id ?? 0;
    const firstId = (await allCommitments(bot))[0]?.id ?? 0;
    await addCheckIn(bot, { commitmentId: firstId, dueAt: 1, windowEnd: 2, state: "missed", createdAt: 0 });
    await addMessage(bot, {
      purpose: "prompt:x",
      platform: "console",
      recipient: {},
      payload: {},
      personId: aliceId,
      notBefore: 0,
      createdAt: 0,
    });

    const [ask] = await bot.send("alice", "/forget");
    expect(ask?.visibility).toBe("sender-only");
    expect(ask?.buttons?.flat().map((b) => b.label)).toEqual(["Delete everything", "Keep my data"]);
    expect(await allPeople(bot)).toHaveLength(2);

    expect(plain(await bot.click("bob", ask, "Delete everything"))).toMatch(/belongs to someone else/);
    expect(plain(await bot.click("alice", ask, "Keep my data"))).toBe("Kept. Nothing was deleted.");
    const done = plain(await bot.click("alice", ask, "Delete everything"));
    expect(done).toBe(
      "Done. I deleted 2 commitments, 1 check-in, 2 history entries, 1 message and your settings. " +
        "If you come back, you start fresh.",
    );
    expect((await allPeople(bot)).map((p) => p.name)).toEqual(["bob"]);
    expect((await allCommitments(bot)).map((c) => c.promise)).toEqual(["Bob keeps his"]);
    expect(await allCheckIns(bot)).toHaveLength(0);
    expect(await outboxOf(bot)).toHaveLength(0);
    expect((await eventsOf(bot)).every((e) => e.actorId !== aliceId)).toBe(true);
    expect((await allChats(bot)).map((c) => c.externalId)).toEqual(["group"]);
  });

  it("removes the person as witness of others' commitments", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Call my sister");
    await bot.say("bob", "/status");
    const bobId = (await allPeople(bot))[1]?.id ?? 0;
    await setCommitment(bot, 1, { witnessId: bobId, witnessStatus: "active" });
    const [ask] = await bot.send("bob", "/forget");
    expect(plain(await bot.click("bob", ask, "Delete everything"))).toMatch(/no longer witness 1 commitment/);
    expect(await commitment(bot)).toMatchObject({ witnessId: null, witnessStatus: null });
    expect((await eventsOf(bot)).map((e) => e.kind)).toContain("witness-removed");
  });

  it("lets the confirmation expire", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Call my sister");
    const [ask] = await bot.send("alice", "/forget");
    bot.clock.advance(11 * 60_000);
    expect(plain(await bot.click("alice", ask, "Delete everything"))).toMatch(/expired/);
    expect(await allCommitments(bot)).toHaveLength(1);
  });
});

describe("/forget by someone invited as a witness", () => {
  it("withdraws the open invitation and removes their handle from the owner's history", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Call my sister");
    await bot.say("alice", "/witness #1 @bob");
    const [ask] = await bot.send("bob", "/forget");
    await bot.click("bob", ask, "Delete everything");
    expect(await commitment(bot)).toMatchObject({
      witnessStatus: null,
      witnessInvite: null,
    });
    const invited = (await eventsOf(bot)).find((e) => e.kind === "witness-invited");
    expect(invited?.data).toEqual({ alerts: true, chatId: expect.any(Number) });
  });
});
