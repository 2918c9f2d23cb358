/**
 * Cadence maths: reading and writing cadences, and finding the next check-in in a time zone.
 * Everything here is pure; time is always passed in.
 */

export type { CadenceContext, GraduatedPhase } from "./next";
export { cadencePeriodMs, GRADUATED_PHASES, graduatedPhase, nextOccurrence } from "./next";
export type { Cadence, CadenceResult, LocalTime, Weekday } from "./parse";
export { describeCadence, describeGraduatedLadder, formatCadence, parseCadence } from "./parse";
export {
  addDays,
  addMonths,
  allZones,
  daysBetween,
  daysInMonth,
  formatDate,
  formatLocal,
  formatLocalTime,
  isValidDate,
  isValidZone,
  localDate,
  localToInstant,
  normalizeZone,
  weekdayOf,
} from "./zone";
