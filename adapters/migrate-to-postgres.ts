/**
 * `npm run migrate-to-postgres`: moves the SQLite database to PostgreSQL, verified, in one
 * transaction (src/store/copy.ts does the work). Reads `DATABASE_PATH` (default
 * ./data/amends.sqlite) and `DATABASE_URL` from the environment and from `.env`, as the bot does;
 * `--from <file>` and `--to <url>` override them. Stop the bot first.
 *
 * Exit codes: 0 moved and verified; 1 the copy did not read back the same, or PostgreSQL refused
 * a row (either way nothing was kept); 2 refused before copying (a missing file, a target that
 * already holds rows, a database that cannot be opened, a wrong argument).
 */
import { type CopyProgress, CopyRefusal, moveToPostgres } from "../src/store/copy";
import { redactedUrl } from "../src/store/open";
import { DatabaseOpenError } from "../src/store/sqlite/open-errors";
import { loadEnvFile } from "./env-file";

const USAGE =
  "Usage: DATABASE_URL=postgres://user@host:5432/amends npm run migrate-to-postgres [-- --from <sqlite file>] [--to <postgres url>]";

/** `--from`/`--to` (as `--from x` or `--from=x`), or a one-line reason they can't be read. */
function readArgs(argv: string[]): { from?: string; to?: string; help?: true } | { wrong: string } {
  const out: { from?: string; to?: string; help?: true } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") {
      out.help = true;
      continue;
    }
    const m = /^--(from|to)(?:=(.*))?$/.exec(arg);
    if (!m) return { wrong: `Unknown argument ${JSON.stringify(arg.slice(0, 60))}.` };
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === "") return { wrong: `--${m[1]} needs a value.` };
    out[m[1] as "from" | "to"] = value;
  }
  return out;
}

const count = (n: number): string => n.toLocaleString("en-US");
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  loadEnvFile();
  const args = readArgs(process.argv.slice(2));
  if ("wrong" in args) {
    process.stderr.write(`${args.wrong}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const from = args.from ?? (process.env.DATABASE_PATH?.trim() || "./data/amends.sqlite");
  const to = args.to ?? process.env.DATABASE_URL?.trim() ?? "";
  const where = /^postgres(ql)?:\/\//.test(to) ? redactedUrl(to) : "PostgreSQL";
  process.stderr.write(`Moving ${from} to ${where}; stop Amends while this runs.\n`);

  const progress = (p: CopyProgress): void => {
    if (p.phase === "copied")
      process.stderr.write(
        `  copied ${p.table}: ${count(p.rows)} ${p.rows === 1 ? "row" : "rows"} in ${seconds(p.ms)}\n`,
      );
  };
  try {
    const report = await moveToPostgres({ from, to }, { onProgress: progress });
    const width = Math.max(...report.tables.map((t) => t.name.length));
    for (const t of report.tables)
      process.stdout.write(
        `${t.name.padEnd(width)}  ${count(t.rows).padStart(11)} ${t.rows === 1 ? "row " : "rows"}  sha256 ${t.checksum.slice(0, 12)}  same on both\n`,
      );
    process.stdout.write(
      `Moved ${count(report.rows)} rows in ${report.tables.length} tables to ${where} in ${seconds(report.totalMs)}, verified by counts and checksums. Start Amends with DATABASE_URL set; keep the SQLite file as a backup.\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof CopyRefusal) {
      for (const line of err.details) process.stderr.write(`  ${line}\n`);
      process.stderr.write(`${err.message}\n`);
      return err.kind === "refused" ? 2 : 1;
    }
    if (err instanceof DatabaseOpenError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`The move stopped: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
