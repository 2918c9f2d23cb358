/**
 * The witness: the invitation and who may accept it, verdicts on kept and partly answers, the
 * two-misses alert, /unwitness, stepping down from the Sunday digest, and the digest itself.
 */
import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import type { Reply } from "../src/types";
import { at, checkInsOf, commitment, DAY, H, iso, jumpTo, kind } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";
import { addPerson, personOf } from "./support/inspect";

/** Sunday 29 Nov 2026, 11:00 UTC: alice's #1, daily at 12:00 UTC, witnessed by bob. */
async function witnessed(options = "") {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
  const [invite] = await bot.send("alice", `/witness #1 @bob${options}`);
  const accepted = await bot.click("bob", invite, "Accept");
  expect(plain(accepted)).toContain("bob is now the witness");
  return bot;
}

describe("the invitation", () => {
  it("is posted in the group, sends nothing to the person, and binds only the named person's click", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.say("carol", "/status"); // carol is known to the bot, bob not yet
    const r = await bot.send("alice", "/witness #1 @bob");
    expect(r).toHaveLength(1);
    const invite = r[0];
    expect(invite?.visibility).toBe("chat");
    expect(plain(r)).toBe(
      "@bob, alice asks you to witness #1 Call my sister: you'd confirm their check-ins, hear from me if two " +
        "check-ins in a row slip, and get a short digest on Sundays. Only that person can accept (not a bot), " +
        "within 7 days.",
    );
    expect(invite?.buttons?.flat().map((b) => b.label)).toEqual(["Accept", "Decline"]);
    expect(await bot.deliver()).toEqual([]);
    expect(await commitment(bot)).toMatchObject({
      witnessStatus: "invited",
      witnessId: null,
      witnessInvite: "@bob",
    });

    for (const [who, why] of [
      ["carol", NOT_FOR_YOU],
      ["alice", "You can't witness your own commitment."],
    ]) {
      for (const label of ["Accept", "Decline"]) {
        const refused = await bot.click(who ?? "", invite, label);
        expect(refused[0]?.visibility).toBe("sender-only");
        expect(plain(refused)).toBe(why);
      }
    }
    expect(await commitment(bot)).toMatchObject({ witnessStatus: "invited", witnessId: null });

    const accepted = await bot.click("bob", invite, "Accept");
    expect(accepted[0]?.visibility).toBe("chat");
    expect(plain(accepted)).toBe(
      "bob is now the witness for @alice's #1 Call my sister. Thank you for standing by them.",
    );
    const bob = await personOf(bot, "bob");
    expect(await commitment(bot)).toMatchObject({
      witnessStatus: "active",
      witnessId: bob?.id,
      witnessInvite: null,
    });
    // The first digest: the first Sunday at least three days on, 19:00 in bob's zone (UTC here).
    expect(bob?.nextDigestAt).toBe(at("2026-12-06T19:00:00Z"));
    expect(plain(await bot.click("bob", invite, "Accept"))).toBe(NOT_FOR_YOU);
    expect(plain(await bot.click("bob", invite, "Decline"))).toBe(NOT_FOR_YOU);
    expect((await commitment(bot)).witnessStatus).toBe("active");
  });

  it("matches the invited @username case-insensitively", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const [invite] = await bot.send("alice", "/witness #1 @Bob");
    const r = await bot.engine.handle({
      type: "click",
      action: invite?.buttons?.[0]?.[0]?.action ?? "",
      chat: GROUP,
      from: { ...actor("bob-id"), name: "Bob", username: "BOB" },
    });
    expect(plain(r)).toContain("Bob is now the witness");
  });

  it("can be declined, only by the named person, and then no longer accepted", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    expect(plain(await bot.click("carol", invite, "Decline"))).toBe(NOT_FOR_YOU);
    const declined = await bot.click("bob", invite, "Decline");
    // A person's own choice is not the group's business: bob is thanked, alice told privately.
    expect(declined[0]?.visibility).toBe("sender-only");
    expect(plain(declined)).toBe("Thank you for answering. I'll let alice know privately.");
    expect(declined[0]?.settles).toEqual([{ t: "text", text: "Invitation closed" }]);
    const told = await bot.deliver();
    expect(told.map((d) => [d.to.chatKind, d.to.personId, d.text])).toEqual([
      [
        "dm",
        "alice",
        "bob won't witness #1 Call my sister. That's all right; you can ask someone else with /witness #1 and their @name.",
      ],
    ]);
    expect(await commitment(bot)).toMatchObject({
      witnessStatus: null,
      witnessId: null,
      witnessInvite: null,
    });
    expect(plain(await bot.click("bob", invite, "Accept"))).toBe(NOT_FOR_YOU);
    expect(await bot.deliver()).toEqual([]);
  });

  it("refuses the owner as their own witness, by name or by a later-changed username", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    for (const line of ["/witness #1 @alice", "/witness #1 @ALICE"]) {
      const r = await bot.send("alice", line);
      expect(r[0]?.visibility).toBe("sender-only");
      expect(plain(r)).toBe("You can't witness your own commitment. Ask someone you trust.");
    }
    expect((await commitment(bot)).witnessStatus).toBeNull();

    // alice invites @ally, then takes that username herself and clicks Accept.
    const [invite] = await bot.send("alice", "/witness #1 @ally");
    const r = await bot.engine.handle({
      type: "click",
      action: invite?.buttons?.[0]?.[0]?.action ?? "",
      chat: GROUP,
      from: { ...actor("alice"), username: "ally" },
    });
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toBe("You can't witness your own commitment.");
    expect(await commitment(bot)).toMatchObject({ witnessStatus: "invited", witnessId: null });
  });

  it("refuses a bot as witness", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    // The engine ignores everything a bot sends (handle returns nothing and records nothing), so
    // a bot is only ever known from the platform; put one in the database as an adapter would.
    const ignored = await bot.engine.handle({
      type: "command",
      name: "status",
      args: {},
      chat: GROUP,
      from: { ...actor("helperbot"), isBot: true },
    });
    expect(ignored).toEqual([]);
    expect(await personOf(bot, "helperbot")).toBeUndefined();
    await addPerson(bot, {
      platform: "console",
      externalId: "helperbot",
      name: "Helper",
      username: "helperbot",
      isBot: true,
      createdAt: bot.clock.ms,
    });
    const r = await bot.send("alice", "/witness #1 @helperbot");
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toBe("A bot can't be a witness. Ask a person you trust.");
    expect((await commitment(bot)).witnessStatus).toBeNull();

    // A bot the bot doesn't know yet: its click on the invitation is ignored entirely.
    const [invite] = await bot.send("alice", "/witness #1 @otherbot");
    const click = await bot.engine.handle({
      type: "click",
      action: invite?.buttons?.[0]?.[0]?.action ?? "",
      chat: GROUP,
      from: { ...actor("otherbot"), isBot: true },
    });
    expect(click).toEqual([]);
    expect(await commitment(bot)).toMatchObject({ witnessStatus: "invited", witnessId: null });
  });

  it("must come from a group chat", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const r = await bot.send("alice", "/witness #1 @bob", dm("alice"));
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toBe("Invite your witness from a group chat you share, so they can accept there.");
    expect((await commitment(bot)).witnessStatus).toBeNull();
  });

  it("refuses a second /witness while one is active; a new invitation replaces an open one", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const [first] = await bot.send("alice", "/witness #1 @bob");
    const [second] = await bot.send("alice", "/witness #1 @carol");
    expect(plain(await bot.click("bob", first, "Accept"))).toBe(NOT_FOR_YOU);
    await bot.click("carol", second, "Accept");
    const again = await bot.send("alice", "/witness #1 @bob");
    expect(again[0]?.visibility).toBe("sender-only");
    expect(plain(again)).toBe("#1 already has a witness (carol). /unwitness #1 first.");
    expect(await commitment(bot)).toMatchObject({
      witnessStatus: "active",
      witnessId: (await personOf(bot, "carol"))?.id,
    });
  });

  it("refuses someone else's commitment", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    expect(await bot.say("bob", "/witness #1 @carol")).toMatch(/You have no commitment #1/);
    expect((await commitment(bot)).witnessStatus).toBeNull();
  });

  it("is posted by /commit … witness: @bob", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const r = await bot.send("alice", "/commit Call my sister cadence: daily 12:00 witness: @bob");
    expect(r).toHaveLength(2);
    expect(plain([r[0] as Reply])).toContain("Committed #1 Call my sister");
    expect(r[1]?.visibility).toBe("chat");
    expect(plain([r[1] as Reply])).toContain("@bob, alice asks you to witness #1 Call my sister: ");
    expect(plain(await bot.click("bob", r[1], "Accept"))).toContain("bob is now the witness");
    expect((await commitment(bot)).witnessStatus).toBe("active");
  });
});

