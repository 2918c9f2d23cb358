/**
 * The Discord adapter's HTTP mode, for a fleet of front processes behind a load balancer:
 * Discord POSTs each interaction to `POST /interactions` (signed with the application's Ed25519
 * key), the first answer is the HTTP response, and everything else (edits, follow-ups, command
 * registration, the outbox) goes over REST. No gateway connection, no sharding: any number of
 * processes can answer, and whichever gets an interaction answers it.
 *
 * The interactions are answered by the same core as the gateway mode (./interactions.ts); only
 * the first answer travels differently (./endpoint.ts).
 */

import { type RawFile, REST } from "@discordjs/rest";
import {
  type APIApplication,
  type APIInteraction,
  type APIInteractionResponse,
  InteractionResponseType,
  MessageFlags,
  type RateLimitData,
  Routes,
} from "discord.js";
import type { Logger } from "../../src/log";
import type { Store } from "../../src/store/port";
import type { Clock, Courier, Engine } from "../../src/types";
import { type CommandScope, registerCommands } from "./commands";
import { createDiscordCourier, LONG_RATE_LIMIT_MS } from "./courier";
import { type Endpoint, startEndpoint } from "./endpoint";
import { describeError } from "./errors";
import { createInteractionHandler } from "./interactions";
import type { MessageBody } from "./outgoing";
import { type Responder, webhookOps } from "./responder";
import { publicKeyFrom } from "./signature";

/** What {@link startDiscordHttp} needs. */
export interface DiscordHttpOptions {
  /** `DISCORD_PUBLIC_KEY`: the application's public key from the Developer Portal (64 hex). */
  publicKey: string;
  /** `DISCORD_TOKEN`: for REST (registration, the outbox). Never logged. */
  token: string;
  engine: Engine;
  /** Only for the registered command table's hash, in the meta table. */
  store: Store;
  clock: Clock;
  log: Logger;
  /** `DISCORD_HTTP_PORT`; 0 picks a free one (see `port` on the result). */
  port: number;
  /** The interface to listen on; default `0.0.0.0`. */
  host?: string;
  /** `DISCORD_APPLICATION_ID`; checked against the token's application, which is used when unset. */
  applicationId?: string;
  /** `DISCORD_GUILD_ID`: register commands to this server (instant), else globally. */
  guildId?: string;
  /** `DISCORD_API_BASE`, e.g. `http://127.0.0.1:PORT/api` for a test server or a REST proxy. */
  apiBase?: string;
  /** How long to wait for the engine before deferring an answer; default 1 500 ms. */
  deferAfterMs?: number;
  /** Called after each command or click the engine handled: wake the dispatcher here. */
  afterHandle?: () => void;
  /** The wall clock for signature freshness; default `Date.now` (never the engine's clock). */
  now?: () => number;
}

/** A running HTTP-mode Discord adapter. */
export interface DiscordHttp {
  /** Delivers outbox rows of platform `"discord"` over REST; give it to the dispatcher. */
  courier: Courier;
  /** The application the commands were registered to. */
  applicationId: string;
  /** The port the endpoint listens on. */
  port: number;
  /** Resolves once every interaction being handled has been answered in full. */
  idle(): Promise<void>;
  /** Refuses new interactions, lets those in progress finish (a few seconds at most), then closes. */
  stop(): Promise<void>;
}

/** How long `stop()` lets interactions in progress finish. */
const STOP_GRACE_MS = 5_000;

/**
 * The HTTP mode's responder: the first answer is the HTTP response. That response carries JSON
 * only, so an answer with a file (`/export`) is acknowledged first and put in place with the
 * file by a webhook edit.
 */
