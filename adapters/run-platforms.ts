/**
 * Runs Telegram and/or Discord for real: the wall clock, the node-cron tick, and one dispatcher
 * delivering through each platform's courier, as the process's role asks (`AMENDS_ROLE`). Stops
 * cleanly on SIGINT/SIGTERM: no new ticks, in-flight deliveries recorded, adapters stopped, then
 * the database closed by the caller.
 */
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import type { Logger } from "../src/log";
import type { PgStore } from "../src/store/pg/store";
import type { Store } from "../src/store/port";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import type { Clock, Courier, Recipient } from "../src/types";
import { startDiscord, startDiscordHttp, startDiscordSender } from "./discord";
import { discordHttpOptions, discordOptions, wantsDiscordHttp } from "./discord/config";
import { engineConfig } from "./engine-config";
import {
  databaseCheck,
  type HealthServer,
  migrationsCheck,
  platformCheck,
  startHealthServer,
} from "./health";
import { ledDispatcher, longestWindowMs } from "./leader";
import { createMetrics } from "./metrics";
import { startScheduler } from "./scheduler";
import { platformLimits, type Settings } from "./settings";
import { startTelegram, startTelegramSender } from "./telegram";
import { telegramOptions } from "./telegram/config";

/** The only wall clock in the program; the core reads time through it. */
const systemClock: Clock = { now: () => new Date() };

interface Running {
  courier: Courier;
  stop(): Promise<void>;
}

/** The sending lease's name: one per database, whatever the schema. */
const SENDING_LEASE = "amends-sending";

/**
 * Starts what this process's role needs (`AMENDS_ROLE`, adapters/settings.ts) and runs until a
 * signal; returns the exit code. `all` receives, ticks and sends; `front` only receives;
 * `worker` only ticks and sends, and sends only while it holds the fleet's sending lease.
 */
export async function runPlatforms(settings: Settings, store: Store, log: Logger): Promise<number> {
  const config = settings.core;
  const role = config.AMENDS_ROLE;
  const receives = role !== "worker";
  const sends = role !== "front";
  const metrics = createMetrics({ store, clock: systemClock, log, role, outbox: sends });
  const engine = createEngine({
    store,
    clock: systemClock,
    log,
    config: engineConfig(config, { rateLimit: true }),
    observer: metrics.observer,
  });
  let poke = () => {};
  const adapters: Running[] = [];
  try {
    if (settings.telegram.TELEGRAM_BOT_TOKEN) {
      const options = telegramOptions(settings.telegram);
      adapters.push(
        receives
          ? await startTelegram({ ...options, engine, log })
          : await startTelegramSender({ ...options, log }),
      );
    }
    if (settings.discord.DISCORD_TOKEN) {
      const common = { engine, store, clock: systemClock, log, afterHandle: () => poke() };
      // A worker only sends (over REST); a process that receives does so at its interactions
      // endpoint when the public key is set, else on the gateway (one process only).
      adapters.push(
        !receives
          ? await startDiscordSender({ ...discordOptions(settings.discord), log })
          : wantsDiscordHttp(settings.discord)
            ? await startDiscordHttp({ ...discordHttpOptions(settings.discord), ...common })
            : await startDiscord({ ...discordOptions(settings.discord), ...common }),
      );
    }
  } catch (err) {
    log.error({ err: err instanceof Error ? err.message : String(err) }, "could not start");
    await Promise.allSettled(adapters.map((a) => a.stop()));
    return 1;
  }
  const makeDispatcher = (alreadySent: readonly { to: Recipient; at: number }[] = []) =>
    createDispatcher({
      store,
      clock: systemClock,
      log,
      couriers: adapters.map((a) => a.courier),
      limits: platformLimits(settings),
      observer: metrics.observer,
      alreadySent,
      onGone: async (msg) => {
        const paused = await engine.pauseForGone(msg.to, systemClock.now());
        log.info(
          { platform: msg.to.platform, chatKind: msg.to.chatKind, paused },
          "chat gone: commitments paused",
        );
      },
    });
  // A worker of a fleet sends only while it leads (adapters/leader.ts), its limiter starting from
  // what the fleet sent in the longest window (a minute, Telegram's groups) and what the sender
  // before it may still have had in flight. One process doing everything is the only sender.
  const lease = store.dialect === "postgres" ? (store as PgStore).opened.lease : undefined;
  const window = longestWindowMs(Object.values(platformLimits(settings)));
  const dispatcher =
    role === "worker" && lease
      ? ledDispatcher({
          make: async () => {
            const now = systemClock.now().getTime();
            const sent = await store.transaction((tx) => tx.recentSends(now - window, now), {
              readOnly: true,
              isolation: "read committed",
            });
            return makeDispatcher(sent);
          },
          lead: () => lease(SENDING_LEASE),
          log,
        })
      : makeDispatcher();
  poke = () => dispatcher.poke();
  // SQLite's WAL is checkpointed on a worker thread, so commits never wait for it.
  const checkpointer =
    store.dialect === "sqlite"
      ? startCheckpointer(config.DATABASE_PATH, 2_000, (message) =>
          log.warn({ message }, "background checkpoint failed"),
        )
      : null;
  const scheduler = sends
    ? startScheduler({
        engine,
        dispatcher,
        clock: systemClock,
        log,
        intervalSeconds: config.TICK_INTERVAL_SECONDS,
        observer: metrics.observer,
      })
    : null;
  let health: HealthServer | null = null;
  if (config.METRICS_PORT !== undefined) {
    try {
      health = await startHealthServer({
        port: config.METRICS_PORT,
        host: config.METRICS_HOST,
        registry: metrics.registry,
        log,
        // Every store applies its migrations before it opens, and refuses a newer database;
        // each platform signed in at start (a refused token stops the start).
        checks: [
          databaseCheck(store),
          migrationsCheck(() => true),
          ...adapters.map((a) => platformCheck(a.courier.platform, () => true)),
        ],
      });
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, "health server could not start");
    }
  }
  log.info(
    { role, platforms: adapters.length, tickSeconds: sends ? config.TICK_INTERVAL_SECONDS : null },
    "Amends is running",
  );

  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  log.info({ signal }, "stopping");
  // The scheduler stops the tick and the dispatcher (waiting for deliveries in flight, and on
  // a worker giving the sending lease up); the couriers need their live clients until then, so
  // the adapters stop last. A front stops taking requests and finishes the ones it has.
  await scheduler?.stop();
  await Promise.allSettled(adapters.map((a) => a.stop()));
  await checkpointer?.stop();
  // Last: a probe during shutdown still gets an answer.
  await health?.close();
  return 0;
}
