/**
 * The scheduler tick: finds due work through indexed queries on due times (nothing is held in
 * memory per commitment) and records it, with its outbox messages, in short transactions.
 * Work is claimed in batches of {@link TICK_BATCH} rows, one transaction per batch and a
 * savepoint per unit, so a unit that fails is rolled back alone.
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
import { purpose } from "./purposes";
import { afterQuiet, quietOf } from "./quiet";
import { promptRecipient } from "./recipients";

/** Rows claimed per statement and per transaction. */
export const TICK_BATCH = 25;
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

  /** One batch in one transaction. Counts reach the report only once it has committed. */
  async function batch<T>(work: Work<T>, limit: number) {
    const started = performance.now();
    const counts: Counts[] = [];
    const r = await store.transaction(
      async (tx) => {
        counts.length = 0;
        const rows = await work.fetch(tx, TICK_BATCH);
        let done = 0;
        let failures = 0;
        for (const row of rows) {
          // A batch that has run its share stops early; the rest is still due and is fetched
          // again. Only after some unit succeeded: failed ones would come back first.
          if (
            store.synchronous &&
            done > failures &&
            (done >= limit || performance.now() - started > BATCH_BUDGET_MS)
          )
            break;
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

  /** Processes batches until one comes back short; a unit that throws is logged and rolled back alone. */
  async function drain<T>(work: Work<T>): Promise<void> {
    // How many units the next batch may take: fewer when batches run long (a catch-up writes
    // more per unit than a burst, and its COMMIT grows with it), back up to TICK_BATCH when not.
    let limit = TICK_BATCH;
    for (;;) {
      const { fetched, done, failures, took } = await batch(work, limit);
      if (fetched === 0) return;
      limit = Math.max(1, Math.min(TICK_BATCH, limit * 2, Math.floor((done * BATCH_BUDGET_MS) / took)));
      // A short batch was the last; one whose units all failed (never cut short) would come back
      // unchanged: leave it for the next tick.
      if ((done === fetched && fetched < TICK_BATCH) || failures === done) return;
      if (store.synchronous) await yieldToEventLoop();
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
