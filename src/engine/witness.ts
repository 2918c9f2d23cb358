/**
 * The witness: invited with /witness, bound only by the invited person's own click, asked to
 * confirm kept and partly answers, and free to step down (or be removed) at any time.
 */
import { encodeAction } from "../actions";
import { refuse } from "../errors";
import { bold, italic, mention, type Part, rich } from "../richtext";
import { commitmentWithParties, getCheckIn, updateCheckIn } from "../store/checkins";
import { updateCommitment } from "../store/commitments";
import type { Db } from "../store/db";
import { appendEvent } from "../store/events";
import { enqueue } from "../store/outbox";
import { findPersonByUsername, getPerson } from "../store/people";
import type { CommitmentRow, PersonRow } from "../store/schema";
import type { Platform, Reply } from "../types";
import { ownCommitment } from "./commitments";
import type { ClickContext, CommandContext } from "./context";
import { planDigest } from "./digest";
import { verdictNotice, who } from "./messages";
import { dmOf, promptRecipient } from "./recipients";
import { toChat, toSender } from "./replies";
import { statsFor } from "./stats";

const label = (c: CommitmentRow): Part => [bold(`#${c.number}`), " ", italic(c.promise)];

/** `/witness <commitment> @person [alerts: on|off]` */
export function witness(ctx: CommandContext): Reply[] {
  const c = ownCommitment(ctx);
  if (c.state === "cancelled" || c.state === "completed") refuse("closed", `#${c.number} is ${c.state}.`);
  if (c.witnessStatus === "active") {
    const current = c.witnessId === null ? undefined : getPerson(ctx.db, c.witnessId);
    refuse(
      "has-witness",
      `#${c.number} already has a witness${current ? ` (${current.name})` : ""}. /unwitness #${c.number} first.`,
    );
  }
  return [inviteWitness(ctx, c, "person")];
}

/**
 * Posts the invitation naming the person in the group (from /witness or /commit's `witness:`).
 * Nothing is sent to them until they accept, and only their own click can accept.
 */
export function inviteWitness(ctx: CommandContext, c: CommitmentRow, option: "person" | "witness"): Reply {
  const { db, now, me, args } = ctx;
  if (ctx.chat.kind !== "group") {
    refuse("not-in-group", "Invite your witness from a group chat you share, so they can accept there.");
  }
  const typed = args[option];
  const ref = ctx.mentions[0] ?? (typed ? { username: typed } : undefined);
  if (!ref || (!ref.id && !ref.username))
    refuse("no-person", "Name the friend to invite, like /witness #1 @sam.");
  const known = ref.id ? undefined : findPersonByUsername(db, me.platform as Platform, ref.username ?? "");
  const targetId = ref.id ?? known?.externalId;
  const targetUsername = (ref.username ?? known?.username ?? "").toLowerCase();
  const isMe = targetId === me.externalId || (targetUsername !== "" && targetUsername === me.username);
  if (isMe) refuse("self", "You can't witness your own commitment. Ask someone you trust.");
  if (known?.isBot || ref.isBot) refuse("bot", "A bot can't be a witness. Ask a person you trust.");
  const invite = targetId ? `id:${targetId}` : `@${targetUsername}`;
  const alerts = args.alerts !== "off";
  updateCommitment(db, c.id, {
    witnessStatus: "invited",
    witnessInvite: invite,
    witnessId: null,
    witnessAlerts: alerts,
    updatedAt: now,
  });
  appendEvent(db, {
    commitmentId: c.id,
    actorId: me.id,
    kind: "witness-invited",
    data: { invite, alerts },
    at: now,
  });
  const invitee: Part = targetId
    ? mention(me.platform as Platform, targetId, ref.name ?? known?.name ?? targetUsername)
    : `@${targetUsername}`;
  const alertLine = alerts ? " and hear from me if they miss two in a row" : "";
  return toChat(
    [
      invitee,
      `, ${me.name} asks you to witness `,
      // A private promise stays private in the group: the witness sees it once they accept.
      c.visibility === "private" ? [bold(`#${c.number}`), ", a private commitment"] : label(c),
      `. You'd confirm their check-ins${alertLine}, and get a short digest on Sundays. Only you can accept.`,
    ],
    [
      [
        { label: "Accept", action: encodeAction("wacc", c.id), style: "success" },
        { label: "Decline", action: encodeAction("wdec", c.id), style: "secondary" },
      ],
    ],
  );
}

/** Whether the clicking person is the one the invitation names. */
function isInvited(c: CommitmentRow, me: PersonRow): boolean {
  const invite = c.witnessInvite ?? "";
  if (invite.startsWith("id:")) return invite.slice(3) === me.externalId;
  return invite.startsWith("@") && me.username !== null && invite.slice(1) === me.username;
}

function openInvitation(ctx: ClickContext) {
  const parties = commitmentWithParties(ctx.db, Number(ctx.args[0]));
  if (parties?.commitment.witnessStatus !== "invited") {
    refuse("no-invite", "That invitation is no longer open.");
  }
  const c = parties.commitment;
  if (!isInvited(c, ctx.me))
    refuse(
      "not-invited",
      `This invitation is for ${c.witnessInvite?.replace(/^id:.*/, "someone else")}, not you.`,
    );
  if (parties.owner.id === ctx.me.id) refuse("self", "You can't witness your own commitment.");
  return parties;
}

/** A chat reply to a click that also marks the clicked message's buttons as spent. */
function settled(outcome: string, text: Part): Reply {
  return { ...toChat(text), settles: rich(outcome) };
}

