/**
 * The PostgreSQL side of the benchmark: whether a server answers at `PG_BENCH_URL`, a fresh
 * schema of its own for each size (dropped afterwards), seeding it with exactly the rows
 * bench/seed.ts gives SQLite (same PRNG stream, so the same due times) by COPY rather than through
 * the engine, the raw statements that set the stage ({@link BenchDb}), and a burst with every
 * statement the driver sends counted, to tell how many round trips an opened check-in costs.
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { toPlain } from "../src/richtext";
import { redactedUrl } from "../src/store/open";
import { type OpenPg, openedOver, openPostgres, pgClientOptions } from "../src/store/pg/db";
import { createPgStore, type PgStore } from "../src/store/pg/store";
import type { Engine, Inbound, TickReport } from "../src/types";
import { type BenchDb, dueInMinute } from "./bench-db";
import {
  BURST_MINUTE,
  buildEngine,
  burstIds,
  commandFrom,
  type FixedClock,
  watched,
  workDone,
} from "./engine-bench";
import { chatExternalId, chatTitle, type Seeded, seedCommitments, seedPerson, seedShape } from "./seed";
import { median } from "./stats";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Where the PostgreSQL column's server is looked for. */
export const PG_BENCH_URL = process.env.PG_BENCH_URL || "postgres://postgres@127.0.0.1:5432/test";

/** A raw postgres.js client on `schema`, for seeding and setting the stage. */
export const rawClient = (url: string, schema: string, max = 4): postgres.Sql =>
  postgres(url, { ...pgClientOptions(schema), max });

/**
 * Whether a server answers at `url` and lets this user create a schema; the reason (one line,
 * no password) when it does not.
 */
export async function probePostgres(
  url: string,
): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  const where = redactedUrl(url);
  let sql: postgres.Sql;
  try {
    sql = postgres(url, { ...pgClientOptions(), max: 1, connect_timeout: 3 });
  } catch (err) {
    return { ok: false, why: `PG_BENCH_URL is not a usable URL (${(err as Error).message})` };
  }
  try {
    const [row] = await sql<{ version: string; may: boolean }[]>`
      SELECT current_setting('server_version') AS version,
             has_database_privilege(current_database(), 'CREATE') AS may`;
    if (!row?.may) return { ok: false, why: `${where}: this user may not create a schema there` };
    return { ok: true, version: row.version };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, why: `${where}: ${e.code ? `${e.code} ` : ""}${e.message ?? String(err)}` };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** A schema name no other run uses: this process, this size, and the time. */
export const benchSchemaName = (n: number): string =>
  `amends_bench_${process.pid}_${n}_${Date.now().toString(36)}`;

/** Drops `schema` and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const sql = postgres(url, { ...pgClientOptions(), max: 1 });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** One field of COPY's text format: NULL as \N, and its four special characters escaped. */
function field(v: string | number | boolean | null): string {
  if (v === null) return "\\N";
  if (typeof v === "boolean") return v ? "t" : "f";
  if (typeof v === "number") return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c);
}

