/**
 * The store port: everything the engine and the dispatcher may ask of the database, in domain
 * words, asynchronous so that it can be SQLite in this process or PostgreSQL shared by many.
 * Two implementations stand behind it: `./sqlite/store.ts` (better-sqlite3, the default) and
 * `./pg/store.ts` (PostgreSQL through postgres.js, or PGlite in tests); `./open.ts` picks one
 * from the configuration. The same contract tests run against both (tests/store.*.test.ts).
 *
 * Nothing outside `src/store/` sees drizzle, SQL or a driver: a handler gets a {@link StoreTx},
 * awaits what it needs, and its whole command is one transaction ({@link Store.transaction}).
 */
import type { Actor, ChatRef, Platform, Recipient, Reply } from "../types";
import type { ForgetReport } from "./forget";
import type { Closing, CountedCheckIn, NewCheckIn } from "./sqlite/checkins";
import type { CheckInTally, NewCommitment } from "./sqlite/commitments";
import type { EventWithActor, NewEvent } from "./sqlite/events";
import type { InvitationPosted } from "./sqlite/invitations";
import type { NewMessage, QueuedMessage } from "./sqlite/outbox";
import type { QuietHours } from "./sqlite/people";
import type { PersonalData } from "./sqlite/personal-data";
import type { ChatRow, CheckInRow, CommitmentRow, EventRow, PersonRow } from "./sqlite/schema";
import type { OwnCommitment, Witnessed } from "./sqlite/views";

export { COUNTED_WINDOW, OPEN_STATES } from "./counting";
export { inviteHandles } from "./forget";
export { promiseVersions } from "./mentions";
export type {
  BundleItem,
  CadenceState,
  ChatRow,
  CheckInRow,
  CommitmentRow,
  EventRow,
  OutboxRow,
  PendingChange,
  PersonRow,
} from "./sqlite/schema";
export type {
  CheckInTally,
  Closing,
  CountedCheckIn,
  EventWithActor,
  ForgetReport,
  InvitationPosted,
  NewCheckIn,
  NewCommitment,
  NewEvent,
  NewMessage,
  OwnCommitment,
  PersonalData,
  QueuedMessage,
  QuietHours,
  Witnessed,
};

/** Which database a store stands on. */
export type Dialect = "sqlite" | "postgres";

/** A commitment with its owner and its chat. */
export interface Parties {
  commitment: CommitmentRow;
  owner: PersonRow;
  chat: ChatRow;
}

/** A commitment's next due time to move on, for {@link StoreTx.advanceDueMany}. */
export interface DueMove {
  id: number;
  /** The due time it must still hold (compare-and-set). */
  expected: number;
  next: number | null;
}

/** Options of {@link Store.transaction}. */
export interface TransactionOptions {
  /**
   * Only reads: on SQLite it takes no write lock, on PostgreSQL it runs read-only. On a
   * PostgreSQL server a read-only `read committed` one sends its statements without BEGIN and
   * COMMIT (each statement sees a fresh snapshot either way), so it may not open a savepoint.
   */
  readOnly?: boolean;
  /**
   * `serializable` (the default) for commands: on PostgreSQL a conflict with a concurrent
   * transaction re-runs `fn` (a few times, then fails). `read committed` for the scheduler and
   * the dispatcher, whose claims lock their rows (`FOR UPDATE SKIP LOCKED`) and whose writes
   * are compare-and-set. SQLite's transactions are serializable either way.
   */
  isolation?: "serializable" | "read committed";
}

