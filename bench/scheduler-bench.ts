/**
 * End-to-end prompt delay with the real scheduler: `startScheduler` (node-cron ticking every
 * 5 s, the dispatcher in its own loop) on the seeded database, in real time, delivering to a
 * courier that accepts at once under the Telegram limits. A few commitments fall due at uneven
 * instants over about 15 s; each prompt's delay is its delivery time minus its due time. With
 * 5-second ticks the design allows up to one interval plus the tick and the send, so the target
 * is 5 s when no rate limit holds a prompt back.
 */

import { startScheduler } from "../adapters/scheduler";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { DEFAULT_LIMITS } from "../src/dispatch/rate-limiter";
import { silentLogger } from "../src/log";
import type { OpenDb } from "../src/store/sqlite/db";
import { createSqliteStore } from "../src/store/sqlite/store";
import type { Courier } from "../src/types";
import { buildEngine } from "./engine-bench";
import type { Seeded } from "./seed";
import { max, median } from "./stats";

/** Delays from due time to delivery. */
export interface SchedulerResult {
  due: number;
  delivered: number;
  medianMs: number;
  maxMs: number;
  /** Every delay, in due order. */
  delaysMs: number[];
}

/**
 * Delivery instants on the clock the due times are set by (Date.now, as the scheduler's clock):
 * performance.timeOrigin + performance.now() drifts from it, by seconds over a run of several
 * minutes on a busy virtual machine, which read as prompts delivered seconds before they were due.
 */
const wallNow = (): number => Date.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the real scheduler while `offsetsMs.length` commitments fall due `offsetsMs` from now. */
export async function measureScheduler(
  db: OpenDb,
  seeded: Seeded,
  offsetsMs: number[] = [1_300, 3_700, 6_100, 8_900, 11_400, 14_200],
): Promise<SchedulerResult> {
  const client = db.$client;
  const clock = { now: () => new Date() };
  const deliveredAt = new Map<string, number>();
  const courier: Courier = {
    platform: "telegram",
    deliver: async (m) => {
      deliveredAt.set(m.purpose, wallNow());
      return "sent";
    },
  };
  const store = createSqliteStore(db);
  const engine = buildEngine(store, clock);
  const dispatcher = createDispatcher({
    store,
    clock,
    log: silentLogger,
    couriers: [courier],
    limits: DEFAULT_LIMITS,
  });

  // Seeded commitments from the end of the table, one per owner, preferably without an open
  // check-in (at the smallest --quick size the two bursts opened one on every commitment).
  const ids = client
    .prepare(
      `SELECT id FROM commitments c WHERE id <= ? AND id % 10 = 3
       ORDER BY EXISTS (SELECT 1 FROM check_ins k WHERE k.commitment_id = c.id AND k.state = 'pending'),
         id DESC
       LIMIT ?`,
    )
    .pluck()
    .all(seeded.commitments, offsetsMs.length) as number[];
  if (ids.length < offsetsMs.length) throw new Error("not enough commitments for the scheduler run");
  const base = Date.now();
  const set = client.prepare("UPDATE commitments SET next_due_at = ?, state = 'active' WHERE id = ?");
  const dueAt = new Map<number, number>();
  offsetsMs.forEach((offset, k) => {
    const id = ids[k] ?? 0;
    dueAt.set(id, base + offset);
    set.run(base + offset, id);
  });

  const scheduler = startScheduler({ engine, dispatcher, clock, log: silentLogger, intervalSeconds: 5 });
  const deadline = base + Math.max(...offsetsMs) + 15_000;
  const promptsOf = client.prepare(
    `SELECT commitment_id AS id, 'prompt:' || k.id AS purpose FROM check_ins k
     WHERE k.due_at >= ? AND k.commitment_id IN (${ids.join(",")})`,
  );
  let delays: { due: number; ms: number }[] = [];
  try {
    for (;;) {
      await sleep(250);
      const rows = promptsOf.all(base) as { id: number; purpose: string }[];
      delays = rows.flatMap((r) => {
        const at = deliveredAt.get(r.purpose);
        const due = dueAt.get(r.id);
        return at === undefined || due === undefined ? [] : [{ due, ms: at - due }];
      });
      if (delays.length === offsetsMs.length || Date.now() > deadline) break;
    }
  } finally {
    await scheduler.stop();
  }
  delays.sort((a, b) => a.due - b.due);
  const ms = delays.map((d) => d.ms);
  return {
    due: offsetsMs.length,
    delivered: delays.length,
    medianMs: median(ms),
    maxMs: ms.length === offsetsMs.length ? max(ms) : Number.POSITIVE_INFINITY,
    delaysMs: ms,
  };
}
