/**
 * `npm run migrate-to-postgres` (src/store/copy.ts): an SQLite file filled through the engine
 * (JSON columns, flags, nulls, a forgotten person, queued messages, a held note, a process fact)
 * is moved into a fresh PostgreSQL schema. Every table arrives with the same rows, read back
 * through drizzle; the bot on PostgreSQL answers as it did on SQLite and hands out fresh ids; a
 * target that holds rows is refused, and a copy that does not read back the same, or a file that
 * changes while it is read, is reported and rolled back.
 *
 * The test opens both stores itself (the PostgreSQL server at PG_TEST_URL, or an embedded one
 * where none answers), so it belongs to the `fast` project; in `postgres` it only runs again.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CopyRefusal, type CopyReport, copyDatabase, moveToPostgres, tablePairs } from "../src/store/copy";
import { type PgDb, rowsOf } from "../src/store/pg/db";
import type { PgStore } from "../src/store/pg/store";
import type { OpenDb } from "../src/store/sqlite/db";
import type { DatabaseOpenError } from "../src/store/sqlite/open-errors";
import { DAY, H, iso, jumpTo } from "./support/followup";
import { createBot, dm } from "./support/harness";
import { allCommitments, allPeople, openStore, setProcessFact } from "./support/inspect";
import { tempDir } from "./support/people-bot";
import { openTestStore, realStore } from "./support/stores";

type Bot = ReturnType<typeof createBot>;

const START = "2026-11-29T11:00:00Z";
const NOTE = "I bought something and did not tell him";
/** Everyone who writes in the story and is still there after it; dave uses /forget. */
const PEOPLE = ["alice", "bob", "carol"];

/**
 * The story, on the SQLite file at `path`: settings, commitments in the group and in a DM, a
 * witness with alerts off, answers with notes and verdicts, a pending change, a pause, dave's
 * /forget (he was the newest person), prompts still queued and a note waiting for its button.
 */
async function story(path: string): Promise<Bot> {
  const bot = createBot(START, {}, () => openStore(path, { dialect: "sqlite" }));
  await bot.say("alice", "/timezone Europe/Berlin");
  await bot.say("alice", "/quiet 22:00-07:00");
  await bot.say("alice", "/commit Call my sister every Sunday cadence: weekly sun 18:00 step: 13");
  for (const p of ["Walk after lunch", "Stretch", "Read before bed"])
    await bot.say("alice", `/commit ${p} cadence: daily 12:00`);
  await bot.say("alice", "/commit Keep a journal cadence: daily 12:00 private", dm("alice"));
  for (const n of [1, 2]) {
    const invite = await bot.send("alice", `/witness #${n} @bob${n === 1 ? " alerts: off" : ""}`);
    await bot.click("bob", invite[0], "Accept");
  }
  await bot.say("bob", "/commit Tidy the kitchen cadence: every 3 days 09:00 until: 2027-03-01");
  await bot.say("carol", "/commit Say sorry to Sam cadence: once 2026-12-02 18:00 step: 9");
  await bot.say("dave", "/commit Run cadence: daily 11:00");
  await bot.click("alice", (await bot.send("dave", "/witness #1 @alice"))[0], "Accept");

  // Monday 30 Nov, 12:30 in Berlin: alice's daily check-ins and dave's are open.
  await jumpTo(bot, Date.parse("2026-11-30T11:30:00Z"));
  for (const [who, line] of [
    ["alice", "/checkin #2 kept the sun was out"],
    ["alice", "/checkin #3 partly"],
    ["dave", "/checkin #1 kept"],
  ] as const)
    expect(await bot.say(who, line)).not.toMatch(/no open check-in/);
  const verify = (await bot.deliver()).find((m) => m.purpose.startsWith("verify"));
  await bot.click("bob", verify?.message, "Confirm", dm("bob"));
  await bot.advance(DAY);
  // An easier change with a witness waits a day: a pending change, as JSON.
  expect(await bot.say("alice", "/edit #1 until: 2027-01-31")).toMatch(/takes effect/);
  await bot.say("alice", "/pause #4 for: 3d");
  const [ask] = await bot.send("dave", "/forget", dm("dave"));
  await bot.click("dave", ask, "Delete everything", dm("dave"));
  await setProcessFact(bot, "commands-hash", "5f1c…", bot.clock.ms);

  // Prompts opened but not delivered (bob's, on Wednesday): queued messages with their bundle JSON.
  bot.clock.ms = Date.parse("2026-12-02T09:05:00Z");
  await bot.engine.tick(bot.clock.now());
  // Several open check-ins: the note waits in held_notes for the "Which one?" button.
  await bot.say("alice", `/checkin missed ${NOTE}`);
  return bot;
}

