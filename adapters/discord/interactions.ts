/**
 * Slash commands, autocomplete, buttons and the note form: each interaction becomes one engine
 * call, answered within Discord's 3 seconds (deferred when the engine is slower than that).
 */

import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  type ModalMessageModalSubmitInteraction,
  type ModalSubmitInteraction,
  RESTJSONErrorCodes,
} from "discord.js";
import { findCommand } from "../../src/commands/table";
import type { Logger } from "../../src/log";
import { spentRow } from "../../src/settle";
import type { Engine, Inbound, Reply, RichText } from "../../src/types";
import { commandInput, suggestKindOf } from "./commands";
import { disableAll, NOTE_INPUT_ID, NOTE_PREFIX, noteModal, sentButtons } from "./components";
import { describeError } from "./errors";
import { actorOf, chatOf } from "./identity";
import { type Outgoing, outgoing, sendOptions, updateOptions } from "./outgoing";
import { appendLine, renderRichText } from "./render";

/** Shown when handling an interaction failed in a way the engine did not answer. */
export const APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment.";

/** Discord drops an interaction not answered within 3 s; this leaves room for the network. */
export const DEFAULT_DEFER_AFTER_MS = 1_500;

/** What {@link createInteractionHandler} needs. */
export interface InteractionDeps {
  engine: Engine;
  log: Logger;
  /** How long to wait for the engine before deferring the answer. */
  deferAfterMs?: number;
  /** Called after the engine handled a command or click, e.g. to wake the outbox dispatcher. */
  afterHandle?: () => void;
}

/** Routes interactions to the engine and answers them. */
export interface InteractionHandler {
  /** Starts handling one interaction; never throws (failures are logged and apologised for). */
  handle(interaction: Interaction): void;
  /** Resolves once every interaction being handled has been answered in full. */
  idle(): Promise<void>;
}

/** A clicked button, or the note form submitted from one: both can update the message. */
type OnMessage = ButtonInteraction | ModalMessageModalSubmitInteraction;

const LATE = Symbol("late");

