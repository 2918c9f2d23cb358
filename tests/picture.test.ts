/**
 * The progress picture's core (issue 13): days from check-ins, the SVG against a committed
 * snapshot, the PNG decoded and sampled, the caption in words, the palette under a colour-blindness
 * simulation, and the platforms' photo limits. Store-less.
 */
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { SCRIPT_NOW, SCRIPT_ZONE, scriptedRows } from "../bench/picture";
import { localDate, localToInstant } from "../src/cadence";
import { CAPTION_LIMIT, progressCaption, rowSentence } from "../src/picture/caption";
import { type PictureCheckIn, pictureDays, pictureSpan } from "../src/picture/days";
import { DAY_COLOURS, INK } from "../src/picture/palette";
import { renderPng, SCALE, withinPhotoLimits } from "../src/picture/render";
import { pictureRow } from "../src/picture/row";
import { CELL, LEFT, PITCH, progressLayout, progressSvg } from "../src/picture/svg";
import { renderPngOffThread, stopPictureWorker } from "../src/picture/worker";

const ZONE = "Europe/Berlin";
/** Sunday 29 Nov 2026, 20:00 in Berlin. */
const NOW = Date.UTC(2026, 10, 29, 19, 0);
const at = (date: string, hour = 8) => localToInstant(date, { hour, minute: 0 }, ZONE);
const ci = (date: string, p: Partial<PictureCheckIn> = {}, hour = 8): PictureCheckIn => ({
  dueAt: at(date, hour),
  state: "answered",
  answer: "kept",
  verdict: null,
  skippedThrough: null,
  skippedCount: null,
  ...p,
});
const dayOf = (checkIns: PictureCheckIn[], date: string) =>
  pictureDays(checkIns, ZONE, NOW).find((d) => d.date === date);

afterAll(() => stopPictureWorker());

describe("pictureDays", () => {
  it("spans 26 Monday-first weeks whose last holds today", () => {
    const span = pictureSpan(NOW, ZONE);
    expect(span).toMatchObject({ start: "2026-06-01", today: "2026-11-29" });
    const days = pictureDays([], ZONE, NOW);
    expect(days).toHaveLength(182);
    expect(days.every((d) => d.status === "none")).toBe(true);
    // On a Wednesday the last column holds three days.
    expect(pictureDays([], ZONE, Date.UTC(2026, 11, 2, 12))).toHaveLength(25 * 7 + 3);
  });

  it("marks each kind of day, and a witness's confirmation", () => {
    expect(dayOf([ci("2026-11-20", { verdict: "confirmed" })], "2026-11-20")).toMatchObject({
      status: "kept",
      confirmed: true,
    });
    expect(dayOf([ci("2026-11-20", { answer: "partly" })], "2026-11-20")?.status).toBe("partly");
    expect(dayOf([ci("2026-11-20", { answer: "missed" })], "2026-11-20")).toMatchObject({
      status: "missed",
      unanswered: false,
    });
    expect(dayOf([ci("2026-11-20", { state: "missed", answer: null })], "2026-11-20")).toMatchObject({
      status: "missed",
      unanswered: true,
    });
    // Disputed counts as missed, as in the consistency figure.
    expect(dayOf([ci("2026-11-20", { verdict: "disputed" })], "2026-11-20")).toMatchObject({
      status: "missed",
      confirmed: false,
    });
    // An open window is nothing yet.
    expect(dayOf([ci("2026-11-29", { state: "pending", answer: null }, 19)], "2026-11-29")?.status).toBe(
      "none",
    );
  });

  it("several check-ins on one day say what happened to all of them", () => {
    const day = (...p: Partial<PictureCheckIn>[]) =>
      dayOf(
        p.map((x, i) => ci("2026-11-20", x, 8 + i)),
        "2026-11-20",
      );
    expect(day({}, {})?.status).toBe("kept");
    // Neither the worst (missed) nor the latest (kept) wins: it was partly kept.
    expect(day({}, { answer: "missed" }, {})?.status).toBe("partly");
    expect(day({ answer: "missed" }, { state: "missed", answer: null })).toMatchObject({
      status: "missed",
      unanswered: false,
    });
    expect(day({ state: "missed", answer: null }, { state: "missed", answer: null })?.unanswered).toBe(true);
    expect(day({ verdict: "confirmed" }, {})?.confirmed).toBe(false);
    expect(day({ verdict: "confirmed" }, { answer: "missed" })).toMatchObject({
      status: "partly",
      confirmed: true,
    });
    // An answer outweighs a skipped check-in the same day.
    expect(day({ state: "skipped", answer: null }, {})?.status).toBe("kept");
  });

  it("a skipped range marks every day it covers, inside the span only", () => {
    const range = (from: string, through: string) =>
      ci(from, { state: "skipped", answer: null, skippedThrough: at(through), skippedCount: 3 });
    const days = pictureDays([range("2026-11-02", "2026-11-06")], ZONE, NOW);
    expect(days.filter((d) => d.status === "skipped").map((d) => d.date)).toEqual([
      "2026-11-02",
      "2026-11-03",
      "2026-11-04",
      "2026-11-05",
      "2026-11-06",
    ]);
    const early = pictureDays([range("2026-05-28", "2026-06-02")], ZONE, NOW);
    expect(early.filter((d) => d.status === "skipped").map((d) => d.date)).toEqual([
      "2026-06-01",
      "2026-06-02",
    ]);
    // A single check-in before the span is not drawn.
    expect(pictureDays([ci("2026-05-20")], ZONE, NOW).every((d) => d.status === "none")).toBe(true);
  });

  it("places a check-in on its local day in the commitment's zone", () => {
    // 00:30 in Berlin on 20 Nov is still 19 Nov in UTC.
    const late = ci("2026-11-20", {}, 0);
    expect(dayOf([late], "2026-11-20")?.status).toBe("kept");
    expect(pictureDays([late], "UTC", NOW).find((d) => d.date === "2026-11-19")?.status).toBe("kept");
  });
});

