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
  const settings = { core: core.value, telegram: telegram.value, discord: discord.value };
  const roleProblems = roleRefusals(settings);
  if (roleProblems.length > 0) throw new ConfigError(roleProblems);
  return settings;
}

/**
 * What a fleet role needs that the rest of the configuration does not give it, one line each.
 * Several processes on one SQLite file stay safe (they take turns for the write lock), but are
 * not a deployment to build on: roles are for PostgreSQL.
 */
function roleRefusals(s: Settings): string[] {
  const role = s.core.AMENDS_ROLE;
  if (role === "all") return [];
  const problems: string[] = [];
  if (!s.core.DATABASE_URL)
    problems.push(
      `AMENDS_ROLE=${role} needs PostgreSQL: set DATABASE_URL (on SQLite, run one process with the role all)`,
    );
  if (!wantsPlatforms(s))
    problems.push(`AMENDS_ROLE=${role} needs a platform token (TELEGRAM_BOT_TOKEN or DISCORD_TOKEN)`);
  if (role === "front" && s.discord.DISCORD_TOKEN && !s.discord.DISCORD_PUBLIC_KEY)
    problems.push(
      "AMENDS_ROLE=front receives Discord over HTTP: set DISCORD_PUBLIC_KEY (a gateway connection serves one process only)",
    );
  if (role === "front" && s.telegram.TELEGRAM_BOT_TOKEN && !s.telegram.TELEGRAM_WEBHOOK_URL)
    problems.push(
      "AMENDS_ROLE=front receives Telegram by webhook: set TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET (long polling allows one receiver per token)",
    );
  return problems;
}

/** True when a platform token is set: run the platforms, else the console chat. */
export function wantsPlatforms(s: Settings): boolean {
  return Boolean(s.telegram.TELEGRAM_BOT_TOKEN || s.discord.DISCORD_TOKEN);
}

/** The dispatcher's rate limits for the platforms (the console has none). */
export function platformLimits(s: Settings): { telegram: PlatformLimits; discord: PlatformLimits } {
  return { telegram: telegramLimits(s.telegram), discord: discordLimits(s.discord) };
}
