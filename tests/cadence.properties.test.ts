import { Cron } from "croner";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  type Cadence,
  cadencePeriodMs,
  formatCadence,
  type LocalTime,
  localDate,
  localToInstant,
  nextOccurrence,
  parseCadence,
  type Weekday,
} from "../src/cadence";

const DST_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"] as const;
const ZONES = [...DST_ZONES, "UTC"] as const;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2030, 11, 31, 23, 59, 59);

/** DST transitions in the test zones, 2026-2030: instants near them get extra attention. */
const TRANSITIONS = [
  "2026-03-29T01:00:00Z",
  "2026-10-25T01:00:00Z",
  "2027-03-28T01:00:00Z",
  "2026-03-08T07:00:00Z",
  "2026-11-01T06:00:00Z",
  "2027-03-14T07:00:00Z",
  "2026-04-04T15:00:00Z",
  "2026-10-03T15:30:00Z",
  "2027-04-03T15:00:00Z",
  "2029-10-06T15:30:00Z",
].map(Date.parse);

const instant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -2 * DAY, max: 2 * DAY }))
    .map(([t, d]) => t + d),
);

// Early-morning times are where the gaps and folds are, so they come up often.
const localTime: fc.Arbitrary<LocalTime> = fc.record({
  hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 3 })),
  minute: fc.oneof(fc.integer({ min: 0, max: 59 }), fc.constantFrom(0, 15, 30, 45)),
});

const weekdays: fc.Arbitrary<Weekday[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 })
  .map((ds) => ds.sort((a, b) => a - b) as Weekday[]);

/** Cron expressions a power user might write, fixed-time and interval, all at most hourly. */
const CRONS = [
  "0 20 * * 1-5",
  "30 2 * * *",
  "30 2,14 * * *",
  "15 1-3 * * 0",
  "0 9 1 * *",
  "0 12 L * *",
  "0 0 13 * +5",
  "45 1 * * 6,0",
  "0 */6 * * *",
  "0 8 * * MON#1",
];

const cronExpr = fc.oneof(
  fc.constantFrom(...CRONS),
  fc.tuple(localTime, weekdays).map(([t, ds]) => `${t.minute} ${t.hour} * * ${ds.join(",")}`),
);

/** Every form except once, with valid parameters. */
const repeating: fc.Arbitrary<Cadence> = fc.oneof(
  localTime.map((at): Cadence => ({ kind: "daily", at })),
  localTime.map((at): Cadence => ({ kind: "weekdays", at })),
  fc.tuple(weekdays, localTime).map(([days, at]): Cadence => ({ kind: "weekly", days, at })),
  fc
    .tuple(fc.oneof(fc.integer({ min: 1, max: 365 }), fc.integer({ min: 1, max: 10 })), localTime)
    .map(([days, at]): Cadence => ({ kind: "every", days, at })),
  localTime.map((at): Cadence => ({ kind: "graduated", at })),
  cronExpr.map((expr): Cadence => ({ kind: "cron", expr })),
);

const phase = fc.integer({ min: 0, max: 4 });

/** An anchor on or before the instant's local date (the engine never asks about a future anchor). */
function anchorFor(t: number, zone: string, daysBack: number): string {
  return addDays(localDate(t, zone), -daysBack);
}

