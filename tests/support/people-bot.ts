/**
 * A test bot for privacy tests: the real engine on a real database FILE (or in memory), with
 * people whose platform id, display name and username all differ, Telegram-style (a private
 * chat's id is the person's id), so a test can look for each of them separately.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCommandText } from "../../src/commands/parse";
import { createEngine } from "../../src/engine";
import { silentLogger } from "../../src/log";
import { toPlain } from "../../src/richtext";
import type { Actor, ChatRef, Reply } from "../../src/types";
import { FakeClock } from "./harness";
import { deliverReady, openStore } from "./inspect";

/** Someone with three distinct identifiers. */
export const person = (id: string, name: string, username: string): Actor => ({
  platform: "telegram",
  id,
  name,
  username,
});

export const GROUP: ChatRef = { platform: "telegram", id: "-100200300400", kind: "group", title: "Friends" };
/** A person's private chat with the bot (on Telegram its id is theirs). */
export const dmOf = (who: Actor): ChatRef => ({ platform: "telegram", id: who.id, kind: "dm" });

/** Builds a bot over `path` (":memory:" by default); `start` is an ISO instant. */
export function createPeopleBot(opts: { path?: string; start: string; autoCheckpoint?: boolean }) {
  const store = openStore(opts.path, { autoCheckpoint: opts.autoCheckpoint ?? true });
  const clock = new FakeClock(Date.parse(opts.start));
  const engine = createEngine({
    store,
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: { start: 22 * 60, end: 8 * 60 }, rateLimit: null },
  });
  const delivered: { purpose: string; message: Reply; text: string }[] = [];

  /** Sends a typed command as `who`. */
  async function send(who: Actor, text: string, chat: ChatRef = GROUP): Promise<Reply[]> {
    const parsed = parseCommandText(text);
    if (!parsed?.ok) throw new Error(`bad command in test: ${text}`);
    const { name, args, mentions } = parsed;
    return engine.handle({ type: "command", name, args, mentions, chat, from: who });
  }

  /** Presses the button labelled `label` on `reply` as `who`. */
  async function click(who: Actor, reply: Reply | undefined, label: string, chat: ChatRef = GROUP) {
    const button = reply?.buttons?.flat().find((b) => b.label.toLowerCase() === label.toLowerCase());
    if (!button) throw new Error(`no button ${label}`);
    return engine.handle({ type: "click", action: button.action, chat, from: who });
  }

  /** Marks every ready outbox message sent, as a dispatcher would. */
  async function deliver() {
    const out = (await deliverReady({ store }, clock.ms)).map((m) => ({
      purpose: m.purpose,
      message: m.message,
      text: toPlain(m.message.text),
    }));
    delivered.push(...out);
    return out;
  }

  /** Moves the clock on in steps of `stepMs`, ticking and delivering at each (unless `hold`). */
  async function advance(ms: number, stepMs = 15 * 60_000, hold = false) {
    const end = clock.ms + ms;
    while (clock.ms < end) {
      clock.ms = Math.min(end, clock.ms + stepMs);
      await engine.tick(clock.now());
      if (!hold) await deliver();
    }
  }

  /** The newest delivered message whose purpose starts with `kind:` and has a button `label`. */
  function lastDelivered(kind: string, label?: string): Reply | undefined {
    for (let i = delivered.length - 1; i >= 0; i--) {
      const d = delivered[i];
      const labels = d?.message.buttons?.flat().map((b) => b.label.toLowerCase()) ?? [];
      if (d?.purpose.startsWith(`${kind}:`) && (!label || labels.includes(label.toLowerCase())))
        return d.message;
    }
    return undefined;
  }

  return { store, clock, engine, send, click, deliver, advance, delivered, lastDelivered };
}

export type PeopleBot = ReturnType<typeof createPeopleBot>;

/** A fresh temp directory, with a remover. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "amends-forget-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How often each string occurs in a file's raw bytes, as UTF-8 and as UTF-16LE (0 when absent). */
export function occurrences(path: string, needles: string[]): Record<string, number> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return Object.fromEntries(needles.map((n) => [n, 0]));
  }
  const count = (needle: Buffer) => {
    let n = 0;
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) n++;
    return n;
  };
  return Object.fromEntries(
    needles.map((s) => [s, count(Buffer.from(s, "utf8")) + count(Buffer.from(s, "utf16le"))]),
  );
}
