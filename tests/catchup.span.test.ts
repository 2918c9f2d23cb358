/**
 * The cadence maths catch-up jumps with (src/cadence/span.ts): the latest occurrence at or
 * before an instant and the number in a span must be exactly what walking `nextOccurrence` one
 * by one finds, in every form, across clock changes (gaps, folds, a gap over midnight).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Cadence, type LocalTime, nextOccurrence, type Weekday } from "../src/cadence";
import { countOccurrences, firstAfter, latestOccurrence } from "../src/cadence/span";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Lord_Howe",
  "America/Nuuk",
  "America/Santiago",
  "Africa/Casablanca",
  "Asia/Kolkata",
] as const;

/** Walks `nextOccurrence` from `after`: the occurrences in (after, until], at most `max`. */
function walk(
  c: Cadence,
  after: number,
  until: number,
  ctx: { zone: string; anchor: string; phase?: number },
) {
  const found: number[] = [];
  for (let t = nextOccurrence(c, after, ctx); t !== null && t <= until; t = nextOccurrence(c, t, ctx)) {
    found.push(t);
    if (found.length > 20_000) throw new Error("walk too long");
  }
  return found;
}

const localTime: fc.Arbitrary<LocalTime> = fc.record({
  hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 1, 2, 3, 23)),
  minute: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constantFrom(0, 15, 30, 45)),
});
const weekdays = fc
  .uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 })
  .map((ds) => ds.sort((a, b) => a - b) as Weekday[]);

const builtIn: fc.Arbitrary<Cadence> = fc.oneof(
  localTime.map((at): Cadence => ({ kind: "daily", at })),
  localTime.map((at): Cadence => ({ kind: "weekdays", at })),
  fc.tuple(weekdays, localTime).map(([days, at]): Cadence => ({ kind: "weekly", days, at })),
  fc
    .tuple(fc.integer({ min: 1, max: 40 }), localTime)
    .map(([days, at]): Cadence => ({ kind: "every", days, at })),
  localTime.map((at): Cadence => ({ kind: "graduated", at })),
  fc.tuple(fc.integer({ min: 0, max: 4 * 365 }), localTime).map(
    ([d, at]): Cadence => ({
      kind: "once",
      date: new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10),
      at,
    }),
  ),
);

/** At most hourly, fixed-time and interval, with L, W-free day rules and an nth weekday. */
const CRONS = [
  "0 * * * *",
  "30 */2 * * *",
  "0 20 * * 1-5",
  "30 2 * * *",
  "30 2,14 * * *",
  "15 1-3 * * 0",
  "0 9 1 * *",
  "0 12 L * *",
  "0 0 13 * 5",
  "0 8 * * MON#1",
  "0 0,23 * * *",
];

// Transitions 2026-2027 in the zones above, where spans should often start or end.
const NEAR = [
  "2026-03-08T07:00:00Z",
  "2026-03-29T01:00:00Z",
  "2026-04-05T03:00:00Z",
  "2026-04-04T15:00:00Z",
  "2026-09-06T04:00:00Z",
  "2026-10-25T01:00:00Z",
  "2026-11-01T06:00:00Z",
  "2027-02-14T02:00:00Z",
].map(Date.parse);
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 11, 31) }),
  fc.tuple(fc.constantFrom(...NEAR), fc.integer({ min: -3 * DAY, max: 3 * DAY })).map(([t, d]) => t + d),
);

function check(c: Cadence, zone: string, after: number, span: number, back: number, phase: number) {
  const anchor = new Date(after - back * DAY).toISOString().slice(0, 10);
  const ctx = { zone, anchor, phase };
  const until = after + span;
  const found = walk(c, after, until, ctx);
  expect(countOccurrences(c, after, until, ctx)).toBe(found.length);
  const last = found.at(-1);
  const latest = latestOccurrence(c, until, ctx);
  if (last !== undefined) expect(latest).toBe(last);
  else if (latest !== null) {
    expect(latest).toBeLessThanOrEqual(after);
    const next = nextOccurrence(c, latest, ctx);
    expect(next === null || next > until).toBe(true);
  }
  // Every occurrence is its own latest, and the one after each is the next.
  for (const t of found.slice(0, 3)) expect(latestOccurrence(c, t, ctx)).toBe(t);
  expect(firstAfter(c, after, ctx)).toBe(nextOccurrence(c, after, ctx));
  for (const t of [...found.slice(0, 2), until])
    expect(firstAfter(c, t, ctx)).toBe(nextOccurrence(c, t, ctx));
}

describe("jumping over a span agrees with walking it (and the next occurrence with nextOccurrence)", () => {
  it("for the built-in forms over spans of up to 400 days", () => {
    fc.assert(
      fc.property(
        builtIn,
        fc.constantFrom(...ZONES),
        instant,
        fc.integer({ min: 0, max: 400 * DAY }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 4 }),
        (c, zone, after, span, back, phase) => check(c, zone, after, span, back, phase),
      ),
      { numRuns: 400 },
    );
  });

  it("for cron over spans of up to 12 days", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CRONS),
        fc.constantFrom(...ZONES),
        instant,
        fc.integer({ min: 0, max: 12 * DAY }),
        (expr, zone, after, span) => check({ kind: "cron", expr }, zone, after, span, 0, 0),
      ),
      { numRuns: 150 },
    );
  });

  it("for a daily cron over a year, through both clock changes", () => {
    for (const zone of ZONES)
      check({ kind: "cron", expr: "0 2 * * *" }, zone, Date.UTC(2026, 0, 3), 365 * DAY, 0, 0);
  });

  it("counts an hourly cron down 400 days without walking it: 9,600 or so, exact", () => {
    const c: Cadence = { kind: "cron", expr: "0 * * * *" };
    const ctx = { zone: "Europe/Berlin", anchor: "2026-01-01" };
    const after = Date.parse("2026-01-01T00:30:00Z");
    const until = after + 400 * DAY;
    // Two clock changes in 400 days: one hour lost, one hour run twice (croner's interval rule).
    expect(countOccurrences(c, after, until, ctx)).toBe(400 * 24);
    expect(latestOccurrence(c, until, ctx)).toBe(until - 30 * 60_000);
    expect(countOccurrences(c, until, after, ctx)).toBe(0);
  });

  it("knows a graduated monthly phase clamps to the month's end", () => {
    const c: Cadence = { kind: "graduated", at: { hour: 21, minute: 0 } };
    const ctx = { zone: "Europe/Berlin", anchor: "2026-01-31", phase: 3 };
    const after = Date.parse("2026-01-01T00:00:00Z");
    const until = Date.parse("2026-12-31T00:00:00Z");
    // 31 Jan, 28 Feb, 31 Mar, 30 Apr, … 30 Nov: eleven.
    expect(countOccurrences(c, after, until, ctx)).toBe(11);
    expect(new Date(latestOccurrence(c, until, ctx) ?? 0).toISOString()).toBe("2026-11-30T20:00:00.000Z");
    expect(latestOccurrence(c, after - HOUR, ctx)).toBeNull();
  });
});
