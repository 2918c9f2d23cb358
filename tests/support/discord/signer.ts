/**
 * Discord's side of the HTTP interactions mode: an Ed25519 key pair made for the test, and
 * signed POSTs to the bot's interactions endpoint, the way Discord signs them
 * (`X-Signature-Ed25519` over `X-Signature-Timestamp` + the raw body).
 */

import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

/** What the endpoint answered. */
export interface EndpointAnswer {
  status: number;
  /** The parsed JSON body, when it was JSON. */
  json: Record<string, unknown> | undefined;
}

/** How to tamper with a request, for tests of the refusals. */
export interface Tampering {
  /** Unix seconds to sign and send as the timestamp; default now. */
  timestamp?: number;
  /** Sign with another key. */
  key?: KeyObject;
  /** Sign this body but send `body` (a changed byte). */
  signedBody?: string;
  /** Leave out both signature headers. */
  unsigned?: boolean;
}

/** A test application's signing key. */
export class InteractionSigner {
  readonly #privateKey: KeyObject;
  /** The public key as the Developer Portal shows it: 64 hex characters. */
  readonly publicKeyHex: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    this.#privateKey = privateKey;
    // The SPKI DER of an Ed25519 key ends with the raw 32-byte key.
    this.publicKeyHex = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  }

  /** Headers Discord would send with `body` at `timestamp`. */
  headers(body: string, timestamp: number, key: KeyObject = this.#privateKey): Record<string, string> {
    const signature = sign(null, Buffer.from(`${timestamp}${body}`, "utf8"), key).toString("hex");
    return { "x-signature-ed25519": signature, "x-signature-timestamp": String(timestamp) };
  }

  /** POSTs `body` to the endpoint, signed (or tampered with), and reads the answer. */
  async post(url: string, body: string, tamper: Tampering = {}): Promise<EndpointAnswer> {
    const timestamp = tamper.timestamp ?? Math.floor(Date.now() / 1000);
    const signed = tamper.unsigned ? {} : this.headers(tamper.signedBody ?? body, timestamp, tamper.key);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...signed },
      body,
    });
    const text = await res.text();
    const isJson = (res.headers.get("content-type") ?? "").startsWith("application/json");
    return {
      status: res.status,
      json: isJson && text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  }
}
