/**
 * The console chat's state machine: who is speaking, the virtual clock, and turning each
 * directive into an {@link Engine.handle} call (or a clock move) whose answers are printed.
 */

import {
  answerChoice,
  answerText,
  type Choice,
  currentOption,
  finish,
  type Guided,
  questionFor,
  showing,
  startGuided,
} from "../../src/commands/guided";
import { parseCommandText } from "../../src/commands/parse";
import { findCommand } from "../../src/commands/table";
import type { Actor, Button, ChatRef, Engine, Inbound, Reply } from "../../src/types";
import type { VirtualClock } from "./clock";
import { actorFor, dmChat, groupChat } from "./identity";
import { type Directive, type Place, parseLine } from "./protocol";
import type { ConsoleScreen } from "./screen";

const MINUTE_MS = 60_000;

/** The one logging call the console makes; a pino logger fits. */
export interface ConsoleLog {
  error(obj: object, msg: string): void;
}

/** What a {@link ConsoleSession} needs. */
export interface ConsoleSessionOptions {
  engine: Engine;
  clock: VirtualClock;
  screen: ConsoleScreen;
  /** Called for every minute boundary `:advance` crosses, with the clock already there. */
  onMinute: (now: Date) => Promise<void>;
  /**
   * When the scheduler or the dispatcher next has work (null: nothing planned). Given, `:advance`
   * skips the minutes before it, which would tick for nothing: a two-week jump stays quick even
   * when each tick is a round trip to PostgreSQL.
   */
  nextBusyAt?: () => Promise<number | null>;
  /**
   * Called after each command or click the engine handled, so the outbox can be drained and
   * messages to other people (a witness invitation, say) show at once, not at the next minute.
   */
  afterHandle?: (now: Date) => Promise<void>;
  log?: ConsoleLog;
  /** Commands addressed as `/cmd@name` to any other name are ignored, as on Telegram. */
  botUsername?: string;
}

/** The action prefix of a guided question's buttons; the console answers them, not the engine. */
const GUIDED_ACTION = "console-guided:";

/** A command waiting for its missing options, asked of one person in one chat. */
interface ConsoleGuided extends Guided {
  nonce: string;
  chat: ChatRef;
  from: Actor;
}

/** The text `:help` prints. */
export const HELP_TEXT = [
  "How to talk (one line each):",
  "  alice: /commit Call my sister cadence: weekly sun 18:00   alice posts in the group",
  "  alice: /commit                                    a command missing something: the bot asks,",
  "  alice: Call my sister                             and alice's next line answers it",
  "  alice@dm: /status                                 alice writes to the bot directly",
  "  bob clicks Accept                                 bob presses a button he can see",
  "  alice clicks Add a note: called after dinner      a button that asks for words, with them",
  "  alice: hello                                      chatter; the bot ignores it",
  "Console commands:",
  "  :advance 2h          move the virtual clock on (45m, 2h, 3d, 1w, 6h30m); due check-ins fire",
  "  :now                 show the virtual time",
  "  :as alice            plain lines (/status, clicks Kept) go as alice; :as alice@dm for her DM",
  "  :as                  clear the default speaker",
  "  # comment            ignored (handy in scripts)",
  "  :help, :quit",
];

/** One console chat: a group, a DM per person, a virtual clock. */
export class ConsoleSession {
  readonly #opts: ConsoleSessionOptions;
  #speaker: { name: string; place: Place } | null = null;
  /** Guided questions waiting for an answer, one per person and place. */
  readonly #guided = new Map<string, ConsoleGuided>();
  #nonces = 0;

  constructor(opts: ConsoleSessionOptions) {
    this.#opts = opts;
  }

