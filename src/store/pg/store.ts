/**
 * The PostgreSQL store: the port (../port.ts) over drizzle's pg-core, on a server through
 * postgres.js or embedded through PGlite (./db.ts). Each transaction gets its own operations
 * bound to it. On a server a transaction begins, isolation and access mode included, in one
 * statement, and its savepoints are postgres.js's; on PGlite drizzle runs both.
 *
 * Commands run SERIALIZABLE: two fronts answering about the same commitment at once cannot both
 * act on what they read, and the loser is re-run from the start (what PostgreSQL asks of a
 * serializable client). The scheduler and the dispatcher run READ COMMITTED: their scans lock the
 * rows they take (`FOR UPDATE SKIP LOCKED`) and their writes are compare-and-set.
 */
import { sql } from "drizzle-orm";
import type { Store, StoreTx, TransactionOptions } from "../port";
import * as checkins from "./checkins";
import * as commitments from "./commitments";
import type { OpenPg, PgDb, PgTx } from "./db";
import * as events from "./events";
import * as gone from "./gone";
import * as heldNotes from "./held-notes";
import * as invitations from "./invitations";
import * as meta from "./meta";
import * as outbox from "./outbox";
import * as people from "./people";
import * as personalData from "./personal-data";
import * as views from "./views";

/** SQLSTATEs after which a serializable transaction is worth running again. */
const RETRYABLE = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  // Two transactions that read the same "next number" and both insert it: a serialization
  // failure PostgreSQL cannot see as one (its manual suggests retrying these too).
  "23505",
]);
/**
 * Runs of a serializable transaction before its conflict is reported as an error. Commands in one
 * busy group collide often (they read the same chat and index pages), so the waits between runs
 * grow and are random: colliding commands spread out instead of colliding again.
 */
const ATTEMPTS = 12;
const backoffMs = (attempt: number) => Math.random() * Math.min(250, 4 * 2 ** attempt);

