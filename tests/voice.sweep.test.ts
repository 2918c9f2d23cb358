/**
 * The voice check (issue 9, PRODUCT §10, VOICE.md): every text the bot can produce is read by a
 * test, not by a person skimming the source. The texts are collected by driving the engine, not
 * by grepping: the sweep of tests/support/sweep.ts (every command, every button verb, every
 * kind of queued message, with its group fallback) plus every command's refusals. Each must:
 * - have no exclamation mark and at most one emoji;
 * - hold no internal identifier (event names, purpose keys, button actions, `undefined`, `null`,
 *   `[object …]`, `NaN`) and no bare zero;
 * - call no figure "trust" (no "trust 62/100", no score out of 100);
 * - in a group, say at most two sentences before the buttons;
 * - in a person's own chat, speak to them, not about them ("You checked in", not "@sam").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/table";
import { toPlain } from "../src/richtext";
import type { Reply } from "../src/types";
import { createBot } from "./support/harness";
import { type Seen, sweep } from "./support/sweep";

/** Names of history events and outbox purposes: the bot's words for itself, never for people. */
const INTERNAL = [
  /\b(witness|change)-[a-z]+\b/,
  /\bverdict\b/i,
  /\b(prompt|remind|verify|alert|digest|welcome|silence|ended|applied):\d/,
  /\b[a-z]{3}:\d+(:[a-z])?\b/, // an encoded button action such as ans:12:k
  /\bundefined\b/,
  /\bnull\b/,
  /\[object/,
  /\bNaN\b/,
  /Invalid Date/,
];

const EMOJI = /\p{Extended_Pictographic}|✓/gu;
/** A zero standing alone as a count ("streak 0", "0 partly"), not a digit of a time or date. */
const BARE_ZERO = /(?<![\d:.,/-])\b0\b(?![\d:.,/-])/;
const TRUST_SCORE = /\btrust\s*(meter|score|\d)|\d+\s*\/\s*100\b/i;

/**
 * The sentences a group reads before the buttons. A combined check-in message lists one line per
 * commitment (`#2 …`): those lines are items, not sentences, so only its opening counts.
 */
function sentencesBeforeButtons(text: string): number {
  const prose = text
    .split("\n")
    .filter((line) => !/^\s*#\d+/.test(line))
    .join(" ");
  return prose
    .split(/(?<=[.?])\s+(?=[A-Z@✓"])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0).length;
}

/** Every refusal of every command: missing arguments, an unknown commitment, a bad option. */
async function refusals(): Promise<Seen[]> {
  const bot = createBot();
  const seen: Seen[] = [];
  await bot.say("alice", "/commit Call my sister cadence: daily 20:00");
  for (const command of COMMANDS) {
    for (const args of ["", " #99", " zzz: qqq", " #1 until: someday", " 99999"]) {
      const line = `/${command.name}${args}`;
      const replies: Reply[] = await bot.send("alice", line);
      for (const r of replies) {
        seen.push({
          audience: r.visibility === "chat" ? "group" : "private",
          ...(r.visibility === "chat" ? {} : { reader: "alice" }),
          how: `alice: ${line}`,
          text: toPlain(r.text),
          buttons: r.buttons?.flat().map((b) => b.label) ?? [],
          refusal: r.refusal === true,
        });
      }
    }
  }
  return seen;
}

describe("the voice of every message", () => {
  let all: Seen[];
  beforeAll(async () => {
    const swept = await sweep();
    all = [...swept.heard, ...(await refusals())];
  }, 90_000);

  /** The texts that break a rule, each once, so a failure lists every one of them. */
  const breaking = (rule: (s: Seen) => boolean, among: Seen[] = all): string[] => [
    ...new Set(among.filter(rule).map((s) => `${s.audience} · ${s.how}: ${s.text}`)),
  ];

  it("reads a great many texts, in the group and in private", () => {
    expect(all.filter((s) => s.audience === "group").length).toBeGreaterThan(40);
    expect(all.filter((s) => s.audience === "private").length).toBeGreaterThan(100);
  });

  it("has no exclamation marks", () => {
    expect(breaking((s) => s.text.includes("!"))).toEqual([]);
  });

  it("has at most one emoji per message", () => {
    expect(breaking((s) => (s.text.match(EMOJI) ?? []).length > 1)).toEqual([]);
  });

  it("holds no internal identifier", () => {
    const internal = (text: string) => INTERNAL.some((pattern) => pattern.test(text));
    expect(breaking((s) => internal(s.text) || s.buttons.some(internal))).toEqual([]);
  });

  it("shows no bare zero", () => {
    expect(breaking((s) => BARE_ZERO.test(s.text))).toEqual([]);
  });

  it("never scores trust", () => {
    expect(breaking((s) => TRUST_SCORE.test(s.text))).toEqual([]);
  });

  it("says at most two sentences to a group before the buttons", () => {
    const group = all.filter((s) => s.audience === "group");
    expect(breaking((s) => sentencesBeforeButtons(s.text) > 2, group)).toEqual([]);
  });

  it("speaks to a person in their own chat, not about them", () => {
    const own = all.filter((s) => s.audience === "private" && s.reader);
    const aboutThem = (s: Seen) => {
      const name = s.reader ?? "";
      return (
        s.text.includes(`@${name}`) || new RegExp(`(^|\\W)${name} (checked|says|has|is|was)\\b`).test(s.text)
      );
    };
    expect(breaking(aboutThem, own)).toEqual([]);
  });
});
