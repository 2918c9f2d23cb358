/**
 * The guided exchange: when a command arrives without a required option ("/commit" alone), the
 * bot asks for each missing one in turn, with buttons where the answers are few (a cadence, a
 * commitment, kept/partly/missed) and a reply-to prompt where they are typed (the promise, a
 * zone), then runs the command as if it had been typed whole.
 *
 * Pure: these functions only read and update a {@link GuidedState}; the update handler sends the
 * questions and keeps the states in a {@link PendingStore}.
 */
import type { MessageEntity } from "grammy/types";
import { parseArguments } from "../../src/commands/parse";
import type { CommandSpec, OptionSpec } from "../../src/commands/table";
import { COMMON_CADENCES } from "../../src/engine/suggest";
import type { CommandArgs, PersonRef } from "../../src/types";
import type { Expiring } from "./pending";

/** How long a question waits for its answer. */
export const GUIDED_TTL_MS = 15 * 60_000;
/** The most guided exchanges held at once (across all chats). */
export const GUIDED_MAX = 1_000;
/** `callback_data` of a guided choice: `tgq:<nonce>:<index>`; the engine knows no `tgq` verb. */
export const GUIDED_PREFIX = "tgq:";

/** One button of a question; an empty value means "Other: let me type it". */
export interface Choice {
  label: string;
  value: string;
}

/** A question to send: its text, and buttons or a reply box. */
export interface Question {
  text: string;
  /** Buttons to pick from; when absent, the answer is typed as a reply. */
  choices?: Choice[];
  perRow?: number;
  /** Shown in the empty reply box. */
  placeholder?: string;
}

/** A command waiting for its missing options. */
export interface GuidedState extends Expiring {
  kind: "guided";
  /** Ties buttons to this exchange, so a stale question's buttons do nothing. */
  nonce: string;
  spec: CommandSpec;
  /** The command's argument text as typed, without the `/name`. */
  base: string;
  /** Options still to ask for, in order; the first is being asked now. */
  todo: OptionSpec[];
  /** Answers so far, by option name, already normalised. */
  collected: CommandArgs;
  /** The person named by an answer (or by the message a `/witness` replied to). */
  person?: PersonRef;
  /** Buttons of the question on screen; null when it asks for typing. */
  choices: Choice[] | null;
  /** The person pressed "Other" and is typing the value. */
  typingOther: boolean;
  /** The message the command came in, which the answer replies to. */
  commandMessageId: number;
  /** The question on screen; a typed answer must reply to it in a group. */
  promptMessageId?: number;
  /** The name of the person asked, for refusing someone else's click. */
  askedName: string;
}

/** A start for a guided exchange. */
export interface GuidedStart {
  spec: CommandSpec;
  base: string;
  missing: readonly string[];
  commandMessageId: number;
  askedName: string;
  nonce: string;
  now: number;
  /** Options already answered another way (the `/witness` reply-to). */
  preset?: { collected: CommandArgs; person?: PersonRef };
}

/** Creates the state for a command missing `missing`; with nothing left to ask it is already done. */
export function startGuided(s: GuidedStart): GuidedState {
  const todo = s.missing
    .map((name) => s.spec.options.find((o) => o.name === name))
    .filter((o): o is OptionSpec => o !== undefined && s.preset?.collected[o.name] === undefined);
  const state: GuidedState = {
    kind: "guided",
    nonce: s.nonce,
    spec: s.spec,
    base: s.base,
    todo,
    collected: { ...(s.preset?.collected ?? {}) },
    choices: null,
    typingOther: false,
    commandMessageId: s.commandMessageId,
    askedName: s.askedName,
    expiresAt: s.now + GUIDED_TTL_MS,
    ...(s.preset?.person ? { person: s.preset.person } : {}),
  };
  // A guided /commit also offers the common cadences, unless one (or a step with its own) was given.
  if (s.spec.name === "commit") {
    const typed = placeholderParse(state);
    const cadence = s.spec.options.find((o) => o.name === "cadence");
    if (cadence && typed.ok && !typed.args.cadence && !typed.args.step) state.todo.push(cadence);
  }
  return state;
}

