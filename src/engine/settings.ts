/** /timezone and /quiet: a person's own settings. */
import { formatLocalTime, normalizeZone } from "../cadence";
import { refuse } from "../errors";
import { code, lines } from "../richtext";
import { commitmentWithParties } from "../store/checkins";
import { listCommitments, updateCommitment } from "../store/commitments";
import { appendEvent } from "../store/events";
import { type QuietHours, updatePerson } from "../store/people";
import type { Reply, RichText } from "../types";
import type { CommandContext } from "./context";
import { nextDigestAt } from "./digest";
import { finishIfDone } from "./endings";
import { toSender } from "./replies";
import { planNext } from "./schedule";

/** `/timezone <Area/City>`: also re-plans the owner's future check-ins; past ones stay as they were. */
export function timezone(ctx: CommandContext): Reply[] {
  const { db, now, me } = ctx;
  const typed = (ctx.args.zone ?? "").trim();
  const zone = normalizeZone(typed);
  if (!zone) {
    refuse(
      "bad-zone",
      `I don't know the time zone ${quoted(typed)}. Zones are written like Europe/Berlin or America/New_York, for example: /timezone Europe/Berlin`,
    );
  }
  // A witness's planned digest moves to the same Sunday evening in the new zone (or the next
  // Sunday, if that one has already passed there): two days before it is still that week anywhere.
  const digestAt =
    me.nextDigestAt === null ? null : nextDigestAt(Math.max(now, me.nextDigestAt - 2 * 86_400_000), zone);
  updatePerson(db, me.id, { zone, nextDigestAt: digestAt });
  appendEvent(db, {
    personId: me.id,
    actorId: me.id,
    kind: "zone",
    data: { from: me.zone, to: zone },
    at: now,
  });
  let replanned = 0;
  const endings: RichText[] = [];
  for (const c of listCommitments(db, me.id)) {
    if ((c.state !== "active" && c.state !== "paused") || c.zone === zone) continue;
    const moved = { ...c, zone };
    const nextDueAt = c.state === "active" ? planNext(moved, now) : null;
    updateCommitment(db, c.id, { zone, nextDueAt, updatedAt: now });
    appendEvent(db, {
      commitmentId: c.id,
      actorId: me.id,
      kind: "zone",
      data: { from: c.zone, to: zone },
      at: now,
    });
    // In the new zone its last day (or its one check-in) may be past already: a commitment with
    // nothing left to plan and nothing open completes rather than waiting forever.
    const parties = c.state === "active" && nextDueAt === null ? commitmentWithParties(db, c.id) : undefined;
    const ending = parties && finishIfDone(db, parties, now, "reply", "zone");
    if (ending) endings.push(ending);
    else replanned++;
  }
  const moved =
    replanned > 0 ? ` I moved the check-ins of ${replanned} commitment${replanned > 1 ? "s" : ""}.` : "";
  return [
    toSender(
      lines(`Your time zone is now ${zone}; it's ${formatLocalTime(now, zone)} there.${moved}`, ...endings),
    ),
  ];
}

/** What the person typed, quoted and cut short: a refusal quotes at most a short piece. */
function quoted(text: string): string {
  const t = text.trim();
  return `"${[...t].length > 32 ? `${[...t].slice(0, 31).join("")}…` : t}"`;
}

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Reads `22:00-08:00` (or `off`); null means quiet hours off. */
export function readQuietHours(text: string): QuietHours | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, "");
  if (t === "off" || t === "none") return null;
  const [from = "", to = "", extra] = t.split(/[-–]/);
  const a = HHMM.exec(from);
  const b = HHMM.exec(to);
  if (!a || !b || extra !== undefined) {
    refuse(
      "bad-quiet",
      `I couldn't read ${quoted(text)} as quiet hours. Give when they start and end, for example: /quiet 22:00-08:00`,
    );
  }
  const start = Number(a[1]) * 60 + Number(a[2]);
  const end = Number(b[1]) * 60 + Number(b[2]);
  if (start === end)
    refuse("bad-quiet", "Quiet hours need a different start and end, like /quiet 22:00-08:00.");
  return { start, end };
}

/** Formats minutes after midnight as `HH:MM`. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** `/quiet <from>-<to>` or `/quiet off` */
export function quiet(ctx: CommandContext): Reply[] {
  const { db, now, me } = ctx;
  const q = readQuietHours(ctx.args.hours ?? "");
  updatePerson(db, me.id, { quietStart: q?.start ?? null, quietEnd: q?.end ?? null });
  appendEvent(db, { personId: me.id, actorId: me.id, kind: "quiet", data: { quiet: q }, at: now });
  if (!q)
    return [
      toSender([
        "Quiet hours are off: check-ins arrive when they're due. ",
        code("/quiet 22:00-08:00"),
        " turns them on.",
      ]),
    ];
  return [
    toSender(
      `Quiet hours: ${hhmm(q.start)}–${hhmm(q.end)} your time. A check-in due then waits until ${hhmm(q.end)}.`,
    ),
  ];
}
