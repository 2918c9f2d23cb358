/**
 * End to end: the real entry point (`npm start`) with both platform tokens set, pointed at the
 * local Telegram and Discord fakes through TELEGRAM_API_ROOT and DISCORD_API_BASE. It starts,
 * registers its commands, answers a command on each platform, and stops cleanly on SIGTERM
 * without ever writing a token to its output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDiscord } from "./support/discord/server";
import { FakeTelegram } from "./support/telegram/server";

const dir = mkdtempSync(join(tmpdir(), "amends-platforms-"));
let child: ChildProcess | undefined;
const fakes: { close(): Promise<void> }[] = [];

afterEach(async () => {
  child?.kill("SIGKILL");
  child = undefined;
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(check: () => T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("npm start on Telegram and Discord", () => {
  it("runs both adapters, answers on each, and stops cleanly on SIGTERM", async () => {
    const tg = await FakeTelegram.start();
    const dc = await FakeDiscord.start();
    fakes.push(tg, dc);
    let out = "";
    child = spawn(process.execPath, ["--import", "tsx", "adapters/main.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        AMENDS_ENV_FILE: "none",
        DATABASE_PATH: join(dir, "amends.sqlite"),
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        DISCORD_TOKEN: dc.token,
        DISCORD_API_BASE: dc.apiBase,
        LOG_LEVEL: "debug",
        TICK_INTERVAL_SECONDS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr?.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));

    await until(() => tg.commands.size === 2 && tg.callsOf("getUpdates").length > 0, "Telegram polling");
    await until(
      () => dc.gateway.identifies > 0 && dc.requestsTo("PUT", /commands/).length > 0,
      "Discord ready",
    );
    await until(() => out.includes("Amends is running"), "the running log line");

    const alice = tg.user(101, "Alice", "alice");
    const group = tg.group(-1001, "Friends");
    await tg.send(alice, group, "/commit Call my sister cadence: daily 20:00");
    const reply = await until(
      () => tg.sent(group.id).find((m) => m.text?.includes("Committed #1")),
      "a reply",
    );
    expect(reply.text).toContain("Call my sister");

    const bob = dc.addUser("bob");
    const interaction = dc.slash(bob, dc.general, "commit", { promise: "Listen first" });
    const answered = await dc.answered(interaction);
    expect(JSON.stringify(answered)).toContain("Committed **#1** *Listen first*");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain('"signal":"SIGTERM"');
    expect(out).not.toContain(tg.token);
    expect(out).not.toContain(dc.token);
  }, 40_000);
});
