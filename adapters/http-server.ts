/**
 * What the three small HTTP servers (Telegram's webhook, Discord's interactions endpoint, health
 * and metrics) share: reading a body with a cap, listening, and closing.
 */
import type { IncomingMessage, Server } from "node:http";

/** Larger bodies are refused; a real update or interaction is a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body, or null once it passes `maxBytes` (the rest is not read: the request is dropped). */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Starts listening; resolves with the port (the one the system chose when 0 was asked for). */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === "object" && address ? address.port : port;
}

/**
 * Stops accepting connections and resolves once the open ones are done: idle keep-alive ones
 * are closed at once, or, with `all`, every one (requests in progress included).
 */
export function closeServer(server: Server, all = false): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    if (all) server.closeAllConnections();
    else server.closeIdleConnections();
  });
}
