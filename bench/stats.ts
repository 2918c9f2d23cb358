/**
 * Small statistics and formatting helpers shared by the benchmark: percentiles over samples
 * and a plain-text table printer, so every figure prints with its unit in aligned columns.
 */

/** The q-quantile (0..1) of `values` by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
export const max = (values: readonly number[]): number =>
  values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);

/** Milliseconds, with precision that suits the size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value < 1) return `${(value * 1000).toFixed(0)} µs`;
  if (value < 100) return `${value.toFixed(2)} ms`;
  if (value < 10_000) return `${value.toFixed(0)} ms`;
  return `${(value / 1000).toFixed(1)} s`;
}

export const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`;
export const rate = (perSecond: number, unit = "msg/s"): string =>
  Number.isFinite(perSecond) ? `${Math.round(perSecond).toLocaleString("en-US")} ${unit}` : "n/a";
export const count = (n: number): string => (Number.isNaN(n) ? "n/a" : n.toLocaleString("en-US"));
export const pct = (fraction: number): string =>
  Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)} %` : "n/a";

/** Renders rows as an aligned text table; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        const pad = " ".repeat((widths[i] ?? 0) - [...cell].length);
        // Text left, figures right.
        return i === 0 ? cell + pad : pad + cell;
      })
      .join("  ")
      .trimEnd();
  const [head, ...body] = rows;
  if (!head) return "";
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(head), rule, ...body.map(line)].join("\n");
}
