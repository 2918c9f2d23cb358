/**
 * The composition root: reads the configuration, opens the database (applying migrations),
 * builds the engine and starts the adapters the environment asks for. With no platform token
 * it starts the console chat.
 */
import { ConfigError, loadConfig, quietFromConfig } from "../src/config";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import { pauseForGone } from "../src/engine/gone";
import { openDatabase } from "../src/store/db";
import { ConsoleScreen, createConsoleCourier, createVirtualClock, resolveStart, runConsole } from "./console";
import { createLogger } from "./logger";

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its default.\n`);
      return 2;
    }
    throw err;
  }

  const platforms = [config.TELEGRAM_BOT_TOKEN && "Telegram", config.DISCORD_TOKEN && "Discord"].filter(
    Boolean,
  );
  // The console is for a person at a terminal: info logs there would drown the chat.
  const level = platforms.length === 0 && !process.env.LOG_LEVEL ? "warn" : config.LOG_LEVEL;
  const log = createLogger(level);

  if (platforms.length > 0) {
    log.error(
      { platforms },
      "The Telegram and Discord adapters are not part of this version yet; unset the token(s) to use the console",
    );
    return 1;
  }

  const db = openDatabase(config.DATABASE_PATH);
  try {
    let start: number;
    try {
      start = resolveStart(process.argv.slice(2), process.env, Date.now());
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 2;
    }
    const clock = createVirtualClock(start);
    const engine = createEngine({
      db,
      clock,
      log,
      config: {
        defaultZone: config.DEFAULT_TIMEZONE,
        defaultQuiet: quietFromConfig(config.DEFAULT_QUIET_HOURS),
        // The console's clock stands still between scripted lines, so a rate limit would misfire.
        rateLimit: null,
      },
    });
    const screen = new ConsoleScreen(process.stdout);
    const dispatcher = createDispatcher({
      db,
      clock,
      log,
      couriers: [createConsoleCourier(screen)],
      onGone: (msg) => pauseForGone(db, msg.to, clock.now().getTime()),
    });
    await runConsole({
      engine,
      clock,
      screen,
      input: process.stdin,
      output: process.stdout,
      interactive: process.stdin.isTTY === true,
      // Each virtual minute runs the scheduler, then delivers what it queued.
      onMinute: async (now) => {
        await engine.tick(now);
        await dispatcher.drain();
      },
      // Messages a command queued for someone else (a witness's request) show at once.
      afterHandle: async () => {
        await dispatcher.drain();
      },
      log: { error: (err: unknown) => log.error({ err: String(err) }, "console error") },
    });
    return 0;
  } finally {
    db.$client.close();
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
