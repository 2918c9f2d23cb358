/**
 * A small, bounded, expiring map for the few things Telegram makes the adapter remember between
 * updates: a guided command waiting for its next answer, or an "Add a note" waiting for the
 * note. One entry per chat and person; nothing here is per commitment, and nothing survives a
 * restart (a person whose question expired simply sends the command again).
 */

/** What every entry carries: when it stops counting. */
export interface Expiring {
  expiresAt: number;
}

/** The key of one person in one chat. */
export const pendingKey = (chatId: number | string, userId: number | string): string => `${chatId}:${userId}`;

/** A map with a size cap and a time to live; the oldest entries go first when it is full. */
export class PendingStore<T extends Expiring> {
  readonly #entries = new Map<string, T>();

  constructor(private readonly opts: { max: number; now: () => number }) {}

  /** The live entry under `key`; an expired one is dropped and reads as absent. */
  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.opts.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Stores `value`, replacing any entry for the same key, and keeps the map within its cap. */
  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size <= this.opts.max) return;
    const now = this.opts.now();
    for (const [k, v] of this.#entries) if (v.expiresAt <= now) this.#entries.delete(k);
    // Map keeps insertion order, so the first keys are the oldest questions.
    for (const k of this.#entries.keys()) {
      if (this.#entries.size <= this.opts.max) break;
      this.#entries.delete(k);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Entries held, live or not yet swept. */
  get size(): number {
    return this.#entries.size;
  }
}
