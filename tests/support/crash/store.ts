/**
 * The store a crash-test process opens: an SQLite file by path, or a PostgreSQL schema given as
 * `postgres://…#schema` (each run of the test uses a schema of its own).
 */
import { and, eq, isNull, lte } from "drizzle-orm";
import { openPostgres } from "../../../src/store/pg/db";
import { createPgStore } from "../../../src/store/pg/store";
import type { Store } from "../../../src/store/port";
import { openDatabase } from "../../../src/store/sqlite/db";
import { createSqliteStore } from "../../../src/store/sqlite/store";
import { rawAccess } from "../stores";

/** Opens the store `where` names (see the file comment). */
export async function openCrashStore(where: string): Promise<Store> {
  if (!where.startsWith("postgres")) return createSqliteStore(openDatabase(where));
  const [url = where, schema] = where.split("#");
  return createPgStore(await openPostgres(url, { ...(schema ? { schema } : {}), max: 6 }));
}

/** Makes every commitment due at `dueAt` (the seed's last step). */
export async function makeAllDue(store: Store, dueAt: number): Promise<void> {
  const { db, t } = await rawAccess(store);
  await db.update(t.commitments).set({ nextDueAt: dueAt });
}

/** Whether anything is still to open by `now` or to deliver. */
export async function anythingPending(store: Store, now: number): Promise<boolean> {
  const { db, t } = await rawAccess(store);
  const due = await db
    .select({ id: t.commitments.id })
    .from(t.commitments)
    .where(and(eq(t.commitments.state, "active"), lte(t.commitments.nextDueAt, now)))
    .limit(1);
  if (due.length > 0) return true;
  const unsent = await db
    .select({ id: t.outbox.id })
    .from(t.outbox)
    .where(and(isNull(t.outbox.sentAt), isNull(t.outbox.failedAt)))
    .limit(1);
  return unsent.length > 0;
}
