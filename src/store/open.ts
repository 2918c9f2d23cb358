/**
 * Opens the store the configuration names: PostgreSQL when `DATABASE_URL` is set, else the SQLite
 * file at `DATABASE_PATH`. Either way the migrations are applied first. A database that cannot
 * be used is refused with a {@link DatabaseOpenError}: one line, and never the password.
 */

import type { Store } from "./port";
import { openDatabase } from "./sqlite/db";
import { DatabaseOpenError } from "./sqlite/open-errors";
import { createSqliteStore } from "./sqlite/store";

/** Where the data lives. */
export interface StoreLocation {
  /** `postgres://…`; wins over `path` when set. */
  url?: string | undefined;
  /** The SQLite file (or `:memory:`). */
  path: string;
  /** SQLite: checkpoint the WAL on commit (false when a background checkpointer runs). */
  autoCheckpoint?: boolean;
}

/** Opens the store at `where`, migrated and ready. */
export async function openStore(where: StoreLocation): Promise<Store> {
  if (!where.url)
    return createSqliteStore(openDatabase(where.path, { autoCheckpoint: where.autoCheckpoint ?? true }));
  try {
    // Loaded only for PostgreSQL: an SQLite bot starts without the driver and pg-core.
    const { openPostgres } = await import("./pg/db");
    const { createPgStore } = await import("./pg/store");
    return createPgStore(await openPostgres(where.url));
  } catch (err) {
    throw postgresRefusal(where.url, err);
  }
}

/** The URL as it may be shown: host, port and database, without user or password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return "the PostgreSQL URL in DATABASE_URL";
  }
}

/** A one-line refusal for a PostgreSQL server that cannot be used; other errors pass unchanged. */
function postgresRefusal(url: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  const where = redactedUrl(url);
  const reasons: Record<string, string> = {
    ECONNREFUSED: "nothing answers there; is the server running?",
    ENOTFOUND: "that host name is unknown.",
    ETIMEDOUT: "the server did not answer in time.",
    "28P01": "the password was refused.",
    "28000": "that user may not connect.",
    "3D000": "that database does not exist; create it first (createdb).",
    "42501": "that user may not create the tables Amends needs.",
  };
  const reason = typeof code === "string" ? reasons[code] : undefined;
  if (!reason) return err;
  return new DatabaseOpenError("cannot-open", `Can't use the database at ${where}: ${reason}`);
}
