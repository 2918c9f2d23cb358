/** Autocomplete suggestions: the caller's commitments, IANA zones, common cadences. */
import { allZones } from "../cadence";
import type { StoreTx } from "../store/port";
import type { Actor, Suggestion } from "../types";

/** Platforms show at most 25 choices. */
const MAX = 25;

/** Cadences offered while typing, in the forms /help documents. */
export const COMMON_CADENCES = [
  "daily 20:00",
  "daily 08:00",
  "weekdays 09:00",
  "weekly sun 18:00",
  "weekly mon,thu 18:30",
  "every 3 days 20:00",
  "graduated 20:00",
] as const;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Suggestions for `option` matching `query` (case-insensitive, by prefix or substring). */
export async function suggest(
  db: StoreTx,
  option: "commitment" | "zone" | "cadence",
  query: string,
  from: Actor,
): Promise<Suggestion[]> {
  const q = query.trim().toLowerCase().replace(/^#/, "");
  if (option === "commitment") {
    const me = await db.findPerson(from.platform, from.id);
    if (!me) return [];
    return (await db.listCommitments(me.id))
      .filter((c) => c.state === "active" || c.state === "paused")
      .filter((c) => !q || String(c.number).startsWith(q) || c.promise.toLowerCase().includes(q))
      .slice(0, MAX)
      .map((c) => ({ name: clip(`#${c.number} ${c.promise}`, 100), value: String(c.number) }));
  }
  if (option === "zone") {
    const zones = allZones();
    const starts = zones.filter((z) => z.toLowerCase().startsWith(q));
    const contains = q
      ? zones.filter((z) => !z.toLowerCase().startsWith(q) && z.toLowerCase().includes(q))
      : [];
    return [...starts, ...contains].slice(0, MAX).map((z) => ({ name: z, value: z }));
  }
  const typed = query.trim();
  const matches = COMMON_CADENCES.filter((c) => c.startsWith(q));
  // What the person typed stays the first choice, so any cadence can be entered.
  const list =
    typed && !matches.includes(typed as (typeof COMMON_CADENCES)[number]) ? [typed, ...matches] : matches;
  return list.slice(0, MAX).map((c) => ({ name: clip(c, 100), value: clip(c, 100) }));
}
