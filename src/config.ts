/**
 * Configuration, read once at start-up from the environment and validated; each wrong value
 * is refused with a message naming its variable. Secrets stay in this object and are never logged.
 */
import { z } from "zod";
import { isValidZone } from "./cadence";
import type { PlatformLimits } from "./dispatch/rate-limiter";

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v.replace(/\/+$/, "")))
  .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: "must be an http(s) URL" })
  .optional();

const optionalSnowflake = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "must be a Discord id (digits)" })
  .optional();

const schema = z.object({
  DATABASE_PATH: z.string().trim().min(1).default("./data/amends.sqlite"),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default("UTC")
    .refine(isValidZone, { message: "must be an IANA time zone such as Europe/Berlin or UTC" }),
  DEFAULT_QUIET_HOURS: z
    .string()
    .trim()
    .default("22:00-08:00")
    .refine(
      (v) =>
        v.toLowerCase() === "off" || (/^[^-]+-[^-]+$/.test(v) && v.split("-").every((t) => HHMM.test(t))),
      { message: 'must look like "22:00-08:00" or be "off"' },
    ),
  TICK_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  RATE_LIMIT_COMMANDS: z.coerce.number().int().min(1).max(1000).default(8),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  AMENDS_START: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), {
      message: "must be an ISO instant such as 2026-11-29T11:00:00Z",
    }),
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(30),
  TELEGRAM_GROUP_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  TELEGRAM_DM_MAX_PER_SECOND: z.coerce.number().int().min(1).max(100).default(1),
  DISCORD_MAX_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(50),
  DISCORD_CHANNEL_MAX_PER_5S: z.coerce.number().int().min(1).max(100).default(5),
  TELEGRAM_BOT_TOKEN: optionalSecret,
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalSecret.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), {
    message: "may only hold letters, digits, _ and - (1-256 characters)",
  }),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
  DISCORD_TOKEN: optionalSecret,
  DISCORD_APPLICATION_ID: optionalSnowflake,
  DISCORD_GUILD_ID: optionalSnowflake,
  DISCORD_API_BASE: optionalUrl,
});

/** Variables that only make sense together. */
const checked = schema.superRefine((c, ctx) => {
  if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["TELEGRAM_WEBHOOK_SECRET"],
      message: "is required with TELEGRAM_WEBHOOK_URL (Telegram sends it back so requests can be trusted)",
    });
  }
});

/** The validated configuration. */
export type Config = z.infer<typeof schema>;

/** Thrown when the environment holds wrong values; its message names every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates the configuration from an environment (usually `process.env`). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = checked.safeParse(env);
  if (result.success) return result.data;
  // Report the variable and the rule, never the value: it may be a secret.
  const problems = result.error.issues.map((i) => `${String(i.path[0] ?? "?")} ${i.message}`);
  throw new ConfigError(problems);
}

/** Parses `DEFAULT_QUIET_HOURS` into minutes after midnight (already validated). */
export function quietFromConfig(value: string): { start: number; end: number } | null {
  if (value.toLowerCase() === "off") return null;
  const [start = 0, end = 0] = value.split("-").map((t) => {
    const [h = "0", m = "0"] = t.split(":");
    return Number(h) * 60 + Number(m);
  });
  return start === end ? null : { start, end };
}

/** The dispatcher's rate limits from the configuration (the console has none). */
export function limitsFromConfig(c: Config): { telegram: PlatformLimits; discord: PlatformLimits } {
  return {
    telegram: {
      perSecond: c.TELEGRAM_MAX_PER_SECOND,
      group: { count: c.TELEGRAM_GROUP_MAX_PER_MINUTE, perMs: 60_000 },
      dm: { count: c.TELEGRAM_DM_MAX_PER_SECOND, perMs: 1_000 },
    },
    discord: {
      perSecond: c.DISCORD_MAX_PER_SECOND,
      group: { count: c.DISCORD_CHANNEL_MAX_PER_5S, perMs: 5_000 },
      dm: { count: c.DISCORD_CHANNEL_MAX_PER_5S, perMs: 5_000 },
    },
  };
}