export function httpResponder(
  rest: REST,
  interaction: APIInteraction,
  respond: (response: APIInteractionResponse) => Promise<void>,
): Responder {
  const ops = webhookOps(rest, interaction);
  return {
    ...ops,
    async callback(response, files?: RawFile[]) {
      const withFile = files && files.length > 0 && "data" in response && response.data;
      if (!withFile) return respond(response);
      const data = response.data as MessageBody["body"];
      if (response.type === InteractionResponseType.ChannelMessageWithSource) {
        const flags = (data.flags ?? 0) & MessageFlags.Ephemeral;
        await respond({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags } });
      } else await respond({ type: InteractionResponseType.DeferredMessageUpdate });
      // An edit may only set SuppressEmbeds; the visibility was fixed by the deferral.
      const { flags, ...rest } = data;
      const body = {
        ...rest,
        ...(flags !== undefined ? { flags: flags & MessageFlags.SuppressEmbeds } : {}),
      };
      await ops.editOriginal({ body, files });
    },
  };
}

/**
 * Checks the token, starts the endpoint, registers the slash commands if the table (or its
 * scope) changed since this database last did, and returns the REST courier.
 *
 * @throws when the public key is malformed, the token is refused, the application id does not
 *   match it, or the port cannot be listened on.
 */
export async function startDiscordHttp(opts: DiscordHttpOptions): Promise<DiscordHttp> {
  const { engine, store, clock, log } = opts;
  const key = publicKeyFrom(opts.publicKey);
  const { rest, application } = await signIn(opts);
  if (opts.applicationId && opts.applicationId !== application.id) {
    throw new Error("Discord start failed: DISCORD_APPLICATION_ID is not the token's application");
  }
  const applicationId = application.id;

  const interactions = createInteractionHandler({
    engine,
    log,
    ...(opts.deferAfterMs !== undefined ? { deferAfterMs: opts.deferAfterMs } : {}),
    ...(opts.afterHandle ? { afterHandle: opts.afterHandle } : {}),
  });
  const endpoint: Endpoint = await startEndpoint({
    port: opts.port,
    ...(opts.host ? { host: opts.host } : {}),
    key,
    log,
    now: opts.now ?? Date.now,
    answer: (interaction, respond) =>
      interactions.handle(interaction, httpResponder(rest, interaction, respond)),
  });

  const scope: CommandScope = opts.guildId ? { kind: "guild", guildId: opts.guildId } : { kind: "global" };
  try {
    await registerCommands({ rest, store, clock, log, applicationId, scope });
  } catch (error) {
    // The bot still answers the commands registered before; the next start tries again.
    log.error({ error: describeError(error) }, "discord command registration failed");
  }
  log.info({ applicationId, scope: scope.kind, port: endpoint.port }, "discord interactions endpoint ready");

  return {
    courier: createDiscordCourier({ rest, log }),
    applicationId,
    port: endpoint.port,
    idle: () => interactions.idle(),
    async stop() {
      endpoint.refuse();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS);
      });
      await Promise.race([interactions.idle(), grace]);
      clearTimeout(timer);
      await endpoint.close();
    },
  };
}

/**
 * A worker's Discord: checks the token over REST and gives the REST courier, without receiving
 * anything (the fronts' endpoints do that) and without a gateway connection.
 */
export async function startDiscordSender(
  opts: Pick<DiscordHttpOptions, "token" | "apiBase" | "log">,
): Promise<{ courier: Courier; stop(): Promise<void> }> {
  const { rest, application } = await signIn(opts);
  opts.log.info({ applicationId: application.id }, "discord: signed in to send");
  return { courier: createDiscordCourier({ rest, log: opts.log }), stop: async () => {} };
}

/**
 * A REST client on the token (a 429 asking for a long wait is handed back to the dispatcher, as
 * in the gateway mode) and the application it belongs to: a refused token stops the start.
 */
async function signIn(
  opts: Pick<DiscordHttpOptions, "token" | "apiBase">,
): Promise<{ rest: REST; application: APIApplication }> {
  const rest = new REST({
    ...(opts.apiBase ? { api: opts.apiBase } : {}),
    rejectOnRateLimit: (data: RateLimitData) => data.retryAfter > LONG_RATE_LIMIT_MS,
  }).setToken(opts.token);
  try {
    return { rest, application: (await rest.get(Routes.currentApplication())) as APIApplication };
  } catch (error) {
    throw new Error(`Discord start failed: ${describeError(error)}`);
  }
}