/** Rows as COPY text, in chunks of about 256 KiB (one write each, not one per row). */
function* copyText(rows: Iterable<readonly (string | number | boolean | null)[]>): Generator<string> {
  let chunk = "";
  for (const row of rows) {
    chunk += `${row.map(field).join("\t")}\n`;
    if (chunk.length >= 262_144) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/** COPYs `rows` into `table (columns)`. */
async function copyInto(
  sql: postgres.Sql,
  table: string,
  columns: string,
  rows: Iterable<readonly (string | number | boolean | null)[]>,
): Promise<void> {
  const into = await sql.unsafe(`COPY ${table} (${columns}) FROM STDIN`).writable();
  await pipeline(Readable.from(copyText(rows)), into);
}

/** The tables the seed fills. */
const SEEDED_TABLES = ["chats", "people", "commitments", "events", "check_ins"];

/**
 * Takes the seeded tables' secondary indexes and foreign keys off, as the PostgreSQL manual's
 * "Populating a Database" advises: maintaining five indexes and checking three keys row by row
 * made COPYing a million commitments take minutes. Returns the statements that put them back,
 * exactly as the migrations made them (same names, same definitions), built from the catalog.
 */
async function liftIndexesAndKeys(sql: postgres.Sql, schema: string): Promise<{ restore: string[] }> {
  const indexes = await sql<{ name: string; def: string }[]>`
    SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ${schema} AND t.relname = ANY(${SEEDED_TABLES}::text[])
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype <> 'f')`;
  const keys = await sql<{ name: string; table: string; def: string }[]>`
    SELECT k.conname AS name, t.relname AS table, pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k
    JOIN pg_class t ON t.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ${schema} AND k.contype = 'f' AND t.relname = ANY(${SEEDED_TABLES}::text[])`;
  for (const k of keys) await sql.unsafe(`ALTER TABLE ${k.table} DROP CONSTRAINT "${k.name}"`);
  for (const i of indexes) await sql.unsafe(`DROP INDEX "${i.name}"`);
  return {
    restore: [
      ...indexes.map((i) => i.def),
      ...keys.map((k) => `ALTER TABLE ${k.table} ADD CONSTRAINT "${k.name}" ${k.def}`),
    ],
  };
}

/**
 * Seeds `schema` (created and migrated here, through the real migrations) with the rows
 * bench/seed.ts writes to SQLite for `count` commitments around `t0`: people, group chats, active
 * commitments with their `created` events and two answered check-ins each. COPY streams each
 * table in one statement, with secondary indexes and foreign keys lifted meanwhile and rebuilt
 * (and checked) afterwards in one pass each. Then the identity sequences move past the seeded ids
 * (so `/commit` gets fresh ones), and a VACUUM ANALYZE and a CHECKPOINT settle the tables, as the
 * SQLite seed checkpoints and fsyncs, so neither stale statistics nor background writing colour
 * the figures that follow.
 */
export async function seedPostgres(url: string, schema: string, count: number, t0: number): Promise<Seeded> {
  const started = performance.now();
  const migrated = await openPostgres(url, { schema, max: 2 });
  await migrated.close();
  const shape = seedShape(count, t0);
  const created = shape.createdAt;
  // More sort memory than the default 64 MB: each index is built by one sort.
  const sql = postgres(url, {
    ...pgClientOptions(schema),
    max: 4,
    connection: { search_path: schema, maintenance_work_mem: "256MB" },
  });
  try {
    const { restore } = await liftIndexesAndKeys(sql, schema);
    await copyInto(
      sql,
      "chats",
      "id, platform, external_id, kind, title, created_at",
      (function* () {
        for (let j = 1; j <= shape.chats; j++)
          yield [j, "telegram", chatExternalId(j), "group", chatTitle(j), created];
      })(),
    );
    await copyInto(
      sql,
      "people",
      "id, platform, external_id, name, username, is_bot, zone, dm_chat_id, created_at",
      (function* () {
        for (let i = 1; i <= shape.people; i++) {
          const p = seedPerson(i);
          yield [p.id, "telegram", p.externalId, p.name, p.username, false, p.zone, p.dmChatId, created];
        }
      })(),
    );
    await copyInto(
      sql,
      "commitments",
      `id, owner_id, chat_id, number, promise, cadence, cadence_state, anchor, zone, visibility, state,
       witness_id, witness_status, next_due_at, streak, created_at, updated_at`,
      (function* () {
        for (const c of seedCommitments(count, t0))
          yield [
            c.id,
            c.owner,
            c.chat,
            c.number,
            c.promise,
            c.cadence,
            c.cadenceState,
            c.anchor,
            c.zone,
            c.visibility,
            "active",
            c.witness,
            c.witness === null ? null : "active",
            c.nextDue,
            c.streak,
            created,
            created,
          ];
      })(),
    );
    await Promise.all([
      copyInto(
        sql,
        "events",
        "commitment_id, actor_id, kind, data, at",
        (function* () {
          for (const c of seedCommitments(count, t0)) yield [c.id, c.owner, "created", c.eventData, created];
        })(),
      ),
      copyInto(
        sql,
        "check_ins",
        "commitment_id, due_at, window_end, state, answer, answered_at, created_at",
        (function* () {
          for (const c of seedCommitments(count, t0))
            for (const due of c.history) yield [c.id, due, due + DAY, "answered", "kept", due + HOUR, due];
        })(),
      ),
    ]);
    // Two at a time: the machine may have no more cores to give them.
    const queue = [...restore];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await sql.unsafe(next);
    };
    await Promise.all([worker(), worker()]);
    for (const [table, last] of [
      ["chats", shape.chats],
      ["people", shape.people],
      ["commitments", count],
    ] as const)
      await sql.unsafe(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), ${last})`);
    await sql`UPDATE people SET next_digest_at = ${shape.digestAt}
              WHERE id IN (SELECT witness_id FROM commitments WHERE witness_id IS NOT NULL)`;
    for (const table of ["chats", "people", "commitments", "events", "check_ins", "outbox"])
      await sql.unsafe(`VACUUM (ANALYZE) ${table}`);
    // Needs pg_checkpoint (or superuser): without it the writing-back merely overlaps a little.
    await sql`CHECKPOINT`.catch(() => {});
    const [size] = await sql<{ bytes: number }[]>`
      SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND c.relkind = 'r'`;
    return {
      path: schema,
      t0,
      commitments: count,
      people: shape.people,
      chats: shape.chats,
      history: count * 2,
      seedMs: performance.now() - started,
      fileBytes: size?.bytes ?? 0,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The benchmark's view of a seeded schema: `store` for the engine, `sql` for the stage. */
export function pgBench(store: PgStore, sql: postgres.Sql): BenchDb {
  return {
    dialect: "postgres",
    label: "PostgreSQL",
    store,
    makeDue: async (ids, minute) => {
      const dues = ids.map((_, k) => dueInMinute(minute, k));
      await sql`UPDATE commitments c SET next_due_at = v.due
                FROM unnest(${ids as number[]}::int[], ${dues}::int8[]) AS v(id, due)
                WHERE c.id = v.id`;
    },
    verifyBurst: async (ids, minute) => {
      const list = ids as number[];
      const [row] = await sql<{ checkIns: number; prompts: number; advanced: number }[]>`
        SELECT
          (SELECT count(*)::int FROM check_ins
           WHERE commitment_id = ANY(${list}::int[]) AND state = 'pending'
             AND due_at >= ${minute} AND due_at < ${minute + MINUTE}) AS "checkIns",
          (SELECT count(*)::int FROM outbox o JOIN check_ins k ON o.purpose = 'prompt:' || k.id
           WHERE k.commitment_id = ANY(${list}::int[])
             AND k.due_at >= ${minute} AND k.due_at < ${minute + MINUTE}) AS prompts,
          (SELECT count(*)::int FROM commitments
           WHERE id = ANY(${list}::int[]) AND next_due_at >= ${minute + MINUTE}) AS advanced`;
      return row ?? { checkIns: 0, prompts: 0, advanced: 0 };
    },
    moveOut: async (afterId, at) => {
      await sql`UPDATE commitments SET next_due_at = ${at} WHERE id > ${afterId}`;
    },
    queue: async (rows, now) => {
      await sql`INSERT INTO outbox (purpose, platform, recipient, payload, not_before, created_at)
                SELECT p, 'telegram', r::jsonb, b::jsonb, 0, ${now}
                FROM unnest(${rows.map((r) => r.purpose)}::text[], ${rows.map((r) => r.recipient)}::text[],
                            ${rows.map((r) => r.payload)}::text[]) AS v(p, r, b)`;
    },
    unsent: async () => {
      const [row] = await sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`;
      return row?.n ?? 0;
    },
  };
}

