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
