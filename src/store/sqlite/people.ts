/** Queries on people and chats. */
import { and, eq } from "drizzle-orm";
import type { Actor, ChatRef, Platform } from "../../types";
import type { Db } from "./db";
import { perConnection, rowMapper, selectList } from "./raw";
import { type ChatRow, chats, type PersonRow, people } from "./schema";

/** Quiet hours as minutes after local midnight, or null when off. */
export interface QuietHours {
  start: number;
  end: number;
}

/**
 * Finds or creates the person behind `actor`, refreshing their display name and username
 * (people rename themselves; the platform id is what stays). Reads first: an upsert would
 * burn an id from the AUTOINCREMENT sequence on every command.
 */
export function ensurePerson(
  db: Db,
  actor: Actor,
  defaults: { quiet: QuietHours | null },
  now: number,
): PersonRow {
  const username = actor.username?.toLowerCase() ?? null;
  const isBot = actor.isBot ?? false;
  const found = findPerson(db, actor.platform, actor.id);
  if (found) {
    if (found.name === actor.name && found.username === username && found.isBot === isBot) return found;
    db.update(people).set({ name: actor.name, username, isBot }).where(eq(people.id, found.id)).run();
    return { ...found, name: actor.name, username, isBot };
  }
  return db
    .insert(people)
    .values({
      platform: actor.platform,
      externalId: actor.id,
      name: actor.name,
      username,
      isBot,
      quietStart: defaults.quiet?.start ?? null,
      quietEnd: defaults.quiet?.end ?? null,
      createdAt: now,
    })
    .returning()
    .get();
}

const mapPerson = rowMapper(people, "p");
const mapChat = rowMapper(chats, "h");

// Every command looks up who sent it and where: hand-prepared, like the scheduler's scans.
const lookups = perConnection((client) => ({
  person: client.prepare(
    `SELECT ${selectList(people, "p")} FROM people p WHERE p.platform = ? AND p.external_id = ?`,
  ),
  chat: client.prepare(
    `SELECT ${selectList(chats, "h")} FROM chats h WHERE h.platform = ? AND h.external_id = ?`,
  ),
}));

/** A person by their platform identity. */
export function findPerson(db: Db, platform: Platform, externalId: string): PersonRow | undefined {
  const raw = lookups(db).person.get(platform, externalId) as Record<string, unknown> | undefined;
  return raw ? mapPerson(raw) : undefined;
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
  patch: Partial<Pick<PersonRow, "zone" | "quietStart" | "quietEnd" | "dmChatId" | "nextDigestAt">>,
): void {
  db.update(people).set(patch).where(eq(people.id, id)).run();
}

/** Finds or creates a chat, keeping its title current. */
export function ensureChat(db: Db, ref: ChatRef, now: number): ChatRow {
  const raw = lookups(db).chat.get(ref.platform, ref.id) as Record<string, unknown> | undefined;
  const found = raw ? mapChat(raw) : undefined;
  const title = ref.title ?? null;
  if (found) {
    if (found.title === title || ref.title === undefined) return found;
    db.update(chats).set({ title }).where(eq(chats.id, found.id)).run();
    return { ...found, title };
  }
  return db
    .insert(chats)
    .values({ platform: ref.platform, externalId: ref.id, kind: ref.kind, title, createdAt: now })
    .returning()
    .get();
}

/** A chat by internal id. */
export function getChat(db: Db, id: number): ChatRow | undefined {
  return db.select().from(chats).where(eq(chats.id, id)).get();
}

/**
 * Records the step-11 turn: at `at`, the person noted that the one they hurt said no. While it
 * is set, the plan turns to their own growth (see src/engine/turn.ts).
 */
export function setPlanTurned(db: Db, id: number, at: number): void {
  db.update(people).set({ planTurnedAt: at }).where(eq(people.id, id)).run();
}

/** Undoes the step-11 turn: the plan is as it was before. */
export function clearPlanTurned(db: Db, id: number): void {
  db.update(people).set({ planTurnedAt: null }).where(eq(people.id, id)).run();
}

/** When the person recorded the step-11 turn, or null when their plan has not turned. */
export function planTurnedAt(db: Db, id: number): number | null {
  return db.select({ at: people.planTurnedAt }).from(people).where(eq(people.id, id)).get()?.at ?? null;
}
