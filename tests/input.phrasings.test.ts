/**
 * The phrasing table: what people type for a cadence, a time, a date, quiet hours and a zone,
 * collected the way they write it (lower case, extra spaces, "at", "@", "h", am/pm, commas,
 * plural weekdays, accents, typos one edit off a weekday), and what each must become: the
 * canonical form, or a refusal whose reason is given. Today is Sunday 29 Nov 2026 (UTC) unless a
 * row says otherwise.
 */
import { describe, expect, it } from "vitest";
import {
  formatCadence,
  formatTime,
  parseCadence,
  parseCadenceInput,
  parseDate,
  parseQuietHours,
  parseTimeOfDay,
  parseZone,
} from "../src/cadence";

const TODAY = "2026-11-29";
const NOW = Date.parse("2026-11-29T11:00:00Z");

/** An expected canonical form, or `!` and a pattern the refusal must match. */
type Want = string | RegExp;

function check(got: { ok: true; text: string } | { ok: false; error: string }, want: Want): void {
  if (typeof want === "string") {
    if (!got.ok) throw new Error(`refused: ${got.error}`);
    expect(got.text).toBe(want);
  } else {
    if (got.ok) throw new Error(`accepted as ${got.text}`);
    expect(got.error).toMatch(want);
    expect(got.error).not.toMatch(/\n/);
    expect(got.error.length).toBeLessThanOrEqual(200);
  }
}