describe("properties of nextOccurrence", () => {
  it("is strictly after the instant and at most one period (plus an hour of DST) away", () => {
    fc.assert(
      fc.property(
        repeating,
        fc.constantFrom(...ZONES),
        instant,
        fc.integer({ min: 0, max: 800 }),
        phase,
        (c, zone, t, back, p) => {
          const ctx = { zone, anchor: anchorFor(t, zone, back), phase: p };
          const next = nextOccurrence(c, t, ctx);
          expect(next).not.toBeNull();
          expect(next as number).toBeGreaterThan(t);
          expect((next as number) - t).toBeLessThanOrEqual(cadencePeriodMs(c, p) + HOUR);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("matches croner for daily, weekdays and weekly, DST days included", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          localTime.map((at): Cadence => ({ kind: "daily", at })),
          localTime.map((at): Cadence => ({ kind: "weekdays", at })),
          fc.tuple(weekdays, localTime).map(([days, at]): Cadence => ({ kind: "weekly", days, at })),
        ),
        fc.constantFrom(...ZONES),
        instant,
        (c, zone, t) => {
          if (c.kind === "cron" || c.kind === "once" || c.kind === "every" || c.kind === "graduated") return;
          const dow = c.kind === "daily" ? "*" : c.kind === "weekdays" ? "1-5" : c.days.join(",");
          const job = new Cron(`${c.at.minute} ${c.at.hour} * * ${dow}`, { timezone: zone, paused: true });
          const expected = job.nextRun(new Date(t))?.getTime() ?? null;
          expect(nextOccurrence(c, t, { zone, anchor: "2026-01-01" })).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("every 1 day and graduated phase 0 fire exactly when daily does", () => {
    fc.assert(
      fc.property(localTime, fc.constantFrom(...ZONES), instant, (at, zone, t) => {
        const ctx = { zone, anchor: "2025-12-01", phase: 0 };
        const daily = nextOccurrence({ kind: "daily", at }, t, ctx);
        expect(nextOccurrence({ kind: "every", days: 1, at }, t, ctx)).toBe(daily);
        expect(nextOccurrence({ kind: "graduated", at }, t, ctx)).toBe(daily);
      }),
      { numRuns: 300 },
    );
  });

  it("never goes backwards or repeats when stepped over two years", () => {
    fc.assert(
      fc.property(
        repeating,
        fc.constantFrom(...DST_ZONES),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) }),
        phase,
        (c, zone, start, p) => {
          const ctx = { zone, anchor: localDate(start, zone), phase: p };
          const end = start + 2 * 365 * DAY;
          let t = start;
          let steps = 0;
          while (t < end) {
            const next = nextOccurrence(c, t, ctx);
            expect(next).not.toBeNull();
            expect(next as number).toBeGreaterThan(t);
            t = next as number;
            steps++;
          }
          expect(steps).toBeGreaterThan(0);
        },
      ),
      { numRuns: 24 },
    );
  });

  it("daily fires once per local date: 365 in 2027 and 366 in 2028", () => {
    fc.assert(
      fc.property(localTime, fc.constantFrom(...DST_ZONES), (at, zone) => {
        const c: Cadence = { kind: "daily", at };
        const ctx = { zone, anchor: "2026-01-01" };
        // Start just before local midnight of 2027-01-01 and stop after 2028's last day.
        let t = localToInstant("2027-01-01", { hour: 0, minute: 0 }, zone) - 1;
        const perYear = new Map<string, number>();
        let lastDate = "2026-12-31";
        for (;;) {
          const next = nextOccurrence(c, t, ctx) as number;
          const date = localDate(next, zone);
          if (date >= "2029-01-01") break;
          expect(date).toBe(addDays(lastDate, 1));
          const year = date.slice(0, 4);
          perYear.set(year, (perYear.get(year) ?? 0) + 1);
          lastDate = date;
          t = next;
        }
        expect(Object.fromEntries(perYear)).toEqual({ "2027": 365, "2028": 366 });
      }),
      { numRuns: 12 },
    );
  });
});

describe("properties of parse and format", () => {
  const anyCadence: fc.Arbitrary<Cadence> = fc.oneof(
    repeating,
    fc
      .tuple(fc.integer({ min: 0, max: 3000 }), localTime)
      .map(([d, at]): Cadence => ({ kind: "once", date: addDays("2026-01-01", d), at })),
  );

  it("formatCadence parses back to an equal cadence", () => {
    fc.assert(
      fc.property(anyCadence, (c) => {
        expect(parseCadence(formatCadence(c))).toEqual({ ok: true, cadence: c });
      }),
      { numRuns: 500 },
    );
  });

  it("never throws, and a refusal is one line of at most 200 characters", () => {
    const words = fc.constantFrom(
      "daily",
      "weekly",
      "every",
      "once",
      "cron",
      "mon",
      "at",
      "days",
      "7pm",
      "*",
    );
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.array(fc.oneof(words, fc.string({ maxLength: 6 })), { maxLength: 8 }).map((ws) => ws.join(" ")),
    );
    fc.assert(
      fc.property(text, (s) => {
        const r = parseCadence(s);
        if (!r.ok) {
          expect(r.error.length).toBeLessThanOrEqual(200);
          expect(r.error).not.toMatch(/[\r\n]/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
