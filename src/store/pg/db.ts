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
import { type SQL, sql } from "drizzle-orm";
import { PgDatabase, PgDialect, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres, PostgresJsSession } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

/** What the PostgreSQL store functions take: the database or a transaction on it. */
export type PgDb = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The rows of a raw `db.execute`: postgres.js answers with the rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/**
 * Runs a hand-written statement (a template: its text is fixed, its values parameters) and maps
 * its rows. For the queries every command runs: drizzle's query builder spends 50–100 µs of this
 * process's time building each one, a template about 2 (see ../rows.ts).
 */
export async function rowsMapped<T>(
  db: PgDb,
  query: SQL,
  map: (raw: Record<string, unknown>) => T,
): Promise<T[]> {
  return rowsOf<Record<string, unknown>>(await db.execute(query)).map(map);
}

/**
 * A list of numbers as one `bigint[]` parameter: drizzle would spread a bare array into one
 * parameter per element, and the statement's text (and its prepared plan) would change with the
 * length. For the set-wise statements, which send their rows one array per column (`unnest`).
 */
export const list = (values: readonly (number | null)[]) => sql`${sql.param([...values])}::bigint[]`;
/** The same for `integer` columns. */
export const ints = (values: readonly (number | null)[]) => sql`${sql.param([...values])}::integer[]`;
/** The same for `text` columns (JSON goes as its text, cast to `json` in the statement). */
export const texts = (values: readonly (string | null)[]) => sql`${sql.param([...values])}::text[]`;

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
  /**
   * Server only: runs `fn` in a transaction begun with `mode` (`isolation level …`, `read only`)
   * in the one BEGIN statement, where drizzle's transactions send a SET TRANSACTION after it.
   */
  begin?: <T>(mode: string, fn: (tx: PgTx) => Promise<T>) => Promise<T>;
  /** Server only: tries to take the lease `key` for this process (see {@link tryLease}). */
  lease?: (key: string, heartbeatMs?: number) => Promise<Lease | null>;
  /** Closes the connections (or the embedded database). */
  close(): Promise<void>;
}

/** Something one process of a fleet holds at a time (see {@link tryLease}). */
export interface Lease {
  /** Resolves when the lease is gone: released, or its connection lost. */
  readonly lost: Promise<void>;
  /** Gives the lease up (idempotent). */
  release(): Promise<void>;
}

/**
 * Tries to take the lease `key` on the server at `url`: a session advisory lock, held on a
 * connection of its own, so the server lets it go the moment this process dies or the
 * connection drops, and another process's next try gets it. When the connection closes, `lost`
 * resolves and the holder stops what the lease guarded; a query every `heartbeatMs` makes a
 * silently dead connection close. Null when another process holds it.
 */
