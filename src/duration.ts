/** Durations typed by people (`45m`, `2h`, `3d`, `1w`, `6h30m`). */

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART_RE = /(\d+)\s*(w|d|h|m)/gy;

/**
 * Parses a duration such as `3d` or `6h30m` into milliseconds.
 * @returns null for anything else (including zero).
 */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!s) return null;
  let total = 0;
  PART_RE.lastIndex = 0;
  let consumed = 0;
  for (let m = PART_RE.exec(s); m; m = PART_RE.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
    consumed = PART_RE.lastIndex;
  }
  if (consumed !== s.length || total <= 0) return null;
  return total;
}

/** Formats milliseconds as a short duration, e.g. `3d`, `2h 30m`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  for (const [unit, size] of [
    ["w", 10_080],
    ["d", 1_440],
    ["h", 60],
    ["m", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join(" ") || "0m";
}
