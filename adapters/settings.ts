/**
 * Everything the composition root reads from the environment: the core's configuration
 * (src/config.ts) and each platform adapter's own variables (adapters/telegram/config.ts,
 * adapters/discord/config.ts), checked together, so a refused start-up names every wrong
 * variable at once, one line each.
 */
import { CONFIG_VARIABLES, type Config, ConfigError, readConfig, type VariablesRead } from "../src/config";
import type { PlatformLimits } from "../src/dispatch/rate-limiter";
import { DISCORD_VARIABLES, type DiscordConfig, discordLimits, readDiscordConfig } from "./discord/config";
import {
  readTelegramConfig,
  TELEGRAM_VARIABLES,
  type TelegramConfig,
  telegramLimits,
} from "./telegram/config";

/** The validated configuration of a run. */
export interface Settings {
  core: Config;
  telegram: TelegramConfig;
  discord: DiscordConfig;
}

/** Every variable Amends reads, in .env.example's order of groups. */
export const ALL_VARIABLES: readonly string[] = [
  ...CONFIG_VARIABLES,
  ...TELEGRAM_VARIABLES,
  ...DISCORD_VARIABLES,
];

/**
 * Reads and validates every group of variables from an environment (usually `process.env`).
 * @throws ConfigError naming every wrong variable of every group, never its value.
 */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  const core = readConfig(env);
  const telegram = readTelegramConfig(env);
  const discord = readDiscordConfig(env);
  const problems = [core, telegram, discord].flatMap((r: VariablesRead<unknown>) => (r.ok ? [] : r.problems));
  if (!core.ok || !telegram.ok || !discord.ok) throw new ConfigError(problems);
  return { core: core.value, telegram: telegram.value, discord: discord.value };
}

/** True when a platform token is set: run the platforms, else the console chat. */
export function wantsPlatforms(s: Settings): boolean {
  return Boolean(s.telegram.TELEGRAM_BOT_TOKEN || s.discord.DISCORD_TOKEN);
}

/** The dispatcher's rate limits for the platforms (the console has none). */
export function platformLimits(s: Settings): { telegram: PlatformLimits; discord: PlatformLimits } {
  return { telegram: telegramLimits(s.telegram), discord: discordLimits(s.discord) };
}