/** The Accept button. */
export function acceptInvite(ctx: ClickContext): Reply[] {
  const { commitment: c, owner } = openInvitation(ctx);
  updateCommitment(ctx.db, c.id, {
    witnessStatus: "active",
    witnessId: ctx.me.id,
    witnessInvite: null,
    updatedAt: ctx.now,
  });
  appendEvent(ctx.db, { commitmentId: c.id, actorId: ctx.me.id, kind: "witness-accepted", at: ctx.now });
  planDigest(ctx.db, ctx.me, ctx.now, ctx.deps.config.defaultZone);
  return [
    settled(`Accepted by ${ctx.me.name}`, [
      ctx.me.name,
      " is now the witness for ",
      who(owner),
      "'s ",
      label(c),
      ". Thank you for standing by them.",
    ]),
  ];
}

/** The Decline button. */
export function declineInvite(ctx: ClickContext): Reply[] {
  const { commitment: c, owner } = openInvitation(ctx);
  updateCommitment(ctx.db, c.id, { witnessStatus: null, witnessInvite: null, updatedAt: ctx.now });
  appendEvent(ctx.db, { commitmentId: c.id, actorId: ctx.me.id, kind: "witness-declined", at: ctx.now });
  return [
    settled(`Declined by ${ctx.me.name}`, [
      ctx.me.name,
      " won't witness ",
      label(c),
      ". That's all right; ",
      owner.name,
      " can ask someone else.",
    ]),
  ];
}

/** `/unwitness <commitment>`: the owner removes the witness (or withdraws an invitation). */
export function unwitness(ctx: CommandContext): Reply[] {
  const c = ownCommitment(ctx);
  if (c.witnessStatus === null) refuse("no-witness", `#${c.number} has no witness.`);
  const former = c.witnessId === null ? undefined : getPerson(ctx.db, c.witnessId);
  removeWitness(ctx.db, c, ctx.now, ctx.me.id, "removed");
  if (former) {
    notify(ctx.db, `unwitnessed:${c.id}:${ctx.now}`, former, c, ctx.now, [
      ctx.me.name,
      " no longer needs a witness for ",
      label(c),
      ". Thank you for your support.",
    ]);
  }
  const what = former ? `${former.name} no longer witnesses` : "The invitation is withdrawn for";
  return [toSender([what, " ", label(c), "."])];
}

/** A witness's "Step down" button; the owner is told. */
export function stepDown(ctx: ClickContext): Reply[] {
  const parties = commitmentWithParties(ctx.db, Number(ctx.args[0]));
  if (
    !parties ||
    parties.commitment.witnessId !== ctx.me.id ||
    parties.commitment.witnessStatus !== "active"
  ) {
    refuse("not-witness", "You aren't the witness of that commitment.");
  }
  const { commitment: c, owner, chat } = parties;
  removeWitness(ctx.db, c, ctx.now, ctx.me.id, "stepped-down");
  notify(
    ctx.db,
    `stepped-down:${c.id}:${ctx.now}`,
    owner,
    c,
    ctx.now,
    [ctx.me.name, " stepped down as witness of ", label(c), ". You can invite someone else with /witness."],
    chat.kind === "group" ? chat : undefined,
  );
  return [
    {
      ...toSender([
        "You've stepped down as witness of ",
        owner.name,
        "'s ",
        label(c),
        ". Thank you for your help.",
      ]),
      settles: rich("Stepped down"),
    },
  ];
}

function removeWitness(db: Db, c: CommitmentRow, now: number, actorId: number, kind: string): void {
  updateCommitment(db, c.id, { witnessStatus: null, witnessId: null, witnessInvite: null, updatedAt: now });
  appendEvent(db, { commitmentId: c.id, actorId, kind: `witness-${kind}`, at: now });
}

/** Queues a direct message to a person about a commitment, at once: it answers someone's action. */
function notify(
  db: Db,
  purpose: string,
  to: PersonRow,
  c: CommitmentRow,
  now: number,
  text: Part,
  fallback?: Parameters<typeof dmOf>[1],
): void {
  enqueue(db, {
    purpose,
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
export function verdictClick(ctx: ClickContext): Reply[] {
  const [id, code] = ctx.args;
  const verdict = VERDICTS[(code ?? "") as keyof typeof VERDICTS];
  const ci = getCheckIn(ctx.db, Number(id));
  const parties = ci && commitmentWithParties(ctx.db, ci.commitmentId);
  if (!ci || !parties || !verdict) refuse("gone", "That check-in no longer exists.");
  const { commitment: c, owner, chat } = parties;
  if (c.witnessId !== ctx.me.id || c.witnessStatus !== "active") {
    refuse("not-witness", "Only the witness of this commitment can answer that.");
  }
  if (ci.verdict !== null) refuse("done", `You already answered: ${ci.verdict}.`);
  updateCheckIn(ctx.db, ci.id, "answered", { verdict, verdictAt: ctx.now });
  appendEvent(ctx.db, {
    commitmentId: c.id,
    actorId: ctx.me.id,
    kind: "verdict",
    data: { checkIn: ci.id, verdict },
    at: ctx.now,
  });
  const stats = statsFor(ctx.db, c.id);
  updateCommitment(ctx.db, c.id, {
    streak: stats.streak,
    verifiedStreak: stats.verifiedStreak,
    trust: stats.trust,
    updatedAt: ctx.now,
  });
  enqueue(ctx.db, {
    purpose: `verdict:${ci.id}`,
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
