/**
 * Opening the SQLite database: WAL mode, a busy timeout, foreign keys, and the real
 * migrations applied before anything else touches it. A path that cannot be opened, or a
 * database from a newer Amends, is refused with a {@link DatabaseOpenError}.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { newerDatabase, openFailure, refusal } from "./open-errors";
import * as schema from "./schema";

/** What store functions take: the database or a transaction on it (both run queries). */
export type Db = BaseSQLiteDatabase<"sync", Database.RunResult, typeof schema>;

/** An opened database, with the driver handle for pragmas and closing. */
export type OpenDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where drizzle-kit writes migrations (the project's `migrations/`). */
export const MIGRATIONS_FOLDER = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../migrations/sqlite",
);

/**
 * Opens (creating if needed) the database at `path`, or an in-memory one for `":memory:"`,
 * and applies every migration. `autoCheckpoint: false` leaves WAL checkpoints to
 * {@link startCheckpointer}. Throws a {@link DatabaseOpenError} when the path cannot be
 * opened for writing or the database was written by a newer version; other errors pass as
 * they are.
 */
export function openDatabase(
  path: string,
  opts: { busyTimeoutMs?: number; autoCheckpoint?: boolean } = {},
): OpenDb {
  const onDisk = path !== ":memory:";
  let client: Database.Database | undefined;
  try {
    if (onDisk) prepareLocation(path);
    client = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 });
    // WAL lets readers run beside the one writer; NORMAL sync is durable at each WAL checkpoint
    // and loses nothing on a process crash, only (at worst) the last commits on a power cut.
    client.pragma("journal_mode = WAL");
    client.pragma("synchronous = NORMAL");
    client.pragma("foreign_keys = ON");
    // Deleted rows are overwritten with zeros, so /forget leaves no readable trace in the file.
    client.pragma("secure_delete = ON");
    // With a background checkpointer (src/store/checkpoint.ts), commits never pay for checkpoints.
    if (opts.autoCheckpoint === false) client.pragma("wal_autocheckpoint = 0");
    if (onDisk) probeWrite(client);
    // Before migrate(): it would skip what it does not know and leave the bot failing every query.
    refuseNewer(client, path);
    const db = drizzle(client, { schema }) as OpenDb;
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return db;
  } catch (err) {
    client?.close();
    // Only the driver's errors are read by code here: an fs error from reading the migrations
    // (say) is this installation's fault, not the database path's.
    throw (err instanceof Database.SqliteError && openFailure(path, err)) || err;
  }
}

/** Refuses a directory by name and creates the file's folder. */
function prepareLocation(path: string): void {
  let isDirectory: boolean | undefined;
  try {
    isDirectory = statSync(path, { throwIfNoEntry: false })?.isDirectory();
    mkdirSync(dirname(resolve(path)), { recursive: true });
  } catch (err) {
    throw openFailure(path, err) ?? err;
  }
  // SQLite would only say "unable to open database file" for a directory.
  if (isDirectory) throw refusal(path, "directory");
}

/**
 * A read-only file opens without complaint and even takes the WAL write lock; only a real
 * write fails, so one is tried and rolled back (nothing reaches the file or the WAL).
 */
function probeWrite(client: Database.Database): void {
  client.exec("BEGIN");
  try {
    client.exec("CREATE TABLE main.__amends_write_probe (x)");
  } finally {
    if (client.inTransaction) client.exec("ROLLBACK");
  }
}

/**
 * drizzle records each applied migration with its journal time (`created_at` = the journal's
 * `when`); one this code's journal does not list came from a newer version.
 */
function refuseNewer(client: Database.Database, path: string): void {
  const table = client
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (!table) return;
  const applied = client
    .prepare("SELECT created_at FROM __drizzle_migrations ORDER BY created_at, id")
    .pluck()
    .all()
    .map(Number);
  const known = new Set(
    readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.folderMillis),
  );
  const unknown = applied.flatMap((at, i) => (known.has(at) ? [] : [i]));
  if (unknown.length > 0) throw newerDatabase(path, unknown);
}
