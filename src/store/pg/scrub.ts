/**
 * Finding a person's strings in what others hold, for /forget, on PostgreSQL. Their name, handle,
 * platform id, promises and notes sit in others' rows too (a digest sent to their witness, a
 * verdict notice naming them as a witness, an invitation in someone's history). Rather than
 * knowing every message kind, this collects the person's distinctive strings and walks every
 * remaining outbox payload, history entry and meta value for them, so a new kind of message is
 * covered without touching this file.
 *
 * The matching and rewriting are ../sqlite/scrub.ts's, line for line (its helpers are private
 * there); only the SQL pre-filter ({@link Matcher.mayContain}) and the queries differ.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import type { PersonalData } from "../sqlite/personal-data";
import type { OutboxRow, PersonRow } from "../sqlite/schema";
import { promiseVersions } from "../sqlite/scrub";
import type { PgDb } from "./db";
import { events, meta, outbox } from "./schema";

/**
 * Rewrites or removes every row of others that carries the person, inside /forget's transaction
 * once their own rows are gone. `witnessed`: commitments where a mention may become "a former witness".
 * @returns messages to them deleted, and others' rows rewritten.
 */
export async function scrubMentions(
  db: PgDb,
  p: PersonRow,
  data: PersonalData,
  witnessed: Set<number>,
  now: number,
): Promise<{ deleted: number; scrubbed: number }> {
  const matcher = new Matcher(needlesOf(data));
  const outboxed = await scrubOutbox(db, p, matcher, witnessed, now);
  const scrubbed = outboxed.rewritten + (await scrubEvents(db, matcher)) + (await scrubMeta(db, matcher));
  return { deleted: outboxed.deleted, scrubbed };
}

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

  /**
   * An SQL condition: one of the text `columns` (cast jsonb ones with `::text`) may contain one
   * of the strings (a cheap superset of {@link has}). Strings that match in any case (the handle)
   * go through ILIKE, the rest through LIKE, which is much cheaper on PostgreSQL. Each pattern
   * list is one parameter (a JSON array), so a person with thousands of notes stays far below
   * the protocol's 65535 parameters.
   */
  mayContain(...columns: SQL[]): SQL {
    // jsonb prints strings escaped as JSON.stringify does, plain columns hold them as they are:
    // look for both.
    const patterns = (fold: boolean) => [
      ...new Set(
        this.all
          .filter((n) => n.fold === fold)
          .flatMap((n) => [n.text, JSON.stringify(n.text).slice(1, -1)])
          .map((form) => `%${form.replace(/[\\%_]/g, "\\$&")}%`),
      ),
    ];
    const parts: SQL[] = [];
    for (const [op, list] of [
      [sql.raw("LIKE"), patterns(false)],
      [sql.raw("ILIKE"), patterns(true)],
    ] as const) {
      if (list.length === 0) continue;
      // An uncorrelated ARRAY(SELECT …) is computed once per statement, not once per row.
      const any = sql`ANY (ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(list)}::jsonb)))`;
      for (const col of columns) parts.push(sql`${col} ${op} ${any}`);
    }
    return parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`false`;
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
 * otherwise it is about them, and is withdrawn the way a stale prompt is. The candidates are
 * locked (FOR UPDATE, in id order) so a dispatcher cannot send or mark one between read and rewrite.
 */
async function scrubOutbox(db: PgDb, p: PersonRow, m: Matcher, witnessed: Set<number>, now: number) {
  const rows = await db
    .select()
    .from(outbox)
    .where(
      m.mayContain(sql`${outbox.payload}::text`, sql`${outbox.recipient}::text`, sql`${outbox.lastError}`),
    )
    .orderBy(outbox.id)
    .for("update");
  let deleted = 0;
  let rewritten = 0;
  for (const row of rows) {
    if (!carries([row.payload, row.recipient, row.lastError], m)) continue;
    const to = row.recipient as { chatKind?: unknown; chatId?: unknown; personId?: unknown };
    const toThem =
      row.platform === p.platform &&
      (to.personId === p.externalId || (to.chatKind === "dm" && to.chatId === p.dmChatId));
    if (toThem) {
      deleted += (await db.delete(outbox).where(eq(outbox.id, row.id)).returning({ id: outbox.id })).length;
      continue;
    }
    rewritten += 1;
    const recipient = scrubJson(row.recipient, m, true);
    const lastError = row.lastError && m.has(row.lastError) ? null : row.lastError;
    const queued = row.sentAt === null && row.failedAt === null;
    if (queued && canRename(row, m, witnessed)) {
      const payload = scrubJson(row.payload, m, true);
      if (!carries([payload, recipient], m)) {
        await db.update(outbox).set({ payload, recipient, lastError }).where(eq(outbox.id, row.id));
        continue;
      }
    }
    const withdrawn = queued
      ? { failedAt: now, lastError: "no longer needed", leaseOwner: null, leaseUntil: null }
      : {};
    await db
      .update(outbox)
      .set({ payload: REMOVED, recipient: carries(recipient, m) ? {} : recipient, lastError, ...withdrawn })
      .where(eq(outbox.id, row.id));
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
async function scrubEvents(db: PgDb, m: Matcher): Promise<number> {
  const rows = await db
    .select()
    .from(events)
    .where(m.mayContain(sql`${events.data}::text`))
    .orderBy(events.id);
  let count = 0;
  for (const e of rows) {
    if (!carries(e.data, m)) continue;
    const data = scrubJson(e.data, m, false) as Record<string, unknown>;
    await db
      .update(events)
      .set({ data: carries(data, m) ? null : data })
      .where(eq(events.id, e.id));
    count += 1;
  }
  return count;
}

/** Meta holds process facts; one that mentions the person is dropped, to be rebuilt if needed. */
async function scrubMeta(db: PgDb, m: Matcher): Promise<number> {
  const rows = await db
    .select()
    .from(meta)
    .where(m.mayContain(sql`${meta.key}`, sql`${meta.value}`));
  let count = 0;
  for (const r of rows) {
    if (!m.has(r.key) && !m.has(r.value)) continue;
    count += (await db.delete(meta).where(eq(meta.key, r.key)).returning({ key: meta.key })).length;
  }
  return count;
}