/** The database, as the composition root and the engine's entry points hold it. */
export interface Store {
  readonly dialect: Dialect;
  /**
   * True when queries run on the calling thread (SQLite): the scheduler then keeps each batch
   * short in time so commands are not held up. False when they run elsewhere (PostgreSQL), where
   * waiting on a query lets everything else run, and several batches may run side by side.
   */
  readonly synchronous: boolean;
  /** How many transactions of this process may usefully run at once (1 on SQLite). */
  readonly parallelism: number;
  /**
   * Runs `fn` in one transaction and commits what it wrote, or, if it throws, rolls all of it
   * back and rethrows. `fn` may be re-run from the start when PostgreSQL reports a
   * serialization failure, so it must not do anything outside the store (queue follow-ups and
   * run them after this resolves). On SQLite, transactions of one process take turns.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /**
   * After a /forget has committed: makes the deleted rows unreadable in the database files where
   * the dialect can (SQLite: a WAL checkpoint, since `secure_delete` zeroes the pages it writes
   * back). False when it was blocked and will happen later; PostgreSQL leaves this to VACUUM.
   */
  eraseTraces(): Promise<boolean>;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** The scheduler's scans: due work, oldest first, at most `limit` rows. */
export interface TickScans {
  /** Active commitments due by `now`, with owner and chat. On PostgreSQL the rows stay locked to this transaction. */
  dueCommitments(now: number, limit: number): Promise<Parties[]>;
  /** Check-ins whose reminder is due by `now`. */
  dueReminders(now: number, limit: number): Promise<CheckInRow[]>;
  /** Open check-ins whose window has ended by `now`. */
  closingWindows(now: number, limit: number): Promise<CheckInRow[]>;
  /** Commitments whose renegotiated change has waited out its delay by `now`. */
  dueChanges(now: number, limit: number): Promise<CommitmentRow[]>;
  /** Paused commitments whose timed pause has ended by `now`. */
  endedPauses(now: number, limit: number): Promise<CommitmentRow[]>;
  /** Witnesses whose weekly digest is due by `now`. */
  dueDigests(now: number, limit: number): Promise<PersonRow[]>;
  /** Whether any of the scans above would find something by `now` (one cheap probe). */
  anythingDue(now: number): Promise<boolean>;
  /**
   * The earliest time the scheduler or the dispatcher has anything to do, or null when nothing
   * is planned: a virtual clock can move straight there.
   */
  nextWorkAt(): Promise<number | null>;
}

/**
 * One transaction on the store. Every operation belongs to the transaction it was called on;
 * none may be called once that transaction has ended.
 */
export interface StoreTx extends TickScans {
  /**
   * Runs `fn` inside a savepoint: if it throws, only its writes are undone and the error is
   * rethrown; the transaction goes on. The tick gives each unit of work one.
   */
  savepoint<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;

  // checkins
  /**
   * Inserts a check-in unless one exists for the same (commitment, due time); returns it if
   * inserted. A skipped range (catch-up after downtime) is one row for many occurrences.
   * Hand-prepared, like {@link advanceDue}: these run once per check-in in a burst.
   */
  insertCheckIn(v: NewCheckIn): Promise<CheckInRow | undefined>;
  /**
   * Moves a commitment's next due time on, only if it still holds `expected` (compare-and-set):
   * false means another tick got there first.
   */
  advanceDue(id: number, expected: number, next: number | null, now: number): Promise<boolean>;
  /**
   * A commitment's latest closed check-ins, newest first, skipped ones left out. An open window
   * that ends by `asOf` counts as closing unanswered when it will close as missed, that is unless
   * it ended before `lateFrom` (the tick records those skipped): the tick opens the next check-in
   * before it closes the one before, and its prompt must already know how that one ended.
   */
  recentClosings(
    commitmentId: number,
    opts: { asOf: number; lateFrom: number; limit: number },
  ): Promise<Closing[]>;
  /**
   * An owner's other active commitments falling due in (`after`, `until`], soonest first, with
   * their owner and chat: opened together with one due now, so their prompts arrive together.
   */
  dueSoonOf(
    ownerId: number,
    after: number,
    until: number,
  ): Promise<{ commitment: CommitmentRow; owner: PersonRow; chat: ChatRow }[]>;

