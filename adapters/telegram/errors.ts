/**
 * What a failed Bot API call means for Amends. Telegram reports most refusals only as an error
 * code and an English description, so the matching lives in one place and is tested.
 */
import { GrammyError, HttpError } from "grammy";

/** A failed call, sorted by what the caller should do about it. */
export type TelegramFailure =
  /** 429: wait this long before the next call. */
  | { kind: "rate-limited"; retryAfterMs: number }
  /** 403 from a person: they blocked the bot or deleted their account. */
  | { kind: "blocked" }
  /** 403: the person never pressed Start, so the bot may not write to them first. */
  | { kind: "cannot-initiate" }
  /** 403 from a group: the bot was removed, or is no longer a member. */
  | { kind: "not-member" }
  /** 400: no such chat (never seen, deleted, or an id from elsewhere). */
  | { kind: "chat-not-found" }
  /** 400: a group became a supergroup and has a new id. */
  | { kind: "migrated"; chatId: number }
  /** 400: an edit that would change nothing. */
  | { kind: "not-modified" }
  /** 400: the HTML was refused (a bug here; the caller may retry as plain text). */
  | { kind: "bad-markup" }
  /** Any other 4xx: retrying the same call will not help. */
  | { kind: "refused"; code: number }
  /** 5xx, a timeout or a dropped connection: worth trying again later. */
  | { kind: "transient" };

/** Sorts an error thrown by a grammY API call. */
export function classifyFailure(error: unknown): TelegramFailure {
  if (error instanceof HttpError || !(error instanceof GrammyError)) return { kind: "transient" };
  const code = error.error_code;
  const text = error.description.toLowerCase();
  if (code === 429) {
    const seconds = Number(error.parameters.retry_after);
    return {
      kind: "rate-limited",
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
    };
  }
  if (code >= 500) return { kind: "transient" };
  if (error.parameters.migrate_to_chat_id !== undefined) {
    return { kind: "migrated", chatId: error.parameters.migrate_to_chat_id };
  }
  if (code === 403) {
    if (text.includes("initiate conversation")) return { kind: "cannot-initiate" };
    if (text.includes("blocked") || text.includes("deactivated")) return { kind: "blocked" };
    if (text.includes("kicked") || text.includes("not a member") || text.includes("chat was deleted")) {
      return { kind: "not-member" };
    }
    return { kind: "refused", code };
  }
  if (code === 400) {
    if (
      text.includes("chat not found") ||
      text.includes("peer_id_invalid") ||
      text.includes("user not found")
    ) {
      return { kind: "chat-not-found" };
    }
    if (text.includes("message is not modified")) return { kind: "not-modified" };
    if (text.includes("can't parse entities")) return { kind: "bad-markup" };
  }
  return { kind: "refused", code };
}

/** True when a failure means this person cannot get a direct message from the bot now. */
export function isDmRefusal(f: TelegramFailure): boolean {
  return (
    f.kind === "cannot-initiate" ||
    f.kind === "blocked" ||
    f.kind === "chat-not-found" ||
    (f.kind === "refused" && f.code === 403)
  );
}

const TOKEN_SHAPE = /\d{5,}:[A-Za-z0-9_-]{30,}/g;

/**
 * An error as one short line for a log: the method, code and Telegram's description, never the
 * payload (it holds message text) and never the token (grammY leaves it out; this is a guard).
 */
export function describeFailure(error: unknown): string {
  let line: string;
  if (error instanceof GrammyError) line = `${error.method}: ${error.error_code} ${error.description}`;
  else if (error instanceof HttpError) line = `network: ${error.message}`;
  else if (error instanceof Error) line = `${error.name}: ${error.message}`;
  else line = String(error);
  return line.replace(TOKEN_SHAPE, "[redacted]").slice(0, 300);
}
