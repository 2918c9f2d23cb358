/**
 * Text limits as a person sees text (issue 10, PRODUCT §8): promise and note lengths count
 * grapheme clusters; a promise or note that shows nothing is refused; invisible control and bidi
 * override characters inside visible text are taken out; and no refusal repeats more than 60
 * characters of what was typed, however long the input. Each path is tried twice: as a typed line
 * (the console and Telegram, through the parser) and as typed options (Discord, straight to the
 * engine).
 */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/table";
import { checkText, cleanText, graphemes, isVisible, QUOTE_MAX, quote } from "../src/commands/text";
import { checkInsOf, jumpTo } from "./support/followup";
import { actor, createBot, GROUP, plain } from "./support/harness";
import { allCommitments } from "./support/inspect";

const COMBINING_E = "e\u0301"; // é typed as e + combining acute accent: one character to a reader
const FAMILY = "👨‍👩‍👧"; // five code points, one character
const NOTHING = {
  "zero-width spaces": "\u200b\u200b\u200b",
  "a NUL": "\u0000",
  "a right-to-left override": "\u202e",
  "a BOM and a word joiner": "\ufeff\u2060",
  "a Hangul filler": "\u3164",
  "zero-width joiners": "\u200d\u200d",
} as const;

/** A bot, and the same command sent as a typed line and as Discord's typed options. */
function bothPaths() {
  const bot = createBot("2026-11-29T11:00:00Z");
  return {
    bot,
    typed: (line: string) => bot.send("alice", line),
    options: (name: string, args: Record<string, string>) =>
      bot.engine.handle({ type: "command", name, args, chat: GROUP, from: actor("alice") }),
  };
}