  // The same, set-wise: a burst opens its check-ins a batch at a time, in a few statements
  // instead of a few per check-in (on PostgreSQL each statement is a round trip).
  /** {@link advanceDue} for several commitments in one statement; returns the ids it moved on. */
  advanceDueMany(moves: readonly DueMove[], now: number): Promise<number[]>;
  /** {@link insertCheckIn} for several; returns the ones inserted, in the order given. */
  insertCheckIns(rows: readonly NewCheckIn[]): Promise<CheckInRow[]>;
  /** {@link recentClosings} of several commitments, by commitment id (none: an empty list). */
  recentClosingsOf(
    commitmentIds: readonly number[],
    opts: { asOf: number; lateFrom: number; limit: number },
  ): Promise<Map<number, Closing[]>>;
  /** Which of these owners have an active commitment falling due in (`after`, `until`]. */
  ownersDueSoon(ownerIds: readonly number[], after: number, until: number): Promise<Set<number>>;
  /** {@link enqueue} for several, in the order given; returns how many were queued. */
  enqueueMany(messages: readonly NewMessage[]): Promise<number>;
  /**
   * A commitment's newest {@link COUNTED_WINDOW} counted check-ins (answered, or closed with no
   * answer), newest first. Hand-prepared: every answer and every window that closes reads them.
   */
  countedCheckIns(commitmentId: number): Promise<CountedCheckIn[]>;
  /** A check-in by id. */
  getCheckIn(id: number): Promise<CheckInRow | undefined>;
  /** Updates a check-in only while it is in state `from` (compare-and-set on the state). */
  updateCheckIn(
    id: number,
    from: CheckInRow["state"] | null,
    patch: Partial<Omit<CheckInRow, "id" | "commitmentId" | "dueAt">>,
  ): Promise<boolean>;
  /** The newest open (pending) check-in of a commitment. */
  openCheckIn(commitmentId: number): Promise<CheckInRow | undefined>;
  /** A person's open check-ins with their commitments, newest first. */
  openCheckInsOf(ownerId: number): Promise<{ checkIn: CheckInRow; commitment: CommitmentRow }[]>;
  /** Whether a commitment has an open check-in. */
  hasOpenCheckIn(commitmentId: number): Promise<boolean>;
  /** Check-ins of a commitment due in [from, to), for the weekly digest. */
  checkInsBetween(commitmentId: number, from: number, to: number): Promise<CheckInRow[]>;
  /** A commitment with its owner and chat, for building messages. */
  commitmentWithParties(commitmentId: number): Promise<Parties | undefined>;
  /** Marks a commitment's open check-ins skipped (it was cancelled): they count for nothing. */
  skipOpenCheckIns(commitmentId: number): Promise<number>;

  // commitments
  /** Inserts a commitment with the owner's next number (numbers are never reused). */
  insertCommitment(values: NewCommitment): Promise<CommitmentRow>;
  /** How many of the owner's commitments are active or paused. */
  countOpenCommitments(ownerId: number): Promise<number>;
  /** One of the owner's commitments by its `#n`. */
  findCommitment(ownerId: number, number: number): Promise<CommitmentRow | undefined>;
  /** All of the owner's commitments, by number. */
  listCommitments(ownerId: number): Promise<CommitmentRow[]>;
  /** Commitments the person witnesses (or is invited to). */
  listWitnessed(witnessId: number): Promise<CommitmentRow[]>;
  /** Updates a commitment, stamping `updatedAt`. */
  updateCommitment(
    id: number,
    patch: Partial<Omit<CommitmentRow, "id" | "ownerId" | "number">> & { updatedAt: number },
  ): Promise<void>;
  /** A commitment's newest check-ins, newest first. */
  listCheckIns(commitmentId: number, limit?: number): Promise<CheckInRow[]>;
  /** Per-step progress for /plan: which steps have open or completed commitments. */
  stepProgress(ownerId: number): Promise<{ step: number; state: CommitmentRow["state"] }[]>;
  /** Counts a commitment's check-ins by outcome (all of them, not only the latest). */
  checkInTally(commitmentId: number): Promise<CheckInTally>;

  // events
  /**
   * Appends one entry (a hand-prepared statement: the tick appends thousands in a burst).
   * @returns its id, unique even among entries written at the same instant (a purpose key can use it).
   */
  appendEvent(e: NewEvent): Promise<number>;
  /** The newest entries of a commitment, newest first, each with the name of who acted. */
  listCommitmentEvents(commitmentId: number, limit?: number): Promise<EventWithActor[]>;
  /**
   * When an active witness last stopped witnessing the commitment (removed with /unwitness,
   * stepped down, or gone with /forget), if that was at or after `since`; else null. A
   * withdrawn invitation is recorded as a removal too, so only a removal that follows an
   * acceptance counts: nobody was witnessing before it.
   */
  witnessLeftSince(commitmentId: number, since: number): Promise<number | null>;
  /**
   * When each of the given commitments ended (its newest `completed` or `cancelled` entry), for
   * /status's "ended this past week". Commitments with no such entry are absent.
   */
  endedAt(commitmentIds: readonly number[]): Promise<Map<number, number>>;