const CADENCES: [string, Want][] = [
  // The canonical forms.
  ["daily 20:00", "daily 20:00"],
  ["weekdays 09:00", "weekdays 09:00"],
  ["weekly mon,thu 18:30", "weekly mon,thu 18:30"],
  ["every 3 days 20:00", "every 3 days 20:00"],
  ["once 2026-12-01 18:00", "once 2026-12-01 18:00"],
  ["graduated 20:00", "graduated 20:00"],
  ["cron 0 20 * * 1-5", "cron 0 20 * * 1-5"],
  // Times as people write them.
  ["daily 8pm", "daily 20:00"],
  ["daily 8 pm", "daily 20:00"],
  ["daily 8PM", "daily 20:00"],
  ["daily 8 p.m.", "daily 20:00"],
  ["daily 8:30 pm", "daily 20:30"],
  ["daily 8:30pm", "daily 20:30"],
  ["daily 20h", "daily 20:00"],
  ["daily 20h30", "daily 20:30"],
  ["daily 7.30", "daily 07:30"],
  ["daily 18.45", "daily 18:45"],
  ["daily 7am", "daily 07:00"],
  ["daily 12am", "daily 00:00"],
  ["daily 12pm", "daily 12:00"],
  ["daily at noon", "daily 12:00"],
  ["daily at midnight", "daily 00:00"],
  ["daily @ 9pm", "daily 21:00"],
  ["daily@9pm", "daily 21:00"],
  ["daily 20", "daily 20:00"],
  ["daily at 21", "daily 21:00"],
  ["daily 0830", "daily 08:30"],
  ["  DAILY    20:00  ", "daily 20:00"],
  ["Daily.", "daily 20:00"],
  // Every day.
  ["every day", "daily 20:00"],
  ["every day at 8pm", "daily 20:00"],
  ["Every Day @ 8PM", "daily 20:00"],
  ["everyday 7am", "daily 07:00"],
  ["each day at 21:00", "daily 21:00"],
  ["every single day at 7 in the morning", "daily 07:00"],
  ["once a day", "daily 20:00"],
  ["once daily at 10pm", "daily 22:00"],
  ["8pm every day", "daily 20:00"],
  ["at 9pm daily", "daily 21:00"],
  ["9pm", "daily 21:00"],
  ["every morning", "daily 08:00"],
  ["every morning at 7", "daily 07:00"],
  ["every evening", "daily 20:00"],
  ["every evening at 8:30", "daily 20:30"],
  ["every night", "daily 21:00"],
  ["nightly", "daily 21:00"],
  ["every day in the evening", "daily 20:00"],
  ["every day at 8 in the evening", "daily 20:00"],
  ["every day at 10 at night", "daily 22:00"],
  ["evrey day 9pm", "daily 21:00"],
  ["dialy 9pm", "daily 21:00"],
  ["every day, 9pm", "daily 21:00"],
  ["daily please", "daily 20:00"],
  // Weekdays and weekends.
  ["weekdays", "weekdays 20:00"],
  ["every weekday 9am", "weekdays 09:00"],
  ["weekdays at 7:45", "weekdays 07:45"],
  ["on weekdays at 6pm", "weekdays 18:00"],
  ["weekday mornings", "weekdays 08:00"],
  ["mon-fri at 7am", "weekdays 07:00"],
  ["Monday to Friday 8:30am", "weekdays 08:30"],
  ["monday through friday at 17:00", "weekdays 17:00"],
  ["workdays 9am", "weekdays 09:00"],
  ["weekends at 10am", "weekly sun,sat 10:00"],
  ["every weekend 11am", "weekly sun,sat 11:00"],
  ["sat and sun 9am", "weekly sun,sat 09:00"],
  // Days of the week.
  ["mondays and thursdays 6:30pm", "weekly mon,thu 18:30"],
  ["Mondays & Thursdays @ 6:30 PM", "weekly mon,thu 18:30"],
  ["every monday and thursday at 18:30", "weekly mon,thu 18:30"],
  ["mon, thu 18:30", "weekly mon,thu 18:30"],
  ["mon,thu", "weekly mon,thu 20:00"],
  ["Mon/Wed/Fri 6am", "weekly mon,wed,fri 06:00"],
  ["Every Monday, Wednesday and Friday at 7:30am", "weekly mon,wed,fri 07:30"],
  ["tuesdays & fridays at 18:00", "weekly tue,fri 18:00"],
  ["sundays at 6pm", "weekly sun 18:00"],
  ["every sunday 18:00", "weekly sun 18:00"],
  ["on sundays", "weekly sun 20:00"],
  ["sunday 6pm", "weekly sun 18:00"],
  ["weekly sun 18:00", "weekly sun 18:00"],
  ["weekly on sunday at 6pm", "weekly sun 18:00"],
  ["once a week on sunday at 6pm", "weekly sun 18:00"],
  ["tues and thurs 7pm", "weekly tue,thu 19:00"],
  ["weds 8pm", "weekly wed 20:00"],
  ["monday's 7pm", "weekly mon 19:00"],
  ["thrusday 6pm", "weekly thu 18:00"],
  ["every tuseday at 5pm", "weekly tue 17:00"],
  ["every wedesday at noon", "weekly wed 12:00"],
  ["every wensday at noon", "weekly wed 12:00"],
  ["firday 9am", "weekly fri 09:00"],
  ["saturdy 10am", "weekly sat 10:00"],
  ["mondys and thursdys 18:00", "weekly mon,thu 18:00"],
  ["mon-wed 8pm", "weekly mon,tue,wed 20:00"],
  ["fri-mon 9am", "weekly sun,mon,fri,sat 09:00"],
  ["every day except sunday 9pm", "weekly mon,tue,wed,thu,fri,sat 21:00"],
  ["weekdays except friday at 7am", "weekly mon,tue,wed,thu 07:00"],
  ["weekdays and saturdays 8am", "weekly mon,tue,wed,thu,fri,sat 08:00"],
  ["lundi 8pm", /couldn't read "lundi 8pm"/],
  // Every N days.
  ["every other day", "every 2 days 20:00"],
  ["every other day at 7pm", "every 2 days 19:00"],
  ["every second day", "every 2 days 20:00"],
  ["every 2nd day 8am", "every 2 days 08:00"],
  ["every third day", "every 3 days 20:00"],
  ["every three days at 9pm", "every 3 days 21:00"],
  ["every 3 days", "every 3 days 20:00"],
  ["every 1 day", "every 1 day 20:00"],
  ["every couple of days", "every 2 days 20:00"],
  ["every 2 weeks", "every 14 days 20:00"],
  ["every other week 6pm", "every 14 days 18:00"],
  ["fortnightly", "every 14 days 20:00"],
  ["every 10 days at 8am", "every 10 days 08:00"],
  // Graduated, hourly, monthly.
  ["graduated", "graduated 20:00"],
  ["Graduated at 8pm", "graduated 20:00"],
  ["hourly", "cron 0 * * * *"],
  ["every hour", "cron 0 * * * *"],
  ["every 2 hours", "cron 0 */2 * * *"],
  ["monthly on the 15th at 9am", "cron 0 9 15 * *"],
  ["every month on the 1st", "cron 0 20 1 * *"],
  // One-offs, dated from today.
  ["once next friday 6pm", "once 2026-12-04 18:00"],
  ["once 31 Jan 18:00", "once 2027-01-31 18:00"],
  ["once jan 31st at 6pm", "once 2027-01-31 18:00"],
  ["once 2026-12-24 9am", "once 2026-12-24 09:00"],
  ["once tomorrow at 9am", "once 2026-11-30 09:00"],
  ["tomorrow at 9am", "once 2026-11-30 09:00"],
  ["next friday 6pm", "once 2026-12-04 18:00"],
  ["on 31 jan at 18:00", "once 2027-01-31 18:00"],
  ["once in 2 weeks 7pm", "once 2026-12-13 19:00"],
  ["once 24/12 20:00", "once 2026-12-24 20:00"],
  ["once 12/24 20:00", "once 2026-12-24 20:00"],
  ["once 1/12/2026 18:00", "once 2026-12-01 18:00"],
  ["once 25.12.2026 10am", "once 2026-12-25 10:00"],
  ["once today 23:00", "once 2026-11-29 23:00"],
  // Refused, with the reason.
  ["every 30 minutes", /more than once an hour/],
  ["every minute", /more than once an hour/],
  ["cron * * * * *", /more than once an hour.*"every day at 8pm"/],
  ["cron */30 * * * *", /more than once an hour/],
  ["cron 15,45 9 * * *", /more than once an hour/],
  ["twice a day", /one time of day.*cron 0 8,20/],
  ["3 times a day", /one time of day/],
  ["twice a week", /Which days\?/],
  ["daily 8am and 8pm", /2 times of day/],
  ["daily 8", /Is "8" in the morning or the evening\? Write 8am or 8pm/],
  ["every weekday at 9", /Is "9" in the morning or the evening\?/],
  ["daily 25:00", /hours go from 0 to 23/],
  ["daily 13pm", /with am or pm, hours go from 1 to 12/],
  ["daily 20:75", /minutes go from 00 to 59/],
  ["weekly", /Which day of the week\?/],
  ["weekly blursday", /couldn't read "blursday" as a day of the week/],
  ["every 0 days", /1 to 365/],
  ["every 400 days", /1 to 365/],
  ["biweekly", /twice a week or every two weeks/],
  ["every other monday", /every 14 days/],
  ["daily for 2 weeks", /last day in until:/],
  ["every day until friday", /last day in until:/],
  ["once", /On which date\?.*"once 2026-12-06 18:00"/],
  ["once 2020-01-01", /Wed 1 Jan 2020 has already passed.*"once 2026-12-06 18:00"/],
  ["once 2026-02-30", /There is no date "2026-02-30"/],
  ["once 3/4 18:00", /Is "3\/4" .*\? Write/],
  ["monthly", /Which day of the month\?/],
  ["monthly on the 31st", /Not every month has a 31st.*L \* \*/],
  ["cron 0 0 20 * * *", /5 fields/],
  ["cron banana", /5 fields/],
  ["blah blah", /couldn't read "blah blah" as a cadence/],
  ["", /how often/],
];

const TIMES: [string, Want][] = [
  ["20:00", "20:00"],
  ["8pm", "20:00"],
  ["8:30 pm", "20:30"],
  ["8.30pm", "20:30"],
  ["20h", "20:00"],
  ["7h15", "07:15"],
  ["noon", "12:00"],
  ["Midnight", "00:00"],
  ["8 in the evening", "20:00"],
  ["20", "20:00"],
  ["8", /morning or the evening/],
  ["25:00", /0 to 23/],
  ["soon", /couldn't read "soon" as a time of day/],
];

const DATES: [string, Want, string?][] = [
  ["2027-01-31", "2027-01-31"],
  ["31 Jan", "2027-01-31"],
  ["31 january", "2027-01-31"],
  ["Jan 31st", "2027-01-31"],
  ["31/01", "2027-01-31"],
  ["31.01.2027", "2027-01-31"],
  ["next friday", "2026-12-04"],
  ["friday", "2026-12-04"],
  ["weds", "2026-12-02"],
  ["in 2 weeks", "2026-12-13"],
  ["2 weeks", "2026-12-13"],
  ["in two weeks", "2026-12-13"],
  ["a month from now", "2026-12-29"],
  ["in 3 days", "2026-12-02"],
  ["tomorrow", "2026-11-30"],
  ["today", "2026-11-29"],
  ["until 24 dec", "2026-12-24"],
  ["none", "none"],
  ["off", "none"],
  ["29 feb", "2028-02-29"],
  ["29 feb", "2028-02-29", "2028-02-29"],
  ["31 dec", "2026-12-31", "2026-12-31"],
  ["1 jan", "2027-01-01", "2026-12-31"],
  ["tomorrow", "2027-01-01", "2026-12-31"],
  ["2020-01-01", /Wed 1 Jan 2020 has already passed\. Pick a day from today on, like until: 2026-12-27/],
  ["yesterday", /Sat 28 Nov 2026 has already passed/],
  ["2027-02-30", /There is no date "2027-02-30"/],
  ["3/4", /Is "3\/4" .* or .*\?/],
  ["someday", /couldn't read "someday" as a day\. Write it like until: 2026-12-27/],
  ["january", /Which day of "january"/],
];

const QUIET: [string, Want][] = [
  ["22:00-08:00", "22:00-08:00"],
  ["22-8", "22:00-08:00"],
  ["23-7", "23:00-07:00"],
  ["10pm-7am", "22:00-07:00"],
  ["10 pm - 7 am", "22:00-07:00"],
  ["10pm to 7am", "22:00-07:00"],
  ["from 22h until 7h", "22:00-07:00"],
  ["22:30 – 06:45", "22:30-06:45"],
  ["23:00–07:00", "23:00-07:00"],
  ["11pm-6:30am", "23:00-06:30"],
  ["0-6", "00:00-06:00"],
  ["midnight-7am", "00:00-07:00"],
  ["OFF", "off"],
  ["none", "off"],
  ["10-7", /Do you mean 22:00 to 07:00\? Then write \/quiet 10pm-7am or \/quiet 22:00-07:00/],
  ["22:00-22:00", /different start and end/],
  ["25-7", /hours go from 0 to 23/],
  ["late", /couldn't read "late" as quiet hours.*\/quiet 22:00-08:00/],
];

const ZONES: [string, Want][] = [
  ["Europe/Berlin", "Europe/Berlin"],
  ["europe/berlin", "Europe/Berlin"],
  ["america/new york", "America/New_York"],
  ["US/Eastern", "America/New_York"],
  ["berlin", "Europe/Berlin"],
  ["Berlin", "Europe/Berlin"],
  ["london", "Europe/London"],
  ["new york", "America/New_York"],
  ["NYC", "America/New_York"],
  ["são paulo", "America/Sao_Paulo"],
  ["sao paulo", "America/Sao_Paulo"],
  ["São Paulo", "America/Sao_Paulo"],
  ["münchen", "Europe/Berlin"],
  ["zürich", "Europe/Zurich"],
  ["bangalore", "Asia/Kolkata"],
  ["kiev", "Europe/Kyiv"],
  ["tokyo", "Asia/Tokyo"],
  ["japan", "Asia/Tokyo"],
  ["germany", "Europe/Berlin"],
  ["california", "America/Los_Angeles"],
  ["Portland, Maine", "America/New_York"],
  ["UTC", "UTC"],
  ["utc", "UTC"],
  ["+05:30", "Asia/Kolkata"],
  ["UTC+5:45", "Asia/Kathmandu"],
  ["UTC+0", "UTC"],
  ["JST", "Asia/Tokyo"],
  ["EST", /could be more than one place/],
  ["CET", /could be more than one place/],
  ["IST", /could be more than one place/],
  ["PST", /could be more than one place/],
  ["GMT+1", /could be more than one place/],
  ["UTC-5", /could be more than one place/],
  ["usa", /could be more than one place/],
  ["san jose", /could be more than one place/],
  ["berln", /Did you mean Berlin\?/],
  ["UTC+15", /−12 to \+14/],
  ["Mars/Olympus", /don't know the time zone "Mars\/Olympus"/],
  ["x".repeat(65), /longer than any time zone name/],
];

const hhmm = (m: number) => formatTime({ hour: Math.floor(m / 60), minute: m % 60 });

describe("the phrasing table", () => {
  it("holds at least 150 phrasings", () => {
    expect(
      CADENCES.length + TIMES.length + DATES.length + QUIET.length + ZONES.length,
    ).toBeGreaterThanOrEqual(150);
  });

  it.each(CADENCES)("cadence %j", (typed, want) => {
    const r = parseCadenceInput(typed, TODAY);
    check(r.ok ? { ok: true, text: formatCadence(r.cadence) } : r, want);
    // What is stored reads back to the same cadence, with or without a today.
    if (r.ok) {
      expect(parseCadence(formatCadence(r.cadence))).toMatchObject({ ok: true, cadence: r.cadence });
      expect(parseCadence(formatCadence(r.cadence), TODAY)).toMatchObject({ ok: true, cadence: r.cadence });
    }
  });

  it.each(TIMES)("time %j", (typed, want) => {
    const r = parseTimeOfDay(typed);
    check(r.ok ? { ok: true, text: formatTime(r.at) } : r, want);
  });

  it.each(DATES)("date %j → %s (today %s)", (typed, want, today = TODAY) => {
    const r = parseDate(typed, today);
    check(r.ok ? { ok: true, text: r.date ?? "none" } : r, want);
  });

  it.each(QUIET)("quiet hours %j", (typed, want) => {
    const r = parseQuietHours(typed);
    check(
      r.ok ? { ok: true, text: r.quiet ? `${hhmm(r.quiet.start)}-${hhmm(r.quiet.end)}` : "off" } : r,
      want,
    );
  });

  it.each(ZONES)("zone %j", (typed, want) => {
    const r = parseZone(typed, NOW);
    check(r.ok ? { ok: true, text: r.zone } : r, want);
  });
});

describe("refusals quote at most 60 characters", () => {
  it.each([
    ["cadence", (s: string) => parseCadenceInput(s, TODAY)],
    ["date", (s: string) => parseDate(s.slice(0, 64), TODAY)],
    ["quiet", (s: string) => parseQuietHours(s.slice(0, 64))],
    ["zone", (s: string) => parseZone(s.slice(0, 64), NOW)],
  ] as const)("%s", (_, read) => {
    for (const s of ["x".repeat(150), "é".repeat(150), "😀".repeat(150), "e\u0301".repeat(150)]) {
      const r = read(s);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      const quoted = /"([^"]*)"/.exec(r.error)?.[1];
      if (quoted !== undefined) {
        expect([...new Intl.Segmenter().segment(quoted)].length).toBeLessThanOrEqual(60);
      }
    }
  });

  it("refuses a cadence over 200 characters without echoing it", () => {
    const r = parseCadenceInput(`cron 0 20 * * ${"1,".repeat(100)}2`, TODAY);
    expect(r).toEqual({
      ok: false,
      error: 'That cadence is longer than 200 characters; a short one like "every day at 8pm" is all I need.',
    });
  });
});
