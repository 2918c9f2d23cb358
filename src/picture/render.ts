/**
 * The progress picture as a PNG, rasterised by resvg (prebuilt binaries in its npm package) with
 * DejaVu Sans from the `dejavu-fonts-ttf` package: no system font is read, so the picture is the
 * same on every machine. Drawn at twice the SVG's size, so chat apps that scale photos keep the
 * small labels sharp.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";

/** Pixels per SVG unit. */
export const SCALE = 2;

/** Telegram's photo limits (Discord's attachments allow more): bytes, width + height, aspect. */
export const PHOTO_LIMITS = { bytes: 10 * 1024 * 1024, sides: 10_000, aspect: 20 } as const;

const fontDir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");

/** resvg's options: the two DejaVu faces only, and the scale. */
export const RENDER_OPTIONS: ResvgRenderOptions = {
  font: {
    fontFiles: [join(fontDir, "DejaVuSans.ttf"), join(fontDir, "DejaVuSans-Bold.ttf")],
    loadSystemFonts: false,
    defaultFontFamily: "DejaVu Sans",
    sansSerifFamily: "DejaVu Sans",
  },
  fitTo: { mode: "zoom", value: SCALE },
  background: "#FFFFFF",
  logLevel: "off",
};

/** A rendered picture. */
export interface Png {
  png: Buffer;
  width: number;
  height: number;
}

/** Rasterises `svg` on the calling thread (see worker.ts for the measured cost). */
export function renderPng(svg: string): Png {
  const image = new Resvg(svg, RENDER_OPTIONS).render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** Whether a picture is within {@link PHOTO_LIMITS}. */
export function withinPhotoLimits(p: Png): boolean {
  return (
    p.png.length <= PHOTO_LIMITS.bytes &&
    p.width + p.height <= PHOTO_LIMITS.sides &&
    Math.max(p.width / p.height, p.height / p.width) <= PHOTO_LIMITS.aspect
  );
}
