/**
 * Telegram updates in, the core's answers out: commands typed in messages, button presses, and
 * the typed answers to the questions the bot asked (a guided command's missing option, a note).
 * The adapter holds no rules: it translates and hands everything to {@link Engine.handle}.
 */
import { randomBytes } from "node:crypto";
import { type Api, Composer, type Context } from "grammy";
import type { CallbackQuery, MaybeInaccessibleMessage, Message, MessageEntity, User } from "grammy/types";
import { parseCommandText } from "../../src/commands/parse";
import { findCommand } from "../../src/commands/table";
import type { Logger } from "../../src/log";
import { mention, rich } from "../../src/richtext";
import type { CommandArgs, Engine, PersonRef, Reply } from "../../src/types";
import {
  answerChoice,
  answerText,
  type Choice,
  currentOption,
  finish,
  GUIDED_MAX,
  GUIDED_PREFIX,
  GUIDED_TTL_MS,
  type GuidedState,
  questionFor,
  showing,
  startGuided,
} from "./guided";
import { actorOf, chatOf } from "./identity";
import { forceReply, grid } from "./keyboard";
import { type Expiring, PendingStore, pendingKey } from "./pending";
import { callbackData, clipPlain, escapeHtml, renderHtml } from "./render";
import { answerClick, answerCommand, answerQuery, type Origin, settle } from "./replies";
import { sendHtml } from "./send";

/** The action prefix of "Add a note": the note is asked for, then sent back with the click. */
export const NOTE_PREFIX = "note:";

/** An "Add a note" waiting for the typed note. */
interface NoteState extends Expiring {
  kind: "note";
  action: string;
  promptMessageId: number;
  /** The message whose button was pressed, to settle once the note is in. */
  clicked?: MaybeInaccessibleMessage;
}

type Pending = GuidedState | NoteState;

/** What the update handlers need. */
export interface UpdateDeps {
  engine: Engine;
  log: Logger;
  /** For direct answers; short 429s may be retried here (never by the courier). */
  api: Api;
  botUsername: string;
  /** Milliseconds now, for expiring questions; the adapter's wall clock. */
  now: () => number;
}

