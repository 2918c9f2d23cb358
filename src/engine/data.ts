/**
 * /export and /forget: a person's data, given back or deleted (PRODUCT.md §8).
 *
 * The export holds the person's own data only: others appear by the display name the person
 * saw, never by a platform id and never with their own promises or notes.
 */
import { encodeAction } from "../actions";
import { localDate } from "../cadence";
import { refuse } from "../errors";
import {
  type CommitmentRow,
  type EventRow,
  type ForgetReport,
  type OutboxRow,
  type PersonalData,
  promiseVersions,
} from "../store/port";
import type { Platform, Reply, RichText } from "../types";
import { consistencyWords } from "./consistency-words";
import type { ClickContext, CommandContext } from "./context";
import { zoneOf } from "./context";
import { historyPhrase } from "./history-words";
import { toSender } from "./replies";
import { hhmm } from "./settings";
import { consistencyFactsFor } from "./stats";

/** How long a /forget confirmation button stays valid. */
const CONFIRM_MS = 10 * 60_000;

/** `/export`: everything about the asking person as one JSON document. */
export async function exportData(ctx: CommandContext): Promise<Reply[]> {
  const data = await ctx.db.collectPersonalData(ctx.me.id);
  const content = JSON.stringify(await exportDocument(ctx, data), isoTimes, 2);
  const counts = joinAnd(
    [
      plural(data.commitments.length, "commitment"),
      plural(data.checkIns.length, "check-in"),
      plural(data.events.length, "history entry", "history entries"),
    ].filter((s): s is string => s !== null),
  );
  return [
    {
      text: [
        {
          t: "text",
          text: `Here is everything I hold about you: ${counts || "your settings, and no commitments yet"}.`,
        },
      ],
      visibility: "sender-only",
      file: {
        kind: "file",
        filename: `amends-export-${localDate(ctx.now, "UTC")}.json`,
        mime: "application/json",
        content,
      },
    },
  ];
}

