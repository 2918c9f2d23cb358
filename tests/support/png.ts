/** A small real PNG for the picture tests, rasterised from a tiny SVG by @resvg/resvg-js. */
import { Resvg } from "@resvg/resvg-js";

/** A 40×20 PNG: two squares (kept green, missed orange) on an opaque background. */
export function tinyPng(): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">
<rect width="40" height="20" fill="#ffffff"/>
<rect x="2" y="2" width="16" height="16" fill="#1b7837"/>
<rect x="22" y="2" width="16" height="16" fill="#e66101"/>
</svg>`;
  return Buffer.from(new Resvg(svg).render().asPng());
}

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  if (!b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new Error("not a PNG");
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}
