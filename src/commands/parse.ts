/**
 * Turns a typed command line into typed arguments, for the console and Telegram (Discord
 * receives typed options already). Grammar:
 *
 *   /name[@bot] [positional…] [option: value …] [flag]
 *
 * - Before the first `option:`, words that fit a non-text option in declaration order fill it
 *   (`#2` a commitment, `@sam` a person, `kept` a choice, `5` a number); the rest of that part is
 *   the first text option, so `/commit Call my sister` needs no `promise:`.
 * - `option: value` sets a named option; a value runs to the next `option:`.
 * - A flag (`private`) is a bare word at the end of any part.
 */
import { refuse } from "../errors";
import type { CommandArgs, PersonRef } from "../types";
import { COMMANDS, type CommandSpec, findCommand, LIMITS, type OptionSpec } from "./table";
import { checkText, cleanText, excerpt, graphemes, quote } from "./text";

/** The outcome of parsing one command line. */
export type ParsedCommand =
  | { ok: true; name: string; args: CommandArgs; mentions: PersonRef[] }
  | {
      ok: false;
      /** One line, with an example of the right form. */
      error: string;
      /** The command, when the name was recognised. */
      name?: string;
      /** Required options that were missing, so an adapter can ask for them one by one. */
      missing?: string[];
    };

const COMMAND_RE = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?=\s|$)/;
const KEY_RE = /(^|\s)([A-Za-z_]{2,20}):(?=\s|$)/g;

/** Every option name used anywhere, so a misplaced one is refused instead of read as text. */
const ALL_OPTION_NAMES = new Set(COMMANDS.flatMap((c) => c.options.map((o) => o.name)));

/**
 * Parses `text` as a command.
 * @returns null when the text is not a command, or is addressed to another bot.
 */
export function parseCommandText(text: string, opts: { botUsername?: string } = {}): ParsedCommand | null {
  const trimmed = text.trim();
  const head = COMMAND_RE.exec(trimmed);
  if (!head) return null;
  const [, rawName = "", bot] = head;
  if (bot && opts.botUsername && bot.toLowerCase() !== opts.botUsername.toLowerCase()) return null;
  const spec = findCommand(rawName);
  if (!spec) {
    return {
      ok: false,
      error: `I don't know /${excerpt(rawName.toLowerCase(), 30)}. Send /help to see what I can do.`,
    };
  }
  return parseArguments(spec, trimmed.slice(head[0].length));
}

/** Parses the argument part of a command line against its spec. */
export function parseArguments(spec: CommandSpec, rest: string): ParsedCommand {
  const read = readArguments(spec, rest);
  if (!read.ok) return { ok: false, error: read.error, name: spec.name };
  const { args, mentions, missing } = read;
  if (missing.length > 0) {
    const first = spec.options.find((o) => o.name === missing[0]);
    return { ok: false, error: withExample(spec, askFor(first)), name: spec.name, missing };
  }
  return { ok: true, name: spec.name, args, mentions };
}

/** What an argument line says, before asking whether anything required is missing. */
export type ReadArguments =
  | { ok: true; args: CommandArgs; mentions: PersonRef[]; missing: string[] }
  | { ok: false; error: string };

/**
 * Reads the argument part of a command line against its spec, without refusing a missing
 * required option: `missing` lists them, so a guided exchange can ask for each (src/commands/guided.ts).
 */