/** The export document. Internal ids stay out: commitments are `#n`, people are names. */
async function exportDocument(ctx: CommandContext, data: PersonalData) {
  const { db, me } = ctx;
  const own = new Map(data.commitments.map((c) => [c.id, c]));
  // Others' commitments the person took part in (witnessed, was invited to, was told about).
  const otherIds = [
    ...data.witnessing.map((c) => c.id),
    ...data.invitations.map((c) => c.id),
    ...data.acted.map((e) => e.commitmentId ?? -1),
    ...data.messages.map((m) => m.commitmentId ?? -1),
  ].filter((id) => id >= 0 && !own.has(id));
  const others = new Map((await db.commitmentsByIds(otherIds)).map((c) => [c.id, c]));
  const names = await db.namesOf([
    ...data.commitments.map((c) => c.witnessId ?? -1),
    ...data.events.map((e) => e.actorId ?? -1),
    ...[...others.values()].map((c) => c.ownerId),
  ]);
  const edits = await db.promiseEdits([...others.keys()]);
  const hidden = [...others.values()].flatMap((c) => promiseVersions(c, edits));
  const nameOf = (id: number | null) => (id === null ? undefined : names.get(id));
  const ownerOf = (id: number | null) => {
    const c = id === null ? undefined : others.get(id);
    return c ? { owner: nameOf(c.ownerId) ?? "someone", number: c.number } : undefined;
  };
  // Who each open or past invitation named, looked up once before the document is built.
  const invitees = new Map<string, string>();
  const handles = [
    ...data.commitments.map((c) => c.witnessInvite),
    ...data.events.map((e) => (typeof e.data?.invite === "string" ? e.data.invite : null)),
  ];
  for (const handle of handles) {
    if (!handle || invitees.has(handle)) continue;
    const id = handle.replace(/^id:/, "");
    const name = handle.startsWith("@")
      ? handle
      : ((await db.findPerson(me.platform as Platform, id))?.name ?? "someone you invited");
    invitees.set(handle, name);
  }
  const invitee = (handle: string | null): string | null => (handle ? (invitees.get(handle) ?? null) : null);
  const numberOf = (id: number | null) => (id === null ? null : (own.get(id)?.number ?? null));

  return {
    format: "amends-export/1",
    exportedAt: ctx.now,
    person: {
      platform: me.platform,
      externalId: me.externalId,
      name: me.name,
      username: me.username,
      zone: zoneOf(me, ctx.deps.config),
      // As stored (minutes after local midnight; both null = off), then as a person reads it.
      quietStart: me.quietStart,
      quietEnd: me.quietEnd,
      quietHours:
        me.quietStart === null || me.quietEnd === null
          ? "off"
          : `${hhmm(me.quietStart)}-${hhmm(me.quietEnd)}`,
      nextDigestAt: me.nextDigestAt,
      createdAt: me.createdAt,
    },
    commitments: await Promise.all(
      data.commitments.map(async (c) => ({
        number: c.number,
        promise: c.promise,
        step: c.step,
        cadence: c.cadence,
        zone: c.zone,
        visibility: c.visibility,
        state: c.state,
        until: c.until,
        nextDueAt: c.nextDueAt,
        pausedUntil: c.pausedUntil,
        pendingChange: c.pendingChange,
        pendingChangeAt: c.pendingChangeAt,
        streak: c.streak,
        verifiedStreak: c.verifiedStreak,
        // The figure as stored (0–100, see src/engine/stats.ts), and as the person reads it.
        consistency: c.consistency,
        consistencyInWords: consistencyWords(
          await consistencyFactsFor(db, c.id),
          (c.witnessStatus === "active" ? nameOf(c.witnessId) : undefined) ?? "your witness",
        ),
        witness: c.witnessStatus === "active" ? (nameOf(c.witnessId) ?? null) : null,
        invited: c.witnessStatus === "invited" ? invitee(c.witnessInvite) : null,
        witnessAlerts: c.witnessAlerts,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
      })),
    ),
    checkIns: data.checkIns.map((ci) => ({
      commitment: numberOf(ci.commitmentId),
      dueAt: ci.dueAt,
      windowEnd: ci.windowEnd,
      state: ci.state,
      answer: ci.answer,
      note: ci.note,
      answeredAt: ci.answeredAt,
      verdict: ci.verdict,
      verdictAt: ci.verdictAt,
      // A range of occurrences that passed while the bot was down, recorded as one row.
      ...(ci.skippedCount !== null
        ? { skippedThrough: ci.skippedThrough, skippedCount: ci.skippedCount }
        : {}),
    })),
    history: data.events.map((e) => ({
      commitment: numberOf(e.commitmentId),
      kind: e.kind,
      // What the entry says, in the words /history uses.
      what: historyPhrase(
        { ...e, actorName: nameOf(e.actorId) ?? null },
        own.get(e.commitmentId ?? -1)?.zone ?? zoneOf(me, ctx.deps.config),
      ),
      ...byWhom(e, me.id, nameOf),
      ...(e.data ? { data: withInvitees(e.data, invitee) } : {}),
      at: e.at,
    })),
    // Others' commitments are theirs: whose and which, never what they promised.
    witnessing: data.witnessing.map((c) => ({
      ...ownerOf(c.id),
      status: c.witnessStatus,
      since:
        data.acted.filter((e) => e.commitmentId === c.id && e.kind === "witness-accepted").at(-1)?.at ?? null,
    })),
    invitations: data.invitations.map((c) => ownerOf(c.id)),
    asWitness: data.acted.map((e) => ({
      ...ownerOf(e.commitmentId),
      kind: e.kind,
      ...(typeof e.data?.verdict === "string" ? { verdict: e.data.verdict } : {}),
      at: e.at,
    })),
    messages: data.messages.map((m) => message(m, own, hidden)),
  };
}

/** Who did it, as the person would say it: "you", their witness's name, or a former witness. */
function byWhom(e: EventRow, meId: number, nameOf: (id: number | null) => string | undefined) {
  if (e.actorId === meId) return { by: "you" };
  const name = nameOf(e.actorId);
  if (name) return { by: name };
  return /^(witness-|verdict)/.test(e.kind) && e.kind !== "witness-invited" && e.kind !== "witness-removed"
    ? { by: "a former witness" }
    : {};
}

/** History data with an invitation's `id:<platform id>` shown as the person invited. */
function withInvitees(data: Record<string, unknown>, invitee: (h: string | null) => string | null) {
  return typeof data.invite === "string" ? { ...data, invite: invitee(data.invite) } : data;
}

/**
 * A message the person was sent, as plain text. One about their own commitment stays whole; one
 * about someone else's (a witness's request, alert or digest) loses that person's words.
 */
