/** The `.env` file every command of the project reads before its configuration. */
import { existsSync } from "node:fs";

/**
 * Reads `.env` (or the file AMENDS_ENV_FILE names; `none` to skip) into the environment.
 * Variables already set win, so the shell and CI can always override the file.
 */
export function loadEnvFile(): void {
  const file = process.env.AMENDS_ENV_FILE ?? ".env";
  if (file === "" || file === "none" || !existsSync(file)) return;
  process.loadEnvFile(file);
}
