/**
 * The console adapter: a chat in the terminal with one group chat, a direct chat with the
 * bot for each person, and a virtual clock, so anyone can try Amends without a platform token.
 *
 * The composition root creates one {@link ConsoleScreen} on stdout, gives the dispatcher
 * {@link createConsoleCourier}(screen), and then awaits {@link runConsole} with the same screen.
 */

import { createInterface } from "node:readline";
import type { Engine } from "../../src/types";
import type { VirtualClock } from "./clock";
import type { PictureShelf } from "./pictures";
import { ConsoleScreen } from "./screen";
import { type ConsoleLog, ConsoleSession } from "./session";

export { createVirtualClock, parseIsoInstant, resolveStart, type VirtualClock } from "./clock";
export { createConsoleCourier } from "./courier";
export { actorFor, dmChat, groupChat } from "./identity";
export { type PictureShelf, savePicture } from "./pictures";
export { type Directive, parseDuration, parseLine } from "./protocol";
export { renderMessage, renderRichText } from "./render";
export { ConsoleScreen, type LineSink } from "./screen";
export { type ConsoleLog, ConsoleSession, HELP_TEXT } from "./session";

/** What {@link runConsole} needs. */
export interface RunConsoleOptions {
  /** The core. */
  engine: Engine;
  /** The virtual clock the engine also reads; `:advance` moves it. */
  clock: VirtualClock;
  /** Lines typed or piped in. */
  input: NodeJS.ReadableStream;
  /** Where the transcript goes (and the prompt, when interactive). */
  output: NodeJS.WritableStream;
  /** True for a terminal: prompt, history, banner, no echo. False for a pipe or file: echo each line. */
  interactive: boolean;
  /**
   * Called for every minute boundary `:advance` crosses, with the clock already set to it; the
   * composition root runs the scheduler tick and drains the outbox here. Awaited before the next.
   */
  onMinute: (now: Date) => Promise<void>;
  /** When the scheduler next has work; `:advance` skips the idle minutes before it. */
  nextBusyAt?: () => Promise<number | null>;
  /**
   * Called after each command or click the engine handled; drain the outbox here so messages
   * to other people (a witness invitation) show at once rather than at the next `:advance`.
   */
  afterHandle?: (now: Date) => Promise<void>;
  /** Receives unexpected errors (they are also printed as `(console) error: …`). */
  log?: ConsoleLog;
  /**
   * The screen shared with the console courier, so outbox messages and their buttons land in
   * the same transcript. It must write to `output`. Defaults to a fresh screen on `output`.
   */
  screen?: ConsoleScreen;
  /** Where the default screen saves pictures (ignored when `screen` is given: set it there). */
  pictures?: PictureShelf;
  /** `/cmd@name` for any other name is ignored, as on Telegram. Defaults to `"amends"`. */
  botUsername?: string;
}

/** The banner printed when a person (not a script) is at the keyboard. */
const BANNER = [
  "Amends console: one group chat, a direct chat with the bot per person, and a virtual clock.",
  "Type  alice: /help  to talk in the group as alice, or  alice@dm: /status  in her direct chat.",
  "bob clicks Kept  presses a button; :advance 1d moves time on; :help for more; :quit or Ctrl+D leaves.",
];

/**
 * Runs the console chat until the input ends or `:quit`. Lines are handled strictly one
 * after another: each command, click or `:advance` is awaited before the next line is read,
 * so a piped script behaves exactly like the same lines typed slowly.
 *
 * @returns once the input is exhausted (or `:quit`) and all work it started has finished.
 */
export async function runConsole(opts: RunConsoleOptions): Promise<void> {
  const { engine, clock, input, output, interactive, onMinute, nextBusyAt, afterHandle, log } = opts;
  const screen = opts.screen ?? new ConsoleScreen(output, opts.pictures ? { pictures: opts.pictures } : {});
  const session = new ConsoleSession({
    engine,
    clock,
    screen,
    onMinute,
    botUsername: opts.botUsername ?? "amends",
    ...(afterHandle ? { afterHandle } : {}),
    ...(nextBusyAt ? { nextBusyAt } : {}),
    ...(log ? { log } : {}),
  });

  if (interactive) {
    const terminal = "isTTY" in output && output.isTTY === true;
    const rl = createInterface({ input, output, terminal, historySize: 500, prompt: session.prompt });
    // Without a listener readline only pauses on Ctrl+C, leaving the process hanging.
    rl.on("SIGINT", () => rl.close());
    screen.print(...BANNER);
    screen.notice(`now ${clock.now().toISOString()}`);
    rl.prompt();
    let quit = false;
    for await (const line of rl) {
      quit = !(await session.handleLine(line));
      if (quit) break;
      rl.setPrompt(session.prompt);
      rl.prompt();
    }
    rl.close();
    // Ctrl+D or Ctrl+C leave the cursor after the prompt; end the line so the shell starts clean.
    if (!quit) output.write("\n");
    return;
  }

  const rl = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    screen.print(echo(line, session.prompt));
    if (!(await session.handleLine(line))) break;
  }
  rl.close();
}

/** A piped line as it would have looked typed at the prompt, so the transcript reads as a chat. */
function echo(line: string, prompt: string): string {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return trimmed;
  return prompt + trimmed;
}
