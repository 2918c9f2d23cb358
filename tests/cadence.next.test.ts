import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  allZones,
  type Cadence,
  type CadenceContext,
  cadencePeriodMs,
  daysBetween,
  formatLocal,
  formatLocalTime,
  GRADUATED_PHASES,
  isValidDate,
  isValidZone,
  type LocalTime,
  localDate,
  localToInstant,
  nextOccurrence,
  normalizeZone,
  parseCadence,
  weekdayOf,
} from "../src/cadence";

const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";
const LORD_HOWE = "Australia/Lord_Howe";
const KOLKATA = "Asia/Kolkata";
const DAY = 86_400_000;
const HOUR = 3_600_000;

const at = (hour: number, minute: number): LocalTime => ({ hour, minute });
const utc = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function cadence(text: string): Cadence {
  const r = parseCadence(text);
  if (!r.ok) throw new Error(r.error);
  return r.cadence;
}

/** The next `n` occurrences after `fromIso`, as ISO strings in UTC. */
function run(text: string, fromIso: string, n: number, ctx: CadenceContext): string[] {
  const c = cadence(text);
  const out: string[] = [];
  let t = utc(fromIso);
  for (let i = 0; i < n; i++) {
    const next = nextOccurrence(c, t, ctx);
    if (next === null) break;
    out.push(new Date(next).toISOString());
    t = next;
  }
  return out;
}

/** The same, shown as wall-clock times in the zone, which is what people see. */
function runLocal(text: string, fromIso: string, n: number, ctx: CadenceContext): string[] {
  return run(text, fromIso, n, ctx).map((s) => formatLocal(utc(s), ctx.zone));
}

describe("zone helpers", () => {
  it("validates and normalises IANA zone names", () => {
    expect(isValidZone("Europe/Berlin")).toBe(true);
    expect(isValidZone("UTC")).toBe(true);
    expect(isValidZone("Australia/Lord_Howe")).toBe(true);
    expect(isValidZone("")).toBe(false);
    expect(isValidZone("garbage")).toBe(false);
    expect(isValidZone("Mars/Olympus_Mons")).toBe(false);
    expect(isValidZone("+05:30")).toBe(false);
    expect(normalizeZone("europe/berlin")).toBe("Europe/Berlin");
    expect(normalizeZone("AMERICA/NEW_YORK")).toBe("America/New_York");
    expect(normalizeZone("asia/kolkata")).toBe("Asia/Kolkata");
    expect(normalizeZone("utc")).toBe("UTC");
    expect(normalizeZone(" Europe/Berlin ")).toBe("Europe/Berlin");
    expect(normalizeZone("US/Eastern")).toBe("America/New_York");
    expect(normalizeZone("nowhere/special")).toBeNull();
    expect(normalizeZone("")).toBeNull();
  });

  it("lists every supported zone plus UTC", () => {
    const zones = allZones();
    expect(zones).toContain("UTC");
    expect(zones).toContain("Europe/Berlin");
    expect(zones.length).toBeGreaterThan(300);
    expect(new Set(zones).size).toBe(zones.length);
    for (const z of zones.slice(0, 50)) expect(isValidZone(z)).toBe(true);
  });

  it("does calendar arithmetic on dates", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-01-31", 2)).toBe("2026-03-31");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-11-30", 3)).toBe("2027-02-28");
    expect(weekdayOf("2026-11-29")).toBe(0);
    expect(isValidDate("2026-02-29")).toBe(false);
    expect(isValidDate("2028-02-29")).toBe(true);
    expect(() => addDays("2026-02-30", 1)).toThrow(RangeError);
  });

  it("formats instants as local wall-clock times", () => {
    const t = utc("2026-11-29T17:00:00Z");
    expect(formatLocal(t, BERLIN)).toBe("Sun 29 Nov 2026, 18:00");
    expect(formatLocalTime(t, BERLIN)).toBe("18:00");
    expect(formatLocal(t, KOLKATA)).toBe("Sun 29 Nov 2026, 22:30");
    expect(formatLocal(t, LORD_HOWE)).toBe("Mon 30 Nov 2026, 04:00");
    expect(formatLocalTime(utc("2026-06-01T00:00:00Z"), "UTC")).toBe("00:00");
    expect(localDate(t, LORD_HOWE)).toBe("2026-11-30");
    expect(localDate(t, NEW_YORK)).toBe("2026-11-29");
  });
});

