/**
 * Start-up refusals: a database path that cannot be opened for writing, or a database written by
 * a newer Amends, is refused with one line and exit code 2, never a stack trace; a healthy path
 * still opens, fresh or existing.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, openDatabase } from "../src/store/sqlite/db";
import {
  DatabaseOpenError,
  newerDatabase,
  type OpenProblem,
  openFailure,
} from "../src/store/sqlite/open-errors";

const dir = mkdtempSync(join(tmpdir(), "amends-startup-"));
// The end-to-end cases that need an unprivileged process run as `nobody` when the tests run as
// root (chmod does not stop root), so the folder must be theirs to enter.
chmodSync(dir, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
  entries: { when: number }[];
};
const newest = Math.max(...journal.entries.map((e) => e.when));
const knownCount = journal.entries.length;

let n = 0;
/** A fresh path in the test folder. */
function at(name: string): string {
  n += 1;
  return join(dir, `${n}-${name}`);
}

function garbageFile(): string {
  const path = at("garbage.sqlite");
  writeFileSync(path, "This is a shopping list, not a database.\n".repeat(40));
  return path;
}

/** A database this version made, then moved on by a "newer" one: a migration row and a renamed column. */
function newerDatabaseFile(extra: { createdAt: number }[] = [{ createdAt: newest + 86_400_000 }]): string {
  const path = at("newer.sqlite");
  openDatabase(path).$client.close();
  const raw = new Database(path);
  for (const row of extra) {
    raw
      .prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)")
      .run("f00d", row.createdAt);
  }
  raw.exec("ALTER TABLE people RENAME COLUMN name TO display_name");
  raw.close();
  return path;
}

function readOnlyFile(): string {
  const path = at("readonly.sqlite");
  openDatabase(path).$client.close();
  chmodSync(path, 0o444);
  return path;
}

function lockedFolder(): string {
  const folder = at("locked");
  mkdirSync(folder);
  chmodSync(folder, 0o555);
  return join(folder, "amends.sqlite");
}

/**
 * The refusal openDatabase gives for `path` to a user without special rights: in this process,
 * or, when the tests run as root (whom no permission stops), in a child process run as `nobody`.
 */
