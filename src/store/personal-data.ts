/** Everything about one person, for /export, and its deletion, for /forget. */
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "./db";
import { chats, checkIns, commitments, events, outbox, people } from "./schema";

/** What /forget removed, for the reply. */
export interface ForgetReport {
  commitments: number;
  checkIns: number;
  events: number;
  messages: number;
  witnessRoles: number;
}

/** Collects every row about the person (their commitments, check-ins, history, queued messages). */
export function collectPersonalData(db: Db, personId: number) {
  const person = db.select().from(people).where(eq(people.id, personId)).get();
  const own = db.select().from(commitments).where(eq(commitments.ownerId, personId)).all();
  const ownIds = own.map((c) => c.id);
  const ins = ownIds.length
    ? db.select().from(checkIns).where(inArray(checkIns.commitmentId, ownIds)).all()
    : [];
  const history = db
    .select()
    .from(events)
    .where(
      or(
        eq(events.personId, personId),
        eq(events.actorId, personId),
        ownIds.length ? inArray(events.commitmentId, ownIds) : undefined,
      ),
    )
    .all();
  const messages = db
    .select()
    .from(outbox)
    .where(
      or(eq(outbox.personId, personId), ownIds.length ? inArray(outbox.commitmentId, ownIds) : undefined),
    )
    .all();
  const witnessing = db.select().from(commitments).where(eq(commitments.witnessId, personId)).all();
  return { person, commitments: own, checkIns: ins, events: history, messages, witnessing };
}

/**
 * Deletes every row about the person in one transaction. Their own commitments go with their
 * check-ins, history and queued messages; where they witness someone else's commitment the
 * link is removed and the owner's history keeps an entry without their name.
 */
export function deletePersonalData(db: Db, personId: number, now: number): ForgetReport {
  return db.transaction((tx) => {
    const data = collectPersonalData(tx, personId);
    for (const c of data.witnessing) {
      tx.update(commitments)
        .set({ witnessId: null, witnessStatus: null, updatedAt: now })
        .where(eq(commitments.id, c.id))
        .run();
      tx.insert(events)
        .values({ commitmentId: c.id, kind: "witness-removed", data: { reason: "forget" }, at: now })
        .run();
    }
    // Open invitations naming them are withdrawn, and the invitations in others' history forget
    // the handle they were addressed to.
    const handles = [
      `id:${data.person?.externalId ?? ""}`,
      ...(data.person?.username ? [`@${data.person.username}`] : []),
    ];
    tx.update(commitments)
      .set({ witnessStatus: null, witnessInvite: null, updatedAt: now })
      .where(and(eq(commitments.witnessStatus, "invited"), inArray(commitments.witnessInvite, handles)))
      .run();
    tx.run(
      sql`UPDATE events SET data = json_remove(data, '$.invite')
          WHERE kind = 'witness-invited' AND json_extract(data, '$.invite') IN ${handles}`,
    );
    // Events they caused on other people's commitments stay in those owners' history, unnamed.
    tx.update(events).set({ actorId: null }).where(eq(events.actorId, personId)).run();
    const ids = data.commitments.map((c) => c.id);
    if (ids.length) {
      tx.delete(outbox).where(inArray(outbox.commitmentId, ids)).run();
      tx.delete(events).where(inArray(events.commitmentId, ids)).run();
      tx.delete(checkIns).where(inArray(checkIns.commitmentId, ids)).run();
      tx.delete(commitments).where(inArray(commitments.id, ids)).run();
    }
    tx.delete(outbox).where(eq(outbox.personId, personId)).run();
    tx.delete(events).where(eq(events.personId, personId)).run();
    if (data.person?.dmChatId) {
      const dm = and(eq(chats.platform, data.person.platform), eq(chats.externalId, data.person.dmChatId));
      tx.delete(chats).where(dm).run();
    }
    tx.delete(people).where(eq(people.id, personId)).run();
    const ownEvents = data.events.filter(
      (e) => e.personId === personId || ids.includes(e.commitmentId ?? -1),
    );
    return {
      commitments: data.commitments.length,
      checkIns: data.checkIns.length,
      events: ownEvents.length,
      messages: data.messages.length,
      witnessRoles: data.witnessing.length,
    };
  });
}
