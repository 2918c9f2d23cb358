/**
 * Every command Amends understands, declared once as data. Discord renders this table as
 * slash commands, Telegram as `setMyCommands` plus the text parser, the console with the parser.
 */

/** The kinds of option a command can take. */
export type OptionType =
  /** Free text; the first text option of a command may be given without its name. */
  | "text"
  /** An integer, optionally bounded. */
  | "number"
  /** One of a fixed list of words. */
  | "choice"
  /** A person: a Discord user option, an `@username` elsewhere. */
  | "person"
  /** One of the caller's own commitments, written `#3`. */
  | "commitment"
  /** A yes/no switch written as a bare word (`private`). */
  | "flag";

/** What a text option holds, so adapters can offer autocomplete or a guided choice. */
export type TextHint = "zone" | "cadence" | "duration" | "date" | "quiet" | "promise" | "note" | "command";

/** One option of a command. */
export interface OptionSpec {
  name: string;
  type: OptionType;
  description: string;
  required?: boolean;
  /** For `choice`: the accepted values (lower case). */
  choices?: readonly string[];
  /** For `number`. */
  min?: number;
  max?: number;
  /** For `text`. */
  maxLength?: number;
  hint?: TextHint;
}

/**
 * One command. Option order is the order positional words are matched in (`/checkin #2 kept`);
 * Discord, which wants required options first, reorders them when it renders the table.
 */
export interface CommandSpec {
  name: string;
  description: string;
  options: readonly OptionSpec[];
  /** A complete, valid example, shown in refusals and `/help`. */
  example: string;
  /** More than the description can hold, shown by `/help <command>` (no platform limit applies). */
  details?: string;
}

/** Limits shared by the core and the parser; text lengths count what a person sees (src/commands/text.ts). */
export const LIMITS = {
  promise: 500,
  note: 1000,
  activeCommitments: 50,
  /** A cadence as typed, so a 12,000-character cron line is refused before it is read. */
  cadence: 200,
  /** A time zone, a city or an offset as typed. */
  zone: 64,
  /**
   * Any other short value: a date, a duration, quiet hours, a command name. No longer than a
   * refusal may quote, so echoing one whole still quotes at most 60 characters.
   */
  short: 60,
} as const;

const commitment = (required: boolean): OptionSpec => ({
  name: "commitment",
  type: "commitment",
  description: "Which of your commitments, like #2",
  required,
});

