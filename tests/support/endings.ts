/** Helpers for the words of an ending (src/engine/endings.ts), shared by the tests that read them. */
import { endingText } from "../../src/engine/endings";
import { toPlain } from "../../src/richtext";

type Tally = Parameters<typeof endingText>[1];

/** A tally of check-ins: nothing counted, except what `t` says. */
export const tally = (t: Partial<Tally>): Tally => ({
  counted: 0,
  kept: 0,
  partly: 0,
  unanswered: 0,
  confirmed: 0,
  ...t,
});

/** The ending's words as plain text. */
export const sayEnding = (...args: Parameters<typeof endingText>): string => toPlain(endingText(...args));
