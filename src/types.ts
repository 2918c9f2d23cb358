/**
 * The platform-neutral contract between the core and the adapters.
 *
 * Adapters turn platform events into {@link Inbound} values, hand them to
 * {@link Engine.handle}, and render the {@link Reply} values that come back.
 * Everything addressed to someone other than the person who acted goes through
 * the outbox and reaches an adapter's {@link Courier}.
 */

/** The chat platforms Amends runs on. */
export type Platform = "discord" | "telegram" | "console";

/** A chat as the platform knows it. `id` is opaque to the core. */
export interface ChatRef {
  platform: Platform;
  id: string;
  kind: "group" | "dm";
  title?: string;
}

/** The person (or bot) who sent a command or pressed a button. */
export interface Actor {
  platform: Platform;
  /** The platform's stable user id (never the display name). */
  id: string;
  /** Display name, for mentions and messages. */
  name: string;
  /** Handle without the `@`, when the platform has one. */
  username?: string;
  isBot?: boolean;
}

/**
 * A person named in a command option of type `person`. Discord resolves a user
 * option to an id; Telegram and the console only know the typed `@username`.
 */
export interface PersonRef {
  id?: string;
  username?: string;
  name?: string;
  /** True when the platform says the person is a bot (bots cannot be witnesses). */
  isBot?: boolean;
}

/** Typed arguments of a command, keyed by option name. */
export type CommandArgs = Record<string, string | undefined>;

/** Something a person did that the engine must answer. */
export type Inbound =
  | { type: "command"; name: string; args: CommandArgs; chat: ChatRef; from: Actor; mentions?: PersonRef[] }
  | {
      type: "click";
      action: string;
      chat: ChatRef;
      from: Actor;
      /** Text typed in answer to the button (Discord's "Add a note" form, Telegram's reply). */
      text?: string;
    };

/** One run of text. Adapters render and escape each span for their platform. */
export type Span =
  | { t: "text"; text: string }
  | { t: "bold"; text: string }
  | { t: "italic"; text: string }
  | { t: "code"; text: string }
  /** A mention of a person the core chose to name; the only thing allowed to ping. */
  | { t: "mention"; platform: Platform; id: string; name: string };

/** Neutral rich text: a list of spans; `"\n"` inside text spans breaks lines. */
export type RichText = Span[];

/** A button under a message. `action` is an encoded action of at most 64 bytes. */
export interface Button {
  label: string;
  action: string;
  style?: "primary" | "secondary" | "danger" | "success";
}

/**
 * A file sent with a reply: a text document such as the `/export` JSON, or a picture.
 *
 * Both are plain JSON (an outbox message is stored as JSON and read back before delivery), so a
 * picture's bytes are kept as base64: build one with {@link imageAttachment}, read the bytes of
 * either kind with {@link attachmentBytes}.
 */
export type Attachment = FileAttachment | ImageAttachment;

/** A text document, sent as a file (Telegram `sendDocument`, a Discord attachment). */
export interface FileAttachment {
  /** Optional: an attachment without a kind is a file (as `/export` built them before pictures). */
  kind?: "file";
  filename: string;
  mime: string;
  /** The document's text, sent as UTF-8. */
  content: string;
}

/** A picture, shown inline (Telegram `sendPhoto`, a Discord image attachment, a PNG on the console). */
export interface ImageAttachment {
  kind: "image";
  /** Ends in `.png`. */
  filename: string;
  mime: "image/png";
  /** The PNG's bytes, base64-encoded (so the attachment survives JSON, e.g. in the outbox). */
  base64: string;
  /**
   * The picture in words: everything a screen reader needs. Discord's alt text; Telegram's caption
   * when the reply's text is too long to be one; printed by the console.
   */
  description: string;
  /** Never set: lets `reply.file?.content` be read on either kind (undefined for a picture). */
  content?: never;
}

/** A picture attachment from its PNG bytes. */
export function imageAttachment(filename: string, png: Uint8Array, description: string): ImageAttachment {
  return {
    kind: "image",
    filename,
    mime: "image/png",
    base64: Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64"),
    description,
  };
}

/** The bytes to upload: the picture's PNG, or the document's text as UTF-8. A fresh Buffer each call. */
export function attachmentBytes(a: Attachment): Buffer {
  return a.kind === "image" ? Buffer.from(a.base64, "base64") : Buffer.from(a.content, "utf8");
}

