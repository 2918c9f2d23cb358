import { PassThrough, Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createVirtualClock, parseIsoInstant, resolveStart } from "../adapters/console/clock";
import { createConsoleCourier } from "../adapters/console/courier";
import { runConsole } from "../adapters/console/index";
import { parseDuration, parseLine } from "../adapters/console/protocol";
import { renderMessage, renderRichText } from "../adapters/console/render";
import { ConsoleScreen } from "../adapters/console/screen";
import { emptyTickReport } from "../src/engine/tick";
import type { Engine, Inbound, Reply } from "../src/types";

const START = Date.parse("2026-03-02T09:00:00Z");
const EMPTY_REPORT = emptyTickReport();

const text = (s: string): Reply["text"] => [{ t: "text", text: s }];

const CHECKIN_BUTTONS = [
  [
    { label: "Kept", action: "ci:1:kept" },
    { label: "Partly", action: "ci:1:partly" },
    { label: "Missed", action: "ci:1:missed" },
  ],
  [{ label: "Snooze 1h", action: "ci:1:snooze" }],
];

/** A fake engine that records every inbound value and answers with whatever `respond` returns. */
function fakeEngine(respond: (input: Inbound) => Reply[] | Promise<Reply[]> = () => []) {
  const calls: Inbound[] = [];
  const engine: Engine = {
    async handle(input) {
      calls.push(input);
      return respond(input);
    },
    tick: async () => EMPTY_REPORT,
    suggest: async () => [],
    pauseForGone: async () => 0,
  };
  return { engine, calls };
}

function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

interface RunOptions {
  engine?: Engine;
  start?: number;
  onMinute?: (now: Date) => Promise<void>;
  afterHandle?: (now: Date) => Promise<void>;
  screen?: (out: Writable) => ConsoleScreen;
  interactive?: boolean;
}

/** Pipes `lines` through a console and returns the transcript. */
async function converse(lines: string[], opts: RunOptions = {}) {
  const out = collector();
  const clock = createVirtualClock(opts.start ?? START);
  const screen = opts.screen?.(out.stream);
  await runConsole({
    engine: opts.engine ?? fakeEngine().engine,
    clock,
    input: Readable.from([`${lines.join("\n")}\n`]),
    output: out.stream,
    interactive: opts.interactive ?? false,
    onMinute: opts.onMinute ?? (async () => {}),
    ...(opts.afterHandle ? { afterHandle: opts.afterHandle } : {}),
    ...(screen ? { screen } : {}),
  });
  return { transcript: out.text(), clock };
}

describe("console protocol", () => {
  it.each([
    ["alice: /status", { kind: "say", speaker: "alice", place: "group", text: "/status" }],
    ["Alice : hello there", { kind: "say", speaker: "Alice", place: "group", text: "hello there" }],
    ["Alice@dm: /plan", { kind: "say", speaker: "Alice", place: "dm", text: "/plan" }],
    ["bob@DM:/status", { kind: "say", speaker: "bob", place: "dm", text: "/status" }],
    [
      "alice: /commit Call at 20:00",
      { kind: "say", speaker: "alice", place: "group", text: "/commit Call at 20:00" },
    ],
    ["alice:", { kind: "say", speaker: "alice", place: "group", text: "" }],
    ["/status", { kind: "say", speaker: null, place: null, text: "/status" }],
    ["9lives: hi", { kind: "say", speaker: null, place: null, text: "9lives: hi" }],
    [`${"a".repeat(33)}: hi`, { kind: "say", speaker: null, place: null, text: `${"a".repeat(33)}: hi` }],
    ["bob clicks Accept", { kind: "click", speaker: "bob", label: "Accept" }],
    ["bob CLICKS  snooze 1h ", { kind: "click", speaker: "bob", label: "snooze 1h" }],
    ["bob clicks [Kept]", { kind: "click", speaker: "bob", label: "Kept" }],
    ["clicks Kept", { kind: "click", speaker: null, label: "Kept" }],
    [":advance 2h", { kind: "advance", ms: 2 * 3_600_000 }],
    [":ADVANCE 6h 30m", { kind: "advance", ms: 6.5 * 3_600_000 }],
    [":now", { kind: "now" }],
    [":as alice", { kind: "as", speaker: "alice", place: "group" }],
    [":as Alice@dm", { kind: "as", speaker: "Alice", place: "dm" }],
    [":as", { kind: "as", speaker: null, place: "group" }],
    [":help", { kind: "help" }],
    [":quit", { kind: "quit" }],
    ["# a comment", { kind: "comment", text: "# a comment" }],
    ["", { kind: "blank" }],
    ["   ", { kind: "blank" }],
  ])("parses %j", (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });

  it.each([
    ["bob clicks", /say which button/],
    ["bob clicks []", /say which button/],
    [":advance", /needs a duration/],
    [":advance soon", /bad duration "soon"/],
    [":advance 5x", /bad duration/],
    [":advance 2h-", /bad duration/],
    [":advance 0m", /at least 1m/],
    [":advance 400d", /at most 366d/],
    [":as 9lives", /bad name "9lives"/],
    [":as alice bob", /bad name/],
    [":frobnicate", /unknown command ":frobnicate"/],
    [":", /unknown command/],
  ])("refuses %j", (line, reason) => {
    const directive = parseLine(line);
    expect(directive.kind).toBe("invalid");
    if (directive.kind === "invalid") expect(directive.reason).toMatch(reason);
  });

  it.each([
    ["45m", 45],
    ["2h", 120],
    ["3d", 3 * 1440],
    ["1w", 7 * 1440],
    ["6h30m", 390],
    ["1w2d3h4m", 7 * 1440 + 2 * 1440 + 3 * 60 + 4],
    ["90M", 90],
  ])("reads the duration %s as %i minutes", (input, minutes) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms: minutes * 60_000 });
  });
});

