/**
 * Slash commands, autocomplete, buttons and the note form: each interaction (as Discord sends it,
 * by gateway or to the HTTP endpoint) becomes one engine call, answered within Discord's 3
 * seconds (deferred when the engine is slower than that). Both Discord modes run this one core;
 * they differ only in the {@link Responder} that carries the first answer back.
 */

import type { RawFile } from "@discordjs/rest";
import {
  type APIApplicationCommandAutocompleteInteraction,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIInteractionResponse,
  type APIMessage,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
  ApplicationCommandType,
  ComponentType,
  DiscordAPIError,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  RESTJSONErrorCodes,
} from "discord.js";
import { findCommand } from "../../src/commands/table";
import type { Logger } from "../../src/log";
import { spentRow } from "../../src/settle";
import type { Actor, Engine, Inbound, Reply, RichText } from "../../src/types";
import { commandInput, suggestKindOf } from "./commands";
import { disableAll, NOTE_INPUT_ID, NOTE_PREFIX, noteModal, sentButtons } from "./components";
import { describeError } from "./errors";
import { actorOf, chatOf, userOf } from "./identity";
import { type MessageBody, messageBody, type Outgoing, outgoing, updateBody } from "./outgoing";
import { appendLine, renderRichText } from "./render";
import type { Responder } from "./responder";

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
  /**
   * Handles one interaction through `responder`. Never rejects (failures are logged and
   * apologised for); resolves once it has been answered in full, follow-ups included.
   */
  handle(interaction: APIInteraction, responder: Responder): Promise<void>;
  /** Resolves once every interaction being handled has been answered in full. */
  idle(): Promise<void>;
}

/** A clicked button, or the note form submitted from one: both can update the message. */
type OnMessage = (APIMessageComponentInteraction | APIModalSubmitInteraction) & { message: APIMessage };

const LATE = Symbol("late");

/** One interaction being answered: the responder, and whether the first answer has gone. */
class Answering {
  answered = false;
  constructor(readonly responder: Responder) {}

  /** The first answer: `data` is the response's data, `files` uploads with it. */
  async first(type: InteractionResponseType, data?: object, files?: RawFile[]): Promise<void> {
    this.answered = true;
    await this.responder.callback({ type, ...(data ? { data } : {}) } as APIInteractionResponse, files);
  }

  /** The first answer as a message (a reply, or the clicked message updated). */
  message(type: InteractionResponseType, m: MessageBody): Promise<void> {
    return this.first(type, m.body, m.files);
  }

  followUp(o: Outgoing): Promise<void> {
    return this.responder.followUp(messageBody(o));
  }
}

