/**
 * What `/status` reads, in four hand-prepared statements for all of a person's commitments and
 * the ones they witness, rather than drizzle queries for each commitment (drizzle builds and
 * prepares its SQL on every call, about 0.1 ms a query here, and /status made one to three for
 * every commitment: 1.5 ms for ten, against 0.3 ms now). Each function returns what the
 * per-commitment lookups returned (tests/store.views.test.ts compares them).
 */
import { COUNTED_WINDOW, groupByCommitment, OPEN_STATES } from "../counting";
import type { CountedCheckIn } from "./checkins";
import type { Db } from "./db";
import { positional, positionalList } from "./positional";
import { perConnection } from "./raw";
import { type CommitmentRow, commitments } from "./schema";

const commitmentCols = positional(commitments);

/** One of a person's own commitments, as /status tells it. */
export interface OwnCommitment {
  commitment: CommitmentRow;
  /** The name of its active witness; null when it has none, or they left Amends. */
  witnessName: string | null;
  /** When it ended (its newest `completed` or `cancelled` entry); null while open, or with none. */
  endedAt: number | null;
  /** While a witness invitation is open: when the newest one was sent (null when none is recorded). */
  invitedAt: number | null;
}

/** A commitment the person witnesses, with the name of its owner. */
export interface Witnessed {
  commitment: CommitmentRow;
  /** Null when the owner is no longer known. */
  ownerName: string | null;
}

const OPEN = `(${OPEN_STATES.map((s) => `'${s}'`).join(", ")})`;

/**
 * The newest {@link COUNTED_WINDOW} counted check-ins (answered, or closed with no answer) of
 * each commitment `chosen` selects, newest first: the cut-off (the due time of the window's
 * oldest) is found once per commitment, then one range of the (commitment, due time) index is read.
 */
const countedOf = (chosen: string) => `
  WITH chosen AS MATERIALIZED (
    SELECT c.id AS id, coalesce((
      SELECT k2.due_at FROM check_ins k2
      WHERE k2.commitment_id = c.id AND k2.state IN ('answered', 'missed')
      ORDER BY k2.due_at DESC LIMIT 1 OFFSET ${COUNTED_WINDOW - 1}), -9223372036854775808) AS cutoff
    FROM commitments c WHERE ${chosen})
  SELECT k.commitment_id AS id, k.state AS state, k.answer AS answer, k.verdict AS verdict,
    k.due_at AS dueAt
  FROM chosen JOIN check_ins k ON k.commitment_id = chosen.id AND k.due_at >= chosen.cutoff
  WHERE k.state IN ('answered', 'missed')
  ORDER BY k.commitment_id, k.due_at DESC`;

const statements = perConnection((client) => ({
  own: client
    .prepare(
      `SELECT ${positionalList(commitments, "c")},
         w.name,
         CASE WHEN c.state NOT IN ${OPEN} THEN (
           SELECT max(e.at) FROM events e
           WHERE e.commitment_id = c.id AND e.kind IN ('completed', 'cancelled')) END,
         CASE WHEN c.witness_status = 'invited' THEN (
           SELECT e.at FROM events e WHERE e.commitment_id = c.id AND e.kind = 'witness-invited'
           ORDER BY e.at DESC, e.id DESC LIMIT 1) END
       FROM commitments c
       LEFT JOIN people w ON w.id = c.witness_id AND c.witness_status = 'active'
       WHERE c.owner_id = ?
       ORDER BY c.number`,
    )
    .raw(true),
  witnessed: client
    .prepare(
      `SELECT ${positionalList(commitments, "c")}, o.name
       FROM commitments c LEFT JOIN people o ON o.id = c.owner_id
       WHERE c.witness_id = ? AND c.witness_status = 'active' AND c.state IN ${OPEN}
       ORDER BY c.owner_id, c.number`,
    )
    .raw(true),
  countedOwn: client.prepare(countedOf(`c.owner_id = ? AND c.state IN ${OPEN}`)),
  countedWitnessed: client.prepare(
    countedOf(`c.witness_id = ? AND c.witness_status = 'active' AND c.state IN ${OPEN}`),
  ),
}));

/** All of a person's commitments, by number, with what /status says beside each. */
export function ownCommitments(db: Db, ownerId: number): OwnCommitment[] {
  const w = commitmentCols.width;
  return (statements(db).own.all(ownerId) as unknown[][]).map((r) => ({
    commitment: commitmentCols.map(r),
    witnessName: (r[w] as string | null) ?? null,
    endedAt: (r[w + 1] as number | null) ?? null,
    invitedAt: (r[w + 2] as number | null) ?? null,
  }));
}

/**
 * The open (active or paused) commitments a person actively witnesses, by owner and number,
 * each with its owner's name.
 */
export function witnessedOpen(db: Db, witnessId: number): Witnessed[] {
  const w = commitmentCols.width;
  return (statements(db).witnessed.all(witnessId) as unknown[][]).map((r) => ({
    commitment: commitmentCols.map(r),
    ownerName: (r[w] as string | null) ?? null,
  }));
}

/**
 * The newest counted check-ins (up to {@link COUNTED_WINDOW}, newest first) of each of a
 * person's open commitments; one with none is absent.
 */
export function countedOfOwner(db: Db, ownerId: number): Map<number, CountedCheckIn[]> {
  return groupByCommitment(statements(db).countedOwn.all(ownerId) as (CountedCheckIn & { id: number })[]);
}

/** The same for the open commitments a person actively witnesses. */
export function countedOfWitness(db: Db, witnessId: number): Map<number, CountedCheckIn[]> {
  return groupByCommitment(
    statements(db).countedWitnessed.all(witnessId) as (CountedCheckIn & { id: number })[],
  );
}