  // gone
  /**
   * Marks a group chat gone at `now`.
   * @returns the chat's row id, or undefined when no such chat is known.
   */
  markChatGone(platform: string, externalId: string, now: number): Promise<number | undefined>;
  /** The active group commitments made in a chat (their check-ins go to that group). */
  activeGroupCommitmentIds(chatId: number): Promise<number[]>;
  /**
   * The active private commitments of the person with this platform identity (their check-ins go
   * to that person's direct chat), or undefined when no such person is known.
   */
  activePrivateCommitmentIds(platform: string, externalId: string): Promise<number[] | undefined>;
  /** Pauses commitments with no end to the pause and nothing planned. */
  pauseOpenEnded(ids: readonly number[], now: number): Promise<void>;

  // held-notes
  /** Keeps `note` for `personId` until `expiresAt` and returns its id; expired notes are cleared. */
  holdNote(personId: number, note: string, now: number, expiresAt: number): Promise<number>;
  /** The held note `id` if it is `personId`'s and still waiting, or why not. */
  heldNote(id: number, personId: number, now: number): Promise<{ note: string } | "not-theirs" | "expired">;
  /** Removes a held note once its answer is recorded (in the same transaction). */
  dropHeldNote(id: number, personId: number): Promise<void>;

  // invitations
  /** The newest `witness-invited` entry of a commitment, if any. */
  lastInvitation(commitmentId: number): Promise<InvitationPosted | undefined>;

  // meta
  /** Reads a value, or undefined. */
  getMeta(key: string): Promise<string | undefined>;
  /** Writes a value. */
  setMeta(key: string, value: string, now: number): Promise<void>;

  // outbox
  /**
   * Queues a message; returns false when a message with the same purpose already exists.
   * Hand-prepared: a burst of due check-ins queues thousands of prompts at once.
   */
  enqueue(m: NewMessage): Promise<boolean>;
  /**
   * Leases up to `limit` ready messages (unsent, not failed, due, and not leased by a live
   * lease) to `owner` until `now + leaseMs`, oldest first. One statement, so it is atomic even
   * with several processes on the same database.
   */
  claimReady(opts: {
    owner: string;
    now: number;
    leaseMs: number;
    limit: number;
    platform?: string;
  }): Promise<QueuedMessage[]>;
  /** Marks a leased message sent. False when the lease was lost (another process took the row). */
  markSent(id: number, owner: string, now: number): Promise<boolean>;
  /** Puts a leased message back for another try at `notBefore`. */
  scheduleRetry(id: number, owner: string, notBefore: number, error: string): Promise<boolean>;
  /** Releases a lease without counting an attempt (the rate limiter held the message back). */
  release(id: number, owner: string, notBefore: number): Promise<boolean>;
  /** Gives up on a leased message for good (its chat is gone). */
  markFailed(id: number, owner: string, now: number, error: string): Promise<boolean>;
  /**
   * Re-addresses a leased message (a refused DM falling back to the group) and makes it ready now.
   * It leaves its bundle: the group gets each row's own neutral fallback, never a combined message
   * built from the private lines.
   */
  redirect(id: number, owner: string, to: Recipient, message: Reply, now: number): Promise<boolean>;
  /** The earliest `not_before` among messages still to send, or null when the outbox is drained. */
  nextReadyAt(): Promise<number | null>;
  /**
   * What is waiting to go out at `now`, for monitoring: messages unsent, not failed and due
   * (`not_before <= now`), whether or not a dispatcher holds them right now (a row in flight is
   * not delivered yet, and one a dead worker holds is exactly what the age should show), and the
   * earliest `not_before` among them (null when none). One indexed read.
   */
  outboxBacklog(now: number): Promise<{ ready: number; oldestReadyAt: number | null }>;
  /**
   * What a new sending leader must count as already sent (adapters/leader.ts): every message
   * sent since `since`, at its time, and every one another process holds leased at `now` (it
   * may be on its way), as sent at `now`. Read once per change of leader (no index on the sent
   * time: a scan of the outbox is fine that rarely).
   */
  recentSends(since: number, now: number): Promise<{ to: Recipient; at: number }[]>;
  /** Drops a check-in's prompt and reminders not sent yet (it was answered or closed). */
  dropUnsent(checkInId: number, now: number): Promise<number>;
  /**
   * Drops a commitment's question about silence not sent yet (src/engine/silence.ts): an answer
   * came meanwhile, so the silence it asks about is over.
   */
  dropUnsentQuestion(commitmentId: number, now: number): Promise<number>;
  /**
   * Whether the message with `purpose` was queued for `personId`: the proof that a button in it
   * (a witness's Confirm, say) was offered to that person, whatever the click claims.
   */
  offeredTo(purpose: string, personId: number): Promise<boolean>;

