/**
 * Rasterising off the main thread. Measured by bench/picture.ts: a six-row picture costs resvg
 * tens of milliseconds on the calling thread (loading the two DejaVu faces, drawing at twice the
 * size, encoding the PNG; well over 50 ms p99 on this machine), too long to block a bot that
 * answers commands and runs the tick. So the bot renders in one worker thread, started on first
 * use and unref'd so it never holds the process open.
 *
 * The worker is plain JavaScript given as a string (`eval`): it needs nothing of ours but resvg
 * and the options, and a string loads the same under node, tsx and vitest, where a `.ts` worker
 * file would need a loader each of them sets up differently.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type Png, RENDER_OPTIONS } from "./render";

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Resvg } = require(workerData.resvg);
parentPort.on("message", ({ id, svg }) => {
  try {
    const image = new Resvg(svg, workerData.options).render();
    const png = image.asPng();
    const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength).slice();
    parentPort.postMessage({ id, png: bytes, width: image.width, height: image.height }, [bytes.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message ? e.message : e) });
  }
});
`;

type Answer = { id: number; png?: Uint8Array; width?: number; height?: number; error?: string };
type Waiting = { resolve: (p: Png) => void; reject: (e: Error) => void };

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, Waiting>();

function start(): Worker {
  const w = new Worker(SOURCE, {
    eval: true,
    workerData: { resvg: createRequire(import.meta.url).resolve("@resvg/resvg-js"), options: RENDER_OPTIONS },
  });
  w.on("message", (a: Answer) => {
    const job = waiting.get(a.id);
    if (!job) return;
    waiting.delete(a.id);
    if (waiting.size === 0) w.unref();
    if (a.error !== undefined || !a.png)
      job.reject(new Error(`picture not rendered: ${a.error ?? "no image"}`));
    else
      job.resolve({
        png: Buffer.from(a.png.buffer, a.png.byteOffset, a.png.byteLength),
        width: a.width ?? 0,
        height: a.height ?? 0,
      });
  });
  // A crashed worker fails what it held; the next picture starts a new one.
  const fail = (e: Error) => {
    if (worker === w) worker = null;
    for (const job of waiting.values()) job.reject(e);
    waiting.clear();
  };
  w.on("error", fail);
  w.on("exit", (code) => fail(new Error(`picture worker stopped (${code})`)));
  return w;
}

/**
 * Rasterises `svg` in the worker thread: the same result as {@link renderPng}, without blocking
 * the event loop. Pictures are drawn one after another in the order asked.
 */
export function renderPngOffThread(svg: string): Promise<Png> {
  worker ??= start();
  const w = worker;
  const id = nextId++;
  w.ref();
  return new Promise<Png>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, svg });
  });
}

/** Stops the worker (at shutdown, and in tests); a later picture starts a new one. */
export async function stopPictureWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
