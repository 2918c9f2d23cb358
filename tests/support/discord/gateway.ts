/**
 * The fake gateway: HELLO, IDENTIFY → READY (+ GUILD_CREATE), heartbeats, RESUME → RESUMED, and
 * the two ways Discord asks a client to reconnect (op 7, close code 4000).
 */

import type { Server } from "node:http";
import { GatewayOpcodes, type GatewayReadyDispatchData } from "discord-api-types/v10";
import { type WebSocket, WebSocketServer } from "ws";

/** What the gateway needs from the server it belongs to. */
export interface GatewayHost {
  token: string;
  /** READY's payload for a new session, and the GUILD_CREATEs that follow it. */
  ready(sessionId: string): { ready: GatewayReadyDispatchData; guilds: unknown[] };
}

/** A gateway on the HTTP server's port (any path upgrades). */
export class FakeGateway {
  /** Counters tests assert on. */
  readonly counts = { identifies: 0, resumes: 0, connections: 0, intents: [] as number[] };
  /** The heartbeat interval HELLO asks for; long, so tests are not busy with heartbeats. */
  heartbeatMs = 60_000;

  #wss: WebSocketServer;
  #host: GatewayHost;
  #socket: WebSocket | null = null;
  #session: { id: string; seq: number } | null = null;

  constructor(server: Server, host: GatewayHost) {
    this.#host = host;
    this.#wss = new WebSocketServer({ server });
    this.#wss.on("connection", (socket) => this.#onConnection(socket));
  }

  /** True while a client is connected with a session. */
  get connected(): boolean {
    return this.#socket !== null && this.#session !== null;
  }

  /** Sends a dispatch event to the connected client. */
  dispatch(t: string, d: unknown): void {
    const socket = this.#socket;
    if (!socket || !this.#session) throw new Error("no client connected");
    this.#session.seq += 1;
    socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: this.#session.seq, d }));
  }

  /** Asks the client to reconnect (op 7) or drops the connection with close code 4000. */
  disconnect(how: "reconnect" | "close-4000"): void {
    const socket = this.#socket;
    if (!socket) throw new Error("no client connected");
    if (how === "reconnect") socket.send(JSON.stringify({ op: GatewayOpcodes.Reconnect, d: null }));
    else socket.close(4000, "unknown error");
  }

  /** Drops every connection and stops accepting new ones. */
  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #onConnection(socket: WebSocket): void {
    this.counts.connections += 1;
    this.#socket = socket;
    socket.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatMs } }));
    socket.on("message", (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> };
      if (payload.op === GatewayOpcodes.Heartbeat) {
        socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck }));
      } else if (payload.op === GatewayOpcodes.Identify) {
        this.#identify(socket, payload.d);
      } else if (payload.op === GatewayOpcodes.Resume) {
        this.#resume(socket, payload.d);
      }
    });
    socket.on("close", () => {
      if (this.#socket === socket) this.#socket = null;
    });
  }

  #identify(socket: WebSocket, d: Record<string, unknown>): void {
    if (d.token !== this.#host.token) {
      socket.close(4004, "Authentication failed");
      return;
    }
    this.counts.identifies += 1;
    this.counts.intents.push(Number(d.intents));
    this.#session = { id: crypto.randomUUID(), seq: 0 };
    const { ready, guilds } = this.#host.ready(this.#session.id);
    this.dispatch("READY", ready);
    for (const guild of guilds) this.dispatch("GUILD_CREATE", guild);
  }

  #resume(socket: WebSocket, d: Record<string, unknown>): void {
    if (d.token !== this.#host.token || !this.#session || d.session_id !== this.#session.id) {
      socket.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false }));
      return;
    }
    this.counts.resumes += 1;
    this.dispatch("RESUMED", {});
  }
}