/**
 * `openPostgres` as src/store/pg/db.ts does it (the schema is migrated already), but with the
 * driver's `debug` hook, which hears every statement sent: BEGIN, SET TRANSACTION, SAVEPOINT and
 * COMMIT included, each one round trip to the server.
 */
function openCounting(
  url: string,
  schema: string,
  application: string,
  onStatement: (sql: string) => void,
): OpenPg {
  const client = postgres(url, {
    ...pgClientOptions(schema),
    // As openPostgres: a pool of 10; named, so its server processes can be found.
    max: 10,
    connection: { ...pgClientOptions(schema).connection, application_name: application },
    debug: (_connection, query) => onStatement(query),
  });
  return openedOver(client);
}

/** The instrumented PostgreSQL burst: every statement counted. */
export interface QueryCountResult {
  tickMs: number;
  opened: number;
  statements: number;
  transactions: number;
  /** Statements by kind, most frequent first, with their count. */
  byKind: { kind: string; calls: number }[];
  /** Median round trip of `SELECT 1` on an open connection. */
  roundTripMs: number;
  /** CPU time this process spent during the tick (user + system, all its threads). */
  cpuMs: number;
  /**
   * CPU time the server processes serving the tick spent during it, read from /proc when the
   * server runs on this machine (NaN when it does not, or /proc will not tell).
   */
  serverCpuMs: number;
  /** Batches the tick runs side by side on PostgreSQL (`store.parallelism`). */
  lanes: number;
  /** Statements one `/commit` and one `/status` send, averaged over a few of each. */
  commands: { commit: CommandCount; status: CommandCount };
}