export async function tryLease(url: string, key: string, heartbeatMs = 2_000): Promise<Lease | null> {
  let end: () => void = () => {};
  const lost = new Promise<void>((resolve) => {
    end = resolve;
  });
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    if (done) return false;
    done = true;
    if (timer) clearTimeout(timer);
    end();
    return true;
  };
  // Its own client of one connection: a closed connection is a lost lock, whatever reconnects.
  const conn = postgres(url, { ...pgClientOptions(), max: 1, onclose: () => void finish() });
  const close = () => conn.end({ timeout: 1 }).catch(() => {});
  let got = false;
  try {
    const [row] = await conn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`;
    got = row?.ok === true;
  } finally {
    if (!got) {
      finish();
      await close();
    }
  }
  if (!got) return null;
  // One heartbeat at a time, the next once the last was answered.
  const beat = () => {
    timer = setTimeout(() => {
      conn`SELECT 1`.then(
        () => {
          if (!done) beat();
        },
        () => {
          if (finish()) void close();
        },
      );
    }, heartbeatMs);
    timer.unref();
  };
  beat();
  return {
    lost,
    async release() {
      if (!finish()) return;
      await conn`SELECT pg_advisory_unlock(hashtext(${key}))`.catch(() => {});
      await close();
    },
  };
}

/** A transaction on a server connection: its queries, and savepoints inside it. */
export interface PgTx {
  db: PgDb;
  /** Runs `fn` in a savepoint: if it throws, only its writes are undone. */
  savepoint<T>(fn: (inner: PgTx) => Promise<T>): Promise<T>;
}

/** The SQL dialect every per-transaction drizzle shares (it holds no state of a query). */
const dialect = new PgDialect();

/**
 * drizzle over one transaction's connection, built per transaction: a session on the connection,
 * without the relational schema (the store never uses drizzle's relational queries), costs a few
 * microseconds, where drizzle() with the schema costs about fifty.
 */
function txOver(sqlTx: postgres.TransactionSql): PgTx {
  return {
    db: new PgDatabase(
      dialect,
      // The session only sends queries through unsafe(), which a transaction's connection has.
      new PostgresJsSession(preparing(sqlTx) as unknown as postgres.Sql, dialect, undefined),
      undefined,
    ) as unknown as PgDb,
    savepoint: <T>(fn: (inner: PgTx) => Promise<T>) => sqlTx.savepoint((sp) => fn(txOver(sp))) as Promise<T>,
  };
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

/**
 * The client as drizzle sees it, with every query sent as a named prepared statement. drizzle
 * asks postgres.js for unnamed statements unless a query is built with `.prepare()`, and for an
 * unnamed statement with parameters postgres.js waits for the server to describe the parameters
 * before it binds them: two round trips, and a parse and a plan on the server, for every query.
 * Named, each distinct query text is parsed once per connection and then only bound and run.
 * The texts are drizzle's, with values as parameters, so they are few: the cache stays small.
 */
/**
 * Statements sent unnamed, so that each run is planned for its values: the scans that claim due
 * work (`FOR UPDATE SKIP LOCKED`) and the probe for it (marked {@link PLAN_EACH_TIME}). A named
 * statement may, after five runs, get a generic plan, and for "due by now?" with a LIMIT or an
 * EXISTS that plan expects a third of the table to match and reads it in table order: an idle
 * tick took 480 ms at a million commitments. Planned for the value, each walks its index.
 */
const PLANNED_EACH_TIME = /skip locked|\/\* plan each time \*\//i;

/** Put first in a hand-written statement to have it planned each time it runs (see above). */
export const PLAN_EACH_TIME = "/* plan each time */";

function preparing<S extends postgres.Sql | postgres.TransactionSql>(client: S): S {
  const wrap = <T extends object>(sqlFn: T): T =>
    new Proxy(sqlFn, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === "unsafe")
          return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
            (value as postgres.Sql["unsafe"]).call(target, query, params as never, {
              ...options,
              prepare: !PLANNED_EACH_TIME.test(query),
            });
        if (key === "begin" || key === "savepoint")
          return (...args: unknown[]) => {
            const fn = args.pop() as (inner: object) => unknown;
            return (value as (...a: unknown[]) => unknown).call(target, ...args, (inner: object) =>
              fn(wrap(inner)),
            );
          };
        return value;
      },
    });
  return wrap(client);
}

/**
 * A server database over a postgres.js client made with {@link pgClientOptions}, as the store
 * uses it (every query prepared, transactions begun in one statement). The bench opens its
 * instrumented client through this too.
 */
export function openedOver(client: postgres.Sql): OpenPg {
  return {
    db: drizzleOver(client) as unknown as PgDb,
    kind: "server",
    begin: <T>(mode: string, fn: (tx: PgTx) => Promise<T>) =>
      client.begin(mode, (sqlTx) => fn(txOver(sqlTx))) as Promise<T>,
    close: () => client.end({ timeout: 5 }),
  };
}

/** drizzle over a postgres.js client, as the store uses it (every query prepared). */
export function drizzleOver(client: postgres.Sql) {
  return drizzlePostgres(preparing(client), { schema });
}

/**
 * How the store's postgres.js connections are set up (the bench opens its own the same way):
 * numbers come back as numbers (`bigint` columns hold epoch milliseconds, far inside the exact
 * range), and notices are dropped.
 */
export function pgClientOptions(
  schemaName?: string,
): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    onnotice: () => {},
    // int8 (20) as a JavaScript number: times and ids stay far below 2^53.
    types: { bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: Number } },
    ...(schemaName ? { connection: { search_path: schemaName } } : {}),
  };
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
    ...pgClientOptions(schemaName),
    // At least two: migrating holds one connection for its lock while it works on another.
    max: Math.max(2, opts.max ?? 10),
    ...(opts.idleTimeoutSeconds ? { idle_timeout: opts.idleTimeoutSeconds } : {}),
  });
  try {
    const db = drizzleOver(client);
    const opened: OpenPg = {
      ...openedOver(client),
      lease: (key, heartbeatMs) => tryLease(url, key, heartbeatMs),
    };
    if (opts.migrated) return opened;
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
    return opened;
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
