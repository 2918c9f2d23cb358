/**
 * Rows of hand-written statements, for either dialect. The hottest queries are written by hand:
 * drizzle's query builder spends 50–100 µs building each query (and better-sqlite3's prepared
 * statements run in under one), where a fixed text costs nothing to build. Their rows are mapped
 * back to drizzle's row types through each column's own `mapFromDriverValue`, so JSON, boolean
 * and bigint columns read exactly as they do through drizzle.
 */
import { getTableColumns, type Table } from "drizzle-orm";

/** `alias."col" AS "prefix.key", …` for every column of `table`. */
export function selectList(table: Table, alias: string, prefix = alias): string {
  return Object.entries(getTableColumns(table))
    .map(([key, col]) => `${alias}."${col.name}" AS "${prefix}.${key}"`)
    .join(", ");
}

/**
 * Builds a mapper from a raw row to the table's row type: the row's names are `prefix.key` (as
 * {@link selectList} writes them) or, without a prefix, the columns' own names (`RETURNING *`).
 */
export function rowMapper<T extends Table>(table: T, prefix?: string) {
  const cols = Object.entries(getTableColumns(table)).map(([key, col]) => ({
    key,
    name: prefix === undefined ? col.name : `${prefix}.${key}`,
    col,
  }));
  return (raw: Record<string, unknown>): T["$inferSelect"] => {
    const out: Record<string, unknown> = {};
    for (const { key, name, col } of cols) {
      const v = raw[name];
      out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
    }
    return out as T["$inferSelect"];
  };
}
