/** The engine's settings from the validated configuration, shared by every way of running. */
import { type Config, quietFromConfig } from "../src/config";
import type { EngineConfig } from "../src/engine";

/** `rateLimit: false` turns the per-person limit off (the console, whose clock stands still). */
export function engineConfig(config: Config, opts: { rateLimit: boolean }): EngineConfig {
  return {
    defaultZone: config.DEFAULT_TIMEZONE,
    defaultQuiet: quietFromConfig(config.DEFAULT_QUIET_HOURS),
    rateLimit: opts.rateLimit
      ? { max: config.RATE_LIMIT_COMMANDS, windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000 }
      : null,
  };
}
