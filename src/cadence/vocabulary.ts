/**
 * The words of the cadence grammar: day names (short, full, plural, one typo off), keywords
 * ("daily", "weekdays", "fortnightly" …), fillers that carry no meaning, and lists of days
 * (`mon, thu`, `mon-fri`, `weekdays and saturdays`).
 */

import { countWord, nearWord } from "./text";
import type { Cadence, LocalTime, Weekday } from "./types";

const FULL_DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const PLURAL_DAYS = FULL_DAYS.map((d) => `${d}s`);

const DAY_ALIASES: ReadonlyMap<string, Weekday> = new Map<string, Weekday>([
  ["sun", 0],
  ["mon", 1],
  ["tue", 2],
  ["tues", 2],
  ["wed", 3],
  ["weds", 3],
  ["wensday", 3],
  ["wendsday", 3],
  ["thu", 4],
  ["thur", 4],
  ["thurs", 4],
  ["fri", 5],
  ["sat", 6],
  ...FULL_DAYS.map((d, i): [string, Weekday] => [d, i as Weekday]),
  ...PLURAL_DAYS.map((d, i): [string, Weekday] => [d, i as Weekday]),
]);

/** A day of the week from a word: `mon`, `monday`, `mondays`, `monday's`, or one typo off a name. */
function dayOf(word: string): Weekday | null {
  const w = word.replace(/'s$/, "s");
  const exact = DAY_ALIASES.get(w) ?? DAY_ALIASES.get(w.replace(/s$/, ""));
  if (exact !== undefined) return exact;
  const near = nearWord(w, FULL_DAYS) ?? nearWord(w, PLURAL_DAYS);
  return near === null ? null : (DAY_ALIASES.get(near) ?? null);
}

/** Words that carry no meaning in a cadence ("on", "every", "each" …) once times are taken out. */
const FILLERS = new Set([
  "every",
  "each",
  "on",
  "the",
  "at",
  "of",
  "per",
  "a",
  "an",
  "single",
  "all",
  "only",
  "from",
  "please",
  "evry",
  "ever",
]);
const LIST = new Set([",", "and", "plus"]);
const RANGE = new Set(["-", "to", "through", "thru"]);
const EXCEPT = new Set(["except", "but", "excluding", "not", "without"]);

/** Keywords, by what they mean; typos one edit off the longer ones are read too. */
const KEYWORDS: ReadonlyMap<string, string> = new Map([
  ["daily", "daily"],
  ["day", "daily"],
  ["everyday", "daily"],
  ["days", "days"],
  ["weekday", "weekdays"],
  ["weekdays", "weekdays"],
  ["workday", "weekdays"],
  ["workdays", "weekdays"],
  ["weekend", "weekends"],
  ["weekends", "weekends"],
  ["weekly", "weekly"],
  ["week", "week"],
  ["weeks", "weeks"],
  ["fortnight", "fortnight"],
  ["fortnightly", "fortnight"],
  ["biweekly", "biweekly"],
  ["hour", "hour"],
  ["hours", "hours"],
  ["hourly", "hour"],
  ["hr", "hours"],
  ["hrs", "hours"],
  ["minute", "minutes"],
  ["minutes", "minutes"],
  ["min", "minutes"],
  ["mins", "minutes"],
  ["seconds", "minutes"],
  ["half-hour", "minutes"],
  ["month", "month"],
  ["months", "month"],
  ["monthly", "month"],
  ["twice", "times"],
  ["times", "times"],
  ["thrice", "times"],
  ["graduated", "graduated"],
  ["graduate", "graduated"],
  ["gradual", "graduated"],
  ["gradually", "graduated"],
  ["graduating", "graduated"],
  ["once", "once"],
  ["couple", "couple"],
]);

const TYPO_TARGETS = [...KEYWORDS.keys()].filter((k) => k.length >= 5);

/** One word as the grammar sees it: a day `d0`..`d6`, a keyword, a separator, or itself. */
export function classify(word: string): string | null {
  // A typed "d7" must not pass for the grammar's own day tokens (d7 is no day; "d1-d9" would
  // never reach its end): it stays a word nothing knows.
  if (/^d\d+$/.test(word)) return `#${word}`;
  if (FILLERS.has(word)) return null;
  if (LIST.has(word)) return ",";
  if (RANGE.has(word)) return "-";
  if (EXCEPT.has(word)) return "except";
  const keyword = KEYWORDS.get(word);
  if (keyword) return keyword;
  if (/^\d{1,2}x$/.test(word)) return "times";
  // "every 2nd day": ordinals are counts, and must not be mistaken for day names.
  if (countWord(word) !== null) return word;
  const day = dayOf(word);
  if (day !== null) return `d${day}`;
  const near = nearWord(word, TYPO_TARGETS);
  if (near) return KEYWORDS.get(near) ?? word;
  if (nearWord(word, ["every"])) return null;
  return word;
}

export type Days = Set<Weekday>;
const ALL: Weekday[] = [0, 1, 2, 3, 4, 5, 6];
const WORKWEEK: Weekday[] = [1, 2, 3, 4, 5];

/** Days from a list such as `d1 , d4`, `d1 - d5`, `weekdays , d6`; null when it holds anything else. */
export function readDays(f: readonly string[]): Days | null {
  const days: Days = new Set();
  let i = 0;
  let expectItem = true;
  while (i < f.length) {
    const t = f[i] as string;
    if (t === ",") {
      expectItem = true;
      i++;
      continue;
    }
    if (!expectItem && !/^d\d$/.test(t)) return null;
    if (t === "weekdays") for (const d of WORKWEEK) days.add(d);
    else if (t === "weekends") {
      days.add(6);
      days.add(0);
    } else if (t === "daily") for (const d of ALL) days.add(d);
    else if (/^d\d$/.test(t)) {
      const from = Number(t.slice(1)) as Weekday;
      const to = f[i + 1] === "-" ? f[i + 2] : undefined;
      if (to !== undefined && /^d\d$/.test(to)) {
        // "fri-mon" wraps round the weekend.
        for (let d = from; ; d = ((d + 1) % 7) as Weekday) {
          days.add(d);
          if (d === Number(to.slice(1))) break;
        }
        i += 3;
        expectItem = false;
        continue;
      }
      days.add(from);
    } else return null;
    expectItem = false;
    i++;
  }
  return days.size > 0 ? days : null;
}

const sorted = (days: Days): Weekday[] => [...days].sort((a, b) => a - b);

/** The cadence for a set of days: every day, weekdays, or those days. */
export function forDays(days: Days, at: LocalTime, range: boolean): Cadence {
  const list = sorted(days);
  if (list.length === 7 && range) return { kind: "daily", at };
  if (range && list.join() === WORKWEEK.join()) return { kind: "weekdays", at };
  return { kind: "weekly", days: list, at };
}
