/**
 * Per-platform send limits, computed against instants the caller passes in. There are no
 * timers in here, so the dispatcher, the tests and the console's virtual clock all drive it
 * with their own notion of now.
 */
import type { Platform } from "../types";

/** At most `count` sends in any `perMs` window, e.g. 20 per 60_000. */
export interface ChatLimit {
  count: number;
  perMs: number;
}

/** The limits of one platform: overall per second, and per group chat or direct message. */
export interface PlatformLimits {
  perSecond: number;
  group: ChatLimit;
  dm: ChatLimit;
}

/**
 * The platforms' published limits. Telegram: about 30 messages a second overall, one a second
 * to one private chat, 20 a minute to one group. Discord: 50 requests a second globally and
 * 5 per 5 s per channel.
 */
export const DEFAULT_LIMITS: { telegram: PlatformLimits; discord: PlatformLimits } = {
  telegram: { perSecond: 30, dm: { count: 1, perMs: 1_000 }, group: { count: 20, perMs: 60_000 } },
  discord: { perSecond: 50, group: { count: 5, perMs: 5_000 }, dm: { count: 5, perMs: 5_000 } },
};

/** Below this many chat buckets a platform never sweeps; above it, sweeps at most double the map. */
const MIN_SWEEP_SIZE = 1_024;
/** Idle buckets are also swept on a timer, so a past burst does not pin memory forever. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A bucket whose tokens come back exactly `perMs` after each was spent: it keeps the instants
 * of the last `count` sends in a ring. Unlike a refill-rate bucket, this never lets more than
 * `count` sends into any window of `perMs` (a refill bucket allows a full burst plus the refill),
 * which is how the platforms count and what keeps a burst free of 429s.
 */
/** Safety margin added to every window (0.5 % of a one-second window). */
export const WINDOW_MARGIN_MS = 5;

class Window {
  private readonly times: number[] = [];
  /** Index of the oldest send once the ring is full. */
  private head = 0;
  /**
   * The window plus a small margin: times are whole milliseconds read a moment before the
   * hand-over, and the platform counts on its own clock, so a window kept to the exact
   * millisecond lets the odd 31st message into a platform's second.
   */
  private readonly spanMs: number;

  constructor(private readonly limit: ChatLimit) {
    this.spanMs = limit.perMs + WINDOW_MARGIN_MS;
  }

  /** Milliseconds until one more send fits; 0 when it fits now. */
  wait(now: number): number {
    if (this.times.length < this.limit.count) return 0;
    const oldest = this.times[this.head] ?? Number.NEGATIVE_INFINITY;
    return Math.max(0, oldest + this.spanMs - now);
  }

  take(now: number): void {
    if (this.times.length < this.limit.count) {
      this.times.push(now);
      return;
    }
    this.times[this.head] = now;
    this.head = (this.head + 1) % this.limit.count;
  }

  /**
   * The send reserved at `reservedAt` was answered at `doneAt`: the platform counted it at some
   * moment in between, so its slot comes back a window after `doneAt`, not after `reservedAt`.
   * Without this, requests held up on their way (a busy event loop, a slow connection) arrive
   * bunched, and the platform counts more in one of its windows than were reserved in ours.
   */
  settle(reservedAt: number, doneAt: number): void {
    const n = this.times.length;
    // Sends reserved at the same instant are interchangeable: the oldest of them, the first to
    // come round as the one a window must have passed since, takes the later time.
    for (let k = 0; k < n; k++) {
      const i = n < this.limit.count ? k : (this.head + k) % n;
      if (this.times[i] === reservedAt) {
        this.times[i] = Math.max(reservedAt, doneAt);
        return;
      }
    }
  }

  /** True when no past send still constrains the future: the bucket can be forgotten. */
  idle(now: number): boolean {
    const n = this.times.length;
    if (n === 0) return true;
    const newest = this.times[n < this.limit.count ? n - 1 : (this.head + n - 1) % n] ?? 0;
    return newest + this.spanMs <= now;
  }
}

interface PlatformState {
  limits: PlatformLimits | undefined;
  global: Window | undefined;
  /** Keyed by `kind:chatKey`, since a group id and a person id may look alike. */
  chats: Map<string, Window>;
  pausedUntil: number;
  chatPauses: Map<string, number>;
  sweepAtSize: number;
  lastSweep: number;
}

/**
 * Token-bucket limits per platform: one bucket for the platform as a whole and one per chat.
 *
 * Per-chat buckets are created on first use and swept once idle, so memory follows the chats
 * written to within the longest window (a minute), not every chat ever seen.
 */
export class RateLimiter {
  private readonly platforms = new Map<Platform, PlatformState>();

