/**
 * The console's {@link Courier}: outbox messages (check-in prompts, witness invitations,
 * alerts, digests) are printed into the chat they are addressed to.
 */

import type { ChatRef, Courier, DeliveryResult, OutboundMessage } from "../../src/types";
import { dmChat, dmPersonId, GROUP_ID, groupChat } from "./identity";
import type { ConsoleScreen } from "./screen";

/**
 * Creates the courier for platform `"console"`. It prints each message on `screen`
 * (the same screen the session uses, so its buttons can be clicked) and always reports
 * `"sent"`: a terminal never refuses a direct message or rate-limits.
 */
export function createConsoleCourier(screen: ConsoleScreen): Courier {
  return {
    platform: "console",
    async deliver(outbound: OutboundMessage): Promise<DeliveryResult> {
      const { to, message } = outbound;
      // A DM is addressed to a person; the console's DM chat for them always exists.
      const chat =
        to.chatKind === "dm" && to.personId ? dmChat(to.personId) : chatFor(to.chatId, to.chatKind);
      const onlyFor = chat.kind === "group" && message.visibility === "sender-only" ? to.personId : undefined;
      screen.show(onlyFor === undefined ? { chat, reply: message } : { chat, onlyFor, reply: message });
      return "sent";
    },
  };
}

function chatFor(chatId: string, kind: "group" | "dm"): ChatRef {
  if (chatId === GROUP_ID) return groupChat();
  const person = dmPersonId(chatId);
  if (person !== undefined) return dmChat(person);
  // Not a chat the console made; print it under its own id rather than lose the message.
  return { platform: "console", id: chatId, kind };
}
