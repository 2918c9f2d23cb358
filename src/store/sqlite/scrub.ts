/**
 * Finding a person's strings in what others hold, for /forget, on SQLite. ../mentions.ts decides
 * which rows carry the person and what each becomes; this reads the candidates and writes that.
 */
import { eq, type SQL, sql } from "drizzle-orm";
import { eventDataScrub, Matcher, outboxScrub } from "../mentions";
import type { Db } from "./db";
import type { PersonalData } from "./personal-data";
import { events, meta, outbox, type PersonRow } from "./schema";

/**
 * Rewrites or removes every row of others that carries the person, inside /forget's transaction
 * once their own rows are gone. `witnessed`: commitments where a mention may become "a former witness".
 * @returns messages to them deleted, and others' rows rewritten.
 */
export function scrubMentions(
  db: Db,
  p: PersonRow,
  data: PersonalData,
  witnessed: Set<number>,
  now: number,
): { deleted: number; scrubbed: number } {
  const matcher = Matcher.of(data);
  const outboxed = scrubOutbox(db, p, matcher, witnessed, now);
  const scrubbed = outboxed.rewritten + scrubEvents(db, matcher) + scrubMeta(db, matcher);
  return { deleted: outboxed.deleted, scrubbed };
}

/** An SQL condition: one of `columns` may contain one of the strings (a cheap superset of {@link Matcher.has}). */
function mayContain(m: Matcher, ...columns: SQL[]): SQL {
  // LIKE ignores ASCII case (usernames fold), and it is the fastest full scan SQLite offers
  // here (a third of the time of instr(lower(…))).
  const parts = m
    .likePatterns()
    .flatMap((pattern) => columns.map((col) => sql`${col} LIKE ${pattern} ESCAPE '\\'`));
  return parts.length ? sql.join(parts, sql` OR `) : sql`0`;
}

/** Others' messages that carry the person, deleted or rewritten as {@link outboxScrub} says. */
function scrubOutbox(db: Db, p: PersonRow, m: Matcher, witnessed: Set<number>, now: number) {
  const rows = db
    .select()
    .from(outbox)
    .where(mayContain(m, sql`${outbox.payload}`, sql`${outbox.recipient}`, sql`${outbox.lastError}`))
    .all();
  let deleted = 0;
  let rewritten = 0;
  for (const row of rows) {
    const change = outboxScrub(row, p, m, witnessed, now);
    if (change === "keep") continue;
    if (change === "delete") {
      deleted += db.delete(outbox).where(eq(outbox.id, row.id)).run().changes;
      continue;
    }
    db.update(outbox).set(change).where(eq(outbox.id, row.id)).run();
    rewritten += 1;
  }
  return { deleted, rewritten };
}

/** Others' history entries keep their kind and time; data naming the person loses those keys. */
function scrubEvents(db: Db, m: Matcher): number {
  const rows = db
    .select()
    .from(events)
    .where(mayContain(m, sql`${events.data}`))
    .all();
  let count = 0;
  for (const e of rows) {
    const change = eventDataScrub(e.data, m);
    if (!change) continue;
    db.update(events).set(change).where(eq(events.id, e.id)).run();
    count += 1;
  }
  return count;
}

/** Meta holds process facts; one that mentions the person is dropped, to be rebuilt if needed. */
function scrubMeta(db: Db, m: Matcher): number {
  const rows = db
    .select()
    .from(meta)
    .where(mayContain(m, sql`${meta.key}`, sql`${meta.value}`))
    .all();
  let count = 0;
  for (const r of rows) {
    if (!m.has(r.key) && !m.has(r.value)) continue;
    count += db.delete(meta).where(eq(meta.key, r.key)).run().changes;
  }
  return count;
}
