/**
 * `/history` in the words a person would use: each change to a commitment as a short phrase,
 * never an internal event name. Spoken to the owner ("you"); a witness is named, and one who
 * has left Amends is "a former witness".
 */
import { formatDate, formatLocal, formatLocalTime, graduatedPhase, localDate } from "../cadence";
import type { EventWithActor, PendingChange } from "../store/port";
import { changeWords } from "./format";

type Phrase = (e: EventWithActor, zone: string) => string;

const PART: Record<string, string> = {
  promise: "words",
  cadence: "schedule",
  until: "end date",
  step: "step",
};
const ANSWER: Record<string, string> = {
  kept: "you checked in: kept",
  partly: "you checked in: partly kept",
  missed: "you checked in: missed",
};
/** How a commitment came to its end (the reasons src/engine/endings.ts and tick.ts record). */
const ENDED: Record<string, string> = {
  end: "it came to its end",
  renegotiated: "it ended, as you asked",
  zone: "it ended: no check-in was left in your new time zone",
  paused: "it came to its end while paused",
};
const VERDICT: Record<string, string> = {
  confirmed: "confirmed a check-in",
  disputed: "disputed a check-in",
  unsure: "wasn't sure about a check-in",
};

/** The witness who acted, or, once they deleted their data, a former witness. */
const witness = (e: EventWithActor): string => e.actorName ?? "a former witness";
const field = (e: EventWithActor, key: string): unknown => (e.data as Record<string, unknown> | null)?.[key];
const when = (ms: unknown, zone: string): string => (typeof ms === "number" ? formatLocal(ms, zone) : "");

/**
 * A span of days in few words, the year only when it is not `year`: "3–31 Dec", "28 Nov – 3 Dec",
 * "28 Dec 2026 – 3 Jan 2027", or, within one day, "3 Dec, 09:00–13:00".
 */
function daySpan(from: number, through: number, zone: string, year: string): string {
  const [, d1, m1, y1] = formatDate(localDate(from, zone)).split(" ");
  const [, d2, m2, y2] = formatDate(localDate(through, zone)).split(" ");
  const tail = y2 === year ? "" : ` ${y2}`;
  if (y1 !== y2) return `${d1} ${m1} ${y1} – ${d2} ${m2} ${y2}`;
  if (m1 !== m2) return `${d1} ${m1} – ${d2} ${m2}${tail}`;
  if (d1 !== d2) return `${d1}–${d2} ${m2}${tail}`;
  return `${d1} ${m1}${tail}, ${formatLocalTime(from, zone)}–${formatLocalTime(through, zone)}`;
}

/**
 * A catch-up after downtime: "29 check-ins passed while I was down, 3–31 Dec" (one entry for the
 * whole skipped range, with its days when it stood for several), or "a check-in passed …".
 */
function skippedPhrase(e: EventWithActor, zone: string): string {
  const n = Number(field(e, "count") ?? 1);
  const from = field(e, "from");
  const through = field(e, "through");
  const days =
    n > 1 && typeof from === "number" && typeof through === "number"
      ? `, ${daySpan(from, through, zone, localDate(e.at, zone).slice(0, 4))}`
      : "";
  return `${n > 1 ? `${n} check-ins` : "a check-in"} passed while I was down${days}; they don't count against you`;
}

/** How a list of changed parts reads: "the schedule and the end date". */
function parts(keys: string[]): string {
  const named = keys.map((k) => `the ${PART[k] ?? k}`);
  return named.length <= 1 ? (named[0] ?? "it") : `${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
}

/** " (every 3 days at 20:00)": what an easier change asked for, when the entry says. */
function asked(e: EventWithActor): string {
  const d = (e.data ?? {}) as PendingChange;
  try {
    return changeWords({
      ...(typeof d.cadence === "string" ? { cadence: d.cadence } : {}),
      ...(d.until === null || typeof d.until === "string" ? { until: d.until } : {}),
    });
  } catch {
    // A cadence this version cannot read: the words without it.
    return "";
  }
}

/** How often a graduated phase checks in. */
function pace(phase: unknown): string {
  const p = graduatedPhase(typeof phase === "number" ? phase : 0);
  if ("everyMonths" in p && p.everyMonths) return "monthly";
  const days = "everyDays" in p ? p.everyDays : 1;
  return days === 1 ? "daily" : days === 7 ? "weekly" : `every ${days} days`;
}

const PHRASES: Record<string, Phrase> = {
  created: () => "you made it",
  edited: (e) => `you changed ${parts(Object.keys(e.data ?? {}))}`,
  "change-requested": (e, zone) =>
    `${field(e, "cancel") ? "you asked to cancel it" : `you asked to make it easier${asked(e)}`}, from ${when(field(e, "effectiveAt"), zone)}`,
  "change-withdrawn": () => "an earlier request to make it easier was withdrawn",
  "change-dropped": () => "a change you asked for no longer fitted, so it was left as it was",
  paused: (e, zone) =>
    field(e, "reason") === "chat-gone"
      ? "paused: I can no longer post in its chat"
      : field(e, "until")
        ? `paused until ${when(field(e, "until"), zone)}`
        : "paused",
  resumed: (e) => (field(e, "auto") ? "resumed after its pause" : "you resumed it"),
  // No actor: a cancellation asked for a day earlier, applied when its 24 hours were up.
  cancelled: (e) => (e.actorId === null ? "cancelled, as you asked a day earlier" : "you cancelled it"),
  completed: (e) => ENDED[String(field(e, "reason"))] ?? "it came to its end",
  quiet: () => "you changed your quiet hours",
  zone: (e) => `time zone set to ${String(field(e, "to") ?? "")}`,
  // The step-11 turn (src/engine/turn.ts): a person's own entries, like quiet and zone.
  "plan-turned": () => "you recorded at step 11 that they said no",
  "plan-turn-undone": () => "you undid the record of their answer at step 11",
  skipped: skippedPhrase,
  answered: (e) => ANSWER[String(field(e, "answer"))] ?? "you checked in",
  note: (e) =>
    typeof field(e, "text") === "string" ? `you added a note: “${field(e, "text")}”` : "you added a note",
  verdict: (e) => `${witness(e)} ${VERDICT[String(field(e, "verdict"))] ?? "answered a check-in"}`,
  phase: (e) => `check-ins now come ${pace(field(e, "phase"))}`,
  "witness-invited": () => "you invited a witness",
  "witness-accepted": (e) => `${witness(e)} became your witness`,
  "witness-declined": (e) => `${witness(e)} declined to witness it`,
  "witness-removed": (e) =>
    field(e, "reason") === "forget" ? "your witness left Amends" : "you no longer have a witness for it",
  "witness-stepped-down": (e) => `${witness(e)} stepped down as witness`,
};

/** One history entry as a phrase; an entry of a kind this version does not know reads as "changed". */
export function historyPhrase(e: EventWithActor, zone: string): string {
  const phrase = Object.hasOwn(PHRASES, e.kind) ? PHRASES[e.kind] : undefined;
  return phrase ? phrase(e, zone) : "changed";
}

/** The kinds of history entries that have words (for the test that every kind the engine writes has). */
export const PHRASED_KINDS: readonly string[] = Object.keys(PHRASES);
