/**
 * Buttons and the "Add a note" form as Discord components. Encoding checks Discord's limits and
 * throws on a breach: a button Discord would refuse is a programming error to catch in tests,
 * not something to trim silently (a cut `custom_id` would name a different action).
 */

import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIComponentInMessageActionRow,
  type APIMessageTopLevelComponent,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  TextInputStyle,
} from "discord.js";
import { LIMITS } from "../../src/commands/table";
import type { SentButton } from "../../src/settle";
import type { Button } from "../../src/types";

/** Discord's limits on message components. */
export const COMPONENT_LIMITS = { customId: 100, label: 80, rows: 5, perRow: 5 } as const;

/** Buttons whose action starts with this open the "Add a note" form instead of acting at once. */
export const NOTE_PREFIX = "note:";

/** The form's one text input. */
export const NOTE_INPUT_ID = "note";

const STYLES: Record<NonNullable<Button["style"]>, APIButtonComponentWithCustomId["style"]> = {
  primary: ButtonStyle.Primary,
  secondary: ButtonStyle.Secondary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
};

/** A component Discord would refuse: a programming error, never worth a retry. */
export class ComponentLimitError extends Error {
  override name = "ComponentLimitError";
}

/** A top-level component of a message as Discord sends it (for Amends' messages, a row of buttons). */
export type MessageRow = APIMessageTopLevelComponent;

/** A button row as sent to Discord. */
export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/**
 * Encodes button rows; `custom_id` is the button's action, unchanged.
 *
 * @throws ComponentLimitError when an action is empty or longer than 100 characters, or there are more than
 *   5 rows or more than 5 buttons in a row.
 */
export function encodeButtons(rows: readonly (readonly Button[])[] | undefined): ButtonRow[] {
  const nonEmpty = (rows ?? []).filter((row) => row.length > 0);
  if (nonEmpty.length > COMPONENT_LIMITS.rows) {
    throw new ComponentLimitError(`${nonEmpty.length} button rows; Discord allows ${COMPONENT_LIMITS.rows}`);
  }
  return nonEmpty.map((row) => {
    if (row.length > COMPONENT_LIMITS.perRow) {
      throw new ComponentLimitError(
        `${row.length} buttons in a row; Discord allows ${COMPONENT_LIMITS.perRow}`,
      );
    }
    return { type: ComponentType.ActionRow, components: row.map(encodeButton) };
  });
}

function encodeButton(button: Button): APIButtonComponentWithCustomId {
  const { action } = button;
  if (action.length === 0 || action.length > COMPONENT_LIMITS.customId) {
    throw new ComponentLimitError(
      `button "${button.label}" has a ${action.length}-character action; ` +
        `custom_id takes 1 to ${COMPONENT_LIMITS.customId}`,
    );
  }
  const label = button.label.trim() || "…";
  return {
    type: ComponentType.Button,
    custom_id: action,
    // A label is shown text, not an identifier: shortening it changes nothing but the look.
    label: label.length > COMPONENT_LIMITS.label ? `${label.slice(0, COMPONENT_LIMITS.label - 1)}…` : label,
    style: STYLES[button.style ?? "secondary"],
  };
}

/**
 * The clicked message's components with every button disabled: the message keeps showing what
 * was offered, but nothing on it can be pressed again.
 */
export function disableAll(rows: readonly MessageRow[] | undefined, only?: number): MessageRow[] {
  return (rows ?? []).map((row, index) => {
    const json = row as APIActionRowComponent<APIComponentInMessageActionRow>;
    if (json.type !== ComponentType.ActionRow || (only !== undefined && index !== only)) return json;
    return {
      ...json,
      components: json.components.map((c) =>
        c.type === ComponentType.Button ? { ...c, disabled: true } : c,
      ),
    };
  });
}

/** The "Add a note" form; its `custom_id` carries the button's action back with the text. */
export function noteModal(action: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: action,
    title: "Add a note",
    components: [
      {
        type: ComponentType.Label,
        label: "A few words on how it went",
        component: {
          type: ComponentType.TextInput,
          custom_id: NOTE_INPUT_ID,
          style: TextInputStyle.Paragraph,
          min_length: 1,
          max_length: LIMITS.note,
          required: true,
        },
      },
    ],
  };
}

/**
 * The buttons of a sent message, row by row, as src/settle.ts reads them (label and action), so
 * a click in a combined check-in message spends only its own row.
 */
export function sentButtons(rows: readonly MessageRow[] | undefined): SentButton[][] {
  return (rows ?? []).map((row) => {
    const json = row as APIActionRowComponent<APIComponentInMessageActionRow>;
    if (json.type !== ComponentType.ActionRow) return [];
    return json.components.flatMap((c) =>
      c.type === ComponentType.Button && "custom_id" in c
        ? [{ label: c.label ?? "", action: c.custom_id }]
        : [],
    );
  });
}
