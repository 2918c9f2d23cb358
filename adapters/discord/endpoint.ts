/**
 * The interactions endpoint: a node:http server Discord POSTs interactions to. A request is
 * verified (signature and freshness) from its raw bytes and refused with 401 before any JSON is
 * parsed; a PING is answered PONG; anything else is handed on, and the first answer it produces
 * becomes the HTTP response (Discord wants it within 3 seconds).
 */

import type { KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  type APIInteraction,
  type APIInteractionResponse,
  InteractionResponseType,
  InteractionType,
} from "discord.js";
import type { Logger } from "../../src/log";
import { closeServer, listen, MAX_BODY_BYTES, readBody } from "../http-server";
import { verifyInteraction } from "./signature";

/** The path Discord is configured to POST to (the portal's "Interactions Endpoint URL"). */
export const INTERACTIONS_PATH = "/interactions";

export { MAX_BODY_BYTES } from "../http-server";

/**
 * Answers one verified interaction. `respond` sends the HTTP response and resolves once it has
 * gone (so a webhook edit after it finds the interaction acknowledged); the returned promise
 * settles when everything, follow-ups included, is done.
 */
export type AnswerInteraction = (
  interaction: APIInteraction,
  respond: (response: APIInteractionResponse) => Promise<void>,
) => Promise<void>;

/** What {@link startEndpoint} needs. */
export interface EndpointOptions {
  port: number;
  /** Default `0.0.0.0`. */
  host?: string;
  key: KeyObject;
  log: Logger;
  /** The wall clock, in ms, for the signature's freshness. */
  now: () => number;
  answer: AnswerInteraction;
}

/** A running endpoint. */
export interface Endpoint {
  port: number;
  /** Refuses new interactions (503) from now on; those in progress still get their answer. */
  refuse(): void;
  /** Stops listening and closes the connections. */
  close(): Promise<void>;
}

function plain(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "text/plain" }).end(String(status));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Starts the endpoint and resolves once it listens. */
export async function startEndpoint(opts: EndpointOptions): Promise<Endpoint> {
  const { log } = opts;
  let accepting = true;
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      log.error(
        { error: error instanceof Error ? error.message : String(error) },
        "discord: endpoint failed",
      );
      plain(res, 500);
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path !== INTERACTIONS_PATH) return plain(res, 404);
    if (req.method !== "POST") return plain(res, 405);
    if (Number(header(req, "content-length") ?? 0) > MAX_BODY_BYTES) return plain(res, 413);
    const body = await readBody(req);
    if (body === null) return plain(res, 413);
    const problem = verifyInteraction(
      opts.key,
      { signature: header(req, "x-signature-ed25519"), timestamp: header(req, "x-signature-timestamp") },
      body,
      opts.now(),
    );
    if (problem) {
      log.warn({ problem }, "discord: interaction with a bad signature refused");
      return plain(res, 401);
    }
    let interaction: APIInteraction;
    try {
      interaction = JSON.parse(body.toString("utf8")) as APIInteraction;
    } catch {
      return plain(res, 400);
    }
    if (typeof interaction?.type !== "number") return plain(res, 400);
    if (interaction.type === InteractionType.Ping) return json(res, { type: InteractionResponseType.Pong });
    // Draining: Discord shows the person "This interaction failed" and the load balancer retries elsewhere next time.
    if (!accepting) return plain(res, 503);
    await answerOver(res, interaction);
  }

  /** The first answer as the response; whatever follows it runs on after the response went. */
  async function answerOver(res: ServerResponse, interaction: APIInteraction): Promise<void> {
    let first: ((r: APIInteractionResponse) => void) | undefined;
    const firstAnswer = new Promise<APIInteractionResponse>((resolve) => {
      first = resolve;
    });
    const gone = new Promise<void>((resolve) => {
      res.once("finish", resolve);
      res.once("close", resolve);
    });
    const task = opts.answer(interaction, async (response) => {
      first?.(response);
      await gone;
    });
    const answer = await Promise.race([firstAnswer, task.then(() => undefined)]);
    // Only a bug leaves an interaction unanswered; Discord then shows "This interaction failed".
    if (!answer) return plain(res, 500);
    json(res, answer);
  }

  const port = await listen(server, opts.port, opts.host ?? "0.0.0.0");
  return {
    port,
    refuse() {
      accepting = false;
    },
    close: () => closeServer(server, true),
  };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}