/** The SQLite connection under a test bot. */
async function sqliteOf(bot: Bot): Promise<OpenDb> {
  const store = await realStore(bot.store);
  if (store.dialect !== "sqlite") throw new Error("expected the SQLite store");
  return store.db;
}

/** A fresh PostgreSQL schema with the migrations applied (server, or embedded where none answers). */
async function freshTarget(): Promise<PgStore> {
  return (await openTestStore({ dialect: "postgres" })) as PgStore;
}

/** Runs `query` in the target's own schema and returns its rows. */
async function pgRows<T>(target: PgStore, query: SQL): Promise<T[]> {
  const { db, schema } = target.opened;
  // A server store's connections already search its schema; an embedded one is told each time.
  if (schema) await db.execute(sql.raw(`SET search_path TO ${schema}`));
  return rowsOf<T>(await db.execute(query));
}

/** Rows per table in the SQLite file, counted by SQLite itself. */
function sqliteCounts(db: OpenDb): Record<string, number> {
  return Object.fromEntries(
    tablePairs().map((p) => [
      p.name,
      Number(db.$client.prepare(`SELECT count(*) FROM "${p.name}"`).pluck().get()),
    ]),
  );
}

/** Rows per table in the target, counted by PostgreSQL itself. */
async function pgCounts(target: PgStore): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of tablePairs()) {
    const [row] = await pgRows<{ n: number | string }>(
      target,
      sql.raw(`SELECT count(*) AS n FROM "${p.name}"`),
    );
    out[p.name] = Number(row?.n);
  }
  return out;
}

/** The same bot on the PostgreSQL copy, at the same instant as `bot`. */
function botOn(target: PgStore, bot: Bot): Bot {
  return createBot(iso(bot.clock.ms), {}, () => target);
}

const { dir, remove } = tempDir();
let bot: Bot;
let source: OpenDb;
let target: PgStore;
let report: CopyReport;
let before: Record<string, number>;

beforeAll(async () => {
  bot = await story(join(dir, "amends.sqlite"));
  source = await sqliteOf(bot);
  before = sqliteCounts(source);
  target = await freshTarget();
  report = await copyDatabase(source, target.opened);
}, 60_000);

afterAll(() => remove());

