/**
 * The cadence module's value types: what a cadence is, what reading one gives back, and what
 * finding its next occurrence needs. Types only, so every file of the module can share them
 * without importing the others at run time.
 */

/** Day of the week, 0 = Sunday, as in `Date#getDay` and cron. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A wall-clock time of day in the commitment's zone, 24-hour. */
export interface LocalTime {
  /** 0..23 */
  hour: number;
  /** 0..59 */
  minute: number;
}

/** How often a commitment is checked in on. Times are local to the commitment's zone. */
export type Cadence =
  | { kind: "daily"; at: LocalTime }
  | { kind: "weekdays"; at: LocalTime }
  /** `days` sorted ascending, without duplicates. */
  | { kind: "weekly"; days: Weekday[]; at: LocalTime }
  /** Every `days` (1..365) days, counted from the context's anchor date. */
  | { kind: "every"; days: number; at: LocalTime }
  /** A single check-in; `date` is a real calendar date `"YYYY-MM-DD"`. */
  | { kind: "once"; date: string; at: LocalTime }
  /** Easing off over time, see `GRADUATED_PHASES` (./next.ts); the phase is kept by the engine. */
  | { kind: "graduated"; at: LocalTime }
  /** A 5-field cron expression, upper-cased, fields separated by single spaces. */
  | { kind: "cron"; expr: string };

/**
 * What `parseCadence` (./parse.ts) returns: the cadence, or a one-line message to show the person.
 * `assumedTime` is set when no time of day was given and the default (20:00, or 08:00 for "every
 * morning") was used, so a reply can say which.
 */
export type CadenceResult = { ok: true; cadence: Cadence; assumedTime?: true } | { ok: false; error: string };

/**
 * One step of the graduated ladder: check in every `everyDays` days or every `everyMonths` months,
 * `checkIns` times, then move on to the next phase. The last phase has `checkIns: Infinity`.
 */
export interface GraduatedPhase {
  everyDays?: number;
  everyMonths?: number;
  checkIns: number;
}

/** What `nextOccurrence` (./next.ts) needs besides the cadence itself. */
export interface CadenceContext {
  /** IANA zone the cadence's local times are in. */
  zone: string;
  /**
   * `"YYYY-MM-DD"` local date counting starts from: the first day of an every-N-days cadence, or
   * the day the current graduated phase began. Other forms ignore it.
   */
  anchor: string;
  /** Graduated phase index, default 0. */
  phase?: number;
}
