/**
 * Time zones as people name them: `Europe/Berlin` in any case, a city (`berlin`, `new york`, `são
 * paulo`), a country or state (`japan`, `california`), an abbreviation (`EST`, `CET`, `IST`) or
 * an offset (`GMT+1`, `UTC-5`, `+05:30`). When a name fits more than one zone that keeps
 * different time (EST: New York and Toronto follow daylight saving, UTC−5 all year does not), the
 * answer is a short list to choose from, never a guess.
 *
 * Cities come from the city-timezones package (about 7,300 cities with their population and IANA
 * zone), loaded on first use; zone names from `Intl`; abbreviations from the table below, since
 * no package maps them the way people mean them.
 */

import { createRequire } from "node:module";
import { clip, fold, nearWord, quote } from "./text";
import { normalizeZone } from "./zone";
import { ABBREVIATIONS, CITY_ALIASES, COUNTRY_ALIASES } from "./zone-aliases";

/** The longest zone name accepted, in characters (the longest IANA name is 32). */
export const MAX_ZONE_LENGTH = 64;

/** One zone to offer: the zone to set and the words on its button. */
export interface ZoneChoice {
  zone: string;
  label: string;
}

/**
 * What {@link parseZone} returns: a zone, or a refusal; a refusal with `choices` is a question
 * ("Which EST do you mean?") to answer with one of them.
 */
export type ZoneResult = { ok: true; zone: string } | { ok: false; error: string; choices?: ZoneChoice[] };

/** At most this many zones are offered at once. */
const MAX_CHOICES = 5;

interface Place {
  zone: string;
  /** Population of the biggest city of this name in this zone, or of all the country's cities. */
  pop: number;
  /** "Portland, United States of America": how the button names it. */
  label: string;
}

/** Countries whose cities are better told apart by their state than by the country. */
const FEDERAL = new Set(["US", "CA", "AU", "BR", "MX", "RU"]);

interface CityRow {
  iso2: string;
  city: string;
  city_ascii: string;
  pop: number;
  country: string;
  province: string;
  timezone: string | null;
}

interface Atlas {
  cities: Map<string, Place[]>;
  regions: Map<string, Place[]>;
  /** City names of more than 100,000 people, for "did you mean". */
  bigNames: string[];
}

let atlas: Atlas | undefined;

/** "Oregon" for a city in the United States, "Costa Rica" elsewhere. */
function region(row: CityRow): string {
  return FEDERAL.has(row.iso2) && row.province ? row.province : row.country;
}

