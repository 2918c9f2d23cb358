import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCheckpointer } from "../src/store/sqlite/checkpoint";
import { openDatabase } from "../src/store/sqlite/db";

const dir = mkdtempSync(join(tmpdir(), "amends-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the background checkpointer", () => {
  it("copies the WAL into the database file while commits never checkpoint themselves", async () => {
    const path = join(dir, "a.sqlite");
    const db = openDatabase(path, { autoCheckpoint: false });
    expect(db.$client.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const insert = db.$client.prepare("INSERT INTO meta (key, value, updated_at) VALUES (?, ?, 0)");
    db.$client.transaction(() => {
      for (let i = 0; i < 3_000; i++) insert.run(`k${i}`, "x".repeat(200));
    })();
    const before = statSync(path).size;
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(500_000);
    const checkpointer = startCheckpointer(path, 20);
    for (let i = 0; i < 100 && statSync(path).size === before; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(statSync(path).size).toBeGreaterThan(before + 500_000);
    await checkpointer.stop();
    db.$client.close();
  });
});
