/** What every command handler receives, and the engine's configuration. */

import type { Logger } from "../log";
import type { ChatRow, PersonRow, QuietHours, Store, StoreTx } from "../store/port";
import type { Actor, ChatRef, Clock, CommandArgs, Inbound, PersonRef, Reply } from "../types";

/** Settings the engine needs, taken from the validated configuration. */
export interface EngineConfig {
  /** IANA zone for people who have not set one. */
  defaultZone: string;
  /** Quiet hours given to new people; null = none. */
  defaultQuiet: QuietHours | null;
  /**
   * Commands one person may send within `windowMs` before being slowed; null turns the limit off
   * (the console, where a script's virtual clock stands still between lines).
   */
  rateLimit: { max: number; windowMs: number } | null;
}

/** The engine's collaborators. */
export interface EngineDeps {
  store: Store;
  clock: Clock;
  config: EngineConfig;
  log: Logger;
}

/** One command being handled: who, where, when, and with what. */
export interface CommandContext {
  deps: EngineDeps;
  db: StoreTx;
  now: number;
  me: PersonRow;
  chat: ChatRow;
  chatRef: ChatRef;
  from: Actor;
  args: CommandArgs;
  mentions: PersonRef[];
  /** Runs `fn` once the handler's transaction has committed (never after a refusal). */
  afterCommit: (fn: () => void | Promise<void>) => void;
}

/** A click being handled. */
export interface ClickContext {
  deps: EngineDeps;
  db: StoreTx;
  now: number;
  me: PersonRow;
  chat: ChatRow;
  input: Extract<Inbound, { type: "click" }>;
  args: string[];
  /** Runs `fn` once the handler's transaction has committed (never after a refusal). */
  afterCommit: (fn: () => void | Promise<void>) => void;
}

/**
 * The command a button stands for, as if its presser had typed it with `args`: a button that
 * pauses, cancels or sets a zone goes through the same rules (and refusals) as the command.
 */
export function commandFromClick(ctx: ClickContext, args: CommandArgs): CommandContext {
  return {
    deps: ctx.deps,
    db: ctx.db,
    now: ctx.now,
    me: ctx.me,
    chat: ctx.chat,
    chatRef: ctx.input.chat,
    from: ctx.input.from,
    args,
    mentions: [],
    afterCommit: ctx.afterCommit,
  };
}

/**
 * A command handler: runs inside one store transaction (`ctx.db`), and may be run again from the
 * start when PostgreSQL reports a serialization conflict, so it does nothing outside the store
 * except through `ctx.afterCommit`.
 */
export type CommandHandler = (ctx: CommandContext) => Promise<Reply[]>;
/** A click handler, likewise. */
export type ClickHandler = (ctx: ClickContext) => Promise<Reply[]>;

/** The zone a person's times are shown in. */
export function zoneOf(me: PersonRow, config: EngineConfig): string {
  return me.zone ?? config.defaultZone;
}
