/**
 * Every example the bot shows works on the day it is shown (PRODUCT §3, issue 10): help, every
 * refusal of every command, /step's suggestions, the guided questions and the console's `:help`
 * are collected at several "now"s, each `/command …` example (and each `until: …`-style piece)
 * is taken out of them, and each is sent, on a fresh bot at that same now, by a person whose
 * commitments it can refer to. None may be refused.
 *
 * The "now"s: the last half hour of 2026 in the first zone to see 2027 (Pacific/Kiritimati, UTC+14)
 * and in UTC (when Kiritimati is already in 2027), a leap day, and today.
 */
import { describe, expect, it } from "vitest";
import { HELP_TEXT } from "../adapters/console/session";
import { currentOption, questionFor, startGuided } from "../src/commands/guided";
import { parseCommandText } from "../src/commands/parse";
import { COMMANDS, findCommand, type OptionSpec } from "../src/commands/table";
import { toPlain } from "../src/richtext";
import type { Reply } from "../src/types";
import { jumpTo } from "./support/followup";
import { actor, commandInput, createBot, GROUP } from "./support/harness";

const H = 3_600_000;

interface Now {
  name: string;
  at: number;
  /** The zone ana sets; undefined: she never sets one and the default (UTC) applies. */
  zone?: string;
}

const NOWS: Now[] = [
  {
    name: "31 Dec 2026 23:30 in Pacific/Kiritimati",
    at: Date.parse("2026-12-31T09:30:00Z"),
    zone: "Pacific/Kiritimati",
  },
  { name: "31 Dec 2026 23:30 UTC, zone never set", at: Date.parse("2026-12-31T23:30:00Z") },
  {
    name: "31 Dec 2026 23:30 UTC, seen from Kiritimati",
    at: Date.parse("2026-12-31T23:30:00Z"),
    zone: "Pacific/Kiritimati",
  },
  { name: "29 Feb 2028", at: Date.parse("2028-02-29T12:00:00Z"), zone: "UTC" },
  { name: "today", at: Date.now() },
];

/** Where an example came from, so a failure says whose words are stale. */
type Source = "help" | "refusal" | "cadence refusal" | "step" | "guided" | "console" | "reply";

interface Example {
  line: string;
  source: Source;
  /** What showed it. */
  how: string;
}

/** The line an option's example piece is tried with, so `until: 2027-01-31` becomes a command. */
const BASE: Record<string, string> = {
  until: "/commit Walk",
  cadence: "/commit Walk",
  step: "/commit Walk",
  alerts: "/witness #1 @their_name",
  for: "/pause #1",
  promise: "/commit",
  note: "/checkin #1 kept",
  zone: "/timezone",
  hours: "/quiet",
};

const NAMES = COMMANDS.map((c) => c.name).join("|");
/** A command example after a word that introduces one, up to the end of its sentence. */
const INTRODUCED = new RegExp(
  `(?:For example:|Example:|Try:|[Ll]ike|e\\.g\\.|[Tt]ry|\\bor)\\s+(/(?:${NAMES})\\b[^\\n"“”;]*?)(?=\\.(?:\\s|$)|[;)\\n]|, then | or |$)`,
  "g",
);
/** An option's example piece: `like until: 2027-01-31.` */
const PIECE =
  /(?:[Ll]ike|e\.g\.|\bor)\s+((?:until|cadence|for|step|alerts):\s+[^\n";]*?)(?=\.(?:\s|$)|[;)\n]| or |$)/g;
/** A quoted cadence after Try/e.g. in a cadence refusal: `Try "daily 20:00"`. */
const QUOTED = /(?:[Tt]ry|e\.g\.)\s+"([^"]+)"/g;

/** The examples in one reply: code spans that are commands or pieces, and introduced ones in prose. */
function examplesIn(reply: Reply, source: Source, how: string, typed: string): Example[] {
  const out: Example[] = [];
  const add = (line: string, from: Source = source) => out.push({ line: line.trim(), source: from, how });
  const piece = (text: string) => {
    const name = /^([a-z]+):/.exec(text)?.[1] ?? "";
    const base = BASE[name];
    if (base) add(`${base} ${text}`);
  };
  for (const span of reply.text) {
    if (span.t !== "code") continue;
    if (span.text.startsWith("/")) add(span.text);
    else piece(span.text);
  }
  const plain = toPlain(reply.text);
  for (const m of plain.matchAll(INTRODUCED)) add(m[1] ?? "");
  for (const m of plain.matchAll(PIECE)) piece(m[1] ?? "");
  if (reply.refusal && /cadence:/.test(typed)) {
    for (const m of plain.matchAll(QUOTED)) {
      const quoted = m[1] ?? "";
      add(quoted.startsWith("/") ? quoted : `/commit Walk cadence: ${quoted}`, "cadence refusal");
    }
  }
  return out;
}

