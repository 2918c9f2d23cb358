/**
 * What the console shows and remembers: the printed transcript, the buttons on printed
 * messages (so `NAME clicks LABEL` can find them), and the names people typed.
 *
 * One screen is shared by the session (replies to whoever acted) and the courier
 * (outbox messages), so a button printed by either can be clicked.
 */

import { spentRow } from "../../src/settle";
import type { Button, ChatRef, Reply } from "../../src/types";
import { dmPersonId, GROUP_ID } from "./identity";
import { type PictureShelf, savePicture } from "./pictures";
import { type MessagePlace, renderMessage } from "./render";

/** Anything lines can be written to: a stream, or a collector in tests. */
export interface LineSink {
  write(chunk: string): unknown;
}

/** A printed message, as the screen needs to know it. */
export interface ShownMessage {
  chat: ChatRef;
  /** For a sender-only message in the group: the id of the one person who sees it. */
  onlyFor?: string;
  reply: Reply;
}

/** A button found on a printed message, with the chat that message is in. */
export interface FoundButton {
  button: Button;
  chat: ChatRef;
  /**
   * Makes that message's buttons unclickable (they were spent, as a platform would edit them
   * away); in a combined check-in message only the clicked row (src/settle.ts).
   */
  spend: () => void;
}

interface Clickable {
  chat: ChatRef;
  /** The one person who can see the message; null when everyone in the group can. */
  viewers: string | null;
  rows: Button[][];
}

/**
 * Old messages stop being clickable after this many; a long scripted run would
 * otherwise keep every button it ever printed.
 */
const MAX_CLICKABLE = 500;

/** The console's screen: prints messages and notices, and remembers buttons and names. */
export class ConsoleScreen {
  readonly #out: LineSink;
  readonly #pictures: PictureShelf | undefined;
  readonly #names = new Map<string, string>();
  #clickable: Clickable[] = [];

  /**
   * @param out where lines are written (stdout, or a collector in tests).
   * @param opts.pictures where pictures are saved (tests: a temporary folder); without it a
   *   picture is printed as not saved.
   */
  constructor(out: LineSink, opts: { pictures?: PictureShelf } = {}) {
    this.#out = out;
    this.#pictures = opts.pictures;
  }

  /** Remembers how a person wrote their name, for DM labels; the first spelling wins. */
  rememberName(name: string): void {
    const id = name.toLowerCase();
    if (!this.#names.has(id)) this.#names.set(id, name);
  }

  /** The name as first typed for a person id, or the id itself when nobody typed it yet. */
  displayName(id: string): string {
    return this.#names.get(id) ?? id;
  }

  /** Writes lines as they are. */
  print(...lines: string[]): void {
    if (lines.length > 0) this.#out.write(`${lines.join("\n")}\n`);
  }

  /** Writes a one-line message from the console itself, as `(console) …`. */
  notice(text: string): void {
    this.print(`(console) ${text}`);
  }

  /** Prints a bot message and makes its buttons clickable. */
  show(message: ShownMessage): void {
    const { file } = message.reply;
    const saved = file?.kind === "image" && this.#pictures ? savePicture(this.#pictures, file) : undefined;
    this.print(...renderMessage(this.#place(message), message.reply, saved));
    const rows = (message.reply.buttons ?? []).filter((row) => row.length > 0);
    if (rows.length === 0) return;
    this.#clickable.push({ chat: message.chat, viewers: this.#viewers(message), rows });
    if (this.#clickable.length > MAX_CLICKABLE) this.#clickable = this.#clickable.slice(-MAX_CLICKABLE);
  }

  /**
   * Finds the button with this label (case-insensitive, trimmed) on the newest message
   * that the person can see: the group, their own DM, and group replies meant only for them.
   * Someone else's DM or private reply is out of reach, as on a real platform.
   *
   * @param personId who is looking; null to search every message regardless of who sees it.
   */
  findButton(label: string, personId: string | null): FoundButton | undefined {
    const wanted = label.trim().toLowerCase();
    for (let i = this.#clickable.length - 1; i >= 0; i--) {
      const message = this.#clickable[i];
      if (!message) continue;
      if (personId !== null && message.viewers !== null && message.viewers !== personId) continue;
      const button = message.rows.flat().find((b) => b.label.trim().toLowerCase() === wanted);
      if (button) {
        const spend = () => {
          const only = spentRow(message.rows, button.action);
          if (only) message.rows = message.rows.filter((_, i) => i !== only.row);
          if (!only || message.rows.length === 0)
            this.#clickable = this.#clickable.filter((m) => m !== message);
        };
        return { button, chat: message.chat, spend };
      }
    }
    return undefined;
  }

  #viewers(message: ShownMessage): string | null {
    if (message.chat.kind === "dm") return dmPersonId(message.chat.id) ?? message.chat.id;
    return message.onlyFor ?? null;
  }

  #place(message: ShownMessage): MessagePlace {
    const { chat } = message;
    if (chat.kind === "dm") {
      return { chat: "dm", with: this.displayName(dmPersonId(chat.id) ?? chat.id) };
    }
    if (chat.id !== GROUP_ID) return { chat: "other", id: chat.id };
    return message.onlyFor === undefined
      ? { chat: "group" }
      : { chat: "group", onlyFor: this.displayName(message.onlyFor) };
  }
}