  /** A platform without limits (the console) is unlimited, though a {@link pause} still holds it. */
  constructor(private readonly limits: Partial<Record<Platform, PlatformLimits>>) {
    for (const [platform, l] of Object.entries(limits)) {
      if (!l) continue;
      for (const [name, ok] of [
        ["perSecond", l.perSecond >= 1],
        ["group", l.group.count >= 1 && l.group.perMs >= 0],
        ["dm", l.dm.count >= 1 && l.dm.perMs >= 0],
      ] as const) {
        if (!ok) throw new RangeError(`invalid ${name} limit for ${platform}`);
      }
    }
  }

  /**
   * Milliseconds to wait before a message to (platform, chatKey, kind) may go. 0 means go now,
   * and the send is counted; any other answer counts nothing, so asking again is free.
   */
  reserve(platform: Platform, chatKey: string, kind: "group" | "dm", now: number): number {
    const p = this.state(platform);
    const key = `${kind}:${chatKey}`;
    let wait = Math.max(0, p.pausedUntil - now);
    const chatPause = p.chatPauses.get(key);
    if (chatPause !== undefined) {
      if (chatPause <= now) p.chatPauses.delete(key);
      else wait = Math.max(wait, chatPause - now);
    }
    if (!p.limits || !p.global) return wait;

    let chat = p.chats.get(key);
    wait = Math.max(wait, p.global.wait(now), chat?.wait(now) ?? 0);
    if (wait > 0) return wait;

    if (!chat) {
      this.maybeSweep(p, now);
      chat = new Window(kind === "dm" ? p.limits.dm : p.limits.group);
      p.chats.set(key, chat);
    }
    chat.take(now);
    p.global.take(now);
    return 0;
  }

  /**
   * Counts a send made at `at` by someone else (another process that sent for the fleet before
   * this one), so that this limiter's windows start full where theirs were. Call in time order.
   */
  record(platform: Platform, chatKey: string, kind: "group" | "dm", at: number): void {
    const p = this.state(platform);
    if (!p.limits || !p.global) return;
    const key = `${kind}:${chatKey}`;
    let chat = p.chats.get(key);
    if (!chat) {
      chat = new Window(kind === "dm" ? p.limits.dm : p.limits.group);
      p.chats.set(key, chat);
    }
    chat.take(at);
    p.global.take(at);
  }

  /**
   * A send {@link reserve}d at `reservedAt` was answered at `doneAt`: its slots, overall and in
   * its chat, count from `doneAt`, so what the platform receives never bunches past the limits.
   */
  settle(
    platform: Platform,
    chatKey: string,
    kind: "group" | "dm",
    reservedAt: number,
    doneAt: number,
  ): void {
    const p = this.platforms.get(platform);
    if (!p?.global) return;
    p.global.settle(reservedAt, doneAt);
    p.chats.get(`${kind}:${chatKey}`)?.settle(reservedAt, doneAt);
  }

  /** After a 429: nothing more goes to that platform (or that chat, if chatKey given) until now + ms. */
  pause(platform: Platform, now: number, ms: number, chatKey?: string): void {
    const p = this.state(platform);
    const until = now + Math.max(0, ms);
    if (chatKey === undefined) {
      p.pausedUntil = Math.max(p.pausedUntil, until);
      return;
    }
    // A pause names the chat, not its kind: hold both keys it could be reserved under.
    for (const key of [`group:${chatKey}`, `dm:${chatKey}`]) {
      p.chatPauses.set(key, Math.max(p.chatPauses.get(key) ?? 0, until));
    }
    if (p.chatPauses.size >= MIN_SWEEP_SIZE) {
      for (const [key, t] of p.chatPauses) if (t <= now) p.chatPauses.delete(key);
    }
  }

  /** How many per-chat buckets and chat pauses are held, for tests and metrics. */
  trackedChats(platform: Platform): number {
    const p = this.platforms.get(platform);
    return p ? p.chats.size + p.chatPauses.size : 0;
  }

  private state(platform: Platform): PlatformState {
    let p = this.platforms.get(platform);
    if (!p) {
      const limits = this.limits[platform];
      p = {
        limits,
        global: limits ? new Window({ count: limits.perSecond, perMs: 1_000 }) : undefined,
        chats: new Map(),
        pausedUntil: Number.NEGATIVE_INFINITY,
        chatPauses: new Map(),
        sweepAtSize: MIN_SWEEP_SIZE,
        lastSweep: Number.NEGATIVE_INFINITY,
      };
      this.platforms.set(platform, p);
    }
    return p;
  }

  /**
   * Drops idle buckets when the map has doubled since the last sweep, or a minute has passed:
   * each sweep is O(size), paid for by the inserts (or the time) since the previous one.
   */
  private maybeSweep(p: PlatformState, now: number): void {
    if (p.chats.size < p.sweepAtSize && now - p.lastSweep < SWEEP_EVERY_MS) return;
    for (const [key, w] of p.chats) if (w.idle(now)) p.chats.delete(key);
    for (const [key, t] of p.chatPauses) if (t <= now) p.chatPauses.delete(key);
    p.sweepAtSize = Math.max(MIN_SWEEP_SIZE, 2 * p.chats.size);
    p.lastSweep = now;
  }
}