describe("moving an SQLite database to PostgreSQL", () => {
  it("copies every table of both schemas, each row as it was", async () => {
    // The story reaches every table, so a table the move forgot would show here.
    expect(Object.entries(before).filter(([, n]) => n === 0)).toEqual([]);
    expect(report.tables.map((t) => t.name).sort()).toEqual(
      ["chats", "check_ins", "commitments", "events", "held_notes", "meta", "outbox", "people"].sort(),
    );
    expect(Object.fromEntries(report.tables.map((t) => [t.name, t.rows]))).toEqual(before);
    expect(await pgCounts(target)).toEqual(before);
    for (const t of report.tables) expect(t.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(report.rows).toBe(Object.values(before).reduce((a, b) => a + b, 0));
  });

  it("keeps JSON as JSON, flags as booleans, nulls as nulls, times as bigint", async () => {
    const [types] = await pgRows<Record<string, string>>(
      target,
      sql`SELECT
            (SELECT string_agg(DISTINCT json_typeof(cadence_state), ',') FROM commitments) AS cadence_state,
            (SELECT string_agg(DISTINCT json_typeof(pending_change), ',') FROM commitments) AS pending_change,
            (SELECT string_agg(DISTINCT json_typeof(payload), ',') FROM outbox) AS payload,
            (SELECT string_agg(DISTINCT json_typeof(bundle), ',') FROM outbox) AS bundle,
            (SELECT string_agg(DISTINCT pg_typeof(witness_alerts)::text || ':' || witness_alerts::text, ',' ORDER BY pg_typeof(witness_alerts)::text || ':' || witness_alerts::text) FROM commitments) AS alerts,
            (SELECT pg_typeof(next_due_at)::text FROM commitments LIMIT 1) AS due,
            (SELECT count(*)::text FROM commitments WHERE witness_id IS NULL) AS unwitnessed,
            (SELECT string_agg(verdict || ':' || note, ',') FROM check_ins WHERE verdict IS NOT NULL) AS verdicts,
            (SELECT (count(*) > 0)::text FROM outbox WHERE sent_at IS NULL AND bundle IS NOT NULL) AS queued`,
    );
    expect(types).toEqual({
      cadence_state: "object",
      pending_change: "object",
      payload: "object",
      bundle: "object",
      alerts: "boolean:false,boolean:true",
      due: "bigint",
      unwitnessed: String(
        source.$client.prepare("SELECT count(*) FROM commitments WHERE witness_id IS NULL").pluck().get(),
      ),
      verdicts: "confirmed:the sun was out",
      queued: "true",
    });
    // A row read through each store's own drizzle table is the same record.
    const pgBot = botOn(target, bot);
    expect(await allCommitments(pgBot)).toEqual(await allCommitments(bot));
    expect(await allPeople(pgBot)).toEqual(await allPeople(bot));
    expect((await allPeople(pgBot)).map((p) => p.externalId)).toEqual(PEOPLE);
  });

  it("answers on PostgreSQL as it did on SQLite", async () => {
    const pgBot = botOn(target, bot);
    for (const line of ["/status", "/history #1", "/plan"])
      for (const who of PEOPLE) expect(await pgBot.say(who, line)).toBe(await bot.say(who, line));
  });

  it("refuses a target that already holds rows, and changes nothing there", async () => {
    const counts = await pgCounts(target);
    const refused = await copyDatabase(source, target.opened).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CopyRefusal);
    expect((refused as CopyRefusal).kind).toBe("refused");
    expect((refused as CopyRefusal).message).toMatch(
      /^PostgreSQL already holds rows \(in .*people.*\); the move copies only into an empty database, so nothing was changed\.$/,
    );
    expect(await pgCounts(target)).toEqual(counts);
  });

  it("reports a copy that does not read back the same, and rolls it back", async () => {
    const other = await freshTarget();
    const damage = async (db: PgDb) => {
      await db.execute(sql`UPDATE commitments SET promise = 'Call my sister' WHERE id = 1`);
      await db.execute(sql`DELETE FROM held_notes`);
    };
    const failed = await copyDatabase(source, other.opened, { afterCopy: damage }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(CopyRefusal);
    const refusal = failed as CopyRefusal;
    expect(refusal.kind).toBe("mismatch");
    expect(refusal.message).toBe(
      "The copy did not read back the same as the SQLite file (2 of 8 tables differ); PostgreSQL was left as it was.",
    );
    expect(refusal.details).toHaveLength(2);
    const commitments = String(before.commitments);
    expect(refusal.details[0]).toMatch(
      new RegExp(
        `^commitments: SQLite ${commitments} rows, sha256 [0-9a-f]{12}; PostgreSQL ${commitments} rows, sha256 [0-9a-f]{12}$`,
      ),
    );
    expect(refusal.details[1]).toMatch(
      /^held_notes: SQLite \d+ rows, sha256 [0-9a-f]{12}; PostgreSQL 0 rows, sha256 e3b0c44298fc$/,
    );
    expect(Object.values(await pgCounts(other)).every((n) => n === 0)).toBe(true);
    // Nothing of the failed move stays behind: the same target then takes the whole copy.
    const retried = await copyDatabase(source, other.opened);
    expect(Object.fromEntries(retried.tables.map((t) => [t.name, t.rows]))).toEqual(sqliteCounts(source));
  });

  it("stops when the file changes while it is read (the bot still running)", async () => {
    const other = await freshTarget();
    const path = source.$client.name;
    const writeAsAnotherProcess = async () => {
      const another = new Database(path);
      try {
        another.prepare("INSERT INTO meta (key, value, updated_at) VALUES ('late', 'x', 0)").run();
      } finally {
        another.close();
      }
    };
    const failed = await copyDatabase(source, other.opened, { afterCopy: writeAsAnotherProcess }).catch(
      (e: unknown) => e,
    );
    expect((failed as CopyRefusal).kind).toBe("mismatch");
    expect((failed as CopyRefusal).message).toBe(
      "The SQLite file changed while it was being copied: is Amends still running on it? Stop it and run the move again; PostgreSQL was left as it was.",
    );
    expect(Object.values(await pgCounts(other)).every((n) => n === 0)).toBe(true);
    source.$client.prepare("DELETE FROM meta WHERE key = 'late'").run();
  });

  it("reads a big table a chunk at a time and still checks every row", async () => {
    const other = await freshTarget();
    const chunked = await copyDatabase(source, other.opened, { chunkRows: 3 });
    expect(chunked.tables.map((t) => [t.name, t.rows, t.checksum])).toEqual(
      (await copyDatabase(source, (await freshTarget()).opened)).tables.map((t) => [
        t.name,
        t.rows,
        t.checksum,
      ]),
    );
  });

  it("stops at a row PostgreSQL refuses, says which, and keeps nothing", async () => {
    // SQLite keeps any integer in any integer column; PostgreSQL's quiet_start is an int4.
    const quiet = source.$client.prepare("SELECT quiet_start FROM people WHERE id = 1").pluck().get();
    source.$client.prepare("UPDATE people SET quiet_start = 3000000000 WHERE id = 1").run();
    try {
      const other = await freshTarget();
      const failed = await copyDatabase(source, other.opened).catch((e: unknown) => e);
      expect((failed as CopyRefusal).kind).toBe("failed");
      expect((failed as CopyRefusal).message).toBe(
        `PostgreSQL refused a row of people (id 1 to ${before.people}): value "3000000000" is out of range for type integer. PostgreSQL was left as it was.`,
      );
      expect(Object.values(await pgCounts(other)).every((n) => n === 0)).toBe(true);
    } finally {
      source.$client.prepare("UPDATE people SET quiet_start = ? WHERE id = 1").run(quiet);
    }
  });

  it("hands out ids after the largest SQLite ever gave, the forgotten person's included", async () => {
    const pgBot = botOn(target, bot);
    const fresh = async (b: Bot) => {
      await b.say("erin", "/commit Swim on Saturdays cadence: weekly sat 10:00");
      await b.say("alice", "/commit Phone mum cadence: daily 19:00");
      await jumpTo(b, b.clock.ms + 2 * H);
      await b.say("alice", `/checkin missed ${NOTE}`);
      return {
        people: (await allPeople(b)).map((p) => [p.id, p.externalId]),
        commitments: (await allCommitments(b)).map((c) => [c.id, c.promise]),
      };
    };
    const onSqlite = await fresh(bot);
    const onPg = await fresh(pgBot);
    expect(onPg).toEqual(onSqlite);
    // dave was person 4: erin is 5 on both, not dave's number again.
    expect(onPg.people.at(-1)).toEqual([5, "erin"]);
    const maxIds = await pgRows<Record<string, string>>(
      target,
      sql`SELECT (SELECT max(id)::text FROM events) AS events, (SELECT max(id)::text FROM held_notes) AS notes`,
    );
    const sqliteMax = source.$client
      .prepare("SELECT (SELECT max(id) FROM events) AS events, (SELECT max(id) FROM held_notes) AS notes")
      .get() as Record<string, number>;
    expect(maxIds[0]).toEqual({ events: String(sqliteMax.events), notes: String(sqliteMax.notes) });
  });
});

describe("refusals before anything is copied", () => {
  const URL_WITH_PASSWORD = "postgres://amends:hunter2@127.0.0.1:1/amends";

  it("refuses a missing file, a file that is not Amends's, and a missing URL, in one line each", async () => {
    const why = (from: string, to = URL_WITH_PASSWORD) =>
      moveToPostgres({ from, to }).then(
        () => "moved",
        (e: unknown) =>
          e instanceof CopyRefusal
            ? `${e.kind}: ${e.message}`
            : `${(e as DatabaseOpenError).problem}: ${String(e)}`,
      );
    const missing = join(dir, "nothing-here.sqlite");
    expect(await why(missing)).toBe(`refused: There is no SQLite database at ${missing}.`);
    const foreign = join(dir, "foreign.sqlite");
    const other = new Database(foreign);
    other.exec("CREATE TABLE notes (x)");
    other.close();
    expect(await why(foreign)).toBe(`refused: ${foreign} is an SQLite file, but not an Amends database.`);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "not a database, only words\n".repeat(100));
    expect(await why(text)).toBe(
      `not-sqlite: DatabaseOpenError: Amends can't open the database at ${text}: it is not an SQLite database file.`,
    );
    expect(await why(join(dir, "amends.sqlite"), "")).toBe(
      "refused: Name the PostgreSQL database to move to (DATABASE_URL or --to), such as postgres://user@host:5432/amends.",
    );
  });

  it("the command says why in one line, exits 2, and never shows the password", async () => {
    const run = promisify(execFile);
    const missing = join(dir, "gone.sqlite");
    const result = await run(
      "npx",
      ["tsx", "adapters/migrate-to-postgres.ts", "--from", missing, "--to", URL_WITH_PASSWORD],
      { env: { ...process.env, AMENDS_ENV_FILE: "none" } },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `Moving ${missing} to postgres://127.0.0.1:1/amends; stop Amends while this runs.\nThere is no SQLite database at ${missing}.\n`,
    );
    expect(result.stderr).not.toContain("hunter2");
  }, 30_000);
});
