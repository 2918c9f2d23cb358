/**
 * Runs Telegram and/or Discord for real: the wall clock, the node-cron tick, and one dispatcher
 * delivering through each platform's courier. Stops cleanly on SIGINT/SIGTERM: no new ticks,
 * in-flight deliveries recorded, adapters stopped, then the database closed by the caller.
 */
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import type { Logger } from "../src/log";
import type { Store } from "../src/store/port";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import type { Clock, Courier } from "../src/types";
import { startDiscord } from "./discord";
import { discordOptions } from "./discord/config";
import { engineConfig } from "./engine-config";
import { startScheduler } from "./scheduler";
import { platformLimits, type Settings } from "./settings";
import { startTelegram } from "./telegram";
import { telegramOptions } from "./telegram/config";

/** The only wall clock in the program; the core reads time through it. */
const systemClock: Clock = { now: () => new Date() };

interface Running {
  courier: Courier;
  stop(): Promise<void>;
}

/** Starts every adapter whose token is set and runs until a signal; returns the exit code. */
export async function runPlatforms(settings: Settings, store: Store, log: Logger): Promise<number> {
  const config = settings.core;
  const engine = createEngine({
    store,
    clock: systemClock,
    log,
    config: engineConfig(config, { rateLimit: true }),
  });
  let poke = () => {};
  const adapters: Running[] = [];
  try {
    if (settings.telegram.TELEGRAM_BOT_TOKEN)
      adapters.push(await startTelegram({ ...telegramOptions(settings.telegram), engine, log }));
    if (settings.discord.DISCORD_TOKEN) {
      adapters.push(
        await startDiscord({
          ...discordOptions(settings.discord),
          engine,
          store,
          clock: systemClock,
          log,
          afterHandle: () => poke(),
        }),
      );
    }
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, "could not start");
    await Promise.allSettled(adapters.map((a) => a.stop()));
    return 1;
  }
  const dispatcher = createDispatcher({
    store,
    clock: systemClock,
    log,
    couriers: adapters.map((a) => a.courier),
    limits: platformLimits(settings),
    onGone: async (msg) => {
      const paused = await engine.pauseForGone(msg.to, systemClock.now());
      log.info(
        { platform: msg.to.platform, chatKind: msg.to.chatKind, paused },
        "chat gone: commitments paused",
      );
    },
  });
  poke = () => dispatcher.poke();
  // SQLite's WAL is checkpointed on a worker thread, so commits never wait for it.
  const checkpointer =
    store.dialect === "sqlite"
      ? startCheckpointer(config.DATABASE_PATH, 2_000, (message) =>
          log.warn({ message }, "background checkpoint failed"),
        )
      : null;
  const scheduler = startScheduler({
    engine,
    dispatcher,
    clock: systemClock,
    log,
    intervalSeconds: config.TICK_INTERVAL_SECONDS,
  });
  log.info({ platforms: adapters.length, tickSeconds: config.TICK_INTERVAL_SECONDS }, "Amends is running");

  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log.info({ signal }, "stopping");
  // The scheduler stops the tick and the dispatcher (waiting for deliveries in flight); the
  // couriers need their live clients until then, so the adapters stop last.
  await scheduler.stop();
  await Promise.allSettled(adapters.map((a) => a.stop()));
  await checkpointer?.stop();
  return 0;
}