/** Creates the handler both Discord modes feed. */
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
  async function answerNew(a: Answering, inbound: Inbound): Promise<void> {
    // A deferral must pick its visibility before the answer is known: private is the safe guess.
    const { value, deferred } = await withDeferral(handled(inbound), () =>
      a.first(InteractionResponseType.DeferredChannelMessageWithSource, { flags: MessageFlags.Ephemeral }),
    );
    const out = value.flatMap(outgoing);
    if (deferred) await finishDeferred(a, out);
    else await answerFresh(a, out);
  }

  async function onCommand(
    a: Answering,
    i: APIChatInputApplicationCommandInteraction,
    from: Actor,
  ): Promise<void> {
    const { name, args, mentions } = commandInput(i.data);
    await answerNew(a, { type: "command", name, args, mentions, chat: chatOf(i), from });
  }

  async function onAutocomplete(
    a: Answering,
    i: APIApplicationCommandAutocompleteInteraction,
    from: Actor,
  ): Promise<void> {
    const focused = i.data.options?.find((o) => "focused" in o && o.focused === true);
    const option = findCommand(i.data.name)?.options.find((o) => o.name === focused?.name);
    const kind = option && suggestKindOf(option);
    let suggestions: { name: string; value: string }[] = [];
    if (kind && focused && "value" in focused) {
      // Autocomplete cannot be deferred: a list that comes too late is worth nothing, so skip it.
      const work = engine.suggest(kind, String(focused.value), from);
      const { value, deferred } = await withDeferral(work, async () => undefined);
      if (!deferred) suggestions = value;
    }
    const choices = suggestions
      .map((s) => ({ name: clip(s.name) || clip(s.value), value: clip(s.value) }))
      .filter((c) => c.value !== "")
      .slice(0, 25);
    await a.first(InteractionResponseType.ApplicationCommandAutocompleteResult, { choices });
  }

  async function onComponent(a: Answering, i: APIMessageComponentInteraction, from: Actor): Promise<void> {
    const action = i.data.custom_id;
    if (i.data.component_type !== ComponentType.Button) {
      // Amends sends only buttons; acknowledge anything else so the client stops waiting.
      await a.first(InteractionResponseType.DeferredMessageUpdate);
      return;
    }
    if (action.startsWith(NOTE_PREFIX)) {
      await a.first(InteractionResponseType.Modal, noteModal(action));
      return;
    }
    await onClick(a, i, from, action);
  }

  async function onModal(a: Answering, i: APIModalSubmitInteraction, from: Actor): Promise<void> {
    // A form without the field: the engine refuses an empty note with its own words.
    const text = noteText(i) ?? "";
    if (i.message) await onClick(a, { ...i, message: i.message }, from, i.data.custom_id, text);
    else await answerNew(a, { type: "click", action: i.data.custom_id, text, chat: chatOf(i), from });
  }

  /**
   * A click: a reply with `settles` updates the clicked message (outcome appended, buttons
   * disabled) and every reply's text follows; otherwise the first reply answers the click, so a
   * refusal is an ephemeral answer and the message stays as it was.
   */
  async function onClick(
    a: Answering,
    i: OnMessage,
    from: Actor,
    action: string,
    text?: string,
  ): Promise<void> {
    const inbound: Inbound = {
      type: "click",
      action,
      chat: chatOf(i),
      from,
      ...(text !== undefined ? { text } : {}),
    };
    const { value, deferred } = await withDeferral(handled(inbound), () =>
      a.first(InteractionResponseType.DeferredMessageUpdate),
    );
    const out = value.flatMap(outgoing);
    const outcome = settlesOf(value);
    if (outcome) {
      // In a combined check-in message only the clicked row is spent, and the outcome says which.
      const only = spentRow(sentButtons(i.message.components), action);
      const line = renderRichText(only ? [{ t: "text", text: `${only.tag}: ` }, ...outcome] : outcome);
      const update = updateBody({
        content: appendLine(i.message.content, line.content),
        components: disableAll(i.message.components, only?.row),
        users: line.users,
      });
      if (deferred) await a.responder.editOriginal(update);
      else await a.message(InteractionResponseType.UpdateMessage, update);
      for (const o of out) await a.followUp(o);
      return;
    }
    if (deferred) {
      for (const o of out) await a.followUp(o);
      return;
    }
    const [first, ...rest] = out;
    if (!first) {
      // Nothing to say (the engine ignores bots): acknowledge so the button stops spinning.
      await a.first(InteractionResponseType.DeferredMessageUpdate);
      return;
    }
    await a.message(InteractionResponseType.ChannelMessageWithSource, messageBody(first));
    for (const o of rest) await a.followUp(o);
  }

  /** Answers with the first part, then follows up with the rest. */
  async function answerFresh(a: Answering, out: Outgoing[]): Promise<void> {
    const [first, ...rest] = out.length > 0 ? out : [fallback("Done.")];
    if (!first) return;
    await a.message(InteractionResponseType.ChannelMessageWithSource, messageBody(first));
    for (const o of rest) await a.followUp(o);
  }

  /**
   * After a private deferral: the first private part replaces the "thinking…" placeholder; if
   * everything is for the chat, the placeholder goes and the parts follow in the open.
   */
  async function finishDeferred(a: Answering, out: Outgoing[]): Promise<void> {
    const index = out.findIndex((o) => o.ephemeral);
    const first = out[index];
    if (first) await a.responder.editOriginal(updateBody(first));
    else await a.responder.deleteOriginal();
    for (const [k, o] of out.entries()) if (k !== index) await a.followUp(o);
  }

  async function route(a: Answering, i: APIInteraction): Promise<void> {
    const user = userOf(i);
    if (!user) throw new Error("an interaction without a user");
    const from = actorOf(user, i.member);
    switch (i.type) {
      case InteractionType.ApplicationCommandAutocomplete:
        return onAutocomplete(a, i, from);
      case InteractionType.ApplicationCommand:
        if (i.data.type !== ApplicationCommandType.ChatInput) throw new Error("not a slash command");
        return onCommand(a, i as APIChatInputApplicationCommandInteraction, from);
      case InteractionType.MessageComponent:
        return onComponent(a, i, from);
      case InteractionType.ModalSubmit:
        return onModal(a, i, from);
      default:
        throw new Error(`interaction type ${i.type} is not one Amends answers`);
    }
  }

  async function apologise(a: Answering): Promise<void> {
    const apology = fallback(APOLOGY);
    if (!a.answered) await a.message(InteractionResponseType.ChannelMessageWithSource, messageBody(apology));
    else await a.followUp(apology);
  }

  return {
    handle(i, responder) {
      const a = new Answering(responder);
      const task: Promise<void> = route(a, i)
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
          // A ping has nothing to apologise to; autocomplete cannot take a message.
          if (i.type === InteractionType.Ping || i.type === InteractionType.ApplicationCommandAutocomplete)
            return;
          await apologise(a).catch((again: unknown) =>
            log.warn({ error: describeError(again) }, "discord: could not apologise either"),
          );
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      return task;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** The note form's text: its input sits in a Label (current forms) or an action row (older ones). */
function noteText(i: APIModalSubmitInteraction): string | undefined {
  for (const c of i.data.components ?? []) {
    const inputs =
      c.type === ComponentType.Label ? [c.component] : c.type === ComponentType.ActionRow ? c.components : [];
    for (const input of inputs) {
      if (input.type === ComponentType.TextInput && input.custom_id === NOTE_INPUT_ID) return input.value;
    }
  }
  return undefined;
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