/** The SQLSTATE of a driver error, through drizzle's wrapping. */
function sqlState(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** How a transaction opens a savepoint: its own way on a server connection, drizzle's on PGlite. */
type Savepoint = <T>(fn: (tx: StoreTx) => Promise<T>) => Promise<T>;

/** The port's operations on a server transaction (or savepoint) opened by ./db.ts. */
function bindServer(handle: PgTx): StoreTx {
  return bind(handle.db, (fn) => handle.savepoint((inner) => fn(bindServer(inner))));
}

/** The port's operations on a drizzle transaction (or savepoint): PGlite's. */
function bindDrizzle(db: PgDb): StoreTx {
  return bind(db, (fn) => db.transaction((inner) => fn(bindDrizzle(inner as unknown as PgDb))));
}

/** The port's operations on one transaction (or savepoint). */
function bind(db: PgDb, savepoint: Savepoint): StoreTx {
  const tx: StoreTx = {
    dueCommitments: (now, limit) => checkins.dueCommitments(db, now, limit),
    dueReminders: (now, limit) => checkins.dueReminders(db, now, limit),
    closingWindows: (now, limit) => checkins.closingWindows(db, now, limit),
    dueChanges: (now, limit) => checkins.dueChanges(db, now, limit),
    endedPauses: (now, limit) => checkins.endedPauses(db, now, limit),
    dueDigests: (now, limit) => checkins.dueDigests(db, now, limit),
    anythingDue: (now) => checkins.anythingDue(db, now),
    nextWorkAt: () => checkins.nextWorkAt(db),
    savepoint,
    insertCheckIn: (...a) => checkins.insertCheckIn(db, ...a),
    advanceDue: (...a) => checkins.advanceDue(db, ...a),
    recentClosings: (...a) => checkins.recentClosings(db, ...a),
    dueSoonOf: (...a) => checkins.dueSoonOf(db, ...a),
    advanceDueMany: (...a) => checkins.advanceDueMany(db, ...a),
    insertCheckIns: (...a) => checkins.insertCheckIns(db, ...a),
    recentClosingsOf: (...a) => checkins.recentClosingsOf(db, ...a),
    ownersDueSoon: (...a) => checkins.ownersDueSoon(db, ...a),
    enqueueMany: (...a) => outbox.enqueueMany(db, ...a),
    countedCheckIns: (...a) => checkins.countedCheckIns(db, ...a),
    getCheckIn: (...a) => checkins.getCheckIn(db, ...a),
    updateCheckIn: (...a) => checkins.updateCheckIn(db, ...a),
    openCheckIn: (...a) => checkins.openCheckIn(db, ...a),
    openCheckInsOf: (...a) => checkins.openCheckInsOf(db, ...a),
    hasOpenCheckIn: (...a) => checkins.hasOpenCheckIn(db, ...a),
    checkInsBetween: (...a) => checkins.checkInsBetween(db, ...a),
    commitmentWithParties: (...a) => checkins.commitmentWithParties(db, ...a),
    skipOpenCheckIns: (...a) => checkins.skipOpenCheckIns(db, ...a),
    insertCommitment: (...a) => commitments.insertCommitment(db, ...a),
    countOpenCommitments: (...a) => commitments.countOpenCommitments(db, ...a),
    findCommitment: (...a) => commitments.findCommitment(db, ...a),
    listCommitments: (...a) => commitments.listCommitments(db, ...a),
    listWitnessed: (...a) => commitments.listWitnessed(db, ...a),
    updateCommitment: (...a) => commitments.updateCommitment(db, ...a),
    listCheckIns: (...a) => commitments.listCheckIns(db, ...a),
    stepProgress: (...a) => commitments.stepProgress(db, ...a),
    checkInTally: (...a) => commitments.checkInTally(db, ...a),
    appendEvent: (...a) => events.appendEvent(db, ...a),
    listCommitmentEvents: (...a) => events.listCommitmentEvents(db, ...a),
    witnessLeftSince: (...a) => events.witnessLeftSince(db, ...a),
    endedAt: (...a) => events.endedAt(db, ...a),
    markChatGone: (...a) => gone.markChatGone(db, ...a),
    activeGroupCommitmentIds: (...a) => gone.activeGroupCommitmentIds(db, ...a),
    activePrivateCommitmentIds: (...a) => gone.activePrivateCommitmentIds(db, ...a),
    pauseOpenEnded: (...a) => gone.pauseOpenEnded(db, ...a),
    holdNote: (...a) => heldNotes.holdNote(db, ...a),
    heldNote: (...a) => heldNotes.heldNote(db, ...a),
    dropHeldNote: (...a) => heldNotes.dropHeldNote(db, ...a),
    lastInvitation: (...a) => invitations.lastInvitation(db, ...a),
    getMeta: (...a) => meta.getMeta(db, ...a),
    setMeta: (...a) => meta.setMeta(db, ...a),
    enqueue: (...a) => outbox.enqueue(db, ...a),
    claimReady: (...a) => outbox.claimReady(db, ...a),
    markSent: (...a) => outbox.markSent(db, ...a),
    scheduleRetry: (...a) => outbox.scheduleRetry(db, ...a),
    release: (...a) => outbox.release(db, ...a),
    markFailed: (...a) => outbox.markFailed(db, ...a),
    redirect: (...a) => outbox.redirect(db, ...a),
    nextReadyAt: (...a) => outbox.nextReadyAt(db, ...a),
    outboxBacklog: (...a) => outbox.outboxBacklog(db, ...a),
    recentSends: (...a) => outbox.recentSends(db, ...a),
    dropUnsent: (...a) => outbox.dropUnsent(db, ...a),
    dropUnsentQuestion: (...a) => outbox.dropUnsentQuestion(db, ...a),
    offeredTo: (...a) => outbox.offeredTo(db, ...a),
    ensurePerson: (...a) => people.ensurePerson(db, ...a),
    findPerson: (...a) => people.findPerson(db, ...a),
    getPerson: (...a) => people.getPerson(db, ...a),
    findPersonByUsername: (...a) => people.findPersonByUsername(db, ...a),
    updatePerson: (...a) => people.updatePerson(db, ...a),
    ensureChat: (...a) => people.ensureChat(db, ...a),
    getChat: (...a) => people.getChat(db, ...a),
    setPlanTurned: (...a) => people.setPlanTurned(db, ...a),
    clearPlanTurned: (...a) => people.clearPlanTurned(db, ...a),
    planTurnedAt: (...a) => people.planTurnedAt(db, ...a),
    collectPersonalData: (...a) => personalData.collectPersonalData(db, ...a),
    namesOf: (...a) => personalData.namesOf(db, ...a),
    commitmentsByIds: (...a) => personalData.commitmentsByIds(db, ...a),
    promiseEdits: (...a) => personalData.promiseEdits(db, ...a),
    deletePersonalData: (...a) => personalData.deletePersonalData(db, ...a),
    ownCommitments: (...a) => views.ownCommitments(db, ...a),
    witnessedOpen: (...a) => views.witnessedOpen(db, ...a),
    countedOfOwner: (...a) => views.countedOfOwner(db, ...a),
    countedOfWitness: (...a) => views.countedOfWitness(db, ...a),
  };
  return tx;
}

/** A {@link Store} on an opened PostgreSQL database. */
export interface PgStore extends Store {
  readonly dialect: "postgres";
  /** The database and how it was opened (tests and the bench read tables through it). */
  readonly opened: OpenPg;
}

/** Wraps an opened PostgreSQL database (see ./db.ts) as a {@link Store}. */
export function createPgStore(opened: OpenPg, opts: { parallelism?: number } = {}): PgStore {
  const { db } = opened;
  return {
    dialect: "postgres",
    synchronous: false,
    // PGlite is one connection: batches side by side would only queue behind each other.
    parallelism: opened.kind === "embedded" ? 1 : (opts.parallelism ?? 4),
    opened,
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      const serializable = (options.isolation ?? "serializable") === "serializable";
      const { begin } = opened;
      // Reads at read committed see a fresh snapshot per statement inside a transaction or out
      // of one: on a server they run straight on the pool, without BEGIN and COMMIT (an idle
      // tick is one statement). There is nothing to roll back, so no savepoint either.
      if (begin && options.readOnly && !serializable)
        return fn(
          bind(db, () => {
            throw new Error("a savepoint needs a transaction that writes");
          }),
        );
      const mode = `isolation level ${serializable ? "serializable" : "read committed"} ${options.readOnly ? "read only" : "read write"}`;
      for (let attempt = 1; ; attempt++) {
        try {
          if (begin) return await begin(mode, (handle) => fn(bindServer(handle)));
          return await db.transaction(
            async (inner) => {
              if (opened.schema) await inner.execute(sql.raw(`SET LOCAL search_path TO ${opened.schema}`));
              return fn(bindDrizzle(inner as unknown as PgDb));
            },
            {
              isolationLevel: serializable ? "serializable" : "read committed",
              accessMode: options.readOnly ? "read only" : "read write",
            },
          );
        } catch (err) {
          const state = sqlState(err);
          if (!serializable || attempt >= ATTEMPTS || !state || !RETRYABLE.has(state)) throw err;
          // A short random wait, so the two that collided do not collide again.
          await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
        }
      }
    },
    // Deleted rows stay in dead tuples until VACUUM reclaims them (autovacuum, or the operator).
    eraseTraces: async () => true,
    close: () => opened.close(),
  };
}
