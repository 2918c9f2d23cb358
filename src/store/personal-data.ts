/**
 * Everything about one person, for /export, and its deletion, for /forget (PRODUCT.md §8).
 *
 * Forgetting is more than deleting the person's rows: their name, handle, platform id, promises
 * and notes also sit in rows that belong to others (a digest sent to their witness, a verdict
 * notice naming them as a witness, an invitation in someone's history). Rather than knowing every
 * message kind, /forget collects the person's distinctive strings and walks every remaining
 * outbox payload, history entry and meta value for them, so a new kind of message is covered
 * without touching this file.
 */
import { and, eq, inArray, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db";
import { clientOf } from "./raw";
import {
  type CommitmentRow,
  chats,
  checkIns,
  commitments,
  type EventRow,
  events,
  meta,
  type OutboxRow,
  outbox,
  type PersonRow,
  people,
} from "./schema";

/** What /forget removed or rewrote, for the reply. */
export interface ForgetReport {
  commitments: number;
  checkIns: number;
  events: number;
  /** Messages to them or about their commitments, deleted. */
  messages: number;
  /** Others' commitments they witnessed. */
  witnessRoles: number;
  /** Open invitations naming them, withdrawn. */
  invitations: number;
  /** Rows of others (messages, history, meta) rewritten so they no longer carry them. */
  scrubbed: number;
}

/** How an open invitation may name the person: by platform id or by typed `@username`. */
export function inviteHandles(p: Pick<PersonRow, "externalId" | "username">): string[] {
  return [`id:${p.externalId}`, ...(p.username ? [`@${p.username}`] : [])];
}

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

/** The promise texts a commitment has had: now, waiting in a change, and in its edits. */
export function promiseVersions(c: CommitmentRow, history: readonly EventRow[]): string[] {
  const out = [c.promise];
  if (c.pendingChange?.promise) out.push(c.pendingChange.promise);
  for (const e of history) {
    if (e.commitmentId !== c.id) continue;
    const p = e.data?.promise;
    if (typeof p === "string") out.push(p);
    else if (p && typeof p === "object") {
      for (const v of Object.values(p)) if (typeof v === "string") out.push(v);
    }
  }
  return out;
}

/**
 * Deletes every row about the person and rewrites what others hold about them, in one
 * transaction. Call {@link checkpointWal} after it commits, so the old page images leave the WAL.
 */
export function deletePersonalData(db: Db, personId: number, now: number): ForgetReport {
  return db.transaction((tx) => {
    const data = collectPersonalData(tx, personId);
    const p = data.person;
    if (!p) return { ...EMPTY_REPORT };
    const ownIds = data.commitments.map((c) => c.id);
    const matcher = new Matcher(needlesOf(data));
    // Commitments where they were (or were asked to be) the witness: there a mention of them can
    // be renamed "a former witness". Anywhere else, a message naming them is withdrawn.
    const witnessed = new Set<number>([
      ...data.witnessing.map((c) => c.id),
      ...data.invitations.map((c) => c.id),
      ...data.acted.map((e) => e.commitmentId ?? -1),
    ]);

    // Where they witness, the owner keeps the commitment, without a witness.
    for (const c of data.witnessing) {
      tx.update(commitments)
        .set({ witnessId: null, witnessStatus: null, updatedAt: now })
        .where(eq(commitments.id, c.id))
        .run();
      tx.insert(events)
        .values({ commitmentId: c.id, kind: "witness-removed", data: { reason: "forget" }, at: now })
        .run();
    }
    // Open invitations naming them are withdrawn, recorded like an owner's withdrawal.
    for (const c of data.invitations) {
      tx.update(commitments)
        .set({ witnessStatus: null, witnessInvite: null, updatedAt: now })
        .where(eq(commitments.id, c.id))
        .run();
      tx.insert(events)
        .values({ commitmentId: c.id, kind: "witness-removed", data: { reason: "forget" }, at: now })
        .run();
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

    const scrub = scrubOutbox(tx, p, matcher, witnessed, now);
    messages += scrub.deleted;
    const scrubbed = scrub.rewritten + scrubEvents(tx, matcher) + scrubMeta(tx, matcher);

    // Their direct chat (its id is theirs; on Telegram it is their user id).
    const dmIds = [p.dmChatId, p.externalId].filter((x): x is string => !!x);
    tx.delete(chats)
      .where(
        and(
          eq(chats.platform, p.platform),
          eq(chats.kind, "dm"),
          inArray(chats.externalId, dmIds),
          sql`NOT EXISTS (SELECT 1 FROM commitments WHERE chat_id = ${chats.id})`,
        ),
      )
      .run();
    tx.delete(people).where(eq(people.id, personId)).run();
    return {
      commitments: data.commitments.length,
      checkIns: data.checkIns.length,
      events: data.events.length,
      messages,
      witnessRoles: data.witnessing.length,
      invitations: data.invitations.length,
      scrubbed,
    };
  });
}

const EMPTY_REPORT: ForgetReport = {
  commitments: 0,
  checkIns: 0,
  events: 0,
  messages: 0,
  witnessRoles: 0,
  invitations: 0,
  scrubbed: 0,
};

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

// ---------------------------------------------------------------------------------------------
// Finding the person's strings in what others hold.

/** A string that identifies the person or is their words; `fold` matches any letter case. */
interface Needle {
  text: string;
  fold: boolean;
}

/** The person's distinctive strings: names and ids, then their own words. */
function needlesOf(data: PersonalData): { names: Needle[]; words: Needle[] } {
  const p = data.person;
  if (!p) return { names: [], words: [] };
  const names = [p.name, p.externalId, p.dmChatId ?? ""];
  // Earlier display names, as messages addressed to them recorded them.
  for (const m of data.messages) {
    const to = m.recipient as { personId?: unknown; personName?: unknown };
    if (to.personId === p.externalId && typeof to.personName === "string") names.push(to.personName);
  }
  const words: string[] = data.commitments.flatMap((c) => promiseVersions(c, data.events));
  for (const ci of data.checkIns) if (ci.note) words.push(ci.note);
  const make = (list: string[], fold: boolean) =>
    [...new Set(list.map((s) => s.trim()).filter((s) => s.length > 0))].map((text) => ({ text, fold }));
  return {
    names: [...make(names, false), ...(p.username ? make([p.username], true) : [])],
    words: make(words, false),
  };
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Finds the person's strings as whole words, so "Jo" does not match "Join". */
class Matcher {
  readonly all: Needle[];
  constructor(readonly sets: { names: Needle[]; words: Needle[] }) {
    this.all = [...sets.names, ...sets.words];
  }

  /** Where `n` occurs in `s` as a whole word from `from` on, or -1. */
  static find(s: string, n: Needle, from = 0): number {
    const hay = n.fold ? s.toLowerCase() : s;
    const text = n.fold ? n.text.toLowerCase() : n.text;
    const edgeStart = WORD_CHAR.test(text[0] ?? "");
    const edgeEnd = WORD_CHAR.test(text.at(-1) ?? "");
    for (let i = hay.indexOf(text, from); i >= 0; i = hay.indexOf(text, i + 1)) {
      const before = hay[i - 1] ?? "";
      const after = hay[i + text.length] ?? "";
      if ((!edgeStart || !WORD_CHAR.test(before)) && (!edgeEnd || !WORD_CHAR.test(after))) return i;
    }
    return -1;
  }

  has(s: string, set: Needle[] = this.all): boolean {
    return set.some((n) => Matcher.find(s, n) >= 0);
  }

  /** Replaces each name in `s` with "a former witness", capitalised where a sentence starts. */
  rename(s: string, lineStart: boolean): string {
    let out = s;
    for (const n of this.sets.names) {
      for (let i = Matcher.find(out, n); i >= 0; i = Matcher.find(out, n, i + FORMER.length)) {
        const before = out.slice(0, i);
        const capital = (before === "" && lineStart) || /(^|[.!?]\s+|\n)$/.test(before);
        out = before + (capital ? FORMER_CAPITAL : FORMER) + out.slice(i + n.text.length);
      }
    }
    return out;
  }

  /** An SQL condition: one of `columns` may contain one of the strings (a cheap superset of {@link has}). */
  mayContain(...columns: SQL[]): SQL {
    // JSON columns hold strings escaped as JSON does, plain ones as they are: look for both.
    // LIKE ignores ASCII case (usernames fold), and it is the fastest full scan SQLite offers
    // here (a third of the time of instr(lower(…))).
    const forms = this.all.flatMap((n) => [...new Set([n.text, JSON.stringify(n.text).slice(1, -1)])]);
    const parts = forms.flatMap((form) => {
      const pattern = `%${form.replace(/[\\%_]/g, "\\$&")}%`;
      return columns.map((col) => sql`${col} LIKE ${pattern} ESCAPE '\\'`);
    });
    return parts.length ? sql.join(parts, sql` OR `) : sql`0`;
  }
}

const FORMER = "a former witness";
const FORMER_CAPITAL = "A former witness";

/** Keys whose strings are machine-made (button actions, span kinds), never a person's words. */
const MACHINE_KEYS = new Set(["action", "t", "style", "visibility", "platform", "chatKind"]);

const DROP = Symbol("drop");

/**
 * Rewrites every string in a JSON value that carries one of the person's strings: `rename`
 * gives its new text; without it the string goes, with the key or list entry that held it.
 * A mention of them becomes plain text (or goes).
 */
function scrubJson(value: unknown, m: Matcher, rename: boolean, lineStart = true): unknown {
  if (typeof value === "string") return m.has(value) ? (rename ? m.rename(value, lineStart) : DROP) : value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    let start = true;
    for (const item of value) {
      const r = scrubJson(item, m, rename, start);
      if (r !== DROP) out.push(r);
      const text = (item as { text?: unknown } | null)?.text;
      start = typeof text === "string" && text.endsWith("\n");
    }
    return out;
  }
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o.t === "mention" && (m.has(String(o.id)) || m.has(String(o.name)))) {
      return rename ? { t: "text", text: lineStart ? FORMER_CAPITAL : FORMER } : DROP;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      const r = MACHINE_KEYS.has(k) ? v : scrubJson(v, m, rename, k === "text" ? lineStart : true);
      if (r !== DROP) out[k] = r;
    }
    return out;
  }
  return value;
}

