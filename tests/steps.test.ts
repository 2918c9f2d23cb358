import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CONTACT_STEPS,
  checkInQuestion,
  findStep,
  GROWTH_STEPS,
  guidanceFor,
  isSetAside,
  PLAIN_QUESTION,
  STEP_13_QUESTION,
  STEPS,
  type StepDefault,
  stepByKey,
  stepByNumber,
  suggestionFor,
} from "../src/steps.js";
import { contactPhrases } from "./support/contact";
import { fingerprint, fingerprints, ngrams } from "./support/ngrams";

/** Two days to build examples for: a date in an example must follow whichever is today. */
const TODAYS = ["2026-11-29", "2027-03-31"];
const TODAY = TODAYS[0] ?? "";

/** Every text of a step a person can read, before and after the step-11 turn. */
function texts(s: (typeof STEPS)[number]): string[] {
  return [
    s.title,
    s.guidance,
    s.question,
    ...TODAYS.map((d) => s.suggestion(d)),
    ...(s.afterNo ? [s.afterNo.guidance, ...TODAYS.map((d) => s.afterNo?.suggestion(d) ?? "")] : []),
  ];
}

const KEYS = [
  "honesty",
  "third-party",
  "meet-in-person",
  "remorse",
  "soul-searching",
  "be-open",
  "meaningful-conversation",
  "talk-about-why",
  "be-calm",
  "present-solution",
  "accept-their-choice",
  "give-space",
  "dont-repeat",
];

const SEED_PATH = resolve(process.cwd(), "../shared/seeds/000_afbce4d01e813981.txt");
const FINGERPRINT_PATH = resolve(process.cwd(), "tests/fixtures/guide-6grams.txt");

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

