import { describe, expect, it } from "vitest";
import { ConfigError, limitsFromConfig, loadConfig, quietFromConfig } from "../src/config";
import { DEFAULT_LIMITS } from "../src/dispatch/rate-limiter";

describe("configuration", () => {
  it("has a default for everything", () => {
    expect(loadConfig({})).toEqual({
      DATABASE_PATH: "./data/amends.sqlite",
      DEFAULT_TIMEZONE: "UTC",
      DEFAULT_QUIET_HOURS: "22:00-08:00",
      TICK_INTERVAL_SECONDS: 5,
      RATE_LIMIT_COMMANDS: 8,
      RATE_LIMIT_WINDOW_SECONDS: 10,
      LOG_LEVEL: "info",
      AMENDS_START: undefined,
      TELEGRAM_MAX_PER_SECOND: 30,
      TELEGRAM_GROUP_MAX_PER_MINUTE: 20,
      TELEGRAM_DM_MAX_PER_SECOND: 1,
      DISCORD_MAX_PER_SECOND: 50,
      DISCORD_CHANNEL_MAX_PER_5S: 5,
      TELEGRAM_BOT_TOKEN: undefined,
      TELEGRAM_API_ROOT: undefined,
      TELEGRAM_WEBHOOK_URL: undefined,
      TELEGRAM_WEBHOOK_SECRET: undefined,
      TELEGRAM_WEBHOOK_PORT: 8443,
      DISCORD_TOKEN: undefined,
      DISCORD_APPLICATION_ID: undefined,
      DISCORD_GUILD_ID: undefined,
      DISCORD_API_BASE: undefined,
    });
  });

  it("reads every variable", () => {
    const c = loadConfig({
      DATABASE_PATH: "/tmp/a.sqlite",
      DEFAULT_TIMEZONE: "Europe/Berlin",
      DEFAULT_QUIET_HOURS: "off",
      TICK_INTERVAL_SECONDS: "10",
      LOG_LEVEL: "debug",
      AMENDS_START: "2026-11-29T11:00:00Z",
      TELEGRAM_BOT_TOKEN: " 1:abc ",
      DISCORD_TOKEN: "",
    });
    expect(c).toMatchObject({
      DEFAULT_TIMEZONE: "Europe/Berlin",
      TICK_INTERVAL_SECONDS: 10,
      TELEGRAM_BOT_TOKEN: "1:abc",
    });
    expect(c.DISCORD_TOKEN).toBeUndefined();
  });

  it("refuses each wrong value, naming the variable and never echoing the value", () => {
    let error: unknown;
    try {
      loadConfig({
        DEFAULT_TIMEZONE: "Nowhere/Land",
        DEFAULT_QUIET_HOURS: "late",
        TICK_INTERVAL_SECONDS: "fast",
        LOG_LEVEL: "loud",
        AMENDS_START: "yesterday",
        TELEGRAM_API_ROOT: "ftp://x",
        DISCORD_GUILD_ID: "general",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of [
      "DEFAULT_TIMEZONE",
      "DEFAULT_QUIET_HOURS",
      "TICK_INTERVAL_SECONDS",
      "LOG_LEVEL",
      "AMENDS_START",
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("Nowhere/Land");
    expect((error as ConfigError).problems).toHaveLength(7);
  });

  it("asks for the webhook secret with the webhook URL", () => {
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: "https://bot.example/tg" })).toThrow(
      /TELEGRAM_WEBHOOK_SECRET is required/,
    );
    expect(
      loadConfig({ TELEGRAM_WEBHOOK_URL: "https://bot.example/tg", TELEGRAM_WEBHOOK_SECRET: "s3cret_x" }),
    ).toMatchObject({
      TELEGRAM_WEBHOOK_SECRET: "s3cret_x",
    });
  });

  it("strips a trailing slash from API roots", () => {
    expect(loadConfig({ TELEGRAM_API_ROOT: "http://127.0.0.1:8081/" }).TELEGRAM_API_ROOT).toBe(
      "http://127.0.0.1:8081",
    );
  });

  it("gives the dispatcher the platforms' default rate limits", () => {
    expect(limitsFromConfig(loadConfig({}))).toEqual(DEFAULT_LIMITS);
    expect(limitsFromConfig(loadConfig({ TELEGRAM_GROUP_MAX_PER_MINUTE: "10" })).telegram.group).toEqual({
      count: 10,
      perMs: 60_000,
    });
  });

  it("turns quiet hours into minutes", () => {
    expect(quietFromConfig("22:00-08:00")).toEqual({ start: 1320, end: 480 });
    expect(quietFromConfig("off")).toBeNull();
  });
});
