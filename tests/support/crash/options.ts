/** What the crash test tells each worker process (passed as JSON in argv). */
export interface WorkerOptions {
  /** The store: an SQLite file path, or `postgres://…#schema` (see ./store.ts). */
  db: string;
  /** The deliveries log this run appends `purpose\n` to, once per message handed to the platform. */
  log: string;
  /** Outbox lease length: short, so a killed worker's rows come back quickly. */
  leaseMs: number;
  /** Rows per claim: small, so kills land mid-batch. */
  batchSize: number;
  /** Deliveries in flight at once: bounds how many a kill can leave handed over but unrecorded. */
  concurrency: number;
  /** Simulated round trip to the platform in ms, half before the hand-over and half after (0 = none). */
  latencyMs: number;
  /** Wait for a line on stdin after printing `ready`, so several workers can start at once. */
  waitForGo?: boolean;
}