export function readArguments(spec: CommandSpec, rest: string): ReadArguments {
  const fail = (error: string): ReadArguments => ({ ok: false, error: withExample(spec, error) });
  const split = splitNamed(spec, rest);
  if ("error" in split) return fail(split.error);

  const raw = new Map<string, string>();
  const flags = spec.options.filter((o) => o.type === "flag");
  const takeFlags = (part: string): string => {
    let out = part.trimEnd();
    for (;;) {
      const m = /(^|\s)([A-Za-z_]+)$/.exec(out);
      const flag = m && flags.find((f) => f.name === m[2]?.toLowerCase());
      if (!m || !flag) return out.trim();
      raw.set(flag.name, "true");
      out = out.slice(0, m.index).trimEnd();
    }
  };

  const positional = takeFlags(split.head);
  for (const [name, value] of split.named) {
    if (raw.has(name)) return fail(`You gave ${name}: twice; say it once.`);
    raw.set(name, takeFlags(value));
  }

  const leftover = fillPositional(spec, positional, raw);
  if (leftover) return fail(`I didn't understand ${quote(leftover)}.`);

  const args: CommandArgs = {};
  const mentions: PersonRef[] = [];
  for (const option of spec.options) {
    const value = raw.get(option.name);
    if (value === undefined) continue;
    const checked = checkValue(option, value);
    if ("error" in checked) return fail(checked.error);
    args[option.name] = checked.value;
    if (option.type === "person") mentions.push({ username: checked.value });
  }
  const missing = spec.options.filter((o) => o.required && args[o.name] === undefined).map((o) => o.name);
  return { ok: true, args, mentions, missing };
}

/** A refusal line with the command's example, which works on any day (it carries no date). */
function withExample(spec: CommandSpec, error: string): string {
  return `${error} For example: ${spec.example}`;
}

/**
 * Checks the free-text options of a command that arrived already typed (Discord's options), with
 * the same rules as a typed line: a promise or note that shows nothing is refused, lengths count
 * what a person sees, invisible control characters are taken out.
 * @throws a refusal ({@link UserError}) with the command's example.
 */
export function checkTypedText(name: string, args: CommandArgs): CommandArgs {
  const spec = findCommand(name);
  if (!spec) return args;
  const out: CommandArgs = { ...args };
  for (const option of spec.options) {
    const value = args[option.name];
    // Left out or left blank: the command says what it needs, as when nothing was typed.
    if (option.type !== "text" || value === undefined || !value.trim()) continue;
    const checked = checkFreeText(option, value);
    if ("error" in checked) refuse("bad-text", withExample(spec, checked.error));
    out[option.name] = checked.value;
  }
  return out;
}

type Split = { head: string; named: [string, string][] } | { error: string };

/** Splits `rest` at each `name:` key; unknown keys that look like mistakes are refused. */
function splitNamed(spec: CommandSpec, rest: string): Split {
  const known = new Set(spec.options.map((o) => o.name));
  const cuts: { name: string; start: number; end: number }[] = [];
  for (const m of rest.matchAll(KEY_RE)) {
    const key = (m[2] ?? "").toLowerCase();
    const start = (m.index ?? 0) + (m[1] ?? "").length;
    if (known.has(key)) {
      cuts.push({ name: key, start, end: start + key.length + 1 });
      continue;
    }
    const near = [...known].find((k) => editDistance(k, key) <= 2 && key.length >= 3);
    if (ALL_OPTION_NAMES.has(key) || near) {
      const options = [...known].map((k) => `${k}:`).join(", ") || "none";
      const hint = near ? ` Did you mean ${near}:?` : "";
      return { error: `/${spec.name} has no option "${key}".${hint} Its options: ${options}.` };
    }
  }
  const head = rest.slice(0, cuts[0]?.start ?? rest.length);
  const named: [string, string][] = cuts.map((c, i) => [
    c.name,
    rest.slice(c.end, cuts[i + 1]?.start ?? rest.length).trim(),
  ]);
  return { head, named };
}

/** Fills options from the positional part; returns the words nothing could take. */
function fillPositional(spec: CommandSpec, text: string, raw: Map<string, string>): string {
  let rest = text.trim();
  for (const option of spec.options) {
    if (!rest) break;
    if (raw.has(option.name) || option.type === "flag") continue;
    if (option.type === "text") {
      raw.set(option.name, rest);
      return "";
    }
    const word = /^\S+/.exec(rest)?.[0] ?? "";
    // A word that fits, or one no later text option could take, goes here (and is checked later,
    // so "/step five" says "a whole number" rather than "I didn't understand").
    const laterText = spec.options.slice(spec.options.indexOf(option) + 1).some((o) => o.type === "text");
    if (fitsPositionally(option, word) || (!laterText && !raw.has(option.name))) {
      raw.set(option.name, word);
      rest = rest.slice(word.length).trim();
    }
  }
  return rest;
}

