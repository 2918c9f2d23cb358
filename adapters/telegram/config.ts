/**
 * The Telegram adapter's variables (`TELEGRAM_*`): the token, another Bot API server, webhook
 * mode, and the send limits the dispatcher keeps to. Read and checked at start-up together with
 * the rest of the configuration (adapters/settings.ts); this module loads no grammY, so the
 * console and a refused start never pay for the platform library.
 */
import { z } from "zod";
import { boundedInt, optionalSecret, optionalUrl, readVariables, type VariablesRead } from "../../src/config";
import type { PlatformLimits } from "../../src/dispatch/rate-limiter";
import type { TelegramOptions } from "./index";

const variables = z.object({
  TELEGRAM_BOT_TOKEN: optionalSecret,
  TELEGRAM_API_ROOT: optionalUrl,
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalSecret.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), {
    message: "may only hold letters, digits, _ and - (1-256 characters)",
  }),
  TELEGRAM_WEBHOOK_PORT: boundedInt(1, 65535, 8443),
  TELEGRAM_MAX_PER_SECOND: boundedInt(1, 1000, 30),
  TELEGRAM_GROUP_MAX_PER_MINUTE: boundedInt(1, 1000, 20),
  TELEGRAM_DM_MAX_PER_SECOND: boundedInt(1, 100, 1),
});

/** Variables that only make sense together. */
const checked = variables.superRefine((c, ctx) => {
  if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
    ctx.addIssue({
      code: "custom",
      path: ["TELEGRAM_WEBHOOK_SECRET"],
      message: "is required with TELEGRAM_WEBHOOK_URL (Telegram sends it back so requests can be trusted)",
    });
  }
});

/** The validated Telegram variables. */
export type TelegramConfig = z.infer<typeof variables>;

/** The names of the Telegram variables. */
export const TELEGRAM_VARIABLES: readonly string[] = Object.keys(variables.shape);

/** Reads the Telegram variables from an environment: the values, or one line per wrong variable. */
export function readTelegramConfig(env: Record<string, string | undefined>): VariablesRead<TelegramConfig> {
  return readVariables(checked, env);
}

/** Telegram's send limits for the dispatcher: overall per second, per group a minute, per DM a second. */
export function telegramLimits(c: TelegramConfig): PlatformLimits {
  return {
    perSecond: c.TELEGRAM_MAX_PER_SECOND,
    group: { count: c.TELEGRAM_GROUP_MAX_PER_MINUTE, perMs: 60_000 },
    dm: { count: c.TELEGRAM_DM_MAX_PER_SECOND, perMs: 1_000 },
  };
}

/** What {@link startTelegram} takes from the variables (webhook mode only with both URL and secret). */
export function telegramOptions(c: TelegramConfig): Pick<TelegramOptions, "token" | "apiRoot" | "webhook"> {
  const { TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: secret } = c;
  return {
    token: c.TELEGRAM_BOT_TOKEN ?? "",
    ...(c.TELEGRAM_API_ROOT ? { apiRoot: c.TELEGRAM_API_ROOT } : {}),
    ...(url && secret ? { webhook: { url, secret, port: c.TELEGRAM_WEBHOOK_PORT } } : {}),
  };
}