  /** The prompt for the next line: `> `, or `alice> ` / `alice@dm> ` with a default speaker. */
  get prompt(): string {
    if (!this.#speaker) return "> ";
    return `${this.#speaker.name}${this.#speaker.place === "dm" ? "@dm" : ""}> `;
  }

  /**
   * Acts on one input line and prints what comes of it.
   *
   * @returns false when the line asked to quit.
   */
  async handleLine(line: string): Promise<boolean> {
    return this.run(parseLine(line));
  }

  /**
   * Acts on one directive and prints what comes of it.
   *
   * @returns false when the directive asked to quit.
   */
  async run(directive: Directive): Promise<boolean> {
    const { screen } = this.#opts;
    switch (directive.kind) {
      case "blank":
      case "comment":
        return true;
      case "quit":
        return false;
      case "help":
        screen.print(...HELP_TEXT);
        return true;
      case "now":
        screen.notice(`now ${this.#opts.clock.now().toISOString()}`);
        return true;
      case "invalid":
        screen.notice(directive.reason);
        return true;
      case "as":
        this.#setSpeaker(directive.speaker, directive.place);
        return true;
      case "advance":
        await this.#advance(directive.ms);
        return true;
      case "say":
        await this.#say(directive.speaker, directive.place, directive.text);
        return true;
      case "click":
        await this.#click(directive.speaker, directive.label, directive.text);
        return true;
    }
  }

  #setSpeaker(name: string | null, place: Place): void {
    const { screen } = this.#opts;
    if (name === null) {
      this.#speaker = null;
      screen.notice("no default speaker; start lines with NAME:");
      return;
    }
    this.#speaker = { name, place };
    screen.rememberName(name);
    screen.notice(`plain lines now go as ${name} ${place === "dm" ? `in ${name}'s DM` : "in the group"}`);
  }

  /** The speaker of a line, falling back to the `:as` default; notices and returns null if none. */
  #who(name: string | null, place: Place | null): { name: string; place: Place } | null {
    if (name !== null) return { name, place: place ?? "group" };
    if (this.#speaker) return { name: this.#speaker.name, place: place ?? this.#speaker.place };
    this.#opts.screen.notice(
      "who is speaking? Write NAME: TEXT or NAME@dm: TEXT, or pick a speaker with :as NAME",
    );
    return null;
  }

  async #say(name: string | null, place: Place | null, text: string): Promise<void> {
    const who = this.#who(name, place);
    if (!who) return;
    const { screen } = this.#opts;
    screen.rememberName(who.name);
    const from = actorFor(who.name);
    const chat = who.place === "dm" ? dmChat(who.name) : groupChat();
    const key = `${from.id}@${who.place}`;
    if (!text.startsWith("/")) {
      // Chatter, unless the bot just asked this person something here: then it is the answer.
      const waiting = this.#guided.get(key);
      if (!waiting) return;
      const error = answerText(waiting, text);
      await this.#proceed(key, waiting, error ?? undefined);
      return;
    }
    // A new command replaces a question that was waiting.
    this.#guided.delete(key);
    let parsed: ReturnType<typeof parseCommandText>;
    try {
      parsed = parseCommandText(text, this.#parseOptions());
    } catch (err) {
      this.#error(err, "console: command parser threw");
      return;
    }
    if (parsed === null) return;
    const spec = !parsed.ok && parsed.missing?.length && parsed.name ? findCommand(parsed.name) : undefined;
    if (!parsed.ok && spec && parsed.missing) {
      const base = text
        .trim()
        .replace(/^\/\S+/, "")
        .trim();
      const state = startGuided({ spec, base, missing: parsed.missing, now: this.#opts.clock.nowMs() });
      await this.#proceed(key, { ...state, nonce: String(++this.#nonces), chat, from });
      return;
    }
    if (!parsed.ok) {
      this.#showReplies([sayOnly(parsed.error)], chat, from);
      return;
    }
    const { name: command, args, mentions } = parsed;
    await this.#handle({ type: "command", name: command, args, mentions, chat, from });
  }

  async #click(name: string | null, typedLabel: string, typedText?: string): Promise<void> {
    const who = this.#who(name, null);
    if (!who) return;
    const { screen } = this.#opts;
    screen.rememberName(who.name);
    const from = actorFor(who.name);
    // "clicks weekly sun 18:00" names a button whose label holds a colon, not "18" with the words "00".
    const whole = typedText === undefined ? undefined : `${typedLabel}:${typedText}`;
    const wholeShown = whole !== undefined && screen.findButton(whole, null) !== undefined;
    const label = wholeShown && whole ? whole : typedLabel;
    const text = wholeShown ? undefined : typedText;
    const found = screen.findButton(label, from.id);
    if (!found) {
      const hidden = screen.findButton(label, null) !== undefined;
      screen.notice(
        hidden
          ? `no message ${who.name} can see shows a button "${label}"`
          : `no message shows a button "${label}"`,
      );
      return;
    }
    if (found.button.action.startsWith(GUIDED_ACTION)) {
      await this.#guidedClick(found.button.action.slice(GUIDED_ACTION.length), from, found.spend);
      return;
    }
    await this.#handle(
      { type: "click", action: found.button.action, chat: found.chat, from, ...(text ? { text } : {}) },
      found.spend,
    );
  }

