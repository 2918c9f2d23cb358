/**
 * The "You witness" part of /status (PRODUCT §5): for someone who witnesses others'
 * commitments, whose and which, how each is going in words, and a Step down button each.
 *
 * A private commitment's promise is shown here because the witness was told it privately
 * when they accepted, and /status answers only the person who asked (sender-only: ephemeral on
 * Discord, their direct chat on Telegram, a pointer in the group when that is refused).
 */
import { bold, rich } from "../richtext";
import type { Button, RichText } from "../types";
import { consistencyWords } from "./consistency-words";
import type { CommandContext } from "./context";
import { label } from "./format";
import { stepDownButton } from "./messages";
import { consistencyFacts } from "./stats";

/** At most this many Step down buttons (one row each), as in the digest. */
const MAX_BUTTONS = 5;

/** The lines and buttons of the part, or null when the person witnesses nothing open. */
export interface WitnessPart {
  lines: (RichText | string)[];
  buttons: Button[][];
}

/** The "You witness" part for the person asking, or null when they witness nothing open. */
export async function witnessPart(ctx: CommandContext): Promise<WitnessPart | null> {
  // Active and paused commitments they actively witness, by owner and number, with the owners' names.
  const witnessed = await ctx.db.witnessedOpen(ctx.me.id);
  if (witnessed.length === 0) return null;
  const counted = await ctx.db.countedOfWitness(ctx.me.id);
  const rows: RichText[] = [];
  const buttons: Button[][] = [];
  const owners = new Set<string>();
  for (const { commitment: c, ownerName } of witnessed) {
    const owner = ownerName ?? "someone";
    owners.add(owner);
    // The witness reads what happened, without the figure: they are a friend, not a judge.
    const going = consistencyWords(consistencyFacts(counted.get(c.id) ?? []), "you", false);
    rows.push(
      rich(
        `${owner}'s `,
        label(c),
        aside(c.visibility === "private" ? "private" : null, c.state === "paused" ? "paused" : null),
        ` — ${going}`,
      ),
    );
    if (buttons.length < MAX_BUTTONS) buttons.push([stepDownButton(c, owner)]);
  }
  const told = owners.size === 1 ? `${[...owners][0]} will be told` : "they'll be told";
  const how =
    witnessed.length === 1
      ? `If you'd rather stop, you can step down with the button below; ${told}.`
      : `If you'd rather stop, you can step down from any of them with the buttons below; ${told}.`;
  return { lines: [rich(bold("You witness")), ...rows, how], buttons };
}

/** " (private, paused)", or nothing. */
function aside(...notes: (string | null)[]): string {
  const said = notes.filter((n): n is string => n !== null);
  return said.length > 0 ? ` (${said.join(", ")})` : "";
}