describe("localToInstant: DST gaps and folds", () => {
  it("fires a time in the spring-forward gap at the first valid instant (the jump itself)", () => {
    // Berlin: 02:00 CET jumps to 03:00 CEST on 2027-03-28, so 02:30 does not exist.
    expect(iso(localToInstant("2027-03-28", at(2, 30), BERLIN))).toBe("2027-03-28T01:00:00.000Z");
    expect(iso(localToInstant("2027-03-28", at(2, 0), BERLIN))).toBe("2027-03-28T01:00:00.000Z");
    expect(iso(localToInstant("2027-03-28", at(3, 0), BERLIN))).toBe("2027-03-28T01:00:00.000Z");
    expect(iso(localToInstant("2027-03-28", at(1, 59), BERLIN))).toBe("2027-03-28T00:59:00.000Z");
    // New York: 02:00 EST jumps to 03:00 EDT on 2026-03-08.
    expect(iso(localToInstant("2026-03-08", at(2, 30), NEW_YORK))).toBe("2026-03-08T07:00:00.000Z");
    // Lord Howe moves only 30 minutes: 02:00 +10:30 jumps to 02:30 +11 on 2026-10-04.
    expect(iso(localToInstant("2026-10-04", at(2, 15), LORD_HOWE))).toBe("2026-10-03T15:30:00.000Z");
    expect(iso(localToInstant("2026-10-04", at(2, 30), LORD_HOWE))).toBe("2026-10-03T15:30:00.000Z");
    expect(iso(localToInstant("2026-10-04", at(2, 45), LORD_HOWE))).toBe("2026-10-03T15:45:00.000Z");
  });

  it("fires a repeated fall-back time once, at the first (summer-time) instant", () => {
    expect(iso(localToInstant("2026-10-25", at(2, 30), BERLIN))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(localToInstant("2026-10-25", at(3, 0), BERLIN))).toBe("2026-10-25T02:00:00.000Z");
    expect(iso(localToInstant("2026-11-01", at(1, 30), NEW_YORK))).toBe("2026-11-01T05:30:00.000Z");
    // Lord Howe repeats 01:30-02:00 on 2027-04-04; 01:45 at +11 comes first.
    expect(iso(localToInstant("2027-04-04", at(1, 45), LORD_HOWE))).toBe("2027-04-03T14:45:00.000Z");
    expect(iso(localToInstant("2027-04-04", at(1, 15), LORD_HOWE))).toBe("2027-04-03T14:15:00.000Z");
  });

  it("is a plain fixed offset in Asia/Kolkata", () => {
    expect(iso(localToInstant("2026-06-01", at(9, 0), KOLKATA))).toBe("2026-06-01T03:30:00.000Z");
    expect(iso(localToInstant("2026-12-01", at(0, 0), KOLKATA))).toBe("2026-11-30T18:30:00.000Z");
  });

  it("agrees with croner's fixed-time rule around every transition, minute by minute", () => {
    const days: [string, string][] = [
      [BERLIN, "2027-03-28"],
      [BERLIN, "2026-10-25"],
      [NEW_YORK, "2026-03-08"],
      [NEW_YORK, "2026-11-01"],
      [LORD_HOWE, "2026-10-04"],
      [LORD_HOWE, "2027-04-04"],
    ];
    for (const [zone, date] of days) {
      const dayStart = localToInstant(addDays(date, -1), at(12, 0), zone);
      for (let minutes = 0; minutes < 4 * 60; minutes += 5) {
        const time = at(Math.floor(minutes / 60), minutes % 60);
        const job = new Cron(`${time.minute} ${time.hour} * * *`, { timezone: zone, paused: true });
        const expected = job.nextRun(new Date(dayStart))?.getTime();
        expect([zone, date, time, iso(localToInstant(date, time, zone))]).toEqual([
          zone,
          date,
          time,
          iso(expected ?? null),
        ]);
      }
    }
  });
});

