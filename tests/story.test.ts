/**
 * The two-week story (issue 9): sam, who lied to their partner about money, makes four
 * commitments of different kinds in a group; jo witnesses two of them; kim is in the group.
 * Some check-ins are answered, some are not, a reminder is snoozed, a change is renegotiated,
 * and at step 11 sam records that their partner said no. The transcript is committed beside the
 * script (tests/scripts/two-weeks.transcript.txt) and was read line by line as the owner, the
 * witness and a group member; a change in any word shows up as a diff to read again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript, scratch } from "./support/run-script";

const tmp = scratch();
afterAll(tmp.remove);

/** The transcript's bot lines with the lines of their buttons, by who sees them. */
function messages(out: string) {
  const seen: { where: string; text: string }[] = [];
  for (const line of out.split("\n")) {
    const head = /^\[([^\]]+)\] bot: (.*)$/.exec(line);
    if (head) seen.push({ where: head[1] ?? "", text: head[2] ?? "" });
    else if (line.startsWith("  ") && !line.trim().startsWith("[") && seen.length > 0) {
      // A continued line of the message; its buttons ("  [Kept] [Missed]") are not its words.
      const last = seen[seen.length - 1];
      if (last) last.text += `\n${line.trim()}`;
    }
  }
  return seen;
}

describe("two weeks with Amends, read as the owner, the witness and the group", () => {
  let out = "";
  beforeAll(() => {
    const run = runScript(tmp.dir, "two-weeks.txt", "story.sqlite");
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    out = run.out;
  }, 90_000);

  it("reads as the committed transcript", async () => {
    await expect(out).toMatchFileSnapshot("scripts/two-weeks.transcript.txt");
  });

  it("never shows the group the private promise, a miss, a silence or an ending", () => {
    const group = messages(out).filter((m) => m.where === "group");
    expect(group.length).toBeGreaterThan(10);
    for (const m of group) {
      expect(m.text).not.toMatch(/bank statements|missed|no answer|partly|ended|cancel|eas(y|ier|ing)/i);
    }
  });

  it("stops posting a silent commitment's prompts in the group after two unanswered ones", () => {
    const group = messages(out).filter((m) => m.where === "group");
    const prompts = group.filter((m) => m.text.includes("#2") && /check in/i.test(m.text));
    // #2 is answered twice, then left unanswered: two more prompts in the group, then none.
    expect(prompts.length).toBeLessThanOrEqual(4);
  });

  it("speaks to sam as you in sam's own chat", () => {
    for (const m of messages(out).filter((x) => x.where === "dm sam" || x.where === "group → sam only")) {
      expect(m.text).not.toContain("@sam");
      expect(m.text).not.toMatch(/\bsam (checked|says|has)\b/);
    }
  });

  it("never scores trust and never shows a bare zero", () => {
    for (const m of messages(out)) {
      expect(m.text).not.toMatch(/trust \d|\/100/);
      expect(m.text).not.toMatch(/(?<![\d:.,/-])\b0\b(?![\d:.,/-])/);
    }
  });
});