function fitsPositionally(option: OptionSpec, word: string): boolean {
  switch (option.type) {
    case "commitment":
      return /^#?\d+$/.test(word);
    case "person":
      return word.startsWith("@");
    case "number":
      return /^[+-]?\d+$/.test(word);
    case "choice":
      return option.choices?.includes(word.toLowerCase()) ?? false;
    default:
      return false;
  }
}

/** Validates and normalises one value (also for answers typed in a guided exchange). */
export function checkValue(option: OptionSpec, value: string): { value: string } | { error: string } {
  const v = stripQuotes(value.trim());
  switch (option.type) {
    case "text":
      return checkFreeText(option, v);
    case "number": {
      if (!/^[+-]?\d+$/.test(v))
        return { error: `${cap(option.name)} must be a whole number, not ${quote(v)}.` };
      const n = Number(v);
      if ((option.min !== undefined && n < option.min) || (option.max !== undefined && n > option.max)) {
        return { error: `${cap(option.name)} must be between ${option.min} and ${option.max}.` };
      }
      return { value: String(n) };
    }
    case "choice": {
      const lower = v.toLowerCase();
      if (!option.choices?.includes(lower)) {
        return {
          error: `${cap(option.name)} must be one of ${option.choices?.join(", ")}, not ${quote(v)}.`,
        };
      }
      return { value: lower };
    }
    case "commitment": {
      const m = /^#?(\d{1,6})$/.exec(v);
      if (!m) return { error: `Name a commitment by its number, like #2, not ${quote(v)}.` };
      return { value: String(Number(m[1])) };
    }
    case "person": {
      const m = /^@?([A-Za-z0-9_]{1,32})$/.exec(v);
      if (!m?.[1]) return { error: `Name a person as @username, not ${quote(v)}.` };
      return { value: m[1] };
    }
    case "flag":
      return { value: "true" };
  }
}

/**
 * The question a person would ask for a missing option, as a friend would put it ("Which time
 * zone?"); the caller adds a working example.
 */
function askFor(option: OptionSpec | undefined): string {
  if (!option) return "Something is missing.";
  switch (option.name) {
    case "promise":
      return "What do you promise?";
    case "zone":
      return "Which time zone?";
    case "hours":
      return "Which hours should be quiet?";
    case "answer":
      return `How did it go: ${listOr(option.choices ?? [])}?`;
    case "number":
      return `Which step, from ${option.min ?? 1} to ${option.max ?? 13}?`;
  }
  switch (option.type) {
    case "commitment":
      return "Which commitment? Give its number (/status lists yours).";
    case "person":
      return "Who would you like to ask? Name them with @ and their username.";
    case "choice":
      return `Which one: ${listOr(option.choices ?? [])}?`;
    default:
      return `What ${option.name} do you mean?`;
  }
}

/** "kept, partly or missed". */
function listOr(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

function stripQuotes(v: string): string {
  const m = /^(["“'])(.*)(["”'])$/s.exec(v);
  return m?.[2] !== undefined ? m[2].trim() : v;
}

/**
 * A free-text value: a promise or a note by {@link checkText}; any other (a cadence, a zone)
 * with invisible characters out, not empty, and within its length in characters a person sees.
 */
function checkFreeText(option: OptionSpec, value: string): { value: string } | { error: string } {
  if (option.hint === "promise" || option.hint === "note") {
    return checkText(option.hint, value, option.maxLength ?? LIMITS[option.hint]);
  }
  const v = cleanText(value).trim();
  if (!v) return { error: `${cap(option.name)} can't be empty.` };
  const length = graphemes(v);
  if (option.maxLength && length > option.maxLength) {
    return { error: `That is ${length} characters; ${option.name}: takes at most ${option.maxLength}.` };
  }
  return { value: v };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Levenshtein distance, for "did you mean" hints on short option names. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}
