import type { QueuedMessage } from "../store/port";
import type { Button, OutboundMessage, Reply, RichText } from "../types";

/** Joins the purposes of a combined message's rows into the one purpose its courier is handed. */
const PURPOSE_JOIN = "+";

/** The purposes of the rows a delivered message carries: one, or each of a combined message's. */
export function purposesOf(delivered: string): string[] {
  return delivered.split(PURPOSE_JOIN);
}

/** Items in one combined message at most. */
export const MAX_BUNDLE = 5;
/** Button rows in one message at most (Discord), and buttons in one row. */
const MAX_ROWS = 5;
const MAX_PER_ROW = 5;

/** One delivery: the rows it carries (one, or several of one bundle) and what the courier is handed. */
export interface Delivery {
  rows: QueuedMessage[];
  message: OutboundMessage;
}

/** An item's buttons as they appear in a combined message: one row (or more, of five), labels tagged. */
function taggedRows(row: QueuedMessage): Button[][] {
  const tag = row.bundle?.tag;
  const buttons = (row.message.buttons ?? [])
    .flat()
    .map((b) => (tag ? { ...b, label: `${tag} ${b.label}` } : b));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += MAX_PER_ROW) rows.push(buttons.slice(i, i + MAX_PER_ROW));
  return rows;
}

/**
 * The message several rows of one bundle make: the first row's head, then each row's line, and
 * each row's buttons on a row of their own with its tag. One row alone is its own full message.
 */
export function combinedMessage(rows: readonly QueuedMessage[]): Reply {
  const [first] = rows;
  if (!first) throw new Error("combinedMessage needs at least one row");
  if (rows.length === 1 || !first.bundle) return first.message;
  const text: RichText = [...first.bundle.head];
  for (const row of rows) text.push({ t: "text", text: "\n" }, ...(row.bundle?.line ?? row.message.text));
  return { text, buttons: rows.flatMap(taggedRows), visibility: "chat" };
}

/** The delivery of rows that go out together: the first row's recipient, every row's purpose. */
function deliveryOf(rows: QueuedMessage[]): Delivery {
  const [first] = rows;
  if (!first) throw new Error("a delivery needs at least one row");
  return {
    rows,
    message: {
      // Couriers derive idempotency keys from it (Discord's nonce): the same rows, the same key.
      purpose: rows.map((r) => r.purpose).join(PURPOSE_JOIN),
      to: first.to,
      message: combinedMessage(rows),
    },
  };
}

/**
 * Groups one chat's claimed rows, in their order, into deliveries: rows with the same bundle key
 * share one (up to {@link MAX_BUNDLE} items and five button rows; more start another), placed
 * where its first row was; every other row is a delivery of its own, exactly as queued.
 */
export function planDeliveries(rows: readonly QueuedMessage[]): Delivery[] {
  const groups: QueuedMessage[][] = [];
  /** The group still taking rows for each bundle key, and how many button rows it holds. */
  const open = new Map<string, { group: QueuedMessage[]; buttonRows: number }>();
  for (const row of rows) {
    const key = row.bundle?.key;
    if (key === undefined) {
      groups.push([row]);
      continue;
    }
    const need = taggedRows(row).length;
    const current = open.get(key);
    if (current && current.group.length < MAX_BUNDLE && current.buttonRows + need <= MAX_ROWS) {
      current.group.push(row);
      current.buttonRows += need;
      continue;
    }
    const group = [row];
    groups.push(group);
    open.set(key, { group, buttonRows: need });
  }
  return groups.map(deliveryOf);
}
