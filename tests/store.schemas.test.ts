/**
 * The two schemas describe the same rows: every table reads back as the same TypeScript type on
 * SQLite and on PostgreSQL (so the port's row types hold for both), and has the same columns
 * under the same names (so a migration of one without the other shows here).
 */
import { getTableColumns, getTableName } from "drizzle-orm";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as pg from "../src/store/pg/schema";
import * as sqlite from "../src/store/sqlite/schema";

const TABLES = [
  "people",
  "chats",
  "commitments",
  "checkIns",
  "outbox",
  "events",
  "meta",
  "heldNotes",
] as const;

describe("the SQLite and PostgreSQL schemas", () => {
  it("give every table the same row type", () => {
    expectTypeOf<typeof pg.people.$inferSelect>().toEqualTypeOf<typeof sqlite.people.$inferSelect>();
    expectTypeOf<typeof pg.chats.$inferSelect>().toEqualTypeOf<typeof sqlite.chats.$inferSelect>();
    expectTypeOf<typeof pg.commitments.$inferSelect>().toEqualTypeOf<
      typeof sqlite.commitments.$inferSelect
    >();
    expectTypeOf<typeof pg.checkIns.$inferSelect>().toEqualTypeOf<typeof sqlite.checkIns.$inferSelect>();
    expectTypeOf<typeof pg.outbox.$inferSelect>().toEqualTypeOf<typeof sqlite.outbox.$inferSelect>();
    expectTypeOf<typeof pg.events.$inferSelect>().toEqualTypeOf<typeof sqlite.events.$inferSelect>();
    expectTypeOf<typeof pg.meta.$inferSelect>().toEqualTypeOf<typeof sqlite.meta.$inferSelect>();
    expectTypeOf<typeof pg.heldNotes.$inferSelect>().toEqualTypeOf<typeof sqlite.heldNotes.$inferSelect>();
  });

  it.each(TABLES)("give %s the same table name, columns and nullability", (table) => {
    const a = sqlite[table];
    const b = pg[table];
    expect(getTableName(b)).toBe(getTableName(a));
    const shape = (cols: Record<string, { name: string; notNull: boolean }>) =>
      Object.fromEntries(
        Object.entries(cols).map(([k, c]) => [k, `${c.name}${c.notNull ? " not null" : ""}`]),
      );
    expect(shape(getTableColumns(b))).toEqual(shape(getTableColumns(a)));
  });
});