/** The grammY middleware that handles messages and button presses. */
export function createUpdateHandlers(deps: UpdateDeps): Composer<Context> {
  const { engine, log, botUsername } = deps;
  const pending = new PendingStore<Pending>({ max: GUIDED_MAX, now: deps.now });
  const responder = { api: deps.api, log, botUsername };
  /** People picked from the mention list in a guided command's typed part, to restore at the end. */
  const tokens = new WeakMap<GuidedState, ReadonlyMap<string, Picked>>();

  const composer = new Composer<Context>();
  composer.on("message", (ctx) => onMessage(ctx.message));
  composer.on("callback_query", (ctx) => onCallback(ctx.callbackQuery));

  function originOf(msg: Message, user: User): Origin | null {
    const chat = chatOf(msg.chat);
    if (!chat) return null;
    return {
      chatId: msg.chat.id,
      chat,
      user,
      messageId: msg.message_id,
      ...(msg.is_topic_message && msg.message_thread_id !== undefined
        ? { threadId: msg.message_thread_id }
        : {}),
    };
  }

  async function onMessage(msg: Message): Promise<void> {
    const user = msg.from;
    // Other bots and anonymous admins (who post as the group) cannot make commitments.
    if (!user || user.is_bot || msg.text === undefined || msg.sender_chat) return;
    const origin = originOf(msg, user);
    if (!origin) return;
    const first = msg.entities?.[0];
    if (first?.type === "bot_command" && first.offset === 0) {
      await onCommand(msg, msg.text, origin);
      return;
    }
    const key = pendingKey(msg.chat.id, user.id);
    const waiting = pending.get(key);
    if (!waiting) return;
    // In a group only a reply to the question counts (with privacy mode on, it is all the bot sees).
    if (origin.chat.kind === "group" && msg.reply_to_message?.message_id !== waiting.promptMessageId) return;
    if (waiting.kind === "note") {
      pending.delete(key);
      await onNote(waiting, msg.text, origin);
      return;
    }
    const error = answerText(waiting, msg.text, msg.entities);
    if (error) {
      await ask(waiting, origin, key, error);
      return;
    }
    await proceed(waiting, origin, key);
  }

  async function onCommand(msg: Message, text: string, origin: Origin): Promise<void> {
    const { line, people } = withMentionTokens(text, msg.entities ?? []);
    // Telegram's Start button sends /start (with a deep-link payload): Amends greets with /help.
    const start = /^\/start(?:@(\w+))?(?:\s|$)/i.exec(line);
    if (start?.[1] && start[1].toLowerCase() !== botUsername.toLowerCase()) return;
    const parsed = start
      ? { ok: true as const, name: "help", args: {}, mentions: [] }
      : parseCommandText(line, { botUsername });
    if (parsed === null) return;
    const key = pendingKey(msg.chat.id, origin.user.id);
    // A new command replaces whatever question was waiting.
    pending.delete(key);
    const here: Origin = { ...origin, command: parsed.name ?? "" };
    if (!parsed.ok) {
      const addressed = /^\/\w+@/.test(line);
      // In a group, an unknown bare /command is probably another bot's: stay quiet.
      if (!parsed.name && origin.chat.kind === "group" && !addressed) return;
      const spec = parsed.name ? findCommand(parsed.name) : undefined;
      if (spec && parsed.missing && parsed.missing.length > 0) {
        const base = line.replace(/^\/\S+/, "").trim();
        const state = startGuided({
          spec,
          base,
          missing: parsed.missing,
          commandMessageId: msg.message_id,
          askedName: actorOf(origin.user).name,
          nonce: randomBytes(4).toString("hex"),
          now: deps.now(),
          ...presetFromReply(msg, spec.options),
        });
        tokens.set(state, people);
        await proceed(state, here, key);
        return;
      }
      await answerCommand(responder, here, [refusal(parsed.error)]);
      return;
    }
    const { args, mentions } = restoreMentions(parsed.args, parsed.mentions, people);
    await runCommand(parsed.name, args, mentions, here);
  }

  async function runCommand(name: string, args: CommandArgs, mentions: PersonRef[], origin: Origin) {
    const replies = await engine.handle({
      type: "command",
      name,
      args,
      mentions,
      chat: origin.chat,
      from: actorOf(origin.user),
    });
    await answerCommand(responder, origin, replies);
  }

  /** Asks the next question, or runs the command once every answer is in. */
  async function proceed(state: GuidedState, origin: Origin, key: string): Promise<void> {
    if (currentOption(state)) {
      await ask(state, origin, key);
      return;
    }
    pending.delete(key);
    const done = finish(state);
    const at: Origin = { ...origin, messageId: state.commandMessageId, command: state.spec.name };
    if (!done.ok) {
      await answerCommand(responder, at, [refusal(done.error)]);
      return;
    }
    const { args, mentions } = restoreMentions(done.args, done.mentions, tokens.get(state) ?? new Map());
    await runCommand(state.spec.name, args, mentions, at);
  }

  /** Sends the current question (after `error`, if the last answer did not fit) and waits. */
  async function ask(state: GuidedState, origin: Origin, key: string, error?: string): Promise<void> {
    const option = currentOption(state);
    let commitments: Choice[] = [];
    if (option?.type === "commitment") {
      const found = await engine.suggest("commitment", "", actorOf(origin.user));
      commitments = found.map((s) => ({ label: clipPlain(s.name, 40), value: s.value }));
    }
    const question = questionFor(state, commitments);
    if (!question) return;
    showing(state, question);
    const text = error ? `${error} ${question.text}` : question.text;
    const markup = question.choices
      ? {
          inline_keyboard: grid(
            question.choices.map((c, i) => ({
              text: c.label,
              callback_data: callbackData(`${GUIDED_PREFIX}${state.nonce}:${origin.user.id}:${i}`),
            })),
            question.perRow ?? 2,
          ),
        }
      : forceReply(question.placeholder);
    // Replying to the person's own message is what makes a selective reply box appear for them alone.
    const sent = await sendHtml(
      deps.api,
      {
        chatId: origin.chatId,
        ...(origin.threadId !== undefined ? { threadId: origin.threadId } : {}),
        ...(origin.messageId !== undefined ? { replyTo: origin.messageId } : {}),
      },
      escapeHtml(text),
      text,
      markup,
    );
    state.promptMessageId = sent.message_id;
    state.expiresAt = deps.now() + GUIDED_TTL_MS;
    pending.set(key, state);
  }

  async function onCallback(query: CallbackQuery): Promise<void> {
    const message = query.message;
    const chat = message ? chatOf(message.chat) : null;
    if (!message || !chat || query.data === undefined) {
      await answerQuery(responder, query.id, "That button no longer works.");
      return;
    }
    const topic =
      "is_topic_message" in message && message.is_topic_message ? message.message_thread_id : undefined;
    const origin: Origin = {
      chatId: message.chat.id,
      chat,
      user: query.from,
      messageId: message.message_id,
      ...(topic !== undefined ? { threadId: topic } : {}),
    };
    if (query.data.startsWith(GUIDED_PREFIX)) {
      await onGuidedClick(query, query.data.slice(GUIDED_PREFIX.length), origin);
      return;
    }
    if (query.data.startsWith(NOTE_PREFIX)) {
      await askForNote(query, origin);
      return;
    }
    const replies = await engine.handle({
      type: "click",
      action: query.data,
      chat,
      from: actorOf(query.from),
    });
    await answerClick(responder, origin, query, replies);
  }

  async function onGuidedClick(query: CallbackQuery, data: string, origin: Origin): Promise<void> {
    const [nonce = "", askedId = "", index = ""] = data.split(":");
    const key = pendingKey(origin.chatId, askedId);
    const state = pending.get(key);
    if (state?.kind !== "guided" || state.nonce !== nonce) {
      await answerQuery(responder, query.id, "That question has expired. Send the command again.");
      return;
    }
    if (askedId !== String(query.from.id)) {
      await answerQuery(responder, query.id, `This question is for ${state.askedName}.`);
      return;
    }
    const label = state.choices?.[Number(index)]?.label ?? "";
    const outcome = answerChoice(state, Number(index));
    if (outcome === "stale") {
      await answerQuery(responder, query.id, "That question has moved on.");
      return;
    }
    await answerQuery(responder, query.id);
    if (query.message) await settle(responder, query.message, rich("→ ", label));
    await proceed(state, { ...origin, messageId: state.commandMessageId }, key);
  }

  /** "Add a note": asks for the note as a reply; {@link onNote} sends it with the click. */
  async function askForNote(query: CallbackQuery, origin: Origin): Promise<void> {
    await answerQuery(responder, query.id);
    const who = actorOf(query.from);
    const prompt = rich(
      mention("telegram", who.id, who.name),
      ", what would you like to add? Reply to this message.",
    );
    const sent = await sendHtml(
      deps.api,
      { chatId: origin.chatId, ...(origin.threadId !== undefined ? { threadId: origin.threadId } : {}) },
      renderHtml(prompt),
      `${who.name}, what would you like to add? Reply to this message.`,
      forceReply("A few words on how it went"),
    );
    pending.set(pendingKey(origin.chatId, query.from.id), {
      kind: "note",
      action: query.data ?? "",
      promptMessageId: sent.message_id,
      expiresAt: deps.now() + GUIDED_TTL_MS,
      ...(query.message ? { clicked: query.message } : {}),
    });
  }

  async function onNote(state: NoteState, text: string, origin: Origin): Promise<void> {
    const replies = await engine.handle({
      type: "click",
      action: state.action,
      text,
      chat: origin.chat,
      from: actorOf(origin.user),
    });
    const settles = replies.find((r) => r.settles)?.settles;
    if (settles && state.clicked) await settle(responder, state.clicked, settles);
    await answerCommand(responder, origin, replies);
  }

  return composer;
}

