/** Errors as one log-safe line: interaction and webhook tokens in request URLs are redacted. */

import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";

/** Interaction tokens and webhook tokens ride in URL paths; both are credentials for 15 minutes. */
const TOKEN_IN_PATH = /\/(interactions\/\d+|webhooks\/\d+)\/[^/?\s]+/g;
/** A bot token or an Authorization header, should one ever appear in a message. */
const SECRETS = [/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}/g, /\b(Bot|Bearer)\s+\S+/gi];

function redact(text: string): string {
  let out = text.replace(TOKEN_IN_PATH, "/$1/[redacted]");
  for (const pattern of SECRETS) out = out.replace(pattern, "[redacted]");
  return out;
}

/** A short, redacted description of an error, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof DiscordAPIError) {
    return redact(`DiscordAPIError ${error.code} (HTTP ${error.status}) on ${error.method} ${error.url}`);
  }
  if (error instanceof RateLimitError) {
    return redact(`RateLimitError: retry after ${error.retryAfter} ms on ${error.method} ${error.route}`);
  }
  if (error instanceof HTTPError) return redact(`HTTPError ${error.status} on ${error.method} ${error.url}`);
  if (error instanceof Error) return redact(`${error.name}: ${error.message}`).slice(0, 300);
  return redact(String(error)).slice(0, 300);
}
