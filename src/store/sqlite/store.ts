/**
 * The SQLite store: the port (../port.ts) over better-sqlite3. The queries underneath are
 * synchronous (better-sqlite3 runs them on the calling thread, fastest for an embedded
 * database); this file gives them the port's asynchronous shape and runs transactions.
 *
 * One connection serves the whole process, and a transaction that awaits lets other code run
 * on the same connection meanwhile. So transactions take turns through a queue: one is open at
 * a time, and nothing else touches the connection while it is. Since every query here is
 * synchronous, a handler's awaits resolve at once and its transaction holds the turn only for
 * its own work. BEGIN IMMEDIATE takes the write lock up front, so two processes on one file
 * wait for each other (busy timeout) instead of failing to upgrade a read lock.
 */
import type Database from "better-sqlite3";
import type { Store, StoreTx, TransactionOptions } from "../port";
import * as checkins from "./checkins";
import { tickQueries } from "./checkins";
import * as commitments from "./commitments";
import type { OpenDb } from "./db";
import * as events from "./events";
import * as gone from "./gone";
import * as heldNotes from "./held-notes";
import * as invitations from "./invitations";
import * as meta from "./meta";
import * as outbox from "./outbox";
import * as people from "./people";
import * as personalData from "./personal-data";
import { checkpointWal } from "./personal-data";
import { prepareAll } from "./raw";
import * as views from "./views";

/**
 * The queue of transactions on one database file in this process. Shared by every connection to
 * the file: a second connection waiting for the write lock would block the thread (SQLite's busy
 * wait is synchronous) while the first, between two awaits, could never finish and release it.
 */
const turnsByFile = new Map<string, { last: Promise<unknown> }>();

function turnsOf(client: Database.Database): { last: Promise<unknown> } {
  if (client.memory) return { last: Promise.resolve() };
  let turns = turnsByFile.get(client.name);
  if (!turns) {
    turns = { last: Promise.resolve() };
    turnsByFile.set(client.name, turns);
  }
  return turns;
}

/** A {@link Store} on an opened SQLite database, with the database for what only SQLite has. */
export interface SqliteStore extends Store {
  readonly dialect: "sqlite";
  /** The drizzle database and its better-sqlite3 connection (tests of the file, the checkpointer). */
  readonly db: OpenDb;
}

const stores = new WeakMap<OpenDb, SqliteStore>();

/**
 * Wraps an opened SQLite database (see ./db.ts `openDatabase`) as a {@link Store}. One store per
 * connection: asked again for the same database, it returns the same store, whose transactions
 * take turns with each other.
 */
export function createSqliteStore(db: OpenDb): SqliteStore {
  let store = stores.get(db);
  if (!store) {
    prepareAll(db);
    store = makeStore(db);
    stores.set(db, store);
  }
  return store;
}

