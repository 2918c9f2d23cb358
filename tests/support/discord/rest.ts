/**
 * The fake REST API: the routes discord.js and the adapter use, answered from the fake's state
 * the way Discord answers them (status codes, error codes, rate-limit headers, nonce reuse).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type APIModalInteractionResponseCallbackData,
  InteractionResponseType,
  type RESTGetAPIGatewayBotResult,
  type RESTPutAPIApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import type { FakeDiscord } from "./server";
import type { FakeFile, FakeInteraction, RecordedCallback, RecordedRequest } from "./types";

type Reply = (status: number, json?: unknown, headers?: Record<string, string>) => void;

/** One request, parsed. */
interface Ctx {
  discord: FakeDiscord;
  body: Record<string, unknown>;
  files: FakeFile[];
  query: URLSearchParams;
  reply: Reply;
}

type Handler = (ctx: Ctx, params: string[]) => void;

const error = (ctx: Ctx, status: number, message: string, code: number): void =>
  ctx.reply(status, { message, code });

const gatewayBot: Handler = (ctx) => {
  const info: RESTGetAPIGatewayBotResult = {
    url: ctx.discord.gatewayUrl,
    shards: 1,
    session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
  };
  ctx.reply(200, info);
};

const putCommands: Handler = (ctx, [appId = "", guildId]) => {
  const { discord } = ctx;
  if (appId !== discord.applicationId) return error(ctx, 404, "Unknown Application", 10002);
  if (guildId !== undefined && guildId !== discord.guild.id) return error(ctx, 403, "Missing Access", 50001);
  const commands = ctx.body as unknown as RESTPutAPIApplicationCommandsJSONBody;
  const path = guildId
    ? `/applications/${appId}/guilds/${guildId}/commands`
    : `/applications/${appId}/commands`;
  discord.registerCommands(path, commands);
  ctx.reply(
    200,
    commands.map((c) => ({ ...c, id: discord.snowflake(), application_id: appId, version: "1" })),
  );
};

const openDm: Handler = (ctx) => {
  const recipient = String(ctx.body.recipient_id ?? "");
  if (!ctx.discord.users.has(recipient)) return error(ctx, 400, "Unknown User", 10013);
  ctx.reply(200, ctx.discord.channelJson(ctx.discord.dmChannel(recipient)));
};

const getChannel: Handler = (ctx, [channelId = ""]) => {
  const channel = ctx.discord.channels.get(channelId);
  if (!channel) return error(ctx, 404, "Unknown Channel", 10003);
  ctx.reply(200, ctx.discord.channelJson(channel));
};

const postMessage: Handler = (ctx, [channelId = ""]) => {
  const { discord, body } = ctx;
  if (!discord.channels.has(channelId)) return error(ctx, 404, "Unknown Channel", 10003);
  // Headers as Discord sends them; Remaining never reaches 0, so only a forced 429 limits.
  const headers = {
    "X-RateLimit-Limit": "5",
    "X-RateLimit-Remaining": "4",
    "X-RateLimit-Reset": String(Date.now() / 1000 + 5),
    "X-RateLimit-Reset-After": "5",
    "X-RateLimit-Bucket": `bucket-${channelId}`,
  };
  const nonce = body.nonce as string | number | undefined;
  const key = `${channelId}:${String(nonce)}`;
  const earlier = nonce !== undefined && body.enforce_nonce === true ? discord.nonces.get(key) : undefined;
  // With enforce_nonce, Discord answers a repeated nonce with the message it already made.
  if (earlier) return ctx.reply(200, earlier.message, headers);
  const created = discord.createMessage(channelId, body, ctx.files, { source: "rest" });
  if (nonce !== undefined) discord.nonces.set(key, created);
  ctx.reply(200, created.message, headers);
};

/**
 * Applies an interaction's first answer, however it came (the callback endpoint, or the HTTP
 * response of the interactions endpoint). Returns Discord's error when it refuses it.
 */
