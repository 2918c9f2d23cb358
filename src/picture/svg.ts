/**
 * The progress picture as SVG (PRODUCT §11), built as a string: no browser, no canvas, no clock.
 * One row per commitment (up to {@link MAX_ROWS}): its label, a heatmap of 26 Monday-first weeks
 * (a column a week, Monday at the top) with month and weekday labels, and its consistency line
 * beneath; a legend closes the card. Text is sized for DejaVu Sans (render.ts loads only that).
 */
import { formatDate } from "../cadence";
import { shorten } from "./caption";
import type { Day } from "./days";
import { DAY_COLOURS, INK } from "./palette";
import type { PictureRow } from "./row";

/** Rows one picture holds. */
export const MAX_ROWS = 6;
/** A day's square, and the distance from one to the next. */
export const CELL = 14;
export const PITCH = 17;

const PAD = 16;
/** Room for the weekday labels left of the grid. */
export const LEFT = PAD + 34;
const GRID_W = 26 * PITCH - (PITCH - CELL);
export const WIDTH = LEFT + GRID_W + PAD + 2;
const HEADER = 40;
const LINE = 15;
/** DejaVu Sans's average advance is a little under 0.6 em for mixed text: a safe estimate. */
const EM = 0.6;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAY_LABELS: [number, string][] = [
  [0, "Mon"],
  [2, "Wed"],
  [4, "Fri"],
  [6, "Sun"],
];

/** Options of a picture. */
export interface SvgOptions {
  /** The reader's today (`YYYY-MM-DD`), named in the heading; never read from a clock. */
  today: string;
  /**
   * The picture's text alternative, as its `<title>` (the caption in words); by default the
   * heading. Viewers that show the SVG itself read it out; the PNG's alt text is the caption.
   */
  description?: string;
}

/** Where things land: what the tests sample and the renderer sizes. */
export interface Layout {
  width: number;
  height: number;
  /** Per row: the top of its grid and its wrapped consistency line. */
  rows: { gridTop: number; lines: string[] }[];
}

/** Characters XML 1.0 does not allow (the core removes most from promises already). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to remove.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for an SVG text node or attribute, dropping characters XML forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** How many characters of `size` px text fit in `px`. */
const fits = (px: number, size: number, bold = false) => Math.floor(px / (size * (bold ? EM + 0.07 : EM)));

/** Words wrapped to `max` characters a line, at most `lines` lines, the last cut with "…". */
export function wrap(text: string, max: number, lines = 2): string[] {
  const out: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    const next = current ? `${current} ${word}` : word;
    if ([...next].length <= max || !current) current = next;
    else {
      out.push(current);
      current = word;
    }
  }
  out.push(current);
  const kept = out.slice(0, lines).map((l) => shorten(l, max));
  if (out.length > lines) kept[lines - 1] = shorten(`${kept[lines - 1]} …`, max);
  return kept;
}

