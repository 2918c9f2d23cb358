/**
 * The same bot on either store: every console script in tests/scripts/ is run through the real
 * composition root (`npm start`'s entry) once on SQLite and once on PostgreSQL (DATABASE_URL, a
 * fresh database of its own), and the two transcripts must be identical, word for word.
 */
import { readdirSync } from "node:fs";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { runScript, scratch } from "./support/run-script";
import { PG_TEST_URL, pgServerAnswers } from "./support/stores";

const tmp = scratch();
const created: string[] = [];
const server = await pgServerAnswers();
if (!server && process.env.CI === "true")
  throw new Error(
    `PostgreSQL does not answer at ${PG_TEST_URL}; CI expects a server there (set PG_TEST_URL).`,
  );

afterAll(async () => {
  tmp.remove();
  if (created.length === 0) return;
  const admin = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
  for (const name of created) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end({ timeout: 1 });
});

/** A fresh, empty database on the test server; its URL. */
async function freshDatabase(tag: string): Promise<string> {
  const name = `amends_tr_${process.pid}_${tag.replace(/\W/g, "_")}`.toLowerCase();
  const admin = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end({ timeout: 1 });
  created.push(name);
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

const scripts = readdirSync("tests/scripts").filter((f) => f.endsWith(".txt") && !f.includes(".transcript."));

describe.skipIf(!server)("every console script reads the same on SQLite and on PostgreSQL", () => {
  it.each(scripts)(
    "%s",
    async (script) => {
      const onSqlite = runScript(tmp.dir, script, `${script}.sqlite`);
      const onPostgres = runScript(tmp.dir, script, "unused.sqlite", {
        DATABASE_URL: await freshDatabase(script),
      });
      expect(onSqlite.err).toBe("");
      expect(onPostgres.err).toBe("");
      expect(onSqlite.code).toBe(0);
      expect(onPostgres.code).toBe(0);
      expect(onSqlite.out.length).toBeGreaterThan(1_000);
      expect(onPostgres.out).toBe(onSqlite.out);
    },
    180_000,
  );
});