describe("nextOccurrence: daily", () => {
  const berlin = { zone: BERLIN, anchor: "2026-01-01" };

  it("keeps 20:00 local across both Berlin changes", () => {
    expect(run("daily 20:00", "2026-03-28T12:00:00Z", 2, berlin)).toEqual([
      "2026-03-28T19:00:00.000Z",
      "2026-03-29T18:00:00.000Z",
    ]);
    expect(run("daily 20:00", "2026-10-24T12:00:00Z", 2, berlin)).toEqual([
      "2026-10-24T18:00:00.000Z",
      "2026-10-25T19:00:00.000Z",
    ]);
  });

  it("moves a time in the gap to the jump, and fires a repeated time once", () => {
    expect(runLocal("daily 02:30", "2027-03-27T12:00:00Z", 3, berlin)).toEqual([
      "Sun 28 Mar 2027, 03:00",
      "Mon 29 Mar 2027, 02:30",
      "Tue 30 Mar 2027, 02:30",
    ]);
    expect(run("daily 02:30", "2026-10-24T12:00:00Z", 2, berlin)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
    // Between the two passes of 02:30 the next one is tomorrow's, not the second pass.
    expect(iso(nextOccurrence(cadence("daily 02:30"), utc("2026-10-25T01:00:00Z"), berlin))).toBe(
      "2026-10-26T01:30:00.000Z",
    );
  });

  it("handles New York's changes", () => {
    const ny = { zone: NEW_YORK, anchor: "2026-01-01" };
    expect(runLocal("daily 02:30", "2026-03-07T12:00:00Z", 2, ny)).toEqual([
      "Sun 8 Mar 2026, 03:00",
      "Mon 9 Mar 2026, 02:30",
    ]);
    expect(run("daily 01:30", "2026-10-31T12:00:00Z", 3, ny)).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
      "2026-11-03T06:30:00.000Z",
    ]);
    expect(run("daily 20:00", "2026-03-07T12:00:00Z", 2, ny)).toEqual([
      "2026-03-08T01:00:00.000Z",
      "2026-03-09T00:00:00.000Z",
    ]);
  });

  it("handles Lord Howe's 30-minute shift", () => {
    const lh = { zone: LORD_HOWE, anchor: "2026-01-01" };
    expect(run("daily 20:00", "2026-10-03T00:00:00Z", 2, lh)).toEqual([
      "2026-10-03T09:30:00.000Z",
      "2026-10-04T09:00:00.000Z",
    ]);
    expect(runLocal("daily 02:15", "2026-10-03T00:00:00Z", 2, lh)).toEqual([
      "Sun 4 Oct 2026, 02:30",
      "Mon 5 Oct 2026, 02:15",
    ]);
    expect(run("daily 01:45", "2027-04-03T00:00:00Z", 2, lh)).toEqual([
      "2027-04-03T14:45:00.000Z",
      "2027-04-04T15:15:00.000Z",
    ]);
  });

  it("skips a day whose gap runs past midnight, as croner does", () => {
    // Nuuk jumps from 23:00 (-02) to 00:00 (-01) on 2026-03-29 at 01:00Z: 23:30 on the 28th never happens.
    const nuuk = { zone: "America/Nuuk", anchor: "2026-03-01" };
    expect(runLocal("daily 23:30", "2026-03-27T12:00:00Z", 2, nuuk)).toEqual([
      "Fri 27 Mar 2026, 23:30",
      "Sun 29 Mar 2026, 23:30",
    ]);
    const job = new Cron("30 23 * * *", { timezone: "America/Nuuk", paused: true });
    expect(iso(job.nextRuns(2, new Date(utc("2026-03-27T12:00:00Z")))[1]?.getTime() ?? null)).toBe(
      "2026-03-30T00:30:00.000Z",
    );
    // localToInstant itself still answers with the first valid instant, which a `once` uses.
    expect(iso(localToInstant("2026-03-28", at(23, 30), "America/Nuuk"))).toBe("2026-03-29T01:00:00.000Z");
    expect(run("once 2026-03-28 23:30", "2026-03-01T00:00:00Z", 2, nuuk)).toEqual([
      "2026-03-29T01:00:00.000Z",
    ]);
  });

  it("is a fixed offset in Kolkata", () => {
    expect(run("daily 09:00", "2026-03-28T00:00:00Z", 2, { zone: KOLKATA, anchor: "2026-01-01" })).toEqual([
      "2026-03-28T03:30:00.000Z",
      "2026-03-29T03:30:00.000Z",
    ]);
  });

  it("is strictly after the given instant", () => {
    const c = cadence("daily 20:00");
    const t = utc("2026-06-01T18:00:00Z");
    expect(iso(nextOccurrence(c, t - 1, berlin))).toBe("2026-06-01T18:00:00.000Z");
    expect(iso(nextOccurrence(c, t, berlin))).toBe("2026-06-02T18:00:00.000Z");
  });

  it("refuses an unknown zone", () => {
    expect(() => nextOccurrence(cadence("daily"), 0, { zone: "Nowhere/Land", anchor: "2026-01-01" })).toThrow(
      RangeError,
    );
  });
});

