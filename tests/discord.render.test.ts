/** Pure parts of the Discord adapter: markdown and mentions, buttons, the command table, errors. */
import {
  ApplicationCommandOptionType,
  ButtonStyle,
  DiscordAPIError,
  RateLimitError,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { describe, expect, it } from "vitest";
import {
  ComponentLimitError,
  classify,
  commandsHash,
  encodeButtons,
  escapeText,
  nonceFor,
  renderCommands,
  renderParts,
  renderRichText,
  splitContent,
} from "../adapters/discord";
import { describeError } from "../adapters/discord/errors";
import { COMMANDS } from "../src/commands/table";
import { bold, code, italic, mention, rich } from "../src/richtext";

const apiError = (code: number, status: number) =>
  new DiscordAPIError({ message: "x", code }, code, status, "POST", "https://discord.test/api/v10/x", {
    body: undefined,
  });

describe("rendering rich text", () => {
  it("escapes markdown in user text and styles the core's spans", () => {
    const promise = "*not bold* _x_ ~~s~~ ||spoiler|| `code` [link](https://x.test)";
    const { content } = renderRichText(rich(bold("#1"), " ", italic(promise), " ", code("/checkin #1 kept")));
    expect(content).toBe(
      "**#1** *\\*not bold\\* \\_x\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| " +
        "\\`code\\` \\[link](https://x.test)* `/checkin #1 kept`",
    );
    expect(escapeText("# heading\n> quote\n- item\n1. first")).toBe(
      "\\# heading\n\\> quote\n\\- item\n1\\. first",
    );
  });

  it("styles each line, keeping spaces outside the markers", () => {
    expect(renderRichText(rich(italic(" two\nlines "), bold(""))).content).toBe(" *two*\n*lines* ");
    expect(renderRichText(rich(code("a`b"))).content).toBe("`aˋb`");
  });

  it("lets only the core's mention spans ping", () => {
    const text = rich(
      mention("discord", "42", "alice"),
      " said @everyone <@&7> <@99>",
      mention("discord", "42", "a"),
    );
    const rendered = renderRichText(text);
    expect(rendered.content).toBe("<@42> said @everyone <@&7> <@99><@42>");
    expect(rendered.users).toEqual(["42"]);
    expect(renderParts({ text, visibility: "chat" })[0]?.allowedMentions).toEqual({
      parse: [],
      users: ["42"],
    });
    // A mention of another platform's person is shown as a name, never as a Discord ping.
    expect(renderRichText(rich(mention("telegram", "42", "al_ice"))).content).toBe("@al\\_ice");
  });

  it("splits long content at line breaks, each part allowing only its own mentions", () => {
    const long = `${"a".repeat(1500)}\n${"b".repeat(1500)}\n`;
    expect(splitContent(long).map(([s, e]) => long.slice(s, e).length)).toEqual([1500, 1500]);
    expect(splitContent("x".repeat(4500)).map(([s, e]) => e - s)).toEqual([2000, 2000, 500]);
    const parts = renderParts({
      text: rich(mention("discord", "1", "a"), "x".repeat(1995), "\n", mention("discord", "2", "b")),
      visibility: "chat",
    });
    expect(parts.map((p) => [p.allowedMentions.users, p.last])).toEqual([
      [["1"], false],
      [["2"], true],
    ]);
  });
});

describe("buttons", () => {
  it("keeps the action as custom_id and maps styles", () => {
    const rows = encodeButtons([
      [
        { label: "Kept", action: "ans:1:k", style: "success" },
        { label: "Missed", action: "ans:1:m" },
        { label: "Dispute", action: "vfy:1:d", style: "danger" },
        { label: "Partly", action: "ans:1:p", style: "primary" },
      ],
    ]);
    expect(rows[0]?.components.map((b) => [b.custom_id, b.style])).toEqual([
      ["ans:1:k", ButtonStyle.Success],
      ["ans:1:m", ButtonStyle.Secondary],
      ["vfy:1:d", ButtonStyle.Danger],
      ["ans:1:p", ButtonStyle.Primary],
    ]);
  });

  it("throws on a custom_id over 100 characters and on too many buttons", () => {
    expect(encodeButtons([[{ label: "ok", action: "x".repeat(100) }]])).toHaveLength(1);
    expect(() => encodeButtons([[{ label: "long", action: "x".repeat(101) }]])).toThrow(
      /101-character action/,
    );
    expect(() => encodeButtons([[{ label: "empty", action: "" }]])).toThrow(/custom_id/);
    const six = Array.from({ length: 6 }, (_, i) => ({ label: `b${i}`, action: `a:${i}` }));
    expect(() => encodeButtons([six])).toThrow(/6 buttons in a row/);
    expect(() => encodeButtons(six.map((b) => [b]))).toThrow(/6 button rows/);
  });

  it("shortens a label past 80 characters (shown text only)", () => {
    const [row] = encodeButtons([[{ label: "y".repeat(90), action: "wsd:1" }]]);
    expect(row?.components[0]?.label).toHaveLength(80);
  });
});

describe("slash commands from the table", () => {
  const commands = renderCommands() as RESTPostAPIChatInputApplicationCommandsJSONBody[];
  const byName = (name: string) => commands.find((c) => c.name === name);

  it("renders every command within Discord's limits, required options first", () => {
    expect(commands.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    for (const c of commands) {
      expect(c.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(c.description.length).toBeLessThanOrEqual(100);
      const options = c.options ?? [];
      expect(options.length).toBeLessThanOrEqual(25);
      const firstOptional = options.findIndex((o) => !o.required);
      expect(
        options.slice(firstOptional < 0 ? options.length : firstOptional).every((o) => !o.required),
      ).toBe(true);
    }
  });

  it("types options: text, integer, choices, user, autocompleted commitment, boolean", () => {
    const commit = byName("commit")?.options ?? [];
    expect(commit.map((o) => [o.name, o.type])).toEqual([
      ["promise", ApplicationCommandOptionType.String],
      ["cadence", ApplicationCommandOptionType.String],
      ["step", ApplicationCommandOptionType.Integer],
      ["witness", ApplicationCommandOptionType.User],
      ["until", ApplicationCommandOptionType.String],
      ["private", ApplicationCommandOptionType.Boolean],
    ]);
    // Promises count what a person sees (the core decides): Discord leaves room for accents
    // typed as two code points and emoji families.
    expect(commit[0]).toMatchObject({ required: true, max_length: 2000 });
    expect(commit[1]).toMatchObject({ max_length: 200 });
    expect(commit[1]).toMatchObject({ autocomplete: true });
    expect(commit[2]).toMatchObject({ min_value: 1, max_value: 13 });
    expect(byName("timezone")?.options?.[0]).toMatchObject({ autocomplete: true });
    expect(byName("history")?.options?.[0]).toMatchObject({
      name: "commitment",
      type: ApplicationCommandOptionType.String,
      autocomplete: true,
      required: true,
    });
    expect(byName("checkin")?.options?.[0]).toMatchObject({
      name: "answer",
      choices: [
        { name: "kept", value: "kept" },
        { name: "partly", value: "partly" },
        { name: "missed", value: "missed" },
      ],
    });
    expect(byName("help")?.options?.[0]).toMatchObject({ name: "command" });
    expect(byName("snooze")?.options?.[0]).toMatchObject({ min_value: 5, max_value: 720 });
  });

  it("hashes the table with its scope, so a change of either re-registers", () => {
    const body = renderCommands();
    const guild = commandsHash(body, "1", { kind: "guild", guildId: "2" });
    expect(commandsHash(renderCommands(), "1", { kind: "guild", guildId: "2" })).toBe(guild);
    expect(commandsHash(body, "1", { kind: "global" })).not.toBe(guild);
    expect(commandsHash(body.slice(1), "1", { kind: "guild", guildId: "2" })).not.toBe(guild);
  });
});

describe("courier details", () => {
  it("derives a stable nonce of at most 25 characters from the purpose", () => {
    expect(nonceFor("prompt:1")).toHaveLength(25);
    expect(nonceFor("prompt:1")).toBe(nonceFor("prompt:1"));
    expect(nonceFor("prompt:1")).not.toBe(nonceFor("prompt:1", 1));
    expect(nonceFor("prompt:1")).not.toBe(nonceFor("prompt:2"));
  });

  it("maps Discord's errors to what the dispatcher does", () => {
    expect(classify(apiError(50007, 403))).toBe("dm-refused");
    expect(classify(apiError(10003, 404))).toBe("gone");
    expect(classify(apiError(50001, 403))).toBe("gone");
    expect(classify(apiError(10013, 400))).toBe("gone");
    expect(classify(apiError(50035, 400))).toBe("rejected");
    expect(classify(apiError(50006, 400))).toBe("rejected");
    expect(classify(apiError(50013, 403))).toBeUndefined();
    expect(classify(new ComponentLimitError("too long"))).toBe("rejected");
    expect(classify(new Error("socket hang up"))).toBeUndefined();
    const limited = new RateLimitError({
      timeToReset: 30_000,
      limit: 5,
      method: "POST",
      hash: "h",
      url: "u",
      route: "/channels/:id/messages",
      majorParameter: "1",
      global: false,
      retryAfter: 30_000,
      sublimitTimeout: 0,
      scope: "shared",
    });
    expect(classify(limited)).toEqual({ retryAfterMs: 30_000 });
  });

  it("keeps interaction tokens out of error descriptions", () => {
    const error = new DiscordAPIError(
      { message: "Unknown interaction", code: 10062 },
      10062,
      404,
      "POST",
      "https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb246c2VjcmV0/callback",
      { body: undefined },
    );
    expect(describeError(error)).toBe(
      "DiscordAPIError 10062 (HTTP 404) on POST " +
        "https://discord.com/api/v10/interactions/123/[redacted]/callback",
    );
    expect(describeError(new Error("Bot abc.def.ghi failed"))).not.toContain("abc.def");
  });
});
