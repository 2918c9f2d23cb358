/**
 * The Telegram {@link Courier}: delivers outbox messages (check-in prompts, witness requests,
 * alerts, digests) and tells the dispatcher what Telegram said. It never retries by itself: a
 * 429 goes back as `retryAfterMs` and anything transient is thrown, so the dispatcher, which
 * holds the rate limits and the backoff, stays the one place that decides when to try again.
 */
import type { Api } from "grammy";
import type { Logger } from "../../src/log";
import type { Courier, DeliveryResult, OutboundMessage, Recipient } from "../../src/types";
import { classifyFailure, describeFailure, type TelegramFailure } from "./errors";
import { targetChatId } from "./identity";
import { sendReply } from "./send";

/** The purpose's kind (`prompt` of `prompt:42`): enough to log, without ids of people or text. */
const kindOf = (purpose: string): string => purpose.split(":", 1)[0] ?? "";

/**
 * What a failure means for the dispatcher, or null when it should be thrown (and retried with
 * backoff). A person who blocked the bot is gone for good; one who never started it can still be
 * reached in the group, which is what "dm-refused" asks the dispatcher to do.
 */
export function deliveryResultFor(f: TelegramFailure, to: Recipient): DeliveryResult | null {
  const dm = to.chatKind === "dm";
  switch (f.kind) {
    case "rate-limited":
      return { retryAfterMs: f.retryAfterMs };
    case "blocked":
    case "not-member":
      return "gone";
    case "cannot-initiate":
    case "chat-not-found":
      return dm ? "dm-refused" : "gone";
    case "refused":
      // Some other 403: Telegram will not let this chat be written to.
      return f.code === 403 ? (dm ? "dm-refused" : "gone") : null;
    default:
      return null;
  }
}

/**
 * Creates the courier for platform `"telegram"` over `api`, which must have no auto-retry
 * installed (the dispatcher retries; two layers retrying would double the waits and the sends).
 */
export function createTelegramCourier(api: Api, log: Logger): Courier {
  async function attempt(chatId: string, message: OutboundMessage): Promise<void> {
    // Ids are stored as strings; Telegram's are integers well within 2^53.
    await sendReply(api, { chatId: /^-?\d+$/.test(chatId) ? Number(chatId) : chatId }, message.message);
  }

  return {
    platform: "telegram",
    async deliver(outbound: OutboundMessage): Promise<DeliveryResult> {
      const { to, purpose } = outbound;
      const chatId = targetChatId(to);
      if (!chatId) return to.chatKind === "dm" ? "dm-refused" : "gone";
      try {
        await attempt(chatId, outbound);
        return "sent";
      } catch (thrown) {
        let error = thrown;
        let failure = classifyFailure(error);
        if (failure.kind === "migrated") {
          // The group became a supergroup: its messages go to the new id from now on. The core
          // still holds the old id, so each later message takes this detour too (see README).
          log.warn({ kind: kindOf(purpose) }, "telegram: group migrated to a supergroup");
          try {
            await attempt(String(failure.chatId), outbound);
            return "sent";
          } catch (again) {
            failure = classifyFailure(again);
            error = again;
          }
        }
        const result = deliveryResultFor(failure, to);
        if (result !== null) return result;
        log.debug(
          { kind: kindOf(purpose), chatKind: to.chatKind, error: describeFailure(error) },
          "telegram: delivery failed",
        );
        throw new Error(describeFailure(error));
      }
    },
  };
}