describe("nextOccurrence: weekdays and weekly", () => {
  it("skips the weekend", () => {
    const ny = { zone: NEW_YORK, anchor: "2026-01-01" };
    // Friday 2026-06-05 after 09:00 EDT.
    expect(runLocal("weekdays 09:00", "2026-06-05T14:00:00Z", 6, ny)).toEqual([
      "Mon 8 Jun 2026, 09:00",
      "Tue 9 Jun 2026, 09:00",
      "Wed 10 Jun 2026, 09:00",
      "Thu 11 Jun 2026, 09:00",
      "Fri 12 Jun 2026, 09:00",
      "Mon 15 Jun 2026, 09:00",
    ]);
  });

  it("fires on the chosen days only", () => {
    const berlin = { zone: BERLIN, anchor: "2026-01-01" };
    expect(run("weekly mon,thu 18:30", "2026-06-02T10:00:00Z", 3, berlin)).toEqual([
      "2026-06-04T16:30:00.000Z",
      "2026-06-08T16:30:00.000Z",
      "2026-06-11T16:30:00.000Z",
    ]);
    const kolkata = { zone: KOLKATA, anchor: "2026-01-01" };
    expect(runLocal("weekly sun 18:00", "2026-06-01T00:00:00Z", 2, kolkata)).toEqual([
      "Sun 7 Jun 2026, 18:00",
      "Sun 14 Jun 2026, 18:00",
    ]);
  });

  it("follows the gap rule on a DST Sunday", () => {
    const lh = { zone: LORD_HOWE, anchor: "2026-01-01" };
    expect(runLocal("weekly sun 02:10", "2026-09-30T00:00:00Z", 2, lh)).toEqual([
      "Sun 4 Oct 2026, 02:30",
      "Sun 11 Oct 2026, 02:10",
    ]);
  });
});

