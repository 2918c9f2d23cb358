/**
 * Hand-prepared better-sqlite3 statements for the hottest queries (the scheduler's scans run
 * every few seconds). drizzle's own prepared queries cost 10–50 µs each here even when they
 * return nothing; a raw prepared statement costs under 1 µs. Rows are mapped back through
 * ../rows.ts.
 */
import type Database from "better-sqlite3";
import type { Db } from "./db";

/** The better-sqlite3 connection behind a drizzle database or transaction. */
export function clientOf(db: Db): Database.Database {
  // drizzle keeps the driver on its session; both databases and transactions have one.
  const session = (db as unknown as { session?: { client?: Database.Database } }).session;
  if (!session?.client) throw new Error("not a better-sqlite3 drizzle database");
  return session.client;
}

export { rowMapper, selectList } from "../rows";

/** Caches one set of prepared statements per connection. */
export function perConnection<T>(build: (client: Database.Database) => T): (db: Db) => T {
  const cache = new WeakMap<Database.Database, T>();
  const get = (db: Db) => {
    const client = clientOf(db);
    let value = cache.get(client);
    if (!value) {
      value = build(client);
      cache.set(client, value);
    }
    return value;
  };
  everySet.push(get);
  return get;
}

/** Every set of statements {@link perConnection} knows. */
const everySet: ((db: Db) => unknown)[] = [];

/**
 * Prepares every hand-prepared statement on `db` now. Preparing them all costs a few tens of
 * milliseconds; done at the first burst instead, it made that burst's first batch the longest
 * stretch the event loop saw.
 */
export function prepareAll(db: Db): void {
  for (const get of everySet) get(db);
}
