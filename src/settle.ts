/**
 * What a click that settles its message spends. A message about one thing loses all its buttons
 * once one of them did its work. A combined check-in message (src/dispatch/bundle.ts: one row per
 * check-in, each label tagged with its commitment, "#2 Kept") loses only the clicked row, so the
 * other check-ins it carries can still be answered from it. Pure, so every adapter spends alike.
 */

/** A button as an adapter reads it back from a message it sent. */
export interface SentButton {
  label: string;
  action?: string;
}

/** Only the row of a combined message: its index, and the tag to put before the outcome. */
export interface RowSpent {
  row: number;
  tag: string;
}

const TAG = /^(#\d+) /;

/** The tag a row's buttons share ("#2"), or null when they have none or differ. */
function rowTag(row: readonly SentButton[]): string | null {
  const tags = new Set(row.map((b) => TAG.exec(b.label)?.[1] ?? null));
  const [only] = tags;
  return tags.size === 1 && only ? only : null;
}

/**
 * Which buttons the click on `clicked` (an action) spends: the one row that holds it when the
 * message is a combined one (two or more rows, each with its own tag), otherwise all of them.
 * @returns the row to spend with its tag, or null to spend every button.
 */
export function spentRow(rows: readonly (readonly SentButton[])[], clicked: string): RowSpent | null {
  if (rows.length < 2) return null;
  const tags = rows.map(rowTag);
  if (tags.some((t) => t === null) || new Set(tags).size !== rows.length) return null;
  const row = rows.findIndex((r) => r.some((b) => b.action === clicked));
  const tag = tags[row];
  return row >= 0 && tag ? { row, tag } : null;
}
