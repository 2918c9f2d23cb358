/**
 * Moving an SQLite database to PostgreSQL (`npm run migrate-to-postgres`): every table, ids
 * kept, in one PostgreSQL transaction that commits only once the copy reads back the same as the
 * file, table by table (row counts and a SHA-256 over every row).
 *
 * The tables and their columns are read from the two schema modules, not listed here, so a table
 * added to both schemas is moved without a change to this file, and one added to only one of
 * them stops the move before anything is written. Each value crosses through drizzle's own
 * column definitions: read as SQLite's column maps it (JSON text parsed, 0/1 as a boolean),
 * written as PostgreSQL's maps it (`json`, `boolean`, `bigint`), so the copy and the running
 * store agree on every type.
 */
import { createHash, type Hash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { asc, type Column, getTableColumns, getTableName, gt, is, type SQL, sql } from "drizzle-orm";
import { PgTable, getTableConfig as pgTableConfig } from "drizzle-orm/pg-core";
import { SQLiteTable, getTableConfig as sqliteTableConfig } from "drizzle-orm/sqlite-core";
import { openStore, redactedUrl } from "./open";
import type { OpenPg, PgDb } from "./pg/db";
import * as pgSchema from "./pg/schema";
import type { PgStore } from "./pg/store";
import { type OpenDb, openDatabase } from "./sqlite/db";
import { DatabaseOpenError, openFailure } from "./sqlite/open-errors";
import * as sqliteSchema from "./sqlite/schema";

/** Rows per INSERT and per read. */
export const DEFAULT_CHUNK_ROWS = 1000;

/** One table as both schemas define it. */
export interface TablePair {
  /** The table's name in SQL (`check_ins`). */
  name: string;
  sqlite: SQLiteTable;
  pg: PgTable;
  /** Column keys (drizzle's property names), in the SQLite schema's order. */
  keys: string[];
  /** The primary key's property name: rows are copied and hashed in its order. */
  primaryKey: string;
  /** Whether the primary key is an identity column, whose sequence must move past the copy. */
  identity: boolean;
}

/**
 * The move was refused before anything was written, or was rolled back: `message` is one line a
 * person can act on, with no password in it.
 */
export class CopyRefusal extends Error {
  constructor(
    /** `refused` when nothing was tried (a missing file, a target with rows), `mismatch` when the copy did not read back the same, `failed` when PostgreSQL refused a row. */
    readonly kind: "refused" | "mismatch" | "failed",
    message: string,
    /** For a mismatch, one line per table that differs. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "CopyRefusal";
  }
}

/** What was moved from one table. */
export interface TableReport {
  name: string;
  rows: number;
  /** Hex SHA-256 over the table's rows in key order; the same on both sides once verified. */
  checksum: string;
  /** Time spent copying this table (reading, converting, inserting). */
  copyMs: number;
}

/** What {@link copyDatabase} did. */
export interface CopyReport {
  tables: TableReport[];
  rows: number;
  /** Copy, verification and commit, in milliseconds. */
  totalMs: number;
  verifyMs: number;
}

/** Progress of a long copy, for a caller that wants to show it. */
export type CopyProgress =
  | { phase: "copied"; table: string; rows: number; ms: number }
  | { phase: "verified"; table: string; rows: number; checksum: string };

/** Options of {@link copyDatabase}. */
export interface CopyOptions {
  /** Rows per INSERT and per read; default {@link DEFAULT_CHUNK_ROWS}. */
  chunkRows?: number;
  onProgress?: (p: CopyProgress) => void;
  /**
   * Runs inside the PostgreSQL transaction after the copy and before the verification. For
   * tests: a test damages the copy here to see the verification catch it and roll it back.
   */
  afterCopy?: (db: PgDb) => Promise<void>;
}

const isSqliteTable = (v: unknown): v is SQLiteTable => is(v, SQLiteTable);
const isPgTable = (v: unknown): v is PgTable => is(v, PgTable);
/** A table's columns by property name, typed loosely: the pairs are built at run time. */
const columnsOf = (t: SQLiteTable | PgTable): Record<string, Column> => getTableColumns(t);

/**
 * Every table of the two schemas, paired by name, in an order where each table comes after the
 * tables it references. Throws when the schemas disagree on the tables, their columns or their
 * keys: a move then would silently drop or misplace data.
 */
export function tablePairs(): TablePair[] {
  const lite = new Map<string, SQLiteTable>(
    Object.values(sqliteSchema as Record<string, unknown>)
      .filter(isSqliteTable)
      .map((t) => [getTableName(t), t]),
  );
  const pg = new Map<string, PgTable>(
    Object.values(pgSchema as Record<string, unknown>)
      .filter(isPgTable)
      .map((t) => [getTableName(t), t]),
  );
  const names = [...new Set([...lite.keys(), ...pg.keys()])];
  const pairs = new Map<string, TablePair>();
  for (const name of names) {
    const l = lite.get(name);
    const p = pg.get(name);
    if (!l || !p) throw new Error(`The table ${name} is in only one of the two schemas.`);
    const lCols = columnsOf(l);
    const pCols = columnsOf(p);
    const keys = Object.keys(lCols);
    const pKeys = Object.keys(pCols);
    const missing = [...keys.filter((k) => !(k in pCols)), ...pKeys.filter((k) => !(k in lCols))];
    if (missing.length > 0)
      throw new Error(`The table ${name} differs between the schemas: ${missing.join(", ")}.`);
    for (const k of keys)
      if (lCols[k]?.name !== pCols[k]?.name)
        throw new Error(`The column ${name}.${k} has a different name in the two schemas.`);
    const primary = keys.filter((k) => lCols[k]?.primary);
    const [primaryKey] = primary;
    if (primary.length !== 1 || !primaryKey || !pCols[primaryKey]?.primary)
      throw new Error(`The table ${name} needs one primary key column, the same in both schemas.`);
    const pk = pCols[primaryKey] as Column & { generatedIdentity?: unknown };
    pairs.set(name, {
      name,
      sqlite: l,
      pg: p,
      keys,
      primaryKey,
      identity: pk.generatedIdentity !== undefined,
    });
  }
  return inForeignKeyOrder(pairs);
}

/** The pairs with every referenced table first (schema order otherwise). */
function inForeignKeyOrder(pairs: Map<string, TablePair>): TablePair[] {
  const refs = new Map<string, Set<string>>();
  for (const [name, pair] of pairs) {
    const targets = new Set<string>();
    for (const fk of [
      ...pgTableConfig(pair.pg).foreignKeys.map((f) => f.reference().foreignTable),
      ...sqliteTableConfig(pair.sqlite).foreignKeys.map((f) => f.reference().foreignTable),
    ]) {
      const target = getTableName(fk);
      if (target !== name) targets.add(target);
    }
    refs.set(name, targets);
  }
  const ordered: TablePair[] = [];
  const placed = new Set<string>();
  while (ordered.length < pairs.size) {
    const next = [...pairs.values()].find(
      (p) => !placed.has(p.name) && [...(refs.get(p.name) ?? [])].every((r) => placed.has(r)),
    );
    if (!next) throw new Error("The schemas' foreign keys form a cycle; there is no order to copy them in.");
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/**
 * One row as the checksum sees it: each value tagged with its type, so `null`, `"null"`, `1`,
 * `"1"` and `true` all differ, and JSON in its own key order (PostgreSQL's `json` keeps the text
 * as written, so an object reads back with its keys in the order SQLite held them).
 */
function rowLine(row: Record<string, unknown>, keys: string[]): string {
  let line = "";
  for (const k of keys) {
    const v = row[k];
    if (v === null || v === undefined) line += "n";
    else if (typeof v === "boolean") line += v ? "b1" : "b0";
    else if (typeof v === "number") line += `d${Object.is(v, -0) ? "-0" : String(v)}`;
    else if (typeof v === "string") line += `s${JSON.stringify(v)}`;
    else line += `j${JSON.stringify(v)}`;
    line += "\t";
  }
  return `${line}\n`;
}

/** PostgreSQL's ordering of a key as SQLite's: byte order for text (`COLLATE "C"`), else plain. */
function pgKey(pair: TablePair): SQL {
  const col = columnsOf(pair.pg)[pair.primaryKey] as Column;
  return col.dataType === "string" ? sql`${col} COLLATE "C"` : sql`${col}`;
}

/** Runs `fn` in one read-committed transaction on the target, in its schema when embedded. */
async function inTargetTransaction<T>(target: OpenPg, fn: (db: PgDb) => Promise<T>): Promise<T> {
  const mode = "isolation level read committed read write";
  if (target.begin) return target.begin(mode, (tx) => fn(tx.db));
  return target.db.transaction(async (inner) => {
    // One embedded database may hold several schemas (tests): name this one first.
    if (target.schema) await inner.execute(sql.raw(`SET LOCAL search_path TO ${target.schema}`));
    return fn(inner as unknown as PgDb);
  });
}

/** The first value of the first row of a raw query, on postgres.js or PGlite. */
async function scalar(db: PgDb, query: SQL): Promise<unknown> {
  const result = await db.execute(query);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
    string,
    unknown
  >[];
  const first = rows[0];
  return first ? Object.values(first)[0] : undefined;
}

const count = (n: number): string => n.toLocaleString("en-US");

/**
 * Copies every table of `source` into the empty database `target`, ids kept, in one PostgreSQL
 * transaction: the tables are locked against other writers, the copy is read back and compared
 * with the file (row counts and a SHA-256 per table), each identity sequence is moved past the
 * largest id, and only then does the transaction commit. Reads and writes go a chunk at a time,
 * so a file of millions of rows never sits in memory.
 *
 * @throws CopyRefusal when the target already holds rows, when the copy does not read back the
 *   same (or the file changed while it was read: the bot was still running), or when PostgreSQL
 *   refused a row; PostgreSQL is then left as it was.
 */
export async function copyDatabase(
  source: OpenDb,
  target: OpenPg,
  opts: CopyOptions = {},
): Promise<CopyReport> {
  const started = performance.now();
  const pairs = tablePairs();
  const wanted = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const client = source.$client;
  return inTargetTransaction(target, async (db) => {
    // EXCLUSIVE lets others read but not write until the commit: a second move, or a bot started
    // too early on the target, waits here, and then finds rows and is refused.
    await db.execute(
      sql`LOCK TABLE ${sql.join(
        pairs.map((p) => p.pg),
        sql`, `,
      )} IN EXCLUSIVE MODE`,
    );
    const holding: string[] = [];
    for (const p of pairs)
      if (await scalar(db, sql`SELECT EXISTS (SELECT 1 FROM ${p.pg})`)) holding.push(p.name);
    if (holding.length > 0)
      throw new CopyRefusal(
        "refused",
        `PostgreSQL already holds rows (in ${holding.join(", ")}); the move copies only into an empty database, so nothing was changed.`,
      );

    // One read transaction on the file: every table is read from the same moment, so a
    // check-in never arrives without its commitment even if something writes meanwhile.
    const versionBefore = client.pragma("data_version", { simple: true });
    const expected = new Map<string, { rows: number; checksum: string; lastKey: unknown }>();
    const tables: TableReport[] = [];
    let issued = new Map<string, number>();
    client.exec("BEGIN");
    try {
      issued = issuedIds(client);
      for (const pair of pairs) {
        const t0 = performance.now();
        const copied = await copyTable(source, db, pair, wanted);
        const ms = performance.now() - t0;
        expected.set(pair.name, copied);
        tables.push({ name: pair.name, rows: copied.rows, checksum: copied.checksum, copyMs: ms });
        opts.onProgress?.({ phase: "copied", table: pair.name, rows: copied.rows, ms });
      }
    } finally {
      if (client.inTransaction) client.exec("COMMIT");
    }
    await opts.afterCopy?.(db);
    // data_version moves when another connection commits to the file: what was copied is then
    // already out of date, and the bot that wrote it would go on writing to the file.
    if (client.pragma("data_version", { simple: true }) !== versionBefore)
      throw new CopyRefusal(
        "mismatch",
        "The SQLite file changed while it was being copied: is Amends still running on it? Stop it and run the move again; PostgreSQL was left as it was.",
      );

    const v0 = performance.now();
    const differences: string[] = [];
    for (const pair of pairs) {
      const want = expected.get(pair.name);
      const got = await readBack(db, pair, wanted);
      if (!want || got.rows !== want.rows || got.checksum !== want.checksum)
        differences.push(
          `${pair.name}: SQLite ${count(want?.rows ?? 0)} rows, sha256 ${want?.checksum.slice(0, 12)}; PostgreSQL ${count(got.rows)} rows, sha256 ${got.checksum.slice(0, 12)}`,
        );
      else opts.onProgress?.({ phase: "verified", table: pair.name, rows: got.rows, checksum: got.checksum });
    }
    if (differences.length > 0)
      throw new CopyRefusal(
        "mismatch",
        `The copy did not read back the same as the SQLite file (${differences.length} of ${pairs.length} tables differ); PostgreSQL was left as it was.`,
        differences,
      );
    const verifyMs = performance.now() - v0;

    // Each identity sequence moves past the largest id SQLite ever issued, so new rows get fresh
    // ids. After the verification: setval is not undone by a rollback, and a refused move should
    // leave the sequences as they were.
    for (const pair of pairs) {
      const lastKey = expected.get(pair.name)?.lastKey;
      const highest = Math.max(issued.get(pair.name) ?? 0, typeof lastKey === "number" ? lastKey : 0);
      if (!pair.identity || highest === 0) continue;
      const col = columnsOf(pair.pg)[pair.primaryKey] as Column;
      await db.execute(
        sql`SELECT setval(pg_get_serial_sequence(${`"${pair.name}"`}, ${col.name}), ${highest})`,
      );
    }
    const rows = tables.reduce((n, t) => n + t.rows, 0);
    return { tables, rows, totalMs: performance.now() - started, verifyMs };
  });
}

/**
 * The largest id SQLite has ever handed out per table (`AUTOINCREMENT` keeps it in
 * `sqlite_sequence`). It can be above every id left in the table: `/forget` deletes the newest
 * person, held notes are deleted once used. PostgreSQL must not hand those ids out again, as an
 * old message's buttons name the ids of the rows they act on.
 */
function issuedIds(client: Database.Database): Map<string, number> {
  const known = client
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
    .get();
  if (!known) return new Map();
  const rows = client.prepare("SELECT name, seq FROM sqlite_sequence").all() as {
    name: string;
    seq: number;
  }[];
  return new Map(rows.map((r) => [r.name, Number(r.seq)]));
}

/**
 * Copies one table a chunk at a time in key order, hashing what it reads from the file. One
 * INSERT is left in flight while the next chunk is read and built: the server works on one while
 * this process prepares the other, instead of each waiting for the other in turn.
 */
async function copyTable(
  source: OpenDb,
  db: PgDb,
  pair: TablePair,
  chunk: number,
): Promise<{ rows: number; checksum: string; lastKey: unknown }> {
  const key = columnsOf(pair.sqlite)[pair.primaryKey] as Column;
  const hash = createHash("sha256");
  let rows = 0;
  let last: unknown;
  let inFlight: Promise<unknown> | undefined;
  for (;;) {
    const batch = source
      .select()
      .from(pair.sqlite)
      .where(last === undefined ? undefined : gt(key, last as number))
      .orderBy(asc(key))
      .limit(chunk)
      .all() as Record<string, unknown>[];
    if (batch.length === 0) break;
    hashRows(hash, batch, pair.keys);
    const query = insertChunk(pair, batch);
    await inFlight;
    // Caught here, so a refusal never waits unobserved while the next chunk is being read.
    inFlight = db.execute(query).catch((err: unknown) => {
      throw refusedRow(pair, batch, err);
    });
    inFlight.catch(() => {});
    rows += batch.length;
    last = batch[batch.length - 1]?.[pair.primaryKey];
    if (batch.length < chunk) break;
  }
  await inFlight;
  return { rows, checksum: hash.digest("hex"), lastKey: last };
}

/**
 * One chunk as one INSERT with a parameter per column, not per value: each column's values go as
 * one PostgreSQL array literal, and `unnest` turns the arrays back into rows. Through drizzle's
 * insert builder, building the statements took half of the whole move (a few µs per value; 48 s
 * for 410,000 rows, 21 s this way). Each value is still converted by its PostgreSQL column's
 * `mapToDriverValue` (JSON to text, for one) and cast to the column's own SQL type by the server.
 * The literal travels as text, so both drivers (postgres.js and PGlite) send it unchanged.
 */
function insertChunk(pair: TablePair, rows: Record<string, unknown>[]): SQL {
  const cols = columnsOf(pair.pg);
  const arrays = pair.keys.map((key) => {
    const col = cols[key] as Column;
    let literal = "{";
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) literal += ",";
      const v = rows[i]?.[key];
      literal +=
        v === null || v === undefined
          ? "NULL"
          : `"${String(col.mapToDriverValue(v)).replace(/["\\]/g, "\\$&")}"`;
    }
    return sql`${`${literal}}`}::text::${sql.raw(col.getSQLType())}[]`;
  });
  const names = pair.keys.map((key) => sql.identifier((cols[key] as Column).name));
  return sql`INSERT INTO ${pair.pg} (${sql.join(names, sql`, `)}) SELECT * FROM unnest(${sql.join(arrays, sql`, `)})`;
}

/** Reads one table back from PostgreSQL through drizzle, hashing it as {@link copyTable} did. */
async function readBack(
  db: PgDb,
  pair: TablePair,
  chunk: number,
): Promise<{ rows: number; checksum: string }> {
  const key = pgKey(pair);
  const hash = createHash("sha256");
  let rows = 0;
  let last: unknown;
  for (;;) {
    const batch = (await db
      .select()
      .from(pair.pg)
      .where(last === undefined ? undefined : sql`${key} > ${last}`)
      .orderBy(key)
      .limit(chunk)) as Record<string, unknown>[];
    if (batch.length === 0) break;
    hashRows(hash, batch, pair.keys);
    rows += batch.length;
    last = batch[batch.length - 1]?.[pair.primaryKey];
    if (batch.length < chunk) break;
  }
  return { rows, checksum: hash.digest("hex") };
}

function hashRows(hash: Hash, rows: Record<string, unknown>[], keys: string[]): void {
  let text = "";
  for (const row of rows) text += rowLine(row, keys);
  hash.update(text);
}

/** PostgreSQL refused a chunk: say which table and which rows, with the server's own words. */
function refusedRow(pair: TablePair, batch: Record<string, unknown>[], err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  // drizzle wraps the driver's error ("Failed query: …" with every parameter): keep the cause's.
  const inner = typeof e.cause?.code === "string" ? e.cause : e;
  if (typeof inner.code !== "string") return err;
  const first = batch[0]?.[pair.primaryKey];
  const lastId = batch[batch.length - 1]?.[pair.primaryKey];
  return new CopyRefusal(
    "failed",
    `PostgreSQL refused a row of ${pair.name} (${pair.primaryKey} ${String(first)} to ${String(lastId)}): ${String(inner.message)}. PostgreSQL was left as it was.`,
  );
}

/** Where to move from and to. */
export interface MoveLocations {
  /** The SQLite file. */
  from: string;
  /** `postgres://…` */
  to: string;
}

/**
 * Opens the SQLite file with {@link openDatabase} (its migrations applied, so an older file is
 * brought up to date first), after checking that it exists and is an Amends database: the opener
 * would otherwise create a missing file, or add Amends's tables to some other database.
 * @throws CopyRefusal, or the opener's DatabaseOpenError.
 */
export function openSource(path: string): OpenDb {
  if (path === ":memory:" || path === "")
    throw new CopyRefusal("refused", "Name the SQLite file to move (DATABASE_PATH or --from).");
  if (!existsSync(path)) throw new CopyRefusal("refused", `There is no SQLite database at ${path}.`);
  if (statSync(path).isDirectory())
    throw new CopyRefusal(
      "refused",
      `${path} is a directory; name the SQLite file (DATABASE_PATH or --from).`,
    );
  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true });
    const tables = probe
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('people', '__drizzle_migrations')",
      )
      .pluck()
      .all();
    if (tables.length < 2)
      throw new CopyRefusal("refused", `${path} is an SQLite file, but not an Amends database.`);
  } catch (err) {
    if (err instanceof CopyRefusal) throw err;
    throw (err instanceof Database.SqliteError && openFailure(path, err)) || err;
  } finally {
    probe?.close();
  }
  return openDatabase(path);
}