describe("console rendering", () => {
  it("renders spans as plain text", () => {
    expect(
      renderRichText([
        { t: "text", text: "Nice, " },
        { t: "mention", platform: "console", id: "alice", name: "Alice" },
        { t: "text", text: ". " },
        { t: "bold", text: "#1" },
        { t: "italic", text: " call" },
        { t: "code", text: " /status" },
      ]),
    ).toBe("Nice, @Alice. #1 call /status");
  });

  it("neutralises terminal escape sequences in user text", () => {
    expect(renderRichText(text("a\u001b[2Jb\r\nc"))).toBe("a\uFFFD[2Jb\nc");
  });

  it("prints multi-line text, button rows and a file", () => {
    const reply: Reply = {
      text: text("Your data is attached.\nKeep it somewhere safe."),
      visibility: "chat",
      buttons: [[{ label: "Done", action: "x" }]],
      file: { filename: "amends-export.json", mime: "application/json", content: '{\n  "a": "é"\n}\n' },
    };
    expect(renderMessage({ chat: "dm", with: "Alice" }, reply)).toEqual([
      "[dm Alice] bot: Your data is attached.",
      "  Keep it somewhere safe.",
      "  [Done]",
      "  [file amends-export.json, 16 bytes]",
      "    {",
      '      "a": "é"',
      "    }",
    ]);
  });
});

