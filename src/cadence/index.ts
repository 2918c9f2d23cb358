/**
 * Cadence maths: reading and writing cadences, and finding the next check-in in a time zone.
 * Everything here is pure; time is always passed in.
 */

export { type DateResult, dateExample, parseDate } from "./date";
export { allCadenceExamples, type CadenceExamples, cadenceExamples, untilExample } from "./examples";
export { MAX_CADENCE_LENGTH, parseCadenceInput } from "./input";
export { cadencePeriodMs, GRADUATED_PHASES, graduatedPhase, nextOccurrence } from "./next";
export { describeCadence, describeGraduatedLadder, formatCadence, parseCadence } from "./parse";
export { parseQuietHours, QUIET_EXAMPLE, type QuietResult, type QuietSpan } from "./quiet-hours";
export { clip, MAX_ECHO } from "./text";
export { formatTime, parseTimeOfDay, type TimeResult } from "./time";
export type { Cadence, CadenceContext, CadenceResult, GraduatedPhase, LocalTime, Weekday } from "./types";
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
export { cityLabel, MAX_ZONE_LENGTH, parseZone, type ZoneChoice, type ZoneResult } from "./zone-names";
