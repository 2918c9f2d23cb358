/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT
 * crosses its threshold, so a command or a tick batch now and then pays 5–20 ms for it (the
 * benchmark's slowest commits were all checkpoints). A deployment turns the automatic checkpoint
 * off and lets this worker thread, on its own connection, copy the WAL back into the database
 * every few seconds with a PASSIVE checkpoint, which never blocks readers or the writer.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// The worker is plain CommonJS: it needs no TypeScript loader, only the driver.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
const checkpoint = () => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (err) { parentPort.postMessage(String(err)); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** A running checkpointer. */
export interface Checkpointer {
  /** Runs a last checkpoint and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing the database file at `path` every `intervalMs` on a worker thread.
 * Open the main connection with `{ autoCheckpoint: false }` beside it.
 */
export function startCheckpointer(
  path: string,
  intervalMs = 2_000,
  onError?: (message: string) => void,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, intervalMs, driver } });
  worker.on("message", (m: unknown) => onError?.(String(m)));
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        // Unref'd, the worker would not keep the process alive while it stops: a caller awaiting
        // stop() with nothing else pending would see the process end mid-await, silently.
        worker.ref();
        worker.once("exit", () => resolve());
        worker.postMessage("stop");
      }),
  };
}