function problemAsUser(path: string): OpenProblem | "opened" {
  if (!isRoot) return refusedWith(() => openDatabase(path)).problem;
  const script = join(dir, "open-as-nobody.ts");
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(join(process.cwd(), "src/store/sqlite/db.ts"))};\n` +
      "try { openDatabase(process.argv[2]).$client.close(); console.log('opened'); }\n" +
      "catch (err) { console.log(err.problem ?? err); }\n",
  );
  const child = spawnSync(process.execPath, ["--import", "tsx", script, path], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
    uid: NOBODY,
    gid: NOBODY,
    timeout: 30_000,
  });
  expect(child.stderr).toBe("");
  return child.stdout.trim() as OpenProblem | "opened";
}

function refusedWith(open: () => unknown): DatabaseOpenError {
  try {
    open();
  } catch (err) {
    expect(err).toBeInstanceOf(DatabaseOpenError);
    return err as DatabaseOpenError;
  }
  throw new Error("expected a refusal, but the database opened");
}

describe("openDatabase refuses what it cannot use", () => {
  it("opens a fresh file in a folder it creates, then reopens it, with WAL and secure_delete", () => {
    const path = join(at("nested"), "deeper", "amends.sqlite");
    openDatabase(path).$client.close();
    const db = openDatabase(path);
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("secure_delete", { simple: true })).toBe(1);
    expect(db.$client.prepare("SELECT count(*) FROM __drizzle_migrations").pluck().get()).toBe(knownCount);
    // The write probe is rolled back: it leaves no table behind.
    expect(
      db.$client.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE '__amends%'").pluck().get(),
    ).toBe(0);
    db.$client.close();
  });

  it("refuses a database with a migration newer than its own, before migrating anything", () => {
    const path = newerDatabaseFile();
    const err = refusedWith(() => openDatabase(path));
    expect(err.problem).toBe("newer");
    expect(err.message).toBe(
      `Amends can't use the database at ${path}: it was written by a newer version of Amends ` +
        `(migration ${String(knownCount).padStart(4, "0")} is unknown to this version); ` +
        "run the newer version or point DATABASE_PATH elsewhere.",
    );
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT count(*) FROM __drizzle_migrations").pluck().get()).toBe(knownCount + 1);
    raw.close();
  });

  it("refuses a database with an applied migration its journal never had, even an older one", () => {
    const err = refusedWith(() => openDatabase(newerDatabaseFile([{ createdAt: 1 }])));
    expect(err.problem).toBe("newer");
    expect(err.message).toContain("(migration 0000 is unknown to this version)");
  });

  it("refuses a file that is not SQLite", () => {
    const path = garbageFile();
    const err = refusedWith(() => openDatabase(path));
    expect(err.problem).toBe("not-sqlite");
    expect(err.message).toBe(`Amends can't open the database at ${path}: it is not an SQLite database file.`);
  });

  it("refuses a damaged SQLite file", () => {
    const path = at("damaged.sqlite");
    openDatabase(path).$client.close();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 100);
    writeFileSync(path, bytes);
    expect(refusedWith(() => openDatabase(path)).problem).toBe("damaged");
  });

  it("refuses a directory", () => {
    const path = at("a-folder");
    mkdirSync(path);
    const err = refusedWith(() => openDatabase(path));
    expect(err.problem).toBe("directory");
    expect(err.message).toBe(`Amends can't open the database at ${path}: it is a directory, not a file.`);
  });

  it("refuses a path that runs through a file, directly or further up", () => {
    const file = garbageFile();
    for (const path of [join(file, "amends.sqlite"), join(file, "data", "amends.sqlite")]) {
      const err = refusedWith(() => openDatabase(path));
      expect(err.problem).toBe("path-through-file");
      expect(err.message).toBe(
        `Amends can't open the database at ${path}: part of the path is a file, not a folder.`,
      );
    }
  });

  it("keeps a control character in the path from splitting the line", () => {
    const err = refusedWith(() => openDatabase(join(garbageFile(), "x\ny.sqlite")));
    expect(err.message).not.toContain("\n");
    expect(err.message).toContain("x?y.sqlite");
  });

  it("refuses a read-only file and a folder it may not write to", () => {
    expect(problemAsUser(readOnlyFile())).toBe("read-only");
    expect(problemAsUser(lockedFolder())).toBe("cannot-open");
  });

  it("maps each expected error code to its sentence, and nothing else", () => {
    // Root passes every permission check, so these codes are also checked here, from the table
    // itself; the end-to-end tests below trigger them for real as an unprivileged user.
    const cases: [string, OpenProblem][] = [
      ["SQLITE_READONLY", "read-only"],
      ["SQLITE_READONLY_DIRECTORY", "read-only"],
      ["EROFS", "read-only"],
      ["SQLITE_CANTOPEN", "cannot-open"],
      ["SQLITE_CANTOPEN_ISDIR", "cannot-open"],
      ["EACCES", "folder-denied"],
      ["EPERM", "folder-denied"],
      ["ENOTDIR", "path-through-file"],
      ["EEXIST", "path-through-file"],
      ["EISDIR", "directory"],
      ["SQLITE_NOTADB", "not-sqlite"],
      ["SQLITE_CORRUPT", "damaged"],
    ];
    for (const [code, problem] of cases) {
      const err = openFailure("./data/x.sqlite", Object.assign(new Error("driver detail"), { code }));
      expect(err?.problem, code).toBe(problem);
      expect(err?.message).toMatch(/^Amends can't open the database at \.\/data\/x\.sqlite: [^\n]+\.$/);
      expect(err?.message).not.toContain("driver detail");
    }
    for (const odd of [new Error("no code"), { code: "SQLITE_FULL" }, { code: 7 }, null, "text"]) {
      expect(openFailure("./x", odd)).toBeUndefined();
    }
    expect(newerDatabase("./x", [3, 4, 5, 6]).message).toContain(
      "(migrations 0003, 0004 and 2 more are unknown to this version)",
    );
  });
});

