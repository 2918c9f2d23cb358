/**
 * Everything about one person, for /export, and its deletion, for /forget (PRODUCT.md §8).
 *
 * Forgetting is more than deleting the person's rows: their name, handle, platform id, promises
 * and notes also sit in rows that belong to others; ./scrub finds and rewrites those.
 */
import { and, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import {
  dmChatIds,
  type ForgetReport,
  forgetReport,
  inviteHandles,
  witnessedBy,
  witnessRemoved,
} from "../forget";
import type { Db } from "./db";
import { clientOf } from "./raw";
import {
  type CommitmentRow,
  chats,
  checkIns,
  commitments,
  type EventRow,
  events,
  outbox,
  people,
} from "./schema";
import { scrubMentions } from "./scrub";

/** Collects every row about the person, and the rows of others that only refer to them. */
export function collectPersonalData(db: Db, personId: number) {
  const person = db.select().from(people).where(eq(people.id, personId)).get();
  const own = db.select().from(commitments).where(eq(commitments.ownerId, personId)).all();
  const ownIds = own.map((c) => c.id);
  const ins = ownIds.length
    ? db.select().from(checkIns).where(inArray(checkIns.commitmentId, ownIds)).all()
    : [];
  const ownCommitment = ownIds.length ? inArray(events.commitmentId, ownIds) : undefined;
  const history = db
    .select()
    .from(events)
    .where(or(eq(events.personId, personId), ownCommitment))
    .orderBy(events.at, events.id)
    .all();
  // What they did on others' commitments: accepted, declined, verdicts, stepping down.
  const acted = db
    .select()
    .from(events)
    .where(
      and(
        eq(events.actorId, personId),
        ownIds.length ? notInArray(events.commitmentId, ownIds) : undefined,
        sql`${events.commitmentId} IS NOT NULL`,
      ),
    )
    .orderBy(events.at, events.id)
    .all();
  const messages = db
    .select()
    .from(outbox)
    .where(eq(outbox.personId, personId))
    .orderBy(outbox.createdAt, outbox.id)
    .all();
  const witnessing = db.select().from(commitments).where(eq(commitments.witnessId, personId)).all();
  const invitations = person
    ? db
        .select()
        .from(commitments)
        .where(
          and(
            eq(commitments.witnessStatus, "invited"),
            inArray(commitments.witnessInvite, inviteHandles(person)),
          ),
        )
        .all()
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

/** The collected data of one person. */
export type PersonalData = ReturnType<typeof collectPersonalData>;

/** Display names by internal id, for people others see by name. */
export function namesOf(db: Db, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(inArray(people.id, [...new Set(ids)]))
    .all();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Commitments by id (others' commitments a person took part in). */
export function commitmentsByIds(db: Db, ids: readonly number[]): CommitmentRow[] {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(commitments)
    .where(inArray(commitments.id, [...new Set(ids)]))
    .all();
}

/** The history entries of commitments that changed their promise (every wording it had). */
export function promiseEdits(db: Db, commitmentIds: readonly number[]): EventRow[] {
  if (commitmentIds.length === 0) return [];
  return db
    .select()
    .from(events)
    .where(
      and(
        inArray(events.commitmentId, [...new Set(commitmentIds)]),
        sql`json_extract(${events.data}, '$.promise') IS NOT NULL`,
      ),
    )
    .all();
}

/**
 * Deletes every row about the person and rewrites what others hold about them, inside the
 * caller's transaction. Call {@link checkpointWal} after it commits, so the old page images
 * leave the WAL.
 */
export function deletePersonalData(tx: Db, personId: number, now: number): ForgetReport {
  {
    const data = collectPersonalData(tx, personId);
    const p = data.person;
    if (!p) return forgetReport(data, 0, 0);
    const ownIds = data.commitments.map((c) => c.id);
    const witnessed = witnessedBy(data);

    // Where they witness, the owner keeps the commitment, without a witness.
    for (const c of data.witnessing) {
      tx.update(commitments)
        .set({ witnessId: null, witnessStatus: null, updatedAt: now })
        .where(eq(commitments.id, c.id))
        .run();
      tx.insert(events).values(witnessRemoved(c.id, now)).run();
    }
    // Open invitations naming them are withdrawn, recorded like an owner's withdrawal.
    for (const c of data.invitations) {
      tx.update(commitments)
        .set({ witnessStatus: null, witnessInvite: null, updatedAt: now })
        .where(eq(commitments.id, c.id))
        .run();
      tx.insert(events).values(witnessRemoved(c.id, now)).run();
    }
    // Events they caused on other people's commitments stay in those owners' history, unnamed.
    tx.update(events).set({ actorId: null }).where(eq(events.actorId, personId)).run();

    // Messages to them or about their commitments go. Every purpose names a row with an
    // AUTOINCREMENT id (a check-in, a commitment, them), never reused, so none can be queued again.
    const ownMessages = or(
      eq(outbox.personId, personId),
      ownIds.length ? inArray(outbox.commitmentId, ownIds) : undefined,
    );
    let messages = tx.delete(outbox).where(ownMessages).run().changes;
    if (ownIds.length) {
      tx.delete(events).where(inArray(events.commitmentId, ownIds)).run();
      tx.delete(checkIns).where(inArray(checkIns.commitmentId, ownIds)).run();
      tx.delete(commitments).where(inArray(commitments.id, ownIds)).run();
    }
    tx.delete(events).where(eq(events.personId, personId)).run();

    const { deleted, scrubbed } = scrubMentions(tx, p, data, witnessed, now);
    messages += deleted;

    // Their direct chat, unless a commitment still lives in it.
    tx.delete(chats)
      .where(
        and(
          eq(chats.platform, p.platform),
          eq(chats.kind, "dm"),
          inArray(chats.externalId, dmChatIds(p)),
          sql`NOT EXISTS (SELECT 1 FROM commitments WHERE chat_id = ${chats.id})`,
        ),
      )
      .run();
    tx.delete(people).where(eq(people.id, personId)).run();
    return forgetReport(data, messages, scrubbed);
  }
}

/**
 * Copies the WAL back into the database file and truncates it, so the page images that still
 * held deleted rows leave the disk (with `secure_delete` the file's own pages are already zeroed).
 * Run it outside any transaction. A no-op on an in-memory database.
 * @returns false when another connection's reader kept it from finishing.
 */
export function checkpointWal(db: Db): boolean {
  const rows = clientOf(db).pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
  return (rows[0]?.busy ?? 0) === 0;
}
