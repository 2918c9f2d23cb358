/**
 * How an interaction is answered. The first answer (a message, an update, a deferral, a modal,
 * autocomplete choices) goes back the way the interaction came: over REST to the callback
 * endpoint for the gateway, as the HTTP response for the interactions endpoint. Everything after
 * it (editing or deleting that answer, follow-ups) is the same in both modes: the interaction's
 * webhook, authorised by its token, over REST.
 */

import type { RawFile, REST } from "@discordjs/rest";
import { type APIInteraction, type APIInteractionResponse, Routes } from "discord.js";
import type { MessageBody } from "./outgoing";

/** Answers one interaction. Every method throws what REST throws (DiscordAPIError and others). */
export interface Responder {
  /** The first answer. Called at most once. */
  callback(response: APIInteractionResponse, files?: RawFile[]): Promise<void>;
  /** Edits the first answer's message (the deferred reply, or the clicked message after an update). */
  editOriginal(message: MessageBody): Promise<void>;
  /** Deletes the deferred reply (a private "thinking…" placeholder a public answer cannot replace). */
  deleteOriginal(): Promise<void>;
  /** A further message. */
  followUp(message: MessageBody): Promise<void>;
}

/** The webhook half of a {@link Responder}: identical for both modes. */
export type WebhookOps = Omit<Responder, "callback">;

/** Edits and follow-ups through the interaction's webhook. The bot token is not needed (nor sent). */
export function webhookOps(
  rest: REST,
  interaction: Pick<APIInteraction, "application_id" | "token">,
): WebhookOps {
  const { application_id: app, token } = interaction;
  const send = (m: MessageBody) => ({
    body: m.body,
    auth: false,
    ...(m.files.length > 0 ? { files: m.files } : {}),
  });
  return {
    async editOriginal(m) {
      await rest.patch(Routes.webhookMessage(app, token, "@original"), send(m));
    },
    async deleteOriginal() {
      await rest.delete(Routes.webhookMessage(app, token, "@original"), { auth: false });
    },
    async followUp(m) {
      await rest.post(Routes.webhook(app, token), send(m));
    },
  };
}

/** The gateway's responder: the first answer is a POST to the interaction's callback endpoint. */
export function restResponder(rest: REST, interaction: APIInteraction): Responder {
  return {
    ...webhookOps(rest, interaction),
    async callback(response, files) {
      await rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: response,
        auth: false,
        ...(files && files.length > 0 ? { files } : {}),
      });
    },
  };
}
