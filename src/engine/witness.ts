/**
 * The witness: invited with /witness, bound only by the invited person's own click, asked to
 * confirm kept and partly answers, and free to step down (or be removed) at any time.
 */
import { encodeAction, idArg } from "../actions";
import { refuse } from "../errors";
import { bold, code, italic, mention, type Part, rich } from "../richtext";
import type { CommitmentRow, PersonRow, StoreTx } from "../store/port";
import type { Platform, Reply } from "../types";
import type { ClickContext, CommandContext } from "./context";
import { planDigest } from "./digest";
import { ownCommitment } from "./lookups";
import { verdictNotice, who } from "./messages";
import { purpose } from "./purposes";
import { dmOf, promptRecipient } from "./recipients";
import { NOT_FOR_YOU, toChat, toSender } from "./replies";
import { statsFor } from "./stats";

const label = (c: CommitmentRow): Part => [bold(`#${c.number}`), " ", italic(c.promise)];

/** `/witness <commitment> @person [alerts: on|off]` */
export async function witness(ctx: CommandContext): Promise<Reply[]> {
  const c = await ownCommitment(ctx);
  if (c.state === "cancelled" || c.state === "completed") refuse("closed", `#${c.number} is ${c.state}.`);
  if (c.witnessStatus === "active") {
    const current = c.witnessId === null ? undefined : await ctx.db.getPerson(c.witnessId);
    refuse(
      "has-witness",
      `#${c.number} already has a witness${current ? ` (${current.name})` : ""}. /unwitness #${c.number} first.`,
    );
  }
  return [await inviteWitness(ctx, c, "person")];
}

/**
 * Posts the invitation naming the person in the group (from /witness or /commit's `witness:`).
 * Nothing is sent to them until they accept, and only their own click can accept.
 */
export async function inviteWitness(
  ctx: CommandContext,
  c: CommitmentRow,
  option: "person" | "witness",
): Promise<Reply> {
  const { db, now, me, args } = ctx;
  if (ctx.chat.kind !== "group") {
    refuse("not-in-group", "Invite your witness from a group chat you share, so they can accept there.");
  }
  const typed = args[option];
  const ref = ctx.mentions[0] ?? (typed ? { username: typed } : undefined);
  if (!ref || (!ref.id && !ref.username))
    refuse("no-person", "Name the friend to invite, like /witness #1 @their_name.");
  const known = ref.id
    ? undefined
    : await db.findPersonByUsername(me.platform as Platform, ref.username ?? "");
  const targetId = ref.id ?? known?.externalId;
  const targetUsername = (ref.username ?? known?.username ?? "").toLowerCase();
  const isMe = targetId === me.externalId || (targetUsername !== "" && targetUsername === me.username);
  if (isMe) refuse("self", "You can't witness your own commitment. Ask someone you trust.");
  if (known?.isBot || ref.isBot) refuse("bot", "A bot can't be a witness. Ask a person you trust.");
  const invite = targetId ? `id:${targetId}` : `@${targetUsername}`;
  const alerts = args.alerts !== "off";
  await db.updateCommitment(c.id, {
    witnessStatus: "invited",
    witnessInvite: invite,
    witnessId: null,
    witnessAlerts: alerts,
    updatedAt: now,
  });
  await db.appendEvent({
    commitmentId: c.id,
    actorId: me.id,
    kind: "witness-invited",
    // The chat it is posted in: a commitment made in a direct chat is invited from a group.
    data: { invite, alerts, chatId: ctx.chat.id },
    at: now,
  });
  const invitee: Part = targetId
    ? mention(me.platform as Platform, targetId, ref.name ?? known?.name ?? targetUsername)
    : `@${targetUsername}`;
  const alertLine = alerts ? ", hear from me if two check-ins in a row slip," : "";
  // Where the platform could not say who the handle is (Telegram, the console), it may be a bot's.
  const personOnly = targetId ? "Only you can accept" : "Only that person can accept (not a bot)";
  return toChat(
    [
      invitee,
      `, ${me.name} asks you to witness `,
      // A private promise stays private in the group: the witness sees it once they accept.
      c.visibility === "private" ? [bold(`#${c.number}`), ", a private commitment"] : label(c),
      // Two sentences before the buttons: a group reads this.
      `: you'd confirm their check-ins${alertLine} and get a short digest on Sundays. ${personOnly}, within ${INVITE_DAYS} days.`,
    ],
    [
      [
        { label: "Accept", action: encodeAction("wacc", c.id), style: "success" },
        { label: "Decline", action: encodeAction("wdec", c.id), style: "secondary" },
      ],
    ],
  );
}

/** How long an invitation can be accepted. */
export const INVITE_DAYS = 7;
const INVITE_MS = INVITE_DAYS * 24 * 60 * 60_000;

/** Whether the clicking person is the one the invitation names. */
function isInvited(c: CommitmentRow, me: PersonRow): boolean {
  const invite = c.witnessInvite ?? "";
  if (invite.startsWith("id:")) return invite.slice(3) === me.externalId;
  return invite.startsWith("@") && me.username !== null && invite.slice(1) === me.username;
}

