/**
 * The composition root: reads the configuration, opens the database (applying migrations),
 * and runs Telegram and/or Discord when their tokens are set, else the console chat. A wrong
 * configuration or a database that cannot be used ends at once with one line and exit code 2.
 */
import { ConfigError } from "../src/config";
import { openStore } from "../src/store/open";
import type { Store } from "../src/store/port";
import { DatabaseOpenError } from "../src/store/sqlite/open-errors";
import { loadEnvFile } from "./env-file";
import { createLogger } from "./logger";
import { runConsoleMode } from "./run-console";
import { loadSettings, type Settings, wantsPlatforms } from "./settings";

async function main(): Promise<number> {
  loadEnvFile();
  let settings: Settings;
  try {
    // The core's variables and every platform's, so one refusal names every wrong one.
    settings = loadSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its default.\n`);
      return 2;
    }
    throw err;
  }
  const config = settings.core;
  const onPlatforms = wantsPlatforms(settings);
  // The console is for a person at a terminal: info logs there would drown the chat.
  const level = !onPlatforms && !process.env.LOG_LEVEL ? "warn" : config.LOG_LEVEL;
  const log = createLogger(level);
  // A running bot checkpoints on a worker thread (run-platforms.ts); the console keeps it simple.
  let store: Store;
  try {
    store = await openStore({
      url: config.DATABASE_URL,
      path: config.DATABASE_PATH,
      autoCheckpoint: !onPlatforms,
    });
  } catch (err) {
    // An expected refusal is one line the person can act on; a stack would only hide it.
    if (err instanceof DatabaseOpenError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  try {
    if (!onPlatforms) return await runConsoleMode(config, store, log);
    // Loaded only when needed: the platform libraries take most of start-up, which the console
    // and a refused start should not wait for.
    const { runPlatforms } = await import("./run-platforms");
    return await runPlatforms(settings, store, log);
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`Amends stopped: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
