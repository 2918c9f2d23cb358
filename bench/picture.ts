/**
 * The progress picture (issue 13): a scripted six-commitment history, the time to build its SVG
 * and to rasterise it (p50/p99 over repeated renders), and the longest event-loop stretch while
 * pictures are drawn one after another. `measurePicture()` and `pictureRows()` are for
 * `npm run bench`; run alone, `tsx bench/picture.ts` prints the table, and
 * `tsx bench/picture.ts --write-docs` writes docs/progress.png from the scripted history.
 */
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { addDays, localDate, localToInstant, weekdayOf } from "../src/cadence";
import type { PictureCheckIn } from "../src/picture/days";
import { renderPng, withinPhotoLimits } from "../src/picture/render";
import { type PictureRow, pictureRow } from "../src/picture/row";
import { progressSvg } from "../src/picture/svg";
import { renderPngOffThread, stopPictureWorker } from "../src/picture/worker";
import { ms, quantile } from "./stats";

const DAY = 86_400_000;
/** The scripted "now": Sunday 29 Nov 2026, 20:00 in Berlin. */
export const SCRIPT_NOW = Date.UTC(2026, 10, 29, 19, 0);
export const SCRIPT_ZONE = "Europe/Berlin";

/** A small deterministic generator (LCG), so the scripted history is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Script {
  number: number;
  promise: string;
  by: string;
  /** Days before now it began. */
  began: number;
  /** Which local days are due (0 = Sunday). */
  due: (date: string, i: number) => boolean;
  /** Chances of kept, partly, missed (said), the rest closes with no answer. */
  odds: [number, number, number];
  /** Chance a kept or partly answer is confirmed. */
  confirm: number;
}

const SCRIPTS: Script[] = [
  {
    number: 2,
    promise: "Call my sister every Sunday",
    by: "jo",
    began: 190,
    due: (d) => weekdayOf(d) === 0,
    odds: [0.8, 0.1, 0.05],
    confirm: 0.85,
  },
  {
    number: 3,
    promise: "No drinking on weeknights",
    by: "sam",
    began: 160,
    due: (d) => weekdayOf(d) >= 1 && weekdayOf(d) <= 5,
    odds: [0.75, 0.12, 0.08],
    confirm: 0.4,
  },
  {
    number: 4,
    promise: "Walk for thirty minutes before work",
    by: "your witness",
    began: 120,
    due: () => true,
    odds: [0.6, 0.15, 0.1],
    confirm: 0,
  },
  {
    number: 5,
    promise: "Write in the journal",
    by: "jo",
    began: 90,
    due: (_d, i) => i % 3 === 0,
    odds: [0.7, 0.2, 0.05],
    confirm: 0.6,
  },
  {
    number: 6,
    promise: "Pay back Sam £20 every Friday & keep the receipts <all of them>",
    by: "sam",
    began: 45,
    due: (d) => weekdayOf(d) === 5,
    odds: [0.9, 0.1, 0],
    confirm: 1,
  },
  {
    number: 7,
    promise: "Say sorry to Mum properly",
    by: "your witness",
    began: 4,
    due: () => true,
    odds: [1, 0, 0],
    confirm: 0,
  },
];

/** The scripted check-ins of one commitment; #3 has a catch-up range of five skipped days. */
function history(s: Script, now: number, zone: string): PictureCheckIn[] {
  const rand = random(s.number * 7919);
  const today = localDate(now, zone);
  const out: PictureCheckIn[] = [];
  for (let i = 0; i <= s.began; i++) {
    const date = addDays(today, i - s.began);
    if (!s.due(date, i)) continue;
    const dueAt = localToInstant(date, { hour: 8, minute: 0 }, zone);
    if (dueAt > now) continue;
    const r = rand();
    const [k, p, m] = s.odds;
    const answer = r < k ? "kept" : r < k + p ? "partly" : r < k + p + m ? "missed" : null;
    const confirmed = answer !== null && answer !== "missed" && rand() < s.confirm;
    out.push({
      dueAt,
      state: answer ? "answered" : "missed",
      answer,
      verdict: confirmed ? "confirmed" : null,
      skippedThrough: null,
      skippedCount: null,
    });
  }
  if (s.number === 3) {
    const from = localToInstant(addDays(today, -60), { hour: 8, minute: 0 }, zone);
    const kept = out.filter((c) => c.dueAt < from || c.dueAt > from + 4 * DAY);
    kept.push({
      dueAt: from,
      state: "skipped",
      answer: null,
      verdict: null,
      skippedThrough: from + 4 * DAY,
      skippedCount: 3,
    });
    return kept;
  }
  return out;
}

/** The six scripted rows at `now`. */
export function scriptedRows(now = SCRIPT_NOW, zone = SCRIPT_ZONE): PictureRow[] {
  return SCRIPTS.map((s) =>
    pictureRow(
      { number: s.number, promise: s.promise, zone, by: s.by, checkIns: history(s, now, zone) },
      now,
    ),
  );
}

