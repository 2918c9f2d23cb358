/**
 * The scheduler tick: finds due work through indexed queries on due times (nothing is held in
 * memory per commitment) and records it, with its outbox messages, in short transactions.
 * Work is claimed in batches of {@link TICK_BATCH} rows, one transaction per batch. Due check-ins
 * open set-wise, a batch in a few statements (./open-batch.ts); the rest is done a unit at a time,
 * a savepoint per unit, so a unit that fails is rolled back alone (and a set-wise batch that
 * fails is run again that way).
 *
 * On SQLite (queries on this thread) each batch is also cut short after
 * {@link BATCH_BUDGET_MS}, so each synchronous stretch stays well under 10 ms and commands keep
 * flowing between batches during a burst or a catch-up after downtime. On PostgreSQL a batch's
 * scan locks its rows (`FOR UPDATE SKIP LOCKED`), so several batches run side by side, in this
 * process and in others, each on rows no other holds.
 */
import { UserError } from "../errors";
import type { Logger } from "../log";
import { bold, italic, rich } from "../richtext";
import type { CommitmentRow, Store, StoreTx } from "../store/port";
import type { TickReport } from "../types";
import { applyEdit, cancelCommitment, resumeCommitment } from "./commitments";
import { sendDigest } from "./digest";
import { tellWitnessItEnded } from "./endings";
import { closeWindow, openDue, remind } from "./lifecycle";
import { openDueBatch } from "./open-batch";
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { promptRecipient } from "./recipients";

/** Rows claimed per statement and per transaction, at most (SQLite: see {@link BATCH_BUDGET_MS}). */
export const TICK_BATCH = 25;
/**
 * Rows per batch where queries run elsewhere (PostgreSQL). A set-wise batch costs a few round
 * trips whatever its size, so larger batches open a burst in fewer of them.
 */
export const REMOTE_BATCH = 100;
/**
 * What one batch, its COMMIT included, should take at most on SQLite: a batch stops taking units
 * once its units have run this long, and the next one takes as many units as fit in it going by
 * this one. Units are small (catch-up jumps over downtime instead of walking it), so a stretch
 * between yields stays near this even when the disk is slow to take a COMMIT.
 */
export const BATCH_BUDGET_MS = 4;

/** Lets queued commands run between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A report of a tick that did nothing. */
export function emptyTickReport(): TickReport {
  return { resumed: 0, opened: 0, reminded: 0, missed: 0, skipped: 0, completed: 0, queued: 0 };
}

/** What one unit of work adds to the tick's report. */
type Counts = Partial<TickReport>;

/** One kind of due work: how to find it and what to do with each row. */
interface Work<T> {
  what: string;
  fetch: (tx: StoreTx, limit: number) => Promise<T[]>;
  unit: (tx: StoreTx, row: T) => Promise<Counts>;
  /**
   * Does what it can of a whole batch in a few statements (see ./open-batch.ts) and returns the
   * rows it left for {@link unit}. If it throws, the batch is rolled back and run again one unit
   * at a time, each in its own savepoint, so the one that fails is found and set aside alone.
   */
  setWise?: (tx: StoreTx, rows: T[]) => Promise<{ counts: Counts; rest: T[] }>;
}

