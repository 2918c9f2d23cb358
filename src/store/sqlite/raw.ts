/**
 * Hand-prepared better-sqlite3 statements for the hottest queries (the scheduler's scans run
 * every few seconds). drizzle's own prepared queries cost 10–50 µs each here even when they
 * return nothing; a raw prepared statement costs under 1 µs. Rows are mapped back to drizzle's
 * row types through each column's own `mapFromDriverValue`, so JSON and boolean columns read
 * exactly as they do through drizzle.
 */
import type Database from "better-sqlite3";
import { getTableColumns, type Table } from "drizzle-orm";
import type { Db } from "./db";

/** The better-sqlite3 connection behind a drizzle database or transaction. */
export function clientOf(db: Db): Database.Database {
  // drizzle keeps the driver on its session; both databases and transactions have one.
  const session = (db as unknown as { session?: { client?: Database.Database } }).session;
  if (!session?.client) throw new Error("not a better-sqlite3 drizzle database");
  return session.client;
}

/** `alias.col AS "prefix.key", …` for every column of `table`. */
export function selectList(table: Table, alias: string, prefix = alias): string {
  return Object.entries(getTableColumns(table))
    .map(([key, col]) => `${alias}."${col.name}" AS "${prefix}.${key}"`)
    .join(", ");
}

/** Builds a mapper from a raw row (with `prefix.key` names) to the table's row type. */
export function rowMapper<T extends Table>(table: T, prefix: string) {
  const cols = Object.entries(getTableColumns(table)).map(([key, col]) => ({
    key,
    name: `${prefix}.${key}`,
    col,
  }));
  return (raw: Record<string, unknown>): T["$inferSelect"] => {
    const out: Record<string, unknown> = {};
    for (const { key, name, col } of cols) {
      const v = raw[name];
      out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return out as T["$inferSelect"];
  };
}

/** Caches one set of prepared statements per connection. */
export function perConnection<T>(build: (client: Database.Database) => T): (db: Db) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (db) => {
    const client = clientOf(db);
    let value = cache.get(client);
    if (!value) {
      value = build(client);
      cache.set(client, value);
    }
    return value;
  };
}