describe("console session", () => {
  it("sends commands with the console identities and prints replies in the group", async () => {
    const { engine, calls } = fakeEngine(() => [
      { text: text("Committed #1: call my sister.\nFirst check-in: Sunday 18:00."), visibility: "chat" },
    ]);
    const { transcript } = await converse(["Alice: /commit Call my sister"], { engine });
    expect(calls).toEqual([
      {
        type: "command",
        name: "commit",
        args: { promise: "Call my sister" },
        mentions: [],
        chat: { platform: "console", id: "group", kind: "group", title: "group" },
        from: { platform: "console", id: "alice", name: "Alice", username: "alice" },
      },
    ]);
    expect(transcript).toBe(
      [
        "> Alice: /commit Call my sister",
        "[group] bot: Committed #1: call my sister.",
        "  First check-in: Sunday 18:00.",
        "",
      ].join("\n"),
    );
  });

  it("prints sender-only replies, buttons and DMs", async () => {
    const { engine, calls } = fakeEngine((input) => [
      { text: text("Only you see this."), visibility: "sender-only", buttons: CHECKIN_BUTTONS },
      { text: text(`Hi ${input.from.name}.`), visibility: "chat" },
    ]);
    const { transcript } = await converse(["alice: /status", "Bob@dm: /status"], { engine });
    expect(calls[1]).toMatchObject({
      chat: { platform: "console", id: "dm:bob", kind: "dm" },
      from: { id: "bob", name: "Bob", username: "bob" },
    });
    expect(calls[1]?.chat).not.toHaveProperty("title");
    expect(transcript).toBe(
      [
        "> alice: /status",
        "[group → alice only] bot: Only you see this.",
        "  [Kept] [Partly] [Missed]",
        "  [Snooze 1h]",
        "[group] bot: Hi alice.",
        "> Bob@dm: /status",
        "[dm Bob] bot: Only you see this.",
        "  [Kept] [Partly] [Missed]",
        "  [Snooze 1h]",
        "[dm Bob] bot: Hi Bob.",
        "",
      ].join("\n"),
    );
  });

  it("prints a file attachment under the message", async () => {
    const { engine } = fakeEngine(() => [
      {
        text: text("Here is everything I hold about you."),
        visibility: "sender-only",
        file: { filename: "export.json", mime: "application/json", content: '{"people":[]}' },
      },
    ]);
    const { transcript } = await converse(["alice@dm: /export"], { engine });
    expect(transcript).toContain(
      [
        "[dm alice] bot: Here is everything I hold about you.",
        "  [file export.json, 13 bytes]",
        '    {"people":[]}',
      ].join("\n"),
    );
  });

  it("ignores chatter and commands for other bots, and handles commands addressed to it", async () => {
    const { engine, calls } = fakeEngine();
    const { transcript } = await converse(
      ["alice: good morning", "alice: /status@otherbot", "alice: /status@amends", "alice:"],
      { engine },
    );
    expect(calls.map((c) => c.type === "command" && c.name)).toEqual(["status"]);
    expect(transcript).toBe(
      "> alice: good morning\n> alice: /status@otherbot\n> alice: /status@amends\n> alice:\n",
    );
  });

  it("answers a parse error sender-only without calling the engine", async () => {
    const { engine, calls } = fakeEngine();
    const { transcript } = await converse(["alice: /frobnicate", "alice@dm: /step 99"], { engine });
    expect(calls).toEqual([]);
    const lines = transcript.split("\n");
    expect(lines[1]).toMatch(/^\[group → alice only\] bot: I don't know \/frobnicate\./);
    expect(lines[3]).toMatch(/^\[dm alice\] bot: .*between 1 and 13.* For example: \/step 5$/);
  });

  it("passes parsed mentions through", async () => {
    const { engine, calls } = fakeEngine();
    await converse(["alice: /witness #1 @Bob"], { engine });
    expect(calls[0]).toMatchObject({ name: "witness", args: { commitment: "1", person: "Bob" } });
    expect(calls[0]?.type === "command" && calls[0].mentions).toEqual([{ username: "Bob" }]);
  });

  it("clicks the newest message showing the label, case-insensitively, in that message's chat", async () => {
    let n = 0;
    const { engine, calls } = fakeEngine((input) => {
      if (input.type === "click") return [{ text: text(`Got ${input.action}.`), visibility: "chat" }];
      // /status answers without buttons, so it must not hide the older ones.
      if (input.name === "status") return [{ text: text("No check-ins due."), visibility: "chat" }];
      n++;
      return [
        {
          text: text(`Check-in ${n}`),
          visibility: "chat",
          buttons: [[{ label: "Kept", action: `kept:${n}` }]],
        },
      ];
    });
    const { transcript } = await converse(
      ["alice: /plan", "alice@dm: /plan", "alice: /status", "alice clicks kept ", "bob clicks KEPT"],
      { engine },
    );
    const clicks = calls.filter((c) => c.type === "click");
    expect(clicks[0]).toEqual({
      type: "click",
      action: "kept:2",
      chat: { platform: "console", id: "dm:alice", kind: "dm" },
      from: { platform: "console", id: "alice", name: "alice", username: "alice" },
    });
    // Bob cannot see Alice's DM, so the newest Kept he can press is the group's.
    expect(clicks[1]).toMatchObject({
      action: "kept:1",
      chat: { id: "group", kind: "group" },
      from: { id: "bob", name: "bob" },
    });
    expect(transcript).toContain("> alice clicks kept\n[dm alice] bot: Got kept:2.\n");
    expect(transcript).toContain("> bob clicks KEPT\n[group] bot: Got kept:1.\n");
  });

  it("says so when no message shows the button", async () => {
    const { engine, calls } = fakeEngine(() => [
      {
        text: text("Confirm deleting everything?"),
        visibility: "sender-only",
        buttons: [[{ label: "Delete", action: "forget:yes" }]],
      },
    ]);
    const { transcript } = await converse(["alice: /forget", "alice clicks Accept", "bob clicks Delete"], {
      engine,
    });
    expect(calls).toHaveLength(1);
    expect(transcript).toContain('> alice clicks Accept\n(console) no message shows a button "Accept"\n');
    expect(transcript).toContain(
      '> bob clicks Delete\n(console) no message bob can see shows a button "Delete"\n',
    );
  });

  it(":advance 2h calls onMinute for each of the 120 minute boundaries, from a mid-minute start", async () => {
    const start = Date.parse("2026-03-02T09:00:30.250Z");
    const seen: number[] = [];
    const { transcript, clock } = await converse([":advance 2h", ":now"], {
      start,
      onMinute: async (now) => {
        await Promise.resolve();
        seen.push(now.getTime());
      },
      screen: (out) => new ConsoleScreen(out),
    });
    expect(seen).toHaveLength(120);
    expect(seen[0]).toBe(Date.parse("2026-03-02T09:01:00Z"));
    expect(seen.at(-1)).toBe(Date.parse("2026-03-02T11:00:00Z"));
    for (let i = 1; i < seen.length; i++) expect((seen[i] ?? 0) - (seen[i - 1] ?? 0)).toBe(60_000);
    expect(seen.every((t) => t % 60_000 === 0)).toBe(true);
    expect(clock.now().toISOString()).toBe("2026-03-02T11:00:30.250Z");
    expect(transcript).toBe(
      [
        "> :advance 2h",
        "(console) now 2026-03-02T11:00:30.250Z",
        "> :now",
        "(console) now 2026-03-02T11:00:30.250Z",
        "",
      ].join("\n"),
    );
  });

  it(":advance from a whole minute also crosses exactly one boundary per minute, with the clock there", async () => {
    const seen: [number, number][] = [];
    const out = collector();
    const clock = createVirtualClock(START);
    await runConsole({
      engine: fakeEngine().engine,
      clock,
      input: Readable.from([":advance 45m\n"]),
      output: out.stream,
      interactive: false,
      onMinute: async (now) => {
        seen.push([now.getTime(), clock.nowMs()]);
      },
    });
    expect(seen).toHaveLength(45);
    expect(seen.every(([arg, atCall]) => arg === atCall)).toBe(true);
    expect(seen[0]?.[0]).toBe(START + 60_000);
    expect(seen.at(-1)?.[0]).toBe(START + 45 * 60_000);
  });

  it("prints bad durations and unknown console commands as notices", async () => {
    const { transcript, clock } = await converse([":advance 2 hours", ":wat"]);
    expect(clock.nowMs()).toBe(START);
    expect(transcript).toBe(
      [
        "> :advance 2 hours",
        '(console) bad duration "2 hours": use minutes, hours, days or weeks, e.g. 45m, 2h, 3d, 1w or 6h30m',
        "> :wat",
        '(console) unknown command ":wat" (try :help)',
        "",
      ].join("\n"),
    );
  });

  it("echoes comments and blank lines and does nothing for them", async () => {
    const { engine, calls } = fakeEngine();
    const { transcript } = await converse(["# Alice starts", "", "   # indented", "alice: /status"], {
      engine,
    });
    expect(calls).toHaveLength(1);
    expect(transcript).toBe("# Alice starts\n\n# indented\n> alice: /status\n");
  });

  it(":as sets a default speaker for plain lines and clicks", async () => {
    const { engine, calls } = fakeEngine(() => [
      { text: text("Due now."), visibility: "chat", buttons: [[{ label: "Kept", action: "k" }]] },
    ]);
    const { transcript } = await converse(
      ["/status", ":as Alice@dm", "/status", "clicks Kept", "bob: /plan", ":as", "/status"],
      { engine },
    );
    expect(calls.map((c) => [c.type, c.from.name, c.chat.id])).toEqual([
      ["command", "Alice", "dm:alice"],
      ["click", "Alice", "dm:alice"],
      ["command", "bob", "group"],
    ]);
    expect(transcript.split("\n")).toEqual([
      "> /status",
      "(console) who is speaking? Write NAME: TEXT or NAME@dm: TEXT, or pick a speaker with :as NAME",
      "> :as Alice@dm",
      "(console) plain lines now go as Alice in Alice's DM",
      "Alice@dm> /status",
      "[dm Alice] bot: Due now.",
      "  [Kept]",
      "Alice@dm> clicks Kept",
      "[dm Alice] bot: Due now.",
      "  [Kept]",
      "Alice@dm> bob: /plan",
      "[group] bot: Due now.",
      "  [Kept]",
      "Alice@dm> :as",
      "(console) no default speaker; start lines with NAME:",
      "> /status",
      "(console) who is speaking? Write NAME: TEXT or NAME@dm: TEXT, or pick a speaker with :as NAME",
      "",
    ]);
  });

  it(":help prints the protocol and :quit stops reading", async () => {
    const { engine, calls } = fakeEngine();
    const { transcript } = await converse([":help", ":quit", "alice: /status"], { engine });
    expect(transcript).toContain("alice@dm: /status");
    expect(transcript).toContain(":advance 2h");
    expect(transcript.trimEnd().endsWith("> :quit")).toBe(true);
    expect(calls).toEqual([]);
  });

  it("prints an engine that throws as an error and carries on", async () => {
    let first = true;
    const errors: unknown[] = [];
    const { engine } = fakeEngine(() => {
      if (first) {
        first = false;
        throw new Error("boom");
      }
      return [{ text: text("Fine."), visibility: "chat" }];
    });
    const out = collector();
    await runConsole({
      engine,
      clock: createVirtualClock(START),
      input: Readable.from(["alice: /status\nalice: /status\n"]),
      output: out.stream,
      interactive: false,
      onMinute: async () => {},
      log: { error: (obj) => errors.push(obj) },
    });
    expect(out.text()).toBe(
      "> alice: /status\n(console) error: boom\n> alice: /status\n[group] bot: Fine.\n",
    );
    expect(errors).toHaveLength(1);
  });

  it("runs afterHandle after each handled event, so drained outbox messages follow the reply", async () => {
    const { engine } = fakeEngine(() => [{ text: text("Invitation sent to @bob."), visibility: "chat" }]);
    let screen: ConsoleScreen | undefined;
    const { transcript } = await converse(
      ["Alice: /witness #1 @bob", "Bob@dm: /status", "bob clicks accept"],
      {
        engine,
        screen: (out) => {
          screen = new ConsoleScreen(out);
          return screen;
        },
        afterHandle: async () => {
          if (!screen) return;
          await createConsoleCourier(screen).deliver({
            purpose: "invite:1",
            to: { platform: "console", chatId: "dm:bob", chatKind: "dm", personId: "bob" },
            message: {
              text: text("Alice asks you to witness a commitment."),
              visibility: "chat",
              buttons: [[{ label: "Accept", action: "inv:1:yes" }]],
            },
          });
        },
      },
    );
    expect(transcript.split("\n").slice(0, 4)).toEqual([
      "> Alice: /witness #1 @bob",
      "[group] bot: Invitation sent to @bob.",
      // Bob has not typed yet, so his DM is labelled by id.
      "[dm bob] bot: Alice asks you to witness a commitment.",
      "  [Accept]",
    ]);
    expect(transcript).toContain("[dm Bob] bot: Alice asks you to witness a commitment.");
  });

  it("shows a banner and does not echo input in interactive mode", async () => {
    const { engine, calls } = fakeEngine(() => [{ text: text("Nothing yet."), visibility: "chat" }]);
    const input = new PassThrough();
    const out = collector();
    const done = runConsole({
      engine,
      clock: createVirtualClock(START),
      input,
      output: out.stream,
      interactive: true,
      onMinute: async () => {},
    });
    input.end("alice: /status\n:as alice\n");
    await done;
    const transcript = out.text();
    expect(transcript).toMatch(/^Amends console:/);
    expect(transcript).toContain(":help");
    expect(transcript).toContain("(console) now 2026-03-02T09:00:00.000Z\n> ");
    expect(transcript).toContain("[group] bot: Nothing yet.\n> ");
    expect(transcript).toContain("alice> ");
    expect(transcript).not.toContain("alice: /status");
    expect(calls).toHaveLength(1);
  });
});

describe("console courier", () => {
  it("prints into the addressed chat, registers buttons and reports sent", async () => {
    const out = collector();
    const screen = new ConsoleScreen(out.stream);
    screen.rememberName("Bob");
    const courier = createConsoleCourier(screen);
    expect(courier.platform).toBe("console");
    const result = await courier.deliver({
      purpose: "prompt:7",
      to: { platform: "console", chatId: "dm:bob", chatKind: "dm", personId: "bob" },
      message: {
        text: text("Time to check in: call my sister."),
        visibility: "chat",
        buttons: CHECKIN_BUTTONS,
      },
    });
    expect(result).toBe("sent");
    await courier.deliver({
      purpose: "alert:1",
      to: { platform: "console", chatId: "group", chatKind: "group", personId: "carol" },
      message: { text: text("Only for Carol."), visibility: "sender-only" },
    });
    await courier.deliver({
      purpose: "digest:1",
      to: { platform: "console", chatId: "dm:dana", chatKind: "dm" },
      message: { text: text("Your week."), visibility: "chat" },
    });
    expect(out.text()).toBe(
      [
        "[dm Bob] bot: Time to check in: call my sister.",
        "  [Kept] [Partly] [Missed]",
        "  [Snooze 1h]",
        "[group → carol only] bot: Only for Carol.",
        "[dm dana] bot: Your week.",
        "",
      ].join("\n"),
    );
    expect(screen.findButton("snooze 1H", "bob")).toMatchObject({
      button: { label: "Snooze 1h", action: "ci:1:snooze" },
      chat: { platform: "console", id: "dm:bob", kind: "dm" },
    });
    expect(screen.findButton("Kept", "alice")).toBeUndefined();
  });
});

describe("virtual clock and start time", () => {
  it("advances and sets", () => {
    const clock = createVirtualClock(START);
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe("2026-03-02T09:01:30.000Z");
    clock.set(0);
    expect(clock.now().getTime()).toBe(0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => createVirtualClock(Number.NaN)).toThrow(RangeError);
  });

  it("takes --start over AMENDS_START over the fallback", () => {
    const env = { AMENDS_START: "2026-01-01T00:00:00Z" };
    expect(resolveStart(["--start", "2026-05-01T08:30:00+02:00"], env, 1)).toBe(
      Date.parse("2026-05-01T06:30:00Z"),
    );
    expect(resolveStart(["--start=2026-05-01T08:30Z"], env, 1)).toBe(Date.parse("2026-05-01T08:30:00Z"));
    expect(resolveStart([], env, 1)).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(resolveStart([], { AMENDS_START: " " }, 42)).toBe(42);
    expect(resolveStart(["--other"], {}, 42)).toBe(42);
  });

  it.each([
    ["2026-03-01T09:00:00Z", "2026-03-01T09:00:00.000Z"],
    ["2026-03-01t09:00:00.5z", "2026-03-01T09:00:00.500Z"],
    ["2026-03-01T09:00-05:30", "2026-03-01T14:30:00.000Z"],
    ["2026-03-01", "2026-03-01T00:00:00.000Z"],
    ["2028-02-29T23:59:59Z", "2028-02-29T23:59:59.000Z"],
  ])("accepts the instant %s", (input, iso) => {
    expect(new Date(parseIsoInstant(input) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([
    "tomorrow",
    "2026-03-01T09:00:00",
    "2026-02-30T09:00Z",
    "2026-13-01T09:00Z",
    "2026-03-01T24:00Z",
    "2026-03-01T09:60Z",
    "2026-03-01T09:00+24:00",
    "1772355600000",
  ])("rejects %j, naming AMENDS_START", (bad) => {
    expect(parseIsoInstant(bad)).toBeUndefined();
    expect(() => resolveStart([], { AMENDS_START: bad }, 0)).toThrow(/AMENDS_START/);
    expect(() => resolveStart(["--start", bad], {}, 0)).toThrow(/AMENDS_START/);
  });

  it("rejects --start without a value", () => {
    expect(() => resolveStart(["--start"], {}, 0)).toThrow(/AMENDS_START/);
  });
});
