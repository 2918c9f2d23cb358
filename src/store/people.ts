/** Queries on people and chats. */
import { and, eq } from "drizzle-orm";
import type { Actor, ChatRef, Platform } from "../types";
import type { Db } from "./db";
import { type ChatRow, chats, type PersonRow, people } from "./schema";

/** Quiet hours as minutes after local midnight, or null when off. */
export interface QuietHours {
  start: number;
  end: number;
}

/**
 * Finds or creates the person behind `actor`, refreshing their display name and username
 * (people rename themselves; the platform id is what stays).
 */
export function ensurePerson(
  db: Db,
  actor: Actor,
  defaults: { quiet: QuietHours | null },
  now: number,
): PersonRow {
  const username = actor.username?.toLowerCase() ?? null;
  const row = db
    .insert(people)
    .values({
      platform: actor.platform,
      externalId: actor.id,
      name: actor.name,
      username,
      isBot: actor.isBot ?? false,
      quietStart: defaults.quiet?.start ?? null,
      quietEnd: defaults.quiet?.end ?? null,
      createdAt: now,
    })
    .onConflictDoUpdate({
      target: [people.platform, people.externalId],
      set: { name: actor.name, username, isBot: actor.isBot ?? false },
    })
    .returning()
    .get();
  return row;
}

/** A person by internal id. */
export function getPerson(db: Db, id: number): PersonRow | undefined {
  return db.select().from(people).where(eq(people.id, id)).get();
}

/** A person by typed `@username` on a platform (lower-cased). */
export function findPersonByUsername(db: Db, platform: Platform, username: string): PersonRow | undefined {
  return db
    .select()
    .from(people)
    .where(and(eq(people.platform, platform), eq(people.username, username.toLowerCase())))
    .get();
}

/** Updates a person's settings. */
export function updatePerson(
  db: Db,
  id: number,
  patch: Partial<Pick<PersonRow, "zone" | "quietStart" | "quietEnd" | "dmChatId">>,
): void {
  db.update(people).set(patch).where(eq(people.id, id)).run();
}

/** Finds or creates a chat. */
export function ensureChat(db: Db, ref: ChatRef, now: number): ChatRow {
  return db
    .insert(chats)
    .values({
      platform: ref.platform,
      externalId: ref.id,
      kind: ref.kind,
      title: ref.title ?? null,
      createdAt: now,
    })
    .onConflictDoUpdate({
      target: [chats.platform, chats.externalId],
      set: { title: ref.title ?? null },
    })
    .returning()
    .get();
}

/** A chat by internal id. */
export function getChat(db: Db, id: number): ChatRow | undefined {
  return db.select().from(chats).where(eq(chats.id, id)).get();
}
