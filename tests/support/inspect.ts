/**
 * What the tests may read and arrange in the store, in the bot's own words: a person's
 * commitments, their check-ins, the messages waiting in the outbox, the history. This is the
 * ONE place in tests/ that knows how the store keeps them (drizzle over SQLite today); a test
 * asks `commitmentOf(bot, "alice", 1)`, never a table. A second store (PostgreSQL, issue 11)
 * re-implements these functions and every test written on them runs unchanged.
 *
 * Readers return plain records in the order things happened (by id; one commitment's check-ins
 * by due time), in the shapes the store gives the engine, so an assertion reads the same on any
 * store. Arrange helpers put the store in a state the commands cannot reach quickly (a long
 * streak, a past check-in, a person an adapter recorded) and are for setting up, never for
 * checking. Tests of the SQLite file itself (start-up and migrations, checkpoints, the byte scans
 * after /forget, the crash test's file checks) still open it directly.
 */
import { and, asc, eq, like } from "drizzle-orm";
import { hasOpenCheckIn as storedHasOpenCheckIn } from "../../src/store/sqlite/checkins";
import { countOpenCommitments } from "../../src/store/sqlite/commitments";
import { type Db, type OpenDb, openDatabase } from "../../src/store/sqlite/db";
import { getMeta, setMeta } from "../../src/store/sqlite/meta";
import {
  claimReady,
  markSent,
  type QueuedMessage,
  nextReadyAt as storedNextReadyAt,
} from "../../src/store/sqlite/outbox";
import {
  type BundleItem,
  type ChatRow,
  type CheckInRow,
  type CommitmentRow,
  chats,
  checkIns,
  commitments,
  type EventRow,
  events,
  type OutboxRow,
  outbox,
  type PersonRow,
  people,
} from "../../src/store/sqlite/schema";
import type { Recipient, Reply } from "../../src/types";

/** An open store, as a test bot holds it. */
export type Store = OpenDb;

/**
 * A fresh store for a test bot: in memory unless a test needs the database file itself (the
 * privacy scans, several processes on one file). Every bot in tests/support opens its store here.
 */
export function openStore(path = ":memory:", opts: { autoCheckpoint?: boolean } = {}): Store {
  return openDatabase(path, opts);
}

/** Anything with the store under it: the harness bots, the Telegram world, the Discord bot. */
export interface WithStore {
  db: Db;
}

export type { BundleItem };
export type Person = PersonRow;
export type Chat = ChatRow;
export type Commitment = CommitmentRow;
export type CheckIn = CheckInRow;
export type HistoryEntry = EventRow;
/** A message in the outbox, queued or sent: whom it is for and what it says. */
export type OutboxMessage = Omit<OutboxRow, "recipient" | "payload"> & {
  recipient: Recipient;
  payload: Reply;
};

// ---- people and chats ----

/** Everyone the bot knows, in the order it met them. */
export function allPeople(s: WithStore): Person[] {
  return s.db.select().from(people).orderBy(asc(people.id)).all();
}

/** The person with platform id `externalId` (in the console harness, the name they send as). */
export function personOf(s: WithStore, externalId: string): Person | undefined {
  return s.db.select().from(people).where(eq(people.externalId, externalId)).orderBy(asc(people.id)).get();
}

/** Every chat the bot knows. */
export function allChats(s: WithStore): Chat[] {
  return s.db.select().from(chats).orderBy(asc(chats.id)).all();
}

// ---- commitments ----

/** Every commitment, everyone's, in the order they were made. */
export function allCommitments(s: WithStore): Commitment[] {
  return s.db.select().from(commitments).orderBy(asc(commitments.id)).all();
}

/** A commitment by its id (the first one made is 1); throws when there is none. */
export function commitment(s: WithStore, id = 1): Commitment {
  const c = s.db.select().from(commitments).where(eq(commitments.id, id)).get();
  if (!c) throw new Error(`no commitment ${id}`);
  return c;
}

/** `owner`'s commitment `#number` (owner by platform id); throws when there is none. */
export function commitmentOf(s: WithStore, owner: string, number: number): Commitment {
  const who = personOf(s, owner);
  const c =
    who &&
    s.db
      .select()
      .from(commitments)
      .where(and(eq(commitments.ownerId, who.id), eq(commitments.number, number)))
      .get();
  if (!c) throw new Error(`${owner} has no commitment #${number}`);
  return c;
}

/** How many of a person's (by person id) commitments count toward the limit of open ones. */
export function openCommitmentCount(s: WithStore, ownerId: number): number {
  return countOpenCommitments(s.db, ownerId);
}

// ---- check-ins ----

/** Every check-in row (a skipped range is one row), oldest first. */
export function allCheckIns(s: WithStore): CheckIn[] {
  return s.db.select().from(checkIns).orderBy(asc(checkIns.id)).all();
}

/** Whether a commitment (by id) has a check-in open for an answer, as the engine sees it. */
export function hasOpenCheckIn(s: WithStore, commitmentId: number): boolean {
  return storedHasOpenCheckIn(s.db, commitmentId);
}

