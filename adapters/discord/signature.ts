/**
 * Discord signs every request to an interactions endpoint with the application's Ed25519 key:
 * `X-Signature-Ed25519` over `X-Signature-Timestamp` followed by the raw body. A request that
 * does not verify is not from Discord, and Discord itself checks that endpoints refuse those.
 */

import { createPublicKey, type KeyObject, verify } from "node:crypto";

/** The DER prefix that makes a raw 32-byte Ed25519 key a SubjectPublicKeyInfo (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** A signature older (or further in the future) than this is refused: a replay, or a wrong clock. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** The application's public key as the Developer Portal shows it (64 hex characters). */
export const PUBLIC_KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

/**
 * The key object for the portal's hex public key.
 *
 * @throws when the text is not 64 hex characters.
 */
export function publicKeyFrom(hex: string): KeyObject {
  if (!PUBLIC_KEY_PATTERN.test(hex)) throw new Error("a Discord public key is 64 hex characters");
  const key = Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, "hex")]);
  return createPublicKey({ key, format: "der", type: "spki" });
}

/** Why a request was refused, for the log (never the signature itself). */
export type SignatureProblem = "missing" | "malformed" | "stale" | "invalid";

/**
 * Checks a request's signature and freshness; returns undefined when it is Discord's, else why
 * not. `nowMs` is the wall clock: freshness is about the network, not the bot's own time.
 */
export function verifyInteraction(
  key: KeyObject,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: Buffer,
  nowMs: number,
): SignatureProblem | undefined {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return "missing";
  if (!/^[0-9a-fA-F]{128}$/.test(signature) || !/^\d{1,12}$/.test(timestamp)) return "malformed";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return "stale";
  const message = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
  return verify(null, message, key, Buffer.from(signature, "hex")) ? undefined : "invalid";
}
