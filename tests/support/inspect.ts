/**
 * What the tests may read and arrange in the store, in the bot's own words: a person's
 * commitments, their check-ins, the messages waiting in the outbox, the history. This is the
 * ONE place in tests/ that knows how the store keeps them; a test asks
 * `await commitmentOf(bot, "alice", 1)`, never a table. The same readers run on SQLite and on
 * PostgreSQL (tests/support/stores.ts), so every test written on them runs on both stores.
 *
 * Readers return plain records in the order things happened (by id; one commitment's check-ins
 * by due time), in the shapes the store gives the engine, so an assertion reads the same on any
 * store. Arrange helpers put the store in a state the commands cannot reach quickly (a long
 * streak, a past check-in, a person an adapter recorded) and are for setting up, never for
 * checking. Tests of the SQLite file itself (start-up and migrations, checkpoints, the byte scans
 * after /forget, the crash test's file checks) still open it directly.
 */
import { and, asc, eq, like, sql } from "drizzle-orm";
import type {
  BundleItem,
  ChatRow,
  CheckInRow,
  CommitmentRow,
  EventRow,
  OutboxRow,
  PersonRow,
  QueuedMessage,
  Store,
  StoreTx,
} from "../../src/store/port";
import type { Recipient, Reply } from "../../src/types";
import { lazyStore, openTestStore, type PgDb, rawAccess, type TestDialect, type TestStore } from "./stores";

export type { Store };

/**
 * A fresh store for a test bot, opening in the background (the bot can be built at once): in
 * memory on SQLite unless a test needs the database file itself, a schema of its own on PostgreSQL.
 */
export function openStore(
  path?: string,
  opts: { autoCheckpoint?: boolean; dialect?: TestDialect } = {},
): Store {
  const opening: Promise<TestStore> = openTestStore({ ...opts, ...(path ? { path } : {}) });
  return lazyStore(opening, opts.dialect);
}

/** Anything with the store under it: the harness bots, the Telegram world, the Discord bot. */
export interface WithStore {
  store: Store;
}

