/**
 * The privacy sweep (issue 8): of everything a group could read in the sweep
 * (tests/support/sweep.ts), none may hold a private promise, a note, or news of a partly,
 * missed or disputed answer. The sweep fails when a command, a button verb or a kind of queued
 * message was not driven, so a new one cannot slip past it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/table";
import { CLICK_VERBS } from "../src/engine";
import { PURPOSE_KINDS } from "../src/engine/purposes";
import { ANSWER_NEWS, NOTES, PRIVATE_PROMISES, sweep } from "./support/sweep";

describe("the privacy sweep", () => {
  let result: Awaited<ReturnType<typeof sweep>>;
  beforeAll(async () => {
    result = await sweep();
  }, 60_000);

  it("drives every command of the command table", () => {
    expect([...result.commandsSent].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it("presses every kind of button the engine offers", () => {
    expect([...result.verbsClicked].sort()).toEqual([...CLICK_VERBS].sort());
  });

  it("queues every kind of message", () => {
    for (const kind of PURPOSE_KINDS) expect(result.kinds, kind).toContain(kind);
  });

  it("shows the group no private promise and no note", () => {
    expect(result.group.length).toBeGreaterThan(30);
    for (const seen of result.group) {
      for (const secret of [...PRIVATE_PROMISES, ...NOTES]) {
        expect(seen.text, `${seen.how}: ${seen.text}`).not.toContain(secret);
      }
    }
  });

  it("never tells the group of a partly, missed or disputed answer", () => {
    for (const seen of result.group.filter((s) => !s.refusal)) {
      expect(seen.text, `${seen.how}: ${seen.text}`).not.toMatch(ANSWER_NEWS);
    }
  });
});
