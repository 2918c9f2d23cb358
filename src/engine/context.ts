/** What every command handler receives, and the engine's configuration. */

import type { Logger } from "../log";
import type { Db } from "../store/sqlite/db";
import type { QuietHours } from "../store/sqlite/people";
import type { ChatRow, PersonRow } from "../store/sqlite/schema";
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
  db: Db;
  clock: Clock;
  config: EngineConfig;
  log: Logger;
}

/** One command being handled: who, where, when, and with what. */
export interface CommandContext {
  deps: EngineDeps;
  db: Db;
  now: number;
  me: PersonRow;
  chat: ChatRow;
  chatRef: ChatRef;
  from: Actor;
  args: CommandArgs;
  mentions: PersonRef[];
  /** Runs `fn` once the handler's transaction has committed (never after a refusal). */
  afterCommit: (fn: () => void) => void;
}

/** A click being handled. */
export interface ClickContext {
  deps: EngineDeps;
  db: Db;
  now: number;
  me: PersonRow;
  chat: ChatRow;
  input: Extract<Inbound, { type: "click" }>;
  args: string[];
  /** Runs `fn` once the handler's transaction has committed (never after a refusal). */
  afterCommit: (fn: () => void) => void;
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

/** A command handler: synchronous, runs inside one database transaction. */
export type CommandHandler = (ctx: CommandContext) => Reply[];
/** A click handler, likewise. */
export type ClickHandler = (ctx: ClickContext) => Reply[];

/** The zone a person's times are shown in. */
export function zoneOf(me: PersonRow, config: EngineConfig): string {
  return me.zone ?? config.defaultZone;
}