describe("nextOccurrence: every N days", () => {
  const kolkata = { zone: KOLKATA, anchor: "2026-06-01" };

  it("counts from the anchor date, which is the first occurrence", () => {
    expect(runLocal("every 3 days 20:00", "2026-05-20T00:00:00Z", 3, kolkata)).toEqual([
      "Mon 1 Jun 2026, 20:00",
      "Thu 4 Jun 2026, 20:00",
      "Sun 7 Jun 2026, 20:00",
    ]);
    expect(runLocal("every 3 days 20:00", "2026-06-02T00:00:00Z", 1, kolkata)).toEqual([
      "Thu 4 Jun 2026, 20:00",
    ]);
    // Just before and at the day's time.
    expect(runLocal("every 3 days 20:00", "2026-06-04T14:29:00Z", 1, kolkata)).toEqual([
      "Thu 4 Jun 2026, 20:00",
    ]);
    expect(runLocal("every 3 days 20:00", "2026-06-04T14:30:00Z", 1, kolkata)).toEqual([
      "Sun 7 Jun 2026, 20:00",
    ]);
    // Far from the anchor.
    expect(runLocal("every 3 days 20:00", "2027-06-01T00:00:00Z", 1, kolkata)).toEqual([
      "Wed 2 Jun 2027, 20:00",
    ]);
  });

  it("crosses a DST change with the same rules", () => {
    const berlin = { zone: BERLIN, anchor: "2027-03-25" };
    expect(runLocal("every 3 days 02:30", "2027-03-20T00:00:00Z", 3, berlin)).toEqual([
      "Thu 25 Mar 2027, 02:30",
      "Sun 28 Mar 2027, 03:00",
      "Wed 31 Mar 2027, 02:30",
    ]);
  });
});

describe("nextOccurrence: once", () => {
  it("fires once, then never again", () => {
    const c = cadence("once 2026-12-01 18:00");
    const ctx = { zone: BERLIN, anchor: "2026-01-01" };
    const t = nextOccurrence(c, utc("2026-06-01T00:00:00Z"), ctx);
    expect(iso(t)).toBe("2026-12-01T17:00:00.000Z");
    expect(nextOccurrence(c, t as number, ctx)).toBeNull();
    expect(nextOccurrence(c, utc("2027-01-01T00:00:00Z"), ctx)).toBeNull();
  });

  it("is in the commitment's zone", () => {
    const c = cadence("once 2026-12-01 18:00");
    expect(iso(nextOccurrence(c, 0, { zone: LORD_HOWE, anchor: "2026-01-01" }))).toBe(
      "2026-12-01T07:00:00.000Z",
    );
  });
});

describe("nextOccurrence: graduated", () => {
  const g = "graduated 20:00";

  it("has the documented ladder", () => {
    expect(GRADUATED_PHASES).toEqual([
      { everyDays: 1, checkIns: 7 },
      { everyDays: 3, checkIns: 4 },
      { everyDays: 7, checkIns: 8 },
      { everyMonths: 1, checkIns: Number.POSITIVE_INFINITY },
    ]);
  });

  it("phase 0 is daily from the anchor", () => {
    expect(runLocal(g, "2026-03-01T00:00:00Z", 3, { zone: BERLIN, anchor: "2026-03-28", phase: 0 })).toEqual([
      "Sat 28 Mar 2026, 20:00",
      "Sun 29 Mar 2026, 20:00",
      "Mon 30 Mar 2026, 20:00",
    ]);
  });

  it("phase 1 is every 3 days from the day it began", () => {
    const ctx = { zone: NEW_YORK, anchor: "2026-06-07", phase: 1 };
    // The engine passes the last check-in of phase 0; the anchor's own 20:00 is not after it.
    expect(runLocal(g, "2026-06-08T00:00:00Z", 3, ctx)).toEqual([
      "Wed 10 Jun 2026, 20:00",
      "Sat 13 Jun 2026, 20:00",
      "Tue 16 Jun 2026, 20:00",
    ]);
  });

  it("phase 2 is weekly", () => {
    const ctx = { zone: KOLKATA, anchor: "2026-06-07", phase: 2 };
    expect(runLocal(g, "2026-06-07T15:00:00Z", 2, ctx)).toEqual([
      "Sun 14 Jun 2026, 20:00",
      "Sun 21 Jun 2026, 20:00",
    ]);
  });

  it("phase 3 is monthly from the anchor, clamped to the month's end", () => {
    const ctx = { zone: BERLIN, anchor: "2026-01-31", phase: 3 };
    expect(runLocal(g, "2026-01-01T00:00:00Z", 6, ctx)).toEqual([
      "Sat 31 Jan 2026, 20:00",
      "Sat 28 Feb 2026, 20:00",
      "Tue 31 Mar 2026, 20:00",
      "Thu 30 Apr 2026, 20:00",
      "Sun 31 May 2026, 20:00",
      "Tue 30 Jun 2026, 20:00",
    ]);
    expect(runLocal(g, "2028-01-31T20:00:00Z", 2, ctx)).toEqual([
      "Tue 29 Feb 2028, 20:00",
      "Fri 31 Mar 2028, 20:00",
    ]);
    // Later phases stay monthly.
    expect(runLocal(g, "2026-02-01T00:00:00Z", 1, { ...ctx, phase: 7 })).toEqual(["Sat 28 Feb 2026, 20:00"]);
  });
});

