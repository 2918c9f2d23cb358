/**
 * The scheduler tick: finds due work through indexed queries on due times (nothing is held in
 * memory per commitment) and records it, with its outbox messages, in short transactions.
 * Work is claimed in batches of {@link TICK_BATCH} rows, each cut short after
 * {@link BATCH_BUDGET_MS}, so each synchronous stretch stays well under 10 ms and commands keep
 * flowing between batches during a burst or a catch-up after downtime.
 */
import { UserError } from "../errors";
import type { Logger } from "../log";
import { bold, italic, rich } from "../richtext";
import { commitmentWithParties, tickQueries } from "../store/sqlite/checkins";
import { updateCommitment } from "../store/sqlite/commitments";
import type { Db } from "../store/sqlite/db";
import { appendEvent } from "../store/sqlite/events";
import { enqueue } from "../store/sqlite/outbox";
import { clientOf } from "../store/sqlite/raw";
import type { CommitmentRow } from "../store/sqlite/schema";
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
 * What one batch, its COMMIT included, should take at most: a batch stops taking units once its
 * units have run this long, and the next one takes as many units as fit in it going by this one.
 * Units are small (catch-up jumps over downtime instead of walking it), so a stretch between
 * yields stays near this even when the disk is slow to take a COMMIT.
 */
export const BATCH_BUDGET_MS = 4;

type Transaction = (run: () => void) => void;
const madeFor = new WeakMap<object, { batch: Transaction; unitTx: Transaction }>();

/**
 * better-sqlite3's own transaction functions, made once per connection (an idle tick makes no
 * other allocation worth the name): nested calls become cached savepoints, where drizzle's
 * build and prepare their SQL on every call.
 */
function transactions(db: Db): { batch: Transaction; unitTx: Transaction } {
  const client = clientOf(db);
  let made = madeFor.get(client);
  if (!made) {
    made = {
      batch: client.transaction((run: () => void) => run()),
      unitTx: client.transaction((run: () => void) => run()),
    };
    madeFor.set(client, made);
  }
  return made;
}

/** Lets queued commands run between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A report of a tick that did nothing. */
export function emptyTickReport(): TickReport {
  return { resumed: 0, opened: 0, reminded: 0, missed: 0, skipped: 0, completed: 0, queued: 0 };
}

/** Runs one tick at `now`. Idempotent: running it twice, or in two processes, does each thing once. */
export async function runTick(db: Db, now: number, log: Logger, defaultZone: string): Promise<TickReport> {
  const report = emptyTickReport();
  const q = tickQueries(db);
  const { batch, unitTx } = transactions(db);

  /** Processes batches until one comes back short; a unit that throws is logged and rolled back alone. */
  async function drain<T>(fetch: () => T[], unit: (row: T) => void, what: string): Promise<void> {
    // How many units the next batch may take: fewer when batches run long (a catch-up writes
    // more per unit than a burst, and its COMMIT grows with it), back up to TICK_BATCH when not.
    let limit = TICK_BATCH;
    for (;;) {
      const rows = fetch();
      if (rows.length === 0) return;
      let done = 0;
      let failures = 0;
      const started = performance.now();
      batch(() => {
        for (const row of rows) {
          // A batch that has run its share stops early; the rest is still due and is fetched
          // again after the yield. Only after some unit succeeded: failed ones would come back first.
          if (done > failures && (done >= limit || performance.now() - started > BATCH_BUDGET_MS)) break;
          done++;
          try {
            unitTx(() => unit(row));
          } catch (err) {
            failures++;
            log.error({ err: err instanceof Error ? err.message : String(err), what }, "tick unit failed");
          }
        }
      });
      const took = performance.now() - started;
      limit = Math.max(1, Math.min(TICK_BATCH, limit * 2, Math.floor((done * BATCH_BUDGET_MS) / took)));
      // A short batch was the last; one whose units all failed (never cut short) would come back
      // unchanged: leave it for the next tick.
      if ((done === rows.length && rows.length < TICK_BATCH) || failures === done) return;
      await yieldToEventLoop();
    }
  }

  await drain(
    () => q.endedPauses(now, TICK_BATCH),
    (c) => {
      resumeCommitment(db, c, now, null);
      report.resumed++;
    },
    "resume",
  );
  await drain(
    () => q.dueChanges(now, TICK_BATCH),
    (c) => {
      applyPendingChange(db, c, now);
      report.queued++;
    },
    "renegotiation",
  );
  await drain(
    () => q.dueCommitments(now, TICK_BATCH),
    (due) => {
      const r = openDue(db, due, now);
      report.opened += r.opened;
      report.skipped += r.skipped;
      if (r.completed) report.completed++;
    },
    "open",
  );
  // Windows close before reminders go out, so a window that ended meanwhile gets no reminder.
  await drain(
    () => q.closingWindows(now, TICK_BATCH),
    (ci) => {
      const closed = closeWindow(db, ci, now);
      if (closed?.state === "missed") report.missed++;
      if (closed?.state === "skipped") report.skipped++;
      if (closed?.completed) report.completed++;
    },
    "close",
  );
  await drain(
    () => q.dueReminders(now, TICK_BATCH),
    (ci) => {
      if (remind(db, ci, now)) report.reminded++;
    },
    "remind",
  );
  await drain(
    () => q.dueDigests(now, TICK_BATCH),
    (person) => {
      if (sendDigest(db, person, now, defaultZone)) report.queued++;
    },
    "digest",
  );
  return report;
}

/** Applies a renegotiated change whose 24-hour delay has passed, and tells the owner. */
function applyPendingChange(db: Db, c: CommitmentRow, now: number): void {
  const change = c.pendingChange;
  const at = c.pendingChangeAt;
  updateCommitment(db, c.id, { pendingChange: null, pendingChangeAt: null, updatedAt: now });
  if (!change || (c.state !== "active" && c.state !== "paused")) return;
  const fresh = { ...c, pendingChange: null, pendingChangeAt: null };
  let outcome: string;
  try {
    if (change.cancel) {
      cancelCommitment(db, fresh, now, null);
      outcome = "is now cancelled, as you asked a day ago";
    } else {
      applyEdit(db, fresh, change, now, null);
      outcome = "now has the easier terms you asked for a day ago";
    }
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    if (err.identifier === "nothing-planned" && change.until !== undefined) {
      // The earlier end date asked for has passed meanwhile: end it now, as asked.
      completeNow(db, fresh, now);
      outcome = "has ended, as you asked a day ago";
    } else {
      appendEvent(db, { commitmentId: c.id, kind: "change-dropped", data: { reason: err.message }, at: now });
      outcome = `kept its terms: the change you asked for no longer fits. ${err.message}`;
    }
  }
  const parties = commitmentWithParties(db, c.id);
  if (!parties) return;
  enqueue(db, {
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
function completeNow(db: Db, c: CommitmentRow, now: number): void {
  updateCommitment(db, c.id, { state: "completed", nextDueAt: null, pausedUntil: null, updatedAt: now });
  appendEvent(db, { commitmentId: c.id, kind: "completed", data: { reason: "renegotiated" }, at: now });
  tellWitnessItEnded(db, c, now, "completed");
}
