/**
 * Properties of the natural-input readers: a phrasing built from random parts (a time written any
 * of the ways people write it, days in any order and spelling, filler words, case and spaces)
 * reads as the cadence it stands for; the canonical form of any accepted input reads back to the
 * same cadence, with or without a today; and no input makes a reader throw or answer with more
 * than one short line.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  type Cadence,
  formatCadence,
  type LocalTime,
  parseCadence,
  parseCadenceInput,
  parseDate,
  parseQuietHours,
  parseTimeOfDay,
  parseZone,
  type Weekday,
} from "../src/cadence";

const FULL = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const SHORT = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** A day in 2000..2099, leap days and year ends included often. */
const today = fc.oneof(
  fc.integer({ min: 0, max: 36_500 }).map((d) => addDays("2000-01-01", d)),
  fc.integer({ min: 2000, max: 2099 }).map((y) => `${y}-12-31`),
  fc.constantFrom("2028-02-29", "2096-02-29", "2000-02-29"),
);

const time: fc.Arbitrary<LocalTime> = fc.record({
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
});
const pad = (n: number) => String(n).padStart(2, "0");

/** One way of writing a time that leaves no doubt about the hour. */
function writeTime(at: LocalTime, style: number, upper: boolean): string {
  const h12 = at.hour % 12 === 0 ? 12 : at.hour % 12;
  const ampm = at.hour < 12 ? "am" : "pm";
  const mm = pad(at.minute);
  const forms = [
    `${pad(at.hour)}:${mm}`,
    `${at.hour}:${mm}`,
    `${h12}:${mm}${ampm}`,
    `${h12}:${mm} ${ampm}`,
    `${h12}:${mm} ${ampm[0]}.m.`,
    `${at.hour}h${mm}`,
    at.minute === 0 ? `${h12}${ampm}` : `${h12}.${mm}${ampm}`,
    at.minute === 0 ? `${at.hour}h` : `${pad(at.hour)}.${mm}`,
  ];
  const t = forms[style % forms.length] as string;
  return upper ? t.toUpperCase() : t;
}

/** A random day name as someone might type it: short, full, plural, capitalised. */
const dayWord = (d: number, style: number) => {
  const forms = [
    SHORT[d],
    FULL[d],
    `${FULL[d]}s`,
    `${(FULL[d] as string)[0]?.toUpperCase()}${FULL[d]?.slice(1)}s`,
  ];
  return forms[style % forms.length] as string;
};

type Phrase = { text: string; want: Cadence };

const daily: fc.Arbitrary<(at: LocalTime) => Phrase> = fc
  .constantFrom("daily", "every day", "Every Day", "each day", "everyday", "once a day", "every single day")
  .map((w) => (at) => ({ text: w, want: { kind: "daily", at } }));

const weekdays: fc.Arbitrary<(at: LocalTime) => Phrase> = fc
  .constantFrom("weekdays", "every weekday", "on weekdays", "mon-fri", "Monday to Friday", "workdays")
  .map((w) => (at) => ({ text: w, want: { kind: "weekdays", at } }));

const weekly: fc.Arbitrary<(at: LocalTime) => Phrase> = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom(", ", ",", " and ", " & ", "/", " , "),
    fc.constantFrom("", "every ", "on ", "weekly "),
  )
  .map(([days, style, sep, lead]) => (at) => ({
    text: `${lead}${days.map((d) => dayWord(d, style)).join(sep)}`,
    want: { kind: "weekly", days: [...days].sort((a, b) => a - b) as Weekday[], at },
  }));

const every: fc.Arbitrary<(at: LocalTime) => Phrase> = fc.integer({ min: 2, max: 60 }).chain((n) =>
  fc.constantFrom(`every ${n} days`, `Every ${n} Days`, n === 2 ? "every other day" : `every ${n}th day`).map(
    (w) =>
      (at: LocalTime): Phrase => ({ text: w, want: { kind: "every", days: n, at } }),
  ),
);