function makeStore(db: OpenDb): SqliteStore {
  const client = db.$client;
  const statements = new Map<string, Database.Statement>();
  /** Transaction control, prepared once (better-sqlite3 allows it, and it saves a parse each time). */
  const run = (text: string) => {
    let st = statements.get(text);
    if (!st) {
      st = client.prepare(text);
      statements.set(text, st);
    }
    st.run();
  };
  let depth = 0;
  const turns = turnsOf(client);

  const scans = tickQueries(db);
  const tx: StoreTx = {
    dueCommitments: async (now, limit) => scans.dueCommitments(now, limit),
    dueReminders: async (now, limit) => scans.dueReminders(now, limit),
    closingWindows: async (now, limit) => scans.closingWindows(now, limit),
    dueChanges: async (now, limit) => scans.dueChanges(now, limit),
    endedPauses: async (now, limit) => scans.endedPauses(now, limit),
    dueDigests: async (now, limit) => scans.dueDigests(now, limit),
    anythingDue: async (now) => checkins.anythingDue(db, now),
    nextWorkAt: async () => checkins.nextWorkAt(db),
    async savepoint(fn) {
      if (depth === 0) throw new Error("savepoint outside a transaction");
      const name = `sp${depth}`;
      run(`SAVEPOINT ${name}`);
      depth++;
      try {
        const out = await fn(tx);
        run(`RELEASE ${name}`);
        return out;
      } catch (err) {
        run(`ROLLBACK TO ${name}`);
        run(`RELEASE ${name}`);
        throw err;
      } finally {
        depth--;
      }
    },
    insertCheckIn: async (...a) => checkins.insertCheckIn(db, ...a),
    advanceDue: async (...a) => checkins.advanceDue(db, ...a),
    recentClosings: async (...a) => checkins.recentClosings(db, ...a),
    dueSoonOf: async (...a) => checkins.dueSoonOf(db, ...a),
    // Set-wise on the port, row by row here: each row is a prepared statement on this thread,
    // and the batch still costs one await instead of one per row.
    advanceDueMany: async (moves, now) =>
      moves.filter((m) => checkins.advanceDue(db, m.id, m.expected, m.next, now)).map((m) => m.id),
    insertCheckIns: async (rows) =>
      rows.flatMap((r) => {
        const inserted = checkins.insertCheckIn(db, r);
        return inserted ? [inserted] : [];
      }),
    recentClosingsOf: async (ids, opts) =>
      new Map(ids.map((id) => [id, checkins.recentClosings(db, id, opts)])),
    ownersDueSoon: async (ids, after, until) =>
      new Set(ids.filter((id) => checkins.hasDueSoon(db, id, after, until))),
    enqueueMany: async (messages) => messages.filter((m) => outbox.enqueue(db, m)).length,
    countedCheckIns: async (...a) => checkins.countedCheckIns(db, ...a),
    getCheckIn: async (...a) => checkins.getCheckIn(db, ...a),
    updateCheckIn: async (...a) => checkins.updateCheckIn(db, ...a),
    openCheckIn: async (...a) => checkins.openCheckIn(db, ...a),
    openCheckInsOf: async (...a) => checkins.openCheckInsOf(db, ...a),
    hasOpenCheckIn: async (...a) => checkins.hasOpenCheckIn(db, ...a),
    checkInsBetween: async (...a) => checkins.checkInsBetween(db, ...a),
    commitmentWithParties: async (...a) => checkins.commitmentWithParties(db, ...a),
    skipOpenCheckIns: async (...a) => checkins.skipOpenCheckIns(db, ...a),
    insertCommitment: async (...a) => commitments.insertCommitment(db, ...a),
    countOpenCommitments: async (...a) => commitments.countOpenCommitments(db, ...a),
    findCommitment: async (...a) => commitments.findCommitment(db, ...a),
    listCommitments: async (...a) => commitments.listCommitments(db, ...a),
    listWitnessed: async (...a) => commitments.listWitnessed(db, ...a),
    updateCommitment: async (...a) => commitments.updateCommitment(db, ...a),
    listCheckIns: async (...a) => commitments.listCheckIns(db, ...a),
    stepProgress: async (...a) => commitments.stepProgress(db, ...a),
    checkInTally: async (...a) => commitments.checkInTally(db, ...a),
    appendEvent: async (...a) => events.appendEvent(db, ...a),
    listCommitmentEvents: async (...a) => events.listCommitmentEvents(db, ...a),
    witnessLeftSince: async (...a) => events.witnessLeftSince(db, ...a),
    endedAt: async (...a) => events.endedAt(db, ...a),
    markChatGone: async (...a) => gone.markChatGone(db, ...a),
    activeGroupCommitmentIds: async (...a) => gone.activeGroupCommitmentIds(db, ...a),
    activePrivateCommitmentIds: async (...a) => gone.activePrivateCommitmentIds(db, ...a),
    pauseOpenEnded: async (...a) => gone.pauseOpenEnded(db, ...a),
    holdNote: async (...a) => heldNotes.holdNote(db, ...a),
    heldNote: async (...a) => heldNotes.heldNote(db, ...a),
    dropHeldNote: async (...a) => heldNotes.dropHeldNote(db, ...a),
    lastInvitation: async (...a) => invitations.lastInvitation(db, ...a),
    getMeta: async (...a) => meta.getMeta(db, ...a),
    setMeta: async (...a) => meta.setMeta(db, ...a),
    enqueue: async (...a) => outbox.enqueue(db, ...a),
    claimReady: async (...a) => outbox.claimReady(db, ...a),
    markSent: async (...a) => outbox.markSent(db, ...a),
    scheduleRetry: async (...a) => outbox.scheduleRetry(db, ...a),
    release: async (...a) => outbox.release(db, ...a),
    markFailed: async (...a) => outbox.markFailed(db, ...a),
    redirect: async (...a) => outbox.redirect(db, ...a),
    nextReadyAt: async (...a) => outbox.nextReadyAt(db, ...a),
    outboxBacklog: async (...a) => outbox.outboxBacklog(db, ...a),
    recentSends: async (...a) => outbox.recentSends(db, ...a),
    dropUnsent: async (...a) => outbox.dropUnsent(db, ...a),
    dropUnsentQuestion: async (...a) => outbox.dropUnsentQuestion(db, ...a),
    offeredTo: async (...a) => outbox.offeredTo(db, ...a),
    ensurePerson: async (...a) => people.ensurePerson(db, ...a),
    findPerson: async (...a) => people.findPerson(db, ...a),
    getPerson: async (...a) => people.getPerson(db, ...a),
    findPersonByUsername: async (...a) => people.findPersonByUsername(db, ...a),
    updatePerson: async (...a) => people.updatePerson(db, ...a),
    ensureChat: async (...a) => people.ensureChat(db, ...a),
    getChat: async (...a) => people.getChat(db, ...a),
    setPlanTurned: async (...a) => people.setPlanTurned(db, ...a),
    clearPlanTurned: async (...a) => people.clearPlanTurned(db, ...a),
    planTurnedAt: async (...a) => people.planTurnedAt(db, ...a),
    collectPersonalData: async (...a) => personalData.collectPersonalData(db, ...a),
    namesOf: async (...a) => personalData.namesOf(db, ...a),
    commitmentsByIds: async (...a) => personalData.commitmentsByIds(db, ...a),
    promiseEdits: async (...a) => personalData.promiseEdits(db, ...a),
    deletePersonalData: async (...a) => personalData.deletePersonalData(db, ...a),
    ownCommitments: async (...a) => views.ownCommitments(db, ...a),
    witnessedOpen: async (...a) => views.witnessedOpen(db, ...a),
    countedOfOwner: async (...a) => views.countedOfOwner(db, ...a),
    countedOfWitness: async (...a) => views.countedOfWitness(db, ...a),
  };

  async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const before = turns.last;
    let done!: () => void;
    turns.last = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await before;
      return await fn();
    } finally {
      done();
    }
  }

  return {
    dialect: "sqlite",
    synchronous: true,
    parallelism: 1,
    db,
    transaction<T>(fn: (tx: StoreTx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
      return inTurn(async () => {
        run(opts.readOnly ? "BEGIN" : "BEGIN IMMEDIATE");
        depth = 1;
        try {
          const out = await fn(tx);
          run("COMMIT");
          return out;
        } catch (err) {
          // A failed COMMIT (or an error SQLite answered with a rollback) may have ended it already.
          if (client.inTransaction) run("ROLLBACK");
          throw err;
        } finally {
          depth = 0;
        }
      });
    },
    eraseTraces: () => inTurn(async () => checkpointWal(db)),
    async close() {
      await inTurn(async () => client.close());
    },
  };
}