describe("verdicts", () => {
  it("asks the witness about kept and partly answers, not about misses", async () => {
    const bot = await witnessed();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const kept = await bot.send("alice", "/checkin kept Called her after work");
    // The group reads only that it was kept; the note and who confirms are alice's to hear.
    expect(kept.map((r) => [r.visibility, plain([r])])).toEqual([
      ["chat", "✓ alice checked in on #1 Call my sister."],
      ["sender-only", "Your note is saved with your check-in on #1. bob will be asked to confirm it."],
    ]);
    const [ci] = await checkInsOf(bot);
    const request = await bot.deliver();
    expect(request.map((d) => [d.purpose, { ...d.to, fallbackReply: undefined }])).toEqual([
      [
        `verify:${ci?.id}`,
        {
          platform: "console",
          chatKind: "dm",
          chatId: "",
          personId: "bob",
          personName: "bob",
          fallbackChatId: "group",
        },
      ],
    ]);
    expect(request[0]?.text).toBe(
      "alice says they kept #1 Call my sister (Sun 29 Nov 2026, 12:00). Their note: Called her after work. " +
        "Does that match what you've seen?",
    );
    expect(request[0]?.message.buttons?.flat().map((b) => b.label)).toEqual([
      "Confirm",
      "Dispute",
      "Not sure",
    ]);

    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    const partly = await bot.say("alice", "/checkin partly");
    expect(partly).toContain("bob will be asked to confirm it.");
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.personId, d.text])).toEqual([
      [
        "verify",
        "bob",
        "alice says they partly kept #1 Call my sister (Mon 30 Nov 2026, 12:00). Does that match what you've seen?",
      ],
    ]);

    await jumpTo(bot, at("2026-12-01T12:00:00Z"));
    const missed = await bot.say("alice", "/checkin missed");
    expect(missed).not.toContain("witness");
    expect(await bot.deliver()).toEqual([]);
    // An unanswered window closing asks nothing either.
    await jumpTo(bot, at("2026-12-02T12:00:00Z"));
    const closed = await jumpTo(bot, at("2026-12-03T12:00:00Z"));
    // (The alert is for the two misses in a row, 1 and 2 Dec. The jump skipped past 2 Dec's
    // reminder time; a reminder for a window that has closed is not sent.)
    expect(closed.map((d) => kind(d.purpose))).toEqual(["prompt", "alert"]);
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual([
      "answered",
      "answered",
      "answered",
      "missed",
      "pending",
    ]);
  });

  it("counts only the witness's click, once; a confirmation builds the verified streak and tells the owner", async () => {
    const bot = await witnessed();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    const [request] = await bot.deliver();
    for (const who of ["alice", "carol"]) {
      const r = await bot.click(who, request?.message, "Confirm");
      expect(r[0]?.visibility).toBe("sender-only");
      expect(plain(r)).toBe(NOT_FOR_YOU);
    }
    expect((await checkInsOf(bot))[0]?.verdict).toBeNull();
    expect(await bot.deliver()).toEqual([]);

    const confirmed = await bot.click("bob", request?.message, "Confirm");
    expect(confirmed[0]?.visibility).toBe("sender-only");
    expect(plain(confirmed)).toBe("Confirmed. alice will be told. Thank you.");
    expect((await checkInsOf(bot))[0]).toMatchObject({
      verdict: "confirmed",
      verdictAt: at("2026-11-29T12:00:00Z"),
    });
    const told = await bot.deliver();
    expect(
      told.map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.to.fallbackChatId, d.text]),
    ).toEqual([
      [
        "verdict",
        "dm",
        "alice",
        "group",
        "bob confirmed your check-in on #1 Call my sister. Verified streak: 1.",
      ],
    ]);

    const second = await bot.click("bob", request?.message, "Dispute");
    expect(second[0]?.visibility).toBe("sender-only");
    expect(plain(second)).toBe("You've already answered this one. Thank you.");
    expect((await checkInsOf(bot))[0]?.verdict).toBe("confirmed");
    expect(await bot.deliver()).toEqual([]);
    expect(await commitment(bot)).toMatchObject({ streak: 1, verifiedStreak: 1, consistency: 100 });
    expect(await bot.say("alice", "/status")).toContain("streak 1, verified 1 · just started");

    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    await bot.click("bob", (await bot.deliver())[0]?.message, "Confirm");
    expect((await bot.deliver())[0]?.text).toContain("Verified streak: 2.");
    expect(await commitment(bot)).toMatchObject({ streak: 2, verifiedStreak: 2 });
  });

  it("counts a disputed answer as missed for the streak and trust; not sure changes nothing", async () => {
    const bot = await witnessed();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    await bot.click("bob", (await bot.deliver())[0]?.message, "Confirm");
    await bot.deliver();

    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    expect(await commitment(bot)).toMatchObject({ streak: 2, verifiedStreak: 1 });
    const disputed = await bot.click("bob", (await bot.deliver())[0]?.message, "Dispute");
    expect(plain(disputed)).toBe("Noted as disputed. alice will be told. Thank you.");
    expect((await bot.deliver()).map((d) => [d.to.personId, d.text])).toEqual([
      [
        "alice",
        "bob disputed your check-in on #1 Call my sister. It may be worth talking it through with them.",
      ],
    ]);
    // newest first: disputed = missed (weight 1), confirmed kept (weight 2 · 0.8) → 1.6 / 2.6
    expect(await commitment(bot)).toMatchObject({ streak: 0, verifiedStreak: 0, consistency: 61.5 });
    expect(await bot.say("alice", "/history #1")).toContain(
      "Mon 30 Nov 2026, 12:00: kept ✓ (disputed by your witness)",
    );

    await jumpTo(bot, at("2026-12-01T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    const unsure = await bot.click("bob", (await bot.deliver())[0]?.message, "Not sure");
    expect(plain(unsure)).toBe("Noted as not sure. alice will be told. Thank you.");
    expect((await bot.deliver()).map((d) => d.text)).toEqual([
      "bob wasn't sure about your check-in on #1 Call my sister. Nothing changes; it stays as you answered.",
    ]);
    // kept (unsure, weight 1), missed, confirmed kept (2 · 0.64) → 2.28 / 3.08
    expect(await commitment(bot)).toMatchObject({ streak: 1, verifiedStreak: 0, consistency: 74 });
  });
});

