/**
 * Replies as discord.js message options: rendered text, buttons, file, who may be pinged, and
 * whether only the person who acted sees it.
 */

import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  InteractionReplyOptions,
  InteractionUpdateOptions,
} from "discord.js";
import type { Reply } from "../../src/types";
import { encodeButtons } from "./components";
import { allowedMentions, type FileUpload, fileOf, renderParts } from "./render";

/** One Discord message to send in answer to an interaction. */
export interface Outgoing {
  content: string;
  /** The people this message may ping. */
  users: string[];
  /** Seen only by the person who acted (a `sender-only` reply). */
  ephemeral: boolean;
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files?: FileUpload[];
}

/** A reply as one or more messages; buttons and file ride on the last. */
export function outgoing(reply: Reply): Outgoing[] {
  const components = encodeButtons(reply.buttons);
  const ephemeral = reply.visibility === "sender-only";
  const parts = reply.text.length > 0 ? renderParts(reply) : [];
  // A file or buttons with no text still need a message to ride on.
  if (parts.length === 0 && (components.length > 0 || reply.file)) {
    parts.push({ content: "", allowedMentions: allowedMentions([]), last: true });
  }
  return parts
    .filter((p) => p.content !== "" || p.last)
    .map((p) => ({
      content: p.content,
      users: p.allowedMentions.users,
      ephemeral,
      ...(p.last && components.length > 0 ? { components } : {}),
      ...(p.last && reply.file ? { files: [fileOf(reply.file)] } : {}),
    }))
    .filter((o) => o.content !== "" || o.components || o.files);
}

/** Options for `reply` and `followUp`. Links are never previewed (no Embed Links permission needed). */
export function sendOptions(o: Outgoing): InteractionReplyOptions {
  return {
    content: o.content,
    allowedMentions: allowedMentions(o.users),
    flags: o.ephemeral ? ["Ephemeral", "SuppressEmbeds"] : ["SuppressEmbeds"],
    ...(o.components ? { components: o.components } : {}),
    ...(o.files ? { files: o.files } : {}),
  };
}

/** Options for `update` and `editReply`, which keep the message's visibility as it was. */
export function updateOptions(o: Omit<Outgoing, "ephemeral">): InteractionUpdateOptions {
  return {
    content: o.content,
    allowedMentions: allowedMentions(o.users),
    ...(o.components ? { components: o.components } : {}),
    ...(o.files ? { files: o.files } : {}),
  };
}
