/**
 * Everything about one person, for /export, and its deletion, for /forget (PRODUCT.md §8), on
 * PostgreSQL. The same rows as ../sqlite/personal-data.ts, in the order SQLite's indexes give
 * them there (written out here as ORDER BY).
 *
 * Forgetting is more than deleting the person's rows: their name, handle, platform id, promises
 * and notes also sit in rows that belong to others; ./scrub finds and rewrites those. Deleted and
 * rewritten rows stay as dead tuples in the table files (and in the WAL) until VACUUM reclaims them.
 */
import { and, eq, inArray, isNotNull, notExists, notInArray, or, sql } from "drizzle-orm";
import {
  dmChatIds,
  type ForgetReport,
  forgetReport,
  inviteHandles,
  witnessedBy,
  witnessRemoved,
} from "../forget";
import type { CommitmentRow, EventRow, PersonalData } from "../port";
import type { PgDb } from "./db";
import { chats, checkIns, commitments, events, outbox, people } from "./schema";
import { scrubMentions } from "./scrub";

/** Collects every row about the person, and the rows of others that only refer to them. */
export async function collectPersonalData(db: PgDb, personId: number): Promise<PersonalData> {
  const person = (await db.select().from(people).where(eq(people.id, personId)).limit(1))[0];
  const own = await db
    .select()
    .from(commitments)
    .where(eq(commitments.ownerId, personId))
    .orderBy(commitments.number);
  const ownIds = own.map((c) => c.id);
  const ins = ownIds.length
    ? await db
        .select()
        .from(checkIns)
        .where(inArray(checkIns.commitmentId, ownIds))
        .orderBy(checkIns.commitmentId, checkIns.dueAt)
    : [];
  const ownCommitment = ownIds.length ? inArray(events.commitmentId, ownIds) : undefined;
  const history = await db
    .select()
    .from(events)
    .where(or(eq(events.personId, personId), ownCommitment))
    .orderBy(events.at, events.id);
  // What they did on others' commitments: accepted, declined, verdicts, stepping down.
  const acted = await db
    .select()
    .from(events)
    .where(
      and(
        eq(events.actorId, personId),
        ownIds.length ? notInArray(events.commitmentId, ownIds) : undefined,
        isNotNull(events.commitmentId),
      ),
    )
    .orderBy(events.at, events.id);
  const messages = await db
    .select()
    .from(outbox)
    .where(eq(outbox.personId, personId))
    .orderBy(outbox.createdAt, outbox.id);
  const witnessing = await db
    .select()
    .from(commitments)
    .where(eq(commitments.witnessId, personId))
    .orderBy(commitments.id);
  const invitations = person
    ? await db
        .select()
        .from(commitments)
        .where(
          and(
            eq(commitments.witnessStatus, "invited"),
            inArray(commitments.witnessInvite, inviteHandles(person)),
          ),
        )
        .orderBy(commitments.id)
    : [];
  return {
    person,
    commitments: own,
    checkIns: ins,
    events: history,
    acted,
    messages,
    witnessing,
    invitations,
  };
}

/** Display names by internal id, for people others see by name. */
export async function namesOf(db: PgDb, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(inArray(people.id, [...new Set(ids)]))
    .orderBy(people.id);
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Commitments by id (others' commitments a person took part in). */
export async function commitmentsByIds(db: PgDb, ids: readonly number[]): Promise<CommitmentRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(commitments)
    .where(inArray(commitments.id, [...new Set(ids)]))
    .orderBy(commitments.id);
}

/** The history entries of commitments that changed their promise (every wording it had). */
export async function promiseEdits(db: PgDb, commitmentIds: readonly number[]): Promise<EventRow[]> {
  if (commitmentIds.length === 0) return [];
  return db
    .select()
    .from(events)
    .where(
      and(
        inArray(events.commitmentId, [...new Set(commitmentIds)]),
        // `->>` gives SQL NULL for a JSON null too, as SQLite's json_extract does.
        sql`${events.data} ->> 'promise' IS NOT NULL`,
      ),
    )
    .orderBy(events.commitmentId, events.at, events.id);
}

/**
 * Deletes every row about the person and rewrites what others hold about them, inside the
 * caller's transaction. The person's row is locked first (FOR UPDATE), so a concurrent
 * transaction that writes a row referring to them waits, then fails its foreign key once they
 * are gone. PostgreSQL keeps the old row versions as dead tuples until VACUUM reclaims them.
 */
export async function deletePersonalData(tx: PgDb, personId: number, now: number): Promise<ForgetReport> {
  await tx.select({ id: people.id }).from(people).where(eq(people.id, personId)).for("update");
  const data = await collectPersonalData(tx, personId);
  const p = data.person;
  if (!p) return forgetReport(data, 0, 0);
  const ownIds = data.commitments.map((c) => c.id);
  const witnessed = witnessedBy(data);
  const removed = (list: CommitmentRow[]) => list.map((c) => witnessRemoved(c.id, now));

  // Where they witness, the owner keeps the commitment, without a witness.
  if (data.witnessing.length) {
    await tx
      .update(commitments)
      .set({ witnessId: null, witnessStatus: null, updatedAt: now })
      .where(
        inArray(
          commitments.id,
          data.witnessing.map((c) => c.id),
        ),
      );
    await tx.insert(events).values(removed(data.witnessing));
  }
  // Open invitations naming them are withdrawn, recorded like an owner's withdrawal.
  if (data.invitations.length) {
    await tx
      .update(commitments)
      .set({ witnessStatus: null, witnessInvite: null, updatedAt: now })
      .where(
        inArray(
          commitments.id,
          data.invitations.map((c) => c.id),
        ),
      );
    await tx.insert(events).values(removed(data.invitations));
  }
  // Events they caused on other people's commitments stay in those owners' history, unnamed.
  await tx.update(events).set({ actorId: null }).where(eq(events.actorId, personId));

  // Messages to them or about their commitments go. Every purpose names a row with an identity
  // id (a check-in, a commitment, them), never reused, so none can be queued again.
  const ownMessages = or(
    eq(outbox.personId, personId),
    ownIds.length ? inArray(outbox.commitmentId, ownIds) : undefined,
  );
  let messages = (await tx.delete(outbox).where(ownMessages).returning({ id: outbox.id })).length;
  if (ownIds.length) {
    await tx.delete(events).where(inArray(events.commitmentId, ownIds));
    await tx.delete(checkIns).where(inArray(checkIns.commitmentId, ownIds));
    await tx.delete(commitments).where(inArray(commitments.id, ownIds));
  }
  await tx.delete(events).where(eq(events.personId, personId));

  const { deleted, scrubbed } = await scrubMentions(tx, p, data, witnessed, now);
  messages += deleted;

  // Their direct chat, unless a commitment still lives in it.
  await tx
    .delete(chats)
    .where(
      and(
        eq(chats.platform, p.platform),
        eq(chats.kind, "dm"),
        inArray(chats.externalId, dmChatIds(p)),
        notExists(tx.select({ one: sql`1` }).from(commitments).where(eq(commitments.chatId, chats.id))),
      ),
    );
  await tx.delete(people).where(eq(people.id, personId));
  return forgetReport(data, messages, scrubbed);
}