export function applyCallback(
  discord: FakeDiscord,
  interaction: FakeInteraction,
  body: Record<string, unknown>,
  files: FakeFile[],
): { status: number; message: string; code: number } | undefined {
  const { id } = interaction;
  if (interaction.callbacks.length > 0) {
    return { status: 400, message: "Interaction has already been acknowledged.", code: 40060 };
  }
  const type = Number(body.type) as InteractionResponseType;
  const data = (body.data ?? {}) as Record<string, unknown>;
  switch (type) {
    case InteractionResponseType.ChannelMessageWithSource:
    case InteractionResponseType.DeferredChannelMessageWithSource: {
      const source = type === InteractionResponseType.ChannelMessageWithSource ? "reply" : "deferred";
      const created = discord.createMessage(interaction.channelId, data, files, {
        source,
        interactionId: id,
      });
      interaction.originalId = created.message.id;
      break;
    }
    case InteractionResponseType.DeferredMessageUpdate:
      if (interaction.messageId) interaction.originalId = interaction.messageId;
      break;
    case InteractionResponseType.UpdateMessage:
      if (!interaction.messageId) return { status: 400, message: "Not a component interaction", code: 50035 };
      discord.editMessage(discord.message(interaction.messageId), data, files);
      interaction.originalId = interaction.messageId;
      break;
    case InteractionResponseType.Modal:
      discord.modals.set(interaction.userId, data as unknown as APIModalInteractionResponseCallbackData);
      break;
    default:
      break;
  }
  const recorded: RecordedCallback = { interactionId: id, type, data: body.data as Record<string, unknown> };
  interaction.callbacks.push(recorded);
  discord.callbacks.push(recorded);
  return undefined;
}

const callback: Handler = (ctx, [id = "", token = ""]) => {
  const interaction = ctx.discord.interactions.get(id);
  if (!interaction || interaction.token !== token) return error(ctx, 404, "Unknown interaction", 10062);
  const refused = applyCallback(ctx.discord, interaction, ctx.body, ctx.files);
  if (refused) return error(ctx, refused.status, refused.message, refused.code);
  ctx.reply(204);
};

const currentApplication: Handler = (ctx) => {
  const { discord } = ctx;
  ctx.reply(200, { id: discord.applicationId, name: "Amends", bot: discord.bot, flags: 0 });
};

/** The interaction a webhook token belongs to, once it has been acknowledged. */
function acknowledged(ctx: Ctx, appId: string, token: string) {
  const interaction = [...ctx.discord.interactions.values()].find((i) => i.token === token);
  if (appId !== ctx.discord.applicationId || !interaction) {
    error(ctx, 404, "Unknown Webhook", 10015);
    return undefined;
  }
  if (interaction.callbacks.length === 0) {
    error(ctx, 400, "The interaction has not been acknowledged", 40060);
    return undefined;
  }
  return interaction;
}

const followUp: Handler = (ctx, [appId = "", token = ""]) => {
  const interaction = acknowledged(ctx, appId, token);
  if (!interaction) return;
  const created = ctx.discord.createMessage(interaction.channelId, ctx.body, ctx.files, {
    source: "followup",
    interactionId: interaction.id,
  });
  if (ctx.query.get("wait") === "true") ctx.reply(200, created.message);
  else ctx.reply(204);
};

/** `@original` or a follow-up's id, as a message of the fake. */
function webhookMessage(ctx: Ctx, appId: string, token: string, messageId: string) {
  const interaction = acknowledged(ctx, appId, token);
  if (!interaction) return undefined;
  const id = decodeURIComponent(messageId);
  const targetId = id === "@original" ? interaction.originalId : id;
  const target = ctx.discord.messages.find((m) => m.message.id === targetId);
  if (!target) error(ctx, 404, "Unknown Message", 10008);
  return target;
}

const editWebhookMessage: Handler = (ctx, [appId = "", token = "", messageId = ""]) => {
  const target = webhookMessage(ctx, appId, token, messageId);
  if (!target) return;
  ctx.discord.editMessage(target, ctx.body, ctx.files);
  ctx.reply(200, target.message);
};

const deleteWebhookMessage: Handler = (ctx, [appId = "", token = "", messageId = ""]) => {
  const target = webhookMessage(ctx, appId, token, messageId);
  if (!target) return;
  target.deleted = true;
  ctx.reply(204);
};

