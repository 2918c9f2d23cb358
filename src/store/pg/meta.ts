/** Key-value facts kept between runs (e.g. which command table a platform last registered). */
import { eq } from "drizzle-orm";
import type { PgDb } from "./db";
import { meta } from "./schema";

/** Reads a value, or undefined. */
export async function getMeta(db: PgDb, key: string): Promise<string | undefined> {
  return (await db.select().from(meta).where(eq(meta.key, key)).limit(1))[0]?.value;
}

/** Writes a value (inserting it, or replacing the one already kept under `key`). */
export async function setMeta(db: PgDb, key: string, value: string, now: number): Promise<void> {
  await db
    .insert(meta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: meta.key, set: { value, updatedAt: now } });
}
