/**
 * The console's virtual clock and where it starts.
 *
 * The core only ever reads time through {@link Clock.now}; the console moves this clock
 * with `:advance`, so a week of check-ins can be tried in seconds.
 */

import type { Clock } from "../../src/types";

/** A {@link Clock} the console can move. */
export interface VirtualClock extends Clock {
  /** The current virtual time in epoch milliseconds. */
  nowMs(): number;
  /** Moves the clock on by `ms` (never backwards). */
  advance(ms: number): void;
  /** Sets the clock to an instant, in epoch milliseconds. */
  set(ms: number): void;
}

/** Creates a virtual clock standing still at `startMs` until it is moved. */
export function createVirtualClock(startMs: number): VirtualClock {
  let current = checkedInstant(startMs, "start");
  return {
    now: () => new Date(current),
    nowMs: () => current,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
      current = checkedInstant(current + ms, "advanced time");
    },
    set(ms) {
      current = checkedInstant(ms, "time");
    },
  };
}

function checkedInstant(ms: number, what: string): number {
  // Date's own range (±8.64e15 ms): beyond it `new Date(ms)` is Invalid Date.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RangeError(`invalid ${what}: ${ms}`);
  return ms;
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * Parses an ISO 8601 instant: a date and time with `Z` or an offset
 * (`2026-03-01T09:00Z`, `2026-03-01T09:00:00+01:00`), or a bare date meaning midnight UTC.
 * A time without a zone is refused: it would silently mean the host's zone.
 *
 * @returns epoch milliseconds, or undefined when the text is not such an instant.
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "0", zone = "Z"] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const local = Date.UTC(...fields, Number(frac.padEnd(3, "0")));
  // Date.UTC rolls 30 February over into March; a round trip catches every such overflow.
  const back = new Date(local);
  const roundTrip = [
    back.getUTCFullYear(),
    back.getUTCMonth(),
    back.getUTCDate(),
    back.getUTCHours(),
    back.getUTCMinutes(),
    back.getUTCSeconds(),
  ];
  if (roundTrip.some((value, i) => value !== fields[i])) return undefined;
  if (zone.toUpperCase() === "Z") return local;
  const [, sign, oh, om] = /^([+-])(\d{2}):(\d{2})$/.exec(zone) ?? [];
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const offsetMs = (Number(oh) * 60 + Number(om)) * 60_000;
  return sign === "-" ? local + offsetMs : local - offsetMs;
}

/**
 * Where the virtual clock starts: the `--start <ISO>` (or `--start=<ISO>`) flag, else the
 * `AMENDS_START` environment variable, else `fallbackMs` (normally the real current time).
 *
 * @param argv the command-line arguments after the script (`process.argv.slice(2)`).
 * @throws Error naming `AMENDS_START` when the given value is not an ISO instant.
 */
export function resolveStart(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  fallbackMs: number,
): number {
  let value: string | undefined;
  let source = "AMENDS_START";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--start") {
      value = argv[i + 1] ?? "";
      source = "--start (AMENDS_START)";
      i++;
    } else if (arg.startsWith("--start=")) {
      value = arg.slice("--start=".length);
      source = "--start (AMENDS_START)";
    }
  }
  if (value === undefined) {
    const fromEnv = env.AMENDS_START?.trim();
    if (fromEnv) value = fromEnv;
  }
  if (value === undefined) return fallbackMs;
  const ms = parseIsoInstant(value);
  if (ms === undefined) {
    throw new Error(
      `${source} must be an ISO 8601 instant such as 2026-03-01T09:00:00Z ` +
        `(a date, a time and Z or an offset); got "${value}"`,
    );
  }
  return ms;
}
