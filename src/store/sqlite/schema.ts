/**
 * The SQLite schema. All times are UTC epoch milliseconds; zones are IANA names; local dates
 * are `YYYY-MM-DD` strings. drizzle-kit generates `migrations/` from this file
 * (`npm run db:generate`); a merged migration is never edited.
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { RichText } from "../../types";

/** A person as one platform knows them. */
export const people = sqliteTable(
  "people",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    platform: text("platform").notNull(),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    /** Lower-case handle without `@`, for resolving typed mentions. */
    username: text("username"),
    isBot: integer("is_bot", { mode: "boolean" }).notNull().default(false),
    /** Null until the person sets one: the configured default applies. */
    zone: text("zone"),
    /** Quiet hours as minutes after local midnight; both null = quiet hours off. */
    quietStart: integer("quiet_start"),
    quietEnd: integer("quiet_end"),
    /** The person's direct chat with the bot, once known (Telegram: once they started the bot). */
    dmChatId: text("dm_chat_id"),
    /** When this witness's next weekly digest is due; null while they witness nothing. */
    nextDigestAt: integer("next_digest_at"),
    /**
     * When the person recorded, at step 11, that the one they hurt said no; null otherwise.
     * While set, the plan turns to their own growth and suggests nothing that means contact.
     */
    planTurnedAt: integer("plan_turned_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("people_platform_external").on(t.platform, t.externalId),
    index("people_platform_username").on(t.platform, t.username),
    index("people_digest").on(t.nextDigestAt),
  ],
);

