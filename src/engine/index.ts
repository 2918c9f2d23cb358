/**
 * The engine: answers commands and clicks, runs the scheduler tick, and pauses what can no longer
 * be delivered when the dispatcher finds a chat gone. Every handler runs in one database
 * transaction, so a refusal or a crash leaves nothing half-written.
 */
import { decodeAction } from "../actions";
import { checkTypedText } from "../commands/parse";
import { UserError } from "../errors";
import { rich } from "../richtext";
import type { Engine, Inbound, Reply } from "../types";
import { answerClick, checkin, pickClick, snooze, snoozeClick } from "./answers";
import { cancel, edit, pause, resume } from "./commitments";
import type { ClickContext, ClickHandler, CommandContext, CommandHandler, EngineDeps } from "./context";
import { confirmForget, exportData, forget, keepData } from "./data";
import { pauseForGone } from "./gone";
import { help } from "./help";
import { noteClick } from "./notes";
import { plan, step } from "./plan";
import { RateLimiter } from "./rate-limit";
import { toSender } from "./replies";
import { quiet, timezone, zoneClick } from "./settings";
import { silenceClick } from "./silence";
import { history, status } from "./status";
import { suggest } from "./suggest";
import { runTick } from "./tick";
import { commitUnlessSetAside, endSetAsideClick, turnClick, undoTurnClick } from "./turn";
import { acceptInvite, declineInvite, stepDown, unwitness, verdictClick, witness } from "./witness";

export type { EngineConfig, EngineDeps } from "./context";

// Maps, not object literals: an action or command named "constructor" or "__proto__" must find
// nothing rather than an inherited method.
const COMMAND_HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    // /commit, declining a step set aside by the step-11 turn (src/engine/turn.ts).
    commit: commitUnlessSetAside,
    checkin,
    status,
    history,
    edit,
    pause,
    resume,
    cancel,
    snooze,
    witness,
    unwitness,
    plan,
    step,
    timezone,
    quiet,
    export: exportData,
    forget,
    help,
  }),
);

const CLICK_HANDLERS = new Map<string, ClickHandler>(
  Object.entries({
    ans: answerClick,
    snz: snoozeClick,
    wacc: acceptInvite,
    wdec: declineInvite,
    vfy: verdictClick,
    note: noteClick,
    wsd: stepDown,
    forget: confirmForget,
    keep: keepData,
    sil: silenceClick,
    turn: turnClick,
    unturn: undoTurnClick,
    turnend: endSetAsideClick,
    // "Which one?" of a /checkin that named no commitment (src/engine/which.ts asks, answers.ts answers).
    pick: pickClick,
    // A zone from the choices /timezone offered for a name such as EST (src/engine/settings.ts).
    tz: zoneClick,
  }),
);

/** The verbs of every button the engine offers (for tests that sweep them all). */
export const CLICK_VERBS: readonly string[] = [...CLICK_HANDLERS.keys()];

const APOLOGY =
  "Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.";

/** Builds the engine over an open database. */
export function createEngine(deps: EngineDeps): Engine {
  const { store, clock, log } = deps;
  const { rateLimit } = deps.config;
  const limiter = rateLimit ? new RateLimiter(rateLimit.max, rateLimit.windowMs) : null;

  async function run(input: Inbound): Promise<Reply[]> {
    const now = clock.now().getTime();
    if (input.from.isBot) return [];
    if (limiter && !limiter.allow(`${input.from.platform}:${input.from.id}`, now)) {
      return [
        toSender("You're sending commands faster than I can follow. Give it a few seconds, then try again."),
      ];
    }
    let after: (() => void | Promise<void>)[] = [];
    const afterCommit = (fn: () => void | Promise<void>) => {
      after.push(fn);
    };
    const replies = await store.transaction(async (tx) => {
      // A re-run after a serialization conflict starts from nothing, follow-ups included.
      after = [];
      // Asked together: on PostgreSQL the two queries travel in one round trip.
      const [me, chat] = await Promise.all([
        tx.ensurePerson(input.from, { quiet: deps.config.defaultQuiet }, now),
        tx.ensureChat(input.chat, now),
      ]);
      if (input.chat.kind === "dm" && me.dmChatId !== input.chat.id) {
        await tx.updatePerson(me.id, { dmChatId: input.chat.id });
        me.dmChatId = input.chat.id;
      }
      if (input.type === "command") {
        const handler = COMMAND_HANDLERS.get(input.name);
        if (!handler) return [toSender(`I don't know /${input.name}. Send /help to see what I can do.`)];
        const ctx: CommandContext = {
          deps,
          db: tx,
          now,
          me,
          chat,
          chatRef: input.chat,
          from: input.from,
          // Free text checked here too: Discord hands typed options over without the parser.
          args: checkTypedText(input.name, input.args),
          mentions: input.mentions ?? [],
          afterCommit,
        };
        return handler(ctx);
      }
      const action = decodeAction(input.action);
      const handler = CLICK_HANDLERS.get(action.verb);
      if (!handler) return [toSender("That button no longer does anything.")];
      const ctx: ClickContext = { deps, db: tx, now, me, chat, input, args: action.args, afterCommit };
      return handler(ctx);
    });
    for (const fn of after) await fn();
    return replies;
  }

  return {
    async handle(input) {
      try {
        return await run(input);
      } catch (err) {
        if (err instanceof UserError)
          return [{ text: rich(err.message), visibility: "sender-only", refusal: true }];
        const what = input.type === "command" ? `/${input.name}` : "click";
        log.error({ err: errorSummary(err), what, platform: input.from.platform }, "engine.handle failed");
        return [{ text: rich(APOLOGY), visibility: "sender-only" }];
      }
    },

    async suggest(option, query, from) {
      try {
        return await store.transaction((tx) => suggest(tx, option, query, from), { readOnly: true });
      } catch (err) {
        log.error({ err: errorSummary(err), option }, "engine.suggest failed");
        return [];
      }
    },

    async tick(at) {
      return runTick(store, at.getTime(), log, deps.config.defaultZone);
    },

    async pauseForGone(to, at) {
      return pauseForGone(store, to, at.getTime());
    },
  };
}

/** Logs the error's kind and stack, never the inbound text (it may hold personal words). */
function errorSummary(err: unknown): Record<string, unknown> {
  return err instanceof Error
    ? { type: err.name, message: err.message, stack: err.stack }
    : { value: String(err) };
}