/** Runs the real entry with stdin closed, as `nobody` when asked and the tests run as root. */
function start(
  databasePath: string,
  opts: { unprivileged?: boolean; env?: Record<string, string> } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const asNobody = opts.unprivileged && isRoot ? { uid: NOBODY, gid: NOBODY } : {};
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "adapters/main.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        AMENDS_ENV_FILE: "none",
        DATABASE_PATH: databasePath,
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 30_000,
      ...asNobody,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

/** Exit code 2 and exactly one line on stderr, naming the path and the problem; no stack. */
async function expectRefusal(
  run: Promise<{ code: number | null; out: string; err: string }>,
  path: string,
  problem: string,
): Promise<string> {
  const { code, out, err } = await run;
  const lines = err.split("\n").filter((l) => l.trim() !== "");
  expect(lines, err).toHaveLength(1);
  expect(err.endsWith("\n")).toBe(true);
  expect(lines[0]).toContain(`at ${path}: `);
  expect(lines[0]).toContain(problem);
  expect(err).not.toMatch(/^\s+at /m);
  expect(err).not.toContain("SqliteError");
  expect(out).toBe("");
  expect(code).toBe(2);
  return err;
}

describe.concurrent("npm start refuses a database it cannot use", { timeout: 60_000 }, () => {
  it("starts on a fresh file and on the same file again", async () => {
    const path = join(at("fresh"), "amends.sqlite");
    for (let i = 0; i < 2; i++) {
      const { code, err } = await start(path);
      expect(err).toBe("");
      expect(code).toBe(0);
    }
  });

  it("a database from a newer version", async () => {
    const path = newerDatabaseFile();
    // The unknown migration is numbered one past this version's own.
    const unknown = String(knownCount).padStart(4, "0");
    await expectRefusal(
      start(path),
      path,
      `was written by a newer version of Amends (migration ${unknown} is unknown`,
    );
  });

  it("a file that is not SQLite, with platform tokens set that never reach the output", async () => {
    const path = garbageFile();
    // Unreachable API addresses, so even a regression that opened the file could not call out.
    const secrets = {
      TELEGRAM_BOT_TOKEN: "7001234567:AAsecret-telegram",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
      DISCORD_TOKEN: "secret.discord.token",
      DISCORD_API_BASE: "http://127.0.0.1:9",
    };
    const err = await expectRefusal(
      start(path, { env: secrets }),
      path,
      "it is not an SQLite database file.",
    );
    expect(err).not.toContain("secret");
  });

  it("a directory", async () => {
    const path = at("folder");
    mkdirSync(path);
    await expectRefusal(start(path), path, "it is a directory, not a file.");
  });

  it("a path under a regular file", async () => {
    const path = join(garbageFile(), "data", "amends.sqlite");
    await expectRefusal(start(path), path, "part of the path is a file, not a folder.");
  });

  it("a read-only file (run unprivileged)", async () => {
    const path = readOnlyFile();
    await expectRefusal(start(path, { unprivileged: true }), path, "it is read-only");
  });

  it("a folder it may not write to, and one it may not create (run unprivileged)", async () => {
    const path = lockedFolder();
    await expectRefusal(
      start(path, { unprivileged: true }),
      path,
      "the file can't be opened or created there",
    );
    const deeper = join(path, "..", "sub", "amends.sqlite");
    await expectRefusal(start(deeper, { unprivileged: true }), deeper, "permission denied");
  });
});
