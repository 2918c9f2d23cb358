/**
 * The Discord adapter's variables (`DISCORD_*`): the token, the application and development
 * guild, another REST base, the send limits the dispatcher keeps to, and the public key and port
 * that switch to the HTTP interactions mode. Read and checked at
 * start-up together with the rest of the configuration (adapters/settings.ts); this module loads
 * no discord.js, so the console and a refused start never pay for the platform library.
 */
import { z } from "zod";
import { boundedInt, optionalSecret, optionalUrl, readVariables, type VariablesRead } from "../../src/config";
import type { PlatformLimits } from "../../src/dispatch/rate-limiter";
import type { DiscordHttpOptions } from "./http";
import type { DiscordOptions } from "./index";

const optionalSnowflake = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "must be a Discord id (digits)" })
  .optional();

/** The portal's public key, 64 hex characters; empty means unset (the gateway mode). */
const optionalPublicKey = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v.toLowerCase()))
  .refine((v) => v === undefined || /^[0-9a-f]{64}$/.test(v), {
    message:
      "must be the application's public key (64 hex characters, Developer Portal → General Information)",
  })
  .optional();

/** A TCP port; empty means unset (the default applies where it is used, {@link DEFAULT_HTTP_PORT}). */
const optionalPort = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : Number(v)))
  .refine((v) => v === undefined || (Number.isInteger(v) && v >= 0 && v <= 65_535), {
    message: "must be a port number (0–65535)",
  })
  .optional();

/** The interactions endpoint's port when `DISCORD_HTTP_PORT` is unset. */
export const DEFAULT_HTTP_PORT = 8080;

const fields = z.object({
  DISCORD_TOKEN: optionalSecret,
  DISCORD_APPLICATION_ID: optionalSnowflake,
  DISCORD_GUILD_ID: optionalSnowflake,
  DISCORD_API_BASE: optionalUrl,
  DISCORD_MAX_PER_SECOND: boundedInt(1, 1000, 50),
  DISCORD_CHANNEL_MAX_PER_5S: boundedInt(1, 100, 5),
  /** Set: the HTTP interactions mode (a front behind a load balancer) instead of the gateway. */
  DISCORD_PUBLIC_KEY: optionalPublicKey,
  /** The interactions endpoint's port (HTTP mode only). */
  DISCORD_HTTP_PORT: optionalPort,
});

// REST (registration, the outbox) needs the bot token in HTTP mode too.
const variables = fields.refine((c) => !c.DISCORD_PUBLIC_KEY || c.DISCORD_TOKEN, {
  message: "needs DISCORD_TOKEN as well (commands and messages go over REST with it)",
  path: ["DISCORD_PUBLIC_KEY"],
});

/** The validated Discord variables. */
export type DiscordConfig = z.infer<typeof variables>;

/** The names of the Discord variables. */
export const DISCORD_VARIABLES: readonly string[] = Object.keys(fields.shape);

/** Reads the Discord variables from an environment: the values, or one line per wrong variable. */
export function readDiscordConfig(env: Record<string, string | undefined>): VariablesRead<DiscordConfig> {
  return readVariables(variables, env);
}

/** Discord's send limits for the dispatcher: overall per second, and per channel (or DM) per 5 s. */
export function discordLimits(c: DiscordConfig): PlatformLimits {
  return {
    perSecond: c.DISCORD_MAX_PER_SECOND,
    group: { count: c.DISCORD_CHANNEL_MAX_PER_5S, perMs: 5_000 },
    dm: { count: c.DISCORD_CHANNEL_MAX_PER_5S, perMs: 5_000 },
  };
}

/** What {@link startDiscord} takes from the variables. */
export function discordOptions(
  c: DiscordConfig,
): Pick<DiscordOptions, "token" | "applicationId" | "guildId" | "apiBase"> {
  return {
    token: c.DISCORD_TOKEN ?? "",
    ...(c.DISCORD_APPLICATION_ID ? { applicationId: c.DISCORD_APPLICATION_ID } : {}),
    ...(c.DISCORD_GUILD_ID ? { guildId: c.DISCORD_GUILD_ID } : {}),
    ...(c.DISCORD_API_BASE ? { apiBase: c.DISCORD_API_BASE } : {}),
  };
}

/** True when the Discord adapter runs as an HTTP interactions endpoint rather than on the gateway. */
export function wantsDiscordHttp(c: DiscordConfig): boolean {
  return Boolean(c.DISCORD_TOKEN && c.DISCORD_PUBLIC_KEY);
}

/** What {@link startDiscordHttp} takes from the variables. */
export function discordHttpOptions(
  c: DiscordConfig,
): Pick<DiscordHttpOptions, "publicKey" | "token" | "port" | "applicationId" | "guildId" | "apiBase"> {
  return {
    ...discordOptions(c),
    publicKey: c.DISCORD_PUBLIC_KEY ?? "",
    port: c.DISCORD_HTTP_PORT ?? DEFAULT_HTTP_PORT,
  };
}
