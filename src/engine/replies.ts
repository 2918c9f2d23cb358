/** Small constructors for replies, so handlers read as what they say. */
import { type Part, rich } from "../richtext";
import type { Button, Reply } from "../types";

/** A reply everyone in the chat sees. */
export function toChat(text: Part, buttons?: Button[][]): Reply {
  return { text: rich(text), visibility: "chat", ...(buttons ? { buttons } : {}) };
}

/** A reply only the person who acted sees. */
export function toSender(text: Part, buttons?: Button[][]): Reply {
  return { text: rich(text), visibility: "sender-only", ...(buttons ? { buttons } : {}) };
}

/**
 * The refusal for a button that was not offered to the clicker, in the state it was offered in.
 * Anyone can forge a click, so it says no and names no one.
 */
export const NOT_FOR_YOU = "That button isn't for you, or it no longer does anything. Nothing changed.";
