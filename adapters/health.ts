/**
 * The operators' HTTP endpoints, on a port of their own (node:http, nothing else):
 * - `GET /healthz`: 200 `ok` while the process is alive enough to answer;
 * - `GET /readyz`: 200 when every readiness check passes, else 503 with one line per failing
 *   check (its name and a fixed reason: never an error's text, which may hold a URL or a token);
 * - `GET /metrics`: the Prometheus text format of a prom-client registry (./metrics.ts).
 * Anything else is 404. It binds 127.0.0.1 unless told otherwise: metrics describe the fleet
 * and belong to the scraper, not to the internet.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { describeError } from "../src/dispatch/outcomes";
import type { Logger } from "../src/log";
import type { Store } from "../src/store/port";
import { closeServer, listen } from "./http-server";
import { TimeoutError, withTimeout } from "./metrics";

/**
 * What a check answers: true (or nothing) when ready; false, or a short fixed reason written by
 * the code (never an error's message), when not. A check that throws counts as failed; its
 * error goes to the log, redacted, not to the response.
 */
export type CheckAnswer = boolean | string | undefined;

/** One readiness condition, named in the `/readyz` body. */
export interface ReadinessCheck {
  /** Short and stable, e.g. `database`, `migrations`, `telegram`. */
  name: string;
  check(): CheckAnswer | Promise<CheckAnswer>;
}

/** How the server is started. */
export interface HealthServerOptions {
  /** 0 picks a free port (tests); the chosen one is in {@link HealthServer.port}. */
  port: number;
  /** Default 127.0.0.1; `0.0.0.0` (or `::`) to be scraped from other machines. */
  host?: string;
  checks: readonly ReadinessCheck[];
  registry: Registry;
  log: Logger;
  /** A check that has not answered by then fails as timed out; default 2000. */
  checkTimeoutMs?: number;
}

/** A running health server. */
export interface HealthServer {
  /** The port it listens on. */
  port: number;
  /** Stops listening; requests in progress finish, idle keep-alive connections are closed. */
  close(): Promise<void>;
}

/**
 * The store answers a read: the probe the scheduler's idle tick is made of, read-only and
 * read committed, so on PostgreSQL it runs on the pool without BEGIN and waits for no lock.
 */
export function databaseCheck(store: Store): ReadinessCheck {
  return {
    name: "database",
    async check() {
      await store.transaction((tx) => tx.nextWorkAt(), { readOnly: true, isolation: "read committed" });
      return true;
    },
  };
}

/**
 * The database's schema is the one this code expects. `current` is the composition root's
 * answer: the store applies every migration before it opens (and on SQLite refuses a database a
 * newer version migrated), so a store that opened is current, and a schema that fell behind
 * shows as the database check failing.
 */
export function migrationsCheck(current: () => boolean | Promise<boolean>): ReadinessCheck {
  return {
    name: "migrations",
    async check() {
      return (await current()) ? true : "not applied";
    },
  };
}

/** A platform adapter is signed in (its client connected, its token accepted). */
export function platformCheck(platform: string, signedIn: () => boolean | Promise<boolean>): ReadinessCheck {
  return {
    name: platform,
    async check() {
      return (await signedIn()) ? true : "not signed in";
    },
  };
}

/** A short reason fit for the response: only fixed words, nothing of what the check said in an error. */
const REASON = /^[\w .,:;()/'-]{1,80}$/;

/** Runs one check under the timeout; resolves with a failure reason, or null when ready. */
async function failureOf(c: ReadinessCheck, timeoutMs: number, log: Logger): Promise<string | null> {
  try {
    const answer = await withTimeout(
      Promise.resolve().then(() => c.check()),
      timeoutMs,
    );
    if (answer === true || answer === undefined) return null;
    if (answer === false) return "failed";
    // A reason is the check author's fixed text; anything else is not shown.
    return REASON.test(answer) ? answer : "failed";
  } catch (err) {
    if (err instanceof TimeoutError) return `timed out after ${timeoutMs} ms`;
    log.warn({ check: c.name, error: redact(describeError(err)) }, "readiness check failed");
    return "failed";
  }
}

/** describeError keeps tokens out; this also keeps a database URL's user and password out of the log. */
function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1[redacted]@");
}

/** Starts the server; resolves once it listens. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const { registry, log } = opts;
  const timeoutMs = opts.checkTimeoutMs ?? 2_000;

  async function ready(res: ServerResponse): Promise<void> {
    const results = await Promise.all(
      opts.checks.map(async (c) => ({ name: c.name, failure: await failureOf(c, timeoutMs, log) })),
    );
    const failing = results.filter((r) => r.failure !== null);
    if (failing.length === 0) {
      reply(
        res,
        200,
        "text/plain; charset=utf-8",
        `${["ready", ...results.map((r) => `${r.name}: ok`)].join("\n")}\n`,
      );
      return;
    }
    reply(
      res,
      503,
      "text/plain; charset=utf-8",
      `${failing.map((r) => `${r.name}: ${r.failure}`).join("\n")}\n`,
    );
  }

  async function metrics(res: ServerResponse): Promise<void> {
    try {
      const body = await registry.metrics();
      reply(res, 200, registry.contentType, body);
    } catch (err) {
      log.error({ error: redact(describeError(err)) }, "metrics could not be collected");
      reply(res, 500, "text/plain; charset=utf-8", "metrics unavailable\n");
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The path alone: a scraper may add a query string, and no route reads one.
    const path = (req.url ?? "/").split("?", 1)[0];
    const known = path === "/healthz" || path === "/readyz" || path === "/metrics";
    if (!known) return reply(res, 404, "text/plain; charset=utf-8", "not found\n");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return reply(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
    }
    if (path === "/healthz") return reply(res, 200, "text/plain; charset=utf-8", "ok\n");
    if (path === "/readyz") return ready(res);
    return metrics(res);
  }

  const server = createServer((req, res) => {
    // No request body is read; drain one so the connection can be reused.
    req.resume();
    route(req, res).catch((err: unknown) => {
      log.error({ error: redact(describeError(err)) }, "health endpoint failed");
      if (!res.headersSent) reply(res, 500, "text/plain; charset=utf-8", "error\n");
      else res.destroy();
    });
  });
  // A scraper that stalls must not hold a socket for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  const host = opts.host ?? "127.0.0.1";
  const port = await listen(server, opts.port, host);
  server.on("error", (err) => log.error({ error: redact(describeError(err)) }, "health server error"));
  log.info({ host, port }, "health and metrics listening");

  return {
    port,
    close: () => closeServer(server),
  };
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    // Probes and scrapes must see now, never a cached answer.
    "Cache-Control": "no-store",
  });
  res.end(body);
}
