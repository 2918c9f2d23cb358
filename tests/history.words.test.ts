/**
 * `/history` speaks in words (issue 8: the history says "a former witness"; issue 9: no event
 * names). Every kind of entry the engine writes has a phrase, and none reads like an identifier.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { historyPhrase, PHRASED_KINDS } from "../src/engine/history-words";

/** The kinds written by `appendEvent` (or an insert into events) anywhere in the core. */
function kindsWritten(): Set<string> {
  const kinds = new Set<string>();
  for (const dir of ["src/engine", "src/store"]) {
    for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".ts"),
    )) {
      const text = readFileSync(join(dir, file), "utf8");
      if (!/appendEvent|insert\(events\)/.test(text)) continue;
      for (const m of text.matchAll(/kind: "([a-z-]+)"/g)) if (m[1]) kinds.add(m[1]);
      // witness.ts writes `witness-${kind}` for the ways a witness stops.
      for (const m of text.matchAll(/removeWitness\([^)]*"([a-z-]+)"\)/g))
        if (m[1]) kinds.add(`witness-${m[1]}`);
    }
  }
  return kinds;
}

describe("history words", () => {
  it("has a phrase for every kind of entry the engine writes", () => {
    const written = kindsWritten();
    expect(written.size).toBeGreaterThan(15);
    for (const kind of written) expect(PHRASED_KINDS, kind).toContain(kind);
  });

  it("reads as words, naming a witness who left as a former witness", () => {
    const base = { id: 1, commitmentId: 1, personId: null, at: Date.parse("2026-12-01T12:00:00Z") };
    for (const kind of PHRASED_KINDS) {
      for (const actorName of ["jo", null]) {
        const text = historyPhrase({ ...base, kind, actorId: null, actorName, data: null }, "UTC");
        expect(text, kind).not.toMatch(/undefined|null|\[object|[a-z]+-[a-z]+ed\b|_/);
        expect(text.length, kind).toBeGreaterThan(3);
      }
    }
    const verdict = {
      ...base,
      kind: "verdict",
      actorId: null,
      actorName: null,
      data: { verdict: "confirmed" },
    };
    expect(historyPhrase(verdict, "UTC")).toBe("a former witness confirmed a check-in");
  });
});
