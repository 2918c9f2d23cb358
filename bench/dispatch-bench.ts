/**
 * Dispatcher throughput: how fast the real dispatcher drains the outbox into a courier that
 * accepts every message at once, first with no rate limit (the cost of leasing, handing over and
 * marking each row: the ceiling the platforms' limits sit under), then at the configured Telegram
 * limit (30 messages a second), where it must reach at least 99 % of that rate without ever
 * putting more than 30 messages into any one-second window, the count that would draw 429s.
 * Both run on either store: the dispatcher sees only the `Store`.
 */

import { purposesOf } from "../src/dispatch/bundle";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { DEFAULT_LIMITS } from "../src/dispatch/rate-limiter";
import { silentLogger } from "../src/log";
import type { Courier, Recipient, Reply } from "../src/types";
import type { BenchDb } from "./bench-db";

/** Unlimited throughput. */
export interface UnlimitedResult {
  /** Outbox rows marked sent. */
  sent: number;
  /** Messages the courier was handed (fewer than rows: combined check-ins go as one). */
  messages: number;
  ms: number;
  perSecond: number;
  /** Rows still unsent afterwards (should be 0). */
  left: number;
}

/** Throughput against the platform limit. */
export interface RatedResult {
  sent: number;
  configuredPerSecond: number;
  /** (sent − one second's allowance) / (last − first delivery): the steady rate let through. */
  achievedPerSecond: number;
  /** Deliveries beyond the limit in some sliding one-second window: each would be a 429. */
  wouldBe429: number;
  /** The shortest time any 31 consecutive deliveries took (1,000 ms or more means no window held 31). */
  tightestSpanMs: number;
  ms: number;
}

/**
 * Drains everything ready in the outbox (the bursts' prompts) with no rate limit. The clock runs
 * in real time from `at`, an instant after every burst's due minute.
 */
export async function measureUnlimited(bench: BenchDb, at: number): Promise<UnlimitedResult> {
  const started = performance.now();
  const clock = { now: () => new Date(at + (performance.now() - started)) };
  let delivered = 0;
  let messages = 0;
  const courier: Courier = {
    platform: "telegram",
    // A combined message (one person's check-ins due together) carries several rows' purposes.
    deliver: async (m) => {
      messages++;
      delivered += purposesOf(m.purpose).length;
      return "sent";
    },
  };
  const dispatcher = createDispatcher({
    store: bench.store,
    clock,
    log: silentLogger,
    couriers: [courier],
    limits: {},
  });
  const t = performance.now();
  const report = await dispatcher.drain();
  const ms = performance.now() - t;
  if (report.sent !== delivered)
    throw new Error(`courier saw ${delivered}, dispatcher marked ${report.sent}`);
  return {
    sent: report.sent,
    messages,
    ms,
    perSecond: report.sent / (ms / 1000),
    left: await bench.unsent(),
  };
}

/**
 * Queues `n` messages to `n` distinct Telegram groups and drains them at DEFAULT_LIMITS with the
 * real clock, stamping each delivery with performance.now().
 */
export async function measureRated(bench: BenchDb, n: number, tag: string): Promise<RatedResult> {
  const limit = DEFAULT_LIMITS.telegram.perSecond;
  const payload: Reply = { text: [{ t: "text", text: "Benchmark message" }], visibility: "chat" };
  const rows = Array.from({ length: n }, (_, i) => {
    const to: Recipient = { platform: "telegram", chatKind: "group", chatId: `-200${tag}${i}` };
    return {
      purpose: `bench-rate:${tag}:${i}`,
      recipient: JSON.stringify(to),
      payload: JSON.stringify(payload),
    };
  });
  await bench.queue(rows, Date.now());

  const stamps: number[] = [];
  const courier: Courier = {
    platform: "telegram",
    deliver: async () => {
      stamps.push(performance.now());
      return "sent";
    },
  };
  const dispatcher = createDispatcher({
    store: bench.store,
    clock: { now: () => new Date() },
    log: silentLogger,
    couriers: [courier],
    limits: DEFAULT_LIMITS,
  });
  const t = performance.now();
  const report = await dispatcher.drain();
  const ms = performance.now() - t;
  stamps.sort((a, b) => a - b);
  const span = (stamps[stamps.length - 1] ?? 0) - (stamps[0] ?? 0);
  return {
    sent: report.sent,
    configuredPerSecond: limit,
    achievedPerSecond: span > 0 ? (stamps.length - limit) / (span / 1000) : Number.NaN,
    wouldBe429: overLimit(stamps, limit, 1_000),
    tightestSpanMs: tightestSpan(stamps, limit + 1),
    ms,
  };
}

/** Deliveries that found `limit` others already in the sliding window (t − windowMs, t]. */
function overLimit(sorted: number[], limit: number, windowMs: number): number {
  let over = 0;
  let lo = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i] ?? 0;
    while ((sorted[lo] ?? 0) <= t - windowMs) lo++;
    if (i - lo + 1 > limit) over++;
  }
  return over;
}

/** The shortest time between the first and last of any `k` consecutive sorted stamps. */
function tightestSpan(sorted: number[], k: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = k - 1; i < sorted.length; i++)
    best = Math.min(best, (sorted[i] ?? 0) - (sorted[i - k + 1] ?? 0));
  return best;
}
