/**
 * The guided exchange on the console (issue 10): the same rules as on Telegram
 * (src/commands/guided.ts). A command missing a required option asks for it; the person's next
 * line answers a typed question, a click answers one with buttons; a bad answer is refused in the
 * command line's words and asked again. And the console's own `:help` example makes what it says.
 */
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createVirtualClock } from "../adapters/console/clock";
import { runConsole } from "../adapters/console/index";
import { HELP_TEXT } from "../adapters/console/session";
import { jumpTo } from "./support/followup";
import { createBot } from "./support/harness";
import { allCommitments } from "./support/inspect";

const START = "2026-11-29T11:00:00Z";

/** Pipes `lines` through the console over a real engine; returns the transcript and the bot. */
async function converse(lines: string[], bot = createBot(START)) {
  const chunks: string[] = [];
  const output = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  await runConsole({
    engine: bot.engine,
    clock: createVirtualClock(Date.parse(START)),
    input: Readable.from([`${lines.join("\n")}\n`]),
    output,
    interactive: false,
    onMinute: async () => {},
  });
  return { transcript: chunks.join(""), bot };
}

describe("the console's guided exchange", () => {
  it("asks a bare /commit what alice commits to, takes her next line, then a cadence button", async () => {
    const { transcript, bot } = await converse([
      "alice: /commit",
      "bob: hello",
      "alice: Call my sister cadence: whenever, and keep it private",
      "bob clicks weekly sun 18:00",
      "alice clicks weekly sun 18:00",
    ]);
    expect(transcript).toContain(
      "[group → alice only] bot: What do you commit to? Reply to this message in your own words.",
    );
    expect(transcript).toContain(
      "[group → alice only] bot: When should I check in? Pick one, or Other to type your own.",
    );
    // bob's chatter answers nothing, and he cannot see alice's buttons.
    expect(transcript).toContain('(console) no message bob can see shows a button "weekly sun 18:00"');
    expect(transcript).toMatch(
      /\[group\] bot: Committed #1 Call my sister cadence: whenever, and keep it private: /,
    );
    // The answer never went through the command grammar: its "cadence:" and "private" are words.
    expect(await allCommitments(bot)).toMatchObject([
      {
        promise: "Call my sister cadence: whenever, and keep it private",
        cadence: "weekly sun 18:00",
        visibility: "group",
      },
    ]);
  });

  it("refuses a bad answer in the command line's words and asks again; a new command replaces the question", async () => {
    const { transcript, bot } = await converse([
      "alice@dm: /commit private",
      "alice@dm: \u200b\u202e",
      "alice@dm: Keep a journal",
      "alice@dm: clicks Other…",
      "alice@dm: /status",
      "alice@dm: every 2 days 19:00",
    ]);
    expect(transcript).toContain(
      "[dm alice] bot: That promise shows nothing I can read, only blank or hidden characters. " +
        "Write it in words. What do you commit to?",
    );
    // "/status" replaced the cadence question, so the line after it is chatter and nothing is made.
    expect(transcript).not.toContain("Committed");
    expect(await allCommitments(bot)).toEqual([]);
  });

  it("offers the person's commitments as buttons and kept/partly/missed for a choice", async () => {
    const bot = createBot(START);
    await bot.say("alice", "/commit Walk cadence: daily 11:30");
    await bot.say("alice", "/commit Read cadence: daily 11:45");
    await jumpTo(bot, Date.parse("2026-11-29T12:00:00Z"));
    const { transcript } = await converse(
      ["alice: /history", "alice clicks #2 Read", "alice: /checkin #1", "alice clicks Kept"],
      bot,
    );
    expect(transcript).toContain("[group → alice only] bot: Which commitment?\n  [#1 Walk]\n  [#2 Read]");
    expect(transcript).toMatch(/\[group → alice only\] bot: #2 Read/);
    expect(transcript).toContain("[group → alice only] bot: How did it go?\n  [Kept] [Partly] [Missed]");
    expect(transcript).toContain("[group] bot: ✓ alice checked in on #1 Walk.");
  });

  it("the :help example makes the commitment it shows", async () => {
    const line = HELP_TEXT.map((l) => /^\s+alice: (\/commit \S.*?)(?:\s{2,}|$)/.exec(l)?.[1]).find(Boolean);
    expect(line).toBeDefined();
    const { bot } = await converse([`alice: ${line}`]);
    const made = await allCommitments(bot);
    // Before issue 10 it read "weekly sun 18:00" as part of the promise and checked in daily at 20:00.
    expect(made).toMatchObject([{ promise: "Call my sister", cadence: "weekly sun 18:00" }]);
  });
});