  // people
  /**
   * Finds or creates the person behind `actor`, refreshing their display name and username
   * (people rename themselves; the platform id is what stays). Reads first: an upsert would
   * burn an id from the AUTOINCREMENT sequence on every command.
   */
  ensurePerson(actor: Actor, defaults: { quiet: QuietHours | null }, now: number): Promise<PersonRow>;
  /** A person by their platform identity. */
  findPerson(platform: Platform, externalId: string): Promise<PersonRow | undefined>;
  /** A person by internal id. */
  getPerson(id: number): Promise<PersonRow | undefined>;
  /** A person by typed `@username` on a platform (lower-cased). */
  findPersonByUsername(platform: Platform, username: string): Promise<PersonRow | undefined>;
  /** Updates a person's settings. */
  updatePerson(
    id: number,
    patch: Partial<Pick<PersonRow, "zone" | "quietStart" | "quietEnd" | "dmChatId" | "nextDigestAt">>,
  ): Promise<void>;
  /** Finds or creates a chat, keeping its title current. */
  ensureChat(ref: ChatRef, now: number): Promise<ChatRow>;
  /** A chat by internal id. */
  getChat(id: number): Promise<ChatRow | undefined>;
  /**
   * Records the step-11 turn: at `at`, the person noted that the one they hurt said no. While it
   * is set, the plan turns to their own growth (see src/engine/turn.ts).
   */
  setPlanTurned(id: number, at: number): Promise<void>;
  /** Undoes the step-11 turn: the plan is as it was before. */
  clearPlanTurned(id: number): Promise<void>;
  /** When the person recorded the step-11 turn, or null when their plan has not turned. */
  planTurnedAt(id: number): Promise<number | null>;

  // personal-data
  /** Collects every row about the person, and the rows of others that only refer to them. */
  collectPersonalData(personId: number): Promise<PersonalData>;
  /** Display names by internal id, for people others see by name. */
  namesOf(ids: readonly number[]): Promise<Map<number, string>>;
  /** Commitments by id (others' commitments a person took part in). */
  commitmentsByIds(ids: readonly number[]): Promise<CommitmentRow[]>;
  /** The history entries of commitments that changed their promise (every wording it had). */
  promiseEdits(commitmentIds: readonly number[]): Promise<EventRow[]>;
  /**
   * Deletes every row about the person and rewrites what others hold about them, in one
   * transaction. Call {@link checkpointWal} after it commits, so the old page images leave the WAL.
   */
  deletePersonalData(personId: number, now: number): Promise<ForgetReport>;

  // views
  /** All of a person's commitments, by number, with what /status says beside each. */
  ownCommitments(ownerId: number): Promise<OwnCommitment[]>;
  /**
   * The open (active or paused) commitments a person actively witnesses, by owner and number,
   * each with its owner's name.
   */
  witnessedOpen(witnessId: number): Promise<Witnessed[]>;
  /**
   * The newest counted check-ins (up to {@link COUNTED_WINDOW}, newest first) of each of a
   * person's open commitments; one with none is absent.
   */
  countedOfOwner(ownerId: number): Promise<Map<number, CountedCheckIn[]>>;
  /** The same for the open commitments a person actively witnesses. */
  countedOfWitness(witnessId: number): Promise<Map<number, CountedCheckIn[]>>;
}