/** The option being asked about, or undefined when every answer is in. */
export function currentOption(state: GuidedState): OptionSpec | undefined {
  return state.todo[0];
}

/**
 * The question for the current option. `commitments` are the person's own (from the engine's
 * suggestions), offered as buttons when the option is a commitment.
 */
export function questionFor(state: GuidedState, commitments: readonly Choice[] = []): Question | undefined {
  const option = currentOption(state);
  if (!option) return undefined;
  if (state.typingOther) {
    return {
      text: `Type it as a reply to this message, like ${example(option)}.`,
      placeholder: example(option),
    };
  }
  switch (option.type) {
    case "choice":
      return {
        text: option.name === "answer" ? "How did it go?" : `${capital(option.description)}?`,
        choices: (option.choices ?? []).map((c) => ({ label: capital(c), value: c })),
        perRow: 3,
      };
    case "commitment":
      return commitments.length > 0
        ? { text: "Which commitment?", choices: commitments.slice(0, 8), perRow: 1 }
        : { text: "Which commitment? Reply with its number, like #1.", placeholder: "#1" };
    case "number": {
      const { min = 1, max = min } = option;
      if (max - min < 20) {
        const numbers = Array.from({ length: max - min + 1 }, (_, i) => String(min + i));
        return {
          text: `Which ${option.name}?`,
          choices: numbers.map((n) => ({ label: n, value: n })),
          perRow: 7,
        };
      }
      return { text: `Which ${option.name}? Reply with a number from ${min} to ${max}.` };
    }
    case "person":
      return {
        text: "Who should it be? Reply with their @username.",
        placeholder: "@username",
      };
    default:
      break;
  }
  if (option.name === "cadence") {
    return {
      text: "When should I check in? Pick one, or Other to type your own.",
      choices: [...COMMON_CADENCES.map((c) => ({ label: c, value: c })), { label: "Other…", value: "" }],
      perRow: 2,
    };
  }
  const asks: Record<string, string> = {
    promise: "What do you commit to? Reply to this message in your own words.",
    zone: "Which time zone are you in? Reply with a name like Europe/Berlin.",
    quiet: "Which hours should stay quiet? Reply like 22:00-08:00, or off.",
  };
  return {
    text: asks[option.hint ?? ""] ?? `${capital(option.description)}? Reply to this message.`,
    placeholder: example(option),
  };
}

/** Records which buttons the question on screen shows (null: it asks for typing). */
export function showing(state: GuidedState, question: Question): void {
  state.choices = question.choices ?? null;
}

/**
 * A button was pressed: `index` into the question's choices.
 * @returns "next" when the answer was taken, "other" when the person wants to type instead, or
 * "stale" when the button belongs to a question no longer asked.
 */
export function answerChoice(state: GuidedState, index: number): "next" | "other" | "stale" {
  const option = currentOption(state);
  const choice = state.choices?.[index];
  if (!option || !choice) return "stale";
  if (choice.value === "") {
    state.typingOther = true;
    state.choices = null;
    return "other";
  }
  take(state, option, choice.value);
  return "next";
}

/**
 * A typed answer to the current question. Person options also read Telegram's mention
 * entities, so a friend picked from the mention list (who may have no username) works too.
 * @returns an error to show (the question is asked again), or null when the answer was taken.
 */
export function answerText(
  state: GuidedState,
  text: string,
  entities: readonly MessageEntity[] = [],
): string | null {
  const option = currentOption(state);
  if (!option) return null;
  const checked = normalise(option, text, entities);
  if ("error" in checked) return checked.error;
  if (checked.person) state.person = checked.person;
  take(state, option, checked.value);
  return null;
}

function take(state: GuidedState, option: OptionSpec, value: string): void {
  state.collected[option.name] = value;
  state.typingOther = false;
  state.todo.shift();
  state.choices = null;
}