/**
 * The invitation an Accept or Decline click may answer: open, addressed to the clicker, clicked in
 * the chat it was posted in, and not expired. Refusals name no one: anyone can forge the click.
 */
async function openInvitation(ctx: ClickContext) {
  const id = idArg(ctx.args[0]);
  const parties =
    id === undefined || ctx.args.length !== 1 ? undefined : await ctx.db.commitmentWithParties(id);
  const c = parties?.commitment;
  if (parties?.owner.id === ctx.me.id) refuse("self", "You can't witness your own commitment.");
  if (!parties || !c || c.witnessStatus !== "invited" || !isInvited(c, ctx.me))
    refuse("not-offered", NOT_FOR_YOU);
  const sent = await ctx.db.lastInvitation(c.id);
  if ((sent?.chatId ?? parties.chat.id) !== ctx.chat.id) {
    refuse("elsewhere", "Answer the invitation where it was posted.");
  }
  if (sent === undefined || ctx.now - sent.at > INVITE_MS) {
    refuse("expired", "That invitation has expired. A new one can be sent with /witness.");
  }
  return parties;
}

/** A chat reply to a click that also marks the clicked message's buttons as spent. */
function settled(outcome: string, text: Part): Reply {
  return { ...toChat(text), settles: rich(outcome) };
}

/**
 * The Accept button, pressed in the chat where the owner asked: the chat hears who witnesses (the
 * promise only if the group may see it), and the witness gets, privately, what they agreed to.
 */
export async function acceptInvite(ctx: ClickContext): Promise<Reply[]> {
  const { commitment: c, owner } = await openInvitation(ctx);
  await ctx.db.updateCommitment(c.id, {
    witnessStatus: "active",
    witnessId: ctx.me.id,
    witnessInvite: null,
    updatedAt: ctx.now,
  });
  await ctx.db.appendEvent({ commitmentId: c.id, actorId: ctx.me.id, kind: "witness-accepted", at: ctx.now });
  await planDigest(ctx.db, ctx.me, ctx.now, ctx.deps.config.defaultZone);

  await notify(ctx.db, purpose("welcome", c.id, ctx.now), ctx.me, c, ctx.now, [
    "You now witness ",
    owner.name,
    "'s ",
    label(c),
    ". After a kept or partly check-in I'll ask you whether it matches what you've seen; on Sundays you get a short digest. That's all: reminding them is my part, not yours. You can step down any time from /status.",
  ]);
  const what = c.visibility === "private" ? [bold(`#${c.number}`)] : label(c);
  return [
    settled(`Accepted by ${ctx.me.name}`, [
      ctx.me.name,
      " is now the witness for ",
      who(owner),
      "'s ",
      what,
      ". Thank you for standing by them.",
    ]),
  ];
}

/** The Decline button: a person's own choice, so only the owner hears of it, privately. */
export async function declineInvite(ctx: ClickContext): Promise<Reply[]> {
  const { commitment: c, owner, chat } = await openInvitation(ctx);
  await ctx.db.updateCommitment(c.id, { witnessStatus: null, witnessInvite: null, updatedAt: ctx.now });
  await ctx.db.appendEvent({ commitmentId: c.id, actorId: ctx.me.id, kind: "witness-declined", at: ctx.now });
  await notify(
    ctx.db,
    purpose("declined", c.id, ctx.now),
    owner,
    c,
    ctx.now,
    [
      ctx.me.name,
      " won't witness ",
      label(c),
      ". That's all right; you can ask someone else with ",
      code(`/witness #${c.number}`),
      " and their @name.",
    ],
    chat,
  );
  return [
    {
      ...toSender([`Thank you for answering. I'll let ${owner.name} know privately.`]),
      settles: rich("Invitation closed"),
    },
  ];
}

/** `/unwitness <commitment>`: the owner removes the witness (or withdraws an invitation). */
export async function unwitness(ctx: CommandContext): Promise<Reply[]> {
  const c = await ownCommitment(ctx);
  if (c.witnessStatus === null) refuse("no-witness", `#${c.number} has no witness.`);
  const former = c.witnessId === null ? undefined : await ctx.db.getPerson(c.witnessId);
  await removeWitness(ctx.db, c, ctx.now, ctx.me.id, "removed");
  if (former) {
    await notify(ctx.db, purpose("unwitnessed", c.id, ctx.now), former, c, ctx.now, [
      ctx.me.name,
      " no longer needs a witness for ",
      label(c),
      ", so nothing more is asked of you. Thank you for standing by them.",
    ]);
  }
  const what = former ? `${former.name} no longer witnesses` : "The invitation is withdrawn for";
  return [toSender([what, " ", label(c), "."])];
}

