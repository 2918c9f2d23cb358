/** /export and /forget: a person's data, given back or deleted. */
import { encodeAction } from "../actions";
import { localDate } from "../cadence";
import { refuse } from "../errors";
import { collectPersonalData, deletePersonalData } from "../store/personal-data";
import type { Reply } from "../types";
import type { ClickContext, CommandContext } from "./context";
import { toSender } from "./replies";

/** How long a /forget confirmation button stays valid. */
const CONFIRM_MS = 10 * 60_000;

/** `/export`: everything about the asking person as one JSON document. */
export function exportData(ctx: CommandContext): Reply[] {
  const data = collectPersonalData(ctx.db, ctx.me.id);
  const document = {
    format: "amends-export/1",
    exportedAt: new Date(ctx.now).toISOString(),
    person: data.person,
    commitments: data.commitments,
    checkIns: data.checkIns,
    history: data.events,
    queuedMessages: data.messages,
    // Other people's commitments are theirs: only the fact of the role is yours.
    witnessing: data.witnessing.map((c) => ({ commitmentId: c.id, status: c.witnessStatus })),
  };
  const content = JSON.stringify(document, isoTimes, 2);
  const counts = `${data.commitments.length} commitments, ${data.checkIns.length} check-ins, ${data.events.length} history entries`;
  return [
    {
      text: [{ t: "text", text: `Here is everything I hold about you: ${counts}.` }],
      visibility: "sender-only",
      file: {
        filename: `amends-export-${localDate(ctx.now, "UTC")}.json`,
        mime: "application/json",
        content,
      },
    },
  ];
}

/** Instants are stored as epoch milliseconds; a person reading their export wants dates. */
const TIME_FIELDS = /(At|Until|dueAt|windowEnd|notBefore)$/;
function isoTimes(key: string, value: unknown): unknown {
  return typeof value === "number" && TIME_FIELDS.test(key) ? new Date(value).toISOString() : value;
}

/** `/forget`: asks first, because it cannot be undone. */
export function forget(ctx: CommandContext): Reply[] {
  const expires = Math.floor((ctx.now + CONFIRM_MS) / 60_000);
  return [
    toSender(
      "This deletes your commitments, check-ins, history and settings for good. Nothing can bring them back. Are you sure?",
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
export function confirmForget(ctx: ClickContext): Reply[] {
  const [personId, expires] = ctx.args.map(Number);
  if (personId !== ctx.me.id)
    refuse("not-yours", "That button belongs to someone else; nothing was deleted.");
  if (!expires || ctx.now > expires * 60_000) {
    refuse(
      "expired",
      "That confirmation has expired, so nothing was deleted. Send /forget again if you still want to.",
    );
  }
  const r = deletePersonalData(ctx.db, ctx.me.id, ctx.now);
  const witness = r.witnessRoles > 0 ? `, and you no longer witness ${r.witnessRoles} commitment(s)` : "";
  return [
    settle(
      "Deleted",
      `Done. I deleted ${r.commitments} commitments, ${r.checkIns} check-ins, ${r.events} history entries, ` +
        `${r.messages} queued messages and your settings${witness}. If you come back, you start fresh.`,
    ),
  ];
}

/** A private reply to a click that did what its button offered, spending the buttons. */
function settle(outcome: string, text: string): Reply {
  return { ...toSender(text), settles: [{ t: "text", text: outcome }] };
}

/** The "Keep my data" button. */
export function keepData(ctx: ClickContext): Reply[] {
  if (Number(ctx.args[0]) !== ctx.me.id) refuse("not-yours", "That button belongs to someone else.");
  return [settle("Kept", "Kept. Nothing was deleted.")];
}