/** Runs `fn` in one transaction on the bot's store, through the port (as the engine would). */
export function inStore<T>(s: WithStore, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  return s.store.transaction(fn);
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

/** Everyone the bot knows, in the order they were met. */
export async function allPeople(s: WithStore): Promise<Person[]> {
  const { db, t } = await rawAccess(s.store);
  return db.select().from(t.people).orderBy(asc(t.people.id));
}

/** The person with platform id `externalId` (in the console harness, the name they send as). */
export async function personOf(s: WithStore, externalId: string): Promise<Person | undefined> {
  const { db, t } = await rawAccess(s.store);
  const rows = await db
    .select()
    .from(t.people)
    .where(eq(t.people.externalId, externalId))
    .orderBy(asc(t.people.id))
    .limit(1);
  return rows[0];
}

/** Every chat the bot knows. */
export async function allChats(s: WithStore): Promise<Chat[]> {
  const { db, t } = await rawAccess(s.store);
  return db.select().from(t.chats).orderBy(asc(t.chats.id));
}

// ---- commitments ----

/** Every commitment, everyone's, in the order they were made. */
export async function allCommitments(s: WithStore): Promise<Commitment[]> {
  const { db, t } = await rawAccess(s.store);
  return db.select().from(t.commitments).orderBy(asc(t.commitments.id));
}

/** A commitment by its id (the first one made is 1); throws when there is none. */
export async function commitment(s: WithStore, id = 1): Promise<Commitment> {
  const { db, t } = await rawAccess(s.store);
  const [c] = await db.select().from(t.commitments).where(eq(t.commitments.id, id)).limit(1);
  if (!c) throw new Error(`no commitment ${id}`);
  return c;
}

/** `owner`'s commitment `#number` (owner by platform id); throws when there is none. */
export async function commitmentOf(s: WithStore, owner: string, number: number): Promise<Commitment> {
  const who = await personOf(s, owner);
  const c = who && (await inStore(s, (tx) => tx.findCommitment(who.id, number)));
  if (!c) throw new Error(`${owner} has no commitment #${number}`);
  return c;
}

/** How many of a person's (by person id) commitments count toward the limit of open ones. */
export async function openCommitmentCount(s: WithStore, ownerId: number): Promise<number> {
  return inStore(s, (tx) => tx.countOpenCommitments(ownerId));
}

// ---- check-ins ----

/** Every check-in row (a skipped range is one row), oldest first. */
export async function allCheckIns(s: WithStore): Promise<CheckIn[]> {
  const { db, t } = await rawAccess(s.store);
  return db.select().from(t.checkIns).orderBy(asc(t.checkIns.id));
}

/** Whether a commitment (by id) has a check-in open for an answer, as the engine sees it. */
export async function hasOpenCheckIn(s: WithStore, commitmentId: number): Promise<boolean> {
  return inStore(s, (tx) => tx.hasOpenCheckIn(commitmentId));
}

/** A commitment's check-ins (by commitment id), in the order they were due. */
export async function checkInsOf(s: WithStore, commitmentId = 1): Promise<CheckIn[]> {
  const { db, t } = await rawAccess(s.store);
  return db
    .select()
    .from(t.checkIns)
    .where(eq(t.checkIns.commitmentId, commitmentId))
    .orderBy(asc(t.checkIns.dueAt), asc(t.checkIns.id));
}

// ---- the outbox ----

/**
 * Messages in the outbox, queued or sent, oldest first: all of them, or those of one `kind`
 * (the purpose's first part: `prompt`, `remind`, `verify`…), one exact `purpose`, or about one
 * commitment (by id).
 */
export async function outboxOf(
  s: WithStore,
  where: { kind?: string; purpose?: string; commitmentId?: number } = {},
): Promise<OutboxMessage[]> {
  const { db, t } = await rawAccess(s.store);
  const rows = await db
    .select()
    .from(t.outbox)
    .where(
      and(
        where.kind === undefined ? undefined : like(t.outbox.purpose, `${where.kind}:%`),
        where.purpose === undefined ? undefined : eq(t.outbox.purpose, where.purpose),
        where.commitmentId === undefined ? undefined : eq(t.outbox.commitmentId, where.commitmentId),
      ),
    )
    .orderBy(asc(t.outbox.id));
  return rows as OutboxMessage[];
}

/** When the next message still to send becomes ready, or null when the outbox is drained. */
export async function nextReadyAt(s: WithStore): Promise<number | null> {
  return inStore(s, (tx) => tx.nextReadyAt());
}

/**
 * Every message ready by `now`, leased to `owner` and marked sent, oldest first: a minimal
 * dispatcher for bots that read what went out rather than how.
 */
export async function deliverReady(s: WithStore, now: number, owner = "test"): Promise<QueuedMessage[]> {
  const out: QueuedMessage[] = [];
  for (;;) {
    const batch = await inStore(s, (tx) => tx.claimReady({ owner, now, leaseMs: 60_000, limit: 500 }));
    if (batch.length === 0) return out;
    await inStore(s, async (tx) => {
      for (const m of batch) await tx.markSent(m.id, owner, now);
    });
    out.push(...batch);
  }
}

/** The message queued for `purpose`, if any. */
export async function messageFor(s: WithStore, purpose: string): Promise<OutboxMessage | undefined> {
  return (await outboxOf(s, { purpose }))[0];
}

// ---- history ----

/**
 * History entries, oldest first: all, or those of one `kind`, about one commitment (by id) or
 * about one person's settings (by person id).
 */
export async function eventsOf(
  s: WithStore,
  where: { kind?: string; commitmentId?: number; personId?: number } = {},
): Promise<HistoryEntry[]> {
  const { db, t } = await rawAccess(s.store);
  return db
    .select()
    .from(t.events)
    .where(
      and(
        where.kind === undefined ? undefined : eq(t.events.kind, where.kind),
        where.commitmentId === undefined ? undefined : eq(t.events.commitmentId, where.commitmentId),
        where.personId === undefined ? undefined : eq(t.events.personId, where.personId),
      ),
    )
    .orderBy(asc(t.events.id));
}

// ---- facts the process keeps between runs ----

/** A fact the process kept (which command table a platform last registered, say), or undefined. */
export async function processFact(s: WithStore, key: string): Promise<string | undefined> {
  return inStore(s, (tx) => tx.getMeta(key));
}

/** Keeps a fact, as a process would. */
export async function setProcessFact(s: WithStore, key: string, value: string, at: number): Promise<void> {
  await inStore(s, (tx) => tx.setMeta(key, value, at));
}

// ---- arranging ----

/** Changes a commitment (by id) as if time or earlier answers had brought it there. */
export async function setCommitment(
  s: WithStore,
  id: number,
  change: Partial<Omit<Commitment, "id">>,
): Promise<void> {
  const { db, t } = await rawAccess(s.store);
  const done = await db
    .update(t.commitments)
    .set(change)
    .where(eq(t.commitments.id, id))
    .returning({ id: t.commitments.id });
  if (done.length !== 1) throw new Error(`no commitment ${id}`);
}

/** Changes a person (by platform id), as earlier commands would have. */
export async function setPerson(
  s: WithStore,
  externalId: string,
  change: Partial<Omit<Person, "id">>,
): Promise<void> {
  const { db, t } = await rawAccess(s.store);
  const done = await db
    .update(t.people)
    .set(change)
    .where(eq(t.people.externalId, externalId))
    .returning({ id: t.people.id });
  if (done.length !== 1) throw new Error(`no person ${externalId}`);
}

/** Records a person as an adapter would (the engine never records a bot, say); returns them. */
export async function addPerson(
  s: WithStore,
  person: Pick<Person, "platform" | "externalId" | "name" | "createdAt"> & Partial<Person>,
): Promise<Person> {
  const { db, t } = await rawAccess(s.store);
  const [row] = await db.insert(t.people).values(person).returning();
  if (!row) throw new Error("person not added");
  return row;
}

/** Puts a check-in in a commitment's past (or anywhere the scheduler would not). */
export async function addCheckIn(
  s: WithStore,
  checkIn: Pick<CheckIn, "commitmentId" | "dueAt" | "windowEnd" | "state" | "createdAt"> & Partial<CheckIn>,
): Promise<CheckIn> {
  const { db, t } = await rawAccess(s.store);
  const [row] = await db.insert(t.checkIns).values(checkIn).returning();
  if (!row) throw new Error("check-in not added");
  return row;
}

/** Puts a message in the outbox as it is, whatever it says (no check of recipient or payload). */
export async function addMessage(
  s: WithStore,
  message: Pick<OutboxRow, "purpose" | "platform" | "notBefore" | "createdAt"> & {
    recipient: unknown;
    payload: unknown;
  } & Partial<OutboxRow>,
): Promise<void> {
  const { db, t } = await rawAccess(s.store);
  await db.insert(t.outbox).values(message);
}

/**
 * Breaks the store under the engine so that any command writing history fails halfway (an
 * unexpected failure): the history is gone, so the write of its entry throws.
 */
export async function breakHistory(s: WithStore): Promise<void> {
  const { db, dialect } = await rawAccess(s.store);
  if (dialect === "sqlite") await db.run(sql.raw("DROP TABLE events"));
  else await (db as unknown as PgDb).execute(sql.raw("DROP TABLE events CASCADE"));
}

/** Closes the store (at the end of a test that opened its own). */
export async function closeStore(s: WithStore): Promise<void> {
  await s.store.close();
}

/**
 * Every string the store holds, in any table, one per line (values inside JSON included): what a
 * privacy check searches when the store is not a file it can read byte by byte (PostgreSQL).
 */
export async function everyStoredString(s: WithStore): Promise<string> {
  const { db, t } = await rawAccess(s.store);
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      out.push(v);
      // A JSON column stored as text (SQLite) is searched as what it says.
      if (/^[[{]/.test(v)) {
        try {
          walk(JSON.parse(v));
        } catch {}
      }
    } else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  for (const table of [
    t.people,
    t.chats,
    t.commitments,
    t.checkIns,
    t.outbox,
    t.events,
    t.meta,
    t.heldNotes,
  ]) {
    walk(await db.select().from(table));
  }
  return out.join("\n");
}

/**
 * The first whole minute from `from` on at which the scheduler or the dispatcher has work, or
 * null when none is planned: a minute-by-minute loop can go straight there, since the minutes
 * before it would tick for nothing.
 */
export async function nextBusyMinute(s: WithStore, from: number): Promise<number | null> {
  const next = await s.store.transaction((tx) => tx.nextWorkAt(), { readOnly: true });
  return next === null ? null : Math.max(from, Math.ceil(next / 60_000) * 60_000);
}
