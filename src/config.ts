/**
 * Configuration, read once at start-up from the environment and validated; each wrong value
 * is refused with a line naming its variable. Secrets stay in the parsed objects and are never
 * logged.
 *
 * This module holds what the core needs (the database, the defaults for new people, the tick,
 * the command rate limit, logging, the process's role in a fleet) and the means to read a group
 * of variables; the platform
 * variables (`TELEGRAM_*`, `DISCORD_*`) belong to their adapters (adapters/telegram/config.ts,
 * adapters/discord/config.ts), and the composition root reads every group together
 * (adapters/settings.ts), so one start-up lists every wrong variable at once.
 */
import { z } from "zod";
import { isValidZone } from "./cadence";

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** An optional secret: trimmed; empty means unset. */
export const optionalSecret = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** An optional http(s) URL: trimmed, trailing slashes dropped; empty means unset. */
export const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v.replace(/\/+$/, "")))
  .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), { message: "must be an http(s) URL" })
  .optional();

/** An integer within `min..max`, with a default when unset. */
export const boundedInt = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  DATABASE_PATH: z.string().trim().min(1).default("./data/amends.sqlite"),
  /** A PostgreSQL URL (`postgres://…`); when set, Amends keeps everything there and ignores DATABASE_PATH. */
  DATABASE_URL: z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/\S+$/.test(v), {
      message: "must be a PostgreSQL URL such as postgres://user@host:5432/amends",
    })
    .optional(),
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
  TICK_INTERVAL_SECONDS: boundedInt(1, 60, 5),
  RATE_LIMIT_COMMANDS: boundedInt(1, 1000, 8),
  RATE_LIMIT_WINDOW_SECONDS: boundedInt(1, 3600, 10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * What this process does: `all` (the default) receives, ticks and sends; in a fleet on
   * PostgreSQL, `front` only receives (Telegram webhook, Discord interactions over HTTP) and
   * `worker` only ticks and sends.
   */
  AMENDS_ROLE: z.enum(["all", "front", "worker"]).default("all"),
  /** Serve /healthz, /readyz and /metrics on this port (unset: not served). */
  METRICS_PORT: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce.number().int().min(1).max(65535).optional(),
  ),
  /** Where the health and metrics server listens; keep it off the public load balancer. */
  METRICS_HOST: z.string().trim().min(1).default("127.0.0.1"),
  AMENDS_START: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), {
      message: "must be an ISO instant such as 2026-11-29T11:00:00Z",
    }),
});

/** The validated core configuration. */
export type Config = z.infer<typeof schema>;

/** Thrown when the environment holds wrong values; its message names every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** What reading one group of variables gives: the values, or one line per wrong variable. */
export type VariablesRead<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Reads one group of variables from `env` with its schema (variables of other groups are
 * ignored). A problem names the variable and the rule, never the value: it may be a secret.
 */
export function readVariables<T>(
  schema: z.ZodType<T>,
  env: Record<string, string | undefined>,
): VariablesRead<T> {
  const result = schema.safeParse(env);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `${String(i.path[0] ?? "?")} ${i.message}`) };
}

/** The names of the core's variables. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Reads the core configuration from an environment: the values, or one line per wrong variable. */
export function readConfig(env: Record<string, string | undefined>): VariablesRead<Config> {
  return readVariables(schema, env);
}

/** Reads and validates the core configuration from an environment (usually `process.env`). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const read = readConfig(env);
  if (!read.ok) throw new ConfigError(read.problems);
  return read.value;
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
