/**
 * The Telegram adapter: grammY over the Bot API, by long polling or a webhook. It turns
 * messages and button presses into {@link Engine.handle} calls, answers the person who acted,
 * and provides the {@link Courier} the dispatcher delivers outbox messages through.
 *
 * The composition root calls {@link startTelegram} once and hands `courier` to the dispatcher.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { Api, Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../src/log";
import type { Courier, Engine } from "../../src/types";
import { registerCommands } from "./commands";
import { createTelegramCourier } from "./courier";
import { describeFailure } from "./errors";
import { createUpdateHandlers } from "./updates";
import { SECRET_PATTERN, startWebhookServer, type WebhookServer } from "./webhook";

export { botCommands } from "./commands";
export { createTelegramCourier, deliveryResultFor } from "./courier";
export { classifyFailure, type TelegramFailure } from "./errors";
export { actorOf, chatOf, targetChatId } from "./identity";
export { inlineKeyboard } from "./keyboard";
export { callbackData, entitiesToHtml, escapeHtml, renderHtml } from "./render";

/** How the composition root configures the adapter (from `TELEGRAM_*` variables). */
export interface TelegramOptions {
  /** `TELEGRAM_BOT_TOKEN`. Never logged. */
  token: string;
  engine: Engine;
  log: Logger;
  /** `TELEGRAM_API_ROOT`, e.g. a self-hosted `telegram-bot-api`; a trailing slash is stripped. */
  apiRoot?: string;
  /** Webhook mode when set (`TELEGRAM_WEBHOOK_URL`, `_SECRET`, `_PORT`); long polling otherwise. */
  webhook?: { url: string; secret: string; port: number; host?: string };
  /** Long polling timeout in seconds (default 30; tests use less). */
  pollingTimeoutSeconds?: number;
}

/** A running adapter. */
export interface TelegramAdapter {
  /** Delivers outbox messages; give it to the dispatcher. */
  courier: Courier;
  /** The bot's @username (without the @), from getMe. */
  botUsername: string;
  /** Stops polling or the webhook server and waits for the updates being handled. */
  stop(): Promise<void>;
}

/** grammY's client options for `TELEGRAM_API_ROOT` (a trailing slash stripped). */
function clientOf(apiRoot: string | undefined): { apiRoot?: string } {
  const root = apiRoot?.trim().replace(/\/+$/, "");
  return root ? { apiRoot: root } : {};
}

/**
 * A worker's Telegram: signs in (`getMe`, so a wrong token stops the start with a reason) and
 * gives the courier, without receiving any update (the fronts do that, by webhook).
 */
export async function startTelegramSender(
  opts: Pick<TelegramOptions, "token" | "apiRoot" | "log">,
): Promise<Pick<TelegramAdapter, "courier" | "botUsername" | "stop">> {
  const api = new Api(opts.token, { ...clientOf(opts.apiRoot), timeoutSeconds: 30 });
  let me: Awaited<ReturnType<Api["getMe"]>>;
  try {
    me = await api.getMe();
  } catch (error) {
    throw new Error(
      `Telegram getMe failed (${describeFailure(error)}); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT`,
    );
  }
  opts.log.info({ id: me.id, username: me.username }, "telegram: signed in to send");
  return { courier: createTelegramCourier(api, opts.log), botUsername: me.username, stop: async () => {} };
}

/** The updates Amends reads; Telegram sends nothing else. */
const ALLOWED_UPDATES = ["message", "callback_query"] as const;

/**
 * Signs in (`getMe`), registers the command menu, and starts receiving updates.
 * @throws Error when the token is refused or the API cannot be reached at start-up; the message
 * names the variable to check, never its value.
 */
export async function startTelegram(opts: TelegramOptions): Promise<TelegramAdapter> {
  const { engine, log, webhook } = opts;
  const client = clientOf(opts.apiRoot);
  if (webhook && !SECRET_PATTERN.test(webhook.secret)) {
    throw new Error("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -");
  }

  const pollSeconds = opts.pollingTimeoutSeconds ?? 30;
  // Updates are handled one after another, so a call hanging on a dead connection would hold up
  // every chat: no call may take much longer than a long poll.
  const bot = new Bot(opts.token, { client: { ...client, timeoutSeconds: pollSeconds + 30 } });
  // Direct answers may wait out a short 429. The courier gets its own client without this: the
  // dispatcher retries outbox messages, and retrying in both places would double every wait.
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 2,
      maxDelaySeconds: 5,
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  const courier = createTelegramCourier(new Api(opts.token, { ...client, timeoutSeconds: 30 }), log);

  try {
    // One getMe, not bot.init(): init retries network errors forever, so an unreachable API
    // root would hang the start silently instead of failing with a reason.
    bot.botInfo = await bot.api.getMe();
  } catch (error) {
    throw new Error(
      `Telegram getMe failed (${describeFailure(error)}); check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT`,
    );
  }
  const botUsername = bot.botInfo.username;
  log.info({ id: bot.botInfo.id, username: botUsername }, "telegram: signed in");
  await registerCommands(bot.api, log);

  const inFlight = new Set<Promise<unknown>>();
  bot.use(async (_ctx, next) => {
    const running = next();
    inFlight.add(running);
    try {
      await running;
    } finally {
      inFlight.delete(running);
    }
  });
  bot.use(createUpdateHandlers({ engine, log, api: bot.api, botUsername, now: Date.now }));
  const onError = (update: Update | undefined, error: unknown): void => {
    log.error({ update: update?.update_id, error: describeFailure(error) }, "telegram: update failed");
  };
  // One bad update must never stop polling: log it and go on with the next.
  bot.catch((err) => onError(err.ctx.update, err.error));

  let server: WebhookServer | undefined;
  let polling: Promise<void> | undefined;
  if (webhook) {
    server = await startWebhookServer({
      port: webhook.port,
      ...(webhook.host ? { host: webhook.host } : {}),
      secret: webhook.secret,
      log,
      handle: async (update) => {
        try {
          await bot.handleUpdate(update);
        } catch (error) {
          onError(update, error instanceof Error && "error" in error ? error.error : error);
        }
      },
    });
    try {
      await bot.api.setWebhook(webhook.url, {
        secret_token: webhook.secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
    } catch (error) {
      await server.close();
      throw new Error(`Telegram setWebhook failed (${describeFailure(error)}); check TELEGRAM_WEBHOOK_URL`);
    }
    log.info({ port: server.port }, "telegram: webhook server listening");
  } else {
    await new Promise<void>((resolve, reject) => {
      polling = bot
        .start({
          timeout: pollSeconds,
          allowed_updates: [...ALLOWED_UPDATES],
          onStart: () => resolve(),
        })
        .catch((error: unknown) => {
          log.error({ error: describeFailure(error) }, "telegram: polling stopped");
          reject(new Error(`Telegram polling failed (${describeFailure(error)})`));
        });
    });
    log.info({}, "telegram: long polling");
  }

  let stopped: Promise<void> | undefined;
  return {
    courier,
    botUsername,
    stop() {
      stopped ??= (async () => {
        if (server) await server.close();
        if (polling) {
          // Aborts the pending getUpdates and confirms the offset, then lets the batch finish.
          await bot.stop().catch((error: unknown) => {
            log.warn({ error: describeFailure(error) }, "telegram: could not confirm the update offset");
          });
          await polling;
        }
        await Promise.allSettled([...inFlight]);
        log.info({}, "telegram: stopped");
      })();
      return stopped;
    },
  };
}