/** Whether a JSON value still carries one of the strings outside machine-made keys. */
function carries(value: unknown, m: Matcher, set: Needle[] = m.all): boolean {
  if (typeof value === "string") return m.has(value, set);
  if (Array.isArray(value)) return value.some((v) => carries(v, m, set));
  if (value && typeof value === "object") {
    return Object.entries(value).some(([k, v]) => !MACHINE_KEYS.has(k) && carries(v, m, set));
  }
  return false;
}

/** What a sent message that named the person keeps: its purpose, and this. */
const REMOVED = {
  text: [{ t: "text", text: "This message was removed because the person it named deleted their data." }],
  visibility: "chat",
};

/**
 * Others' messages that carry the person. A message to them (by its address) goes. A sent one
 * keeps its row and purpose (the dispatcher's idempotency key) with a neutral payload. One still
 * to send is renamed ("a former witness") when it only names them on a commitment they witnessed;
 * otherwise it is about them, and is withdrawn the way a stale prompt is.
 */
function scrubOutbox(db: Db, p: PersonRow, m: Matcher, witnessed: Set<number>, now: number) {
  const rows = db
    .select()
    .from(outbox)
    .where(m.mayContain(sql`${outbox.payload}`, sql`${outbox.recipient}`, sql`${outbox.lastError}`))
    .all();
  let deleted = 0;
  let rewritten = 0;
  for (const row of rows) {
    if (!carries([row.payload, row.recipient, row.lastError], m)) continue;
    const to = row.recipient as { chatKind?: unknown; chatId?: unknown; personId?: unknown };
    const toThem =
      row.platform === p.platform &&
      (to.personId === p.externalId || (to.chatKind === "dm" && to.chatId === p.dmChatId));
    if (toThem) {
      deleted += db.delete(outbox).where(eq(outbox.id, row.id)).run().changes;
      continue;
    }
    rewritten += 1;
    const recipient = scrubJson(row.recipient, m, true);
    const lastError = row.lastError && m.has(row.lastError) ? null : row.lastError;
    const queued = row.sentAt === null && row.failedAt === null;
    if (queued && canRename(row, m, witnessed)) {
      const payload = scrubJson(row.payload, m, true);
      if (!carries([payload, recipient], m)) {
        db.update(outbox).set({ payload, recipient, lastError }).where(eq(outbox.id, row.id)).run();
        continue;
      }
    }
    const withdrawn = queued
      ? { failedAt: now, lastError: "no longer needed", leaseOwner: null, leaseUntil: null }
      : {};
    db.update(outbox)
      .set({ payload: REMOVED, recipient: carries(recipient, m) ? {} : recipient, lastError, ...withdrawn })
      .where(eq(outbox.id, row.id))
      .run();
  }
  return { deleted, rewritten };
}

