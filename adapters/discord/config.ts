/**
 * The Discord adapter's variables (`DISCORD_*`): the token, the application and development
 * guild, another REST base, and the send limits the dispatcher keeps to. Read and checked at
 * start-up together with the rest of the configuration (adapters/settings.ts); this module loads
 * no discord.js, so the console and a refused start never pay for the platform library.
 */
import { z } from "zod";
import { boundedInt, optionalSecret, optionalUrl, readVariables, type VariablesRead } from "../../src/config";
import type { PlatformLimits } from "../../src/dispatch/rate-limiter";
import type { DiscordOptions } from "./index";

const optionalSnowflake = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: "must be a Discord id (digits)" })
  .optional();

const variables = z.object({
  DISCORD_TOKEN: optionalSecret,
  DISCORD_APPLICATION_ID: optionalSnowflake,
  DISCORD_GUILD_ID: optionalSnowflake,
  DISCORD_API_BASE: optionalUrl,
  DISCORD_MAX_PER_SECOND: boundedInt(1, 1000, 50),
  DISCORD_CHANNEL_MAX_PER_5S: boundedInt(1, 100, 5),
});

/** The validated Discord variables. */
export type DiscordConfig = z.infer<typeof variables>;

/** The names of the Discord variables. */
export const DISCORD_VARIABLES: readonly string[] = Object.keys(variables.shape);

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
