import { describe, expect, it } from "vitest";
import { encodeAction, MAX_ACTION_BYTES } from "../src/actions";
import { parseCommandText } from "../src/commands/parse";
import { COMMANDS } from "../src/commands/table";

describe("the command table", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("/%s fits Discord's and Telegram's limits", (_, c) => {
    expect(c.name).toMatch(/^[a-z0-9_]{1,32}$/);
    expect(c.description.length).toBeGreaterThanOrEqual(1);
    expect(c.description.length).toBeLessThanOrEqual(100);
    expect(c.options.length).toBeLessThanOrEqual(25);
    const names = c.options.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const o of c.options) {
      expect(o.name).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(o.description.length).toBeGreaterThanOrEqual(1);
      expect(o.description.length).toBeLessThanOrEqual(100);
      if (o.type === "choice") expect(o.choices?.length ?? 0).toBeLessThanOrEqual(25);
    }
  });

  it("declares every command of the product spec", () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(
      [
        "cancel",
        "checkin",
        "commit",
        "edit",
        "export",
        "forget",
        "help",
        "history",
        "pause",
        "plan",
        "progress",
        "quiet",
        "resume",
        "snooze",
        "status",
        "step",
        "timezone",
        "unwitness",
        "witness",
      ].sort(),
    );
  });

  it("has examples that parse", () => {
    for (const c of COMMANDS) {
      const parsed = parseCommandText(c.example);
      expect(parsed, c.example).toMatchObject({ ok: true, name: c.name });
    }
  });
});

describe("button actions", () => {
  it("encode within 64 bytes and refuse longer ones", () => {
    expect(encodeAction("forget", 123456789, 29_999_999)).toBe("forget:123456789:29999999");
    expect(() => encodeAction("x", "é".repeat(40))).toThrow(/64/);
    expect(Buffer.byteLength(encodeAction("a", "b".repeat(MAX_ACTION_BYTES - 2)))).toBe(64);
    expect(() => encodeAction("a", "b:c")).toThrow(/":"/);
  });
});

describe("parseCommandText", () => {
  it("reads the issue's example into typed arguments", () => {
    expect(
      parseCommandText("/commit Call my sister cadence: weekly sun 18:00 witness: @bob until: 2027-01-31"),
    ).toEqual({
      ok: true,
      name: "commit",
      args: { promise: "Call my sister", cadence: "weekly sun 18:00", witness: "bob", until: "2027-01-31" },
      mentions: [{ username: "bob" }],
    });
  });

  it("takes flags as bare words at the end of any part", () => {
    expect(parseCommandText("/commit Stay calm private")).toMatchObject({
      ok: true,
      args: { promise: "Stay calm", private: "true" },
    });
    expect(parseCommandText("/commit Journal private cadence: daily 21:00")).toMatchObject({
      args: { promise: "Journal", cadence: "daily 21:00", private: "true" },
    });
    expect(parseCommandText("/commit Stay calm cadence: daily 21:00 private")).toMatchObject({
      args: { promise: "Stay calm", cadence: "daily 21:00", private: "true" },
    });
  });

  it("fills non-text options positionally in declaration order", () => {
    expect(parseCommandText("/checkin #2 partly ran late")).toMatchObject({
      args: { commitment: "2", answer: "partly", note: "ran late" },
    });
    expect(parseCommandText("/checkin kept")).toMatchObject({ args: { answer: "kept" } });
    expect(parseCommandText("/witness #1 @Sam alerts: off")).toMatchObject({
      args: { commitment: "1", person: "Sam", alerts: "off" },
    });
    expect(parseCommandText("/pause 2 3d")).toMatchObject({ args: { commitment: "2", for: "3d" } });
    expect(parseCommandText("/step 13")).toMatchObject({ args: { number: "13" } });
  });

  it("keeps colons that are not option names inside text", () => {
    expect(parseCommandText("/commit Remember: breathe first")).toMatchObject({
      args: { promise: "Remember: breathe first" },
    });
    expect(parseCommandText("/commit Call at 18:00 sharp")).toMatchObject({
      args: { promise: "Call at 18:00 sharp" },
    });
  });

  it("strips quotes and accepts a command addressed to this bot", () => {
    expect(parseCommandText('/commit@AmendsBot "Be on time"', { botUsername: "amendsbot" })).toMatchObject({
      args: { promise: "Be on time" },
    });
    expect(parseCommandText("/commit@OtherBot hi", { botUsername: "AmendsBot" })).toBeNull();
    expect(parseCommandText("just chatting")).toBeNull();
  });

  const refusals: [string, RegExp][] = [
    ["/commit Call mum note: soon", /\/commit has no option "note"/],
    ["/edit #1 promis: hacked", /Did you mean promise:\?/],
    ["/commit", /^What do you promise\? For example: \/commit /],
    ["/commit cadence: daily 20:00", /What do you promise\?/],
    [`/commit ${"x".repeat(501)}`, /That promise is 501 characters; please keep it to 500/],
    ["/checkin #1 great", /How did it go: kept, partly or missed\?/],
    ["/checkin answer: great", /must be one of kept, partly, missed/],
    ["/step 14", /between 1 and 13/],
    ["/step five", /whole number/],
    ["/pause", /^Which commitment\? Give its number/],
    ["/history commitment: one", /by its number, like #2/],
    ["/status now", /didn't understand "now"/],
    ["/commit a cadence: daily cadence: weekly", /cadence: twice/],
    ["/frobnicate", /I don't know \/frobnicate/],
    ["/witness #1 person: @", /as @username/],
  ];
  it.each(refusals)("refuses %s with a one-line reason and an example", (text, reason) => {
    const parsed = parseCommandText(text);
    expect(parsed?.ok).toBe(false);
    if (parsed && !parsed.ok) {
      expect(parsed.error).toMatch(reason);
      expect(parsed.error).not.toContain("\n");
      if (parsed.name) expect(parsed.error).toContain("For example: /");
    }
  });

  it("asks for a missing option as a person would, never 'needs zone.'", () => {
    const error = (text: string) => {
      const parsed = parseCommandText(text);
      return parsed && !parsed.ok ? parsed.error : "";
    };
    expect(error("/timezone")).toBe("Which time zone? For example: /timezone Europe/Berlin");
    expect(error("/quiet")).toBe("Which hours should be quiet? For example: /quiet 22:00-08:00");
    expect(error("/step")).toBe("Which step, from 1 to 13? For example: /step 5");
    for (const text of ["/timezone", "/quiet", "/step", "/commit", "/checkin", "/pause", "/witness #1"])
      expect(error(text)).not.toMatch(/needs|Example:/);
  });

  it("lists missing required options for guided prompts", () => {
    expect(parseCommandText("/witness #1")).toMatchObject({ ok: false, missing: ["person"] });
  });
});
