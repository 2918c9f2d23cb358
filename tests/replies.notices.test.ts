/**
 * Notices about a person's own choices (issue 9, PRODUCT §5, VOICE.md): they go privately to the
 * people concerned, never to the group, and every notice to a witness says what, if anything,
 * they might do.
 */
import { describe, expect, it } from "vitest";
import { encodeAction } from "../src/actions";
import { type Bot, kind } from "./support/followup";
import { actor, createBot, dm, plain } from "./support/harness";
import { outboxOf } from "./support/inspect";

/** alice's group #1 "Call my sister", witnessed by bob. */
async function witnessed(): Promise<Bot> {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/quiet off");
  await bot.say("bob", "/quiet off", dm("bob"));
  await bot.say("alice", "/commit Call my sister cadence: daily 12:00");
  await bot.click("bob", (await bot.send("alice", "/witness #1 @bob"))[0], "Accept");
  return bot;
}

/** What was queued for bob, by kind, as bob reads it; each must be a direct message. */
async function toBob(bot: Bot): Promise<Record<string, string>> {
  const rows = (await outboxOf(bot)).filter((o) => o.recipient.personId === "bob");
  for (const row of rows) expect(row.recipient.chatKind, row.purpose).toBe("dm");
  return Object.fromEntries(rows.map((o) => [kind(o.purpose), plain([o.payload])]));
}

describe("notices to a witness say what, if anything, they might do", () => {
  it("the welcome: what they'll be asked, that reminding is the bot's part, and where to step down", async () => {
    const bot = await witnessed();
    expect((await toBob(bot)).welcome).toBe(
      "You now witness alice's #1 Call my sister. After a kept or partly check-in I'll ask you whether it " +
        "matches what you've seen; on Sundays you get a short digest. That's all: reminding them is my part, " +
        "not yours. You can step down any time from /status.",
    );
  });

  it("an easing or a cancellation: nothing to do, and talking it over if it worries them", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/edit #1 cadence: weekly sun 12:00");
    expect((await toBob(bot)).renegotiate).toMatch(
      /^alice asked to ease #1 Call my sister .*There's nothing you need to do; if it worries you, talk it over with alice\.$/,
    );
    await bot.say("alice", "/edit #1 cadence: daily 12:00");
    expect((await toBob(bot)).withdrawn).toBe(
      "alice no longer asks to ease #1 Call my sister. Nothing changes for you.",
    );
  });

  it("a pause and a resume: nothing asked meanwhile, and what comes after", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/pause #1");
    expect((await toBob(bot)).paused).toBe(
      "alice paused #1 Call my sister until they resume it. Nothing is asked of you meanwhile.",
    );
    await bot.say("alice", "/resume #1");
    expect((await toBob(bot)).resumed).toMatch(
      /As before, I'll ask you to confirm the kept and partly ones\.$/,
    );
  });

  it("/unwitness: nothing more is asked of them", async () => {
    const bot = await witnessed();
    await bot.say("alice", "/unwitness #1");
    expect((await toBob(bot)).unwitnessed).toBe(
      "alice no longer needs a witness for #1 Call my sister, so nothing more is asked of you. Thank you for " +
        "standing by them.",
    );
  });
});

describe("the owner's own choices are answered to them alone", () => {
  it("pause, resume, cancel and an easing of a group commitment never reach the group", async () => {
    const bot = await witnessed();
    for (const line of ["/pause #1", "/resume #1", "/edit #1 until: 2026-12-10", "/cancel #1"]) {
      const replies = await bot.send("alice", line);
      expect(
        replies.map((r) => r.visibility),
        line,
      ).toEqual(["sender-only"]);
    }
  });

  it("a step-down: the owner hears privately how to ask someone else", async () => {
    const bot = await witnessed();
    const down = await bot.engine.handle({
      type: "click",
      action: encodeAction("wsd", 1),
      chat: dm("bob"),
      from: actor("bob"),
    });
    expect(plain(down)).toBe(
      "You've stepped down as witness of alice's #1 Call my sister. I'll let alice know. Thank you for " +
        "standing by them.",
    );
    const toAlice = (await outboxOf(bot)).filter((o) => kind(o.purpose) === "stepped-down");
    expect(toAlice.map((row) => [row.recipient.chatKind, plain([row.payload])])).toEqual([
      [
        "dm",
        "bob stepped down as witness of #1 Call my sister. If you'd like someone else, you can ask them with " +
          "/witness #1 and their @name.",
      ],
    ]);
  });
});