describe("the two-misses alert", () => {
  it("goes to the witness exactly once after the second miss in a row", async () => {
    const bot = await witnessed();
    await bot.say("bob", "/quiet off");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    // First miss: answered honestly.
    await bot.click("alice", bot.lastWith("Missed"), "Missed");
    expect(await bot.deliver()).toEqual([]);
    // The second, the next day, goes unanswered; its window closes at the third prompt.
    await bot.advance(DAY);
    expect(bot.delivered.some((d) => kind(d.purpose) === "alert")).toBe(false);
    const second = await bot.advance(DAY);
    const alerts = second.filter((d) => kind(d.purpose) === "alert");
    expect(alerts.map((d) => [iso(d.at), d.to.chatKind, d.to.personId, d.text])).toEqual([
      [
        "2026-12-01T12:00:00.000Z",
        "dm",
        "bob",
        // The first miss alice said herself; the second window closed with no answer.
        "alice's latest check-in on #1 Call my sister got no answer, and they said they missed the one before. A kind word may help more than a reminder.",
      ],
    ]);
    // A third miss sends no second alert.
    await bot.advance(DAY);
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["answered", "missed", "missed", "pending"]);
    expect(bot.delivered.filter((d) => kind(d.purpose) === "alert")).toHaveLength(1);
  });

  it("is held by the witness's quiet hours", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 23:30");
    await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
    await bot.say("alice", "/quiet off");
    await bot.advance(2 * DAY + 22 * H);
    const alerts = bot.delivered.filter((d) => kind(d.purpose) === "alert");
    // The second window closes at 23:30 on 1 Dec, inside bob's 22:00–08:00.
    expect(alerts.map((d) => iso(d.at))).toEqual(["2026-12-02T08:00:00.000Z"]);
  });

  it("is not sent with alerts: off, nor after one miss", async () => {
    const off = await witnessed(" alerts: off");
    expect(off.delivered).toEqual([]);
    await off.advance(3 * DAY + H);
    expect((await checkInsOf(off)).map((c) => c.state)).toEqual(["missed", "missed", "missed", "pending"]);
    expect(off.delivered.filter((d) => kind(d.purpose) === "alert")).toEqual([]);

    const once = await witnessed();
    await once.advance(DAY + H);
    expect((await checkInsOf(once)).map((c) => c.state)).toEqual(["missed", "pending"]);
    expect(once.delivered.filter((d) => kind(d.purpose) === "alert")).toEqual([]);
    await once.say("alice", "/checkin kept");
    await once.deliver();
    await once.advance(2 * DAY);
    // missed, kept, missed: never two in a row.
    expect((await checkInsOf(once)).map((c) => c.state)).toEqual(["missed", "answered", "missed", "pending"]);
    expect(once.delivered.filter((d) => kind(d.purpose) === "alert")).toEqual([]);
  });
});