/** Lays the rows out top to bottom. */
export function progressLayout(rows: readonly PictureRow[]): Layout {
  let y = HEADER;
  const placed = rows.slice(0, MAX_ROWS).map((row) => {
    const lines = wrap(row.consistency, fits(WIDTH - 2 * PAD, 12));
    const gridTop = y + 40;
    y = gridTop + 7 * PITCH + 12 + lines.length * LINE + 12;
    return { gridTop, lines };
  });
  return { width: WIDTH, height: y + (rows.length === 0 ? 30 : 0) + 56, rows: placed };
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** One day's square, with its stroke when skipped and its dot when confirmed. */
function cell(day: Day, x: number, y: number): string {
  let s = `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" rx="2" fill="${DAY_COLOURS[day.status]}"/>`;
  if (day.status === "skipped") {
    s += `<path d="M${x + 2} ${y + CELL - 2}L${x + CELL - 2} ${y + 2}" stroke="${INK.strike}" stroke-width="1.6"/>`;
  }
  if (day.confirmed) {
    s += `<circle cx="${r1(x + CELL / 2)}" cy="${r1(y + CELL / 2)}" r="3" fill="${INK.dotFill}" stroke="${INK.dotRing}" stroke-width="1.2"/>`;
  }
  return s;
}

/** Month names above the columns that hold a month's first day. */
function monthLabels(days: readonly Day[], gridTop: number): string {
  const out: string[] = [];
  let last = -3;
  for (let w = 0; w * 7 < days.length; w++) {
    const week = days.slice(w * 7, w * 7 + 7);
    const first = week.find((d) => d.date.endsWith("-01"));
    // The first column names its month too when that month's first day is not shown.
    const date = first?.date ?? (w === 0 && Number(week[0]?.date.slice(8, 10)) <= 7 ? week[0]?.date : null);
    if (!date || w - last < 3) continue;
    last = w;
    out.push(
      `<text x="${LEFT + w * PITCH}" y="${gridTop - 6}" font-size="10" fill="${INK.muted}">${MONTHS[Number(date.slice(5, 7)) - 1]}</text>`,
    );
  }
  return out.join("");
}

function rowSvg(row: PictureRow, place: Layout["rows"][number]): string {
  const { gridTop, lines } = place;
  const label = escapeXml(shorten(`#${row.number} ${row.promise}`, fits(WIDTH - 2 * PAD, 14, true)));
  const parts = [
    `<text x="${PAD}" y="${gridTop - 22}" font-size="14" font-weight="bold" fill="${INK.text}">${label}</text>`,
    monthLabels(row.days, gridTop),
    ...WEEKDAY_LABELS.map(
      ([i, name]) =>
        `<text x="${PAD}" y="${gridTop + i * PITCH + CELL - 3}" font-size="10" fill="${INK.muted}">${name}</text>`,
    ),
    ...row.days.map((d, i) => cell(d, LEFT + Math.floor(i / 7) * PITCH, gridTop + (i % 7) * PITCH)),
    ...lines.map(
      (l, i) =>
        `<text x="${PAD}" y="${gridTop + 7 * PITCH + 12 + i * LINE}" font-size="12" fill="${INK.text}">${escapeXml(l)}</text>`,
    ),
  ];
  return `<g>${parts.join("")}</g>`;
}

/** The legend: each kind of day, and the confirmed mark, in two lines. */
function legend(top: number): string {
  const items: [Day, string][] = [
    [{ date: "", status: "kept", confirmed: false, unanswered: false }, "kept"],
    [{ date: "", status: "partly", confirmed: false, unanswered: false }, "partly kept"],
    [{ date: "", status: "missed", confirmed: false, unanswered: false }, "missed or no answer"],
    [{ date: "", status: "skipped", confirmed: false, unanswered: false }, "skipped"],
    [{ date: "", status: "none", confirmed: false, unanswered: false }, "nothing due"],
    [{ date: "", status: "kept", confirmed: true, unanswered: false }, "confirmed by the witness"],
  ];
  return items
    .map(([day, text], i) => {
      const x = PAD + (i % 3) * 160;
      const y = top + Math.floor(i / 3) * 20;
      return `${cell(day, x, y)}<text x="${x + CELL + 6}" y="${y + CELL - 3}" font-size="11" fill="${INK.text}">${text}</text>`;
    })
    .join("");
}

/**
 * The picture of `rows` (the first {@link MAX_ROWS}) as an SVG document. Deterministic: the same
 * rows and `today` give the same bytes.
 */
export function progressSvg(rows: readonly PictureRow[], opts: SvgOptions): string {
  const layout = progressLayout(rows);
  const shown = rows.slice(0, MAX_ROWS);
  const title = `The last 26 weeks, through ${formatDate(opts.today)}`;
  const body =
    shown.length === 0
      ? `<text x="${PAD}" y="${HEADER + 20}" font-size="13" fill="${INK.text}">No commitments to show yet.</text>`
      : shown.map((r, i) => rowSvg(r, layout.rows[i] ?? { gridTop: 0, lines: [] })).join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="DejaVu Sans">`,
    `<title>${escapeXml(opts.description ?? title)}</title>`,
    `<rect width="100%" height="100%" fill="${INK.background}"/>`,
    `<text x="${PAD}" y="${PAD + 10}" font-size="15" font-weight="bold" fill="${INK.text}">${escapeXml(title)}</text>`,
    body,
    legend(layout.height - 48),
    "</svg>",
  ].join("\n");
}
