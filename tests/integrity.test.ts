/**
 * Buttons checked like commands (issue 8, found cases 1, 4, 5, 6 and 11): each case as it was
 * reproduced on the landed code, and what happens now.
 */
import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { toPlain } from "../src/richtext";
import type { ChatRef, Reply } from "../src/types";
import { at, checkInsOf, commitment, DAY, jumpTo, kind } from "./support/followup";
import { actor, createBot, dm, GROUP, plain } from "./support/harness";

const OTHER_GROUP: ChatRef = { platform: "console", id: "other-group", kind: "group", title: "other" };

/** Sends a raw click action, as a Telegram client can send any callback_data. */
function forge(bot: ReturnType<typeof createBot>, name: string, action: string, chat: ChatRef = GROUP) {
  return bot.engine.handle({ type: "click", action, chat, from: actor(name) });
}

/** Every text a group could read among replies (chat-visible ones in a group chat). */
const groupText = (replies: Reply[], chat: ChatRef = GROUP) =>
  chat.kind === "group"
    ? replies
        .filter((r) => r.visibility === "chat")
        .map((r) => toPlain(r.text))
        .join("\n")
    : "";

describe("a private promise stays out of the group (case 1)", () => {
  it("when the invited friend declines, then accepts a second invitation", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    const made = await bot.send("sam", "/commit Keep my spending log private witness: @jo");
    const invite = made.find((r) => r.buttons);
    expect(groupText(made)).not.toContain("spending log");
    const declined = await bot.click("jo", invite, "Decline");
    expect(groupText(declined)).toBe("");
    expect(toPlain(declined[0]?.settles ?? [])).toBe("Invitation closed");
    // sam hears it privately, with the promise: it is theirs.
    const told = await bot.deliver();
    expect(told.map((d) => [d.to.chatKind, d.to.personId])).toEqual([["dm", "sam"]]);
    expect(told[0]?.text).toContain("jo won't witness #1 Keep my spending log");
    expect(told[0]?.to.fallbackReply && toPlain(told[0].to.fallbackReply.text)).not.toContain("spending");

    const again = await bot.send("sam", "/witness #1 @jo");
    expect(groupText(again)).not.toContain("spending log");
    const accepted = await bot.click("jo", again[0], "Accept");
    expect(groupText(accepted)).toBe("jo is now the witness for @sam's #1. Thank you for standing by them.");
    // jo learns the promise privately, now that they are the witness.
    const welcome = await bot.deliver();
    expect(welcome.map((d) => [kind(d.purpose), d.to.chatKind, d.to.personId])).toEqual([
      ["welcome", "dm", "jo"],
    ]);
    expect(welcome[0]?.text).toContain("Keep my spending log");
  });
});

describe("a commitment made in a direct chat", () => {
  it("is invited from a group and accepted there, without its promise", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("sam", "/commit Keep my spending log", dm("sam"));
    const [invite] = await bot.send("sam", "/witness #1 @jo");
    expect(groupText(invite ? [invite] : [])).not.toContain("spending");
    const accepted = await bot.click("jo", invite, "Accept");
    expect(groupText(accepted)).toBe("jo is now the witness for @sam's #1. Thank you for standing by them.");
    expect((await commitment(bot)).witnessStatus).toBe("active");
  });
});

/** alice's daily commitment with bob as its witness, his welcome delivered. */
async function witnessedByBob() {
  const bot = createBot("2026-11-29T11:00:00Z");
  const made = await bot.send("alice", "/commit Call my sister cadence: daily 12:00 witness: @bob");
  await bot.click(
    "bob",
    made.find((r) => r.buttons),
    "Accept",
  );
  await bot.deliver();
  return bot;
}

describe("a witness judges only what they were asked about (case 4)", () => {
  it("cannot confirm a check-in that is still open; the real confirmation later reaches the owner", async () => {
    const bot = await witnessedByBob();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const [open] = await checkInsOf(bot);
    expect(open?.state).toBe("pending");
    const forged = await forge(bot, "bob", `vfy:${open?.id}:c`);
    expect(plain(forged)).toBe(NOT_FOR_YOU);
    expect((await checkInsOf(bot))[0]?.verdict).toBeNull();
    expect(await bot.deliver()).toEqual([]);

    await bot.click("alice", bot.lastWith("Kept"), "Kept");
    const request = (await bot.deliver()).find((d) => kind(d.purpose) === "verify");
    await bot.click("bob", request?.message, "Confirm");
    const told = await bot.deliver();
    expect(told.map((d) => [kind(d.purpose), d.to.personId])).toEqual([["verdict", "alice"]]);
    expect(told[0]?.text).toContain("bob confirmed your check-in");
  });

  it("cannot dispute a check-in answered before they became the witness", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.click("alice", bot.lastWith("Kept"), "Kept");
    const [answered] = await checkInsOf(bot);
    const [invite] = await bot.send("alice", "/witness #1 @bob");
    await bot.click("bob", invite, "Accept");
    const before = (await commitment(bot)).streak;
    expect(plain(await forge(bot, "bob", `vfy:${answered?.id}:d`))).toBe(NOT_FOR_YOU);
    expect((await checkInsOf(bot))[0]?.verdict).toBeNull();
    expect((await commitment(bot)).streak).toBe(before);
  });

  it("a former witness's old buttons count for nothing once another witness is asked", async () => {
    const bot = await witnessedByBob();
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    await bot.click("alice", bot.lastWith("Kept"), "Kept");
    const request = (await bot.deliver()).find((d) => kind(d.purpose) === "verify");
    await bot.say("alice", "/unwitness #1");
    const [invite] = await bot.send("alice", "/witness #1 @carol");
    await bot.click("carol", invite, "Accept");
    // carol was never asked about that answer, and bob no longer witnesses.
    expect(plain(await bot.click("bob", request?.message, "Confirm"))).toBe(NOT_FOR_YOU);
    expect(plain(await bot.click("carol", request?.message, "Confirm"))).toBe(NOT_FOR_YOU);
    expect((await checkInsOf(bot))[0]?.verdict).toBeNull();
  });
});