const ROUTES: [string, RegExp, Handler][] = [
  ["GET", /^\/gateway\/bot$/, gatewayBot],
  ["GET", /^\/applications\/@me$/, currentApplication],
  ["PUT", /^\/applications\/(\d+)\/commands$/, putCommands],
  ["PUT", /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, putCommands],
  ["POST", /^\/users\/@me\/channels$/, openDm],
  ["GET", /^\/channels\/(\d+)$/, getChannel],
  ["POST", /^\/channels\/(\d+)\/messages$/, postMessage],
  ["POST", /^\/interactions\/(\d+)\/([^/]+)\/callback$/, callback],
  ["POST", /^\/webhooks\/(\d+)\/([^/]+)$/, followUp],
  ["PATCH", /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, editWebhookMessage],
  ["DELETE", /^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/, deleteWebhookMessage],
];

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or multipart with `payload_json` and `files[n]` (how discord.js uploads attachments). */
async function parseBody(req: IncomingMessage): Promise<{ body: unknown; files: FakeFile[] }> {
  const raw = await readAll(req);
  const type = String(req.headers["content-type"] ?? "");
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": type } }).formData();
    const files: FakeFile[] = [];
    type Alt = { attachments?: { id: number | string; description?: string }[] };
    const body = JSON.parse(String(form.get("payload_json") ?? "{}")) as Alt & { data?: Alt };
    // A message body has them at the top; an interaction callback in its `data`.
    const attachments = body.attachments ?? body.data?.attachments;
    for (const [key, value] of form.entries()) {
      if (key.startsWith("files[") && typeof value !== "string") {
        const index = key.slice("files[".length, -1);
        const alt = attachments?.find((a) => String(a.id) === index)?.description;
        const bytes = Buffer.from(await value.arrayBuffer());
        files.push({
          name: value.name,
          content: bytes.toString("utf8"),
          bytes,
          ...(value.type ? { contentType: value.type } : {}),
          ...(alt !== undefined ? { description: alt } : {}),
        });
      }
    }
    return { body, files };
  }
  return { body: raw.length > 0 ? JSON.parse(raw.toString("utf8")) : undefined, files: [] };
}

function send(
  res: ServerResponse,
  status: number,
  json?: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = json === undefined || status === 204 ? "" : JSON.stringify(json);
  res.writeHead(status, { ...(text ? { "content-type": "application/json" } : {}), ...headers });
  res.end(text);
}

/** Answers one HTTP request to the fake REST API, recording it first. */
export async function handleRest(
  discord: FakeDiscord,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", discord.apiBase);
  const { body, files } = await parseBody(req);
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/^\/api\/v10/, "");
  const record: RecordedRequest = {
    method,
    path,
    query: url.searchParams,
    body,
    status: 0,
    at: Date.now(),
    forced: false,
  };
  discord.requests.push(record);
  const reply: Reply = (status, json, headers) => {
    record.status = status;
    send(res, status, json, headers);
  };

  const forced = discord.fault?.({ method, path, body });
  if (forced) {
    record.forced = true;
    reply(forced.status, forced.body, forced.headers);
    return;
  }
  // Interaction callbacks and webhooks are authorised by their token in the path, not the bot's.
  const byToken = /^\/(interactions|webhooks)\//.test(path);
  if (!byToken && req.headers.authorization !== `Bot ${discord.token}`) {
    reply(401, { message: "401: Unauthorized", code: 0 });
    return;
  }
  const ctx: Ctx = {
    discord,
    body: (body ?? {}) as Record<string, unknown>,
    files,
    query: url.searchParams,
    reply,
  };
  // A webhook call can overtake the HTTP response that acknowledged its interaction (both leave
  // the bot at once); Discord orders them, so the fake waits for that response first.
  const webhook = /^\/webhooks\/\d+\/([^/]+)/.exec(path);
  const pending = webhook && [...discord.interactions.values()].find((i) => i.token === webhook[1])?.acked;
  if (pending) await pending;
  for (const [m, pattern, handler] of ROUTES) {
    const match = m === method ? pattern.exec(path) : null;
    if (match) {
      handler(ctx, match.slice(1));
      return;
    }
  }
  reply(404, { message: "404: Not Found", code: 0 });
}

/** Sends a 500 for a request the fake itself failed on (a bug in the fake, shown in the test). */
export function failRequest(res: ServerResponse, cause: unknown): void {
  send(res, 500, { message: String(cause), code: 0 });
}