/**
 * The whole move as `npm run migrate-to-postgres` runs it: opens both databases (each migrated),
 * copies and verifies ({@link copyDatabase}), closes both.
 * @throws CopyRefusal or DatabaseOpenError, each one line without a password.
 */
export async function moveToPostgres(where: MoveLocations, opts: CopyOptions = {}): Promise<CopyReport> {
  if (!/^postgres(ql)?:\/\/\S+$/.test(where.to))
    throw new CopyRefusal(
      "refused",
      "Name the PostgreSQL database to move to (DATABASE_URL or --to), such as postgres://user@host:5432/amends.",
    );
  const source = openSource(where.from);
  try {
    // Through openStore, for its one-line refusals (nothing answers, the password was refused…).
    const store = (await openStore({ url: where.to, path: where.from })) as PgStore;
    try {
      return await copyDatabase(source, store.opened, opts);
    } catch (err) {
      if (err instanceof CopyRefusal || err instanceof DatabaseOpenError) throw err;
      const code = (err as { code?: unknown }).code;
      // Anything else from the server while copying is still said in one line, without the URL's secrets.
      if (typeof code === "string")
        throw new CopyRefusal(
          "failed",
          `PostgreSQL at ${redactedUrl(where.to)} stopped the move (${code}: ${String((err as Error).message)}); it was left as it was.`,
        );
      throw err;
    } finally {
      await store.close();
    }
  } finally {
    source.$client.close();
  }
}
