/**
 * Structured logs with pino, on stderr so the console transcript on stdout stays clean.
 * Token-shaped fields are redacted as a second line of defence: the code never logs them.
 */
import pino from "pino";
import type { Logger } from "../src/log";

/** Field paths that could hold a secret if someone ever logged a config or an HTTP request. */
const REDACT = [
  "token",
  "*.token",
  "TELEGRAM_BOT_TOKEN",
  "*.TELEGRAM_BOT_TOKEN",
  "DISCORD_TOKEN",
  "*.DISCORD_TOKEN",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
];

/** Creates the process logger. */
export function createLogger(level: string): Logger & { level: string } {
  return pino(
    { level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "amends" } },
    pino.destination(2),
  );
}