describe("STEPS", () => {
  it("holds 13 steps numbered 1..13 in order with the keys from PRODUCT.md", () => {
    expect(STEPS).toHaveLength(13);
    expect(STEPS.map((s) => s.number)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(STEPS.map((s) => s.key)).toEqual(KEYS);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(STEPS)).toBe(true);
    for (const s of STEPS) {
      expect(Object.isFrozen(s)).toBe(true);
      expect(Object.isFrozen(s.defaults)).toBe(true);
    }
  });

  it("has unique keys and titles", () => {
    expect(new Set(STEPS.map((s) => s.key)).size).toBe(13);
    expect(new Set(STEPS.map((s) => s.title.toLowerCase())).size).toBe(13);
  });

  it("keeps titles short", () => {
    for (const s of STEPS) {
      expect(s.title.length, s.key).toBeGreaterThan(0);
      expect(s.title.length, s.key).toBeLessThanOrEqual(40);
    }
  });

  it("gives two or three sentences of guidance, at most 400 characters", () => {
    for (const s of STEPS) {
      const n = sentences(s.guidance).length;
      expect(n, `${s.key}: ${s.guidance}`).toBeGreaterThanOrEqual(2);
      expect(n, `${s.key}: ${s.guidance}`).toBeLessThanOrEqual(3);
      expect(s.guidance.length, s.key).toBeLessThanOrEqual(400);
      expect(s.guidance, s.key).toMatch(/\.$/);
    }
  });

  it("asks one question per step", () => {
    for (const s of STEPS) {
      expect(s.question, s.key).toMatch(/\?$/);
      expect(s.question.split("?").length - 1, s.key).toBe(1);
    }
  });

  it("suggests a /commit tagged with the step, before and after the turn", () => {
    for (const s of STEPS) {
      for (const turned of [false, true]) {
        const line = suggestionFor(s, TODAY, turned);
        expect(line, s.key).toMatch(/^Try: /);
        expect(line, s.key).toContain("/commit ");
        expect(line, s.key).toContain(`step: ${s.number}`);
        expect(line, s.key).not.toContain("\n");
      }
    }
  });

  it("gives after-the-turn words of two or three sentences where it has them", () => {
    for (const s of STEPS) {
      if (!s.afterNo) continue;
      const n = sentences(s.afterNo.guidance).length;
      expect(n, s.key).toBeGreaterThanOrEqual(2);
      expect(n, s.key).toBeLessThanOrEqual(3);
      expect(s.afterNo.guidance.length, s.key).toBeLessThanOrEqual(400);
      expect(guidanceFor(s, true)).toBe(s.afterNo.guidance);
      expect(guidanceFor(s, false)).toBe(s.guidance);
    }
    // A step set aside is never shown at all after the turn, so it needs no such words.
    for (const n of CONTACT_STEPS) expect(stepByNumber(n)?.afterNo, `step ${n}`).toBeUndefined();
  });

  it("names nobody in its examples", () => {
    for (const s of STEPS) {
      for (const turned of [false, true]) {
        const line = suggestionFor(s, TODAY, turned);
        // The promise of the example: from "/commit " to " step:". Only its first word and "I"
        // may be capitalised; any other capital would be a name ("Sam", "Robin", "Alex").
        const promise = /\/commit (.*?) step:/.exec(line)?.[1] ?? "";
        expect(promise, s.key).not.toBe("");
        const capitals = promise
          .split(/\s+/)
          .slice(1)
          .filter((w) => /^[A-Z]/.test(w) && w !== "I");
        expect(capitals, `${s.key}: ${line}`).toEqual([]);
      }
      for (const text of texts(s)) expect(text, s.key).not.toMatch(/\b(Sam|Robin|Alex|Jo)\b/);
    }
  });

  it("dates every dated example from today, so it is still ahead when shown", () => {
    let dated = 0;
    for (const s of STEPS) {
      for (const turned of [false, true]) {
        for (const today of TODAYS) {
          const dates = suggestionFor(s, today, turned).match(/\d{4}-\d{2}-\d{2}/g) ?? [];
          for (const date of dates) {
            dated++;
            expect(date > today, `${s.key} on ${today}: ${date}`).toBe(true);
          }
        }
      }
    }
    // Step 12 is set for a while: its example carries an end date, a month out.
    expect(dated).toBeGreaterThan(0);
    expect(stepByNumber(12)?.suggestion("2026-11-29")).toContain("until: 2026-12-29");
    expect(stepByNumber(12)?.suggestion("2027-01-31")).toContain("until: 2027-02-28");
  });

  it("never uses an exclamation mark", () => {
    for (const s of STEPS) {
      for (const text of texts(s)) expect(text, s.key).not.toContain("!");
    }
    expect(STEP_13_QUESTION).not.toContain("!");
  });

  it("speaks to the person as you, promises no trust back and puts no pressure on the other person", () => {
    for (const s of STEPS) {
      for (const guidance of [s.guidance, s.afterNo?.guidance ?? s.guidance]) {
        expect(guidance, s.key).toMatch(/\byou(r|rs|rself)?\b/i);
        expect(guidance, s.key).not.toMatch(/\bI\b|\bme\b|\bmy\b/);
      }
      for (const text of texts(s)) {
        expect(text, s.key).not.toMatch(/\btrust (will|comes?|returns?)\b|\b(will|can) trust\b/i);
        expect(text, s.key).not.toMatch(/\bwill (forgive|come back|come round|change their mind)\b/i);
        expect(text, s.key).not.toMatch(/\b(make|get|convince|persuade) them\b/i);
        expect(text, s.key).not.toMatch(/\b(should|must) (forgive|accept|listen|meet)\b/i);
      }
    }
    // PRODUCT.md §2 quotes this question: it stays word for word.
    expect(stepByNumber(12)?.question).toBe("Did I respect their space today?");
  });

  it("has the kinds from PRODUCT.md §2", () => {
    expect(STEPS.map((s) => s.kind)).toEqual([
      "one-off",
      "one-off",
      "one-off",
      "reflection",
      "recurring-reflection",
      "practice",
      "one-off",
      "reflection",
      "practice",
      "one-off",
      "reflection",
      "waiting",
      "long-term",
    ]);
  });

  it("has the default schedules from PRODUCT.md §2", () => {
    const expected: Record<string, StepDefault> = {
      honesty: { kind: "once", afterDays: 2 },
      "third-party": { kind: "once", afterDays: 2 },
      "meet-in-person": { kind: "once", afterDays: 7 },
      remorse: { kind: "once", afterDays: 1 },
      "soul-searching": { kind: "recurring", cadence: "daily 20:00", forDays: 7 },
      "be-open": { kind: "recurring", cadence: "daily 20:00", forDays: 14 },
      "be-calm": { kind: "recurring", cadence: "daily 20:00", forDays: 14 },
      "give-space": { kind: "recurring", cadence: "daily 20:00" },
      "dont-repeat": { kind: "recurring", cadence: "graduated 20:00" },
    };
    for (const [key, value] of Object.entries(expected)) {
      expect(stepByKey(key)?.defaults, key).toStrictEqual(value);
    }
    for (const key of [
      "meaningful-conversation",
      "talk-about-why",
      "present-solution",
      "accept-their-choice",
    ]) {
      expect(stepByKey(key)?.defaults.kind, key).toBe("once");
    }
  });

  it("uses only well-formed defaults", () => {
    for (const s of STEPS) {
      const d = s.defaults;
      if (d.kind === "once") {
        expect(Number.isInteger(d.afterDays) && d.afterDays >= 1, s.key).toBe(true);
      } else {
        expect(d.cadence, s.key).toMatch(/^(daily|graduated) ([01]\d|2[0-3]):[0-5]\d$/);
        if (d.forDays !== undefined) expect(Number.isInteger(d.forDays) && d.forDays >= 1, s.key).toBe(true);
      }
    }
  });

  it("says in the guidance what the special steps mean", () => {
    expect(stepByKey("third-party")?.guidance).toContain("/witness");
    expect(stepByKey("present-solution")?.guidance).toMatch(/its own commitment/);
    expect(stepByKey("accept-their-choice")?.guidance).toMatch(/no contact/);
    expect(stepByKey("give-space")?.question).toBe("Did I respect their space today?");
  });

  it("exports step 13's question for missed check-ins", () => {
    expect(STEP_13_QUESTION).toBe(stepByNumber(13)?.question);
    expect(STEP_13_QUESTION).toMatch(/\?$/);
  });
});

