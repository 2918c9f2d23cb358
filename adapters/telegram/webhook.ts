/**
 * Webhook mode: a small node:http server Telegram POSTs updates to. Every request must carry the
 * secret given to `setWebhook` in `X-Telegram-Bot-Api-Secret-Token`; anything else is refused
 * before its body is read. An update is answered 200 once handled (so Telegram sends a chat's
 * updates in order) and also when handling failed: a poison update must not come back forever.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Update } from "grammy/types";
import type { Logger } from "../../src/log";
import { closeServer, listen, readBody } from "../http-server";

/** Telegram's rule for secret tokens: 1–256 of `A-Z a-z 0-9 _ -`. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** A running webhook server. */
export interface WebhookServer {
  /** The port it listens on (useful when 0 was asked for). */
  port: number;
  /** Stops accepting requests and waits for the ones in progress. */
  close(): Promise<void>;
}

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  port: number;
  host?: string;
  secret: string;
  log: Logger;
  /** Handles one update; a rejection is logged and still answered 200. */
  handle: (update: Update) => Promise<void>;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

/** True when `header` is the secret; compared in constant time over equal-length digests. */
export function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && timingSafeEqual(digest(value), digest(secret));
}

function reply(res: ServerResponse, status: number): void {
  res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "" : String(status));
}

/** Starts the webhook server and resolves once it listens. */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const { log } = opts;
  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      log.error(
        { error: error instanceof Error ? error.message : String(error) },
        "telegram: webhook failed",
      );
      if (!res.headersSent) reply(res, 500);
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") return reply(res, 405);
    if (!secretMatches(req.headers["x-telegram-bot-api-secret-token"], opts.secret)) {
      log.warn({}, "telegram: webhook request with a wrong secret refused");
      return reply(res, 401);
    }
    const body = await readBody(req);
    if (body === null) return reply(res, 413);
    let update: Update;
    try {
      update = JSON.parse(body.toString("utf8")) as Update;
    } catch {
      return reply(res, 400);
    }
    if (typeof update?.update_id !== "number") return reply(res, 400);
    try {
      await opts.handle(update);
    } catch (error) {
      log.error(
        { update: update.update_id, error: error instanceof Error ? error.name : "error" },
        "telegram: update failed",
      );
    }
    reply(res, 200);
  }

  const port = await listen(server, opts.port, opts.host ?? "0.0.0.0");
  return { port, close: () => closeServer(server) };
}
