/**
 * Amends on the fake Discord: the real engine over an in-memory database and a fake clock, the
 * real Discord adapter (discord.js against {@link FakeDiscord}), and a real dispatcher with the
 * adapter's courier. Tests move the clock; each minute runs a tick and drains the outbox.
 */

import { afterEach, beforeEach, expect } from "vitest";
import {
  type DiscordAdapter,
  type DiscordHttp,
  startDiscord,
  startDiscordHttp,
} from "../../../adapters/discord";
import { createDispatcher, type Dispatcher } from "../../../src/dispatch/dispatcher";
import type { PlatformLimits } from "../../../src/dispatch/rate-limiter";
import { createEngine, type EngineConfig } from "../../../src/engine";
import { pauseForGone } from "../../../src/engine/gone";
import { silentLogger } from "../../../src/log";
import type { Engine } from "../../../src/types";
import { FakeClock } from "../harness";
import { nextBusyMinute, openStore, type Store } from "../inspect";
import {
  type FakeChannel,
  FakeDiscord,
  type FakeInteraction,
  type FakeMessage,
  type FakeUser,
  type OptionValue,
} from "./server";
import { InteractionSigner } from "./signer";

/** Generous limits: these tests are about Discord's answers, not the dispatcher's own pacing. */
export const OPEN_LIMITS: PlatformLimits = {
  perSecond: 100_000,
  group: { count: 100_000, perMs: 1_000 },
  dm: { count: 100_000, perMs: 1_000 },
};

export interface DiscordBotOptions {
  start?: string;
  /** Reuse a running fake (a second start against the same Discord). */
  fake?: FakeDiscord;
  /** Reuse a database (a second start on the same data). */
  store?: Store;
  /** Wraps the engine, e.g. to slow it down or add `settles`. */
  wrap?: (engine: Engine) => Engine;
  deferAfterMs?: number;
  limits?: PlatformLimits;
  engineConfig?: Partial<EngineConfig>;
  /** Log in with this token instead of the fake's. */
  token?: string;
  /** Register commands to the guild (the default) or globally. */
  scope?: "guild" | "global";
  /** The gateway (the default), or the HTTP interactions endpoint the fake POSTs signed interactions to. */
  mode?: DiscordMode;
}

/** How the bot hears of interactions. */
export type DiscordMode = "gateway" | "http";

/** What one interaction led to: its callback, and every message it created or changed. */
export interface Answer {
  interaction: FakeInteraction;
  /** Messages created for this interaction (reply, deferred original, follow-ups), in order. */
  messages: FakeMessage[];
  /** The first callback's type. */
  type: number;
}

