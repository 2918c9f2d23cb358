import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { discordLimits, readDiscordConfig } from "../adapters/discord/config";
import { ALL_VARIABLES, loadSettings, platformLimits, wantsPlatforms } from "../adapters/settings";
import { readTelegramConfig, telegramLimits, telegramOptions } from "../adapters/telegram/config";
import { ConfigError, loadConfig, quietFromConfig } from "../src/config";
import { DEFAULT_LIMITS } from "../src/dispatch/rate-limiter";

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("configuration", () => {
  it("has a default for everything the core reads", () => {
    expect(loadConfig({})).toEqual({
      DATABASE_PATH: "./data/amends.sqlite",
      DEFAULT_TIMEZONE: "UTC",
      DEFAULT_QUIET_HOURS: "22:00-08:00",
      TICK_INTERVAL_SECONDS: 5,
      RATE_LIMIT_COMMANDS: 8,
      RATE_LIMIT_WINDOW_SECONDS: 10,
      LOG_LEVEL: "info",
      AMENDS_ROLE: "all",
      METRICS_PORT: undefined,
      METRICS_HOST: "127.0.0.1",
      AMENDS_START: undefined,
    });
  });

  it("leaves the platform variables to their adapters, each with its defaults", () => {
    const settings = loadSettings({});
    expect(settings.core).toEqual(loadConfig({}));
    expect(settings.telegram).toEqual({
      TELEGRAM_BOT_TOKEN: undefined,
      TELEGRAM_API_ROOT: undefined,
      TELEGRAM_WEBHOOK_URL: undefined,
      TELEGRAM_WEBHOOK_SECRET: undefined,
      TELEGRAM_WEBHOOK_PORT: 8443,
      TELEGRAM_MAX_PER_SECOND: 30,
      TELEGRAM_GROUP_MAX_PER_MINUTE: 20,
      TELEGRAM_DM_MAX_PER_SECOND: 1,
    });
    expect(settings.discord).toEqual({
      DISCORD_TOKEN: undefined,
      DISCORD_APPLICATION_ID: undefined,
      DISCORD_GUILD_ID: undefined,
      DISCORD_API_BASE: undefined,
      DISCORD_MAX_PER_SECOND: 50,
      DISCORD_CHANNEL_MAX_PER_5S: 5,
    });
    // The core's object holds no platform variable, not even a token.
    expect(Object.keys(settings.core).filter((k) => /^(TELEGRAM|DISCORD)_/.test(k))).toEqual([]);
  });

  it("reads every variable", () => {
    const s = loadSettings({
      DATABASE_PATH: "/tmp/a.sqlite",
      DEFAULT_TIMEZONE: "Europe/Berlin",
      DEFAULT_QUIET_HOURS: "off",
      TICK_INTERVAL_SECONDS: "10",
      LOG_LEVEL: "debug",
      AMENDS_START: "2026-11-29T11:00:00Z",
      TELEGRAM_BOT_TOKEN: " 1:abc ",
      DISCORD_TOKEN: "",
    });
    expect(s.core).toMatchObject({ DEFAULT_TIMEZONE: "Europe/Berlin", TICK_INTERVAL_SECONDS: 10 });
    expect(s.telegram.TELEGRAM_BOT_TOKEN).toBe("1:abc");
    expect(s.discord.DISCORD_TOKEN).toBeUndefined();
    expect(wantsPlatforms(s)).toBe(true);
    expect(wantsPlatforms(loadSettings({ DISCORD_TOKEN: " " }))).toBe(false);
  });

  it("refuses each wrong value of every group at once, one line each, never echoing the value", () => {
    const env = {
      DEFAULT_TIMEZONE: "Nowhere/Land",
      DEFAULT_QUIET_HOURS: "late",
      TICK_INTERVAL_SECONDS: "fast",
      LOG_LEVEL: "loud",
      AMENDS_START: "yesterday",
      TELEGRAM_API_ROOT: "ftp://x",
      DISCORD_GUILD_ID: "general",
    };
    const error = thrown(() => loadSettings(env));
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems).toHaveLength(7);
    for (const [name, problem] of [
      ["DEFAULT_TIMEZONE", "DEFAULT_TIMEZONE must be an IANA time zone"],
      ["DEFAULT_QUIET_HOURS", 'DEFAULT_QUIET_HOURS must look like "22:00-08:00"'],
      ["TICK_INTERVAL_SECONDS", "TICK_INTERVAL_SECONDS "],
      ["LOG_LEVEL", "LOG_LEVEL "],
      ["AMENDS_START", "AMENDS_START must be an ISO instant"],
      ["TELEGRAM_API_ROOT", "TELEGRAM_API_ROOT must be an http(s) URL"],
      ["DISCORD_GUILD_ID", "DISCORD_GUILD_ID must be a Discord id (digits)"],
    ] as const) {
      expect(
        problems.filter((p) => p.startsWith(`${name} `)),
        name,
      ).toHaveLength(1);
      expect(problems.find((p) => p.startsWith(`${name} `))).toContain(problem);
    }
    for (const value of Object.values(env)) expect(message).not.toContain(value);
    // The core alone sees only its own variables.
    expect((thrown(() => loadConfig(env)) as ConfigError).problems).toHaveLength(5);
  });

  it("asks for the webhook secret with the webhook URL", () => {
    const read = readTelegramConfig({ TELEGRAM_WEBHOOK_URL: "https://bot.example/tg" });
    expect(read.ok).toBe(false);
    expect(read.ok ? [] : read.problems).toEqual([
      expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL/),
    ]);
    expect(() => loadSettings({ TELEGRAM_WEBHOOK_URL: "https://bot.example/tg" })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET is required/,
    );
    const telegram = loadSettings({
      TELEGRAM_WEBHOOK_URL: "https://bot.example/tg",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_x",
    }).telegram;
    expect(telegram).toMatchObject({ TELEGRAM_WEBHOOK_SECRET: "s3cret_x" });
    expect(telegramOptions(telegram)).toEqual({
      token: "",
      webhook: { url: "https://bot.example/tg", secret: "s3cret_x", port: 8443 },
    });
  });

  it("strips a trailing slash from API roots", () => {
    const telegram = readTelegramConfig({ TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" });
    expect(telegram.ok && telegram.value.TELEGRAM_API_ROOT).toBe("http://127.0.0.1:8081");
    const discord = readDiscordConfig({ DISCORD_API_BASE: "http://127.0.0.1:9/api//" });
    expect(discord.ok && discord.value.DISCORD_API_BASE).toBe("http://127.0.0.1:9/api");
  });

  it("gives the dispatcher the platforms' default rate limits", () => {
    expect(platformLimits(loadSettings({}))).toEqual(DEFAULT_LIMITS);
    expect(telegramLimits(loadSettings({ TELEGRAM_GROUP_MAX_PER_MINUTE: "10" }).telegram).group).toEqual({
      count: 10,
      perMs: 60_000,
    });
    expect(discordLimits(loadSettings({ DISCORD_CHANNEL_MAX_PER_5S: "3" }).discord)).toEqual({
      perSecond: 50,
      group: { count: 3, perMs: 5_000 },
      dm: { count: 3, perMs: 5_000 },
    });
  });

  it("lists every variable in .env.example, and nothing else", () => {
    const listed = readFileSync(new URL("../.env.example", import.meta.url), "utf8")
      .split("\n")
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...ALL_VARIABLES].sort());
  });

  it("serves health and metrics only on a port that was asked for", () => {
    expect(loadConfig({}).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: "" }).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" })).toMatchObject({
      METRICS_PORT: 9464,
      METRICS_HOST: "0.0.0.0",
    });
    const err = thrown(() => loadConfig({ METRICS_PORT: "70000" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.join("\n")).toMatch(/^METRICS_PORT /);
  });

  it("turns quiet hours into minutes", () => {
    expect(quietFromConfig("22:00-08:00")).toEqual({ start: 1320, end: 480 });
    expect(quietFromConfig("off")).toBeNull();
  });
});