/** Runs one tick at `now`. Idempotent: running it twice, or in two processes, does each thing once. */
export async function runTick(
  store: Store,
  now: number,
  log: Logger,
  defaultZone: string,
): Promise<TickReport> {
  const report = emptyTickReport();
  // An idle tick (almost every tick) is one probe, not six scans in six transactions.
  const due = await store.transaction((tx) => tx.anythingDue(now), {
    readOnly: true,
    isolation: "read committed",
  });
  if (!due) return report;
  const add = (c: Counts) => {
    for (const [k, v] of Object.entries(c) as [keyof TickReport, number][]) report[k] += v;
  };

  /**
   * One batch of at most `limit` rows in one transaction. Counts reach the report only once it
   * has committed. `done` counts the rows handled, `failures` the units that threw.
   */
  async function batch<T>(work: Work<T>, limit: number, setWise: boolean) {
    const started = performance.now();
    const counts: Counts[] = [];
    const r = await store.transaction(
      async (tx) => {
        counts.length = 0;
        const rows = await work.fetch(tx, limit);
        let rest = rows;
        if (setWise && work.setWise && rows.length > 0) {
          const handled = await work.setWise(tx, rows);
          counts.push(handled.counts);
          rest = handled.rest;
        }
        let done = rows.length - rest.length;
        let failures = 0;
        for (const row of rest) {
          // On SQLite a batch that has run its share stops early; the rest is still due and is
          // fetched again. Only after something succeeded: failed units would come back first.
          if (store.synchronous && done > failures && performance.now() - started > BATCH_BUDGET_MS) break;
          done++;
          try {
            counts.push(await tx.savepoint((u) => work.unit(u, row)));
          } catch (err) {
            failures++;
            log.error(
              { err: err instanceof Error ? err.message : String(err), what: work.what },
              "tick unit failed",
            );
          }
        }
        return { fetched: rows.length, done, failures };
      },
      { isolation: "read committed" },
    );
    for (const c of counts) add(c);
    return { ...r, took: performance.now() - started };
  }

  /** A batch set-wise where the work can, and unit by unit if that fails. */
  async function batchOnce<T>(work: Work<T>, limit: number) {
    if (!work.setWise) return batch(work, limit, false);
    try {
      return await batch(work, limit, true);
    } catch (err) {
      log.warn(
        { err: err instanceof Error ? err.message : String(err), what: work.what },
        "tick batch failed; running it again one unit at a time",
      );
      return batch(work, limit, false);
    }
  }

  /** Processes batches until one comes back short; a unit that throws is logged and rolled back alone. */
  async function drain<T>(work: Work<T>): Promise<void> {
    // On SQLite, how many rows the next batch may take: fewer when batches run long (a catch-up
    // writes more per unit than a burst, and its COMMIT grows with it), back up to TICK_BATCH
    // when not. Elsewhere a batch is always REMOTE_BATCH: time spent waiting blocks nothing.
    let limit = store.synchronous ? TICK_BATCH : REMOTE_BATCH;
    for (;;) {
      const { fetched, done, failures, took } = await batchOnce(work, limit);
      if (fetched === 0) return;
      // A batch whose units all failed (never cut short) would come back unchanged: leave it for
      // the next tick. On SQLite a short batch was the last. On PostgreSQL it may be short because
      // another batch took rows from under its scan (they stop matching once moved on): only an
      // empty one ends the drain.
      if (failures === done || (store.synchronous && done === fetched && fetched < limit)) return;
      if (store.synchronous) {
        limit = Math.max(1, Math.min(TICK_BATCH, limit * 2, Math.floor((done * BATCH_BUDGET_MS) / took)));
        await yieldToEventLoop();
      }
    }
  }

  /** Several drains side by side where the store runs queries elsewhere (SKIP LOCKED keeps them apart). */
  async function drainAll<T>(work: Work<T>): Promise<void> {
    const lanes = Math.max(1, store.parallelism);
    await Promise.all(Array.from({ length: lanes }, () => drain(work)));
  }

  await drainAll<CommitmentRow>({
    what: "resume",
    fetch: (tx, n) => tx.endedPauses(now, n),
    unit: async (tx, c) => {
      await resumeCommitment(tx, c, now, null);
      return { resumed: 1 };
    },
  });
  await drainAll<CommitmentRow>({
    what: "renegotiation",
    fetch: (tx, n) => tx.dueChanges(now, n),
    unit: async (tx, c) => {
      await applyPendingChange(tx, c, now);
      return { queued: 1 };
    },
  });
  await drainAll({
    what: "open",
    fetch: (tx, n) => tx.dueCommitments(now, n),
    unit: async (tx, due) => {
      const r = await openDue(tx, due, now);
      return { opened: r.opened, skipped: r.skipped, completed: r.completed ? 1 : 0 };
    },
    setWise: async (tx, dues) => {
      const r = await openDueBatch(tx, dues, now);
      return { counts: { opened: r.opened, completed: r.completed }, rest: r.rest };
    },
  });
  // Windows close before reminders go out, so a window that ended meanwhile gets no reminder.
  await drainAll({
    what: "close",
    fetch: (tx, n) => tx.closingWindows(now, n),
    unit: async (tx, ci) => {
      const closed = await closeWindow(tx, ci, now);
      return {
        missed: closed?.state === "missed" ? 1 : 0,
        skipped: closed?.state === "skipped" ? 1 : 0,
        completed: closed?.completed ? 1 : 0,
      };
    },
  });
  await drainAll({
    what: "remind",
    fetch: (tx, n) => tx.dueReminders(now, n),
    unit: async (tx, ci) => ({ reminded: (await remind(tx, ci, now)) ? 1 : 0 }),
  });
  await drainAll({
    what: "digest",
    fetch: (tx, n) => tx.dueDigests(now, n),
    unit: async (tx, person) => ({ queued: (await sendDigest(tx, person, now, defaultZone)) ? 1 : 0 }),
  });
  return report;
}