/** A group or direct chat. */
export const chats = sqliteTable(
  "chats",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    platform: text("platform").notNull(),
    externalId: text("external_id").notNull(),
    kind: text("kind", { enum: ["group", "dm"] }).notNull(),
    title: text("title"),
    /** Set when the platform says the chat is gone or blocked the bot. */
    goneAt: integer("gone_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("chats_platform_external").on(t.platform, t.externalId)],
);

/** Graduated-cadence progress and answer counters, kept as JSON on the commitment. */
export interface CadenceState {
  /** Graduated phase index (see GRADUATED_PHASES). */
  phase: number;
  /** Check-ins kept in the current phase. */
  keptInPhase: number;
  /** Consecutive misses, for stepping back and witness alerts. */
  missesInRow: number;
}

/** A proposed change waiting out the 24-hour delay because a witness is attached. */
export interface PendingChange {
  promise?: string;
  cadence?: string;
  until?: string | null;
  cancel?: boolean;
}

/** A promise someone made, with its schedule. */
export const commitments = sqliteTable(
  "commitments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ownerId: integer("owner_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    chatId: integer("chat_id")
      .notNull()
      .references(() => chats.id),
    /** Per-owner number shown as `#n`; never reused. */
    number: integer("number").notNull(),
    promise: text("promise").notNull(),
    step: integer("step"),
    /** Canonical cadence text (parseCadence/formatCadence round-trip). */
    cadence: text("cadence").notNull(),
    cadenceState: text("cadence_state", { mode: "json" }).$type<CadenceState>().notNull(),
    /** Local date counting starts from (every N days; graduated: start of the current phase). */
    anchor: text("anchor").notNull(),
    zone: text("zone").notNull(),
    visibility: text("visibility", { enum: ["group", "private"] }).notNull(),
    state: text("state", { enum: ["active", "paused", "completed", "cancelled"] }).notNull(),
    witnessId: integer("witness_id").references(() => people.id, { onDelete: "set null" }),
    witnessStatus: text("witness_status", { enum: ["invited", "active"] }),
    /**
     * Who was invited, while the invitation is open: `id:<platform user id>` when the platform
     * resolved the person, else `@<lower-case username>` (Telegram cannot look usernames up).
     */
    witnessInvite: text("witness_invite"),
    witnessAlerts: integer("witness_alerts", { mode: "boolean" }).notNull().default(true),
    /** Last local date with check-ins; null = open-ended. */
    until: text("until"),
    /** The next check-in's due time; null when none is planned. The tick scans this. */
    nextDueAt: integer("next_due_at"),
    /** When a timed pause ends; null for an open pause. */
    pausedUntil: integer("paused_until"),
    pendingChange: text("pending_change", { mode: "json" }).$type<PendingChange>(),
    pendingChangeAt: integer("pending_change_at"),
    streak: integer("streak").notNull().default(0),
    verifiedStreak: integer("verified_streak").notNull().default(0),
    /** 0–100, see the README's consistency figure; null until there is something to count. */
    consistency: real("consistency"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("commitments_owner_number").on(t.ownerId, t.number),
    index("commitments_due").on(t.state, t.nextDueAt),
    index("commitments_pause_end").on(t.state, t.pausedUntil),
    index("commitments_pending_change").on(t.pendingChangeAt),
    index("commitments_witness").on(t.witnessId),
  ],
);

/** One scheduled check-in and its answer. */
export const checkIns = sqliteTable(
  "check_ins",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commitmentId: integer("commitment_id")
      .notNull()
      .references(() => commitments.id, { onDelete: "cascade" }),
    dueAt: integer("due_at").notNull(),
    /** The answer window closes here (next check-in or 24 h, whichever is first). */
    windowEnd: integer("window_end").notNull(),
    /** When the halfway reminder goes out; null once sent, cancelled or not wanted. */
    remindAt: integer("remind_at"),
    state: text("state", { enum: ["pending", "answered", "missed", "skipped"] }).notNull(),
    answer: text("answer", { enum: ["kept", "partly", "missed"] }),
    note: text("note"),
    answeredAt: integer("answered_at"),
    verdict: text("verdict", { enum: ["confirmed", "disputed", "unsure"] }),
    verdictAt: integer("verdict_at"),
    /**
     * A skipped range (catch-up after downtime): the due time of the last occurrence this
     * `skipped` row stands for, from `due_at` on; null for a single check-in.
     */
    skippedThrough: integer("skipped_through"),
    /** How many occurrences a skipped range stands for; null for a single check-in. */
    skippedCount: integer("skipped_count"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("check_ins_commitment_due").on(t.commitmentId, t.dueAt),
    // Partial: only open check-ins and pending reminders are ever scanned, and past check-ins
    // (millions of them) would otherwise make every insert and answer pay for a large tree.
    index("check_ins_window").on(t.windowEnd).where(sql`${t.state} = 'pending'`),
    index("check_ins_remind").on(t.remindAt).where(sql`${t.remindAt} IS NOT NULL`),
  ],
);

/**
 * One item of a message that may share a delivery with others: several check-ins of one person
 * in one chat, ready at the same time, go out as one message with a row of buttons each.
 */
export interface BundleItem {
  /** Rows with the same key (person and chat) may be combined. */
  key: string;
  /** The opening line of a combined message (the first row's wins). */
  head: RichText;
  /** This item's line in a combined message. */
  line: RichText;
  /** Put before this item's button labels so each row says which commitment it answers (`#2`). */
  tag: string;
}

/** Messages waiting to be delivered; written in the same transaction as the change they announce. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Unique purpose key, e.g. `prompt:42`: the same purpose is never queued twice. */
    purpose: text("purpose").notNull(),
    platform: text("platform").notNull(),
    recipient: text("recipient", { mode: "json" }).notNull(),
    payload: text("payload", { mode: "json" }).notNull(),
    /** The person addressed or written about, so `/forget` can remove it. */
    personId: integer("person_id").references(() => people.id, { onDelete: "cascade" }),
    commitmentId: integer("commitment_id").references(() => commitments.id, { onDelete: "cascade" }),
    notBefore: integer("not_before").notNull(),
    attempts: integer("attempts").notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    sentAt: integer("sent_at"),
    failedAt: integer("failed_at"),
    lastError: text("last_error"),
    /**
     * Set on check-in prompts and reminders: rows of one bundle that are ready together go out
     * as one message (see src/dispatch/bundle.ts). Null for everything else.
     */
    bundle: text("bundle", { mode: "json" }).$type<BundleItem>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("outbox_purpose").on(t.purpose),
    index("outbox_ready").on(t.notBefore).where(sql`${t.sentAt} IS NULL AND ${t.failedAt} IS NULL`),
  ],
);

/** Append-only history of every change to a commitment or a person's settings. */
export const events = sqliteTable(
  "events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    commitmentId: integer("commitment_id").references(() => commitments.id, { onDelete: "cascade" }),
    /** Who acted; null for the scheduler, or once that person used /forget. */
    actorId: integer("actor_id").references(() => people.id, { onDelete: "set null" }),
    /** The person the event concerns when it is not about a commitment (settings). */
    personId: integer("person_id").references(() => people.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    at: integer("at").notNull(),
  },
  (t) => [index("events_commitment").on(t.commitmentId, t.at), index("events_person").on(t.personId)],
);

export type PersonRow = typeof people.$inferSelect;
export type ChatRow = typeof chats.$inferSelect;
export type CommitmentRow = typeof commitments.$inferSelect;
export type CheckInRow = typeof checkIns.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type EventRow = typeof events.$inferSelect;

/** Small facts the process keeps between runs, such as the hash of the registered command table. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * A note waiting for its "Which one?" button (`/checkin missed <note>` with several open
 * check-ins): kept in the database, not in memory, so a restart or another process loses no
 * words. Expires after a quarter of an hour; `/forget` removes it with the person.
 */
export const heldNotes = sqliteTable(
  "held_notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    personId: integer("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    note: text("note").notNull(),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("held_notes_expiry").on(t.expiresAt)],
);
