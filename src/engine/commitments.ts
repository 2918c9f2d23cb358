/**
 * /commit, /edit, /pause, /resume and /cancel: the owner managing their commitments.
 *
 * Making a commitment easier may have to wait (see ./renegotiate). Notices of a person's own
 * choices (easing, cancelling, an ending) go to them privately, never to the group.
 */
import { addDays, formatCadence, localDate } from "../cadence";
import { parseCadenceInput } from "../cadence/input";
import { LIMITS } from "../commands/table";
import { graphemes, quote } from "../commands/text";
import { parseDuration } from "../duration";
import { refuse } from "../errors";
import { code, type Part } from "../richtext";
import { findStep, type Step } from "../steps";
import type { CommitmentRow, PendingChange, StoreTx } from "../store/port";
import type { Reply, RichText } from "../types";
import { type CommandContext, zoneOf } from "./context";
import { finishIfDone, tellWitnessItEnded } from "./endings";
import { cadenceText, label, when } from "./format";
import { ownCommitment } from "./lookups";
import { purpose } from "./purposes";
import { defer, easingWait, settlePending, tellWitness } from "./renegotiate";
import { toChat, toSender } from "./replies";
import { INITIAL_CADENCE_STATE, isEasier, planNext, readUntil } from "./schedule";
import { dayWords, scheduleWords, suggestedChange } from "./schedule-words";
import { inviteWitness } from "./witness";

const DEFAULT_CADENCE = "daily 20:00";
const MAX_PAUSE_MS = 366 * 86_400_000;

/** Reads and checks promise text (adapters may pass it unparsed, so the limits are checked here too). */
function readPromise(text: string | undefined): string {
  const promise = (text ?? "").replace(/\s+/g, " ").trim();
  if (!promise)
    refuse("empty-promise", "What do you promise? For example: /commit Call my sister every Sunday");
  // As a person counts (src/commands/text.ts): an emoji family is one character, not five.
  const length = graphemes(promise);
  if (length > LIMITS.promise) {
    refuse("long-promise", `That promise is ${length} characters; please keep it to ${LIMITS.promise}.`);
  }
  return promise;
}

function requireOpen(c: CommitmentRow, verb: string): void {
  if (c.state === "cancelled" || c.state === "completed") {
    refuse("closed", `#${c.number} is ${c.state}, so I can't ${verb} it. Start a new one with /commit.`);
  }
}

/** What to schedule when the owner gave no cadence: the step's default, else daily at 20:00. */
function defaultSchedule(step: Step | undefined, today: string): { cadence: string; until: string | null } {
  const d = step?.defaults;
  if (!d) return { cadence: DEFAULT_CADENCE, until: null };
  if (d.kind === "once") return { cadence: `once ${addDays(today, d.afterDays)} 20:00`, until: null };
  return { cadence: d.cadence, until: d.forDays ? addDays(today, d.forDays) : null };
}

/**
 * A cadence as the owner typed it ("every day at 8pm", "mondays and thursdays 6:30pm"), read for
 * their `today` with the limits on input (src/cadence/input.ts): its canonical text, which the
 * reply then says back in words, and whether the time of day was left to the bot.
 */
function readTypedCadence(text: string, today: string): { cadence: string; assumedTime: boolean } {
  const read = parseCadenceInput(text, today);
  if (!read.ok) refuse("bad-cadence", read.error);
  return { cadence: formatCadence(read.cadence), assumedTime: read.assumedTime === true };
}

