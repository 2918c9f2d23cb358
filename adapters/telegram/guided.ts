/**
 * The guided exchange on Telegram: the rules (which question comes next, what a valid answer is)
 * are the core's (src/commands/guided.ts); this file adds what Telegram needs to hold a question
 * between updates: the messages it replies to, the nonce that ties its buttons to it, who was
 * asked, when it expires, and the people picked from Telegram's mention list.
 *
 * The update handler sends the questions and keeps the states in a {@link PendingStore}.
 */
import type { MessageEntity } from "grammy/types";
import * as core from "../../src/commands/guided";
import type { PersonRef } from "../../src/types";
import type { Expiring } from "./pending";

export type { Choice, Question } from "../../src/commands/guided";
export { answerChoice, currentOption, finish, questionFor, showing } from "../../src/commands/guided";

/** How long a question waits for its answer. */
export const GUIDED_TTL_MS = 15 * 60_000;
/** The most guided exchanges held at once (across all chats). */
export const GUIDED_MAX = 1_000;
/** `callback_data` of a guided choice: `tgq:<nonce>:<index>`; the engine knows no `tgq` verb. */
export const GUIDED_PREFIX = "tgq:";

/** A command waiting for its missing options, as Telegram holds it. */
export interface GuidedState extends core.Guided, Expiring {
  kind: "guided";
  /** Ties buttons to this exchange, so a stale question's buttons do nothing. */
  nonce: string;
  /** The message the command came in, which the answer replies to. */
  commandMessageId: number;
  /** The question on screen; a typed answer must reply to it in a group. */
  promptMessageId?: number;
  /** The name of the person asked, for refusing someone else's click. */
  askedName: string;
}

/** A start for a guided exchange on Telegram. */
export interface GuidedStart extends core.GuidedStart {
  commandMessageId: number;
  askedName: string;
  nonce: string;
}

/** Creates the state for a command missing `missing`; with nothing left to ask it is already done. */
export function startGuided(s: GuidedStart): GuidedState {
  return {
    ...core.startGuided(s),
    kind: "guided",
    nonce: s.nonce,
    commandMessageId: s.commandMessageId,
    askedName: s.askedName,
    expiresAt: s.now + GUIDED_TTL_MS,
  };
}

/**
 * A typed answer to the current question. A person picked from the mention list (who may have
 * no username) arrives as a `text_mention` entity, which names them by id.
 * @returns the reason to show before asking again, or null when the answer was taken.
 */
export function answerText(
  state: GuidedState,
  text: string,
  entities: readonly MessageEntity[] = [],
): string | null {
  return core.answerText(state, text, pickedPerson(entities));
}

function pickedPerson(entities: readonly MessageEntity[]): PersonRef | undefined {
  const picked = entities.find((e) => e.type === "text_mention");
  if (picked?.type !== "text_mention") return undefined;
  const u = picked.user;
  const name = [u.first_name, u.last_name].filter(Boolean).join(" ");
  return { id: String(u.id), name, ...(u.username ? { username: u.username } : {}) };
}
