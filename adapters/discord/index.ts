/**
 * The Discord adapter's gateway mode: a discord.js client that turns slash commands,
 * autocomplete, buttons and the note form into engine calls, registers the command table when it
 * changed, and a courier that delivers the outbox to channels and DMs. The HTTP interactions mode
 * ({@link startDiscordHttp}, ./http.ts) shares all of it but the connection.
 *
 * The composition root calls {@link startDiscord}, hands `courier` to the dispatcher, and on
 * shutdown stops the dispatcher first (the courier needs the client) and then calls `stop()`.
 */

import {
  type APIInteraction,
  Client,
  Events,
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  GatewayIntentBits,
  Options,
  type RateLimitData,
} from "discord.js";
import type { Logger } from "../../src/log";
import type { Store } from "../../src/store/port";
import type { Clock, Courier, Engine } from "../../src/types";
import { type CommandScope, registerCommands } from "./commands";
import { createDiscordCourier, LONG_RATE_LIMIT_MS } from "./courier";
import { describeError } from "./errors";
import { createInteractionHandler } from "./interactions";
import { restResponder } from "./responder";

export { type CommandScope, commandInput, commandsHash, registerCommands, renderCommands } from "./commands";
export {
  COMPONENT_LIMITS,
  ComponentLimitError,
  disableAll,
  encodeButtons,
  NOTE_PREFIX,
  noteModal,
} from "./components";
export { classify, createDiscordCourier, LONG_RATE_LIMIT_MS, nonceFor } from "./courier";
export { type DiscordHttp, type DiscordHttpOptions, startDiscordHttp, startDiscordSender } from "./http";
export { actorOf, chatOf, displayName } from "./identity";
export { APOLOGY, createInteractionHandler, DEFAULT_DEFER_AFTER_MS } from "./interactions";
export { allowedMentions, escapeText, renderParts, renderRichText, splitContent } from "./render";
export { type Responder, restResponder, webhookOps } from "./responder";
export { publicKeyFrom, verifyInteraction } from "./signature";

/** What {@link startDiscord} needs. */
export interface DiscordOptions {
  /** The bot token (`DISCORD_TOKEN`). Never logged. */
  token: string;
  engine: Engine;
  /** Only for the registered command table's hash, in the meta table. */
  store: Store;
  clock: Clock;
  log: Logger;
  /** `DISCORD_APPLICATION_ID`; else taken from READY's `application.id`. */
  applicationId?: string;
  /** `DISCORD_GUILD_ID`: register commands to this server (instant), else globally (can take a while). */
  guildId?: string;
  /** `DISCORD_API_BASE`, e.g. `http://127.0.0.1:PORT/api` for a test server or a REST proxy. */
  apiBase?: string;
  /** How long to wait for the engine before deferring an answer; default 1 500 ms. */
  deferAfterMs?: number;
  /**
   * Called after each command or click the engine handled: wake the dispatcher here
   * (`dispatcher.poke()`), so what the click queued for someone else goes out at once.
   */
  afterHandle?: () => void;
}

/** A running Discord adapter. */
export interface DiscordAdapter {
  /** Delivers outbox rows of platform `"discord"`; give it to the dispatcher. */
  courier: Courier;
  /** The application the commands were registered to. */
  applicationId: string;
  /** Resolves once every interaction being handled has been answered in full. */
  idle(): Promise<void>;
  /** Waits (a few seconds at most) for interactions being answered, then closes the connection. */
  stop(): Promise<void>;
}

/** READY plus the servers' GUILD_CREATEs normally take seconds; this only catches a hung start. */
const READY_TIMEOUT_MS = 60_000;
/** How long `stop()` lets interactions in progress finish. */
const STOP_GRACE_MS = 5_000;

/** Builds the client: the least intents, no message cache, pings off unless a reply allows one. */
function createClient(opts: DiscordOptions): Client {
  return new Client({
    // Interactions need no intent; Guilds keeps channels known, DirectMessages covers DMs.
    // Nothing privileged: no message content, no member list, no presences.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    rest: {
      ...(opts.apiBase ? { api: opts.apiBase } : {}),
      rejectOnRateLimit: (data: RateLimitData) => data.retryAfter > LONG_RATE_LIMIT_MS,
    },
    allowedMentions: { parse: [] },
    // The bot reads no messages: caching them would only hold memory.
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      ReactionManager: 0,
      PresenceManager: 0,
    }),
  });
}

function timeout(ms: number, message: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Connects to Discord, registers the slash commands if the table (or its scope) changed since
 * this database last did, and starts answering interactions.
 *
 * @throws when the token is refused or the gateway does not become ready; the client is closed.
 */
export async function startDiscord(opts: DiscordOptions): Promise<DiscordAdapter> {
  const { engine, store, clock, log } = opts;
  const client = createClient(opts);
  const interactions = createInteractionHandler({
    engine,
    log,
    ...(opts.deferAfterMs !== undefined ? { deferAfterMs: opts.deferAfterMs } : {}),
    ...(opts.afterHandle ? { afterHandle: opts.afterHandle } : {}),
  });
  let accepting = true;
  // The interaction as Discord sent it, not discord.js's object: the HTTP mode gets only that
  // JSON, and both modes answer through the same core.
  client.on(Events.Raw, (packet: GatewayDispatchPayload) => {
    if (!accepting || packet.t !== GatewayDispatchEvents.InteractionCreate) return;
    const interaction = packet.d as APIInteraction;
    void interactions.handle(interaction, restResponder(client.rest, interaction));
  });
  client.on(Events.Error, (error) => log.error({ error: describeError(error) }, "discord client error"));
  client.on(Events.Warn, (message) => log.warn({ message }, "discord client warning"));
  client.on(Events.ShardResume, (shard, replayed) =>
    log.info({ shard, replayed }, "discord gateway resumed"),
  );
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, "discord gateway reconnecting"));
  client.on(Events.ShardDisconnect, (event, shard) =>
    log.error({ shard, code: event.code }, "discord gateway closed for good"),
  );

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  const limit = timeout(READY_TIMEOUT_MS, "Discord's gateway did not become ready in time");
  try {
    await client.login(opts.token);
    await Promise.race([ready, limit.promise]);
  } catch (error) {
    await client.destroy().catch(() => undefined);
    throw new Error(`Discord start failed: ${describeError(error)}`);
  } finally {
    limit.cancel();
  }

  const applicationId = opts.applicationId ?? client.application?.id;
  if (!applicationId) {
    await client.destroy();
    throw new Error("Discord start failed: no application id (set DISCORD_APPLICATION_ID)");
  }
  const scope: CommandScope = opts.guildId ? { kind: "guild", guildId: opts.guildId } : { kind: "global" };
  try {
    await registerCommands({ rest: client.rest, store, clock, log, applicationId, scope });
  } catch (error) {
    // The bot still answers the commands registered before; the next start tries again.
    log.error({ error: describeError(error) }, "discord command registration failed");
  }
  log.info({ applicationId, scope: scope.kind, user: client.user?.id }, "discord adapter ready");

  return {
    courier: createDiscordCourier({ rest: client.rest, log }),
    applicationId,
    idle: () => interactions.idle(),
    async stop() {
      accepting = false;
      const grace = timeout(STOP_GRACE_MS, "grace over");
      await Promise.race([interactions.idle(), grace.promise]).catch(() => undefined);
      grace.cancel();
      await client.destroy();
    },
  };
}
