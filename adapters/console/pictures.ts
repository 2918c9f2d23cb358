/**
 * Pictures on the console: a terminal shows no images, so each picture a reply carries is written
 * as a PNG file (under `./data/pictures/` by default) and the message prints its path.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { attachmentBytes, type Clock, type ImageAttachment } from "../../src/types";
import type { SavedPicture } from "./render";

/** Where pictures go and the clock that stamps their names (the console's virtual clock). */
export interface PictureShelf {
  dir: string;
  clock: Clock;
}

/** How many names to try after the stamped one, before giving up. */
const MAX_TRIES = 1000;

/**
 * Writes `picture` into `shelf.dir` (created if missing) as `<name>-<time>.png`, the time from the
 * shelf's clock (`20261129-110000`), with `-2`, `-3`… added when that name is taken: a picture
 * never overwrites another. Never throws: a failure is returned, for the message to say so.
 */
export function savePicture(shelf: PictureShelf, picture: ImageAttachment): SavedPicture {
  const safe = basename(picture.filename).replace(/[^A-Za-z0-9._-]/g, "_");
  const ext = extname(safe) || ".png";
  const stem = (ext === extname(safe) ? safe.slice(0, -ext.length) : safe) || "picture";
  const stamp = shelf.clock
    .now()
    .toISOString()
    .replace(/\.\d+Z$/, "")
    .replace(/[-:]/g, "")
    .replace("T", "-");
  try {
    mkdirSync(shelf.dir, { recursive: true });
    const bytes = attachmentBytes(picture);
    for (let n = 1; n <= MAX_TRIES; n++) {
      const path = join(shelf.dir, `${stem}-${stamp}${n === 1 ? "" : `-${n}`}${ext}`);
      try {
        // "wx": fails if the file exists, so two pictures in the same second never collide.
        writeFileSync(path, bytes, { flag: "wx" });
        return { path };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    return { failed: "no free file name" };
  } catch (error) {
    return { failed: (error as Error).message };
  }
}
