/**
 * Every kind of message the engine queues, by the first part of its purpose key
 * (`prompt:<check-in id>`). Keys are built only through {@link purpose}, so a new kind of message
 * must be named here, and the privacy sweep (tests/privacy.sweep.test.ts) fails until a scenario
 * drives it and shows that no group can read what it must not.
 */
export const PURPOSE_KINDS = [
  /** A check-in is due (the owner). */
  "prompt",
  /** The one reminder in an unanswered window (the owner). */
  "remind",
  /** The witness is asked about a kept or partly answer. */
  "verify",
  /** The owner hears the witness's verdict. */
  "verdict",
  /** The witness hears of two misses in a row. */
  "alert",
  /** The witness's Sunday digest. */
  "digest",
  /** A commitment ended (the owner). */
  "completed",
  /** A renegotiated change took effect after its 24 hours (the owner). */
  "applied",
  /** The witness hears of an easier change or a cancellation that waits 24 hours. */
  "renegotiate",
  /** The witness hears the owner no longer needs them. */
  "unwitnessed",
  /** The owner hears their witness stepped down. */
  "stepped-down",
  /** A new witness hears, privately, what they agreed to witness. */
  "welcome",
  /** The owner hears, privately, that the invited friend declined. */
  "declined",
  /** The witness hears the owner withdrew a pending easier change. */
  "withdrawn",
  /** The witness hears of a pause (and until when). */
  "paused",
  /** The witness hears the owner resumed. */
  "resumed",
  /** The owner is asked, privately, about two check-ins in a row that got no answer. */
  "silence",
  /** The witness hears, privately, that a commitment they witnessed ended or was cancelled. */
  "ended",
] as const;

/** One kind of queued message. */
export type PurposeKind = (typeof PURPOSE_KINDS)[number];

/** The unique purpose key of a message: its kind, then the ids that make it one of a kind. */
export function purpose(kind: PurposeKind, ...ids: (string | number)[]): string {
  return [kind, ...ids].join(":");
}