function refusal(text: string): Reply {
  return { text: [{ t: "text", text }], visibility: "sender-only", refusal: true };
}

/**
 * A command sent as a reply to someone's message names that person for a missing person
 * option (`/witness #1` replying to the friend). The sender themself is not taken; a bot is,
 * marked as one, so the core can say why it cannot be a witness.
 */
function presetFromReply(
  msg: Message,
  options: readonly { name: string; type: string }[],
): { preset?: { collected: CommandArgs; person: PersonRef } } {
  const author = msg.reply_to_message?.forum_topic_created ? undefined : msg.reply_to_message?.from;
  const option = options.find((o) => o.type === "person");
  if (!author || !option || author.id === msg.from?.id) return {};
  const who = actorOf(author);
  const person: PersonRef = {
    id: who.id,
    name: who.name,
    ...(who.username ? { username: who.username } : {}),
    ...(author.is_bot ? { isBot: true } : {}),
  };
  return { preset: { collected: { [option.name]: who.username ?? who.name }, person } };
}

const TOKEN_PREFIX = "__tg";

/**
 * A person picked from Telegram's mention list may have no username: the message then holds
 * their name with a `text_mention` entity. Each becomes `@__tg<id>` so the parser reads it as a
 * person; {@link restoreMentions} turns it back into an id-bearing mention.
 */
/** A person picked from Telegram's mention list. */
type Picked = PersonRef & { name: string };

function withMentionTokens(text: string, entities: readonly MessageEntity[]) {
  const people = new Map<string, Picked>();
  let line = text;
  const picked = entities.filter((e) => e.type === "text_mention").sort((a, b) => b.offset - a.offset);
  for (const e of picked) {
    if (e.type !== "text_mention") continue;
    const token = `${TOKEN_PREFIX}${e.user.id}`;
    const who = actorOf(e.user);
    people.set(token, {
      id: who.id,
      name: who.name,
      ...(who.username ? { username: who.username } : {}),
      ...(e.user.is_bot ? { isBot: true } : {}),
    });
    line = `${line.slice(0, e.offset)}@${token}${line.slice(e.offset + e.length)}`;
  }
  return { line, people };
}

function restoreMentions(
  args: CommandArgs,
  mentions: readonly PersonRef[],
  people: ReadonlyMap<string, Picked>,
): { args: CommandArgs; mentions: PersonRef[] } {
  if (people.size === 0) return { args, mentions: [...mentions] };
  const restored: CommandArgs = {};
  for (const [name, value] of Object.entries(args)) {
    const person = value === undefined ? undefined : people.get(value);
    restored[name] = person
      ? (person.username ?? person.name)
      : value?.replace(/@__tg(\d+)/g, (token) => people.get(token.slice(1))?.name ?? token);
  }
  return { args: restored, mentions: mentions.map((m) => (m.username && people.get(m.username)) || m) };
}