/** `/commit <promise> [cadence] [step] [witness] [until] [private]` */
export async function commit(ctx: CommandContext): Promise<Reply[]> {
  const { db, now, me, args } = ctx;
  const promise = readPromise(args.promise);
  if ((await db.countOpenCommitments(me.id)) >= LIMITS.activeCommitments) {
    refuse(
      "too-many",
      `You have ${LIMITS.activeCommitments} open commitments, the most I keep. /cancel one you've finished first.`,
    );
  }
  const zone = zoneOf(me, ctx.deps.config);
  const today = localDate(now, zone);
  let step: Step | undefined;
  if (args.step !== undefined) {
    step = findStep(args.step);
    if (!step)
      refuse("bad-step", `There is no step "${args.step}"; the plan has steps 1 to 13. Example: step: 13`);
  }
  const fallback = defaultSchedule(step, today);
  const typed = args.cadence ? readTypedCadence(args.cadence, today) : null;
  const cadence = typed ? typed.cadence : fallback.cadence;
  const until = args.until ? readUntil(args.until, today) : args.cadence ? null : fallback.until;
  const isPrivate = args.private === "true" || ctx.chat.kind === "dm";
  const draft = { cadence, zone, anchor: today, cadenceState: INITIAL_CADENCE_STATE, until };
  const nextDueAt = planNext(draft, now);
  if (nextDueAt === null) {
    refuse(
      "nothing-planned",
      `With cadence "${cadence}" no check-in would fall before the end. Try a later date.`,
    );
  }
  const c = await db.insertCommitment({
    ownerId: me.id,
    chatId: ctx.chat.id,
    promise,
    step: step?.number ?? null,
    ...draft,
    visibility: isPrivate ? "private" : "group",
    state: "active",
    nextDueAt,
    createdAt: now,
    updatedAt: now,
  });
  await db.appendEvent({
    commitmentId: c.id,
    actorId: me.id,
    kind: "created",
    data: { promise, cadence, step: c.step, until, visibility: c.visibility },
    at: now,
  });
  // The schedule is said once, and only a change that fits it is offered: the bot chose it.
  // When the time was the bot's choice ("every day"), the reply says it and how to change it.
  const change = typed && !typed.assumedTime ? null : suggestedChange(cadence);
  const text = [
    "Committed ",
    label(c),
    step ? ` (step ${step.number}: ${step.title})` : "",
    `: ${scheduleWords(c, nextDueAt, now)}`,
    me.zone ? "." : ` (times in ${zone}).`,
    hints(c.number, change, !me.zone),
  ];
  const replies = [isPrivate ? toSender(text) : toChat(text)];
  if (args.witness && ctx.chat.kind === "group") replies.push(await inviteWitness(ctx, c, "witness"));
  else if (args.witness) {
    replies.push(
      toSender([
        "To add a witness, invite them from a group you share: ",
        code(`/witness #${c.number} @${args.witness}`),
        ".",
      ]),
    );
  }
  return replies;
}

/** `/edit <commitment> [promise] [cadence] [until]` */
export async function edit(ctx: CommandContext): Promise<Reply[]> {
  const { db, now, me, args } = ctx;
  const c = await ownCommitment(ctx);
  requireOpen(c, "edit");
  if (args.promise === undefined && args.cadence === undefined && args.until === undefined) {
    refuse("nothing-to-edit", `Tell me what to change, like /edit #${c.number} cadence: daily 21:00.`);
  }
  const today = localDate(now, c.zone);
  const change: PendingChange = {};
  if (args.promise !== undefined) change.promise = readPromise(args.promise);
  if (args.cadence !== undefined) change.cadence = readTypedCadence(args.cadence, today).cadence;
  if (args.until !== undefined) change.until = readUntil(args.until, today);
  // Check the change can be applied before deciding when: a refusal must come now, not in 24 hours.
  const { patch, next } = buildEdit(c, change, now);
  const easier = isEasier(c, change, now);
  const wait = easier ? await easingWait(ctx, c) : null;
  if (wait) return await defer(ctx, c, change, wait);
  await applyEdit(db, c, change, now, me.id);
  const text: Part = [
    "Updated ",
    label({ number: c.number, promise: next.promise }),
    `: ${editedSchedule(next, patch.nextDueAt, now)}`,
  ];
  const aside = await settlePending(ctx, c, change);
  // Easing is the owner's own news: the group hears of stricter terms and new words only.
  if (easier || c.visibility === "private") return [toSender([text, aside ? [" ", aside] : ""])];
  return aside ? [toChat(text), toSender(aside)] : [toChat(text)];
}

/**
 * The schedule after an edit, said once: a one-off by its day and time, anything else with its
 * next check-in (a paused commitment has none until it resumes).
 */
