/**
 * The PostgreSQL schema: the same tables, columns, keys and indexes as the SQLite schema
 * (../sqlite/schema.ts), with PostgreSQL's types. Every column reads back as the same
 * TypeScript type on both (times are epoch milliseconds in `bigint` columns read as numbers,
 * flags are `boolean`, structured values are `json`, which keeps the text as written, key order included), so the row types are shared; a type
 * test holds the two schemas to that. drizzle-kit generates `migrations/pg/` from this file
 * (`npm run db:generate`); a merged migration is never edited.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  json,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { BundleItem, CadenceState, PendingChange } from "../sqlite/schema";

/** Epoch milliseconds: past 2038 and beyond int4, read back as a JavaScript number. */
const millis = (name: string) => bigint(name, { mode: "number" });
/** Ids of tables that grow without bound (check-ins, messages, history). */
const bigId = (name: string) => bigint(name, { mode: "number" }).primaryKey().generatedByDefaultAsIdentity();
/** Ids of people, chats and commitments. `BY DEFAULT` so a move from SQLite can keep its ids. */
const id = (name: string) => integer(name).primaryKey().generatedByDefaultAsIdentity();

/** A person as one platform knows them. */
export const people = pgTable(
  "people",
  {
    id: id("id"),
    platform: text("platform").notNull(),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    username: text("username"),
    isBot: boolean("is_bot").notNull().default(false),
    zone: text("zone"),
    quietStart: integer("quiet_start"),
    quietEnd: integer("quiet_end"),
    dmChatId: text("dm_chat_id"),
    nextDigestAt: millis("next_digest_at"),
    planTurnedAt: millis("plan_turned_at"),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("people_platform_external").on(t.platform, t.externalId),
    index("people_platform_username").on(t.platform, t.username),
    index("people_digest").on(t.nextDigestAt, t.id),
  ],
);

/** A group or direct chat. */
export const chats = pgTable(
  "chats",
  {
    id: id("id"),
    platform: text("platform").notNull(),
    externalId: text("external_id").notNull(),
    kind: text("kind", { enum: ["group", "dm"] }).notNull(),
    title: text("title"),
    goneAt: millis("gone_at"),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [uniqueIndex("chats_platform_external").on(t.platform, t.externalId)],
);

/** A promise someone made, with its schedule. */
export const commitments = pgTable(
  "commitments",
  {
    id: id("id"),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    chatId: integer("chat_id")
      .notNull()
      .references(() => chats.id),
    number: integer("number").notNull(),
    promise: text("promise").notNull(),
    step: integer("step"),
    cadence: text("cadence").notNull(),
    cadenceState: json("cadence_state").$type<CadenceState>().notNull(),
    anchor: text("anchor").notNull(),
    zone: text("zone").notNull(),
    visibility: text("visibility", { enum: ["group", "private"] }).notNull(),
    state: text("state", { enum: ["active", "paused", "completed", "cancelled"] }).notNull(),
    witnessId: integer("witness_id").references(() => people.id, { onDelete: "set null" }),
    witnessStatus: text("witness_status", { enum: ["invited", "active"] }),
    witnessInvite: text("witness_invite"),
    witnessAlerts: boolean("witness_alerts").notNull().default(true),
    until: text("until"),
    nextDueAt: millis("next_due_at"),
    pausedUntil: millis("paused_until"),
    pendingChange: json("pending_change").$type<PendingChange>(),
    pendingChangeAt: millis("pending_change_at"),
    streak: integer("streak").notNull().default(0),
    verifiedStreak: integer("verified_streak").notNull().default(0),
    consistency: doublePrecision("consistency"),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  // Moving a due time changes an indexed column, so every index of the row gets a new entry:
  // the indexes that most rows have nothing for are partial, and a burst skips them.
  (t) => [
    uniqueIndex("commitments_owner_number").on(t.ownerId, t.number),
    index("commitments_due").on(t.state, t.nextDueAt, t.id),
    index("commitments_pause_end").on(t.state, t.pausedUntil, t.id).where(sql`${t.pausedUntil} IS NOT NULL`),
    index("commitments_pending_change")
      .on(t.pendingChangeAt, t.id)
      .where(sql`${t.pendingChangeAt} IS NOT NULL`),
    index("commitments_witness").on(t.witnessId).where(sql`${t.witnessId} IS NOT NULL`),
  ],
);

/** One scheduled check-in and its answer. */
export const checkIns = pgTable(
  "check_ins",
  {
    id: bigId("id"),
    commitmentId: integer("commitment_id")
      .notNull()
      .references(() => commitments.id, { onDelete: "cascade" }),
    dueAt: millis("due_at").notNull(),
    windowEnd: millis("window_end").notNull(),
    remindAt: millis("remind_at"),
    state: text("state", { enum: ["pending", "answered", "missed", "skipped"] }).notNull(),
    answer: text("answer", { enum: ["kept", "partly", "missed"] }),
    note: text("note"),
    answeredAt: millis("answered_at"),
    verdict: text("verdict", { enum: ["confirmed", "disputed", "unsure"] }),
    verdictAt: millis("verdict_at"),
    skippedThrough: millis("skipped_through"),
    skippedCount: integer("skipped_count"),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("check_ins_commitment_due").on(t.commitmentId, t.dueAt),
    index("check_ins_window").on(t.windowEnd, t.id).where(sql`${t.state} = 'pending'`),
    index("check_ins_remind").on(t.remindAt, t.id).where(sql`${t.remindAt} IS NOT NULL`),
  ],
);

// The scans of the scheduler and the dispatcher read "oldest first, by id among equals" and stop
// after a batch. Each of their indexes ends with the id, so a scan reads its batch straight off
// the index: without it, all the rows sharing one time (every check-in due at 20:00) were read
// and sorted for every batch of a burst.

/** Messages waiting to be delivered; written in the same transaction as the change they announce. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigId("id"),
    purpose: text("purpose").notNull(),
    platform: text("platform").notNull(),
    recipient: json("recipient").notNull(),
    payload: json("payload").notNull(),
    personId: integer("person_id").references(() => people.id, { onDelete: "cascade" }),
    commitmentId: integer("commitment_id").references(() => commitments.id, { onDelete: "cascade" }),
    notBefore: millis("not_before").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseUntil: millis("lease_until"),
    sentAt: millis("sent_at"),
    failedAt: millis("failed_at"),
    lastError: text("last_error"),
    bundle: json("bundle").$type<BundleItem>(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("outbox_purpose").on(t.purpose),
    index("outbox_ready").on(t.notBefore, t.id).where(sql`${t.sentAt} IS NULL AND ${t.failedAt} IS NULL`),
  ],
);

/** Append-only history of every change to a commitment or a person's settings. */
export const events = pgTable(
  "events",
  {
    id: bigId("id"),
    commitmentId: integer("commitment_id").references(() => commitments.id, { onDelete: "cascade" }),
    actorId: integer("actor_id").references(() => people.id, { onDelete: "set null" }),
    personId: integer("person_id").references(() => people.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    data: json("data").$type<Record<string, unknown>>(),
    at: millis("at").notNull(),
  },
  (t) => [index("events_commitment").on(t.commitmentId, t.at), index("events_person").on(t.personId)],
);

/** Small facts the process keeps between runs, such as the hash of the registered command table. */
export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: millis("updated_at").notNull(),
});

/** A note waiting for its "Which one?" button; see the SQLite schema. */
export const heldNotes = pgTable(
  "held_notes",
  {
    id: bigId("id"),
    personId: integer("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    note: text("note").notNull(),
    expiresAt: millis("expires_at").notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [index("held_notes_expiry").on(t.expiresAt)],
);