/** Applies a renegotiated change whose 24-hour delay has passed, and tells the owner. */
async function applyPendingChange(db: StoreTx, c: CommitmentRow, now: number): Promise<void> {
  const change = c.pendingChange;
  const at = c.pendingChangeAt;
  await db.updateCommitment(c.id, { pendingChange: null, pendingChangeAt: null, updatedAt: now });
  if (!change || (c.state !== "active" && c.state !== "paused")) return;
  const fresh = { ...c, pendingChange: null, pendingChangeAt: null };
  let outcome: string;
  try {
    if (change.cancel) {
      await cancelCommitment(db, fresh, now, null);
      outcome = "is now cancelled, as you asked a day ago";
    } else {
      await applyEdit(db, fresh, change, now, null);
      outcome = "now has the easier terms you asked for a day ago";
    }
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    if (err.identifier === "nothing-planned" && change.until !== undefined) {
      // The earlier end date asked for has passed meanwhile: end it now, as asked.
      await completeNow(db, fresh, now);
      outcome = "has ended, as you asked a day ago";
    } else {
      await db.appendEvent({
        commitmentId: c.id,
        kind: "change-dropped",
        data: { reason: err.message },
        at: now,
      });
      outcome = `kept its terms: the change you asked for no longer fits. ${err.message}`;
    }
  }
  const parties = await db.commitmentWithParties(c.id);
  if (!parties) return;
  await db.enqueue({
    purpose: purpose("applied", c.id, at ?? now),
    to: promptRecipient({ ...c, visibility: "private" }, parties.owner, parties.chat),
    message: {
      text: rich(
        bold(`#${c.number}`),
        " ",
        italic(c.promise),
        ` ${outcome}${/[.!?]$/.test(outcome) ? "" : "."}`,
      ),
      visibility: "chat",
    },
    personId: parties.owner.id,
    commitmentId: c.id,
    notBefore: afterQuiet(now, c.zone, quietOf(parties.owner)),
    now,
  });
}

/** Ends a commitment whose last day has passed; its open check-in (if any) still closes as usual. */
async function completeNow(db: StoreTx, c: CommitmentRow, now: number): Promise<void> {
  await db.updateCommitment(c.id, { state: "completed", nextDueAt: null, pausedUntil: null, updatedAt: now });
  await db.appendEvent({ commitmentId: c.id, kind: "completed", data: { reason: "renegotiated" }, at: now });
  await tellWitnessItEnded(db, c, now, "completed");
}