function editedSchedule(c: CommitmentRow, nextDueAt: number | null | undefined, now: number): string {
  if (nextDueAt && c.cadence.startsWith("once")) return `${scheduleWords(c, nextDueAt, now)}.`;
  const until = c.until ? ` until ${dayWords(c.until, localDate(now, c.zone))}` : "";
  const next = nextDueAt ? ` Next check-in: ${when(nextDueAt, c.zone)}.` : "";
  return `check-ins ${cadenceText(c)}${until}.${next}`;
}

/**
 * The one sentence after a commit that offers what the owner may want to change: another time
 * (or day, for a one-off) when the bot chose the schedule, and their time zone when unset.
 */
function hints(n: number, change: ReturnType<typeof suggestedChange>, zone: boolean): Part {
  const edit = change && [
    change.what === "day" ? "move it to another day with " : "change the time with ",
    code(`/edit #${n} cadence: ${change.cadence}`),
  ];
  const tz = zone && ["set your time zone with ", code("/timezone Europe/Berlin")];
  if (!edit && !tz) return "";
  return [" You can ", edit || "", edit && tz ? " and " : "", tz || "", "."];
}

/**
 * The row changes an edit makes, refusing one that would leave no check-in from now on
 * (paused ones too: on resuming, such a commitment would have nothing to plan).
 */
function buildEdit(c: CommitmentRow, change: PendingChange, now: number) {
  const patch: Partial<CommitmentRow> = {};
  if (change.promise !== undefined) patch.promise = change.promise;
  if (change.cadence !== undefined) {
    patch.cadence = change.cadence;
    // Switching form restarts the count; retiming a graduated cadence keeps its phase.
    const keepsPhase = change.cadence.startsWith("graduated") && c.cadence.startsWith("graduated");
    patch.anchor = keepsPhase ? c.anchor : localDate(now, c.zone);
    patch.cadenceState = keepsPhase ? c.cadenceState : INITIAL_CADENCE_STATE;
  }
  if (change.until !== undefined) patch.until = change.until;
  const next = { ...c, ...patch };
  const nextDueAt = planNext(next, now);
  if (nextDueAt === null) {
    refuse(
      "nothing-planned",
      "With that change no check-in would be left. Pick a later end date or another cadence.",
    );
  }
  // A paused commitment is planned when it resumes.
  if (c.state === "active") patch.nextDueAt = nextDueAt;
  return { patch, next };
}

/** Applies an edit now (by the owner, or by the tick when a renegotiation's delay has passed). */
export async function applyEdit(
  db: StoreTx,
  c: CommitmentRow,
  change: PendingChange,
  now: number,
  actorId: number | null,
) {
  const { patch } = buildEdit(c, change, now);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ["promise", "cadence", "until"] as const) {
    if (change[key] !== undefined) changes[key] = { from: c[key], to: change[key] };
  }
  await db.updateCommitment(c.id, { ...patch, updatedAt: now });
  await db.appendEvent({ commitmentId: c.id, actorId, kind: "edited", data: changes, at: now });
  return patch;
}

/** `/pause <commitment> [for]`: applies at once, witnessed or not; the witness is told. */
export async function pause(ctx: CommandContext): Promise<Reply[]> {
  const { db, now, me, args } = ctx;
  const c = await ownCommitment(ctx);
  requireOpen(c, "pause");
  if (c.state === "paused")
    refuse("already-paused", `#${c.number} is already paused. /resume #${c.number} to go on.`);
  let pausedUntil: number | null = null;
  if (args.for !== undefined) {
    const ms = parseDuration(args.for);
    if (ms === null)
      refuse("bad-duration", `${quote(args.for)} isn't a length of time I can read. Try for: 3d or for: 2w.`);
    if (ms > MAX_PAUSE_MS)
      refuse("long-pause", "A pause can last up to a year. For longer, /cancel and start again later.");
    pausedUntil = now + ms;
  }
  await db.updateCommitment(c.id, { state: "paused", nextDueAt: null, pausedUntil, updatedAt: now });
  // A pause never breaks a streak: the check-in open now is skipped, not left to close as missed.
  await db.skipOpenCheckIns(c.id);
  const id = await db.appendEvent({
    commitmentId: c.id,
    actorId: me.id,
    kind: "paused",
    data: { until: pausedUntil },
    at: now,
  });
  const until = (zone: string) =>
    pausedUntil === null ? " until they resume it" : ` until ${when(pausedUntil, zone)}`;
  await tellWitness(ctx, c, purpose("paused", c.id, id), (zone) => [
    me.name,
    " paused ",
    label(c),
    `${until(zone)}. Nothing is asked of you meanwhile.`,
  ]);
  const mine = pausedUntil === null ? " until you /resume it" : ` until ${when(pausedUntil, c.zone)}`;
  // A pause is the owner's own choice: theirs to hear, not the group's (PRODUCT §5).
  return [
    toSender(["Paused ", label(c), `${mine}. No check-ins meanwhile, and your streak stays as it is.`]),
  ];
}

