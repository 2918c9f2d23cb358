/**
 * The Discord {@link Courier}: posts outbox messages to channels and direct messages through
 * discord.js's REST client, whose queue also waits out 429s (so the dispatcher never sees them).
 */

import { createHash } from "node:crypto";
import {
  DiscordAPIError,
  MessageFlags,
  RateLimitError,
  type REST,
  RESTJSONErrorCodes,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from "discord.js";
import type { Logger } from "../../src/log";
import type { Courier, DeliveryResult, OutboundMessage, Recipient } from "../../src/types";
import { ComponentLimitError, encodeButtons } from "./components";
import { describeError } from "./errors";
import { attachmentsOf, fileOf, renderParts } from "./render";

/**
 * A 429 asking for a longer wait than this is handed back to the dispatcher instead of waited
 * out inside the REST client: the outbox lease (60 s) must outlast the delivery, and an
 * interaction answer must not sit behind it either. Both modes build their REST client with it.
 */
export const LONG_RATE_LIMIT_MS = 10_000;

/** Discord's longest message nonce. */
export const MAX_NONCE = 25;

/**
 * The nonce of part `index` of an outbox message: the same on every retry, so with
 * `enforce_nonce` Discord returns the message it already created instead of posting it twice.
 */
export function nonceFor(purpose: string, index = 0): string {
  return createHash("sha256").update(`${purpose}#${index}`).digest("hex").slice(0, MAX_NONCE);
}

/** How a Discord error maps onto what the dispatcher does next; undefined means "throw, retry". */
export function classify(error: unknown): DeliveryResult | undefined {
  // Buttons Discord would refuse: sending again cannot help, and the chat itself is fine.
  if (error instanceof ComponentLimitError) return "rejected";
  if (error instanceof RateLimitError) {
    // Only long waits get here (see `rejectOnRateLimit`); short ones discord.js waits out itself.
    return { retryAfterMs: Math.max(0, Math.ceil(error.retryAfter)) };
  }
  if (!(error instanceof DiscordAPIError)) return undefined;
  switch (error.code) {
    case RESTJSONErrorCodes.CannotSendMessagesToThisUser:
      return "dm-refused";
    // The message itself is malformed (too long, empty, a bad field): no retry will change that.
    case RESTJSONErrorCodes.InvalidFormBodyOrContentType:
    case RESTJSONErrorCodes.CannotSendAnEmptyMessage:
    case RESTJSONErrorCodes.RequestEntityTooLarge:
      return "rejected";
    case RESTJSONErrorCodes.UnknownChannel:
    case RESTJSONErrorCodes.MissingAccess:
    // Opening a DM with an account that no longer exists: no retry will ever reach it.
    case RESTJSONErrorCodes.UnknownUser:
      return "gone";
    default:
      return undefined;
  }
}

/** What {@link createDiscordCourier} needs. */
export interface DiscordCourierOptions {
  /**
   * A REST client with the bot token: discord.js's `client.rest` (shared with the gateway
   * client's own requests), or in HTTP mode a bare `@discordjs/rest` one.
   */
  rest: REST;
  log: Logger;
  /** How many people's DM channel ids to remember; default 10 000. */
  dmCacheSize?: number;
}

/**
 * Creates the courier for platform `"discord"`. Every message goes out with
 * `allowed_mentions` naming only the core's mention spans, a nonce derived from its purpose and
 * `enforce_nonce`; a reply longer than Discord's 2 000 characters goes as several messages, the
 * buttons and file on the last.
 */
export function createDiscordCourier(opts: DiscordCourierOptions): Courier {
  const { rest, log } = opts;
  const cacheSize = opts.dmCacheSize ?? 10_000;
  /** Person id → DM channel id. A DM channel never changes, so this only saves a request. */
  const dmChannels = new Map<string, string>();

  async function openDm(personId: string): Promise<string> {
    const cached = dmChannels.get(personId);
    if (cached) return cached;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: personId } })) as {
      id: string;
    };
    if (dmChannels.size >= cacheSize) {
      const oldest = dmChannels.keys().next().value;
      if (oldest !== undefined) dmChannels.delete(oldest);
    }
    dmChannels.set(personId, channel.id);
    return channel.id;
  }

  async function post(channelId: string, outbound: OutboundMessage): Promise<void> {
    const { message, purpose } = outbound;
    // Encoding first: a button Discord would refuse fails before anything is posted.
    const components = encodeButtons(message.buttons);
    const parts = renderParts(message);
    for (const [i, part] of parts.entries()) {
      const body: RESTPostAPIChannelMessageJSONBody = {
        content: part.content,
        allowed_mentions: { parse: [], users: part.allowedMentions.users },
        nonce: nonceFor(purpose, i),
        enforce_nonce: true,
        // Links in people's promises are not previewed, so the bot needs no Embed Links permission.
        flags: MessageFlags.SuppressEmbeds,
        ...(part.last && components.length > 0 ? { components } : {}),
      };
      const file = part.last ? message.file : undefined;
      // Discord refuses a message with nothing in it (50006).
      if (part.content === "" && !body.components && !file) continue;
      // Built per post, from the stored bytes: a retried delivery uploads the whole file again.
      const upload = file ? fileOf(file) : undefined;
      const alt = upload ? attachmentsOf([upload]) : undefined;
      const files = upload
        ? [{ name: upload.name, data: upload.attachment, contentType: upload.contentType }]
        : undefined;
      await rest.post(Routes.channelMessages(channelId), {
        body: alt ? { ...body, attachments: alt } : body,
        ...(files ? { files } : {}),
      });
    }
  }

  async function deliver(outbound: OutboundMessage): Promise<DeliveryResult> {
    const { to } = outbound;
    if (to.chatKind === "group") {
      if (!to.chatId) return "gone";
      await post(to.chatId, outbound);
      return "sent";
    }
    return deliverDm(to, outbound);
  }

  async function deliverDm(to: Recipient, outbound: OutboundMessage): Promise<DeliveryResult> {
    if (!to.personId) {
      if (!to.chatId) return "gone";
      await post(to.chatId, outbound);
      return "sent";
    }
    const known = to.chatId || dmChannels.get(to.personId);
    try {
      await post(known || (await openDm(to.personId)), outbound);
      return "sent";
    } catch (error) {
      // A remembered DM channel that Discord no longer knows: open it afresh, once, before
      // calling the person gone (which would pause their commitments).
      const stale =
        known && error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownChannel;
      if (!stale) throw error;
      dmChannels.delete(to.personId);
      await post(await openDm(to.personId), outbound);
      return "sent";
    }
  }

  return {
    platform: "discord",
    async deliver(outbound) {
      try {
        return await deliver(outbound);
      } catch (error) {
        const result = classify(error);
        const kind = outbound.purpose.split(":", 1)[0];
        if (result === undefined) throw error;
        const outcome = typeof result === "string" ? result : "rate-limited";
        // A rejected message is a bug to fix (ours or the core's), not a chat's state.
        if (result === "rejected")
          log.error({ kind, error: describeError(error) }, "discord rejected a message");
        else log.info({ kind, result: outcome }, "discord delivery refused");
        return result;
      }
    },
  };
}
