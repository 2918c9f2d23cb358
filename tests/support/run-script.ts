/**
 * Runs the real composition root (`npm start`'s entry) with a console script from
 * tests/scripts piped in, as a newcomer would, on a fresh database file.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A scratch directory for the runs of one test file; `remove()` it in `afterAll`. */
export function scratch(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "amends-e2e-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Pipes `tests/scripts/<script>` into the console bot on `<dir>/<db>`, starting 29 Nov 2026, 11:00 UTC. */
export function runScript(dir: string, script: string, db: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "adapters/main.ts"], {
    input: readFileSync(join("tests/scripts", script), "utf8"),
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      // A test .env file, so a developer's own .env never leaks into these runs.
      AMENDS_ENV_FILE: join(dir, "test.env"),
      DATABASE_PATH: join(dir, db),
      AMENDS_START: "2026-11-29T11:00:00Z",
      ...env,
    },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}
