/**
 * Where one run of the crash test keeps its data, and how the test reads it back: a fresh SQLite
 * file, or a fresh schema on the PostgreSQL server at `PG_TEST_URL` (dropped afterwards). The
 * workers and the seed open the same place through {@link CrashTarget.where} (see ./store.ts);
 * the test itself reads with plain SQL on a connection of its own, as an operator would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import postgres from "postgres";
import { PG_TEST_URL, type TestDialect } from "../stores";

/** A database for one crash-test run. */
export interface CrashTarget {
  dialect: TestDialect;
  /** What the seed and the workers open: a file path, or `postgres://…#schema`. */
  where: string;
  /** A directory for the run's delivery logs. */
  dir: string;
  /** Rows of `text`, whose `?` placeholders take `params` in order. Numbers come back as numbers. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  /**
   * What is wrong with the database as a whole, beyond its rows: [] when nothing. SQLite checks
   * its file; PostgreSQL, which keeps the files itself, checks that no killed session still holds
   * anything and that no constraint was left unenforced.
   */
  problems(): Promise<string[]>;
  /** Removes the file or drops the schema. */
  drop(): Promise<void>;
}

/** A new, empty SQLite file in a directory of its own (migrated by whoever opens it first). */
export function sqliteTarget(): CrashTarget {
  const dir = mkdtempSync(join(tmpdir(), "amends-crash-"));
  const path = join(dir, "amends.sqlite");
  // A fresh connection per read, as a restarted process would see the file.
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    dialect: "sqlite",
    where: path,
    dir,
    query: async <T>(text: string, params: unknown[] = []) =>
      withDb((db) => db.prepare(text).all(...params) as T[]),
    problems: async () =>
      withDb((db) => {
        const found: string[] = [];
        const integrity = db.pragma("integrity_check", { simple: true });
        if (integrity !== "ok") found.push(`integrity_check: ${String(integrity)}`);
        for (const row of db.pragma("foreign_key_check") as unknown[])
          found.push(`foreign_key_check: ${JSON.stringify(row)}`);
        return found;
      }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A schema of its own on the PostgreSQL server, named for this process and a random number so
 * runs side by side (or one left behind by a killed test runner) never meet. The first store
 * opened on it creates and migrates it.
 */
export function pgTarget(): CrashTarget {
  const dir = mkdtempSync(join(tmpdir(), "amends-crash-"));
  const schema = `crash_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const url = new URL(PG_TEST_URL);
  // Passed by postgres.js to the server as session settings, for the seed and every worker.
  // synchronous_commit=off: a commit returns before its WAL reaches the disk, the trade SQLite's
  // synchronous=NORMAL makes (src/store/sqlite/db.ts). Only a crash of the server could lose
  // such a commit, and the server is not what this test kills; every later session sees it.
  // Without it the seed alone waits on thousands of fsyncs (over a minute on this machine).
  url.searchParams.set("synchronous_commit", "off");
  // Names this run's sessions, so the test can tell whether a killed worker's is still there.
  url.searchParams.set("application_name", schema);
  const sql = postgres(PG_TEST_URL, {
    max: 1,
    onnotice: () => {},
    // count(*) and the epoch-millisecond columns are int8: compare them as numbers, as the store does.
    types: { bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: Number } },
    connection: { search_path: schema },
  });
  return {
    dialect: "postgres",
    where: `${url.toString()}#${schema}`,
    dir,
    query: async <T>(text: string, params: unknown[] = []) => {
      let n = 0;
      const numbered = text.replace(/\?/g, () => `$${++n}`);
      return (await sql.unsafe(numbered, params as postgres.ParameterOrJSON<never>[])) as unknown as T[];
    },
    problems: async () => {
      const found: string[] = [];
      // No session of a worker outlived it: a backend ends when its client's socket closes, which
      // after a kill is the kernel's doing. The final run's own may take a moment to go.
      let sessions: { pid: number; state: string | null }[] = [];
      for (let waited = 0; waited <= 2_000; waited += 100) {
        sessions = await sql<{ pid: number; state: string | null }[]>`
          SELECT pid, state FROM pg_stat_activity
          WHERE application_name = ${schema} AND pid <> pg_backend_pid()`;
        if (sessions.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const s of sessions) found.push(`session ${s.pid} still there (${s.state})`);
      // Nor any lock: one a killed worker's backend kept would stall every later run on its rows.
      // Any transaction a session left open on this schema holds at least a share lock on what it read.
      const held = await sql<{ pid: number; mode: string; relname: string }[]>`
        SELECT l.pid, l.mode, c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relnamespace = ${schema}::regnamespace AND l.pid <> pg_backend_pid()`;
      for (const h of held) found.push(`lock still held: ${h.mode} on ${h.relname} by pid ${h.pid}`);
      // The counterpart of foreign_key_check: PostgreSQL checks every constraint on commit, unless
      // one was added NOT VALID, which would let orphans in unnoticed.
      const unchecked = await sql<{ conname: string }[]>`
        SELECT conname FROM pg_constraint
        WHERE connamespace = ${schema}::regnamespace AND NOT convalidated`;
      for (const c of unchecked) found.push(`constraint not validated: ${c.conname}`);
      return found;
    },
    drop: async () => {
      try {
        await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await sql.end({ timeout: 1 });
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