/** `/resume <commitment>`: the witness is told; an end that passed meanwhile completes it. */
export async function resume(ctx: CommandContext): Promise<Reply[]> {
  const { now, me } = ctx;
  const c = await ownCommitment(ctx);
  if (c.state !== "paused") refuse("not-paused", `#${c.number} isn't paused, it's ${c.state}.`);
  const { nextDueAt, ending, eventId } = await resumeCommitment(ctx.db, c, now, me.id);
  if (ending) return [toSender(ending)];
  await tellWitness(ctx, c, purpose("resumed", c.id, eventId), (zone) => [
    me.name,
    " resumed ",
    label(c),
    nextDueAt === null ? "." : `. The next check-in is ${when(nextDueAt, zone)}.`,
    " As before, I'll ask you to confirm the kept and partly ones.",
  ]);
  const next =
    nextDueAt === null
      ? " No check-in is left after the one open now."
      : ` Next check-in: ${when(nextDueAt, c.zone)}.`;
  return [toSender(["Resumed ", label(c), `.${next}`])];
}

/**
 * Makes a paused commitment active again (by the owner, or by the tick when a timed pause
 * ends). When its end passed meanwhile it completes: the owner is told privately, in the reply
 * to their /resume (`ending`) or, when the tick resumes it, in a direct message.
 */
export async function resumeCommitment(
  db: StoreTx,
  c: CommitmentRow,
  now: number,
  actorId: number | null,
): Promise<{ nextDueAt: number | null; ending: RichText | null; eventId: number }> {
  const nextDueAt = planNext(c, now);
  await db.updateCommitment(c.id, { state: "active", nextDueAt, pausedUntil: null, updatedAt: now });
  const eventId = await db.appendEvent({
    commitmentId: c.id,
    actorId,
    kind: "resumed",
    data: { auto: actorId === null },
    at: now,
  });
  const parties = nextDueAt === null ? await db.commitmentWithParties(c.id) : undefined;
  const ending = parties
    ? await finishIfDone(db, parties, now, actorId === null ? "dm" : "reply", "paused")
    : null;
  return { nextDueAt, ending, eventId };
}

/** `/cancel <commitment>`: the owner's own choice, so the reply is theirs alone. */
export async function cancel(ctx: CommandContext): Promise<Reply[]> {
  const c = await ownCommitment(ctx);
  requireOpen(c, "cancel");
  const wait = await easingWait(ctx, c);
  if (wait) return await defer(ctx, c, { cancel: true }, wait);
  await cancelCommitment(ctx.db, c, ctx.now, ctx.me.id);
  return [
    toSender(["Cancelled ", label(c), ". Its history stays; /history #", String(c.number), " shows it."]),
  ];
}

/** Cancels a commitment now. */
export async function cancelCommitment(
  db: StoreTx,
  c: CommitmentRow,
  now: number,
  actorId: number | null,
): Promise<void> {
  await db.updateCommitment(c.id, {
    state: "cancelled",
    nextDueAt: null,
    pausedUntil: null,
    pendingChange: null,
    pendingChangeAt: null,
    updatedAt: now,
  });
  // An open check-in of a cancelled commitment is not a miss: nothing counts, nobody is alerted.
  await db.skipOpenCheckIns(c.id);
  await db.appendEvent({ commitmentId: c.id, actorId, kind: "cancelled", at: now });
  // A witness still attached (the cancellation waited out its day) hears that it ended.
  await tellWitnessItEnded(db, c, now, "cancelled");
}