describe("lengths count what a person sees", () => {
  it("takes 300 é typed as e + combining accent as a promise of 300 characters, stored composed", async () => {
    const { bot, typed, options } = bothPaths();
    expect(plain(await typed(`/commit ${COMBINING_E.repeat(300)}`))).toMatch(/^Committed #1 /);
    expect(plain(await options("commit", { promise: COMBINING_E.repeat(300) }))).toMatch(/^Committed #2 /);
    const stored = (await allCommitments(bot)).map((c) => c.promise);
    expect(stored).toEqual(["é".repeat(300), "é".repeat(300)]);
  });

  it("counts an emoji family as one character, and refuses the 501st", async () => {
    const { typed, options } = bothPaths();
    expect(plain(await typed(`/commit ${FAMILY.repeat(500)}`))).toMatch(/^Committed #1 /);
    expect(plain(await options("commit", { promise: FAMILY.repeat(500) }))).toMatch(/^Committed #2 /);
    expect(plain(await typed(`/commit ${COMBINING_E.repeat(501)}`))).toMatch(
      /^That promise is 501 characters; please keep it to 500\./,
    );
    expect(plain(await options("commit", { promise: FAMILY.repeat(501) }))).toMatch(
      /^That promise is 501 characters; please keep it to 500\./,
    );
  });

  it("counts a note the same way, with an answer and with Add a note", async () => {
    const { bot, typed } = bothPaths();
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    await jumpTo(bot, Date.parse("2026-11-29T12:05:00Z"));
    const answered = await typed(`/checkin kept ${COMBINING_E.repeat(1000)}`);
    expect(plain(answered)).toMatch(/checked in/);
    expect((await checkInsOf(bot, 1))[0]?.note).toBe("é".repeat(1000));
    expect(graphemes(FAMILY.repeat(1001))).toBe(1001);
  });
});

describe("text that shows nothing", () => {
  it.each(Object.entries(NOTHING))("is no promise: %s", async (_, text) => {
    const { bot, typed, options } = bothPaths();
    for (const replies of [
      await typed(`/commit ${text}`),
      await options("commit", { promise: text }),
      await typed(`/commit Walk`).then(() => typed(`/edit #1 promise: ${text}`)),
    ]) {
      const said = plain(replies);
      expect(said).toMatch(/^That promise shows nothing I can read, only blank or hidden characters\./);
      expect(said).not.toContain("\n");
    }
    expect((await allCommitments(bot)).map((c) => c.promise)).toEqual(["Walk"]);
  });

  it.each(Object.entries(NOTHING))("is no note: %s", async (_, text) => {
    const { bot, typed, options } = bothPaths();
    await bot.say("alice", "/commit Walk cadence: daily 12:00");
    await jumpTo(bot, Date.parse("2026-11-29T12:05:00Z"));
    expect(plain(await typed(`/checkin kept ${text}`))).toMatch(/^That note shows nothing I can read/);
    expect(plain(await options("checkin", { answer: "kept", note: text }))).toMatch(
      /^That note shows nothing/,
    );
    expect((await checkInsOf(bot, 1))[0]?.state).toBe("pending");
    // Add a note, once answered.
    const kept = await bot.send("alice", "/checkin kept");
    const button = kept.flatMap((r) => r.buttons?.flat() ?? []).find((b) => b.label === "Add a note");
    const added = await bot.engine.handle({
      type: "click",
      action: button?.action ?? "",
      text,
      chat: GROUP,
      from: actor("alice"),
    });
    expect(plain(added)).toMatch(/^(That note shows nothing|The note was empty)/);
    expect((await checkInsOf(bot, 1))[0]?.note).toBeNull();
  });

  it("takes controls and bidi overrides out of visible text, and keeps what joins emoji and words", async () => {
    const { bot, typed, options } = bothPaths();
    // U+202E would show the witness "olleh" for "hello"; NUL and escape sequences mean nothing here.
    await typed("/commit Call \u202eoiduts\u202c mum\u0000 \u001b[31mtonight");
    await options("commit", { promise: "Read\u200b\u2066 more\ufeff" });
    await typed(`/commit Family ${FAMILY} time, می‌خواهم \u200fok`);
    expect((await allCommitments(bot)).map((c) => c.promise)).toEqual([
      "Call oiduts mum [31mtonight",
      "Read more",
      `Family ${FAMILY} time, می‌خواهم \u200fok`,
    ]);
  });
});

describe("refusals quote at most 60 characters of what was typed", () => {
  const EMOJI = "🙂".repeat(10_000);
  const LONG = "x".repeat(12_014);

  it("/quiet with 10,000 emoji, and every other command with 10,000 of them", async () => {
    const { typed, options } = bothPaths();
    await typed("/commit Walk");
    const said: string[] = [
      plain(await typed(`/quiet ${EMOJI}`)),
      plain(await options("quiet", { hours: EMOJI })),
    ];
    for (const c of COMMANDS) {
      said.push(plain(await typed(`/${c.name} ${EMOJI}`)));
      said.push(plain(await typed(`/${c.name} #1 ${EMOJI}`)));
      for (const o of c.options.filter((o) => o.type === "text")) {
        said.push(plain(await options(c.name, { commitment: "1", answer: "kept", [o.name]: EMOJI })));
      }
    }
    said.push(plain(await typed(`/${"x".repeat(10_000)}`)));
    said.push(plain(await typed(`/help ${"y".repeat(10_000)}`)));
    for (const text of said) {
      expect(text.length, text.slice(0, 200)).toBeLessThan(400);
      expect(text).not.toMatch(/(🙂){61}|x{61}|y{61}/u);
    }
    expect(said[0]).toBe(
      "That is 10000 characters; hours: takes at most 60. For example: /quiet 22:00-08:00",
    );
  });

  it("a 12,014-character cron line is refused before it is read, and not stored", async () => {
    const { bot, typed, options } = bothPaths();
    for (const replies of [
      await typed(`/commit Walk cadence: cron ${LONG}`),
      await options("commit", { promise: "Walk", cadence: `cron ${LONG}` }),
    ]) {
      expect(plain(replies)).toMatch(/^That is 12019 characters; cadence: takes at most 200\./);
    }
    expect(await allCommitments(bot)).toEqual([]);
  });

  it("quote() cuts by what a person sees, on one line, without hidden characters", () => {
    expect(quote(EMOJI)).toBe(`"${"🙂".repeat(QUOTE_MAX - 1)}…"`);
    expect(quote(`${FAMILY.repeat(70)}`)).toBe(`"${FAMILY.repeat(59)}…"`);
    expect(quote("two\nlines\u0000 and\u202e more")).toBe('"two lines and more"');
    expect(quote("short")).toBe('"short"');
  });

  it("checkText and friends", () => {
    expect(cleanText(`${COMBINING_E}\u202e`)).toBe("é");
    expect(isVisible("\u200b\u3164 \u0301")).toBe(false);
    expect(isVisible("\u200bé")).toBe(true);
    expect(checkText("note", "  many   spaces  ", 1000)).toEqual({ value: "many spaces" });
    expect(checkText("note", "", 1000)).toEqual({
      error: "That note is empty. Write it in words.",
    });
  });
});
