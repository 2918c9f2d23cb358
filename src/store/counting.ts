/**
 * What counts, the same on either database: which commitments are open, how many check-ins the
 * figures are made from, and counted rows gathered per commitment.
 */

/** The states in which a commitment still counts toward the per-owner limit. */
export const OPEN_STATES = ["active", "paused"] as const;

/** How many of a commitment's newest counted check-ins its figures and words are made from. */
export const COUNTED_WINDOW = 200;

/**
 * Rows of a query over several commitments, grouped by commitment (`id`, which each row loses),
 * in the order they came; a commitment with no row is absent.
 */
export function groupByCommitment<R extends { id: number }>(rows: Iterable<R>): Map<number, Omit<R, "id">[]> {
  const byCommitment = new Map<number, Omit<R, "id">[]>();
  for (const { id, ...row } of rows) {
    const list = byCommitment.get(id);
    if (list) list.push(row);
    else byCommitment.set(id, [row]);
  }
  return byCommitment;
}
