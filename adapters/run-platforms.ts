/**
 * Runs Telegram and/or Discord for real: the wall clock, the node-cron tick, and one dispatcher
 * delivering through each platform's courier. Stops cleanly on SIGINT/SIGTERM: no new ticks,
 * in-flight deliveries recorded, adapters stopped, then the database closed by the caller.
 */
import { type Config, limitsFromConfig } from "../src/config";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import { pauseForGone } from "../src/engine/gone";
import type { Logger } from "../src/log";
import { startCheckpointer } from "../src/store/checkpoint";
import type { OpenDb } from "../src/store/db";
import type { Clock, Courier, Engine } from "../src/types";
import { startDiscord } from "./discord";
import { engineConfig } from "./engine-config";
import { startScheduler } from "./scheduler";
import { startTelegram } from "./telegram";

/** The only wall clock in the program; the core reads time through it. */
const systemClock: Clock = { now: () => new Date() };

interface Running {
  courier: Courier;
  stop(): Promise<void>;
}

/** Starts every adapter whose token is set and runs until a signal; returns the exit code. */
export async function runPlatforms(config: Config, db: OpenDb, log: Logger): Promise<number> {
  const engine = createEngine({
    db,
    clock: systemClock,
    log,
    config: engineConfig(config, { rateLimit: true }),
  });
  let poke = () => {};
  const adapters: Running[] = [];
  try {
    if (config.TELEGRAM_BOT_TOKEN) adapters.push(await telegram(config, engine, log));
    if (config.DISCORD_TOKEN) adapters.push(await discord(config, engine, db, log, () => poke()));
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, "could not start");
    await Promise.allSettled(adapters.map((a) => a.stop()));
    return 1;
  }
  const dispatcher = createDispatcher({
    db,
    clock: systemClock,
    log,
    couriers: adapters.map((a) => a.courier),
    limits: limitsFromConfig(config),
    onGone: (msg) => {
      const paused = pauseForGone(db, msg.to, systemClock.now().getTime());
      log.info(
        { platform: msg.to.platform, chatKind: msg.to.chatKind, paused },
        "chat gone: commitments paused",
      );
    },
  });
  poke = () => dispatcher.poke();
  const checkpointer = startCheckpointer(config.DATABASE_PATH, 2_000, (message) =>
    log.warn({ message }, "background checkpoint failed"),
  );
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
  await checkpointer.stop();
  return 0;
}

async function telegram(config: Config, engine: Engine, log: Logger): Promise<Running> {
  const { TELEGRAM_WEBHOOK_URL: url, TELEGRAM_WEBHOOK_SECRET: secret } = config;
  return startTelegram({
    token: config.TELEGRAM_BOT_TOKEN ?? "",
    engine,
    log,
    ...(config.TELEGRAM_API_ROOT ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
    ...(url && secret ? { webhook: { url, secret, port: config.TELEGRAM_WEBHOOK_PORT } } : {}),
  });
}

async function discord(config: Config, engine: Engine, db: OpenDb, log: Logger, poke: () => void) {
  return startDiscord({
    token: config.DISCORD_TOKEN ?? "",
    engine,
    db,
    clock: systemClock,
    log,
    afterHandle: poke,
    ...(config.DISCORD_APPLICATION_ID ? { applicationId: config.DISCORD_APPLICATION_ID } : {}),
    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
    ...(config.DISCORD_API_BASE ? { apiBase: config.DISCORD_API_BASE } : {}),
  });
}
