/**
 * A local Telegram Bot API server for tests: node:http on 127.0.0.1, the methods Amends calls,
 * real long polling, and the refusals Telegram gives (a person who never pressed Start, one who
 * blocked the bot, an unknown chat). It records every call with the test's fake time, lets tests
 * queue updates as people would cause them, and injects faults (429s, 5xx, dropped connections).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
} from "@grammyjs/types";
import { HtmlParseError, parseTelegramHtml } from "./html";
import { parseMultipart, type Upload } from "./multipart";

/** Parameters of a call, as JSON (or multipart fields, parsed). */
export type Params = Record<string, unknown>;

/** One API call the bot made. */
export interface ApiCall {
  method: string;
  params: Params;
  /** The test's clock when the call arrived. */
  at: number;
  /** What the server answered: ok, an error code, or "dropped". */
  outcome: "ok" | number | "dropped";
  /** An uploaded document. */
  upload?: Upload;
  /** The error answered, if any. */
  error?: ApiError;
}

/** An error Telegram might answer with. */
export interface ApiError {
  code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** A fault to inject: the next `times` calls of `method` (matching `when`) fail this way. */
export interface Fault {
  method: string;
  times?: number;
  /** Calls of the method to let through first. */
  skip?: number;
  when?: (params: Params) => boolean;
  /** An error answer, or "drop" to close the connection without one. */
  fail: ApiError | "drop";
}

/** Where {@link FakeTelegram.deliver} handed an update, and what it answered. */
export interface WebhookDelivery {
  url: string;
  status: number;
  /** Receivers tried first that could not be reached, with the error's code. */
  failed: string[];
}

/** A message as the server keeps it (what Telegram would hand back). */
export type StoredMessage = Message & { text?: string; entities?: MessageEntity[] };

/** The refusals Telegram gives, word for word. */
export const ERRORS = {
  blocked: { code: 403, description: "Forbidden: bot was blocked by the user" },
  cannotInitiate: { code: 403, description: "Forbidden: bot can't initiate conversation with a user" },
  kicked: { code: 403, description: "Forbidden: bot was kicked from the supergroup chat" },
  chatNotFound: { code: 400, description: "Bad Request: chat not found" },
  internal: { code: 500, description: "Internal Server Error" },
  tooMany: (seconds: number): ApiError => ({
    code: 429,
    description: `Too Many Requests: retry after ${Math.ceil(seconds)}`,
    parameters: { retry_after: seconds },
  }),
} satisfies Record<string, ApiError | ((s: number) => ApiError)>;

class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.description);
  }
}

