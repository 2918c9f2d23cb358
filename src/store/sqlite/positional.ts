/**
 * Rows read as arrays (better-sqlite3's `raw(true)`) and mapped to drizzle's row types by
 * position. A row of a commitment, its owner and its chat is about fifty columns; returned as an
 * object keyed `"c.promise"`, … it cost 12.6 µs a row to read, as an array 7 µs, and the
 * scheduler reads one for every check-in it opens. Columns come in the order of
 * {@link positionalList}, and each is mapped through its own `mapFromDriverValue`, so JSON and
 * boolean columns read exactly as they do through drizzle.
 */
import { getTableColumns, type Table } from "drizzle-orm";

/** `alias.col, …` for every column of `table`, in the order its mapper reads them. */
export function positionalList(table: Table, alias: string): string {
  return Object.values(getTableColumns(table))
    .map((col) => `${alias}."${col.name}"`)
    .join(", ");
}

/** Maps the columns of `table` found from position `offset` of an array row. */
export interface Positional<T extends Table> {
  /** How many columns the table takes in the row. */
  width: number;
  map(row: readonly unknown[], offset?: number): T["$inferSelect"];
}

/** A mapper for rows selected with {@link positionalList} of `table`. */
export function positional<T extends Table>(table: T): Positional<T> {
  const cols = Object.entries(getTableColumns(table)).map(([key, col]) => ({ key, col }));
  return {
    width: cols.length,
    map(row, offset = 0) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < cols.length; i++) {
        const { key, col } = cols[i] as (typeof cols)[number];
        const v = row[offset + i];
        out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
      }
      return out as T["$inferSelect"];
    },
  };
}
