/**
 * End to end: the real composition root (`npm start`'s entry) with a script piped in, as a
 * newcomer would run it, on a fresh database file.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScript, scratch } from "./support/run-script";

const tmp = scratch();
const dir = tmp.dir;
afterAll(tmp.remove);

const run = (script: string, db: string, env: Record<string, string> = {}) => runScript(dir, script, db, env);

describe("npm start with a piped script", () => {
  it("manages commitments end to end (the core issue's script)", () => {
    const { code, out, err } = run("issue-2-manage.txt", "manage.sqlite");
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("[group → alice only] bot: Your time zone is now Europe/Berlin; it's 12:00 there.");
    expect(out).toContain(
      "[group] bot: Committed #1 Call my sister every Sunday (step 13: Keep the change going): check-ins from " +
        "today, Sundays at 18:00.",
    );
    expect(out).toContain("[group] bot: Committed #2 Stay calm when we talk: check-ins from today");
    expect(out).toContain("next check-in Sun 29 Nov 2026, 18:00");
    expect(out).toContain(
      "[group → bob only] bot: You have no commitment #1. Only the person who made a commitment can change it",
    );
    expect(out).toContain("◐ 13. Keep the change going (started)");
    expect(out).toContain(
      "[group → alice only] bot: Paused #2 Stay calm when we talk until Wed 2 Dec 2026, 12:00.",
    );
    expect(out).toMatch(/\[file amends-export-2026-11-29\.json, \d+ bytes\]/);
    expect(out).toContain('"format": "amends-export/1"');
  });

  it("runs the follow-up loop in order (the follow-up issue's script)", () => {
    const { code, out, err } = run("issue-3-follow-up.txt", "follow.sqlite");
    expect(err).toBe("");
    expect(code).toBe(0);
    const order = [
      "[group] bot: @bob, alice asks you to witness #1",
      "[group] bot: bob is now the witness",
      "[group] bot: @alice, time to check in on #1 Call my sister every Sunday. How did it go?",
      "  [Kept] [Partly] [Missed] [Snooze 1h]",
      "(console) now 2026-11-29T17:30:00.000Z",
      "[group] bot: @alice, your check-in on #1 Call my sister every Sunday is waiting for an answer until 18:00 today.",
      "(console) now 2026-11-30T07:30:00.000Z",
      "[group] bot: ✓ alice checked in on #1 Call my sister every Sunday.",
      "[dm bob] bot: alice says they kept #1 Call my sister every Sunday",
      "  [Confirm] [Dispute] [Not sure]",
      "[dm alice] bot: bob confirmed your check-in on #1 Call my sister every Sunday. Verified streak: 1.",
      "streak 1, verified 1 · just started",
      "(streak so far: 1). How did it go?",
      "is waiting for an answer until 18:00 today.",
      "the last one got no answer (Sun 6 Dec) · just started",
    ];
    let at = 0;
    for (const line of order) {
      const found = out.indexOf(line, at);
      expect(found, `"${line}" after position ${at}`).toBeGreaterThanOrEqual(0);
      at = found + line.length;
    }
    expect(out).not.toMatch(/\[group\][^\n]*missed/i);
    expect(out).not.toContain("has missed the last two");
  });

  it("continues where the last run stopped", () => {
    run("issue-2-manage.txt", "again.sqlite");
    const { out } = run("issue-2-manage.txt", "again.sqlite");
    expect(out).toContain("Committed #3 Call my sister every Sunday");
  }, 30_000);

  it("refuses a wrong configuration with a message naming the variable", () => {
    const { code, err } = run("issue-2-manage.txt", "bad.sqlite", {
      DEFAULT_TIMEZONE: "Mars/Base",
      TICK_INTERVAL_SECONDS: "0",
    });
    expect(code).toBe(2);
    expect(err).toContain("DEFAULT_TIMEZONE must be an IANA time zone");
    expect(err).toContain("TICK_INTERVAL_SECONDS");
  });

  it("reads .env, with the environment winning over the file", () => {
    writeFileSync(join(dir, "test.env"), "DEFAULT_QUIET_HOURS=off\nAMENDS_START=2020-01-01T00:00:00Z\n");
    try {
      const { out } = run("issue-2-manage.txt", "dotenv.sqlite");
      // The file turned default quiet hours off; AMENDS_START from the environment beat the file's.
      expect(out).toContain('"quietStart": null');
      expect(out).toContain("amends-export-2026-11-29.json");
    } finally {
      rmSync(join(dir, "test.env"));
    }
  });

  it("never prints a token, even when the start fails", () => {
    // Nothing listens on port 1: getMe fails at once, and the start fails with exit code 1.
    const { code, err, out } = run("issue-2-manage.txt", "token.sqlite", {
      TELEGRAM_BOT_TOKEN: "123456:SECRET-token-value",
      TELEGRAM_API_ROOT: "http://127.0.0.1:1",
    });
    expect(code).toBe(1);
    expect(err).toContain("could not start");
    expect(err + out).not.toContain("SECRET-token-value");
  });

  it("refuses a PostgreSQL server it cannot reach in one line, without the password", () => {
    const { code, err, out } = run("issue-2-manage.txt", "unused.sqlite", {
      DATABASE_URL: "postgres://amends:s3cret-pw@127.0.0.1:1/amends",
    });
    expect(code).toBe(2);
    expect(err.trim()).toBe(
      "Can't use the database at postgres://127.0.0.1:1/amends: nothing answers there; is the server running?",
    );
    expect(err + out).not.toContain("s3cret-pw");
  });
});
