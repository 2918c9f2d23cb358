/**
 * The engine: answers commands and clicks, runs the scheduler tick, and pauses what can no longer
 * be delivered when the dispatcher finds a chat gone. Every handler runs in one database
 * transaction, so a refusal or a crash leaves nothing half-written.
 */
import { decodeAction } from "../actions";
import { checkTypedText } from "../commands/parse";
import { UserError } from "../errors";
import { type CommandResult, guarded, type Observer } from "../metrics";
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
import { progress } from "./progress";
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

/** The engine's collaborators, and who is told what it handled (nobody by default). */
export interface EngineOptions extends EngineDeps {
  observer?: Observer;
}

// Maps, not object literals: an action or command named "constructor" or "__proto__" must find
// nothing rather than an inherited method.
const COMMAND_HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    // /commit, declining a step set aside by the step-11 turn (src/engine/turn.ts).
    commit: commitUnlessSetAside,
    checkin,
    status,
    progress,
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

/** A command's name as a metric label: only names the engine knows, so typing cannot mint labels. */
function observedName(input: Inbound): string {
  if (input.type === "click") return "click";
  return COMMAND_HANDLERS.has(input.name) ? input.name : "unknown";
}

/** Builds the engine over an open database. */
export function createEngine(deps: EngineOptions): Engine {
  const { store, clock, log } = deps;
  const { rateLimit } = deps.config;
  const limiter = rateLimit ? new RateLimiter(rateLimit.max, rateLimit.windowMs) : null;
  const observer = guarded(deps.observer, log);

  /** The replies, and whether they turned the input down without a thrown refusal. */
  async function run(input: Inbound): Promise<{ replies: Reply[]; refused: boolean }> {
    const now = clock.now().getTime();
    if (limiter && !limiter.allow(`${input.from.platform}:${input.from.id}`, now)) {
      const slowDown = toSender(
        "You're sending commands faster than I can follow. Give it a few seconds, then try again.",
      );
      return { replies: [slowDown], refused: true };
    }
    let after: (() => void | Promise<void>)[] = [];
    const afterCommit = (fn: () => void | Promise<void>) => {
      after.push(fn);
    };
    const answered = await store.transaction(async (tx): Promise<{ replies: Reply[]; refused: boolean }> => {
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
        if (!handler)
          return {
            replies: [toSender(`I don't know /${input.name}. Send /help to see what I can do.`)],
            refused: true,
          };
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
        return { replies: await handler(ctx), refused: false };
      }
      const action = decodeAction(input.action);
      const handler = CLICK_HANDLERS.get(action.verb);
      if (!handler) return { replies: [toSender("That button no longer does anything.")], refused: true };
      const ctx: ClickContext = { deps, db: tx, now, me, chat, input, args: action.args, afterCommit };
      return { replies: await handler(ctx), refused: false };
    });
    for (const fn of after) await fn();
    return answered;
  }

  return {
    async handle(input) {
      // Other bots are not people using Amends: neither answered nor counted.
      if (input.from.isBot) return [];
      let result: CommandResult = "ok";
      try {
        const { replies, refused } = await run(input);
        if (refused) result = "refused";
        return replies;
      } catch (err) {
        if (err instanceof UserError) {
          result = "refused";
          return [{ text: rich(err.message), visibility: "sender-only", refusal: true }];
        }
        result = "error";
        const what = input.type === "command" ? `/${input.name}` : "click";
        log.error({ err: errorSummary(err), what, platform: input.from.platform }, "engine.handle failed");
        return [{ text: rich(APOLOGY), visibility: "sender-only" }];
      } finally {
        observer.commandHandled(observedName(input), result);
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
