/**
 * What the benchmark does to a database behind the engine's back: make chosen commitments due,
 * count what a burst wrote, queue messages for the dispatcher. The engine and the dispatcher only
 * ever see the {@link Store}; these raw statements set the stage and check the result, the same
 * on SQLite (better-sqlite3, synchronous) and on PostgreSQL (postgres.js, see ./pg.ts).
 */
import type Database from "better-sqlite3";
import type { Dialect, Store } from "../src/store/port";
import type { OpenDb } from "../src/store/sqlite/db";
import { createSqliteStore } from "../src/store/sqlite/store";

const MINUTE = 60_000;

/** Among a burst's commitments: check-ins pending in its minute, their prompt rows, due times moved past it. */
export interface BurstCounts {
  checkIns: number;
  prompts: number;
  advanced: number;
}

/** A message queued straight into the outbox, as the rated dispatch measurement needs them. */
export interface QueuedRow {
  purpose: string;
  /** JSON of a `Recipient`. */
  recipient: string;
  /** JSON of a `Reply`. */
  payload: string;
}

/** A seeded database as the benchmark drives it: the store for the engine, raw SQL for the stage. */
export interface BenchDb {
  readonly dialect: Dialect;
  /** Human name of the column the figures go in. */
  readonly label: string;
  readonly store: Store;
  /** Makes `ids` due within `minute`, spread over its seconds. */
  makeDue(ids: readonly number[], minute: number): Promise<void>;
  /** Counts what the tick that opened `ids` (due in `minute`) wrote. */
  verifyBurst(ids: readonly number[], minute: number): Promise<BurstCounts>;
  /** Moves every commitment with an id above `afterId` (those `/commit` made) to be due at `at`. */
  moveOut(afterId: number, at: number): Promise<void>;
  /** Inserts ready outbox rows (not_before 0) created at `now`. */
  queue(rows: readonly QueuedRow[], now: number): Promise<void>;
  /** Outbox rows neither sent nor failed. */
  unsent(): Promise<number>;
}

/** The due instant a burst gives its `k`-th commitment: both stores spread a burst alike. */
export const dueInMinute = (minute: number, k: number): number => minute + (k % 60) * 1_000;

/** Makes `ids` due within `minute`, spread over its seconds (SQLite, synchronously). */
export function makeDue(client: Database.Database, ids: readonly number[], minute: number): void {
  const set = client.prepare("UPDATE commitments SET next_due_at = ? WHERE id = ?");
  client.transaction(() => {
    ids.forEach((id, k) => {
      set.run(dueInMinute(minute, k), id);
    });
  })();
}

/** The benchmark's view of an open SQLite database; `store` wraps the same connection. */
export function sqliteBench(db: OpenDb, store: Store = createSqliteStore(db)): BenchDb {
  const client = db.$client;
  return {
    dialect: "sqlite",
    label: "SQLite",
    store,
    makeDue: async (ids, minute) => makeDue(client, ids, minute),
    verifyBurst: async (ids, minute) => {
      const idList = ids.join(",");
      const checkIns = client
        .prepare(
          `SELECT count(*) FROM check_ins
           WHERE commitment_id IN (${idList}) AND state = 'pending' AND due_at >= ? AND due_at < ?`,
        )
        .pluck()
        .get(minute, minute + MINUTE) as number;
      const prompts = client
        .prepare(
          `SELECT count(*) FROM outbox o JOIN check_ins k ON o.purpose = 'prompt:' || k.id
           WHERE k.commitment_id IN (${idList}) AND k.due_at >= ? AND k.due_at < ?`,
        )
        .pluck()
        .get(minute, minute + MINUTE) as number;
      const advanced = client
        .prepare(`SELECT count(*) FROM commitments WHERE id IN (${idList}) AND next_due_at >= ?`)
        .pluck()
        .get(minute + MINUTE) as number;
      return { checkIns, prompts, advanced };
    },
    moveOut: async (afterId, at) => {
      client.prepare("UPDATE commitments SET next_due_at = ? WHERE id > ?").run(at, afterId);
    },
    queue: async (rows, now) => {
      const insert = client.prepare(
        `INSERT INTO outbox (purpose, platform, recipient, payload, not_before, created_at)
         VALUES (?, 'telegram', ?, ?, 0, ?)`,
      );
      client.transaction(() => {
        for (const r of rows) insert.run(r.purpose, r.recipient, r.payload, now);
      })();
    },
    unsent: async () =>
      client
        .prepare("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
        .pluck()
        .get() as number,
  };
}
