/**
 * What /export and /forget decide the same way on either database (PRODUCT.md §8): how an
 * invitation names a person, which commitments they witnessed, what is recorded where they are
 * removed as a witness, which chat is theirs, and what the reply counts. ./sqlite/personal-data.ts
 * and ./pg/personal-data.ts only read and write the rows.
 */
import type { PersonalData, PersonRow } from "./port";

/** What /forget removed or rewrote, for the reply. */
export interface ForgetReport {
  commitments: number;
  checkIns: number;
  events: number;
  /** Messages to them or about their commitments, deleted. */
  messages: number;
  /** Others' commitments they witnessed. */
  witnessRoles: number;
  /** Open invitations naming them, withdrawn. */
  invitations: number;
  /** Rows of others (messages, history, meta) rewritten so they no longer carry them. */
  scrubbed: number;
}

/** How an open invitation may name the person: by platform id or by typed `@username`. */
export function inviteHandles(p: Pick<PersonRow, "externalId" | "username">): string[] {
  return [`id:${p.externalId}`, ...(p.username ? [`@${p.username}`] : [])];
}

/**
 * Commitments where they were (or were asked to be) the witness: there a mention of them can be
 * renamed "a former witness". Anywhere else, a message naming them is withdrawn.
 */
export function witnessedBy(data: PersonalData): Set<number> {
  return new Set<number>([
    ...data.witnessing.map((c) => c.id),
    ...data.invitations.map((c) => c.id),
    ...data.acted.map((e) => e.commitmentId ?? -1),
  ]);
}

/**
 * The history entry of a commitment that loses its witness (or its open invitation) to /forget,
 * recorded like an owner's withdrawal.
 */
export function witnessRemoved(commitmentId: number, now: number) {
  return { commitmentId, kind: "witness-removed", data: { reason: "forget" }, at: now };
}

/** The external ids their direct chat may have (its id is theirs; on Telegram it is their user id). */
export function dmChatIds(p: Pick<PersonRow, "dmChatId" | "externalId">): string[] {
  return [p.dmChatId, p.externalId].filter((x): x is string => !!x);
}

/**
 * The reply's counts, from what was collected before the deletion, the messages deleted and
 * others' rows rewritten; all zero when `data` has no person (nothing was forgotten).
 */
export function forgetReport(data: PersonalData, messages: number, scrubbed: number): ForgetReport {
  if (!data.person) {
    return {
      commitments: 0,
      checkIns: 0,
      events: 0,
      messages: 0,
      witnessRoles: 0,
      invitations: 0,
      scrubbed: 0,
    };
  }
  return {
    commitments: data.commitments.length,
    checkIns: data.checkIns.length,
    events: data.events.length,
    messages,
    witnessRoles: data.witnessing.length,
    invitations: data.invitations.length,
    scrubbed,
  };
}