describe("nextOccurrence: cron", () => {
  it("runs in the zone", () => {
    const ny = { zone: NEW_YORK, anchor: "2026-01-01" };
    // Saturday 2026-06-06: next is Monday.
    expect(runLocal("cron 0 20 * * 1-5", "2026-06-06T12:00:00Z", 2, ny)).toEqual([
      "Mon 8 Jun 2026, 20:00",
      "Tue 9 Jun 2026, 20:00",
    ]);
  });

  it("follows the same gap and fold rules for fixed times, lists included", () => {
    const berlin = { zone: BERLIN, anchor: "2026-01-01" };
    expect(run("cron 30 2 * * *", "2027-03-27T12:00:00Z", 1, berlin)).toEqual(["2027-03-28T01:00:00.000Z"]);
    expect(run("cron 30 2,14 * * *", "2027-03-27T15:00:00Z", 2, berlin)).toEqual([
      "2027-03-28T01:00:00.000Z",
      "2027-03-28T12:30:00.000Z",
    ]);
    expect(run("cron 30 2 * * *", "2026-10-24T12:00:00Z", 2, berlin)).toEqual([
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
    ]);
  });
});

describe("cadencePeriodMs", () => {
  it("is the widest gap of each form", () => {
    expect(cadencePeriodMs(cadence("daily"))).toBe(DAY);
    expect(cadencePeriodMs(cadence("weekdays"))).toBe(3 * DAY);
    expect(cadencePeriodMs(cadence("weekly mon,thu"))).toBe(4 * DAY);
    expect(cadencePeriodMs(cadence("weekly sun"))).toBe(7 * DAY);
    expect(cadencePeriodMs(cadence("every 3 days"))).toBe(3 * DAY);
    expect(cadencePeriodMs(cadence("once 2026-12-01"))).toBe(Number.POSITIVE_INFINITY);
    const g = cadence("graduated");
    expect([0, 1, 2, 3, 4].map((p) => cadencePeriodMs(g, p) / DAY)).toEqual([1, 3, 7, 31, 31]);
    expect(cadencePeriodMs(g)).toBe(DAY);
  });

  it("bounds cron from its fields", () => {
    expect(cadencePeriodMs(cadence("cron 0 20 * * 1-5"))).toBe(3 * DAY);
    expect(cadencePeriodMs(cadence("cron */30 * * * *"))).toBe(HOUR / 2);
    expect(cadencePeriodMs(cadence("cron 0 9,17 * * *"))).toBe(16 * HOUR);
    expect(cadencePeriodMs(cadence("cron 15,45 9-17 * * *"))).toBe(15 * HOUR + 30 * 60_000);
    expect(cadencePeriodMs(cadence("cron 0 12 L * *"))).toBe(31 * DAY);
    // Feb 29 skips 2100: eight years.
    expect(cadencePeriodMs(cadence("cron 0 0 29 2 *"))).toBe(daysBetween("2096-02-29", "2104-02-29") * DAY);
  });
});