/** A queued message may be renamed when it is about a commitment they witnessed and holds none of their words. */
function canRename(row: OutboxRow, m: Matcher, witnessed: Set<number>): boolean {
  return (
    row.commitmentId !== null && witnessed.has(row.commitmentId) && !carries(row.payload, m, m.sets.words)
  );
}

/** Others' history entries keep their kind and time; data naming the person loses those keys. */
function scrubEvents(db: Db, m: Matcher): number {
  const rows = db
    .select()
    .from(events)
    .where(m.mayContain(sql`${events.data}`))
    .all();
  let count = 0;
  for (const e of rows) {
    if (!carries(e.data, m)) continue;
    const data = scrubJson(e.data, m, false) as Record<string, unknown>;
    db.update(events)
      .set({ data: carries(data, m) ? null : data })
      .where(eq(events.id, e.id))
      .run();
    count += 1;
  }
  return count;
}

/** Meta holds process facts; one that mentions the person is dropped, to be rebuilt if needed. */
function scrubMeta(db: Db, m: Matcher): number {
  const rows = db
    .select()
    .from(meta)
    .where(m.mayContain(sql`${meta.key}`, sql`${meta.value}`))
    .all();
  let count = 0;
  for (const r of rows) {
    if (!m.has(r.key) && !m.has(r.value)) continue;
    count += db.delete(meta).where(eq(meta.key, r.key)).run().changes;
  }
  return count;
}
