/**
 * A local Discord for tests: the REST API (node:http) and the gateway (ws) on 127.0.0.1, enough
 * of both for the real discord.js client to log in, receive interactions, answer them, register
 * commands and post messages. It records every request and keeps the messages it was asked to
 * create, so tests assert on what Discord itself would have received.
 */

import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type APIApplicationCommandInteractionDataOption,
  type APIApplicationCommandOption,
  type APIChannel,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIModalInteractionResponseCallbackData,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type ApplicationFlags,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageFlags,
  type RESTPutAPIApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import { FakeGateway } from "./gateway";
import {
  buttonsOf,
  channelJson,
  guildCreate,
  memberJson,
  messageJson,
  optionData,
  pingsOf,
} from "./payloads";
import { applyCallback, failRequest, handleRest } from "./rest";
import type { EndpointAnswer, InteractionSigner } from "./signer";
import type {
  FakeChannel,
  FakeFile,
  FakeInteraction,
  FakeMessage,
  FakeUser,
  FaultHook,
  OptionValue,
  RecordedCallback,
  RecordedRequest,
} from "./types";

export { buttonsOf, pingsOf } from "./payloads";
export type * from "./types";

/** A registered slash command, as far as the fake checks invocations against it. */
interface RegisteredCommand {
  name: string;
  options?: APIApplicationCommandOption[];
}

