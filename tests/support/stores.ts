/**
 * The stores tests run on. `AMENDS_TEST_STORE` picks the dialect for a whole run (the vitest
 * project `postgres` sets it; see vitest.config.ts): `sqlite` (the default) is an in-memory
 * database with the real migrations; `postgres` is a schema of its own, with the real migrations,
 * on the server at `PG_TEST_URL` (default the local one), or, where no server answers, in an
 * embedded PostgreSQL (PGlite) shared by the test file. With `CI=true` a missing server is an
 * error, not a fallback: CI promises one.
 *
 * Every store a test opens is dropped after its file (`closeTestStores`, registered by
 * tests/support/setup.ts).
 */
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import postgres from "postgres";
import {
  type OpenPg,
  openPglite,
  openPostgres,
  PG_MIGRATIONS_FOLDER,
  type PgDb,
} from "../../src/store/pg/db";
import * as pgTables from "../../src/store/pg/schema";
import { createPgStore, type PgStore } from "../../src/store/pg/store";
import type { Store } from "../../src/store/port";
import { type Db, openDatabase } from "../../src/store/sqlite/db";
import * as sqliteTables from "../../src/store/sqlite/schema";
import { createSqliteStore, type SqliteStore } from "../../src/store/sqlite/store";

/** Which database a test store stands on. */
export type TestDialect = Store["dialect"];

/** The dialect of this run. */
export const TEST_DIALECT: TestDialect = process.env.AMENDS_TEST_STORE === "postgres" ? "postgres" : "sqlite";

/** The PostgreSQL server tests use when it answers. */
export const PG_TEST_URL = process.env.PG_TEST_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A store a test opened: either implementation. */
export type TestStore = SqliteStore | PgStore;