describe("ending the witness", () => {
  it("/unwitness tells the witness, stops verdict requests and ignores their old buttons", async () => {
    const bot = await witnessed();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.say("alice", "/checkin kept");
    const [request] = await bot.deliver();

    const r = await bot.send("alice", "/unwitness #1");
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toBe("bob no longer witnesses #1 Call my sister.");
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.text])).toEqual(
      [
        [
          "unwitnessed",
          "dm",
          "bob",
          "alice no longer needs a witness for #1 Call my sister, so nothing more is asked of you. Thank you for standing by them.",
        ],
      ],
    );
    expect(await commitment(bot)).toMatchObject({ witnessStatus: null, witnessId: null });
    expect(plain(await bot.click("bob", request?.message, "Confirm"))).toBe(NOT_FOR_YOU);

    await jumpTo(bot, at("2026-11-30T12:00:00Z"));
    expect(await bot.say("alice", "/checkin kept")).not.toContain("witness");
    expect(await bot.deliver()).toEqual([]);
    expect(await bot.say("alice", "/unwitness #1")).toBe("#1 has no witness.");
    expect(await bot.say("bob", "/unwitness #1")).toMatch(/You have no commitment #1/);
  });

  it("/unwitness withdraws an open invitation without messaging anyone", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    expect(await bot.say("alice", "/unwitness #1")).toBe(
      "The invitation is withdrawn for #1 Call my sister.",
    );
    expect(await bot.deliver()).toEqual([]);
    expect(plain(await bot.click("bob", invite, "Accept"))).toBe(NOT_FOR_YOU);
  });
});