/** Starts a bot on a fake Discord. Call `stop()` (or use {@link useDiscordBots}) afterwards. */
export async function createDiscordBot(opts: DiscordBotOptions = {}) {
  const fake = opts.fake ?? (await FakeDiscord.start());
  const store = opts.store ?? openStore();
  const clock = new FakeClock(Date.parse(opts.start ?? "2026-11-29T11:00:00Z"));
  const core = createEngine({
    store,
    clock,
    log: silentLogger,
    config: {
      defaultZone: "UTC",
      defaultQuiet: { start: 22 * 60, end: 8 * 60 },
      rateLimit: null,
      ...opts.engineConfig,
    },
  });
  const engine = opts.wrap ? opts.wrap(core) : core;
  let handledCount = 0;
  const common = {
    token: opts.token ?? fake.token,
    engine,
    store,
    clock,
    log: silentLogger,
    apiBase: fake.apiBase,
    ...(opts.scope === "global" ? {} : { guildId: fake.guild.id }),
    ...(opts.deferAfterMs !== undefined ? { deferAfterMs: opts.deferAfterMs } : {}),
    afterHandle: () => {
      handledCount += 1;
    },
  };
  /** HTTP mode: the key the fake signs with, and the endpoint's address. */
  let endpoint: { signer: InteractionSigner; url: string } | undefined;
  let adapter: DiscordAdapter | DiscordHttp;
  if (opts.mode === "http") {
    const signer = new InteractionSigner();
    const http = await startDiscordHttp({
      ...common,
      publicKey: signer.publicKeyHex,
      port: 0,
      host: "127.0.0.1",
    });
    endpoint = { signer, url: `http://127.0.0.1:${http.port}/interactions` };
    fake.useEndpoint(endpoint.url, signer);
    adapter = http;
  } else adapter = await startDiscord(common);
  const dispatcher: Dispatcher = createDispatcher({
    store,
    clock,
    log: silentLogger,
    couriers: [adapter.courier],
    limits: { discord: opts.limits ?? OPEN_LIMITS },
    onGone: (msg) => pauseForGone(store, msg.to, clock.now().getTime()),
  });

  /** Waits for the interaction's callback and for the adapter to finish answering it. */
  async function settle(interaction: FakeInteraction): Promise<Answer> {
    const callback = await fake.answered(interaction);
    await adapter.idle();
    const messages = fake.messages.filter((m) => m.interactionId === interaction.id);
    return { interaction, messages, type: callback.type };
  }

  /** `/name options` as `who` (in the guild's general channel unless `where` says otherwise). */
  async function slash(
    who: FakeUser,
    name: string,
    options: Record<string, OptionValue> = {},
    where: FakeChannel = fake.general,
  ): Promise<Answer> {
    return settle(fake.slash(who, where, name, options));
  }

  /** `who` presses `label` on `message`. */
  async function click(who: FakeUser, message: FakeMessage, label: string): Promise<Answer> {
    return settle(fake.click(who, message, label));
  }

  /** The fake-clock instant each courier message was posted at. */
  const postedAt = new Map<FakeMessage, number>();

  /** Moves the clock minute by minute; each minute ticks and drains. Returns the messages posted. */
  async function advance(ms: number): Promise<FakeMessage[]> {
    const before = fake.messages.length;
    const end = clock.ms + ms;
    for (let t = Math.floor(clock.ms / 60_000) * 60_000 + 60_000; t <= end; t += 60_000) {
      const busy = await nextBusyMinute({ store }, t);
      if (busy === null || busy > end) break;
      t = busy;
      clock.ms = t;
      const seenBefore = fake.messages.length;
      await engine.tick(clock.now());
      await dispatcher.drain();
      for (const m of fake.messages.slice(seenBefore)) postedAt.set(m, t);
    }
    clock.ms = end;
    return fake.messages.slice(before).filter((m) => m.source === "rest");
  }

  /** Drains the outbox now; returns the messages it posted. */
  async function drain(): Promise<FakeMessage[]> {
    const before = fake.messages.length;
    await dispatcher.drain();
    return fake.messages.slice(before).filter((m) => m.source === "rest");
  }

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    await dispatcher.stop();
    await adapter.stop();
    if (!opts.fake) await fake.close();
  }

  /** When (fake clock, ISO) `advance` posted a message. */
  const when = (m: FakeMessage | undefined): string | undefined => {
    const at = m && postedAt.get(m);
    return at === undefined ? undefined : new Date(at).toISOString();
  };

  /** How often the adapter reported a handled command or click (where the root pokes the dispatcher). */
  const handled = (): number => handledCount;

  return {
    fake,
    endpoint,
    store,
    clock,
    engine,
    adapter,
    dispatcher,
    slash,
    click,
    settle,
    advance,
    drain,
    when,
    handled,
    stop,
  };
}

/** A running test bot. */
export type DiscordBot = Awaited<ReturnType<typeof createDiscordBot>>;

/** The text a person sees in an answer: every message's content, joined by blank lines. */
export function seen(answer: Answer): string {
  return answer.messages.map((m) => m.message.content).join("\n\n");
}

/**
 * Fails the running test on any unhandled rejection or uncaught exception: discord.js runs a lot
 * in the background, where a failure would otherwise go unnoticed. Call inside a `describe`.
 */
export function failOnUnhandled(): void {
  const failures: unknown[] = [];
  const onFailure = (error: unknown): void => {
    failures.push(error);
  };
  beforeEach(() => {
    failures.length = 0;
    process.on("unhandledRejection", onFailure);
    process.on("uncaughtException", onFailure);
  });
  afterEach(() => {
    process.off("unhandledRejection", onFailure);
    process.off("uncaughtException", onFailure);
    expect(failures, "unhandled rejections or exceptions").toEqual([]);
  });
}

/**
 * Starts bots for the tests of a `describe` and stops them after each test, checking that the
 * fake Discord refused no request the test did not force, and that nothing went unhandled.
 */
export function useDiscordBots(): { start(opts?: DiscordBotOptions): Promise<DiscordBot> } {
  const running: DiscordBot[] = [];
  // Registered first, so (hooks unwinding as a stack) it checks after the bots have stopped.
  failOnUnhandled();
  afterEach(async () => {
    const bots = running.splice(0);
    // Every request the adapter made was one Discord accepts, unless a test forced an error.
    const refusals = bots.flatMap((bot) => bot.fake.refusals());
    for (const bot of bots) await bot.stop();
    expect(refusals, "requests the fake Discord refused").toEqual([]);
  });
  return {
    async start(opts) {
      const bot = await createDiscordBot(opts);
      running.push(bot);
      return bot;
    },
  };
}
