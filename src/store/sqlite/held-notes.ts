/**
 * Notes waiting for their "Which one?" button (src/engine/which.ts). Held in the database so a
 * restart, or the button reaching another process, loses no words; each is taken once.
 */
import { and, eq, lte } from "drizzle-orm";
import type { Db } from "./db";
import { heldNotes } from "./schema";

/** Keeps `note` for `personId` until `expiresAt` and returns its id; expired notes are cleared. */
export function holdNote(db: Db, personId: number, note: string, now: number, expiresAt: number): number {
  db.delete(heldNotes).where(lte(heldNotes.expiresAt, now)).run();
  const row = db
    .insert(heldNotes)
    .values({ personId, note, expiresAt, createdAt: now })
    .returning({ id: heldNotes.id })
    .get();
  return row.id;
}

/** The held note `id` if it is `personId`'s and still waiting, or why not. */
export function heldNote(
  db: Db,
  id: number,
  personId: number,
  now: number,
): { note: string } | "not-theirs" | "expired" {
  const row = db.select().from(heldNotes).where(eq(heldNotes.id, id)).get();
  if (row && row.personId !== personId) return "not-theirs";
  if (!row || row.expiresAt <= now) return "expired";
  return { note: row.note };
}

/** Removes a held note once its answer is recorded (in the same transaction). */
export function dropHeldNote(db: Db, id: number, personId: number): void {
  db.delete(heldNotes)
    .where(and(eq(heldNotes.id, id), eq(heldNotes.personId, personId)))
    .run();
}