describe("actions named after object methods (case 5)", () => {
  const names = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"];

  it.each(names)("click %s is an unknown button, not an internal object", async (verb) => {
    const bot = createBot();
    await bot.say("alice", "/commit Call my sister");
    for (const action of [verb, `${verb}:1`, `${verb}:1:k`]) {
      const r = await forge(bot, "alice", action);
      expect(Array.isArray(r)).toBe(true);
      expect(plain(r)).toBe("That button no longer does anything.");
    }
  });

  it.each(names)("command /%s is unknown", async (name) => {
    const bot = createBot();
    const r = await bot.engine.handle({ type: "command", name, args: {}, chat: GROUP, from: actor("alice") });
    expect(plain(r)).toBe(`I don't know /${name}. Send /help to see what I can do.`);
  });

  it("answer and verdict codes named after object methods are refused", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const id = (await checkInsOf(bot))[0]?.id;
    for (const code of ["constructor", "__proto__", "toString"]) {
      expect(plain(await forge(bot, "alice", `ans:${id}:${code}`))).toBe(NOT_FOR_YOU);
      expect(plain(await forge(bot, "alice", `vfy:${id}:${code}`))).toBe(NOT_FOR_YOU);
    }
    expect((await checkInsOf(bot))[0]?.state).toBe("pending");
  });

  it("ids that are not plain numbers name nothing", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    for (const id of ["1e0", " 1", "0x1", "+1", "1.0", "01"]) {
      expect(plain(await forge(bot, "alice", `ans:${id}:k`))).toBe(NOT_FOR_YOU);
    }
    expect((await checkInsOf(bot))[0]?.state).toBe("pending");
  });
});

describe("forged actions reveal no one (case 6)", () => {
  it("an invitation clicked by someone else, or from another chat, names nobody", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Stop drinking private");
    await bot.send("alice", "/witness #1 @bob");
    const id = (await commitment(bot)).id;
    for (const verb of ["wacc", "wdec"]) {
      for (const chat of [GROUP, OTHER_GROUP]) {
        const r = await forge(bot, "mallory", `${verb}:${id}`, chat);
        expect(plain(r)).toBe(NOT_FOR_YOU);
        expect(r[0]?.visibility).toBe("sender-only");
      }
    }
    // bob himself, from a group the invitation was never posted in: refused, and nothing said there.
    const elsewhere = await forge(bot, "bob", `wacc:${id}`, OTHER_GROUP);
    expect(plain(elsewhere)).toBe("Answer the invitation where it was posted.");
    expect(elsewhere[0]?.visibility).toBe("sender-only");
    expect((await commitment(bot)).witnessStatus).toBe("invited");
  });

  it("someone else's answer button names nobody", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const id = (await checkInsOf(bot))[0]?.id;
    for (const action of [`ans:${id}:k`, `snz:${id}`]) {
      const r = await forge(bot, "mallory", action);
      expect(plain(r)).toBe(NOT_FOR_YOU);
      expect(plain(r)).not.toContain("alice");
    }
  });

  it("the owner's kept answer, forged from another group, is not posted there", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    const r = await forge(bot, "alice", `ans:${(await checkInsOf(bot))[0]?.id}:k`, OTHER_GROUP);
    expect(r.every((reply) => reply.visibility === "sender-only")).toBe(true);
    expect((await checkInsOf(bot))[0]?.answer).toBe("kept");
  });
});

describe("bots as witnesses (case 11)", () => {
  it("an invitation by username says only a person can accept, and expires after 7 days", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister");
    const [invite] = await bot.send("alice", "/witness #1 @helperbot");
    expect(plain(invite ? [invite] : [])).toContain(
      "Only that person can accept (not a bot), within 7 days.",
    );
    // A bot's click is never an answer.
    const byBot = await bot.engine.handle({
      type: "click",
      action: invite?.buttons?.[0]?.[0]?.action ?? "",
      chat: GROUP,
      from: { ...actor("helperbot"), isBot: true },
    });
    expect(byBot).toEqual([]);
    bot.clock.advance(7 * DAY + 60_000);
    expect(plain(await bot.click("helperbot", invite, "Accept"))).toBe(
      "That invitation has expired. A new one can be sent with /witness.",
    );
    expect((await commitment(bot)).witnessId).toBeNull();
    // A new invitation can be sent, and accepted within its week.
    const [fresh] = await bot.send("alice", "/witness #1 @bob");
    bot.clock.advance(6 * DAY);
    expect(plain(await bot.click("bob", fresh, "Accept"))).toContain("bob is now the witness");
  });

  it("an invitation to a person the platform resolved just says only they can accept", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Call my sister");
    const r = await bot.engine.handle({
      type: "command",
      name: "witness",
      args: { commitment: "1", person: "bob" },
      mentions: [{ id: "bob", username: "bob", name: "bob" }],
      chat: GROUP,
      from: actor("alice"),
    });
    expect(plain(r)).toContain("Only you can accept, within 7 days.");
  });
});

describe("/help says what /forget removes and what /export holds", () => {
  it("in words", async () => {
    const bot = createBot();
    expect(await bot.say("alice", "/help forget")).toContain("Nothing about you stays.");
    expect(await bot.say("alice", "/help export")).toContain("Only your own data");
  });
});