/** Creates the handler the client's `interactionCreate` event feeds. */
export function createInteractionHandler(deps: InteractionDeps): InteractionHandler {
  const { engine, log } = deps;
  const deferAfterMs = deps.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
  const inFlight = new Set<Promise<void>>();

  /** The engine's answer; then whatever it queued for others (a witness's request) may go at once. */
  async function handled(inbound: Inbound): Promise<Reply[]> {
    const replies = await engine.handle(inbound);
    try {
      deps.afterHandle?.();
    } catch (error) {
      log.warn({ error: describeError(error) }, "discord: afterHandle failed");
    }
    return replies;
  }

  /** The engine's answer, or (once `deferAfterMs` passed) a deferral first and then the answer. */
  async function withDeferral<T>(
    work: Promise<T>,
    defer: () => Promise<unknown>,
  ): Promise<{ value: T; deferred: boolean }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), deferAfterMs);
    });
    try {
      const first = await Promise.race([work, late]);
      if (first !== LATE) return { value: first as T, deferred: false };
    } finally {
      clearTimeout(timer);
    }
    await defer();
    return { value: await work, deferred: true };
  }

  /** Something not tied to a message (a command, a form not opened from one): answered anew. */
  async function answerNew(
    i: ChatInputCommandInteraction | ModalSubmitInteraction,
    inbound: Inbound,
  ): Promise<void> {
    // A deferral must pick its visibility before the answer is known: private is the safe guess.
    const { value, deferred } = await withDeferral(handled(inbound), () =>
      i.deferReply({ flags: "Ephemeral" }),
    );
    const out = value.flatMap(outgoing);
    if (deferred) await finishDeferred(i, out);
    else await answerFresh(i, out);
  }

  async function onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const { name, args, mentions } = commandInput(i);
    await answerNew(i, {
      type: "command",
      name,
      args,
      mentions,
      chat: chatOf(i),
      from: actorOf(i.user, i.member),
    });
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    const option = findCommand(i.commandName)?.options.find((o) => o.name === focused.name);
    const kind = option && suggestKindOf(option);
    let suggestions: { name: string; value: string }[] = [];
    if (kind) {
      // Autocomplete cannot be deferred: a list that comes too late is worth nothing, so skip it.
      const work = engine.suggest(kind, String(focused.value), actorOf(i.user, i.member));
      const { value, deferred } = await withDeferral(work, async () => undefined);
      if (!deferred) suggestions = value;
    }
    const choices = suggestions
      .map((s) => ({ name: clip(s.name) || clip(s.value), value: clip(s.value) }))
      .filter((c) => c.value !== "")
      .slice(0, 25);
    await i.respond(choices);
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    if (i.customId.startsWith(NOTE_PREFIX)) {
      await i.showModal(noteModal(i.customId));
      return;
    }
    await onClick(i, i.customId);
  }

  async function onModal(i: ModalSubmitInteraction): Promise<void> {
    let text = "";
    try {
      text = i.fields.getTextInputValue(NOTE_INPUT_ID);
    } catch {
      // A form without the field: the engine refuses an empty note with its own words.
    }
    if (i.isFromMessage()) await onClick(i, i.customId, text);
    else
      await answerNew(i, {
        type: "click",
        action: i.customId,
        text,
        chat: chatOf(i),
        from: actorOf(i.user, i.member),
      });
  }

  /**
   * A click: a reply with `settles` updates the clicked message (outcome appended, buttons
   * disabled) and every reply's text follows; otherwise the first reply answers the click, so a
   * refusal is an ephemeral answer and the message stays as it was.
   */
  async function onClick(i: OnMessage, action: string, text?: string): Promise<void> {
    const inbound: Inbound = {
      type: "click",
      action,
      chat: chatOf(i),
      from: actorOf(i.user, i.member),
      ...(text !== undefined ? { text } : {}),
    };
    const { value, deferred } = await withDeferral(handled(inbound), () => i.deferUpdate());
    const out = value.flatMap(outgoing);
    const outcome = settlesOf(value);
    if (outcome) {
      // In a combined check-in message only the clicked row is spent, and the outcome says which.
      const only = spentRow(sentButtons(i.message.components), action);
      const line = renderRichText(only ? [{ t: "text", text: `${only.tag}: ` }, ...outcome] : outcome);
      const update = updateOptions({
        content: appendLine(i.message.content, line.content),
        components: disableAll(i.message.components, only?.row),
        users: line.users,
      });
      if (deferred) await i.editReply(update);
      else await i.update(update);
      for (const o of out) await i.followUp(sendOptions(o));
      return;
    }
    if (deferred) {
      for (const o of out) await i.followUp(sendOptions(o));
      return;
    }
    const [first, ...rest] = out;
    if (!first) {
      // Nothing to say (the engine ignores bots): acknowledge so the button stops spinning.
      await i.deferUpdate();
      return;
    }
    await i.reply(sendOptions(first));
    for (const o of rest) await i.followUp(sendOptions(o));
  }

  /** Answers with the first part, then follows up with the rest. */
  async function answerFresh(
    i: ChatInputCommandInteraction | ModalSubmitInteraction,
    out: Outgoing[],
  ): Promise<void> {
    const [first, ...rest] = out.length > 0 ? out : [fallback("Done.")];
    if (!first) return;
    await i.reply(sendOptions(first));
    for (const o of rest) await i.followUp(sendOptions(o));
  }

  /**
   * After a private deferral: the first private part replaces the "thinking…" placeholder; if
   * everything is for the chat, the placeholder goes and the parts follow in the open.
   */
  async function finishDeferred(
    i: ChatInputCommandInteraction | ModalSubmitInteraction,
    out: Outgoing[],
  ): Promise<void> {
    const index = out.findIndex((o) => o.ephemeral);
    const first = out[index];
    if (first) await i.editReply(updateOptions(first));
    else await i.deleteReply();
    for (const [k, o] of out.entries()) if (k !== index) await i.followUp(sendOptions(o));
  }

  async function route(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) await onAutocomplete(i);
    else if (i.isChatInputCommand()) await onCommand(i);
    else if (i.isButton()) await onButton(i);
    else if (i.isModalSubmit()) await onModal(i);
  }

  async function apologise(i: Interaction): Promise<void> {
    if (!i.isRepliable()) return;
    const options = sendOptions(fallback(APOLOGY));
    if (!i.replied && !i.deferred) await i.reply(options);
    else await i.followUp(options);
  }

  return {
    handle(i) {
      const task: Promise<void> = route(i)
        .catch(async (error: unknown) => {
          if (isTooLate(error)) {
            // Discord gave up on it (3 s passed, or another answer won): nothing left to answer.
            log.warn(
              { error: describeError(error), interaction: i.type },
              "discord interaction answered too late",
            );
            return;
          }
          log.error({ error: describeError(error), interaction: i.type }, "discord interaction failed");
          await apologise(i).catch((again: unknown) =>
            log.warn({ error: describeError(again) }, "discord: could not apologise either"),
          );
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** Unknown interaction (10062) or already acknowledged (40060): the moment to answer has passed. */
function isTooLate(error: unknown): boolean {
  return (
    error instanceof DiscordAPIError &&
    (error.code === RESTJSONErrorCodes.UnknownInteraction ||
      error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged)
  );
}

/** Every `settles` of a click's replies, one per line; undefined when none settles it. */
function settlesOf(replies: readonly Reply[]): RichText | undefined {
  const lines = replies.flatMap((r) => (r.settles && r.settles.length > 0 ? [r.settles] : []));
  if (lines.length === 0) return undefined;
  return lines.flatMap((line, k) => (k === 0 ? line : [{ t: "text" as const, text: "\n" }, ...line]));
}

function fallback(text: string): Outgoing {
  return { content: text, users: [], ephemeral: true };
}

/** Discord's limit on autocomplete names and values. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
