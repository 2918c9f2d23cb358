/**
 * A test bot for the rhythm of check-in messages: the harness's engine with the real dispatcher
 * (which combines bundled rows), and a courier that records every delivery, or refuses the
 * direct messages of the people listed in `refuseDmsOf`.
 */
import { createDispatcher } from "../../src/dispatch/dispatcher";
import type { EngineConfig } from "../../src/engine";
import { silentLogger } from "../../src/log";
import { toPlain } from "../../src/richtext";
import type { Store } from "../../src/store/port";
import type { Courier, OutboundMessage, Recipient, Reply } from "../../src/types";
import { createBot } from "./harness";

/** One delivery the courier made. */
export interface Received {
  at: number;
  /** The outbox purpose, or several joined by "+" for a combined message. */
  purpose: string;
  to: Recipient;
  message: Reply;
  text: string;
  /** The group, or the name of the person whose direct chat it reached. */
  reader: string;
  labels: string[];
}

/** Builds the bot; `start` is an ISO instant. */
export function rhythmBot(
  start = "2026-11-29T11:00:00Z",
  config: Partial<EngineConfig> = {},
  wrap?: (store: Store) => Store,
) {
  const bot = createBot(start, config, wrap);
  const received: Received[] = [];
  const refuseDmsOf = new Set<string>();
  const courier: Courier = {
    platform: "console",
    async deliver(m: OutboundMessage) {
      if (m.to.chatKind === "dm" && refuseDmsOf.has(m.to.personId ?? "")) return "dm-refused";
      received.push({
        at: bot.clock.ms,
        purpose: m.purpose,
        to: m.to,
        message: m.message,
        text: toPlain(m.message.text),
        reader: m.to.chatKind === "group" ? "group" : (m.to.personId ?? "?"),
        labels: m.message.buttons?.flat().map((b) => b.label) ?? [],
      });
      return "sent";
    },
  };
  const dispatcher = createDispatcher({
    store: bot.store,
    clock: bot.clock,
    log: silentLogger,
    couriers: [courier],
    limits: {},
  });

  /** Moves the clock to `ms`, ticks once and drains; returns what was delivered. */
  async function jump(ms: number): Promise<Received[]> {
    const from = received.length;
    bot.clock.ms = ms;
    await bot.engine.tick(bot.clock.now());
    await dispatcher.drain();
    return received.slice(from);
  }

  /** Ticks and drains every `stepMs` until `until`; returns what was delivered on the way. */
  async function run(until: number, stepMs = 60 * 60_000): Promise<Received[]> {
    const from = received.length;
    for (let t = bot.clock.ms + stepMs; t <= until; t += stepMs) await jump(t);
    if (bot.clock.ms < until) await jump(until);
    return received.slice(from);
  }

  /** Sends a command and drains what it queued. */
  async function sayAndDrain(...args: Parameters<typeof bot.say>): Promise<string> {
    const text = await bot.say(...args);
    await dispatcher.drain();
    return text;
  }

  /** The newest delivery with a button labelled `label`. */
  function lastSeenWith(label: string): Received | undefined {
    for (let i = received.length - 1; i >= 0; i--) {
      const r = received[i];
      if (r?.labels.some((l) => l.toLowerCase() === label.toLowerCase())) return r;
    }
    return undefined;
  }

  return { ...bot, dispatcher, received, refuseDmsOf, jump, run, sayAndDrain, lastSeenWith };
}

export type RhythmBot = ReturnType<typeof rhythmBot>;

/** The sentences of a text before its buttons, as a reader counts them. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.?!])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
