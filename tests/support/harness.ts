/**
 * A test bot: the real engine over an in-memory database with the real migrations and a
 * fake clock, driven by typed command lines as the console and Telegram send them.
 */
import { parseCommandText } from "../../src/commands/parse";
import { createEngine, type EngineConfig } from "../../src/engine";
import { silentLogger } from "../../src/log";
import { toPlain } from "../../src/richtext";
import type { Actor, ChatRef, Inbound, Recipient, Reply } from "../../src/types";
import { deliverReady, nextBusyMinute, openStore, type Store } from "./inspect";

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const GROUP: ChatRef = { platform: "console", id: "group", kind: "group", title: "group" };
export const dm = (name: string): ChatRef => ({ platform: "console", id: `dm:${name}`, kind: "dm" });
export const actor = (name: string): Actor => ({ platform: "console", id: name, name, username: name });

/**
 * A typed command line as the console and Telegram hand it to the engine, or the parser's
 * one-line refusal. Shared by every test that sends commands as someone.
 */
export function commandInput(text: string, chat: ChatRef, from: Actor): Inbound | { refusal: string } {
  const parsed = parseCommandText(text);
  if (!parsed) throw new Error(`not a command: ${text}`);
  if (!parsed.ok) return { refusal: parsed.error };
  return { type: "command", name: parsed.name, args: parsed.args, mentions: parsed.mentions, chat, from };
}

/**
 * Builds a bot; `start` is an ISO instant. `wrap` puts something between the bot and its store
 * (a test that takes an operation away, or counts them).
 */
export function createBot(
  start = "2026-11-29T11:00:00Z",
  config: Partial<EngineConfig> = {},
  wrap: (store: Store) => Store = (store) => store,
) {
  const store = wrap(openStore());
  const clock = new FakeClock(Date.parse(start));
  const engine = createEngine({
    store,
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: { start: 22 * 60, end: 8 * 60 }, rateLimit: null, ...config },
  });

  /** Sends `text` as `name` (in the group, or their DM) and returns the replies. */
  async function send(name: string, text: string, chat: ChatRef = GROUP): Promise<Reply[]> {
    const input = commandInput(text, chat, actor(name));
    if ("refusal" in input)
      return [{ text: [{ t: "text", text: input.refusal }], visibility: "sender-only" }];
    return engine.handle(input);
  }

  /** Like {@link send}, returning the replies' text joined. */
  async function say(name: string, text: string, chat: ChatRef = GROUP): Promise<string> {
    return (await send(name, text, chat)).map((r) => toPlain(r.text)).join("\n---\n");
  }

  /** Presses the button labelled `label` on `reply`. */
  async function click(name: string, reply: Reply | undefined, label: string, chat: ChatRef = GROUP) {
    const button = reply?.buttons?.flat().find((b) => b.label.toLowerCase() === label.toLowerCase());
    if (!button) throw new Error(`no button ${label}`);
    return engine.handle({ type: "click", action: button.action, chat, from: actor(name) });
  }

  /** Every outbox message ready by now, marked sent, oldest first (a minimal dispatcher). */
  async function deliver(): Promise<{ purpose: string; to: Recipient; message: Reply; text: string }[]> {
    return (await deliverReady({ store }, clock.ms)).map((m) => ({
      purpose: m.purpose,
      to: m.to,
      message: m.message,
      text: toPlain(m.message.text),
    }));
  }

  const delivered: { at: number; purpose: string; to: Recipient; message: Reply; text: string }[] = [];

  /**
   * Moves the clock on minute by minute, ticking and delivering each minute as the console
   * does, and returns what was delivered on the way.
   */
  async function advance(ms: number) {
    const start = delivered.length;
    const end = clock.ms + ms;
    let t = Math.floor(clock.ms / 60_000) * 60_000 + 60_000;
    for (; t <= end; t += 60_000) {
      // Minutes in which nothing is due would tick for nothing: go to the first that has work.
      const busy = await nextBusyMinute({ store }, t);
      if (busy === null || busy > end) break;
      t = busy;
      clock.ms = t;
      await engine.tick(clock.now());
      for (const d of await deliver()) delivered.push({ at: t, ...d });
    }
    clock.ms = end;
    return delivered.slice(start);
  }

  /** The newest delivered message with a button labelled `label`. */
  function lastWith(label: string): Reply | undefined {
    for (let i = delivered.length - 1; i >= 0; i--) {
      const m = delivered[i]?.message;
      if (m?.buttons?.flat().some((b) => b.label.toLowerCase() === label.toLowerCase())) return m;
    }
    return undefined;
  }

  return { store, clock, engine, send, say, click, deliver, advance, delivered, lastWith };
}

/** Plain text of replies. */
export const plain = (replies: Reply[]): string => replies.map((r) => toPlain(r.text)).join("\n---\n");
