/**
 * Two processes answering at the same moment: two engines on one database (two stores on one
 * path: a shared SQLite file, or one PostgreSQL schema) take many commands at once, and every
 * one is answered as if it had come alone: no apology, no number given twice, nothing lost.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine } from "../src/engine";
import { silentLogger } from "../src/log";
import { toPlain } from "../src/richtext";
import { actor, commandInput, FakeClock, GROUP } from "./support/harness";
import { allCommitments, closeStore, openStore } from "./support/inspect";
import { tempDir } from "./support/people-bot";
import { TEST_DIALECT } from "./support/stores";

/** A typed command as the console would hand it to the engine. */
function inbound(text: string, name: string) {
  const input = commandInput(text, GROUP, actor(name));
  if ("refusal" in input) throw new Error(input.refusal);
  return input;
}

describe(`two engines on one ${TEST_DIALECT} database`, () => {
  it("answers 24 commands sent at once, by 4 people in one group, each as if alone", async () => {
    const { dir, remove } = tempDir();
    const file = join(dir, "two.sqlite");
    const stores = [openStore(file), openStore(file)];
    const clock = new FakeClock(Date.parse("2026-12-01T09:00:00Z"));
    const config = { defaultZone: "UTC", defaultQuiet: null, rateLimit: null };
    const engines = stores.map((store) => createEngine({ store, clock, log: silentLogger, config }));
    const people = ["ana", "ben", "cal", "dee"];
    const sends = people.flatMap((name, p) =>
      Array.from({ length: 6 }, (_, i) =>
        (engines[(p + i) % 2] ?? engines[0])?.handle(inbound(`/commit Walk ${i} cadence: daily 20:00`, name)),
      ),
    );
    const replies = (await Promise.all(sends)).map((r) => (r ?? []).map((x) => toPlain(x.text)).join(" "));
    expect(replies.filter((r) => !r.startsWith("Committed #"))).toEqual([]);
    const made = await allCommitments({ store: stores[0] ?? openStore() });
    expect(made).toHaveLength(24);
    for (const p of new Set(made.map((c) => c.ownerId))) {
      const numbers = made.filter((c) => c.ownerId === p).map((c) => c.number);
      expect(numbers.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    }
    for (const s of stores) await closeStore({ store: s });
    remove();
  }, 60_000);
});