/** A commitment's check-ins (by commitment id), in the order they were due. */
export function checkInsOf(s: WithStore, commitmentId = 1): CheckIn[] {
  return s.db
    .select()
    .from(checkIns)
    .where(eq(checkIns.commitmentId, commitmentId))
    .orderBy(asc(checkIns.dueAt), asc(checkIns.id))
    .all();
}

// ---- the outbox ----

/**
 * Messages in the outbox, queued or sent, oldest first: all of them, or those of one `kind`
 * (the purpose's first part: `prompt`, `remind`, `verify`…), one exact `purpose`, or about one
 * commitment (by id).
 */
export function outboxOf(
  s: WithStore,
  where: { kind?: string; purpose?: string; commitmentId?: number } = {},
): OutboxMessage[] {
  const rows = s.db
    .select()
    .from(outbox)
    .where(
      and(
        where.kind === undefined ? undefined : like(outbox.purpose, `${where.kind}:%`),
        where.purpose === undefined ? undefined : eq(outbox.purpose, where.purpose),
        where.commitmentId === undefined ? undefined : eq(outbox.commitmentId, where.commitmentId),
      ),
    )
    .orderBy(asc(outbox.id))
    .all();
  return rows as OutboxMessage[];
}

/** When the next message still to send becomes ready, or null when the outbox is drained. */
export function nextReadyAt(s: WithStore): number | null {
  return storedNextReadyAt(s.db);
}

/**
 * Every message ready by `now`, leased to `owner` and marked sent, oldest first: a minimal
 * dispatcher for bots that read what went out rather than how.
 */
export function deliverReady(s: WithStore, now: number, owner = "test"): QueuedMessage[] {
  const out: QueuedMessage[] = [];
  for (;;) {
    const batch = claimReady(s.db, { owner, now, leaseMs: 60_000, limit: 500 });
    if (batch.length === 0) return out;
    for (const m of batch) {
      markSent(s.db, m.id, owner, now);
      out.push(m);
    }
  }
}

/** The message queued for `purpose`, if any. */
export function messageFor(s: WithStore, purpose: string): OutboxMessage | undefined {
  return outboxOf(s, { purpose })[0];
}

// ---- history ----

/**
 * History entries, oldest first: all, or those of one `kind`, about one commitment (by id) or
 * about one person's settings (by person id).
 */
export function eventsOf(
  s: WithStore,
  where: { kind?: string; commitmentId?: number; personId?: number } = {},
): HistoryEntry[] {
  return s.db
    .select()
    .from(events)
    .where(
      and(
        where.kind === undefined ? undefined : eq(events.kind, where.kind),
        where.commitmentId === undefined ? undefined : eq(events.commitmentId, where.commitmentId),
        where.personId === undefined ? undefined : eq(events.personId, where.personId),
      ),
    )
    .orderBy(asc(events.id))
    .all();
}

// ---- facts the process keeps between runs ----

/** A fact the process kept (which command table a platform last registered, say), or undefined. */
export function processFact(s: WithStore, key: string): string | undefined {
  return getMeta(s.db, key);
}

/** Keeps a fact, as a process would. */
export function setProcessFact(s: WithStore, key: string, value: string, at: number): void {
  setMeta(s.db, key, value, at);
}

// ---- arranging ----

/** Changes a commitment (by id) as if time or earlier answers had brought it there. */
export function setCommitment(s: WithStore, id: number, change: Partial<Omit<Commitment, "id">>): void {
  const done = s.db.update(commitments).set(change).where(eq(commitments.id, id)).run();
  if (done.changes !== 1) throw new Error(`no commitment ${id}`);
}

/** Changes a person (by platform id), as earlier commands would have. */
export function setPerson(s: WithStore, externalId: string, change: Partial<Omit<Person, "id">>): void {
  const done = s.db.update(people).set(change).where(eq(people.externalId, externalId)).run();
  if (done.changes !== 1) throw new Error(`no person ${externalId}`);
}

/** Records a person as an adapter would (the engine never records a bot, say); returns them. */
export function addPerson(
  s: WithStore,
  person: Pick<Person, "platform" | "externalId" | "name" | "createdAt"> & Partial<Person>,
): Person {
  return s.db.insert(people).values(person).returning().get();
}

/** Puts a check-in in a commitment's past (or anywhere the scheduler would not). */
export function addCheckIn(
  s: WithStore,
  checkIn: Pick<CheckIn, "commitmentId" | "dueAt" | "windowEnd" | "state" | "createdAt"> & Partial<CheckIn>,
): CheckIn {
  return s.db.insert(checkIns).values(checkIn).returning().get();
}

/** Puts a message in the outbox as it is, whatever it says (no check of recipient or payload). */
export function addMessage(
  s: WithStore,
  message: Pick<OutboxRow, "purpose" | "platform" | "notBefore" | "createdAt"> & {
    recipient: unknown;
    payload: unknown;
  } & Partial<OutboxRow>,
): void {
  s.db.insert(outbox).values(message).run();
}

/**
 * Breaks the store under the engine so that any command writing history fails halfway (an
 * unexpected failure): the history is gone, so the write of its entry throws.
 */
export function breakHistory(s: WithStore): void {
  s.db.run("DROP TABLE events");
}

/** Closes the store (at the end of a test that opened its own). */
export function closeStore(s: { db: Store }): void {
  s.db.$client.close();
}
