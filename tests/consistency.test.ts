/**
 * Consistency, not trust (issue 9, PRODUCT §4): the figure is never shown bare, never as a bare
 * zero, reads "just started" until three answers, and comes with words about what happened.
 */
import { describe, expect, it } from "vitest";
import { consistencyWords, describeCounts, type Scope } from "../src/engine/consistency-words";
import { consistencyFacts, countOutcomes, type OutcomeCounts } from "../src/engine/stats";

type Row = {
  state: "answered" | "missed" | "skipped" | "pending";
  answer: "kept" | "partly" | "missed" | null;
  verdict: "confirmed" | "disputed" | "unsure" | null;
};
const kept = (verdict: Row["verdict"] = null): Row => ({ state: "answered", answer: "kept", verdict });
const partly = (verdict: Row["verdict"] = null): Row => ({ state: "answered", answer: "partly", verdict });
const said: Row = { state: "answered", answer: "missed", verdict: null };
const silent: Row = { state: "missed", answer: null, verdict: null };
const skipped: Row = { state: "skipped", answer: null, verdict: null };
const open: Row = { state: "pending", answer: null, verdict: null };

const counts = (n: Partial<OutcomeCounts>): OutcomeCounts => {
  const c = { kept: 0, partly: 0, missed: 0, unanswered: 0, confirmed: 0, disputed: 0, ...n };
  return { ...c, total: c.kept + c.partly + c.missed + c.unanswered };
};

/** A zero standing alone as a count, as the voice sweep reads it. */
const BARE_ZERO = /(?<![\d:.,/-])\b0\b(?![\d:.,/-])/;

describe("consistencyWords", () => {
  const words = (rows: Row[], by = "jo", figure = true) =>
    consistencyWords(consistencyFacts(rows), by, figure);

  it('reads "just started" until three answers', () => {
    expect(words([])).toBe("just started");
    expect(words([kept()])).toBe("just started");
    expect(words([kept(), partly("confirmed")])).toBe("just started");
    // Skipped and open check-ins are no answers.
    expect(words([open, kept(), skipped, kept(), skipped])).toBe("just started");
    expect(words([kept(), kept(), kept()])).toBe("consistency 100: kept all 3");
  });

  it("says what happened once check-ins closed, even before three answers", () => {
    expect(words([silent, silent, silent, silent, silent, silent])).toBe(
      "just started: the last 5 got no answer",
    );
    expect(words([silent, silent, kept("confirmed")])).toBe(
      "just started: kept 1 of 3, 1 confirmed by jo; 2 got no answer",
    );
  });

  it("comes with words: kept of the last five, confirmed by the witness", () => {
    const text = words([kept("confirmed"), kept("confirmed"), kept(), kept("confirmed"), said, kept()]);
    expect(text).toMatch(/^consistency \d+: kept 4 of the last 5, 3 confirmed by jo; missed 1$/);
    expect(words([kept(), partly(), kept(), silent, kept()])).toMatch(
      /^consistency \d+: kept 3 of 5, partly kept 1; 1 got no answer$/,
    );
    expect(words([partly(), partly(), partly()])).toBe("consistency 50: partly kept all 3");
  });

  it("never shows a zero: nothing kept is told as what happened", () => {
    expect(words([said, said, said])).toBe("missed all 3");
    expect(words([said, said, said, said, said, said])).toBe("missed the last 5");
    expect(words([silent, silent, silent, silent, silent, kept(), kept(), kept()])).toMatch(
      /^consistency \d+: the last 5 got no answer$/,
    );
    expect(words([silent, said, said, said])).toBe("missed 3 of 4; 1 got no answer");
    expect(words([kept("disputed"), kept("disputed"), kept("disputed")])).toBe(
      "kept all 3, 3 disputed by jo",
    );
  });

  it("leaves the figure out for the witness, who reads only what happened", () => {
    expect(words([kept("confirmed"), kept(), kept()], "you", false)).toBe("kept all 3, 1 confirmed by you");
    expect(words([kept(), kept()], "you", false)).toBe("just started");
  });

  it("never says trust, a score out of 100, or a bare zero, over every mix of five answers", () => {
    const kinds = [kept(), kept("confirmed"), kept("disputed"), partly(), partly("confirmed"), said, silent];
    const mixes: Row[][] = [[]];
    for (let len = 0; len < 5; len++) {
      for (const mix of mixes.filter((m) => m.length === len)) for (const k of kinds) mixes.push([...mix, k]);
    }
    expect(mixes.length).toBeGreaterThan(2000);
    for (const mix of mixes) {
      for (const [by, figure] of [
        ["jo", true],
        ["you", false],
      ] as const) {
        const text = consistencyWords(consistencyFacts(mix), by, figure);
        expect(text, JSON.stringify(mix)).not.toMatch(BARE_ZERO);
        expect(text).not.toMatch(/trust|\/\s*100|undefined|NaN/i);
        expect(text.length).toBeGreaterThan(5);
      }
    }
  });
});

describe("describeCounts", () => {
  const say = (n: Partial<OutcomeCounts>, scope: Scope = "all", by = "jo") =>
    describeCounts(counts(n), scope, by);

  it("gets one, two and many right", () => {
    expect(say({ kept: 1 })).toBe("kept it");
    expect(say({ kept: 1, confirmed: 1 })).toBe("kept it, confirmed by jo");
    expect(say({ partly: 1 })).toBe("partly kept it");
    expect(say({ missed: 1 })).toBe("missed it");
    expect(say({ unanswered: 1 })).toBe("its check-in got no answer");
    expect(say({ kept: 2 })).toBe("kept both");
    expect(say({ unanswered: 2 })).toBe("both got no answer");
    expect(say({ kept: 1, unanswered: 1 })).toBe("kept 1 of 2; 1 got no answer");
    expect(say({ kept: 1, unanswered: 13, confirmed: 1 })).toBe(
      "kept 1 of 14, 1 confirmed by jo; 13 got no answer",
    );
    expect(say({})).toBe("no check-ins");
  });

  it("speaks of the week in the digest", () => {
    expect(say({ kept: 1, unanswered: 5, confirmed: 1 }, "week", "you")).toBe(
      "kept 1 of 6, 1 confirmed by you; 5 got no answer",
    );
    expect(say({ unanswered: 6 }, "week")).toBe("all 6 this week got no answer");
    expect(say({ unanswered: 1 }, "week")).toBe("this week's check-in got no answer");
    expect(say({ kept: 1 }, "week")).toBe("kept this week's check-in");
  });

  it("speaks of the last few when there were more", () => {
    expect(say({ kept: 4, missed: 1, confirmed: 3 }, "recent")).toBe(
      "kept 4 of the last 5, 3 confirmed by jo; missed 1",
    );
    expect(say({ unanswered: 5 }, "recent")).toBe("the last 5 got no answer");
    expect(say({ kept: 5 }, "recent")).toBe("kept the last 5");
  });
});

describe("countOutcomes", () => {
  it("counts what happened, leaving skipped and open check-ins out", () => {
    expect(countOutcomes([kept("confirmed"), partly("disputed"), said, silent, skipped, open])).toEqual({
      total: 4,
      kept: 1,
      partly: 1,
      missed: 1,
      unanswered: 1,
      confirmed: 1,
      disputed: 1,
    });
  });
});