interface Poll {
  offset: number;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/** The fake Bot API. Start it with {@link FakeTelegram.start}; close it after the bot stopped. */
export class FakeTelegram {
  /** A token of the real shape, so tests can check it never reaches a log. */
  readonly token = `7001234567:${randomBytes(26).toString("base64url").slice(0, 35)}`;
  readonly bot: UserFromGetMe = {
    id: 7001234567,
    is_bot: true,
    first_name: "Amends",
    username: "AmendsBot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  /** Every call, in arrival order. */
  readonly calls: ApiCall[] = [];
  /** Every message in every chat, users' and the bot's. */
  readonly messages: StoredMessage[] = [];
  /** People who pressed Start in their private chat with the bot. */
  readonly started = new Set<number>();
  /** People who blocked the bot. */
  readonly blocked = new Set<number>();
  /** Groups the bot was removed from. */
  readonly kicked = new Set<number>();
  /** The command menus set, by scope type. */
  readonly commands = new Map<string, BotCommand[]>();
  webhook: { url: string; secret?: string } | null = null;
  apiRoot = "";

  readonly #users = new Map<number, User>();
  readonly #groups = new Map<number, Chat.SupergroupChat>();
  readonly #faults: (Fault & { seen: number })[] = [];
  readonly #holds = new Map<string, Promise<void>>();
  readonly #queries = new Map<string, { answered: boolean }>();
  readonly #nextMessageId = new Map<number, number>();
  #updates: Update[] = [];
  #nextUpdateId = 1;
  #confirmed = 0;
  #poll: Poll | null = null;
  #waiters: { id: number; resolve: () => void }[] = [];
  #server: Server;
  #queryId = 0;
  #webhookTurn = 0;

  private constructor(private readonly now: () => number) {
    this.#server = createServer((req, res) => {
      void this.#serve(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          this.#json(res, 500, { ok: false, error_code: 500, description: String(error) });
      });
    });
  }

  /** Starts the server on 127.0.0.1 at a free port; `now` stamps the calls (the test's clock). */
  static async start(opts: { now?: () => number } = {}): Promise<FakeTelegram> {
    const tg = new FakeTelegram(opts.now ?? Date.now);
    await new Promise<void>((resolve) => tg.#server.listen(0, "127.0.0.1", resolve));
    tg.apiRoot = `http://127.0.0.1:${(tg.#server.address() as AddressInfo).port}`;
    return tg;
  }

  /** A person the server knows; their private chat exists once they press Start. */
  user(id: number, firstName: string, username?: string): User {
    const user: User = { id, is_bot: false, first_name: firstName, ...(username ? { username } : {}) };
    this.#users.set(id, user);
    return user;
  }

  /** A supergroup the bot is a member of. */
  group(id: number, title: string): Chat.SupergroupChat {
    const chat: Chat.SupergroupChat = { id, type: "supergroup", title };
    this.#groups.set(id, chat);
    return chat;
  }

  /** A person's private chat with the bot. */
  dm(user: User): Chat.PrivateChat {
    return {
      id: user.id,
      type: "private",
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
    };
  }

  /** Makes the next calls of a method fail. */
  fail(fault: Fault): void {
    this.#faults.push({ ...fault, seen: 0 });
  }

  /** Holds every call of `method` unanswered until the returned function is called. */
  hold(method: string): () => void {
    let release = (): void => {};
    this.#holds.set(
      method,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return () => {
      this.#holds.delete(method);
      release();
    };
  }

  /** Queues an update for the bot's next getUpdates; returns its update_id. */
  queue(body: { message?: StoredMessage; callback_query?: CallbackQuery }): number {
    const update = { ...body, update_id: this.#nextUpdateId++ } as Update;
    this.#updates.push(update);
    this.#answerPoll();
    return update.update_id;
  }

  /** Resolves once the bot has confirmed `updateId` (asked for updates past it), i.e. handled it. */
  processed(updateId: number, timeoutMs = 5_000): Promise<void> {
    if (this.#confirmed > updateId) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`update ${updateId} not handled in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        id: updateId,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** A person writes `text` in `chat`; resolves once the bot handled it. */
  async send(
    from: User,
    chat: Chat,
    text: string,
    opts: { replyTo?: Message; entities?: MessageEntity[] } = {},
  ): Promise<StoredMessage> {
    const message = this.userMessage(from, chat, text, opts);
    await this.processed(this.queue({ message }));
    return message;
  }

  /** Builds and stores a person's message without queueing it (for webhook tests). */
  userMessage(
    from: User,
    chat: Chat,
    text: string,
    opts: { replyTo?: Message; entities?: MessageEntity[] } = {},
  ): StoredMessage {
    if (chat.type === "private") this.started.add(from.id);
    const command = /^\/\S+/.exec(text);
    const entities: MessageEntity[] = [
      ...(command ? [{ type: "bot_command" as const, offset: 0, length: command[0].length }] : []),
      ...(opts.entities ?? []),
    ];
    const message = {
      message_id: this.#newMessageId(chat.id),
      date: Math.floor(this.now() / 1000),
      chat,
      from,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...(opts.replyTo ? { reply_to_message: opts.replyTo } : {}),
    } as StoredMessage;
    this.messages.push(message);
    return message;
  }

  /**
   * A person presses the button labelled `label` under `message` (its current state); resolves
   * once handled, with the bot's answerCallbackQuery call.
   */
  async click(from: User, message: Message, label: string): Promise<ApiCall> {
    const current = this.find(message.chat.id, message.message_id) ?? message;
    const button = current.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
    if (!button || !("callback_data" in button)) {
      throw new Error(`no button "${label}" on message ${current.message_id}`);
    }
    return this.press(from, current, button.callback_data);
  }

  /** The `callback_data` of the button labelled `label` on `message` (as it is now). */
  dataOf(message: Message, label: string): string {
    const current = this.find(message.chat.id, message.message_id) ?? message;
    const button = current.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
    if (!button || !("callback_data" in button)) throw new Error(`no button "${label}"`);
    return button.callback_data;
  }

  /**
   * A person presses a button with this `data` (stale or forged buttons too). Throws when the bot
   * never answered the callback query: every press must stop the person's spinner, and a test
   * reading the answer's text must not pass on an answer that never came.
   */
  async press(from: User, message: Message, data: string): Promise<ApiCall> {
    const id = String(++this.#queryId);
    this.#queries.set(id, { answered: false });
    const query = {
      id,
      from,
      message: structuredClone(message),
      chat_instance: String(message.chat.id),
      data,
    } as CallbackQuery;
    await this.processed(this.queue({ callback_query: query }));
    const answer = this.calls.find(
      (c) => c.method === "answerCallbackQuery" && c.params.callback_query_id === id,
    );
    if (!answer) throw new Error(`the bot never answered the callback query for "${data}"`);
    return answer;
  }

  /** The stored message, as it is now. */
  find(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.find((m) => m.chat.id === chatId && m.message_id === messageId);
  }

  /** The bot's messages, optionally in one chat, oldest first. */
  sent(chatId?: number): StoredMessage[] {
    return this.messages.filter(
      (m) => m.from?.id === this.bot.id && (chatId === undefined || m.chat.id === chatId),
    );
  }

  /** The bot's newest message in `chatId` with a button labelled `label`. */
  lastWith(label: string, chatId?: number): StoredMessage | undefined {
    return this.sent(chatId)
      .reverse()
      .find((m) => m.reply_markup?.inline_keyboard.flat().some((b) => b.text === label));
  }

  /** Calls of `method`, oldest first. */
  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Webhook mode for a fleet: POSTs `update` to the next of `urls` in turn, as a load balancer in
   * front of several receivers would, with the secret the bot gave setWebhook. A receiver that
   * cannot be reached (killed, restarting) is skipped for the next one, and each such try is
   * recorded in `failed`. Resolves once a receiver answered, with who it was and its status.
   */
  async deliver(update: Update, urls: readonly string[]): Promise<WebhookDelivery> {
    const failed: string[] = [];
    for (let attempt = 0; attempt < urls.length * 20; attempt++) {
      const url = urls[this.#webhookTurn++ % urls.length] ?? "";
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(this.webhook?.secret ? { "x-telegram-bot-api-secret-token": this.webhook.secret } : {}),
          },
          body: JSON.stringify(update),
        });
        await res.text();
        return { url, status: res.status, failed };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        failed.push(`${url} ${cause?.code ?? String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`no webhook receiver answered: ${failed.join(", ")}`);
  }

  /** A new update id, for updates built by a test and handed to {@link deliver}. */
  nextUpdateId(): number {
    return this.#nextUpdateId++;
  }

  /** Ends every pending poll and closes the server. Stop the bot first. */
  async close(): Promise<void> {
    if (this.#poll) this.#respondPoll(this.#poll, []);
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  // --- the HTTP side ---

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const body = await readAll(req);
    if (!m || m[1] !== this.token) {
      this.#json(res, m ? 401 : 404, {
        ok: false,
        error_code: m ? 401 : 404,
        description: m ? "Unauthorized" : "Not Found",
      });
      return;
    }
    const method = m[2] ?? "";
    const { params, upload } = parseParams(req, body);
    const call: ApiCall = { method, params, at: this.now(), outcome: "ok", ...(upload ? { upload } : {}) };
    this.calls.push(call);
    await this.#holds.get(method);
    const fault = this.#takeFault(method, params);
    if (fault === "drop") {
      call.outcome = "dropped";
      req.socket.destroy();
      return;
    }
    try {
      if (fault) throw new ApiFailure(fault);
      if (method === "getUpdates") {
        this.#getUpdates(params, res);
        return;
      }
      const result = this.#call(method, params, upload);
      this.#json(res, 200, { ok: true, result });
    } catch (error) {
      const e = error instanceof ApiFailure ? error.error : { code: 500, description: String(error) };
      call.outcome = e.code;
      call.error = e;
      this.#json(res, e.code, {
        ok: false,
        error_code: e.code,
        description: e.description,
        ...(e.parameters ? { parameters: e.parameters } : {}),
      });
    }
  }

  #takeFault(method: string, params: Params): ApiError | "drop" | undefined {
    for (const f of this.#faults) {
      if (f.method !== method || (f.times ?? 1) <= 0 || (f.when && !f.when(params))) continue;
      f.seen++;
      if (f.seen <= (f.skip ?? 0)) continue;
      f.times = (f.times ?? 1) - 1;
      return f.fail;
    }
    return undefined;
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  #call(method: string, p: Params, upload?: Upload): unknown {
    switch (method) {
      case "getMe":
        return this.bot;
      case "deleteWebhook":
        this.webhook = null;
        return true;
      case "setWebhook":
        this.webhook = {
          url: String(p.url),
          ...(typeof p.secret_token === "string" ? { secret: p.secret_token } : {}),
        };
        return true;
      case "setMyCommands":
        return this.#setMyCommands(p);
      case "sendMessage":
        return this.#sendMessage(p);
      case "sendDocument":
        return this.#sendDocument(p, upload);
      case "sendPhoto":
        return this.#sendPhoto(p, upload);
      case "editMessageText":
        return this.#editText(p);
      case "editMessageReplyMarkup":
        return this.#editMarkup(p);
      case "answerCallbackQuery":
        return this.#answerCallback(p);
      default:
        throw new ApiFailure({ code: 404, description: "Not Found: method not found" });
    }
  }

  #getUpdates(p: Params, res: ServerResponse): void {
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Number(p.limit ?? 100)) || 100;
    if (offset > 0) {
      this.#updates = this.#updates.filter((u) => u.update_id >= offset);
      this.#confirmed = Math.max(this.#confirmed, offset);
      const done = this.#waiters.filter((w) => w.id < this.#confirmed);
      this.#waiters = this.#waiters.filter((w) => w.id >= this.#confirmed);
      for (const w of done) w.resolve();
    }
    // A newer poll replaces an older one, as on Telegram (which answers the old one with 409).
    if (this.#poll) this.#respondPoll(this.#poll, []);
    const timeout = Number(p.timeout ?? 0);
    const poll: Poll = {
      offset,
      limit,
      res,
      timer: setTimeout(() => this.#respondPoll(poll, []), timeout * 1000),
    };
    this.#poll = poll;
    res.once("close", () => {
      clearTimeout(poll.timer);
      if (this.#poll === poll) this.#poll = null;
    });
    if (timeout <= 0) this.#respondPoll(poll, this.#ready(poll));
    else this.#answerPoll();
  }

  #ready(poll: Poll): Update[] {
    return this.#updates.filter((u) => u.update_id >= poll.offset).slice(0, poll.limit);
  }

  #answerPoll(): void {
    const poll = this.#poll;
    if (!poll) return;
    const ready = this.#ready(poll);
    if (ready.length > 0) this.#respondPoll(poll, ready);
  }

  #respondPoll(poll: Poll, updates: Update[]): void {
    clearTimeout(poll.timer);
    if (this.#poll === poll) this.#poll = null;
    this.#json(poll.res, 200, { ok: true, result: updates });
  }

  #newMessageId(chatId: number): number {
    const id = (this.#nextMessageId.get(chatId) ?? 0) + 1;
    this.#nextMessageId.set(chatId, id);
    return id;
  }

  /** The chat a call addresses, refused the way Telegram refuses it. */
  #chat(chatId: unknown): Chat {
    const id = Number(chatId);
    if (id > 0) {
      const user = this.#users.get(id);
      if (!user) throw new ApiFailure(ERRORS.chatNotFound);
      if (this.blocked.has(id)) throw new ApiFailure(ERRORS.blocked);
      if (!this.started.has(id)) throw new ApiFailure(ERRORS.cannotInitiate);
      return this.dm(user);
    }
    const group = this.#groups.get(id);
    if (!group) throw new ApiFailure(ERRORS.chatNotFound);
    if (this.kicked.has(id)) throw new ApiFailure(ERRORS.kicked);
    return group;
  }

  #format(text: unknown, parseMode: unknown, what: "text" | "caption") {
    const raw = String(text ?? "");
    let parsed: { text: string; entities: MessageEntity[] };
    try {
      parsed = parseMode === "HTML" ? parseTelegramHtml(raw) : { text: raw, entities: [] };
    } catch (error) {
      if (error instanceof HtmlParseError) throw new ApiFailure({ code: 400, description: error.message });
      throw error;
    }
    if (what === "text" && !parsed.text.trim()) {
      throw new ApiFailure({ code: 400, description: "Bad Request: message text is empty" });
    }
    const limit = what === "text" ? 4096 : 1024;
    if (parsed.text.length > limit) {
      throw new ApiFailure({
        code: 400,
        description: `Bad Request: ${what === "text" ? "message" : "caption"} is too long`,
      });
    }
    return parsed;
  }

  #markup(markup: unknown): InlineKeyboardMarkup | undefined {
    if (!markup || typeof markup !== "object" || !("inline_keyboard" in markup)) return undefined;
    const keyboard = markup as InlineKeyboardMarkup;
    for (const b of keyboard.inline_keyboard.flat()) {
      const data = "callback_data" in b ? b.callback_data : undefined;
      if (data !== undefined && (Buffer.byteLength(data) > 64 || data.length === 0)) {
        throw new ApiFailure({ code: 400, description: "Bad Request: BUTTON_DATA_INVALID" });
      }
    }
    return keyboard.inline_keyboard.length > 0 ? keyboard : undefined;
  }

  #replyTo(chat: Chat, p: Params): Message | undefined {
    const rp = p.reply_parameters as
      | { message_id?: number; allow_sending_without_reply?: boolean }
      | undefined;
    if (!rp?.message_id) return undefined;
    const target = this.find(chat.id, rp.message_id);
    if (!target && !rp.allow_sending_without_reply) {
      throw new ApiFailure({ code: 400, description: "Bad Request: message to be replied not found" });
    }
    return target;
  }

  #store(chat: Chat, p: Params, fields: Partial<StoredMessage>): StoredMessage {
    const replyTo = this.#replyTo(chat, p);
    const markup = this.#markup(p.reply_markup);
    const message = {
      message_id: this.#newMessageId(chat.id),
      date: Math.floor(this.now() / 1000),
      chat,
      from: this.bot,
      ...fields,
      ...(markup ? { reply_markup: markup } : {}),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...(typeof p.message_thread_id === "number" ? { message_thread_id: p.message_thread_id } : {}),
    } as StoredMessage;
    // A force_reply is not stored on the message, as on Telegram; tests read it from the call.
    this.messages.push(message);
    return message;
  }

  #sendMessage(p: Params): StoredMessage {
    const chat = this.#chat(p.chat_id);
    const { text, entities } = this.#format(p.text, p.parse_mode, "text");
    return this.#store(chat, p, { text, ...(entities.length > 0 ? { entities } : {}) });
  }

  #sendDocument(p: Params, upload?: Upload): StoredMessage {
    const chat = this.#chat(p.chat_id);
    if (!upload)
      throw new ApiFailure({ code: 400, description: "Bad Request: there is no document in the request" });
    const caption = p.caption === undefined ? undefined : this.#format(p.caption, p.parse_mode, "caption");
    return this.#store(chat, p, {
      document: {
        file_id: `doc${this.calls.length}`,
        file_unique_id: `u${this.calls.length}`,
        file_name: upload.filename,
        file_size: upload.content.length,
      },
      ...(caption ? { caption: caption.text, caption_entities: caption.entities } : {}),
    } as Partial<StoredMessage>);
  }

  /** A photo upload (a PNG): stored with its size read from the PNG header, and its caption. */
  #sendPhoto(p: Params, upload?: Upload): StoredMessage {
    const chat = this.#chat(p.chat_id);
    if (!upload)
      throw new ApiFailure({ code: 400, description: "Bad Request: there is no photo in the request" });
    const png = upload.content;
    if (png.length < 24 || png.toString("latin1", 1, 4) !== "PNG") {
      throw new ApiFailure({ code: 400, description: "Bad Request: IMAGE_PROCESS_FAILED" });
    }
    const caption = p.caption === undefined ? undefined : this.#format(p.caption, p.parse_mode, "caption");
    return this.#store(chat, p, {
      photo: [
        {
          file_id: `photo${this.calls.length}`,
          file_unique_id: `u${this.calls.length}`,
          width: png.readUInt32BE(16),
          height: png.readUInt32BE(20),
          file_size: png.length,
        },
      ],
      ...(caption ? { caption: caption.text, caption_entities: caption.entities } : {}),
    } as Partial<StoredMessage>);
  }

  #editable(p: Params): StoredMessage {
    const message = this.find(Number(p.chat_id), Number(p.message_id));
    if (!message || message.from?.id !== this.bot.id) {
      throw new ApiFailure({ code: 400, description: "Bad Request: message to edit not found" });
    }
    return message;
  }

  #editText(p: Params): StoredMessage {
    const message = this.#editable(p);
    const { text, entities } = this.#format(p.text, p.parse_mode, "text");
    const markup = this.#markup(p.reply_markup);
    if (text === message.text && JSON.stringify(markup) === JSON.stringify(message.reply_markup)) {
      throw new ApiFailure({ code: 400, description: "Bad Request: message is not modified" });
    }
    Object.assign(message, { text, entities, edit_date: Math.floor(this.now() / 1000) });
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    return message;
  }

  #editMarkup(p: Params): StoredMessage {
    const message = this.#editable(p);
    const markup = this.#markup(p.reply_markup);
    if (JSON.stringify(markup) === JSON.stringify(message.reply_markup)) {
      throw new ApiFailure({ code: 400, description: "Bad Request: message is not modified" });
    }
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    return message;
  }

  #answerCallback(p: Params): boolean {
    const query = this.#queries.get(String(p.callback_query_id));
    if (!query || query.answered) {
      throw new ApiFailure({
        code: 400,
        description: "Bad Request: query is too old and response timeout expired or query ID is invalid",
      });
    }
    if (typeof p.text === "string" && p.text.length > 200) {
      throw new ApiFailure({ code: 400, description: "Bad Request: MESSAGE_TOO_LONG" });
    }
    query.answered = true;
    return true;
  }

  #setMyCommands(p: Params): boolean {
    const commands = (p.commands ?? []) as BotCommand[];
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command) || !c.description || c.description.length > 256) {
        throw new ApiFailure({ code: 400, description: "Bad Request: BOT_COMMAND_INVALID" });
      }
    }
    const scope = (p.scope as { type?: string } | undefined)?.type ?? "default";
    this.commands.set(scope, commands);
    return true;
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** JSON, or multipart with each JSON-looking field parsed and `attach://` resolved to its file. */
function parseParams(req: IncomingMessage, body: Buffer): { params: Params; upload?: Upload } {
  const type = req.headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data")) {
    const { fields, files } = parseMultipart(body, type);
    const params: Params = {};
    let upload: Upload | undefined;
    for (const [k, v] of Object.entries(fields)) {
      const attach = /^attach:\/\/(.+)$/.exec(v);
      if (attach) upload = files[attach[1] ?? ""];
      params[k] = /^[[{]/.test(v) ? JSON.parse(v) : k.endsWith("_id") && /^-?\d+$/.test(v) ? Number(v) : v;
    }
    return { params, ...(upload ? { upload } : {}) };
  }
  if (body.length === 0) return { params: {} };
  return { params: JSON.parse(body.toString("utf8")) as Params };
}
