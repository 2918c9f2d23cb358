/** The shapes the fake Discord keeps and the tests read: users, channels, messages, requests. */

import type {
  APIAllowedMentions,
  APIMessage,
  APIUser,
  ChannelType,
  InteractionResponseType,
} from "discord-api-types/v10";

/** A person (or bot) of the fake server. */
export interface FakeUser {
  user: APIUser;
  /** Server nickname, if any. */
  nick?: string;
}

/** A text channel of the guild, or a DM channel. */
export interface FakeChannel {
  id: string;
  type: ChannelType.GuildText | ChannelType.DM;
  name?: string;
  /** For a DM: the person on the other side. */
  recipientId?: string;
}

/** Whom a message notifies under Discord's `allowed_mentions` rules. */
export interface Pings {
  everyone: boolean;
  roles: string[];
  users: string[];
}

/** A file uploaded with a message. */
export interface FakeFile {
  name: string;
  /** The upload as UTF-8 text (for a JSON export). */
  content: string;
  /** The upload's bytes, as sent (for a picture). */
  bytes?: Buffer;
  /** Its content type, as sent. */
  contentType?: string;
  /** Its alt text, from the body's `attachments` entry with the same index. */
  description?: string;
}

/** A message as the fake keeps it, with how it came to exist. */
export interface FakeMessage {
  message: APIMessage;
  channelId: string;
  /** Who may be pinged, as sent. */
  allowedMentions: APIAllowedMentions | undefined;
  /** Who this message (in its current content) would actually notify. */
  pings: Pings;
  source: "rest" | "reply" | "deferred" | "followup";
  interactionId?: string;
  ephemeral: boolean;
  nonce?: string | number;
  files: FakeFile[];
  /** How often it was edited (an interaction update or an edit of the original response). */
  edits: number;
  deleted: boolean;
}

/** One HTTP request as received. */
export interface RecordedRequest {
  method: string;
  /** Path below `/api/v10`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  status: number;
  at: number;
  /** The response was forced by the fault hook. */
  forced: boolean;
}

/** One interaction callback (`POST /interactions/{id}/{token}/callback`). */
export interface RecordedCallback {
  interactionId: string;
  type: InteractionResponseType;
  data: Record<string, unknown> | undefined;
}

/** An interaction the fake sent, and what became of it. */
export interface FakeInteraction {
  id: string;
  token: string;
  channelId: string;
  userId: string;
  /** For components and modals from a message: that message. */
  messageId?: string;
  /** The message the callback created or updated (`@original`). */
  originalId?: string;
  callbacks: RecordedCallback[];
  /** HTTP mode: settles once the endpoint's response (the first answer) has been applied. */
  acked?: Promise<void>;
  /** HTTP mode: the endpoint's HTTP status (200, or what it refused with). */
  status?: number;
}

/** A response the fault hook can force instead of the normal one. */
export interface ForcedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Called for every request before it is handled; return a response to force it. */
export type FaultHook = (req: { method: string; path: string; body: unknown }) => ForcedResponse | undefined;

/** What the options of a slash command may hold in a test. */
export type OptionValue = string | number | boolean | FakeUser;
