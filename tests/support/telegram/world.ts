/**
 * Amends on Telegram in a test: the real engine over an in-memory database with a fake clock,
 * the real Telegram adapter (grammY, long polling) against {@link FakeTelegram}, and the real
 * dispatcher delivering the outbox through the adapter's courier. The test moves the clock; each
 * minute runs the scheduler tick and drains the outbox, as the process would.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startTelegram, type TelegramAdapter, type TelegramOptions } from "../../../adapters/telegram";
import { createDispatcher, type Dispatcher } from "../../../src/dispatch/dispatcher";
import type { PlatformLimits } from "../../../src/dispatch/rate-limiter";
import { createEngine, type EngineConfig } from "../../../src/engine";
import { pauseForGone } from "../../../src/engine/gone";
import type { Logger } from "../../../src/log";
import type { Courier, Engine } from "../../../src/types";
import { FakeClock } from "../harness";
import { closeStore, nextBusyMinute, nextReadyAt, openStore, type Store } from "../inspect";
import { FakeTelegram } from "./server";

const MINUTE = 60_000;

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      lines.push(JSON.stringify({ level, msg, ...obj }));
    };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Options of {@link createWorld}. */
export interface WorldOptions {
  start?: string;
  config?: Partial<EngineConfig>;
  limits?: Partial<Record<"telegram", PlatformLimits>>;
  adapter?: Partial<Pick<TelegramOptions, "webhook" | "pollingTimeoutSeconds">>;
}

/** The running world; {@link World.close} it in afterEach. */
export interface World {
  store: Store;
  clock: FakeClock;
  engine: Engine;
  tg: FakeTelegram;
  adapter: TelegramAdapter;
  dispatcher: Dispatcher;
  log: ReturnType<typeof recordingLogger>;
  /** Drains the outbox until nothing is ready at the current (fake) time. */
  flush(): Promise<void>;
  /** Moves the clock on minute by minute, ticking and draining each minute. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Builds and starts the world. */
export async function createWorld(opts: WorldOptions = {}): Promise<World> {
  const store = openStore();
  const clock = new FakeClock(Date.parse(opts.start ?? "2026-11-29T11:00:00Z"));
  const log = recordingLogger();
  const engine = createEngine({
    store,
    clock,
    log,
    config: {
      defaultZone: "UTC",
      defaultQuiet: { start: 22 * 60, end: 8 * 60 },
      rateLimit: null,
      ...opts.config,
    },
  });
  const tg = await FakeTelegram.start({ now: () => clock.ms });
  const adapter = await startTelegram({
    token: tg.token,
    engine,
    log,
    // A trailing slash, as a person might configure it: the adapter must strip it.
    apiRoot: `${tg.apiRoot}/`,
    pollingTimeoutSeconds: 1,
    ...opts.adapter,
  });

  // The fake clock moves only in the dispatcher's sleeps; waiting there for deliveries in flight
  // means every call reaches the server (and is stamped) at the instant the dispatcher sent it.
  const inFlight = new Set<Promise<unknown>>();
  const courier: Courier = {
    platform: "telegram",
    deliver(message) {
      const running = adapter.courier.deliver(message);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running)).catch(() => undefined);
      return running;
    },
  };
  const dispatcher = createDispatcher({
    store,
    clock,
    log,
    couriers: [courier],
    ...(opts.limits ? { limits: opts.limits } : {}),
    random: () => 0.5,
    sleep: async (ms) => {
      await Promise.allSettled([...inFlight]);
      clock.ms += ms;
    },
    onGone: (msg) => pauseForGone(store, msg.to, clock.ms),
  });

  async function flush(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await dispatcher.drain();
      const next = await nextReadyAt({ store });
      if (next === null || next > clock.ms) return;
    }
    throw new Error("the outbox never drained");
  }

  async function advance(ms: number): Promise<void> {
    const end = clock.ms + ms;
    for (let t = Math.floor(clock.ms / MINUTE) * MINUTE + MINUTE; t <= end; t += MINUTE) {
      const busy = await nextBusyMinute({ store }, t);
      if (busy === null || busy > end) break;
      t = busy;
      clock.ms = Math.max(clock.ms, t);
      await engine.tick(clock.now());
      await flush();
    }
    clock.ms = Math.max(clock.ms, end);
  }

  let closed = false;
  return {
    store,
    clock,
    engine,
    tg,
    adapter,
    dispatcher,
    log,
    flush,
    advance,
    async close() {
      if (closed) return;
      closed = true;
      // The bot first: with the server gone, its polling would retry forever.
      await adapter.stop();
      await dispatcher.stop();
      await tg.close();
      await closeStore({ store });
    },
  };
}

/** Fails the file's tests on any unhandled promise rejection (a forgotten await, say). */
export function failOnUnhandledRejections(): void {
  const seen: unknown[] = [];
  const record = (reason: unknown) => seen.push(reason);
  beforeAll(() => {
    process.on("unhandledRejection", record);
  });
  afterAll(() => {
    process.off("unhandledRejection", record);
  });
  afterEach(() => {
    expect(seen.splice(0)).toEqual([]);
  });
}

/** Plain text of a bot message (Telegram already parsed the HTML). */
export const textOf = (m: { text?: string; caption?: string } | undefined): string =>
  m?.text ?? m?.caption ?? "";