/** The command table, in the order `/help` lists it. */
export const COMMANDS = [
  {
    name: "commit",
    description: "Make a commitment and get check-ins on it",
    example: "/commit Call my sister cadence: weekly sun 18:00 step: 13",
    options: [
      {
        name: "promise",
        type: "text",
        description: "What you commit to, in your own words",
        required: true,
        maxLength: LIMITS.promise,
        hint: "promise",
      },
      {
        name: "cadence",
        type: "text",
        description: "When to check in, like daily 20:00",
        maxLength: LIMITS.cadence,
        hint: "cadence",
      },
      { name: "step", type: "number", description: "Which of the 13 steps it belongs to", min: 1, max: 13 },
      { name: "witness", type: "person", description: "A trusted friend who confirms your progress" },
      {
        name: "until",
        type: "text",
        description: "Last day, like 31 Jan or in 2 weeks",
        maxLength: LIMITS.short,
        hint: "date",
      },
      { name: "private", type: "flag", description: "Check in by direct message, not in the group" },
    ],
  },
  {
    name: "checkin",
    description: "Answer your current check-in",
    example: "/checkin #1 kept Called her after work",
    options: [
      commitment(false),
      {
        name: "answer",
        type: "choice",
        description: "How it went",
        required: true,
        choices: ["kept", "partly", "missed"],
      },
      {
        name: "note",
        type: "text",
        description: "A few words on how it went",
        maxLength: LIMITS.note,
        hint: "note",
      },
    ],
  },
  {
    name: "status",
    description: "Your commitments, streaks and next check-ins",
    example: "/status",
    options: [],
  },
  {
    name: "progress",
    description: "A picture of the last 26 weeks of your commitments",
    example: "/progress #1",
    options: [commitment(false)],
  },
  {
    name: "history",
    description: "The check-ins and changes of one commitment",
    example: "/history #1",
    options: [commitment(true)],
  },
  {
    name: "edit",
    description: "Change a commitment's promise, cadence or end date",
    example: "/edit #1 cadence: weekly sun 19:00",
    options: [
      commitment(true),
      {
        name: "promise",
        type: "text",
        description: "The new wording",
        maxLength: LIMITS.promise,
        hint: "promise",
      },
      {
        name: "cadence",
        type: "text",
        description: "The new check-in times",
        maxLength: LIMITS.cadence,
        hint: "cadence",
      },
      {
        name: "until",
        type: "text",
        description: "New last day, or none",
        maxLength: LIMITS.short,
        hint: "date",
      },
    ],
  },
  {
    name: "pause",
    description: "Pause check-ins without breaking your streak",
    example: "/pause #2 for: 3d",
    options: [
      commitment(true),
      {
        name: "for",
        type: "text",
        description: "How long, like 3d or 2w (default: until /resume)",
        maxLength: LIMITS.short,
        hint: "duration",
      },
    ],
  },
  {
    name: "resume",
    description: "Resume a paused commitment",
    example: "/resume #2",
    options: [commitment(true)],
  },
  {
    name: "cancel",
    description: "Stop a commitment for good (its history stays)",
    example: "/cancel #2",
    options: [commitment(true)],
  },
  {
    name: "snooze",
    description: "Push your open check-in's reminder back",
    example: "/snooze 60",
    options: [
      { name: "minutes", type: "number", description: "How many minutes (default 60)", min: 5, max: 720 },
    ],
  },
  {
    name: "witness",
    description: "Invite a trusted friend to confirm a commitment",
    example: "/witness #1 @their_name",
    options: [
      commitment(true),
      { name: "person", type: "person", description: "The friend to invite", required: true },
      {
        name: "alerts",
        type: "choice",
        description: "Tell them after two misses in a row (default on)",
        choices: ["on", "off"],
      },
    ],
  },
  {
    name: "unwitness",
    description: "Remove the witness from a commitment",
    example: "/unwitness #1",
    options: [commitment(true)],
  },
  {
    name: "plan",
    description: "The 13 steps and your progress",
    example: "/plan",
    options: [],
  },
  {
    name: "step",
    description: "One step of the plan in detail",
    example: "/step 5",
    options: [
      { name: "number", type: "number", description: "Step 1 to 13", required: true, min: 1, max: 13 },
    ],
  },
  {
    name: "timezone",
    description: "Set your time zone",
    example: "/timezone Europe/Berlin",
    options: [
      {
        name: "zone",
        type: "text",
        description: "Your city or time zone, like Berlin or Europe/Berlin",
        required: true,
        maxLength: LIMITS.zone,
        hint: "zone",
      },
    ],
  },
  {
    name: "quiet",
    description: "Set the hours when no check-in is sent",
    example: "/quiet 22:00-08:00",
    options: [
      {
        name: "hours",
        type: "text",
        description: "From-to like 22:00-08:00, or off",
        required: true,
        maxLength: LIMITS.short,
        hint: "quiet",
      },
    ],
  },
  {
    name: "export",
    description: "Everything Amends holds about you, as a JSON file",
    example: "/export",
    details:
      "Only your own data: the people in it appear by the names you saw, never by their ids or with their own promises.",
    options: [],
  },
  {
    name: "forget",
    description: "Delete everything Amends holds about you",
    example: "/forget",
    details:
      "It deletes your commitments, check-ins, notes, history and settings, takes your name and words out of " +
      'messages sent to others and out of their histories (they read "a former witness"), and overwrites the ' +
      "deleted bytes on disk. Nothing about you stays. It asks first, and cannot be undone.",
    options: [],
  },
  {
    name: "help",
    description: "What Amends does and how to start",
    example: "/help commit",
    options: [
      {
        name: "command",
        type: "text",
        description: "A command to explain",
        maxLength: LIMITS.short,
        hint: "command",
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

/** The name of a declared command. */
export type CommandName = (typeof COMMANDS)[number]["name"];

const byName = new Map<string, CommandSpec>(COMMANDS.map((c) => [c.name, c]));

/** Looks a command up by name (case-insensitive). */
export function findCommand(name: string): CommandSpec | undefined {
  return byName.get(name.toLowerCase());
}
