/**
 * Button actions, encoded as short strings that fit Telegram's 64-byte `callback_data`
 * (and Discord's 100-character `custom_id`): `verb:arg:arg…`.
 */

/** The longest action any platform accepts, in UTF-8 bytes. */
export const MAX_ACTION_BYTES = 64;

/** A decoded action. */
export interface Action {
  verb: string;
  args: string[];
}

/** Encodes an action; throws when it would not fit a platform's limit (a programming error). */
export function encodeAction(verb: string, ...args: (string | number)[]): string {
  const parts = [verb, ...args.map(String)];
  for (const p of parts) {
    if (p.includes(":")) throw new Error(`action part "${p}" contains ":"`);
  }
  const encoded = parts.join(":");
  const bytes = Buffer.byteLength(encoded, "utf8");
  if (bytes > MAX_ACTION_BYTES) throw new Error(`action "${encoded}" is ${bytes} bytes; the limit is 64`);
  return encoded;
}

/** Decodes an action string; unknown or malformed strings decode to a verb the engine ignores. */
export function decodeAction(action: string): Action {
  const [verb = "", ...args] = action.split(":");
  return { verb, args };
}

/**
 * A database id carried in an action, or undefined when the part is not a plain positive
 * integer. Anyone can forge an action (Telegram clients send any `callback_data`), so `"1e3"`,
 * `" 7"` or `"0x10"` must name nothing rather than whatever `Number` makes of them.
 */
export function idArg(part: string | undefined): number | undefined {
  if (part === undefined || !/^[1-9]\d{0,14}$/.test(part)) return undefined;
  return Number(part);
}