/** A local Discord REST API and gateway. */
export class FakeDiscord {
  readonly token = "fake.discord-bot-token.for-tests-only";
  readonly applicationId: string;
  readonly bot: APIUser;
  readonly guild: { id: string; name: string; ownerId: string };
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  readonly messages: FakeMessage[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly callbacks: RecordedCallback[] = [];
  readonly interactions = new Map<string, FakeInteraction>();
  /** Every bulk overwrite of commands, with its route. */
  readonly commandPuts: { path: string; body: RESTPutAPIApplicationCommandsJSONBody }[] = [];
  /** The modal last shown to each user. */
  readonly modals = new Map<string, APIModalInteractionResponseCallbackData>();
  /** Messages by `channel:nonce`, for `enforce_nonce`. */
  readonly nonces = new Map<string, FakeMessage>();
  /** Forces responses (errors, 429s) for chosen requests. */
  fault: FaultHook | undefined;
  /**
   * HTTP mode: interactions are POSTed, signed, to this endpoint instead of sent over the
   * gateway, and its response is the first answer. Set with {@link useEndpoint}.
   */
  endpoint: { url: string; signer: InteractionSigner } | undefined;
  /** HTTP mode: every answer of the endpoint, in order. */
  readonly endpointAnswers: EndpointAnswer[] = [];

  readonly #http: Server;
  readonly #gateway: FakeGateway;
  #port = 0;
  #ids = 1_300_000_000_000_000_000n;
  readonly #commands = new Map<string, RegisteredCommand>();
  readonly #dmByUser = new Map<string, string>();
  #endpointUrls: string[] = [];
  #endpointTurn = 0;

  private constructor() {
    this.applicationId = this.snowflake();
    this.bot = {
      id: this.applicationId,
      username: "amends",
      global_name: "Amends",
      discriminator: "0",
      avatar: null,
      bot: true,
    };
    this.guild = { id: this.snowflake(), name: "Repair Shop", ownerId: this.snowflake() };
    this.#http = createServer((req, res) => {
      handleRest(this, req, res).catch((cause: unknown) => failRequest(res, cause));
    });
    this.#gateway = new FakeGateway(this.#http, {
      token: this.token,
      ready: (sessionId) => ({
        ready: {
          v: 10,
          user: { ...this.bot, verified: true, mfa_enabled: false },
          guilds: [{ id: this.guild.id, unavailable: true }],
          session_id: sessionId,
          resume_gateway_url: this.gatewayUrl,
          shard: [0, 1],
          application: { id: this.applicationId, flags: 0 as ApplicationFlags, flags_new: "0" },
        },
        guilds: [guildCreate(this.guild, this.#guildChannels(), this.users.size + 1)],
      }),
    });
  }

  /** Starts a fake Discord on a free port of 127.0.0.1 with one guild and one text channel. */
  static async start(): Promise<FakeDiscord> {
    const fake = new FakeDiscord();
    await new Promise<void>((resolve) => fake.#http.listen(0, "127.0.0.1", resolve));
    fake.#port = (fake.#http.address() as AddressInfo).port;
    fake.addChannel("general");
    return fake;
  }

  /** The REST base discord.js takes as `rest.api`. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  /** The gateway URL `GET /gateway/bot` hands out (and READY's resume URL). */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.#port}/gateway`;
  }

  /** Gateway counters: identifies, resumes, connections and the intents each IDENTIFY asked for. */
  get gateway(): FakeGateway["counts"] {
    return this.#gateway.counts;
  }

  /** The first text channel. */
  get general(): FakeChannel {
    const first = [...this.channels.values()].find((c) => c.type === ChannelType.GuildText);
    if (!first) throw new Error("no text channel");
    return first;
  }

  /** A fresh snowflake, increasing. */
  snowflake(): string {
    this.#ids += 1n;
    return this.#ids.toString();
  }

  /** Adds a text channel to the guild (announced over the gateway when a client is connected). */
  addChannel(name: string): FakeChannel {
    const channel: FakeChannel = { id: this.snowflake(), type: ChannelType.GuildText, name };
    this.channels.set(channel.id, channel);
    if (this.#gateway.connected) this.#gateway.dispatch("CHANNEL_CREATE", this.channelJson(channel));
    return channel;
  }

  /** Adds a person who can use the bot. */
  addUser(username: string, extra: { globalName?: string; nick?: string; bot?: boolean } = {}): FakeUser {
    const user: APIUser = {
      id: this.snowflake(),
      username,
      global_name: extra.globalName ?? null,
      discriminator: "0",
      avatar: null,
      ...(extra.bot ? { bot: true } : {}),
    };
    const fake: FakeUser = { user, ...(extra.nick ? { nick: extra.nick } : {}) };
    this.users.set(user.id, fake);
    return fake;
  }

  /** The DM channel between the bot and a person, created on first use as Discord does. */
  dmChannel(userId: string): FakeChannel {
    const existing = this.channels.get(this.#dmByUser.get(userId) ?? "");
    if (existing) return existing;
    const channel: FakeChannel = { id: this.snowflake(), type: ChannelType.DM, recipientId: userId };
    this.channels.set(channel.id, channel);
    this.#dmByUser.set(userId, channel.id);
    return channel;
  }

  /** A channel as the API shows it. */
  channelJson(channel: FakeChannel): APIChannel {
    return channelJson(channel, this.guild.id, this.users.get(channel.recipientId ?? "")?.user);
  }

  #guildChannels(): APIChannel[] {
    return [...this.channels.values()]
      .filter((c) => c.type === ChannelType.GuildText)
      .map((c) => this.channelJson(c));
  }

  // ---- state the REST side changes -----------------------------------------------------------

  /** Records a bulk overwrite; later invocations are checked against these commands. */
  registerCommands(path: string, body: RESTPutAPIApplicationCommandsJSONBody): void {
    this.commandPuts.push({ path, body });
    for (const c of body) this.#commands.set(c.name, c as RegisteredCommand);
  }

  /** Creates a message in a channel. */
  createMessage(
    channelId: string,
    body: Record<string, unknown>,
    files: FakeFile[],
    how: { source: FakeMessage["source"]; interactionId?: string },
  ): FakeMessage {
    const inGuild = this.channels.get(channelId)?.type === ChannelType.GuildText;
    const message = messageJson({
      id: this.snowflake(),
      channelId,
      ...(inGuild ? { guildId: this.guild.id } : {}),
      author: this.bot,
      body,
      attachments: files.map((f) => ({
        id: this.snowflake(),
        name: f.name,
        size: Buffer.byteLength(f.content),
      })),
      fromInteraction: how.source !== "rest",
    });
    const allowed = body.allowed_mentions as FakeMessage["allowedMentions"];
    const stored: FakeMessage = {
      message,
      channelId,
      allowedMentions: allowed,
      pings: pingsOf(message.content, allowed),
      source: how.source,
      ...(how.interactionId ? { interactionId: how.interactionId } : {}),
      ephemeral: ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
      ...(body.nonce !== undefined ? { nonce: body.nonce as string } : {}),
      files,
      edits: 0,
      deleted: false,
    };
    this.messages.push(stored);
    return stored;
  }

  /** Applies an edit (an interaction update or a webhook edit) to a message. */
  editMessage(target: FakeMessage, body: Record<string, unknown>, files: FakeFile[]): void {
    if (typeof body.content === "string") target.message.content = body.content;
    if (Array.isArray(body.components)) {
      target.message.components = body.components as FakeMessage["message"]["components"];
    }
    if (body.allowed_mentions !== undefined) {
      target.allowedMentions = body.allowed_mentions as FakeMessage["allowedMentions"];
    }
    if (files.length > 0) target.files = files;
    target.pings = pingsOf(target.message.content, target.allowedMentions);
    target.message.edited_timestamp = new Date().toISOString();
    target.edits += 1;
  }

  // ---- what tests read -----------------------------------------------------------------------

  /** Messages in a channel (not deleted), oldest first. */
  messagesIn(channelId: string): FakeMessage[] {
    return this.messages.filter((m) => m.channelId === channelId && !m.deleted);
  }

  /** The message with this id. */
  message(id: string): FakeMessage {
    const found = this.messages.find((m) => m.message.id === id);
    if (!found) throw new Error(`no message ${id}`);
    return found;
  }

  /** The newest message in `channelId` showing an enabled button labelled `label`. */
  withButton(channelId: string, label: string): FakeMessage {
    const shown = this.messagesIn(channelId);
    for (let i = shown.length - 1; i >= 0; i--) {
      const m = shown[i];
      if (m && buttonsOf(m.message).some((b) => b.label === label && !b.disabled)) return m;
    }
    throw new Error(`no message in ${channelId} has a button "${label}"`);
  }

  /** Requests to paths matching `pattern`. */
  requestsTo(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  /** Requests the fake itself refused (unknown route, bad token, unacknowledged interaction…). */
  refusals(): string[] {
    return this.requests
      .filter((r) => r.status >= 400 && !r.forced)
      .map((r) => `${r.method} ${r.path} ${r.status}`);
  }

  /** Polls until `check` returns a value other than undefined or false. */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits for an interaction's first callback. */
  answered(interaction: FakeInteraction): Promise<RecordedCallback> {
    return this.waitFor(() => interaction.callbacks[0], `a callback to interaction ${interaction.id}`);
  }

  // ---- interactions --------------------------------------------------------------------------

  /**
   * Sends a slash command as `who` in `channel`. Options are checked against the registered
   * command, as Discord's client would: unknown names, missing required ones, choices, lengths.
   */
  slash(
    who: FakeUser,
    channel: FakeChannel,
    name: string,
    options: Record<string, OptionValue> = {},
  ): FakeInteraction {
    const command = this.#commands.get(name);
    if (!command) throw new Error(`/${name} is not registered`);
    const declared = command.options ?? [];
    for (const option of declared) {
      if ("required" in option && option.required && !(option.name in options)) {
        throw new Error(`/${name} needs ${option.name}`);
      }
    }
    const resolved: APIInteractionDataResolved = {};
    const data: APIApplicationCommandInteractionDataOption[] = Object.entries(options).map(([key, value]) => {
      const option = declared.find((o) => o.name === key);
      if (!option) throw new Error(`/${name} has no option ${key}`);
      return optionData(option, value, resolved, channel.type === ChannelType.GuildText);
    });
    return this.#interact(who, channel, {
      type: InteractionType.ApplicationCommand,
      data: {
        id: this.snowflake(),
        name,
        type: ApplicationCommandType.ChatInput,
        options: data,
        ...(Object.keys(resolved).length > 0 ? { resolved } : {}),
        ...(channel.type === ChannelType.GuildText ? { guild_id: this.guild.id } : {}),
      },
    });
  }

  /** Types `value` into option `focused` of `/name`, with other options already filled. */
  autocomplete(
    who: FakeUser,
    channel: FakeChannel,
    name: string,
    focused: string,
    value: string,
    others: Record<string, string> = {},
  ): FakeInteraction {
    const option = this.#commands.get(name)?.options?.find((o) => o.name === focused);
    if (!option || !("autocomplete" in option) || !option.autocomplete) {
      throw new Error(`/${name} ${focused} does not autocomplete`);
    }
    const filled = Object.entries(others).map(([k, v]) => ({
      name: k,
      type: ApplicationCommandOptionType.String as const,
      value: v,
    }));
    return this.#interact(who, channel, {
      type: InteractionType.ApplicationCommandAutocomplete,
      data: {
        id: this.snowflake(),
        name,
        type: ApplicationCommandType.ChatInput,
        options: [
          ...filled,
          { name: focused, type: ApplicationCommandOptionType.String, value, focused: true },
        ],
      },
    });
  }

  /** Presses the button labelled `label` on a message, as `who`. A disabled button cannot be pressed. */
  click(who: FakeUser, message: FakeMessage, label: string): FakeInteraction {
    const button = buttonsOf(message.message).find((b) => b.label === label);
    if (!button) throw new Error(`message ${message.message.id} has no button "${label}"`);
    if (button.disabled) throw new Error(`button "${label}" is disabled`);
    return this.#onMessage(who, message, {
      type: InteractionType.MessageComponent,
      data: { custom_id: button.custom_id, component_type: ComponentType.Button },
    });
  }

  /** Submits the modal last shown to `who` with `text` in its one text input. */
  submitModal(who: FakeUser, message: FakeMessage, text: string): FakeInteraction {
    const modal = this.modals.get(who.user.id);
    if (!modal) throw new Error(`no modal was shown to ${who.user.username}`);
    const label = modal.components[0];
    if (label?.type !== ComponentType.Label || label.component.type !== ComponentType.TextInput) {
      throw new Error("the modal has no labelled text input");
    }
    const input = label.component;
    if (input.max_length !== undefined && text.length > input.max_length) throw new Error("note too long");
    return this.#onMessage(who, message, {
      type: InteractionType.ModalSubmit,
      data: {
        custom_id: modal.custom_id,
        components: [
          {
            type: ComponentType.Label,
            id: 1,
            component: { type: ComponentType.TextInput, id: 2, custom_id: input.custom_id, value: text },
          },
        ],
      },
    });
  }

  #onMessage(who: FakeUser, message: FakeMessage, extra: Record<string, unknown>): FakeInteraction {
    const channel = this.channels.get(message.channelId);
    if (!channel) throw new Error("message in an unknown channel");
    return this.#interact(who, channel, { ...extra, message: message.message }, message.message.id);
  }

  /**
   * Sends INTERACTION_CREATE with what discord.js needs or it drops the event silently: id,
   * token, type, application_id, entitlements, authorizing_integration_owners, the member (guild)
   * or user (DM), the data, and for components the whole message.
   */
  #interact(
    who: FakeUser,
    channel: FakeChannel,
    extra: Record<string, unknown>,
    messageId?: string,
  ): FakeInteraction {
    const id = this.snowflake();
    const token = `itok-${randomUUID()}`;
    const inGuild = channel.type === ChannelType.GuildText;
    const payload = {
      id,
      application_id: this.applicationId,
      token,
      version: 1,
      locale: Locale.EnglishGB,
      app_permissions: "2248473465835073",
      entitlements: [],
      authorizing_integration_owners: {
        [ApplicationIntegrationType.GuildInstall]: inGuild ? this.guild.id : "0",
      },
      context: inGuild ? InteractionContextType.Guild : InteractionContextType.BotDM,
      attachment_size_limit: 10 * 1024 * 1024,
      channel_id: channel.id,
      channel: this.channelJson(channel),
      ...(inGuild
        ? {
            guild_id: this.guild.id,
            guild: { id: this.guild.id, locale: Locale.EnglishGB, features: [] },
            guild_locale: Locale.EnglishGB,
            member: memberJson(who),
          }
        : { user: who.user }),
      ...extra,
    } as unknown as APIInteraction;
    const record: FakeInteraction = {
      id,
      token,
      channelId: channel.id,
      userId: who.user.id,
      ...(messageId ? { messageId } : {}),
      callbacks: [],
    };
    this.interactions.set(id, record);
    if (this.endpoint) record.acked = this.#post(record, payload, this.endpoint);
    else this.#gateway.dispatch("INTERACTION_CREATE", payload);
    return record;
  }

  /** Delivers interactions to the bot's interactions endpoint (HTTP mode) from now on. */
  useEndpoint(url: string, signer: InteractionSigner): void {
    this.endpoint = { url, signer };
  }

  /**
   * HTTP mode for a fleet: interactions go to each of `urls` in turn, as a load balancer in front
   * of several fronts would; one that cannot be reached (killed, restarting) is skipped for the
   * next, and the URL that answered is kept in {@link endpointOf}.
   */
  useEndpoints(urls: readonly string[], signer: InteractionSigner): void {
    this.#endpointUrls = [...urls];
    this.endpoint = { url: urls[0] ?? "", signer };
  }

  /** HTTP mode with several endpoints: which one answered each interaction (by id). */
  readonly endpointOf = new Map<string, string>();
  /** HTTP mode with several endpoints: tries that found an endpoint unreachable. */
  readonly endpointFailures: string[] = [];

  /** POSTs one interaction and applies the response as its first answer, as Discord does. */
  async #post(
    record: FakeInteraction,
    payload: APIInteraction,
    endpoint: { url: string; signer: InteractionSigner },
  ): Promise<void> {
    const answer = await this.#postSomewhere(record, payload, endpoint);
    this.endpointAnswers.push(answer);
    record.status = answer.status;
    if (answer.status !== 200 || !answer.json) return;
    const refused = applyCallback(this, record, answer.json, []);
    if (refused) throw new Error(`the endpoint's answer was refused: ${refused.message}`);
  }

  /** One endpoint, or with {@link useEndpoints} the next reachable one in turn. */
  async #postSomewhere(
    record: FakeInteraction,
    payload: APIInteraction,
    endpoint: { url: string; signer: InteractionSigner },
  ): Promise<EndpointAnswer> {
    const urls = this.#endpointUrls;
    if (urls.length === 0) return endpoint.signer.post(endpoint.url, JSON.stringify(payload));
    for (let attempt = 0; ; attempt++) {
      const url = urls[this.#endpointTurn++ % urls.length] ?? "";
      try {
        const answer = await endpoint.signer.post(url, JSON.stringify(payload));
        this.endpointOf.set(record.id, url);
        return answer;
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        this.endpointFailures.push(`${url} ${cause?.code ?? String(error)}`);
        if (attempt >= urls.length * 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  // ---- the connection ------------------------------------------------------------------------

  /** Asks the client to reconnect (op 7) or drops the connection with close code 4000. */
  disconnect(how: "reconnect" | "close-4000"): void {
    this.#gateway.disconnect(how);
  }

  /** Closes the gateway and the HTTP server. */
  async close(): Promise<void> {
    await this.#gateway.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
