/**
 * Lookups that several command modules share, kept apart so those modules need not import each
 * other: /commit invites a witness (./witness.ts) and /witness finds the caller's commitment,
 * which once made ./commitments.ts and ./witness.ts a runtime import cycle.
 */
import { refuse } from "../errors";
import type { CommitmentRow } from "../store/port";
import type { CommandContext } from "./context";

/** The caller's own commitment `#n`, or a refusal that also explains who may change what. */
export async function ownCommitment(ctx: CommandContext): Promise<CommitmentRow> {
  const n = Number(ctx.args.commitment);
  if (!Number.isInteger(n) || n < 1)
    refuse("no-number", "Say which commitment, like #1. /status lists yours.");
  const c = await ctx.db.findCommitment(ctx.me.id, n);
  if (!c) {
    refuse(
      "unknown-commitment",
      `You have no commitment #${n}. Only the person who made a commitment can change it; /status lists yours.`,
    );
  }
  return c;
}
