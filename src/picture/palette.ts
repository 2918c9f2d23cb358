/**
 * The picture's colours: Okabe–Ito's palette for colour-blind readers (blue, sky blue, orange) and
 * two greys, on an opaque white card so it reads the same on light and dark chat themes. Checked
 * in tests/picture.test.ts under Machado et al. (2009) protanopia and deuteranopia: every pair of
 * day colours stays more than 20 apart in CIE76 ΔE. Colour is never the only sign: a skipped day
 * is struck through, a confirmed one carries a ringed dot, and the caption says it all in words.
 */
import type { DayStatus } from "./days";

/** The fill of each kind of day. */
export const DAY_COLOURS: Readonly<Record<DayStatus, string>> = {
  kept: "#0072B2",
  partly: "#56B4E9",
  missed: "#E69F00",
  skipped: "#999999",
  none: "#EBEBEB",
};

/** The card, its text, its quieter text, and the confirmed mark. */
export const INK = {
  background: "#FFFFFF",
  text: "#1F2328",
  muted: "#57606A",
  /** A white dot ringed in near-black: visible on every fill. */
  dotFill: "#FFFFFF",
  dotRing: "#1F2328",
  /** The stroke across a skipped day. */
  strike: "#FFFFFF",
} as const;
