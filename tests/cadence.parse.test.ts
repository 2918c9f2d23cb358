import { describe, expect, it } from "vitest";
import {
  type Cadence,
  type CadenceResult,
  describeCadence,
  describeGraduatedLadder,
  formatCadence,
  parseCadence,
} from "../src/cadence";

function ok(text: string): Cadence {
  const r = parseCadence(text);
  if (!r.ok) throw new Error(`expected "${text}" to parse, got: ${r.error}`);
  return r.cadence;
}

function refused(text: string): string {
  const r: CadenceResult = parseCadence(text);
  if (r.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(r.cadence)}`);
  // Every refusal is one short line that people can act on.
  expect(r.error).not.toMatch(/\n/);
  expect(r.error.length).toBeLessThanOrEqual(200);
  return r.error;
}

const at = (hour: number, minute: number) => ({ hour, minute });

describe("parseCadence: the forms", () => {
  it("reads daily, with and without a time", () => {
    expect(ok("daily 20:00")).toEqual({ kind: "daily", at: at(20, 0) });
    expect(ok("daily 7:05")).toEqual({ kind: "daily", at: at(7, 5) });
    expect(ok("daily")).toEqual({ kind: "daily", at: at(20, 0) });
    expect(ok("daily at 06:30")).toEqual({ kind: "daily", at: at(6, 30) });
    expect(ok("daily 0:00")).toEqual({ kind: "daily", at: at(0, 0) });
    expect(ok("daily 23:59")).toEqual({ kind: "daily", at: at(23, 59) });
  });

  it("reads weekdays", () => {
    expect(ok("weekdays 09:00")).toEqual({ kind: "weekdays", at: at(9, 0) });
    expect(ok("weekdays")).toEqual({ kind: "weekdays", at: at(20, 0) });
  });

  it("reads weekly with short and full day names, sorted and without duplicates", () => {
    expect(ok("weekly mon,thu 18:30")).toEqual({ kind: "weekly", days: [1, 4], at: at(18, 30) });
    expect(ok("weekly sun 18:00")).toEqual({ kind: "weekly", days: [0], at: at(18, 0) });
    expect(ok("weekly sunday 18:00")).toEqual({ kind: "weekly", days: [0], at: at(18, 0) });
    expect(ok("weekly thu, mon 18:30")).toEqual({ kind: "weekly", days: [1, 4], at: at(18, 30) });
    expect(ok("weekly fri,friday,FRI,sat")).toEqual({ kind: "weekly", days: [5, 6], at: at(20, 0) });
    expect(ok("weekly tuesday, wednesday, saturday at 7:00")).toEqual({
      kind: "weekly",
      days: [2, 3, 6],
      at: at(7, 0),
    });
  });

  it("reads every N days, singular or plural", () => {
    expect(ok("every 3 days 20:00")).toEqual({ kind: "every", days: 3, at: at(20, 0) });
    expect(ok("every 1 day")).toEqual({ kind: "every", days: 1, at: at(20, 0) });
    expect(ok("every 365 days 6:00")).toEqual({ kind: "every", days: 365, at: at(6, 0) });
  });

  it("reads once with a real calendar date", () => {
    expect(ok("once 2026-12-01 18:00")).toEqual({ kind: "once", date: "2026-12-01", at: at(18, 0) });
    expect(ok("once 2028-02-29")).toEqual({ kind: "once", date: "2028-02-29", at: at(20, 0) });
  });

  it("reads graduated", () => {
    expect(ok("graduated 20:00")).toEqual({ kind: "graduated", at: at(20, 0) });
    expect(ok("graduated 7:45")).toEqual({ kind: "graduated", at: at(7, 45) });
  });

  it("reads 5-field cron, canonicalised to upper case and single spaces", () => {
    expect(ok("cron 0 20 * * 1-5")).toEqual({ kind: "cron", expr: "0 20 * * 1-5" });
    expect(ok("cron   30  2 * *   mon-fri")).toEqual({ kind: "cron", expr: "30 2 * * MON-FRI" });
    expect(ok("cron 0 12 L * *")).toEqual({ kind: "cron", expr: "0 12 L * *" });
    expect(ok("cron @daily")).toEqual({ kind: "cron", expr: "0 0 * * *" });
  });

  it("is case-insensitive and forgiving about spaces", () => {
    expect(ok("DAILY 20:00")).toEqual(ok("daily 20:00"));
    expect(ok("  Weekly  MON, Thu   18:30 ")).toEqual(ok("weekly mon,thu 18:30"));
    expect(ok("Every 3 DAYS At 20:00")).toEqual(ok("every 3 days 20:00"));
    expect(ok("ONCE 2026-12-01 18:00")).toEqual(ok("once 2026-12-01 18:00"));
    expect(ok("GRADUATED")).toEqual(ok("graduated 20:00"));
    expect(ok("CRON 0 20 * * mon-fri")).toEqual(ok("cron 0 20 * * MON-FRI"));
  });
});

describe("formatCadence round-trips", () => {
  const samples = [
    "daily 20:00",
    "daily 7:05",
    "weekdays 09:00",
    "weekly mon,thu 18:30",
    "weekly sun 18:00",
    "weekly sunday,saturday,wed",
    "every 3 days 20:00",
    "every 1 day",
    "once 2026-12-01 18:00",
    "graduated 20:00",
    "cron 0 20 * * 1-5",
    "cron 15 1-3 * * sun",
  ];
  for (const text of samples) {
    it(`"${text}"`, () => {
      const c = ok(text);
      expect(ok(formatCadence(c))).toEqual(c);
    });
  }

  it("writes the canonical text", () => {
    expect(formatCadence(ok("Weekly Thursday, Mon 18:30"))).toBe("weekly mon,thu 18:30");
    expect(formatCadence(ok("daily 7:05"))).toBe("daily 07:05");
    expect(formatCadence(ok("every 1 day"))).toBe("every 1 day 20:00");
    expect(formatCadence(ok("every 2 day 9:00"))).toBe("every 2 days 09:00");
    expect(formatCadence(ok("once 2026-12-01"))).toBe("once 2026-12-01 20:00");
    expect(formatCadence(ok("cron 0 20 * * 1-5"))).toBe("cron 0 20 * * 1-5");
  });
});

describe("describeCadence", () => {
  it("describes each form for people", () => {
    expect(describeCadence(ok("daily 20:00"))).toBe("every day at 20:00");
    expect(describeCadence(ok("weekdays 9:00"))).toBe("weekdays (Monday to Friday) at 09:00");
    expect(describeCadence(ok("weekly mon,thu 18:30"))).toBe("Mondays and Thursdays at 18:30");
    expect(describeCadence(ok("weekly sun 18:00"))).toBe("Sundays at 18:00");
    expect(describeCadence(ok("weekly mon,wed,fri 7:00"))).toBe("Mondays, Wednesdays and Fridays at 07:00");
    expect(describeCadence(ok("weekly sun,mon,tue,wed,thu,fri,sat 8:00"))).toBe("every day at 08:00");
    expect(describeCadence(ok("every 3 days 20:00"))).toBe("every 3 days at 20:00");
    expect(describeCadence(ok("every 1 day 20:00"))).toBe("every day at 20:00");
    expect(describeCadence(ok("once 2026-12-01 18:00"))).toBe("once on Tue 1 Dec 2026 at 18:00");
    expect(describeCadence(ok("cron 0 20 * * 1-5"))).toBe('cron schedule "0 20 * * 1-5"');
  });

  it("names the current graduated phase in words, and that it eases off as it holds", () => {
    const g = ok("graduated 20:00");
    const first = "every day at 20:00 to begin with, then less often as it holds";
    expect(describeCadence(g)).toBe(first);
    expect(describeCadence(g, 0)).toBe(first);
    expect(describeCadence(g, 1)).toBe("every 3 days at 20:00 for now, then less often as it holds");
    expect(describeCadence(g, 2)).toBe("every week at 20:00 for now, then less often as it holds");
    expect(describeCadence(g, 3)).toBe("once a month at 20:00 for now");
    expect(describeCadence(g, 9)).toBe("once a month at 20:00 for now");
    expect(describeGraduatedLadder()).toBe(
      "daily ×7, then every 3 days ×4, then weekly ×8, then monthly from then on",
    );
  });
});

describe("parseCadence: refusals explain themselves", () => {
  const today = "2026-11-29";
  const refusedOn = (text: string) => {
    const r = parseCadence(text, today);
    if (r.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(r.cadence)}`);
    expect(r.error).not.toMatch(/\n/);
    expect(r.error.length).toBeLessThanOrEqual(200);
    return r.error;
  };

  it("offers phrasings that work for something it can't read", () => {
    const e = refused("every blue moon 20:00");
    expect(e).toContain('"every blue moon 20:00"');
    for (const works of ["every day at 8pm", "weekdays 9am", "mon,thu 18:30", "once next friday 6pm"]) {
      expect(e).toContain(works);
      expect(parseCadence(works, today).ok).toBe(true);
    }
    expect(refused("")).toContain("every day at 8pm");
    expect(refused("   ")).toContain("every day at 8pm");
  });

  it("keeps messages short when echoing long input", () => {
    const e = refused(`${"blah ".repeat(100)}`);
    expect(e).toContain("…");
  });

  it("refuses times that can't be, and asks about an hour that could be morning or evening", () => {
    expect(refused("daily 25:00")).toMatch(/"25:00".*0 to 23.*"daily 20:00"/);
    expect(refused("daily 24:00")).toContain("0 to 23");
    expect(refused("daily 20:60")).toContain("00 to 59");
    expect(refused("daily 13pm")).toContain("1 to 12");
    expect(refused("daily 8")).toBe(
      'Is "8" in the morning or the evening? Write 8am or 8pm (or 08:00 or 20:00).',
    );
    expect(refused("daily at 9 o'clock")).toContain("9am or 9pm");
    expect(refused("daily 2575")).toMatch(/couldn't read "daily 2575"/);
    expect(refused("daily at")).toBe('What time? Try "daily at 8pm" or "daily at 20:00".');
    expect(refused("daily 8am and 8pm")).toContain("one");
  });

  it("refuses unknown weekdays, and asks which day for a plain weekly", () => {
    expect(refused("weekly blursday 18:00")).toBe(
      'I couldn\'t read "blursday" as a day of the week. Try "mondays and thursdays 6:30pm".',
    );
    expect(refused("weekly mon,thu,xyz")).toContain('"xyz"');
    expect(refused("weekly 18:00")).toContain("Which day");
    expect(refused("weekly")).toContain("Which day");
  });

  it("refuses every 0 days and other impossible counts", () => {
    expect(refused("every 0 days")).toMatch(/Every 0 days.*1 to 365.*"every 3 days 20:00"/);
    expect(refused("every 366 days")).toContain("1 to 365");
    expect(refused("every 60 weeks")).toContain("1 to 365");
    expect(refused("every 2 weeks on monday")).toContain('"every 14 days"');
  });

  it("refuses impossible, past and badly written dates, with an example from today", () => {
    expect(refusedOn("once 2026-02-30 10:00")).toBe(
      'There is no date "2026-02-30". Try "once 2026-12-06 18:00".',
    );
    expect(refusedOn("once 2027-02-29")).toContain('no date "2027-02-29"');
    expect(refusedOn("once 2026-13-01")).toContain("no date");
    expect(refusedOn("once 2026-11-28 18:00")).toBe(
      'Sat 28 Nov 2026 has already passed. Try "once 2026-12-06 18:00".',
    );
    expect(refusedOn("once 3/4 18:00")).toMatch(/Is "3\/4" .* or .*\? Write 2027-04-03 or 2027-03-04/);
    expect(refusedOn("once someday")).toMatch(/couldn't read "someday" as a day.*"once 2026-12-06 18:00"/);
    expect(refusedOn("once")).toContain("which date");
  });

  it("refuses cron with seconds or a year, and garbage", () => {
    expect(refused("cron 0 0 20 * * *")).toMatch(/5 fields.*without seconds.*"cron 0 20 \* \* 1-5"/);
    expect(refused("cron 0 0 20 * * * 2027")).toContain("without seconds");
    expect(refused("cron banana")).toMatch(/5 fields.*"cron 0 20 \* \* 1-5"/);
    expect(refused("cron 61 20 * * *")).toMatch(/"61 20 \* \* \*" as a cron expression.*minute/);
    expect(refused("cron a b c d e")).toContain("as a cron expression");
    expect(refused("cron 0 0 31 2 *")).toContain("never fires");
    expect(refused("cron @reboot")).toContain("@reboot");
    expect(refused("cron")).toContain("Which cron expression?");
  });
});

describe("parseCadence without a today (a stored text) reads no clock", () => {
  it("takes written-out dates only: nothing relative resolves against the wall clock", () => {
    expect(parseCadence("once 2026-12-01 18:00")).toMatchObject({
      ok: true,
      cadence: { kind: "once", date: "2026-12-01" },
    });
    expect(parseCadence("once next friday 18:00").ok).toBe(false);
    expect(parseCadence("monthly 18:00")).toMatchObject({ ok: false });
    // With a today, the same words mean that day.
    expect(parseCadence("monthly 18:00", "2026-12-03")).toMatchObject({
      ok: true,
      cadence: { kind: "cron", expr: "0 18 3 * *" },
    });
  });
});
