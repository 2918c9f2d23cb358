/**
 * The guided exchange, for every platform that takes commands as typed lines (Telegram, the
 * console): when a command arrives without a required option ("/commit" alone), the bot asks for
 * each missing one in turn, with buttons where the answers are few (a cadence, a commitment,
 * kept/partly/missed) and a typed reply where they are words (the promise, a zone), then runs
 * the command as if it had been typed whole.
 *
 * This module holds the rules: which question comes next, what it offers, and what a valid
 * answer is ({@link checkValue}, the command line's own check, so a refusal reads the same
 * however the value came in). Adapters only render the questions and buttons, and keep the state
 * between messages. Pure: nothing here reads a clock or sends anything.
 */
import { COMMON_CADENCES } from "../engine/suggest";
import type { CommandArgs, PersonRef } from "../types";
import { type Examples, examplesAt } from "./examples";
import { checkValue, readArguments } from "./parse";
import type { CommandSpec, OptionSpec } from "./table";

/** One button of a question; an empty value means "Other: let me type it". */
export interface Choice {
  label: string;
  value: string;
}

/** A question to show: its text, and buttons or a typed reply. */
export interface Question {
  text: string;
  /** Buttons to pick from; when absent, the answer is typed. */
  choices?: Choice[];
  perRow?: number;
  /** An example answer, for an empty reply box. */
  placeholder?: string;
}

/** A command waiting for its missing options. */
export interface Guided {
  spec: CommandSpec;
  /** The command's argument text as typed, without the `/name`. */
  base: string;
  /** Options still to ask for, in order; the first is being asked now. */
  todo: OptionSpec[];
  /** Answers so far, by option name, already checked and normalised. */
  collected: CommandArgs;
  /** The person named by an answer (or by the message a `/witness` replied to). */
  person?: PersonRef;
  /** Buttons of the question on screen; null when it asks for typing. */
  choices: Choice[] | null;
  /** The person pressed "Other" and is typing the value. */
  typingOther: boolean;
  /** Dated examples for the day the exchange started (a week or more ahead, so still good). */
  examples: Examples;
}

/** What starts a guided exchange. */
export interface GuidedStart {
  spec: CommandSpec;
  base: string;
  missing: readonly string[];
  /** Milliseconds now, for dated examples. */
  now: number;
  /** Options already answered another way (the `/witness` reply-to on Telegram). */
  preset?: { collected: CommandArgs; person?: PersonRef };
}

/** Starts the exchange for a command missing `missing`; with nothing left to ask it is already done. */
export function startGuided(s: GuidedStart): Guided {
  const todo = s.missing
    .map((name) => s.spec.options.find((o) => o.name === name))
    .filter((o): o is OptionSpec => o !== undefined && s.preset?.collected[o.name] === undefined);
  const state: Guided = {
    spec: s.spec,
    base: s.base,
    todo,
    collected: { ...(s.preset?.collected ?? {}) },
    choices: null,
    typingOther: false,
    examples: examplesAt(s.now),
    ...(s.preset?.person ? { person: s.preset.person } : {}),
  };
  // A guided /commit also offers the common cadences, unless one (or a step with its own) was given.
  if (s.spec.name === "commit") {
    const typed = readArguments(s.spec, s.base);
    const cadence = s.spec.options.find((o) => o.name === "cadence");
    if (cadence && typed.ok && !typed.args.cadence && !typed.args.step) state.todo.push(cadence);
  }
  return state;
}

/** The option being asked about, or undefined when every answer is in. */
export function currentOption(state: Guided): OptionSpec | undefined {
  return state.todo[0];
}

/**
 * The question for the current option. `commitments` are the person's own (the engine's
 * suggestions), offered as buttons when the option is a commitment.
 */
export function questionFor(state: Guided, commitments: readonly Choice[] = []): Question | undefined {
  const option = currentOption(state);
  if (!option) return undefined;
  const example = exampleFor(option, state.examples);
  if (state.typingOther) {
    return { text: `Type it as a reply to this message, like ${example}.`, placeholder: example };
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
      return { text: "Who should it be? Reply with their @username.", placeholder: "@username" };
    default:
      break;
  }
  if (option.hint === "cadence") {
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
    placeholder: example,
  };
}

/** Records which buttons the question on screen shows (null: it asks for typing). */
export function showing(state: Guided, question: Question): void {
  state.choices = question.choices ?? null;
}

/**
 * A button was pressed: `index` into the question's choices.
 * @returns "next" when the answer was taken, "other" when the person wants to type instead, or
 * "stale" when the button belongs to a question no longer asked.
 */
export function answerChoice(state: Guided, index: number): "next" | "other" | "stale" {
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
 * A typed answer to the current question, checked as the command line checks it. `picked` is a
 * person the platform resolved from the answer (Telegram's mention of someone without a username).
 * @returns the one-line reason to show before asking again, or null when the answer was taken.
 */
export function answerText(state: Guided, text: string, picked?: PersonRef): string | null {
  const option = currentOption(state);
  if (!option) return null;
  if (option.type === "person" && picked) {
    state.person = picked;
    take(state, option, picked.username ?? picked.name ?? "");
    return null;
  }
  const checked = checkValue(option, text);
  if ("error" in checked) return checked.error;
  if (option.type === "person") state.person = { username: checked.value };
  take(state, option, checked.value);
  return null;
}

function take(state: Guided, option: OptionSpec, value: string): void {
  state.collected[option.name] = value;
  state.typingOther = false;
  state.todo.shift();
  state.choices = null;
}

/**
 * The finished command: what was typed plus every answer (answers never go through the command
 * grammar, so a promise may contain `cadence:` or end in "private"), or the one-line refusal.
 */
export function finish(
  state: Guided,
): { ok: true; args: CommandArgs; mentions: PersonRef[] } | { ok: false; error: string } {
  const typed = readArguments(state.spec, state.base);
  if (!typed.ok) return { ok: false, error: typed.error };
  const args: CommandArgs = { ...typed.args, ...state.collected };
  const person = state.spec.options.find((o) => o.type === "person" && state.collected[o.name] !== undefined);
  // An answered person replaces any typed one; otherwise the people typed on the command line count.
  const answered = person ? (state.person ?? { username: state.collected[person.name] ?? "" }) : undefined;
  return { ok: true, args, mentions: answered ? [answered] : typed.mentions };
}

/** An answer that would be accepted for `option`, for "like …" and empty reply boxes. */
function exampleFor(option: OptionSpec, examples: Examples): string {
  const byHint: Record<string, string> = {
    cadence: "every 2 days 19:00",
    promise: "Call my sister every Sunday",
    zone: "Europe/Berlin",
    quiet: "22:00-08:00",
    date: examples.until,
    duration: "3d",
    note: "Called her after work",
  };
  return byHint[option.hint ?? ""] ?? option.name;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
