/** Key-value facts kept between runs (e.g. which command table a platform last registered). */
import { eq } from "drizzle-orm";
import type { Db } from "./db";
import { meta } from "./schema";

/** Reads a value, or undefined. */
export function getMeta(db: Db, key: string): string | undefined {
  return db.select().from(meta).where(eq(meta.key, key)).get()?.value;
}

/** Writes a value. */
export function setMeta(db: Db, key: string, value: string, now: number): void {
  db.insert(meta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: meta.key, set: { value, updatedAt: now } })
    .run();
}