/** A name as a key: folded, punctuation dropped, hyphens and underscores as spaces. */
function key(name: string): string {
  return fold(name)
    .replace(/[.,'’()]/g, "")
    .replace(/[-_]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function add(map: Map<string, Place[]>, k: string, place: Place): void {
  const list = map.get(k) ?? [];
  const same = list.find((p) => p.zone === place.zone);
  if (same) same.pop += place.pop;
  else list.push(place);
  map.set(k, list);
}

/** Loads the city data once, keeping only zones this runtime knows (in their current spelling). */
function loadAtlas(): Atlas {
  if (atlas) return atlas;
  const require = createRequire(import.meta.url);
  const rows = (require("city-timezones") as { cityMapping: CityRow[] }).cityMapping;
  const cities = new Map<string, Place[]>();
  const regions = new Map<string, Place[]>();
  const big = new Set<string>();
  for (const row of rows) {
    const zone = row.timezone ? normalizeZone(row.timezone) : null;
    if (!zone) continue;
    const name = row.city_ascii || row.city;
    const place = (label: string): Place => ({ zone, pop: row.pop, label });
    const cityKeys = new Set([key(row.city), key(row.city_ascii)]);
    // "Washington, D.C." is also "washington dc"; "Tel Aviv-Yafo" also "tel aviv yafo".
    for (const k of cityKeys) {
      const list = cities.get(k) ?? [];
      const same = list.find((p) => p.zone === zone);
      if (same && row.pop > same.pop) Object.assign(same, place(`${name}, ${region(row)}`));
      else if (!same) list.push(place(`${name}, ${region(row)}`));
      cities.set(k, list);
    }
    if (row.pop >= 100_000) for (const k of cityKeys) big.add(k);
    add(regions, key(row.country), place(cityLabel(zone)));
    if (row.province) add(regions, key(row.province), place(cityLabel(zone)));
  }
  atlas = { cities, regions, bigNames: [...big] };
  return atlas;
}

/** "America/Argentina/Buenos_Aires" → "Buenos Aires"; "Etc/GMT+5" → "UTC−5 all year". */
export function cityLabel(zone: string): string {
  const fixed = /^Etc\/GMT([+-])(\d{1,2})$/.exec(zone);
  if (fixed) return `UTC${fixed[1] === "+" ? "−" : "+"}${fixed[2]} all year`;
  if (zone === "UTC" || zone === "Etc/UTC") return "UTC";
  return (zone.split("/").pop() ?? zone).replace(/_/g, " ");
}

const choice = (zone: string, label = cityLabel(zone)): ZoneChoice => ({ zone, label });

/** The question for a name that fits several zones. */
function ask(typed: string, choices: ZoneChoice[]): ZoneResult {
  const first = choices.find((c) => !c.zone.startsWith("Etc/") && c.zone !== "UTC");
  const city = first ? first.label : "Berlin";
  return {
    ok: false,
    error: `${quote(typed)} could be more than one place. Which is yours? Or send your city, like /timezone ${city}.`,
    choices: choices.slice(0, MAX_CHOICES),
  };
}

/** Places by population: one when it clearly dominates (four times the next), else a question. */
function pick(typed: string, places: Place[], share: number): ZoneResult | null {
  if (places.length === 0) return null;
  const ranked = [...places].sort((a, b) => b.pop - a.pop);
  const [top, next] = ranked;
  if (top && (next === undefined || next.pop * share < top.pop)) return { ok: true, zone: top.zone };
  const labels = new Set<string>();
  const choices = ranked
    .filter((p) => p.pop * 20 >= (top?.pop ?? 0))
    .filter((p) => !labels.has(p.label) && labels.add(p.label))
    .map((p) => choice(p.zone, p.label));
  return ask(typed, choices);
}

/** The UTC offset of `zone` at `now`, in minutes. */
function offsetMinutes(zone: string, now: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(now)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * `UTC-5`, `GMT+1`, `+05:30`, `-0300`: the fixed offset (whole hours only, as `Etc/GMT∓N`) and
 * the most populous zones that keep that offset today, to choose from.
 */
function readOffset(typed: string, t: string, now: number): ZoneResult | null {
  const m = /^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (!m) return null;
  const sign = m[1] === "-" ? -1 : 1;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? "0");
  if (hours > 14 || minutes > 59)
    return {
      ok: false,
      error: `${quote(typed)} isn't an offset from UTC: they go from −12 to +14. Send your city instead, like /timezone Berlin.`,
    };
  const offset = sign * (hours * 60 + minutes);
  if (offset === 0) return { ok: true, zone: "UTC" };
  const { regions } = loadAtlas();
  const byZone = new Map<string, number>();
  for (const places of regions.values()) {
    for (const p of places) byZone.set(p.zone, Math.max(byZone.get(p.zone) ?? 0, p.pop));
  }
  const local = [...byZone]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 150)
    .filter(([zone]) => offsetMinutes(zone, now) === offset)
    .slice(0, minutes === 0 ? 3 : 4)
    .map(([zone]) => choice(zone));
  const fixed = minutes === 0 ? [choice(`Etc/GMT${sign > 0 ? "-" : "+"}${hours}`)] : [];
  const choices = [...fixed, ...local];
  if (choices.length === 0)
    return {
      ok: false,
      error: `I know no place at ${quote(typed)}. Send your city instead, like /timezone Berlin.`,
    };
  return choices.length === 1 ? { ok: true, zone: (choices[0] as ZoneChoice).zone } : ask(typed, choices);
}

/**
 * Reads a time zone as typed (see the module comment) at instant `now` (offsets are matched to
 * the zones that keep them now). Input over {@link MAX_ZONE_LENGTH} characters is refused without
 * being echoed; a refusal quotes at most a short piece.
 */
export function parseZone(text: string, now: number): ZoneResult {
  const typed = text.trim();
  if (typed.length === 0)
    return { ok: false, error: "Which time zone? Send your city, like /timezone Berlin." };
  if (typed.length > MAX_ZONE_LENGTH) {
    return {
      ok: false,
      error: "That's longer than any time zone name. Send your city, like /timezone Berlin.",
    };
  }
  const t = fold(typed).replace(/[\u2212]/g, "-");
  const abbreviation = ABBREVIATIONS.get(t.replace(/ time$/, "").replace(/ standard$/, ""));
  if (abbreviation) {
    const known = abbreviation.filter((z) => normalizeZone(z) !== null);
    return known.length === 1
      ? { ok: true, zone: normalizeZone(known[0] as string) as string }
      : ask(
          typed,
          known.map((z) => choice(z)),
        );
  }
  const offset = readOffset(typed, t.replace(/\s+/g, ""), now);
  if (offset) return offset;
  // Europe/Berlin, america/new york: a zone name, in any case, spaces for underscores.
  if (t.includes("/")) {
    const zone = normalizeZone(typed.replace(/\s+/g, "_"));
    if (zone) return { ok: true, zone };
  }
  const k = key(typed);
  const { cities, regions, bigNames } = loadAtlas();
  const cityKey = CITY_ALIASES.get(k) ?? k;
  const found =
    pick(typed, cities.get(cityKey) ?? [], 4) ??
    pick(typed, regions.get(COUNTRY_ALIASES.get(k) ?? k) ?? [], 4) ??
    null;
  if (found) return found;
  // "Portland, Oregon", "berlin, germany": the place, then the state or country that tells it apart.
  const comma = typed.indexOf(",");
  if (comma > 0) {
    const within = key(typed.slice(comma + 1));
    const places = (cities.get(key(typed.slice(0, comma))) ?? []).filter((p) =>
      key(p.label).includes(within),
    );
    const one = pick(typed, places, 4);
    if (one) return one;
  }
  // Old names Intl still knows ("Japan", "US/Eastern", "Singapore").
  const legacy = /^[a-z][a-z0-9_+-]*$/i.test(typed) ? normalizeZone(typed) : null;
  if (legacy) return { ok: true, zone: legacy };
  const near = nearWord(k, bigNames);
  if (near) {
    const places = cities.get(near) ?? [];
    return {
      ok: false,
      error: `I don't know ${quote(typed)}. Did you mean ${places[0]?.label.split(",")[0] ?? near}? Or send your city, like /timezone Berlin.`,
      choices: [...places]
        .sort((a, b) => b.pop - a.pop)
        .slice(0, MAX_CHOICES)
        .map((p) => choice(p.zone, p.label)),
    };
  }
  return {
    ok: false,
    error: `I don't know the time zone ${quote(clip(typed, 40))}. Send your city, like /timezone Berlin, or a zone like Europe/Berlin.`,
  };
}