/** A row from a few check-ins. */
const row = (checkIns: PictureCheckIn[], p: Partial<{ number: number; promise: string; by: string }> = {}) =>
  pictureRow({ number: 2, promise: "Call my sister", zone: ZONE, by: "jo", checkIns, ...p }, NOW);
const weeks = (n: number, p: Partial<PictureCheckIn> = {}) =>
  Array.from({ length: n }, (_, i) => ci(localDate(NOW - (i + 1) * 7 * 86_400_000, ZONE), p));

describe("caption", () => {
  const BARE_ZERO = /(?<![\d:.,/-])\b0\b(?![\d:.,/-])/;

  it("one sentence per commitment, with the span's counts and the consistency line", () => {
    const r = row([
      ...weeks(18, { verdict: "confirmed" }).slice(0, 15),
      ...weeks(18).slice(15),
      ...weeks(22, { state: "missed", answer: null }).slice(18),
    ]);
    expect(rowSentence(r)).toBe(
      "#2 Call my sister, the last 26 weeks: kept 18 of 22, 15 confirmed by jo; 4 got no answer; consistency 100: kept the last 5, 5 confirmed by jo.",
    );
  });

  it("singular, plural and zero cases", () => {
    expect(rowSentence(row([]))).toBe(
      "#2 Call my sister, the last 26 weeks: no check-ins counted; just started.",
    );
    expect(rowSentence(row(weeks(1)))).toBe("#2 Call my sister, the last 26 weeks: kept it; just started.");
    expect(rowSentence(row(weeks(2)))).toBe("#2 Call my sister, the last 26 weeks: kept both; just started.");
    // Five or fewer: the consistency line's words would repeat the span's, so only its figure.
    expect(rowSentence(row(weeks(4, { verdict: "confirmed" })))).toBe(
      "#2 Call my sister, the last 26 weeks: kept all 4, 4 confirmed by jo; consistency 100.",
    );
    const skip = (n: number) =>
      ci("2026-11-02", { state: "skipped", answer: null, skippedThrough: at("2026-11-04"), skippedCount: n });
    expect(rowSentence(row([skip(1)]))).toContain("no check-ins counted; 1 skipped (it doesn't count)");
    expect(rowSentence(row([skip(3)]))).toContain("3 skipped (they don't count)");
    // All missed: no figure that rounds to zero, no bare zero.
    const missed = rowSentence(row(weeks(8, { answer: "missed" })));
    expect(missed).toBe("#2 Call my sister, the last 26 weeks: missed all 8.");
    for (const s of [
      missed,
      rowSentence(row([])),
      rowSentence(row(weeks(6, { state: "missed", answer: null }))),
    ]) {
      expect(s).not.toMatch(BARE_ZERO);
      expect(s).not.toMatch(/trust|!/i);
    }
  });

  it("six long rows fit Telegram's caption limit", () => {
    const long = Array.from({ length: 6 }, (_, i) =>
      row([...weeks(12, { verdict: "confirmed" }), ...weeks(20, { answer: "partly" }).slice(12)], {
        number: i + 1,
        promise: "A promise that goes on and on ".repeat(16),
        by: "Someone With A Long Name",
      }),
    );
    const caption = progressCaption(long);
    expect([...caption].length).toBeLessThanOrEqual(CAPTION_LIMIT);
    for (let i = 1; i <= 6; i++) expect(caption).toContain(`#${i} `);
    const scripted = progressCaption(scriptedRows());
    expect(scripted).toMatch(
      /^#2 Call my sister every Sunday, the last 26 weeks: kept 21 of 26, partly kept 2, 20 confirmed by jo; missed 2; 1 got no answer; consistency 98: kept the last 5, 4 confirmed by jo\. #3 /,
    );
    expect(scripted).toContain("3 skipped (they don't count)");
    expect(scripted.match(/#\d /g)).toHaveLength(6);
    expect(progressCaption([])).toBe("No commitments to show yet.");
  });
});

describe("progressSvg", () => {
  const today = localDate(SCRIPT_NOW, SCRIPT_ZONE);

  it("matches the committed snapshot for the scripted history", async () => {
    const svg = progressSvg(scriptedRows(), { today });
    expect(progressSvg(scriptedRows(), { today })).toBe(svg);
    await expect(svg).toMatchFileSnapshot("fixtures/progress.svg");
  });

  it("escapes and shortens what people wrote", () => {
    const r = row(weeks(3), { promise: `Stop <script>&"'\u0007 ${"x".repeat(200)}` });
    const svg = progressSvg([r], { today });
    expect(svg).toContain("#2 Stop &lt;script&gt;&amp;&quot;&apos; xxx");
    expect(svg).toContain("…</text>");
    expect(svg).not.toContain("\u0007");
    expect(() => renderPng(svg)).not.toThrow();
  });
});

/** Decodes an 8-bit RGB/RGBA PNG: its size and a pixel reader. */
function decodePng(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const [depth, type] = [png[24], png[25]];
  expect(depth).toBe(8);
  const bpp = type === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    if (png.toString("latin1", o + 4, o + 8) === "IDAT") idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= bpp ? (out[y * stride + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= bpp && y > 0 ? (out[(y - 1) * stride + x - bpp] ?? 0) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f ?? 0] ?? 0;
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const hex = (x: number, y: number) =>
    `#${[0, 1, 2].map((i) => (out[y * stride + x * bpp + i] ?? 0).toString(16).padStart(2, "0")).join("")}`.toUpperCase();
  return { width, height, hex };
}

describe("renderPng", () => {
  const rows = scriptedRows();
  const today = localDate(SCRIPT_NOW, SCRIPT_ZONE);
  const svg = progressSvg(rows, { today });
  const png = renderPng(svg);

  it("decodes, and days have their colours", () => {
    const img = decodePng(png.png);
    expect([img.width, img.height]).toEqual([png.width, png.height]);
    const layout = progressLayout(rows);
    expect([img.width, img.height]).toEqual([layout.width * SCALE, layout.height * SCALE]);
    // #4 has no witness: no dots. Sample near a cell's corner, clear of any mark.
    const r = 2;
    const days = rows[r]?.days ?? [];
    const pixel = (status: string) => {
      const i = days.findIndex((d) => d.status === status && !d.confirmed);
      expect(i).toBeGreaterThanOrEqual(0);
      const x = LEFT + Math.floor(i / 7) * PITCH + 3;
      const y = (layout.rows[r]?.gridTop ?? 0) + (i % 7) * PITCH + 3;
      return img.hex(x * SCALE, y * SCALE);
    };
    expect(pixel("kept")).toBe(DAY_COLOURS.kept);
    expect(pixel("missed")).toBe(DAY_COLOURS.missed);
    expect(pixel("none")).toBe(DAY_COLOURS.none);
    expect(img.hex(2, 2)).toBe(INK.background);
    expect(CELL).toBeLessThan(PITCH);
  });

  it("stays within Telegram's photo limits, one row or six", () => {
    expect(withinPhotoLimits(png)).toBe(true);
    expect(png.png.length).toBeLessThan(10 * 1024 * 1024);
    expect(png.width + png.height).toBeLessThanOrEqual(10_000);
    expect(png.height / png.width).toBeLessThanOrEqual(20);
    const one = renderPng(progressSvg(rows.slice(0, 1), { today }));
    expect(withinPhotoLimits(one)).toBe(true);
    expect(one.width / one.height).toBeLessThanOrEqual(20);
    // More than six rows draw six.
    expect(progressLayout([...rows, ...rows]).height).toBe(progressLayout(rows).height);
  });

  it("the worker draws the same picture", async () => {
    const off = await renderPngOffThread(svg);
    expect(off.width).toBe(png.width);
    expect(off.png.equals(png.png)).toBe(true);
  });
});

// --- Colour blindness: Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB. ---
const MACHADO: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  "normal vision": [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
};
const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const rgb = (hex: string) => [1, 3, 5].map((i) => toLinear(Number.parseInt(hex.slice(i, i + 2), 16) / 255));

/** CIE L*a*b* (D65) of linear RGB. */
function lab([r = 0, g = 0, b = 0]: number[]): number[] {
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const simulate = (hex: string, m: number[][]) =>
  lab(
    m.map((row) =>
      Math.min(
        1,
        Math.max(
          0,
          row.reduce((s, k, i) => s + k * (rgb(hex)[i] ?? 0), 0),
        ),
      ),
    ),
  );

describe("palette", () => {
  for (const [name, matrix] of Object.entries(MACHADO)) {
    it(`keeps every pair of day colours apart under ${name} (CIE76 ΔE > 20)`, () => {
      const entries = Object.entries(DAY_COLOURS);
      let least = Number.POSITIVE_INFINITY;
      for (const [i, [, a]] of entries.entries()) {
        for (const [, b] of entries.slice(i + 1)) {
          const [p, q] = [simulate(a, matrix), simulate(b, matrix)];
          least = Math.min(least, Math.hypot(...p.map((v, k) => v - (q[k] ?? 0))));
        }
      }
      expect(least).toBeGreaterThan(20);
    });
  }
});