let serverAnswers: Promise<boolean> | undefined;
/** Whether the PostgreSQL server answers (asked once per process). */
export function pgServerAnswers(): Promise<boolean> {
  serverAnswers ??= (async () => {
    const probe = postgres(PG_TEST_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await probe`SELECT 1`;
      return true;
    } catch {
      return false;
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return serverAnswers;
}

let embedded: Promise<PGlite> | undefined;
/** The embedded PostgreSQL of this test file (started on first use: it takes a few seconds). */
function sharedPglite(): Promise<PGlite> {
  embedded ??= import("@electric-sql/pglite").then(async ({ PGlite }) => {
    const pg = new PGlite();
    await pg.waitReady;
    return pg;
  });
  return embedded;
}

let counter = 0;
const byPath = new Map<string, { schema: string; built: Promise<void> }>();
const opened: TestStore[] = [];
const schemas: { name: string; drop: () => Promise<void> }[] = [];

/** Which PostgreSQL this run uses: `server` or `embedded` (PGlite). */
export async function pgKind(): Promise<OpenPg["kind"]> {
  if (await pgServerAnswers()) return "server";
  if (process.env.CI === "true")
    throw new Error(
      `PostgreSQL does not answer at ${PG_TEST_URL}; CI expects a server there (set PG_TEST_URL).`,
    );
  return "embedded";
}

/**
 * Opens a fresh store of `dialect` with every migration applied. SQLite: in memory unless `path`
 * names a file (tests of the file itself).
 */
export async function openTestStore(
  opts: { dialect?: TestDialect; path?: string; autoCheckpoint?: boolean } = {},
): Promise<TestStore> {
  const dialect = opts.dialect ?? TEST_DIALECT;
  let store: TestStore;
  if (dialect === "sqlite") {
    store = createSqliteStore(
      openDatabase(opts.path ?? ":memory:", { autoCheckpoint: opts.autoCheckpoint ?? true }),
    );
  } else {
    // A path names one database, as on SQLite: stores opened on the same path share a schema
    // (two processes on one database); each store without a path gets a schema of its own.
    const file = opts.path && opts.path !== ":memory:" ? opts.path : undefined;
    const known = file ? byPath.get(file) : undefined;
    const schema = known?.schema ?? `t_${process.pid}_${++counter}_${Math.floor(Math.random() * 1e6)}`;
    // The first store on a path builds the schema; one opened meanwhile waits for it.
    let built: Promise<void> | undefined = known?.built;
    let first: OpenPg | undefined;
    if (!known) {
      built = (async () => {
        if ((await pgKind()) === "server") await migrateQuickly(schema);
        else first = await openPglite(await sharedPglite(), { schema });
      })();
      if (file) byPath.set(file, { schema, built });
    }
    await built;
    if ((await pgKind()) === "server") {
      // idle_timeout: a store a test forgot to close holds no connection for long.
      const pg = await openPostgres(PG_TEST_URL, { schema, max: 4, idleTimeoutSeconds: 2, migrated: true });
      store = createPgStore(pg);
      if (!known)
        schemas.push({
          name: schema,
          drop: async () => {
            await adminConnection().unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          },
        });
    } else {
      store = createPgStore(first ?? (await openPglite(await sharedPglite(), { schema })));
    }
  }
  opened.push(store);
  return store;
}

let admin: postgres.Sql | undefined;
/** One connection of this file's for creating and dropping schemas. */
function adminConnection(): postgres.Sql {
  admin ??= postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
  return admin;
}

/**
 * Creates `schema` with every migration applied and recorded exactly as drizzle's migrator would
 * (so a second store on it finds nothing to do), in one round trip instead of one per statement:
 * tests open hundreds of stores.
 */
async function migrateQuickly(schema: string): Promise<void> {
  const journal = `${schema}.__drizzle_migrations`;
  const parts = [
    `CREATE SCHEMA ${schema}`,
    `SET LOCAL search_path TO ${schema}`,
    `CREATE TABLE ${journal} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
  ];
  for (const m of readMigrationFiles({ migrationsFolder: PG_MIGRATIONS_FOLDER })) {
    parts.push(...m.sql.filter((s) => s.trim() !== ""));
    parts.push(`INSERT INTO ${journal} (hash, created_at) VALUES ('${m.hash}', ${m.folderMillis})`);
  }
  await adminConnection().begin((tx) => tx.unsafe(parts.join(";\n")));
}

/** Closes every store this file opened and drops their schemas. */
export async function closeTestStores(): Promise<void> {
  const stores = opened.splice(0);
  await Promise.allSettled(stores.map((s) => s.close()));
  byPath.clear();
  const drops = schemas.splice(0);
  await Promise.allSettled(drops.map((d) => d.drop()));
  await admin?.end({ timeout: 1 });
  admin = undefined;
}

/**
 * A store that opens on first use, so a test bot can be built synchronously. Its dialect is
 * known at once; everything else waits for the real store.
 */
export interface LazyStore extends Store {
  /** The store once open. */
  readonly ready: Promise<TestStore>;
}

/** Wraps a store being opened as a {@link LazyStore}. */
export function lazyStore(opening: Promise<TestStore>, dialect: TestDialect = TEST_DIALECT): LazyStore {
  // An opening that fails surfaces at the first use, not as an unhandled rejection.
  opening.catch(() => {});
  return {
    dialect,
    synchronous: dialect === "sqlite",
    parallelism: 1,
    ready: opening,
    transaction: async (fn, opts) => (await opening).transaction(fn, opts),
    eraseTraces: async () => (await opening).eraseTraces(),
    close: async () => (await opening).close(),
  };
}

/** The open store under a test store or a lazy one. */
export async function realStore(store: Store): Promise<TestStore> {
  return "ready" in store ? (store as LazyStore).ready : (store as TestStore);
}

/** Tables and a drizzle database of a test store, for the harness's readers (tests/support/inspect.ts). */
export interface RawAccess {
  dialect: TestDialect;
  /** Typed as SQLite's; on PostgreSQL the same builder calls run on pg-core (awaited, never `.get()`). */
  db: Db;
  t: typeof sqliteTables;
}

/** Raw table access for test support (never for tests themselves). */
export async function rawAccess(store: Store): Promise<RawAccess> {
  const s = await realStore(store);
  if (s.dialect === "sqlite") return { dialect: "sqlite", db: s.db as unknown as Db, t: sqliteTables };
  if (s.opened.schema) await s.opened.db.execute(sql.raw(`SET search_path TO ${s.opened.schema}`));
  return {
    dialect: "postgres",
    db: s.opened.db as unknown as Db,
    t: pgTables as unknown as typeof sqliteTables,
  };
}

export type { PgDb };
