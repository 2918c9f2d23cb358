/** The core's buttons as Telegram inline keyboards, and the markup for questions. */
import type { ForceReply, InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { Button } from "../../src/types";
import { callbackData } from "./render";

/** An inline keyboard that shows no buttons: sent with an edit, it takes spent buttons away. */
export const NO_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };

/** One button: its label, its action as `callback_data`, and its colour where Telegram has one. */
export function inlineButton(button: Button): InlineKeyboardButton.CallbackButton {
  const style = button.style === "secondary" ? undefined : button.style;
  return { text: button.label, callback_data: callbackData(button.action), ...(style ? { style } : {}) };
}

/**
 * Rows of buttons as an inline keyboard, or undefined when there are none.
 * @throws RangeError when an action does not fit `callback_data` (see {@link callbackData}).
 */
export function inlineKeyboard(
  rows: readonly (readonly Button[])[] | undefined,
): InlineKeyboardMarkup | undefined {
  const keyboard = (rows ?? []).filter((row) => row.length > 0).map((row) => row.map(inlineButton));
  return keyboard.length > 0 ? { inline_keyboard: keyboard } : undefined;
}

/** Lays labels out `perRow` to a row, for choices such as cadences or step numbers. */
export function grid<T>(items: readonly T[], perRow: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) rows.push(items.slice(i, i + perRow));
  return rows;
}

/**
 * Asks one person to type an answer. `selective` shows the reply box only to the people the
 * message mentions or replies to, so the rest of the group is not prompted.
 */
export function forceReply(placeholder?: string): ForceReply {
  return {
    force_reply: true,
    selective: true,
    ...(placeholder ? { input_field_placeholder: placeholder.slice(0, 64) } : {}),
  };
}
