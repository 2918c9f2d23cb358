/** Queries on people and chats. The lookups every command makes are written by hand (./db.ts). */
import { and, eq, sql } from "drizzle-orm";
import type { Actor, ChatRef, Platform } from "../../types";
import { rowMapper } from "../rows";
import type { QuietHours } from "../sqlite/people";
import type { ChatRow, PersonRow } from "../sqlite/schema";
import { type PgDb, rowsMapped } from "./db";
import { chats, people } from "./schema";

const toPerson = rowMapper(people);
const toChat = rowMapper(chats);

/**
 * Finds or creates the person behind `actor`, refreshing their display name and username
 * (people rename themselves; the platform id is what stays). Reads first: an upsert would
 * burn an id from the identity sequence on every command. The insert does nothing on a
 * conflict, so when another process creates the same person at the same moment, the row it
 * wrote is read back and refreshed instead.
 */
export async function ensurePerson(
  db: PgDb,
  actor: Actor,
  defaults: { quiet: QuietHours | null },
  now: number,
): Promise<PersonRow> {
  const username = actor.username?.toLowerCase() ?? null;
  const isBot = actor.isBot ?? false;
  for (;;) {
    const found = await findPerson(db, actor.platform, actor.id);
    if (found) {
      if (found.name === actor.name && found.username === username && found.isBot === isBot) return found;
      await db.update(people).set({ name: actor.name, username, isBot }).where(eq(people.id, found.id));
      return { ...found, name: actor.name, username, isBot };
    }
    const [inserted] = await db
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
      .onConflictDoNothing({ target: [people.platform, people.externalId] })
      .returning();
    if (inserted) return inserted;
    // Another process inserted this person since the read: read theirs (and refresh it).
  }
}

/** A person by their platform identity. */
export async function findPerson(
  db: PgDb,
  platform: Platform,
  externalId: string,
): Promise<PersonRow | undefined> {
  return (
    await rowsMapped(
      db,
      sql`SELECT * FROM people WHERE platform = ${platform} AND external_id = ${externalId} LIMIT 1`,
      toPerson,
    )
  )[0];
}

/** A person by internal id. */
export async function getPerson(db: PgDb, id: number): Promise<PersonRow | undefined> {
  return (await rowsMapped(db, sql`SELECT * FROM people WHERE id = ${id}`, toPerson))[0];
}

/** A person by typed `@username` on a platform (lower-cased). */
export async function findPersonByUsername(
  db: PgDb,
  platform: Platform,
  username: string,
): Promise<PersonRow | undefined> {
  return (
    await db
      .select()
      .from(people)
      .where(and(eq(people.platform, platform), eq(people.username, username.toLowerCase())))
      .limit(1)
  )[0];
}

/** Updates a person's settings. */
export async function updatePerson(
  db: PgDb,
  id: number,
  patch: Partial<Pick<PersonRow, "zone" | "quietStart" | "quietEnd" | "dmChatId" | "nextDigestAt">>,
): Promise<void> {
  await db.update(people).set(patch).where(eq(people.id, id));
}

/**
 * Finds or creates a chat, keeping its title current. Safe when two processes create the same
 * chat at once: the insert does nothing on a conflict and the other's row is read back.
 */
export async function ensureChat(db: PgDb, ref: ChatRef, now: number): Promise<ChatRow> {
  const title = ref.title ?? null;
  for (;;) {
    const [found] = await rowsMapped(
      db,
      sql`SELECT * FROM chats WHERE platform = ${ref.platform} AND external_id = ${ref.id} LIMIT 1`,
      toChat,
    );
    if (found) {
      if (found.title === title || ref.title === undefined) return found;
      await db.update(chats).set({ title }).where(eq(chats.id, found.id));
      return { ...found, title };
    }
    const [inserted] = await db
      .insert(chats)
      .values({ platform: ref.platform, externalId: ref.id, kind: ref.kind, title, createdAt: now })
      .onConflictDoNothing({ target: [chats.platform, chats.externalId] })
      .returning();
    if (inserted) return inserted;
    // Another process inserted this chat since the read: read theirs (and refresh its title).
  }
}

/** A chat by internal id. */
export async function getChat(db: PgDb, id: number): Promise<ChatRow | undefined> {
  return (await rowsMapped(db, sql`SELECT * FROM chats WHERE id = ${id}`, toChat))[0];
}

/**
 * Records the step-11 turn: at `at`, the person noted that the one they hurt said no. While it
 * is set, the plan turns to their own growth (see src/engine/turn.ts).
 */
export async function setPlanTurned(db: PgDb, id: number, at: number): Promise<void> {
  await db.update(people).set({ planTurnedAt: at }).where(eq(people.id, id));
}

/** Undoes the step-11 turn: the plan is as it was before. */
export async function clearPlanTurned(db: PgDb, id: number): Promise<void> {
  await db.update(people).set({ planTurnedAt: null }).where(eq(people.id, id));
}

/** When the person recorded the step-11 turn, or null when their plan has not turned. */
export async function planTurnedAt(db: PgDb, id: number): Promise<number | null> {
  return (
    (await db.select({ at: people.planTurnedAt }).from(people).where(eq(people.id, id)).limit(1))[0]?.at ??
    null
  );
}