describe("the weekly digest", () => {
  it("arrives Sunday 19:00 in the witness's zone, summarises the week, and offers Step down", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("bob", "/timezone America/New_York");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
    // Sunday 6 Dec, 19:00 in New York (EST, UTC−5).
    expect((await personOf(bot, "bob"))?.nextDigestAt).toBe(at("2026-12-07T00:00:00Z"));

    const confirm = async () => {
      const request = (await bot.deliver()).find((d) => kind(d.purpose) === "verify");
      await bot.click("bob", request?.message, "Confirm");
      await bot.deliver();
    };
    const day = (n: number) => at("2026-11-29T12:00:00Z") + n * DAY;
    // Sun 29 Nov (before the digest's week): kept.
    await jumpTo(bot, day(0));
    await bot.say("alice", "/checkin kept");
    await confirm();
    const plan: (string | null)[] = ["kept+", "kept+", "partly", "missed", null, "kept"];
    for (const [i, answer] of plan.entries()) {
      await jumpTo(bot, day(i + 1));
      if (answer === null) continue;
      await bot.say("alice", `/checkin ${answer.replace("+", "")}`);
      if (answer.endsWith("+")) await confirm();
    }
    await bot.deliver();
    // Sun 6 Dec 12:00: the seventh check-in of the week opens and is still open at the digest.
    const sunday = await jumpTo(bot, day(7));
    // The alert for the misses of 3 and 4 Dec waited for 08:00 in New York (quiet hours).
    expect(sunday.map((d) => [kind(d.purpose), d.to.personId])).toEqual([
      ["alert", "bob"],
      ["prompt", undefined],
    ]);

    const evening = await bot.advance(12 * H + 5 * 60_000);
    const digests = evening.filter((d) => kind(d.purpose) === "digest");
    expect(digests.map((d) => [iso(d.at), d.to.chatKind, d.to.personId])).toEqual([
      ["2026-12-07T00:00:00.000Z", "dm", "bob"],
    ]);
    // Counts in words, with what bob might do: two answers still wait for his word.
    expect(digests[0]?.text).toBe(
      "Your week as a witness\n" +
        "alice's #1 Call my sister: kept 3 of 6, partly kept 1, 2 confirmed by you; missed 1; 1 got no answer.\n" +
        "2 kept or partly answers this week still wait for your word, if you know how they went. " +
        "Thank you for being there.",
    );
    expect((await personOf(bot, "bob"))?.nextDigestAt).toBe(at("2026-12-14T00:00:00Z"));

    // Only the witness can step down; the owner is told.
    const digest = digests[0]?.message;
    const label = "Step down from alice #1";
    expect(digest?.buttons?.flat().map((b) => b.label)).toEqual([label]);
    for (const who of ["carol", "alice"]) {
      const r = await bot.click(who, digest, label);
      expect(r[0]?.visibility).toBe("sender-only");
      expect(plain(r)).toBe(NOT_FOR_YOU);
    }
    const down = await bot.click("bob", digest, label, dm("bob"));
    expect(down[0]?.visibility).toBe("sender-only");
    expect(plain(down)).toBe(
      "You've stepped down as witness of alice's #1 Call my sister. I'll let alice know. Thank you for standing by them.",
    );
    expect((await bot.deliver()).map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId, d.text])).toEqual(
      [
        [
          "stepped-down",
          "dm",
          "alice",
          "bob stepped down as witness of #1 Call my sister. If you'd like someone else, you can ask them with /witness #1 and their @name.",
        ],
      ],
    );
    expect(await commitment(bot)).toMatchObject({ witnessStatus: null, witnessId: null });
    expect(plain(await bot.click("bob", digest, label))).toBe(NOT_FOR_YOU);

    // Nothing left to witness: no digest next Sunday, and none planned.
    const next = await jumpTo(bot, at("2026-12-14T00:00:00Z"));
    expect(next.filter((d) => kind(d.purpose) === "digest")).toEqual([]);
    expect((await personOf(bot, "bob"))?.nextDigestAt).toBeNull();
  });

  it("follows the witness's zone when they set it after accepting", async () => {
    const digestsIn = async (zone: string, when = "2026-11-29T11:30:00Z") => {
      const bot = createBot("2026-11-29T11:00:00Z");
      await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
      await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
      expect((await personOf(bot, "bob"))?.nextDigestAt).toBe(at("2026-12-06T19:00:00Z"));
      bot.clock.ms = at(when);
      await bot.say("bob", `/timezone ${zone}`);
      const weeks = await bot.advance(at("2026-12-14T12:00:00Z") - bot.clock.ms);
      return weeks.filter((d) => kind(d.purpose) === "digest").map((d) => iso(d.at));
    };
    // Sunday 19:00 in Tokyo (UTC+9) and in Los Angeles (UTC−8), from the first digest on.
    expect(await digestsIn("Asia/Tokyo")).toEqual(["2026-12-06T10:00:00.000Z", "2026-12-13T10:00:00.000Z"]);
    expect(await digestsIn("America/Los_Angeles")).toEqual([
      "2026-12-07T03:00:00.000Z",
      "2026-12-14T03:00:00.000Z",
    ]);
    // Moving east on Sunday afternoon (UTC), when it is already past 19:00 in Tokyo: next Sunday.
    expect(await digestsIn("Asia/Tokyo", "2026-12-06T12:00:00Z")).toEqual(["2026-12-13T10:00:00.000Z"]);
  });

  it("says so when the week had no check-ins", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: weekly mon 12:00");
    await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
    await bot.say("alice", "/pause #1");
    const digest = (await jumpTo(bot, at("2026-12-06T19:00:00Z"))).find((d) => kind(d.purpose) === "digest");
    // Nothing was due: not the same as a week of silence.
    expect(digest?.text).toBe(
      "Your week as a witness\nalice's #1 Call my sister: paused; no check-in was due this week.\n" +
        "Nothing is needed from you this week. Thank you for being there.",
    );
  });
});