describe("after the step-11 turn", () => {
  it("sets aside exactly the contact steps, and keeps the growth steps open", () => {
    expect([...CONTACT_STEPS]).toEqual([3, 7, 8, 10]);
    expect([...GROWTH_STEPS]).toEqual([5, 9, 12, 13]);
    for (const s of STEPS) {
      expect(isSetAside(s.number, true), s.key).toBe(CONTACT_STEPS.includes(s.number));
      expect(isSetAside(s.number, false), s.key).toBe(false);
    }
    expect(isSetAside(null, true)).toBe(false);
  });

  it("asks a contact step's question only before the turn", () => {
    for (const n of CONTACT_STEPS) {
      expect(checkInQuestion(n, false)).toBe(stepByNumber(n)?.question);
      expect(checkInQuestion(n, true)).toBe(PLAIN_QUESTION);
    }
    expect(checkInQuestion(12, true)).toBe("Did I respect their space today?");
    expect(checkInQuestion(null, true)).toBe(PLAIN_QUESTION);
  });

  it("says nothing that suggests contact in any step that stays open, nor in any question asked then", () => {
    const found: string[] = [];
    for (const s of STEPS) {
      const asked = checkInQuestion(s.number, true);
      for (const p of contactPhrases(asked)) found.push(`${s.key} question: "${p}"`);
      if (isSetAside(s.number, true)) continue;
      const shown = [
        s.title,
        guidanceFor(s, true),
        s.question,
        ...TODAYS.map((d) => suggestionFor(s, d, true)),
      ];
      for (const text of shown)
        for (const p of contactPhrases(text)) found.push(`${s.key}: "${p}" in ${text}`);
    }
    expect(found).toEqual([]);
  });

  it("the contact check finds the usual words of the contact steps, and each of their questions", () => {
    for (const n of CONTACT_STEPS) {
      const s = stepByNumber(n);
      if (!s) throw new Error(`no step ${n}`);
      // So a check-in prompt that asked a set-aside step's question would be caught too.
      expect(contactPhrases(s.question), s.key).not.toEqual([]);
      expect(
        contactPhrases([s.title, s.guidance, s.question, s.suggestion(TODAY)].join(" ")),
        s.key,
      ).not.toEqual([]);
    }
  });
});

describe("lookups", () => {
  it("finds steps by number and key", () => {
    for (const s of STEPS) {
      expect(stepByNumber(s.number)).toBe(s);
      expect(stepByKey(s.key)).toBe(s);
    }
    expect(stepByNumber(0)).toBeUndefined();
    expect(stepByNumber(14)).toBeUndefined();
    expect(stepByNumber(1.5)).toBeUndefined();
    expect(stepByNumber(Number.NaN)).toBeUndefined();
    expect(stepByKey("Dont-Repeat")).toBeUndefined();
    expect(stepByKey("nope")).toBeUndefined();
  });

  it("findStep accepts numbers, #numbers and keys in any case", () => {
    const last = stepByNumber(13);
    expect(last?.key).toBe("dont-repeat");
    for (const ref of ["13", "#13", "dont-repeat", "Dont-Repeat", "DONT-REPEAT", " 13 ", " #13"]) {
      expect(findStep(ref), ref).toBe(last);
    }
    expect(findStep("1")?.key).toBe("honesty");
    expect(findStep("#01")?.key).toBe("honesty");
    expect(findStep("Give-Space")?.number).toBe(12);
  });

  it("findStep misses anything else", () => {
    for (const ref of [
      "0",
      "14",
      "#0",
      "#14",
      "-1",
      "1.5",
      "nope",
      "",
      "   ",
      "#",
      "##1",
      "dont repeat",
      "step 1",
    ]) {
      expect(findStep(ref), JSON.stringify(ref)).toBeUndefined();
    }
  });
});

describe("originality", () => {
  it("shares no 6-word run with the source guide (its committed fingerprint)", () => {
    const seed = new Set(readFileSync(FINGERPRINT_PATH, "utf8").split("\n").filter(Boolean));
    expect(seed.size).toBeGreaterThan(100);
    const copied: string[] = [];
    for (const s of STEPS) {
      for (const text of texts(s)) {
        for (const gram of ngrams(text, 6))
          if (seed.has(fingerprint(gram))) copied.push(`${s.key}: "${gram}"`);
      }
    }
    expect(copied).toEqual([]);
  });

  it("the fingerprint is the guide's, wherever the guide is beside the repository", () => {
    const committed = readFileSync(FINGERPRINT_PATH, "utf8").split("\n").filter(Boolean);
    // Without ../shared (a bare clone) there is nothing to compare with; the fingerprint stands.
    const guide = existsSync(SEED_PATH) ? fingerprints(readFileSync(SEED_PATH, "utf8")) : committed;
    expect(committed).toEqual(guide);
  });

  it("the 6-word check catches a copied phrase", () => {
    const seed = new Set(ngrams("Give them the space they need to process their emotions.", 6));
    expect(ngrams("Please give them the space they need, always.", 6).some((g) => seed.has(g))).toBe(true);
  });
});
