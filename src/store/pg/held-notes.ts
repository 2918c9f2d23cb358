/**
 * Notes waiting for their "Which one?" button (src/engine/which.ts), on PostgreSQL. Held in the
 * database so a restart, or the button reaching another process, loses no words; each is taken once.
 */
import { and, eq, lte } from "drizzle-orm";
import type { PgDb } from "./db";
import { heldNotes } from "./schema";

/** Keeps `note` for `personId` until `expiresAt` and returns its id; expired notes are cleared. */
export async function holdNote(
  db: PgDb,
  personId: number,
  note: string,
  now: number,
  expiresAt: number,
): Promise<number> {
  await db.delete(heldNotes).where(lte(heldNotes.expiresAt, now));
  const rows = await db
    .insert(heldNotes)
    .values({ personId, note, expiresAt, createdAt: now })
    .returning({ id: heldNotes.id });
  return (rows[0] as { id: number }).id;
}

/** The held note `id` if it is `personId`'s and still waiting, or why not. */
export async function heldNote(
  db: PgDb,
  id: number,
  personId: number,
  now: number,
): Promise<{ note: string } | "not-theirs" | "expired"> {
  const [row] = await db.select().from(heldNotes).where(eq(heldNotes.id, id)).limit(1);
  if (row && row.personId !== personId) return "not-theirs";
  if (!row || row.expiresAt <= now) return "expired";
  return { note: row.note };
}

/** Removes a held note once its answer is recorded (in the same transaction). */
export async function dropHeldNote(db: PgDb, id: number, personId: number): Promise<void> {
  await db.delete(heldNotes).where(and(eq(heldNotes.id, id), eq(heldNotes.personId, personId)));
}
