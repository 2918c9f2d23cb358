/**
 * Opening a PostgreSQL database: a server through the `postgres` driver (postgres.js), or an
 * embedded one (PGlite, PostgreSQL compiled to WebAssembly) where no server is at hand, as in
 * tests on a fresh machine. Either way the real migrations in `migrations/pg/` are applied
 * before anything else touches it. Migrations name no schema, so a deployment (or a test) can
 * keep Amends in a schema of its own through the search path.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

/** What the PostgreSQL store functions take: the database or a transaction on it. */
export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Where drizzle-kit writes the PostgreSQL migrations. */
export const PG_MIGRATIONS_FOLDER = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../migrations/pg",
);

/** An opened PostgreSQL database. */
export interface OpenPg {
  db: PgDb;
  /** `server` through postgres.js, `embedded` through PGlite. */
  kind: "server" | "embedded";
  /**
   * Embedded only: the schema this store keeps its tables in. One PGlite (one session) may hold
   * several stores, so each transaction names its schema first.
   */
  schema?: string;
  /** Closes the connections (or the embedded database). */
  close(): Promise<void>;
}

/** Options for {@link openPostgres}. */
export interface PgOptions {
  /** Keep every table in this schema (created if missing) instead of the search path's first. */
  schema?: string;
  /** Connections in the pool; default 10. */
  max?: number;
  /** Close a connection idle this long (seconds); default never. */
  idleTimeoutSeconds?: number;
  /** The schema is already migrated (tests build theirs in one round trip); default false. */
  migrated?: boolean;
}

/** A schema name safe to put in SQL unquoted. */
function checkedSchema(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a schema name: ${name}`);
  return name;
}

/**
 * Connects to the server at `url` (`postgres://…`) and applies every migration. Numbers come
 * back as numbers: `bigint` columns hold epoch milliseconds, far inside the exact range.
 */
export async function openPostgres(url: string, opts: PgOptions = {}): Promise<OpenPg> {
  const schemaName = opts.schema && checkedSchema(opts.schema);
  const client = postgres(url, {
    // At least two: migrating holds one connection for its lock while it works on another.
    max: Math.max(2, opts.max ?? 10),
    ...(opts.idleTimeoutSeconds ? { idle_timeout: opts.idleTimeoutSeconds } : {}),
    onnotice: () => {},
    // int8 (20) as a JavaScript number: times and ids stay far below 2^53.
    types: { bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: Number } },
    ...(schemaName ? { connection: { search_path: schemaName } } : {}),
  });
  try {
    const db = drizzlePostgres(client, { schema });
    if (opts.migrated)
      return { db: db as unknown as PgDb, kind: "server", close: () => client.end({ timeout: 5 }) };
    // Processes starting together must not migrate together (CREATE TABLE IF NOT EXISTS races):
    // a session advisory lock, held on one reserved connection, lets one migrate at a time.
    const lock = await client.reserve();
    try {
      await lock`SELECT pg_advisory_lock(hashtext(${`amends-migrate:${schemaName ?? ""}`}))`;
      if (schemaName) await lock.unsafe(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`);
      await migratePostgres(db, {
        migrationsFolder: PG_MIGRATIONS_FOLDER,
        ...(schemaName ? { migrationsSchema: schemaName } : {}),
      });
    } finally {
      await lock`SELECT pg_advisory_unlock(hashtext(${`amends-migrate:${schemaName ?? ""}`}))`.catch(
        () => {},
      );
      lock.release();
    }
    return { db: db as unknown as PgDb, kind: "server", close: () => client.end({ timeout: 5 }) };
  } catch (err) {
    await client.end({ timeout: 1 });
    throw err;
  }
}

/**
 * An embedded PostgreSQL (PGlite) with every migration applied. Starting one takes seconds and
 * a few hundred megabytes, so tests share one per process and give each store its own schema.
 */
export async function openPglite(pglite: PGlite, opts: { schema?: string } = {}): Promise<OpenPg> {
  const schemaName = opts.schema && checkedSchema(opts.schema);
  // Loaded here: the embedded driver is for tests, and a server deployment should not pay for it.
  const { drizzle: drizzlePglite } = await import("drizzle-orm/pglite");
  const { migrate: migratePglite } = await import("drizzle-orm/pglite/migrator");
  if (schemaName) {
    await pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`);
  }
  const db = drizzlePglite(pglite, { schema });
  if (schemaName) await db.execute(sql.raw(`SET search_path TO ${schemaName}`));
  await migratePglite(db, {
    migrationsFolder: PG_MIGRATIONS_FOLDER,
    ...(schemaName ? { migrationsSchema: schemaName } : {}),
  });
  return {
    db: db as unknown as PgDb,
    kind: "embedded",
    ...(schemaName ? { schema: schemaName } : {}),
    close: async () => {
      if (schemaName)
        await pglite.exec(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE; SET search_path TO public`);
    },
  };
}