/** A witness's "Step down" button; the owner is told. */
export async function stepDown(ctx: ClickContext): Promise<Reply[]> {
  const id = idArg(ctx.args[0]);
  const parties =
    id === undefined || ctx.args.length !== 1 ? undefined : await ctx.db.commitmentWithParties(id);
  if (
    !parties ||
    parties.commitment.witnessId !== ctx.me.id ||
    parties.commitment.witnessStatus !== "active"
  ) {
    refuse("not-witness", NOT_FOR_YOU);
  }
  const { commitment: c, owner, chat } = parties;
  await removeWitness(ctx.db, c, ctx.now, ctx.me.id, "stepped-down");
  await notify(
    ctx.db,
    purpose("stepped-down", c.id, ctx.now),
    owner,
    c,
    ctx.now,
    [
      ctx.me.name,
      " stepped down as witness of ",
      label(c),
      ". If you'd like someone else, you can ask them with ",
      code(`/witness #${c.number}`),
      " and their @name.",
    ],
    chat.kind === "group" ? chat : undefined,
  );
  return [
    {
      ...toSender([
        "You've stepped down as witness of ",
        owner.name,
        "'s ",
        label(c),
        `. I'll let ${owner.name} know. Thank you for standing by them.`,
      ]),
      settles: rich("Stepped down"),
    },
  ];
}

async function removeWitness(
  db: StoreTx,
  c: CommitmentRow,
  now: number,
  actorId: number,
  kind: string,
): Promise<void> {
  await db.updateCommitment(c.id, {
    witnessStatus: null,
    witnessId: null,
    witnessInvite: null,
    updatedAt: now,
  });
  await db.appendEvent({ commitmentId: c.id, actorId, kind: `witness-${kind}`, at: now });
}

/** Queues a direct message to a person about a commitment, at once: it answers someone's action. */
async function notify(
  db: StoreTx,
  key: string,
  to: PersonRow,
  c: CommitmentRow,
  now: number,
  text: Part,
  fallback?: Parameters<typeof dmOf>[1],
): Promise<void> {
  await db.enqueue({
    purpose: key,
    to: dmOf(to, fallback),
    message: { text: rich(text), visibility: "chat" },
    personId: to.id,
    commitmentId: c.id,
    notBefore: now,
    now,
  });
}

const VERDICTS = { c: "confirmed", d: "disputed", u: "unsure" } as const;

/** Confirm / Dispute / Not sure: only the commitment's witness counts; the owner is told. */
export async function verdictClick(ctx: ClickContext): Promise<Reply[]> {
  const [idPart, code, ...extra] = ctx.args;
  const id = idArg(idPart);
  const verdict = Object.hasOwn(VERDICTS, code ?? "") ? VERDICTS[code as keyof typeof VERDICTS] : undefined;
  const ci = id === undefined || extra.length > 0 ? undefined : await ctx.db.getCheckIn(id);
  const parties = ci && (await ctx.db.commitmentWithParties(ci.commitmentId));
  if (!ci || !parties || !verdict) refuse("not-offered", NOT_FOR_YOU);
  const { commitment: c, owner, chat } = parties;
  // Only the witness asked about this very answer may judge it: not a check-in still open, not one
  // answered before they accepted, not one a former witness was asked about.
  const asked =
    c.witnessId === ctx.me.id &&
    c.witnessStatus === "active" &&
    ci.state === "answered" &&
    (ci.answer === "kept" || ci.answer === "partly") &&
    (await ctx.db.offeredTo(purpose("verify", ci.id), ctx.me.id));
  if (!asked) refuse("not-offered", NOT_FOR_YOU);
  if (ci.verdict !== null) refuse("done", "You've already answered this one. Thank you.");
  await ctx.db.updateCheckIn(ci.id, "answered", { verdict, verdictAt: ctx.now });
  await ctx.db.appendEvent({
    commitmentId: c.id,
    actorId: ctx.me.id,
    kind: "verdict",
    data: { checkIn: ci.id, verdict },
    at: ctx.now,
  });
  const stats = await statsFor(ctx.db, c.id);
  await ctx.db.updateCommitment(c.id, {
    streak: stats.streak,
    verifiedStreak: stats.verifiedStreak,
    consistency: stats.consistency,
    updatedAt: ctx.now,
  });
  await ctx.db.enqueue({
    purpose: purpose("verdict", ci.id),
    to: promptRecipient({ ...c, visibility: "private" }, owner, chat),
    message: verdictNotice(c, ctx.me, verdict, stats.verifiedStreak),
    personId: owner.id,
    commitmentId: c.id,
    notBefore: ctx.now,
    now: ctx.now,
  });
  const thanks = { confirmed: "Confirmed.", disputed: "Noted as disputed.", unsure: "Noted as not sure." }[
    verdict
  ];
  const outcome = { confirmed: "✓ Confirmed", disputed: "Disputed", unsure: "Not sure" }[verdict];
  return [{ ...toSender(`${thanks} ${owner.name} will be told. Thank you.`), settles: rich(outcome) }];
}
