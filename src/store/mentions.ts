/**
 * Finding a person's strings in what others hold, and deciding how each such row is rewritten,
 * for /forget on either database. Their name, handle, platform id, promises and notes sit in
 * others' rows too (a digest sent to their witness, a verdict notice naming them as a witness, an
 * invitation in someone's history). Rather than knowing every message kind, /forget collects the
 * person's distinctive strings and walks every remaining outbox payload, history entry and meta
 * value for them, so a new kind of message is covered without touching this file.
 *
 * Everything here is plain data in, plain data out: ./sqlite/scrub.ts and ./pg/scrub.ts only
 * add the SQL pre-filter (built from {@link Matcher.likePatterns}) and the reads and writes, so
 * both databases scrub the same strings the same way.
 */
import type { CommitmentRow, EventRow, OutboxRow, PersonalData, PersonRow } from "./port";

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

/** A string that identifies the person or is their words; `fold` matches any letter case. */
export interface Needle {
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
export class Matcher {
  readonly all: Needle[];
  private constructor(readonly sets: { names: Needle[]; words: Needle[] }) {
    this.all = [...sets.names, ...sets.words];
  }

  /** The matcher for everything /forget removes of a person (none when `data` has no person). */
  static of(data: PersonalData): Matcher {
    return new Matcher(needlesOf(data));
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

  /** Whether `s` holds one of the strings of `set` (all of them by default) as a whole word. */
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
   * `%…%` patterns (backslash escapes `\`, `%` and `_`) for a LIKE pre-filter, a cheap superset
   * of {@link has}: each string as it is and as JSON escapes it, since JSON columns hold the
   * latter. `fold` keeps only the strings that match in any case (true) or only the others
   * (false); without it, all of them.
   */
  likePatterns(fold?: boolean): string[] {
    const needles = fold === undefined ? this.all : this.all.filter((n) => n.fold === fold);
    return [
      ...new Set(
        needles
          .flatMap((n) => [n.text, JSON.stringify(n.text).slice(1, -1)])
          .map((form) => `%${form.replace(/[\\%_]/g, "\\$&")}%`),
      ),
    ];
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

/** A queued message may be renamed when it is about a commitment they witnessed and holds none of their words. */
function canRename(row: OutboxRow, m: Matcher, witnessed: ReadonlySet<number>): boolean {
  return (
    row.commitmentId !== null && witnessed.has(row.commitmentId) && !carries(row.payload, m, m.sets.words)
  );
}

/** The columns /forget writes on one of others' outbox rows. */
export interface OutboxRewrite {
  payload: unknown;
  recipient: unknown;
  lastError: string | null;
  /** Set, with the lease cleared, when a message still to send is withdrawn. */
  failedAt?: number;
  leaseOwner?: null;
  leaseUntil?: null;
}

/**
 * What becomes of one of others' outbox rows. One that does not carry the person is left alone.
 * A message to them (by its address) goes. A sent one keeps its row and purpose (the dispatcher's
 * idempotency key) with a neutral payload. One still to send is renamed ("a former witness") when
 * it only names them on a commitment they witnessed (in `witnessed`); otherwise it is about them,
 * and is withdrawn the way a stale prompt is, as failed at `now`.
 */
export function outboxScrub(
  row: OutboxRow,
  p: PersonRow,
  m: Matcher,
  witnessed: ReadonlySet<number>,
  now: number,
): "keep" | "delete" | OutboxRewrite {
  if (!carries([row.payload, row.recipient, row.lastError], m)) return "keep";
  const to = row.recipient as { chatKind?: unknown; chatId?: unknown; personId?: unknown };
  const toThem =
    row.platform === p.platform &&
    (to.personId === p.externalId || (to.chatKind === "dm" && to.chatId === p.dmChatId));
  if (toThem) return "delete";
  const recipient = scrubJson(row.recipient, m, true);
  const lastError = row.lastError && m.has(row.lastError) ? null : row.lastError;
  const queued = row.sentAt === null && row.failedAt === null;
  if (queued && canRename(row, m, witnessed)) {
    const payload = scrubJson(row.payload, m, true);
    if (!carries([payload, recipient], m)) return { payload, recipient, lastError };
  }
  const withdrawn = queued
    ? { failedAt: now, lastError: "no longer needed", leaseOwner: null, leaseUntil: null }
    : {};
  return { payload: REMOVED, recipient: carries(recipient, m) ? {} : recipient, lastError, ...withdrawn };
}

/**
 * The new `data` of one of others' history entries (which keeps its kind and time): the keys
 * naming the person go, and all of it (null) if it still carries them. Undefined when the entry
 * does not carry them and stays as it is.
 */
export function eventDataScrub(
  data: unknown,
  m: Matcher,
): { data: Record<string, unknown> | null } | undefined {
  if (!carries(data, m)) return undefined;
  const scrubbed = scrubJson(data, m, false) as Record<string, unknown>;
  return { data: carries(scrubbed, m) ? null : scrubbed };
}
