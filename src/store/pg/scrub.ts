/**
 * Finding a person's strings in what others hold, for /forget, on PostgreSQL. ../mentions.ts
 * decides which rows carry the person and what each becomes, as it does for SQLite; this reads
 * the candidates and writes that.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import { eventDataScrub, Matcher, outboxScrub } from "../mentions";
import type { PersonalData, PersonRow } from "../port";
import type { PgDb } from "./db";
import { events, meta, outbox } from "./schema";

/**
 * Rewrites or removes every row of others that carries the person, inside /forget's transaction
 * once their own rows are gone. `witnessed`: commitments where a mention may become "a former witness".
 * @returns messages to them deleted, and others' rows rewritten.
 */
export async function scrubMentions(
  db: PgDb,
  p: PersonRow,
  data: PersonalData,
  witnessed: Set<number>,
  now: number,
): Promise<{ deleted: number; scrubbed: number }> {
  const matcher = Matcher.of(data);
  const outboxed = await scrubOutbox(db, p, matcher, witnessed, now);
  const scrubbed = outboxed.rewritten + (await scrubEvents(db, matcher)) + (await scrubMeta(db, matcher));
  return { deleted: outboxed.deleted, scrubbed };
}

/**
 * An SQL condition: one of the text `columns` (cast json ones with `::text`, which gives the text as stored) may contain one
 * of the strings (a cheap superset of {@link Matcher.has}). Strings that match in any case (the
 * handle) go through ILIKE, the rest through LIKE, which is much cheaper on PostgreSQL. Each
 * pattern list is one parameter (a JSON array), so a person with thousands of notes stays far
 * below the protocol's 65535 parameters.
 */
function mayContain(m: Matcher, ...columns: SQL[]): SQL {
  const parts: SQL[] = [];
  for (const [op, list] of [
    [sql.raw("LIKE"), m.likePatterns(false)],
    [sql.raw("ILIKE"), m.likePatterns(true)],
  ] as const) {
    if (list.length === 0) continue;
    // An uncorrelated ARRAY(SELECT …) is computed once per statement, not once per row.
    const any = sql`ANY (ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(list)}::jsonb)))`;
    for (const col of columns) parts.push(sql`${col} ${op} ${any}`);
  }
  return parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`false`;
}

/**
 * Others' messages that carry the person, deleted or rewritten as {@link outboxScrub} says. The
 * candidates are locked (FOR UPDATE, in id order) so a dispatcher cannot send or mark one between
 * read and rewrite.
 */
async function scrubOutbox(db: PgDb, p: PersonRow, m: Matcher, witnessed: Set<number>, now: number) {
  const rows = await db
    .select()
    .from(outbox)
    .where(
      mayContain(m, sql`${outbox.payload}::text`, sql`${outbox.recipient}::text`, sql`${outbox.lastError}`),
    )
    .orderBy(outbox.id)
    .for("update");
  let deleted = 0;
  let rewritten = 0;
  for (const row of rows) {
    const change = outboxScrub(row, p, m, witnessed, now);
    if (change === "keep") continue;
    if (change === "delete") {
      deleted += (await db.delete(outbox).where(eq(outbox.id, row.id)).returning({ id: outbox.id })).length;
      continue;
    }
    await db.update(outbox).set(change).where(eq(outbox.id, row.id));
    rewritten += 1;
  }
  return { deleted, rewritten };
}

/** Others' history entries keep their kind and time; data naming the person loses those keys. */
async function scrubEvents(db: PgDb, m: Matcher): Promise<number> {
  const rows = await db
    .select()
    .from(events)
    .where(mayContain(m, sql`${events.data}::text`))
    .orderBy(events.id);
  let count = 0;
  for (const e of rows) {
    const change = eventDataScrub(e.data, m);
    if (!change) continue;
    await db.update(events).set(change).where(eq(events.id, e.id));
    count += 1;
  }
  return count;
}

/** Meta holds process facts; one that mentions the person is dropped, to be rebuilt if needed. */
async function scrubMeta(db: PgDb, m: Matcher): Promise<number> {
  const rows = await db
    .select()
    .from(meta)
    .where(mayContain(m, sql`${meta.key}`, sql`${meta.value}`));
  let count = 0;
  for (const r of rows) {
    if (!m.has(r.key) && !m.has(r.value)) continue;
    count += (await db.delete(meta).where(eq(meta.key, r.key)).returning({ key: meta.key })).length;
  }
  return count;
}