const phrase = fc
  .tuple(
    fc.oneof(daily, weekdays, weekly, every),
    time,
    fc.integer({ min: 0, max: 7 }),
    fc.boolean(),
    fc.constantFrom("before", "after"),
    fc.constantFrom("", "at ", "@ ", "@"),
    fc.constantFrom(" ", "  ", " \t "),
  )
  .map(([make, at, style, upper, where, at_, space]) => {
    const p = make(at);
    const t = `${at_}${writeTime(at, style, upper)}`;
    const text = where === "before" ? `${t}${space}${p.text}` : `${p.text}${space}${t}`;
    return { text, want: p.want };
  });

describe("natural phrasings read as what they stand for", () => {
  it("any day list, time style, filler and order", () => {
    fc.assert(
      fc.property(phrase, today, ({ text, want }, day) => {
        const r = parseCadenceInput(text, day);
        if (!r.ok) throw new Error(`"${text}" was refused: ${r.error}`);
        // "mon-fri" and "mon,tue,wed,thu,fri" may read as the weekdays form; both fire alike.
        if (want.kind === "weekly" && r.cadence.kind !== "weekly") return;
        expect(r.cadence).toEqual(want);
      }),
      { numRuns: 600 },
    );
  });

  it("a one-off a number of days ahead, written as a date, lands on that day", () => {
    fc.assert(
      fc.property(today, fc.integer({ min: 0, max: 700 }), time, (day, ahead, at) => {
        const date = addDays(day, ahead);
        const [y, m, d] = date.split("-").map(Number) as [number, number, number];
        const month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"][
          m - 1
        ];
        for (const written of [date, `${d} ${month} ${y}`, `${month} ${d}, ${y}`]) {
          const r = parseCadenceInput(`once ${written} ${pad(at.hour)}:${pad(at.minute)}`, day);
          expect(r).toEqual({ ok: true, cadence: { kind: "once", date, at } });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("canonical forms round-trip", () => {
  const words = fc.constantFrom(
    "every",
    "day",
    "daily",
    "weekdays",
    "mondays",
    "thu",
    "and",
    ",",
    "at",
    "8pm",
    "7:30",
    "20h",
    "other",
    "3",
    "days",
    "once",
    "next",
    "friday",
    "31",
    "jan",
    "in",
    "2",
    "weeks",
    "except",
    "hours",
    "cron",
    "*",
    "0",
    "morning",
  );
  const typed = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(words, { minLength: 1, maxLength: 7 }).map((ws) => ws.join(" ")),
    // Long words between keywords: every refusal must still quote only a short piece.
    fc
      .array(
        fc.oneof(
          words,
          fc.constantFrom("minutes", "for", "until", "twice", "weekly"),
          fc.string({ minLength: 20, maxLength: 70 }),
        ),
        {
          minLength: 1,
          maxLength: 6,
        },
      )
      .map((ws) => ws.join(" ")),
    phrase.map((p) => p.text),
  );

  it("the canonical form of any accepted input parses to the same cadence", () => {
    fc.assert(
      fc.property(typed, today, (text, day) => {
        const r = parseCadenceInput(text, day);
        if (!r.ok) {
          expect(r.error.length).toBeLessThanOrEqual(200);
          expect(r.error).not.toMatch(/[\r\n]/);
          return;
        }
        const canonical = formatCadence(r.cadence);
        expect(parseCadence(canonical)).toMatchObject({ ok: true, cadence: r.cadence });
        expect(parseCadenceInput(canonical, day)).toMatchObject({ ok: true, cadence: r.cadence });
        expect(formatCadence((parseCadence(canonical) as { cadence: Cadence }).cadence)).toBe(canonical);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("no reader throws, and every refusal is one short line", () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.constantFrom("\u0000", "\u200b\u200b", "\u202e", "😀".repeat(300), "e\u0301".repeat(300)),
  );
  const oneLine = (r: { ok: boolean; error?: string }) => {
    if (r.ok) return;
    expect(r.error).not.toMatch(/[\r\n]/);
    expect((r.error ?? "").length).toBeLessThanOrEqual(200);
  };

  it("for cadences, times, dates, quiet hours and zones", () => {
    fc.assert(
      fc.property(anyText, today, (s, day) => {
        oneLine(parseCadenceInput(s, day));
        oneLine(parseTimeOfDay(s));
        oneLine(parseDate(s, day));
        oneLine(parseQuietHours(s));
        oneLine(parseZone(s, Date.parse(`${day}T12:00:00Z`)));
      }),
      { numRuns: 400 },
    );
  });
});
