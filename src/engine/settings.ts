/** /timezone and /quiet: a person's own settings, read the way people write them (src/cadence). */
import { encodeAction, idArg } from "../actions";
import { formatLocalTime, normalizeZone } from "../cadence";
import { parseQuietHours, QUIET_EXAMPLE } from "../cadence/quiet-hours";
import { cityLabel, parseZone, type ZoneChoice } from "../cadence/zone-names";
import { refuse } from "../errors";
import { code, lines } from "../richtext";
import type { QuietHours } from "../store/port";
import type { Button, Reply, RichText } from "../types";
import { type ClickContext, type CommandContext, commandFromClick } from "./context";
import { nextDigestAt } from "./digest";
import { finishIfDone } from "./endings";
import { toSender } from "./replies";
import { planNext } from "./schedule";

/** Buttons of a zone question: three to a row, each setting its zone for the person who asked. */
function zoneButtons(personId: number, choices: readonly ZoneChoice[]): Button[][] {
  const rows: Button[][] = [];
  choices.forEach((c, i) => {
    const button: Button = {
      label: c.label,
      action: encodeAction("tz", personId, c.zone),
      style: "secondary",
    };
    if (i % 3 === 0) rows.push([button]);
    else rows[rows.length - 1]?.push(button);
  });
  return rows;
}

/**
 * `/timezone <zone>`: a zone name, a city, a country, an abbreviation or an offset. A name that fits
 * several zones keeping different time (EST, CET, IST, GMT+1, a city in two countries) is answered
 * with those zones as buttons rather than a guess; {@link zoneClick} sets the one pressed.
 */
export async function timezone(ctx: CommandContext): Promise<Reply[]> {
  const read = parseZone(ctx.args.zone ?? "", ctx.now);
  if (!read.ok) {
    if (read.choices && read.choices.length > 0) {
      return [toSender(read.error, zoneButtons(ctx.me.id, read.choices))];
    }
    refuse("bad-zone", read.error);
  }
  return await setZone(ctx, read.zone);
}

/** A zone button: only the person who asked may press it; it sets the zone as /timezone would. */
export async function zoneClick(ctx: ClickContext): Promise<Reply[]> {
  const [owner, name, extra] = ctx.args;
  if (idArg(owner) !== ctx.me.id) refuse("not-yours", "That button belongs to someone else.");
  const zone = name !== undefined && extra === undefined ? normalizeZone(name) : null;
  if (!zone) refuse("stale-button", "That button no longer does anything.");
  const asCommand = commandFromClick(ctx, { zone });

  return (await setZone(asCommand, zone)).map((r) => ({
    ...r,
    settles: [{ t: "text", text: cityLabel(zone) }],
  }));
}

/** Sets the person's zone; also re-plans their future check-ins, past ones stay as they were. */
async function setZone(ctx: CommandContext, zone: string): Promise<Reply[]> {
  const { db, now, me } = ctx;
  // A witness's planned digest moves to the same Sunday evening in the new zone (or the next
  // Sunday, if that one has already passed there): two days before it is still that week anywhere.
  const digestAt =
    me.nextDigestAt === null ? null : nextDigestAt(Math.max(now, me.nextDigestAt - 2 * 86_400_000), zone);
  await db.updatePerson(me.id, { zone, nextDigestAt: digestAt });
  await db.appendEvent({
    personId: me.id,
    actorId: me.id,
    kind: "zone",
    data: { from: me.zone, to: zone },
    at: now,
  });
  let replanned = 0;
  const endings: RichText[] = [];
  for (const c of await db.listCommitments(me.id)) {
    if ((c.state !== "active" && c.state !== "paused") || c.zone === zone) continue;
    const moved = { ...c, zone };
    const nextDueAt = c.state === "active" ? planNext(moved, now) : null;
    await db.updateCommitment(c.id, { zone, nextDueAt, updatedAt: now });
    await db.appendEvent({
      commitmentId: c.id,
      actorId: me.id,
      kind: "zone",
      data: { from: c.zone, to: zone },
      at: now,
    });
    // In the new zone its last day (or its one check-in) may be past already: a commitment with
    // nothing left to plan and nothing open completes rather than waiting forever.
    const parties =
      c.state === "active" && nextDueAt === null ? await db.commitmentWithParties(c.id) : undefined;
    const ending = parties && (await finishIfDone(db, parties, now, "reply", "zone"));
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

/**
 * Reads quiet hours as typed (`22:00-08:00`, `22-8`, `10pm-7am`, `23-7`; `off`), refusing with the
 * reason and a form that works (src/cadence/quiet-hours.ts). Null means quiet hours off.
 */
export function readQuietHours(text: string): QuietHours | null {
  const read = parseQuietHours(text);
  if (!read.ok) refuse("bad-quiet", read.error);
  return read.quiet;
}

/** Formats minutes after midnight as `HH:MM`. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** `/quiet <from>-<to>` or `/quiet off` */
export async function quiet(ctx: CommandContext): Promise<Reply[]> {
  const { db, now, me } = ctx;
  const q = readQuietHours(ctx.args.hours ?? "");
  await db.updatePerson(me.id, { quietStart: q?.start ?? null, quietEnd: q?.end ?? null });
  await db.appendEvent({ personId: me.id, actorId: me.id, kind: "quiet", data: { quiet: q }, at: now });
  if (!q)
    return [
      toSender([
        "Quiet hours are off: check-ins arrive when they're due. ",
        code(QUIET_EXAMPLE),
        " turns them on.",
      ]),
    ];
  return [
    toSender(
      `Quiet hours: ${hhmm(q.start)}–${hhmm(q.end)} your time. A check-in due then waits until ${hhmm(q.end)}.`,
    ),
  ];
}
