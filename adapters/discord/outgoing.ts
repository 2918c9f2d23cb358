/**
 * Replies as Discord message bodies (the JSON of an interaction response, a follow-up or an
 * edit): rendered text, buttons, file, who may be pinged, and whether only the person who acted
 * sees it. Both Discord modes send exactly these bodies.
 */

import type { RawFile } from "@discordjs/rest";
import { type APIAllowedMentions, MessageFlags } from "discord.js";
import type { Reply } from "../../src/types";
import { encodeButtons, type MessageRow } from "./components";
import { allowedMentions, attachmentsOf, type FileUpload, fileOf, renderParts } from "./render";

/** One Discord message to send in answer to an interaction. */
export interface Outgoing {
  content: string;
  /** The people this message may ping. */
  users: string[];
  /** Seen only by the person who acted (a `sender-only` reply). */
  ephemeral: boolean;
  components?: MessageRow[];
  files?: FileUpload[];
}

/** A message body and the files uploaded with it. */
export interface MessageBody {
  body: {
    content: string;
    allowed_mentions: APIAllowedMentions;
    flags?: number;
    components?: MessageRow[];
    /** Each upload's alt text, by its index in `files`. */
    attachments?: { id: number; filename: string; description?: string }[];
  };
  files: RawFile[];
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

function rawFiles(o: Pick<Outgoing, "files">): RawFile[] {
  return (o.files ?? []).map((f) => ({ name: f.name, data: f.attachment, contentType: f.contentType }));
}

/** The body's `attachments` (a picture's alt text), when the files have any. */
function withAlt(o: Pick<Outgoing, "files">) {
  const attachments = attachmentsOf(o.files ?? []);
  return attachments ? { attachments } : {};
}

/**
 * A new message (a reply or a follow-up). Links are never previewed, so the bot needs no Embed
 * Links permission.
 */
export function messageBody(o: Outgoing): MessageBody {
  const flags = MessageFlags.SuppressEmbeds | (o.ephemeral ? MessageFlags.Ephemeral : 0);
  return {
    body: {
      content: o.content,
      allowed_mentions: allowedMentions(o.users),
      flags,
      ...(o.components ? { components: o.components } : {}),
      ...withAlt(o),
    },
    files: rawFiles(o),
  };
}

/** An edit (an update of the clicked message, or of the deferred answer): visibility stays as it was. */
export function updateBody(o: Omit<Outgoing, "ephemeral">): MessageBody {
  return {
    body: {
      content: o.content,
      allowed_mentions: allowedMentions(o.users),
      ...(o.components ? { components: o.components } : {}),
      ...withAlt(o),
    },
    files: rawFiles(o),
  };
}