/** An answer to the person who acted. */
export interface Reply {
  text: RichText;
  /** Rows of buttons. */
  buttons?: Button[][];
  /** `sender-only` is ephemeral on Discord, a DM or a short reply on Telegram. */
  visibility: "chat" | "sender-only";
  file?: Attachment;
  /**
   * True for a refusal (bad input, someone else's button): a line that says no and reveals nothing
   * about anyone's record, so an adapter may show it where others can see it when it has no
   * private place for it (a Telegram group, for someone who never started the bot).
   */
  refusal?: boolean;
  /**
   * For a click that did what the button offered: the outcome to show on the clicked message,
   * whose buttons are now spent (Telegram edits the message, Discord updates the interaction's
   * message, the console prints it). Absent for refusals, which leave the buttons as they were.
   */
  settles?: RichText;
}

/** One autocomplete suggestion: what the person sees and the value the option takes. */
export interface Suggestion {
  name: string;
  value: string;
}

/**
 * Where an outbox message goes. A group message names the chat; a direct message names the
 * person (their platform user id), and the courier opens or finds the DM: Telegram's private
 * chat id is the user id, Discord creates the DM channel, the console prints `[dm NAME]`.
 */
export interface Recipient {
  platform: Platform;
  chatKind: "group" | "dm";
  /** The group's chat id; for a DM, the DM chat id when known, else "". */
  chatId: string;
  /** For a DM: the person's platform user id. For a group: the person the message is for, if any. */
  personId?: string;
  /** The person's display name, for the mention when a refused DM falls back to the group. */
  personName?: string;
  /** For a DM the platform may refuse: the group chat to fall back to, with a mention. */
  fallbackChatId?: string;
  /**
   * What to post in that group instead of the direct message: the same buttons, without what is
   * private (a private promise, a partly answer, a note, a dispute). Absent: a short pointer.
   */
  fallbackReply?: Reply;
}

/** An outbox message as handed to a courier. */
export interface OutboundMessage {
  /** Unique purpose key, e.g. `prompt:<check-in id>`; also the idempotency key. */
  purpose: string;
  to: Recipient;
  message: Reply;
}

/** What a courier reports for one delivery. */
export type DeliveryResult =
  | "sent"
  | { retryAfterMs: number }
  | "gone"
  /** The platform refused a direct message: the dispatcher falls back to the group. */
  | "dm-refused"
  /** The platform refused this message for good (too long, malformed): drop it, touch nothing else. */
  | "rejected";

/** Implemented by each adapter: delivers one outbox message to its platform. */
export interface Courier {
  readonly platform: Platform;
  deliver(message: OutboundMessage): Promise<DeliveryResult>;
}

/** The only source of time in the core. */
export interface Clock {
  now(): Date;
}

/** What one scheduler tick did, for logs, tests and benchmarks. */
export interface TickReport {
  /** Paused commitments whose pause ran out and were resumed. */
  resumed: number;
  /** Check-ins opened (prompts queued). */
  opened: number;
  /** Reminders queued. */
  reminded: number;
  /** Windows closed unanswered. */
  missed: number;
  /** Occurrences recorded `skipped` during catch-up. */
  skipped: number;
  /** Commitments completed. */
  completed: number;
  /** Other messages queued (witness prompts, alerts, digests). */
  queued: number;
}

/** The core, as the adapters see it. */
export interface Engine {
  /** Answers one inbound event. Never throws: an unexpected error becomes a fixed apology. */
  handle(input: Inbound): Promise<Reply[]>;
  /** Finds due work and writes it to the outbox. Idempotent. */
  tick(now: Date): Promise<TickReport>;
  /**
   * Autocomplete for an option being typed (Discord): the caller's own commitments by `#n` and
   * promise, IANA zones, or common cadences. At most 25 suggestions; never throws.
   */
  suggest(option: "commitment" | "zone" | "cadence", query: string, from: Actor): Promise<Suggestion[]>;
  /**
   * A platform said the chat `to` is gone for good (deleted, the bot removed or blocked): pauses
   * the commitments whose check-ins go there (a gone group's group commitments, or a person's
   * private ones when their direct chat refused the bot), so the scheduler stops writing to
   * nowhere, and records why. The dispatcher calls it through its `onGone`.
   * @returns how many commitments were paused.
   */
  pauseForGone(to: Recipient, now: Date): Promise<number>;
}