/** The picture's figures. */
export interface PictureResult {
  renders: number;
  /** Building the SVG from rows. */
  svg: { p50Ms: number; p99Ms: number };
  /** Rasterising it with resvg on the calling thread (what would block the event loop). */
  png: { p50Ms: number; p99Ms: number };
  /** The longest event-loop stretch while rendering on the calling thread. */
  inThreadStretchMs: number;
  /** Rendering in the worker (src/picture/worker.ts), as the bot does: ask to answer. */
  offThread: { p50Ms: number; p99Ms: number };
  /** The longest event-loop stretch while the worker draws pictures back to back. */
  longestStretchMs: number;
  eventLoopDelayMaxMs: number;
  width: number;
  height: number;
  bytes: number;
  withinLimits: boolean;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `work` while a turn-taker watches the event loop; returns the longest gap it saw. */
async function watched(work: () => Promise<void>): Promise<{ longest: number; delayMax: number }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const watcher = (async () => {
    while (running) {
      await turn();
      const t = performance.now();
      longest = Math.max(longest, t - last);
      last = t;
    }
  })();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await work();
  running = false;
  await watcher;
  delay.disable();
  return { longest, delayMax: delay.max / 1e6 };
}

/** Draws the scripted six-row picture `renders` times on the thread, then `renders` times in the worker. */
export async function measurePicture(renders = 60): Promise<PictureResult> {
  const rows = scriptedRows();
  const today = localDate(SCRIPT_NOW, SCRIPT_ZONE);
  let out = renderPng(progressSvg(rows, { today })); // warm-up: code paths, page cache
  const svgMs: number[] = [];
  const pngMs: number[] = [];
  const inThread = await watched(async () => {
    for (let i = 0; i < renders; i++) {
      const t0 = performance.now();
      const svg = progressSvg(rows, { today });
      const t1 = performance.now();
      out = renderPng(svg);
      pngMs.push(performance.now() - t1);
      svgMs.push(t1 - t0);
      await turn();
    }
  });
  const offMs: number[] = [];
  await renderPngOffThread(progressSvg(rows, { today })); // starts the worker
  const off = await watched(async () => {
    for (let i = 0; i < renders; i++) {
      const t0 = performance.now();
      await renderPngOffThread(progressSvg(rows, { today }));
      offMs.push(performance.now() - t0);
    }
  });
  await stopPictureWorker();
  return {
    renders,
    svg: { p50Ms: quantile(svgMs, 0.5), p99Ms: quantile(svgMs, 0.99) },
    png: { p50Ms: quantile(pngMs, 0.5), p99Ms: quantile(pngMs, 0.99) },
    inThreadStretchMs: inThread.longest,
    offThread: { p50Ms: quantile(offMs, 0.5), p99Ms: quantile(offMs, 0.99) },
    longestStretchMs: off.longest,
    eventLoopDelayMaxMs: off.delayMax,
    width: out.width,
    height: out.height,
    bytes: out.png.length,
    withinLimits: withinPhotoLimits(out),
  };
}

/** The figures as table rows for `npm run bench`, with verdicts against issue 13's targets. */
export function pictureRows(r: PictureResult): string[][] {
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  return [
    ["figure", "measured", "goal", "result"],
    [
      `6-commitment picture in the worker, ask to PNG: p50 / p99 (${r.renders})`,
      `${ms(r.offThread.p50Ms)} / ${ms(r.offThread.p99Ms)}`,
      "p99 < 100 ms",
      verdict(r.offThread.p99Ms < 100),
    ],
    ["  SVG built (main thread): p50 / p99", `${ms(r.svg.p50Ms)} / ${ms(r.svg.p99Ms)}`, "", ""],
    ["  PNG on the main thread instead: p50 / p99", `${ms(r.png.p50Ms)} / ${ms(r.png.p99Ms)}`, "", ""],
    ["  longest event-loop stretch that way", ms(r.inThreadStretchMs), "", ""],
    [
      "longest event-loop stretch, rendering in the worker",
      ms(r.longestStretchMs),
      "≤ 50 ms",
      verdict(r.longestStretchMs <= 50),
    ],
    ["  event-loop delay max (monitorEventLoopDelay)", ms(r.eventLoopDelayMaxMs), "", ""],
    [
      "picture size (pixels, bytes)",
      `${r.width} × ${r.height}, ${(r.bytes / 1024).toFixed(0)} KiB`,
      "Telegram photo limits",
      verdict(r.withinLimits),
    ],
  ];
}

/** Writes docs/progress.png from the scripted history. */
export function writeDocsPicture(path = "docs/progress.png"): void {
  const png = renderPng(progressSvg(scriptedRows(), { today: localDate(SCRIPT_NOW, SCRIPT_ZONE) }));
  writeFileSync(path, png.png);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--write-docs")) {
    writeDocsPicture();
    console.log("wrote docs/progress.png");
  } else {
    const { table } = await import("./stats");
    console.log(table(pictureRows(await measurePicture())));
  }
}