  /** A button of a guided question: only the person asked sees it, and only its latest question counts. */
  async #guidedClick(data: string, from: Actor, spend: () => void): Promise<void> {
    const [nonce = "", index = ""] = data.split(":");
    const entry = [...this.#guided.entries()].find(([, g]) => g.nonce === nonce);
    if (!entry || entry[1].from.id !== from.id || answerChoice(entry[1], Number(index)) === "stale") {
      this.#opts.screen.notice("that question has moved on; send the command again");
      return;
    }
    spend();
    await this.#proceed(entry[0], entry[1]);
  }

  /**
   * Asks the next question of a guided command (after `error`, when the last answer did not fit),
   * or runs the command once every answer is in.
   */
  async #proceed(key: string, state: ConsoleGuided, error?: string): Promise<void> {
    const option = currentOption(state);
    if (!option) {
      this.#guided.delete(key);
      const done = finish(state);
      if (!done.ok) {
        this.#showReplies([sayOnly(done.error)], state.chat, state.from);
        return;
      }
      const { chat, from, spec } = state;
      await this.#handle({
        type: "command",
        name: spec.name,
        args: done.args,
        mentions: done.mentions,
        chat,
        from,
      });
      return;
    }
    let commitments: Choice[] = [];
    if (option.type === "commitment") {
      const found = await this.#opts.engine.suggest("commitment", "", state.from);
      commitments = found.map((s) => ({ label: s.name, value: s.value }));
    }
    const question = questionFor(state, commitments);
    if (!question) return;
    showing(state, question);
    this.#guided.set(key, state);
    const buttons: Button[] = (question.choices ?? []).map((c, i) => ({
      label: c.label,
      action: `${GUIDED_ACTION}${state.nonce}:${i}`,
    }));
    const perRow = question.perRow ?? 2;
    const rows: Button[][] = [];
    for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
    const text = error ? `${error} ${question.text}` : question.text;
    this.#showReplies(
      [{ ...sayOnly(text), ...(rows.length > 0 ? { buttons: rows } : {}) }],
      state.chat,
      state.from,
    );
  }

  async #handle(input: Inbound, onSettled?: () => void): Promise<void> {
    const { engine, clock, afterHandle } = this.#opts;
    try {
      const replies = await engine.handle(input);
      // A click that did what its button offered spends the buttons of that message.
      if (onSettled && replies.some((r) => r.settles)) onSettled();
      this.#showReplies(replies, input.chat, input.from);
    } catch (err) {
      this.#error(err, "console: engine.handle threw");
    }
    if (!afterHandle) return;
    try {
      await afterHandle(clock.now());
    } catch (err) {
      this.#error(err, "console: afterHandle failed");
    }
  }

  #showReplies(replies: readonly Reply[], chat: ChatRef, from: Actor): void {
    for (const reply of replies) {
      const onlyFor = chat.kind === "group" && reply.visibility === "sender-only" ? from.id : undefined;
      this.#opts.screen.show(onlyFor === undefined ? { chat, reply } : { chat, onlyFor, reply });
    }
  }

  /**
   * Moves the clock minute by minute so the scheduler sees every minute it would have seen
   * in real time; a start in the middle of a minute first runs at the next whole minute.
   */
  async #advance(ms: number): Promise<void> {
    const { clock, onMinute, nextBusyAt, screen } = this.#opts;
    const end = clock.nowMs() + ms;
    for (let t = Math.floor(clock.nowMs() / MINUTE_MS) * MINUTE_MS + MINUTE_MS; t <= end; t += MINUTE_MS) {
      try {
        if (nextBusyAt) {
          const next = await nextBusyAt();
          if (next === null) break;
          t = Math.max(t, Math.ceil(next / MINUTE_MS) * MINUTE_MS);
          if (t > end) break;
        }
        clock.set(t);
        await onMinute(new Date(t));
      } catch (err) {
        this.#error(err, "console: onMinute failed");
        screen.notice(`clock stopped at ${new Date(t).toISOString()}`);
        return;
      }
    }
    clock.set(end);
    screen.notice(`now ${clock.now().toISOString()}`);
  }

  #parseOptions(): { botUsername?: string } {
    const { botUsername } = this.#opts;
    return botUsername === undefined ? {} : { botUsername };
  }

  #error(err: unknown, msg: string): void {
    this.#opts.log?.error({ err }, msg);
    this.#opts.screen.notice(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A line only the person who acted sees. */
function sayOnly(text: string): Reply {
  return { text: [{ t: "text", text }], visibility: "sender-only" };
}