/** Statements per command, by kind. */
export interface CommandCount {
  runs: number;
  perRun: number;
  byKind: { kind: string; calls: number }[];
  /** Replies other than the expected answer (a refusal, the apology). */
  unexpected: number;
}

const sortedKinds = (kinds: Map<string, number>) =>
  [...kinds.entries()].map(([kind, calls]) => ({ kind, calls })).sort((a, b) => b.calls - a.calls);

/** A statement's kind: its first words, with savepoint names and parameters left out. */
function kindOf(sql: string): string {
  const flat = sql.replace(/\s+/g, " ").trim();
  if (/^savepoint /i.test(flat)) return "SAVEPOINT";
  if (/^release savepoint /i.test(flat)) return "RELEASE SAVEPOINT";
  if (/^rollback to savepoint /i.test(flat)) return "ROLLBACK TO SAVEPOINT";
  const table = /\b(?:from|into|update)\s+"?(\w+)"?/i.exec(flat)?.[1];
  const verb = /^\w+/.exec(flat)?.[0]?.toUpperCase() ?? flat;
  if (verb === "BEGIN" || verb === "COMMIT" || verb === "ROLLBACK") return verb;
  if (verb === "SET") return flat.slice(0, 40).toUpperCase();
  return table ? `${verb} ${table}` : flat.slice(0, 40);
}