/** "22:30" for `at` in `zone`. */
function localTime(at: number, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(at)
    .replace(/^24/, "00");
}

/**
 * A fresh bot at `now.at` where ana has three commitments (#1 Walk, #2 Call my sister, #3 Read),
 * each with a check-in open since an hour ago, and bo has none.
 */
async function world(now: Now) {
  const bot = createBot(new Date(now.at - 2 * H).toISOString());
  if (now.zone) await bot.say("ana", `/timezone ${now.zone}`);
  await bot.say("ana", "/quiet off");
  const due = localTime(now.at - H, now.zone ?? "UTC");
  for (const promise of ["Walk", "Call my sister", "Read"]) {
    const made = await bot.say("ana", `/commit ${promise} cadence: daily ${due}`);
    expect(made).toMatch(/^Committed/);
  }
  await jumpTo(bot, now.at);
  return bot;
}

/** Sends `line` as ana; returns the refusal it met, or null when it was taken. */
async function attempt(bot: Awaited<ReturnType<typeof world>>, line: string): Promise<string | null> {
  const input = commandInput(line, GROUP, actor("ana"));
  if ("refusal" in input) return `parser: ${input.refusal}`;
  const replies = await bot.engine.handle(input);
  const refused = replies.find((r) => r.refusal);
  if (refused) return toPlain(refused.text);
  if (replies.some((r) => /^Sorry, something went wrong/.test(toPlain(r.text)))) return "apology";
  return null;
}

/** What ana (with commitments) and bo (without) could do wrong with each command. */
const BAD_ARGS = [
  "",
  " #99",
  " zzz: qqq",
  " #1 until: someday",
  " 99999",
  " #1 cadence: zzz",
  " #1 until: 2020-01-01",
];
const BAD_LINES = [
  "/commit Walk cadence: zzz",
  "/commit Walk cadence: daily 25:00",
  "/commit Walk cadence: daily 8pm",
  "/commit Walk cadence: weekly",
  "/commit Walk cadence: every 0 days",
  "/commit Walk cadence: once 2020-01-01 18:00",
  "/commit Walk cadence: once someday",
  "/commit Walk cadence: cron 1 2 3",
  "/commit Walk until: someday",
  "/commit Walk until: 2020-01-01",
  "/commit Walk step: 14",
  "/commit \u200b\u202e",
  `/commit ${"x".repeat(501)}`,
  "/checkin #1 great",
  `/checkin #1 kept ${"y".repeat(1001)}`,
  "/edit #1",
  "/edit #1 cadence: whenever",
  "/edit #1 until: 31/12",
  "/pause #1 for: forever",
  "/snooze 1",
  "/step 14",
  "/timezone Nowhere/Else",
  "/quiet 25-99",
  "/witness #1 @ana",
  "/help frobnicate",
];

