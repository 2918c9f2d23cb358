/**
 * Where a zone's clocks change (DST and any other change of UTC offset), found once per zone and
 * year and kept. Counting occurrences over a span (./span.ts) treats every other day by
 * arithmetic and looks closely only at the days these touch.
 */
import { formatterFor } from "./zone";

const DAY_MS = 86_400_000;
/**
 * How far apart the offset is sampled. Two changes closer than this that cancel out would go
 * unseen; current tz data has none closer than about four weeks (Morocco's pause for Ramadan).
 */
const SAMPLE_MS = 7 * DAY_MS;
const CACHE_SIZE = 1024;

const DIGITS = /(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)/;

/** The UTC offset of `zone` at `ms` (local minus UTC), in ms, at whole-second resolution. */
function offsetAt(ms: number, zone: string): number {
  const f = formatterFor(zone);
  const text = f.format(ms);
  const m = DIGITS.exec(text);
  let wall: number;
  if (m !== null && !/[A-Za-z]/.test(text)) {
    wall = Date.UTC(
      Number(m[3]),
      Number(m[1]) - 1,
      Number(m[2]),
      Number(m[4]) % 24,
      Number(m[5]),
      Number(m[6]),
    );
  } else {
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(ms)) if (part.type !== "literal") p[part.type] = Number(part.value);
    wall = Date.UTC(
      p.year ?? 0,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      (p.hour ?? 0) % 24,
      p.minute ?? 0,
      p.second ?? 0,
    );
  }
  return wall - Math.floor(ms / 1000) * 1000;
}

const byYear = new Map<string, readonly number[]>();

/** The instants in UTC year `year` at which `zone`'s offset changes, ascending (each the first second of the new offset). */
function changesInYear(zone: string, year: number): readonly number[] {
  const key = `${zone} ${year}`;
  const cached = byYear.get(key);
  if (cached !== undefined) return cached;
  const end = Date.UTC(year + 1, 0, 1);
  const changes: number[] = [];
  let t = Date.UTC(year, 0, 1);
  let offset = offsetAt(t, zone);
  while (t < end) {
    const u = Math.min(t + SAMPLE_MS, end);
    const later = offsetAt(u, zone);
    if (later !== offset) {
      // Bisect at whole seconds: `lo` still has the old offset, `hi` no longer does.
      let lo = t;
      let hi = u;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetAt(mid, zone) === offset) lo = mid;
        else hi = mid;
      }
      changes.push(hi);
    }
    t = u;
    offset = later;
  }
  if (byYear.size >= CACHE_SIZE) byYear.clear();
  byYear.set(key, changes);
  return changes;
}

/** The instants in [fromMs, toMs) at which `zone`'s UTC offset changes, ascending. */
export function offsetChanges(zone: string, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  const last = new Date(toMs).getUTCFullYear();
  for (let y = new Date(fromMs).getUTCFullYear(); y <= last; y++) {
    for (const t of changesInYear(zone, y)) if (t >= fromMs && t < toMs) out.push(t);
  }
  return out;
}