function message(m: OutboxRow, own: Map<number, CommitmentRow>, hidden: string[]) {
  const text = (m.payload as { text?: RichText }).text ?? [];
  const mine = m.commitmentId !== null && own.has(m.commitmentId);
  let plain = text
    .map((s) => (s.t === "mention" ? s.name : s.t === "italic" && !mine ? "…" : s.text))
    .join("");
  if (!mine) for (const h of hidden) plain = plain.split(h).join("…");
  return {
    about: mine ? (own.get(m.commitmentId ?? -1)?.number ?? null) : null,
    createdAt: m.createdAt,
    sentAt: m.sentAt,
    text: plain,
  };
}

/** Instants are stored as epoch milliseconds; a person reading their export wants dates. */
const TIME_FIELDS = /(At|Until|Through|^at|^since|^dueAt|^windowEnd)$/;
function isoTimes(key: string, value: unknown): unknown {
  return typeof value === "number" && TIME_FIELDS.test(key) ? new Date(value).toISOString() : value;
}

/** `/forget`: asks first, because it cannot be undone. */
export async function forget(ctx: CommandContext): Promise<Reply[]> {
  const expires = Math.floor((ctx.now + CONFIRM_MS) / 60_000);
  return [
    toSender(
      "This deletes your commitments, check-ins, history and settings for good, and takes your name out of " +
        "what others were sent. Nothing can bring them back. Are you sure?",
      [
        [
          { label: "Delete everything", action: encodeAction("forget", ctx.me.id, expires), style: "danger" },
          { label: "Keep my data", action: encodeAction("keep", ctx.me.id), style: "secondary" },
        ],
      ],
    ),
  ];
}

/** The "Delete everything" button. Only the person who asked can press it, and only for a while. */
export async function confirmForget(ctx: ClickContext): Promise<Reply[]> {
  const [personId, expires] = ctx.args.map(Number);
  if (personId !== ctx.me.id)
    refuse("not-yours", "That button belongs to someone else; nothing was deleted.");
  if (!expires || ctx.now > expires * 60_000) {
    refuse(
      "expired",
      "That confirmation has expired, so nothing was deleted. Send /forget again if you still want to.",
    );
  }
  const report = await ctx.db.deletePersonalData(ctx.me.id, ctx.now);
  // The deletion is in the WAL until a checkpoint copies it back: truncate the WAL once it commits,
  // on the root connection (ctx.db is the transaction, which is over by then).
  const { store, log } = ctx.deps;
  ctx.afterCommit(async () => {
    try {
      if (!(await store.eraseTraces()))
        log.warn({}, "forget: WAL checkpoint was blocked by a reader; it runs again later");
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "forget: WAL checkpoint failed");
    }
  });
  return [settle("Deleted", forgetSummary(report))];
}

/** What /forget did, in words: counts that are not zero, then what changed for others. */
export function forgetSummary(r: ForgetReport): string {
  const deleted = [
    plural(r.commitments, "commitment"),
    plural(r.checkIns, "check-in"),
    plural(r.events, "history entry", "history entries"),
    plural(r.messages, "message"),
    "your settings",
  ].filter((s): s is string => s !== null);
  const also = [
    r.witnessRoles > 0 ? `you no longer witness ${plural(r.witnessRoles, "commitment")}` : null,
    r.invitations > 0
      ? r.invitations === 1
        ? "the invitation waiting for you is withdrawn"
        : `the ${r.invitations} invitations waiting for you are withdrawn`
      : null,
    r.scrubbed > 0 ? "others' messages and history no longer name you" : null,
  ].filter((s): s is string => s !== null);
  const rest = also.length > 0 ? `; ${joinAnd(also)}` : "";
  return `Done. I deleted ${joinAnd(deleted)}${rest}. If you come back, you start fresh.`;
}

/** "1 check-in", "3 check-ins"; null for none, so a list never shows a bare zero. */
function plural(n: number, one: string, many = `${one}s`): string | null {
  return n === 0 ? null : `${n} ${n === 1 ? one : many}`;
}

/** "a, b and c". */
function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** A private reply to a click that did what its button offered, spending the buttons. */
function settle(outcome: string, text: string): Reply {
  return { ...toSender(text), settles: [{ t: "text", text: outcome }] };
}

/** The "Keep my data" button. */
export async function keepData(ctx: ClickContext): Promise<Reply[]> {
  if (Number(ctx.args[0]) !== ctx.me.id) refuse("not-yours", "That button belongs to someone else.");
  return [settle("Kept", "Kept. Nothing was deleted.")];
}