/** Everything the bot can show at `now`, as examples to try. */
async function collect(now: Now): Promise<Example[]> {
  const bot = await world(now);
  const found: Example[] = [];
  const show = async (name: string, line: string, source: Source) => {
    for (const r of await bot.send(name, line)) {
      // The harness hands parser refusals back unflagged; they are refusals all the same.
      const refusal = r.refusal === true || parseCommandText(line)?.ok === false;
      found.push(...examplesIn({ ...r, refusal }, refusal ? "refusal" : source, `${name}: ${line}`, line));
    }
  };
  await show("ana", "/help", "help");
  await show("ana", "/help witness", "help");
  for (const c of COMMANDS) await show("ana", `/help ${c.name}`, "help");
  for (let n = 1; n <= 13; n++) await show("bo", `/step ${n}`, "step");
  await show("bo", "/plan", "step");
  for (const c of COMMANDS) {
    if (c.name === "forget") continue;
    for (const args of BAD_ARGS) {
      await show("ana", `/${c.name}${args}`, "reply");
      await show("bo", `/${c.name}${args}`, "reply");
    }
  }
  for (const line of BAD_LINES) await show("ana", line, "reply");
  await show("bo", "/commit Stretch", "reply");

  // The guided questions' examples, each tried as the option it asks for.
  for (const spec of COMMANDS) {
    const missing = spec.options.filter((o: OptionSpec) => o.required).map((o) => o.name);
    const state = startGuided({ spec, base: "", missing, now: now.at });
    for (let option = currentOption(state); option; option = currentOption(state)) {
      for (const typing of [false, true]) {
        state.typingOther = typing;
        const q = questionFor(state);
        const like = q?.placeholder ?? /like (.+)\.$/.exec(q?.text ?? "")?.[1];
        if (q && like && option.type === "text") {
          const base = BASE[option.name] ?? `/${spec.name}`;
          found.push({
            line: `${base} ${option.name}: ${like}`,
            source: "guided",
            how: `guided /${spec.name}`,
          });
        }
      }
      state.typingOther = false;
      state.todo.shift();
    }
  }

  // The console's :help: the commands in its "alice: /…" lines.
  for (const text of HELP_TEXT) {
    const line = /^\s+[a-z]+(?:@dm)?: (\/\S.*?)(?:\s{2,}|$)/.exec(text)?.[1];
    if (line) found.push({ line, source: "console", how: `:help ${text.trim()}` });
  }
  return found;
}

/** Lines that need a state of their own before they can work (not a stale example). */
async function prepare(bot: Awaited<ReturnType<typeof world>>, line: string) {
  // A hint after a fourth commitment names #4: the world then has four.
  const highest = Math.max(0, ...[...line.matchAll(/#(\d+)/g)].map((m) => Number(m[1])));
  for (let n = 4; n <= highest; n++) await bot.say("ana", `/commit Stretch ${n} cadence: daily 12:00`);
  const n = /^\/(?:resume|unwitness) #(\d)/.exec(line)?.[1];
  if (line.startsWith("/resume") && n) await bot.say("ana", `/pause #${n}`);
  if (line.startsWith("/unwitness") && n) await bot.say("ana", `/witness #${n} @their_name`);
}

describe.each(NOWS)("every example the bot shows at $name", (now) => {
  it("is accepted when sent as shown", async () => {
    const examples = await collect(now);
    const unique = new Map<string, Example>();
    for (const e of examples) if (!unique.has(e.line)) unique.set(e.line, e);
    // The collection covers what it must: help, refusals, the steps, guided questions, :help.
    const sources = new Set([...unique.values()].map((e) => e.source));
    for (const s of ["help", "refusal", "step", "guided", "console", "reply"] as const)
      expect(sources).toContain(s);
    expect(unique.size).toBeGreaterThan(30);
    expect([...unique.keys()].some((l) => /until: \d{4}-\d\d-\d\d/.test(l))).toBe(true);

    const failures: string[] = [];
    for (const e of unique.values()) {
      // A bare command missing what it needs starts a guided exchange (tests/guided.*.test.ts).
      const parsed = parseCommandText(e.line);
      if (e.source === "console" && parsed?.ok === false && parsed.missing) continue;
      const bot = await world(now);
      await prepare(bot, e.line);
      const refused = await attempt(bot, e.line);
      if (refused) failures.push(`${e.source} (${e.how}): ${e.line}\n    → ${refused}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("the collection itself", () => {
  it("finds the examples in words as the bot writes them", () => {
    const reply = (text: string): Reply => ({
      text: [{ t: "text", text }],
      visibility: "sender-only",
      refusal: true,
    });
    const lines = (text: string, typed = "") =>
      examplesIn(reply(text), "refusal", "", typed).map((e) => e.line);
    expect(lines("Which commitment? For example: /history #1")).toEqual(["/history #1"]);
    expect(lines("Say which, like /checkin #3 kept. /status lists yours.")).toEqual(["/checkin #3 kept"]);
    expect(lines("Pick a day from today on, like until: 2027-01-31.")).toEqual([
      "/commit Walk until: 2027-01-31",
    ]);
    expect(lines('Try "once 2026-12-01 18:00".', "/commit x cadence: y")).toEqual([
      "/commit Walk cadence: once 2026-12-01 18:00",
    ]);
    // A command named in passing is not an example.
    expect(lines("Send /help for the list; /status lists yours.")).toEqual([]);
    expect(lines("Try: /commit Ask a friend step: 2, then invite them with /witness")).toEqual([
      "/commit Ask a friend step: 2",
    ]);
    expect(findCommand("help")).toBeDefined();
  });
});
