/**
 * The console's line protocol: one input line becomes one {@link Directive}.
 *
 * Pure and synchronous so that every form (and every malformed one) can be tested
 * without a session, a clock or an engine.
 */

/** Where a person speaks: the shared group chat or their own direct chat with the bot. */
export type Place = "group" | "dm";

/** What one input line asks the console to do. */
export type Directive =
  /** A blank line: nothing to do. */
  | { kind: "blank" }
  /** A `# comment` line, kept so transcripts can be echoed as written. */
  | { kind: "comment"; text: string }
  /**
   * A person posts `text`. `speaker` and `place` are null for a plain line, which goes as
   * the default speaker set with `:as` (and to that speaker's default place).
   */
  | { kind: "say"; speaker: string | null; place: Place | null; text: string }
  /** A person presses the button labelled `label`; `speaker` is null for the default speaker. */
  | { kind: "click"; speaker: string | null; label: string; text?: string }
  /** Move the virtual clock on by `ms` milliseconds (a whole number of minutes). */
  | { kind: "advance"; ms: number }
  /** Print the virtual time. */
  | { kind: "now" }
  /** Set (or, with a null speaker, clear) the default speaker for plain lines. */
  | { kind: "as"; speaker: string | null; place: Place }
  | { kind: "help" }
  | { kind: "quit" }
  /** A line the console understood the shape of but cannot act on; `reason` is shown as is. */
  | { kind: "invalid"; reason: string };

/** The pattern a console person's name must match (shared with the identity mapping). */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

const NAME = "[A-Za-z][A-Za-z0-9_-]{0,31}";
const SAY = new RegExp(`^(${NAME})(@dm)?\\s*:(.*)$`, "is");
const CLICK = new RegExp(`^(?:(${NAME})\\s+)?clicks(?:\\s+(.*))?$`, "is");

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: DAY_MS, w: 7 * DAY_MS };

/**
 * The longest single `:advance`. Each minute runs a scheduler tick, so a typo such as
 * `:advance 1000d` would otherwise keep the console busy for a long time.
 */
export const MAX_ADVANCE_MS = 366 * DAY_MS;

const DURATION_EXAMPLE = "use minutes, hours, days or weeks, e.g. 45m, 2h, 3d, 1w or 6h30m";

/**
 * Parses a duration such as `45m`, `2h`, `3d`, `1w` or `6h30m` (case-insensitive, spaces
 * between parts allowed) into milliseconds.
 *
 * @returns the duration, or an error message fit to show the user.
 */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const compact = text.replace(/\s+/g, "").toLowerCase();
  if (compact === "") return { ok: false, error: `:advance needs a duration: ${DURATION_EXAMPLE}` };
  if (!/^(?:\d+[mhdw])+$/.test(compact)) {
    return { ok: false, error: `bad duration "${text.trim()}": ${DURATION_EXAMPLE}` };
  }
  let ms = 0;
  for (const [, count, unit] of compact.matchAll(/(\d+)([mhdw])/g)) {
    ms += Number(count) * (UNIT_MS[unit ?? ""] ?? 0);
  }
  if (ms <= 0) return { ok: false, error: `bad duration "${text.trim()}": it must be at least 1m` };
  if (ms > MAX_ADVANCE_MS) {
    return { ok: false, error: `bad duration "${text.trim()}": at most 366d at a time (repeat :advance)` };
  }
  return { ok: true, ms };
}

/**
 * Turns one input line into a directive.
 *
 * Forms: `NAME: TEXT` (group), `NAME@dm: TEXT` (NAME's direct chat), `NAME clicks LABEL`,
 * `:advance DURATION`, `:now`, `:as NAME`, `:as NAME@dm`, `:as` (clear), `:help`, `:quit`,
 * `# comment`, and a plain line (for the default speaker).
 */
export function parseLine(line: string): Directive {
  const trimmed = line.trim();
  if (trimmed === "") return { kind: "blank" };
  if (trimmed.startsWith("#")) return { kind: "comment", text: trimmed };
  if (trimmed.startsWith(":")) return parseMeta(trimmed);

  const say = SAY.exec(trimmed);
  if (say) {
    const [, speaker = "", dm, text = ""] = say;
    return { kind: "say", speaker, place: dm ? "dm" : "group", text: text.trim() };
  }

  const click = CLICK.exec(trimmed);
  if (click) {
    const [, speaker, rawLabel = ""] = click;
    // `alice clicks Add a note: text` answers a button that asks for words (a form on Discord).
    const [labelPart = "", ...typed] = rawLabel.split(":");
    const label = unbracket(labelPart.trim());
    if (label === "") return { kind: "invalid", reason: 'say which button, e.g. "alice clicks Kept"' };
    const text = typed.join(":").trim();
    return text
      ? { kind: "click", speaker: speaker ?? null, label, text }
      : { kind: "click", speaker: speaker ?? null, label };
  }

  return { kind: "say", speaker: null, place: null, text: trimmed };
}

function parseMeta(line: string): Directive {
  const [word = "", ...rest] = line.slice(1).trim().split(/\s+/);
  const arg = rest.join(" ");
  switch (word.toLowerCase()) {
    case "advance": {
      const duration = parseDuration(arg);
      return duration.ok ? { kind: "advance", ms: duration.ms } : { kind: "invalid", reason: duration.error };
    }
    case "now":
      return { kind: "now" };
    case "as":
      return parseAs(arg);
    case "help":
      return { kind: "help" };
    case "quit":
    case "exit":
    case "q":
      return { kind: "quit" };
    default:
      return { kind: "invalid", reason: `unknown command ":${word}" (try :help)` };
  }
}

function parseAs(arg: string): Directive {
  if (arg === "") return { kind: "as", speaker: null, place: "group" };
  const match = /^(.*?)(@dm)?$/i.exec(arg);
  const name = match?.[1] ?? "";
  if (!NAME_PATTERN.test(name)) {
    return {
      kind: "invalid",
      reason: `bad name "${arg}": a letter, then up to 31 letters, digits, _ or - (e.g. :as alice)`,
    };
  }
  return { kind: "as", speaker: name, place: match?.[2] ? "dm" : "group" };
}

/** `[Kept]` is how buttons are printed, so people naturally copy the brackets too. */
function unbracket(label: string): string {
  const match = /^\[(.*)\]$/s.exec(label);
  return match ? (match[1] ?? "").trim() : label;
}
