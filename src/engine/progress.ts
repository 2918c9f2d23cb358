/**
 * `/progress [#n]`: a picture of the last 26 weeks (PRODUCT §11), one row per open commitment
 * (up to six) or the one asked for, with a caption in words that carries everything the picture
 * shows (src/picture/), drawn after the transaction has committed. It is about the person, so it
 * is answered to them alone, as `/status` is: a private commitment's picture never reaches a group.
 */
import { localDate } from "../cadence";
import { refuse } from "../errors";
import { progressCaption } from "../picture/caption";
import { pictureSpan } from "../picture/days";
import { type PictureRow, pictureRow } from "../picture/row";
import { MAX_ROWS, progressSvg } from "../picture/svg";
import { renderPngOffThread } from "../picture/worker";
import { code } from "../richtext";
import type { CommitmentRow, StoreTx } from "../store/port";
import { imageAttachment, type Reply } from "../types";
import { type CommandContext, zoneOf } from "./context";
import { ownCommitment } from "./lookups";
import { toSender } from "./replies";

/** How far before the picture's first day to read: a skipped range that began earlier still covers it. */
const RANGE_LOOKBACK_MS = 31 * 24 * 3_600_000;

/** `/progress [#n]` */
export async function progress(ctx: CommandContext): Promise<Reply[]> {
  const { db, now, me } = ctx;
  const chosen: CommitmentRow[] =
    ctx.args.commitment !== undefined
      ? [await ownCommitment(ctx)]
      : (await db.listCommitments(me.id)).filter((c) => c.state === "active" || c.state === "paused");
  if (chosen.length === 0)
    refuse(
      "nothing-to-draw",
      "You have no open commitments to draw yet. Start one with /commit, or ask for one by number.",
    );
  const rows: PictureRow[] = [];
  for (const c of chosen.slice(0, MAX_ROWS)) rows.push(await rowOf(db, c, now));
  const caption = progressCaption(rows);
  const svg = progressSvg(rows, { today: localDate(now, zoneOf(me, ctx.deps.config)), description: caption });
  const more =
    chosen.length > MAX_ROWS
      ? [
          ` The picture holds ${MAX_ROWS}; ask for another with `,
          code(`/progress #${chosen[MAX_ROWS]?.number}`),
          ".",
        ]
      : [];
  const reply = toSender([caption, ...more]);
  // Rasterising takes a few hundred milliseconds: after the commit, so the transaction (on
  // SQLite, every other command's turn) does not wait for it. The engine runs this before it
  // hands the reply on.
  ctx.afterCommit(async () => {
    const { png } = await renderPngOffThread(svg);
    reply.file = imageAttachment("progress.png", png, caption);
  });
  return [reply];
}

/** One commitment's row: its check-ins over the picture's weeks, and who confirms them. */
async function rowOf(db: StoreTx, c: CommitmentRow, now: number): Promise<PictureRow> {
  const span = pictureSpan(now, c.zone);
  const checkIns = await db.checkInsBetween(c.id, span.from - RANGE_LOOKBACK_MS, span.to);
  const witness =
    c.witnessId !== null && c.witnessStatus === "active"
      ? ((await db.getPerson(c.witnessId))?.name ?? null)
      : null;
  return pictureRow(
    { number: c.number, promise: c.promise, zone: c.zone, by: witness ?? "your witness", checkIns },
    now,
  );
}
