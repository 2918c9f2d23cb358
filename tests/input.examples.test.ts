/**
 * Every example a refusal of the input readers shows works when copied, on the day it is shown:
 * the refusals are produced (at several todays, a year's end and a leap day among them), the
 * examples are taken out of their words ("Try …", "like /quiet …", "until: …"), and each is read
 * back by the reader it is meant for.
 */
import { describe, expect, it } from "vitest";
import {
  allCadenceExamples,
  dateExample,
  parseCadenceInput,
  parseDate,
  parseQuietHours,
  parseZone,
  untilExample,
} from "../src/cadence";

const TODAYS = ["2026-11-29", "2026-12-31", "2028-02-29", "2027-03-01"];

const BAD_CADENCES = [
  "",
  "blah blah",
  "daily 8",
  "daily 25:00",
  "daily 13pm",
  "daily at",
  "daily 8am and 8pm",
  "weekly",
  "weekly blursday",
  "every 0 days",
  "every other monday",
  "biweekly",
  "twice a day",
  "twice a week",
  "every 30 minutes",
  "cron * * * * *",
  "cron */30 * * * *",
  "cron banana",
  "cron 0 0 20 * * *",
  "cron 0 0 31 2 *",
  "cron @reboot",
  "cron",
  "monthly on the 31st",
  "daily at 8pm for 2 weeks",
  "every day except every day",
  "once",
  "once 2020-01-01 18:00",
  "once someday",
  "once 2026-02-30",
  "once 3/4 18:00",
  "x".repeat(201),
];
const BAD_DATES = ["someday", "2020-01-01", "yesterday", "2027-02-30", "3/4", "january", "x".repeat(70)];
const BAD_QUIET = ["late", "10-7", "22:00-22:00", "25-7", "x".repeat(70)];
const BAD_ZONES = ["Mars/Olympus", "EST", "CET", "GMT+1", "springfield", "berln", "UTC+15", "x".repeat(70)];

/** The quoted examples in a refusal, the echo of what was typed left out. */
function quotedExamples(error: string, typed: string): string[] {
  return [...error.matchAll(/"([^"]+)"/g)]
    .map((m) => m[1] as string)
    .filter((q) => !typed.toLowerCase().includes(q.replace(/…$/, "").toLowerCase()));
}

describe("examples in refusals work on the day they are shown", () => {
  it.each(TODAYS)("cadence refusals on %s", (today) => {
    let seen = 0;
    for (const typed of BAD_CADENCES) {
      const r = parseCadenceInput(typed, today);
      expect(r.ok, typed).toBe(false);
      if (r.ok) continue;
      for (const example of quotedExamples(r.error, typed)) {
        const read = parseCadenceInput(example.replace(/^cadence: /, ""), today);
        expect(read.ok, `"${example}" from the refusal of "${typed}": ${read.ok ? "" : read.error}`).toBe(
          true,
        );
        seen++;
      }
      // "Write 8am or 8pm (or 08:00 or 20:00)": the unquoted times work too.
      for (const m of r.error.matchAll(/Write (\S+) or (\S+) \(or (\S+) or (\S+?)\)/g)) {
        for (const t of m.slice(1)) expect(parseCadenceInput(t, today).ok, t).toBe(true);
      }
      // "like cadence: every day at 8pm until: in 2 weeks".
      const split = /cadence: (.+) until: (.+)\.$/.exec(r.error);
      if (split?.[1] && split[2]) {
        expect(parseCadenceInput(split[1], today).ok).toBe(true);
        expect(parseDate(split[2], today).ok).toBe(true);
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it.each(TODAYS)("date refusals on %s", (today) => {
    for (const typed of BAD_DATES) {
      const r = parseDate(typed, today);
      expect(r.ok, typed).toBe(false);
      if (r.ok) continue;
      const examples = [...r.error.matchAll(/until: (\S+(?: \d+ weeks)?)/g)].map((m) =>
        (m[1] as string).replace(/\.$/, ""),
      );
      for (const e of [...r.error.matchAll(/Write (\S+) or (\S+?)\./g)].flatMap((m) => m.slice(1))) {
        examples.push(e);
      }
      expect(examples.length, r.error).toBeGreaterThan(0);
      for (const e of examples)
        expect(parseDate(e, today), `${e} from "${r.error}"`).toMatchObject({ ok: true });
    }
  });

  it("quiet-hour refusals", () => {
    for (const typed of BAD_QUIET) {
      const r = parseQuietHours(typed);
      if (r.ok) throw new Error(`${typed} accepted`);
      const examples = [...r.error.matchAll(/\/quiet (\S+?)(?:\.|$| )/g)].map((m) => m[1] as string);
      expect(examples.length, r.error).toBeGreaterThan(0);
      for (const e of examples) expect(parseQuietHours(e).ok, e).toBe(true);
    }
  });

  it.each(TODAYS)("zone refusals and questions on %s", (today) => {
    const now = Date.parse(`${today}T12:00:00Z`);
    for (const typed of BAD_ZONES) {
      const r = parseZone(typed, now);
      if (r.ok) throw new Error(`${typed} accepted`);
      const example = /\/timezone (.+?)(?:, or a zone|\.$)/.exec(r.error)?.[1];
      expect(example, r.error).toBeDefined();
      expect(parseZone(example as string, now).ok, example).toBe(true);
      for (const c of r.choices ?? []) expect(parseZone(c.zone, now)).toEqual({ ok: true, zone: c.zone });
    }
  });

  it.each(TODAYS)("the exported examples on %s", (today) => {
    for (const e of allCadenceExamples(today)) expect(parseCadenceInput(e, today).ok, e).toBe(true);
    expect(parseDate(dateExample(today), today)).toEqual({ ok: true, date: dateExample(today) });
    expect(untilExample(today)).toBe(`until: ${dateExample(today)}`);
  });
});
