/**
 * Opening the SQLite database: WAL mode, a busy timeout, foreign keys, and the real
 * migrations applied before anything else touches it.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

/** What store functions take: the database or a transaction on it (both run queries). */
export type Db = BaseSQLiteDatabase<"sync", Database.RunResult, typeof schema>;

/** An opened database, with the driver handle for pragmas and closing. */
export type OpenDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where drizzle-kit writes migrations (the project's `migrations/`). */
export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "../../migrations");

/**
 * Opens (creating if needed) the database at `path`, or an in-memory one for `":memory:"`,
 * and applies every migration. `autoCheckpoint: false` leaves WAL checkpoints to
 * {@link startCheckpointer}.
 */
export function openDatabase(
  path: string,
  opts: { busyTimeoutMs?: number; autoCheckpoint?: boolean } = {},
): OpenDb {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const client = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 });
  // WAL lets readers run beside the one writer; NORMAL sync is durable at each WAL checkpoint
  // and loses nothing on a process crash, only (at worst) the last commits on a power cut.
  client.pragma("journal_mode = WAL");
  client.pragma("synchronous = NORMAL");
  client.pragma("foreign_keys = ON");
  // Deleted rows are overwritten with zeros, so /forget leaves no readable trace in the file.
  client.pragma("secure_delete = ON");
  // With a background checkpointer (src/store/checkpoint.ts), commits never pay for checkpoints.
  if (opts.autoCheckpoint === false) client.pragma("wal_autocheckpoint = 0");
  const db = drizzle(client, { schema }) as OpenDb;
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}