/** CPU time (user + system) of process `pid` in milliseconds, from /proc; NaN if unreadable. */
function processCpuMs(pid: number): number {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Clock ticks: USER_HZ is 100 on every Linux the server would run on here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU milliseconds so far of each server process that serves `application`, by pid. */
async function serverCpu(sql: postgres.Sql, application: string): Promise<Map<number, number>> {
  const rows = await sql<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE application_name = ${application}`;
  return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid)]));
}

/**
 * A second burst of 10,000 (`size`), on commitments the first left alone, through a store whose
 * driver counts every statement: how many round trips opening one check-in takes, next to the
 * time one round trip takes and the CPU this process and the server spent, which together tell
 * waiting from working, and where. Then a few `/commit` and `/status`, counted the same way.
 */
export async function measureBurstQueries(
  url: string,
  schema: string,
  bench: BenchDb,
  clock: FixedClock,
  seeded: Seeded,
  size = 10_000,
): Promise<QueryCountResult> {
  const kinds = new Map<string, number>();
  let counting = false;
  const application = `${schema}_counted`;
  const opened = openCounting(url, schema, application, (sql) => {
    if (!counting) return;
    const kind = kindOf(sql);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  });
  const store = createPgStore(opened);
  try {
    const engine: Engine = buildEngine(store, clock);
    const ids = burstIds(seeded, size, 1);
    // The first burst's minute and tick instant again: its check-ins' reminders and window ends
    // lie after it, so this tick does nothing but open the second 10,000.
    const minute = BURST_MINUTE(seeded);
    await bench.makeDue(ids, minute);
    // Connections open and statements prepared before counting starts.
    await engine.tick(new Date(seeded.t0));
    const pings: number[] = [];
    const sql = rawClient(url, schema, 1);
    let serverCpuMs = Number.NaN;
    let run: Awaited<ReturnType<typeof watched<TickReport>>>;
    let used: NodeJS.CpuUsage;
    try {
      await sql`SELECT 1`;
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        await sql`SELECT 1`;
        pings.push(performance.now() - t);
      }
      const before = await serverCpu(sql, application);
      counting = true;
      const cpu = process.cpuUsage();
      run = await watched(() => engine.tick(new Date(minute + MINUTE)));
      used = process.cpuUsage(cpu);
      counting = false;
      const after = await serverCpu(sql, application);
      // A process that started during the tick counts whole (its start-up is a few ms).
      serverCpuMs = [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
    } finally {
      await sql.end({ timeout: 5 });
    }
    const r = run.value;
    if (r.opened !== ids.length || workDone(r) !== r.opened)
      throw new Error(`instrumented burst did other work than opening ${ids.length}: ${JSON.stringify(r)}`);
    const byKind = sortedKinds(kinds);

    const countCommand = async (
      make: (k: number) => Inbound,
      ok: (text: string) => boolean,
      runs = 50,
    ): Promise<CommandCount> => {
      kinds.clear();
      let unexpected = 0;
      for (let k = 0; k < runs; k++) {
        const input = make(k);
        clock.ms += 10;
        counting = true;
        const replies = await engine.handle(input);
        counting = false;
        if (!ok(replies.map((reply) => toPlain(reply.text)).join("\n"))) unexpected++;
      }
      const counted = sortedKinds(kinds);
      const total = counted.reduce((sum, k) => sum + k.calls, 0);
      return { runs, perRun: total / runs, byKind: counted, unexpected };
    };
    // People from the far end of the table, which measureHandle's spread mostly left alone.
    const person = (k: number) => Math.max(1, seeded.people - k);
    const commit = await countCommand(
      (k) => commandFrom(person(k), seeded, `/commit Stretch for ten minutes every evening #${k}`),
      (text) => text.startsWith("Committed"),
    );
    const status = await countCommand(
      (k) => commandFrom(person(k + 50), seeded, "/status"),
      (text) => text.startsWith("Your commitments"),
    );
    // What /commit made must not fall due under the dispatch figures that follow.
    await bench.moveOut(seeded.commitments, seeded.t0 + 3 * DAY);
    return {
      tickMs: run.ms,
      opened: r.opened,
      statements: byKind.reduce((sum, k) => sum + k.calls, 0),
      transactions: byKind.find((k) => k.kind === "BEGIN")?.calls ?? 0,
      byKind,
      roundTripMs: median(pings),
      cpuMs: (used.user + used.system) / 1000,
      serverCpuMs,
      lanes: store.parallelism,
      commands: { commit, status },
    };
  } finally {
    await store.close();
  }
}

/** Opens the measured store on a seeded schema, exactly as `DATABASE_URL` would (migrations found done). */
export async function openBenchStore(url: string, schema: string): Promise<PgStore> {
  return createPgStore(await openPostgres(url, { schema }));
}