/** The finished command: what was typed plus every answer, or the parser's one-line refusal. */
export function finish(
  state: GuidedState,
): { ok: true; args: CommandArgs; mentions: PersonRef[] } | { ok: false; error: string } {
  const parsed = placeholderParse(state);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const args: CommandArgs = { ...parsed.args, ...state.collected };
  const person = state.spec.options.find((o) => o.type === "person" && state.collected[o.name] !== undefined);
  // An answered person replaces the stand-in; otherwise the people typed on the command line count.
  const answered = person ? (state.person ?? { username: state.collected[person.name] ?? "" }) : undefined;
  return { ok: true, args, mentions: answered ? [answered] : parsed.mentions };
}

/**
 * Parses what was typed with a valid stand-in for every option still missing or answered, so
 * the typed options come out exactly as the shared parser reads them; the stand-ins are then
 * replaced by the answers (which never go through the text grammar, so a promise may contain
 * `cadence:` or end in "private").
 */
function placeholderParse(state: GuidedState) {
  const names = new Set([...state.todo.map((o) => o.name), ...Object.keys(state.collected)]);
  const standIns = state.spec.options
    .filter((o) => names.has(o.name) && o.type !== "flag")
    .map((o) => `${o.name}: ${standIn(o)}`);
  const parsed = parseArguments(state.spec, [state.base, ...standIns].join(" "));
  return parsed.ok
    ? {
        ok: true as const,
        args: parsed.args,
        mentions: parsed.mentions.filter((m) => m.username !== STAND_IN_USER),
      }
    : { ok: false as const, error: parsed.error };
}

const STAND_IN_USER = "amends_stand_in";

function standIn(option: OptionSpec): string {
  switch (option.type) {
    case "commitment":
      return "#1";
    case "number":
      return String(option.min ?? 1);
    case "choice":
      return option.choices?.[0] ?? "x";
    case "person":
      return `@${STAND_IN_USER}`;
    default:
      return "x";
  }
}

/** Checks and normalises one typed answer the way the command-line parser would. */
function normalise(
  option: OptionSpec,
  raw: string,
  entities: readonly MessageEntity[],
): { value: string; person?: PersonRef } | { error: string } {
  const text = raw.trim();
  if (!text) return { error: "That was empty. Try again?" };
  switch (option.type) {
    case "commitment": {
      const m = /^#?(\d{1,6})$/.exec(text);
      return m ? { value: String(Number(m[1])) } : { error: "Name a commitment by its number, like #2." };
    }
    case "number": {
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = option;
      return Number.isInteger(n) && n >= min && n <= max
        ? { value: String(n) }
        : { error: `That needs a whole number from ${option.min} to ${option.max}.` };
    }
    case "choice": {
      const v = text.toLowerCase();
      return option.choices?.includes(v) ? { value: v } : { error: `Answer ${option.choices?.join(", ")}.` };
    }
    case "person": {
      const picked = entities.find((e) => e.type === "text_mention");
      if (picked?.type === "text_mention") {
        const u = picked.user;
        const name = [u.first_name, u.last_name].filter(Boolean).join(" ");
        const ref: PersonRef = { id: String(u.id), name, ...(u.username ? { username: u.username } : {}) };
        return { value: u.username ?? name, person: ref };
      }
      const m = /^@?([A-Za-z0-9_]{1,32})$/.exec(text);
      return m?.[1]
        ? { value: m[1], person: { username: m[1] } }
        : { error: "Name them as @username, like @sam." };
    }
    default: {
      const length = [...text].length;
      if (option.maxLength && length > option.maxLength) {
        return { error: `That is ${length} characters; the limit is ${option.maxLength}. A shorter one?` };
      }
      return { value: text };
    }
  }
}

function example(option: OptionSpec): string {
  const examples: Record<string, string> = {
    cadence: "every 2 days 19:00",
    promise: "Call my sister every Sunday",
    zone: "Europe/Berlin",
    quiet: "22:00-08:00",
    date: "2027-01-31",
    duration: "3d",
  };
  return examples[option.hint ?? ""] ?? option.name;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
