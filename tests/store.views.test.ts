/**
 * The batched reads of /status (src/store/sqlite/views.ts and src/store/pg/views.ts) return what the per-commitment lookups they
 * replaced returned, over random data: people with open, paused, ended and witnessed commitments,
 * witnesses who left, invitations, and check-in histories longer than the 200 that count.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { COUNTED_WINDOW, countedCheckIns } from "../src/store/sqlite/checkins";
import { listCommitments, listWitnessed } from "../src/store/sqlite/commitments";
import { type OpenDb, openDatabase } from "../src/store/sqlite/db";
import { endedAt } from "../src/store/sqlite/events";
import { lastInvitation } from "../src/store/sqlite/invitations";
import { getPerson } from "../src/store/sqlite/people";
import { checkIns } from "../src/store/sqlite/schema";
import { countedOfOwner, countedOfWitness, ownCommitments, witnessedOpen } from "../src/store/sqlite/views";
import { mulberry32 } from "./support/prng";

const STATES = ["active", "paused", "completed", "cancelled"] as const;
const CHECK_IN_STATES = ["pending", "answered", "missed", "skipped"] as const;
const ANSWERS = ["kept", "partly", "missed"] as const;
const VERDICTS = [null, "confirmed", "disputed", "unsure"] as const;

/** A database of `people` people with random commitments, histories and events. */
function seed(seedValue: number, people: number): OpenDb {
  const rand = mulberry32(seedValue);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const db = openDatabase(":memory:");
  const c = db.$client;
  c.prepare(
    "INSERT INTO chats (id, platform, external_id, kind, created_at) VALUES (1, 'console', 'g', 'group', 0)",
  ).run();
  const person = c.prepare(
    "INSERT INTO people (id, platform, external_id, name, created_at) VALUES (?, 'console', ?, ?, 0)",
  );
  for (let i = 1; i <= people; i++) person.run(i, `p${i}`, `Person ${i}`);
  const commitment = c.prepare(
    `INSERT INTO commitments (id, owner_id, chat_id, number, promise, cadence, cadence_state, anchor, zone,
       visibility, state, witness_id, witness_status, witness_invite, next_due_at, pending_change, created_at, updated_at)
     VALUES (?, ?, 1, ?, ?, 'daily 20:00', '{"phase":0,"keptInPhase":0,"missesInRow":0}', '2026-01-01', 'UTC',
       ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
  );
  const checkIn = c.prepare(
    `INSERT INTO check_ins (commitment_id, due_at, window_end, state, answer, verdict, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 0)`,
  );
  const event = c.prepare("INSERT INTO events (commitment_id, kind, at) VALUES (?, ?, ?)");
  let id = 0;
  for (let owner = 1; owner <= people; owner++) {
    const count = Math.floor(rand() * 6);
    for (let number = 1; number <= count; number++) {
      id++;
      const state = pick(STATES);
      const witnessStatus = pick([null, "invited", "active"] as const);
      // Now and then the witness is someone who is not (or no longer) a person here.
      const witness = witnessStatus === null ? null : rand() < 0.1 ? null : 1 + Math.floor(rand() * people);
      commitment.run(
        id,
        owner,
        number,
        `Promise ${id}`,
        pick(["group", "private"]),
        state,
        witness,
        witnessStatus,
        witnessStatus === "invited" ? "@someone" : null,
        state === "active" ? 1_000_000 : null,
        rand() < 0.2 ? JSON.stringify({ cadence: "weekly sun 18:00" }) : null,
      );
      // Histories up to 800 check-ins, so some have more than the 200 that count.
      const history = rand() < 0.3 ? 450 + Math.floor(rand() * 350) : Math.floor(rand() * 12);
      for (let k = 0; k < history; k++) {
        const ciState = pick(CHECK_IN_STATES);
        const answer = ciState === "answered" ? pick(ANSWERS) : null;
        const verdict = answer && answer !== "missed" ? pick(VERDICTS) : null;
        checkIn.run(id, 1_000 * k, 1_000 * k + 500, ciState, answer, verdict);
      }
      const events = Math.floor(rand() * 5);
      for (let e = 0; e < events; e++) {
        event.run(
          id,
          pick(["completed", "cancelled", "witness-invited", "paused", "created"]),
          Math.floor(rand() * 100),
        );
      }
    }
  }
  // A few people leave: their witness rows point at nobody now (ON DELETE SET NULL keeps the id out).
  c.pragma("foreign_keys = OFF");
  c.prepare("DELETE FROM people WHERE id % 7 = 0").run();
  c.pragma("foreign_keys = ON");
  return db;
}

/** The newest 200 counted check-ins of one commitment, as stats.ts read them with drizzle. */
function countedByDrizzle(db: OpenDb, commitmentId: number) {
  return db
    .select({
      state: checkIns.state,
      answer: checkIns.answer,
      verdict: checkIns.verdict,
      dueAt: checkIns.dueAt,
    })
    .from(checkIns)
    .where(and(eq(checkIns.commitmentId, commitmentId), inArray(checkIns.state, ["answered", "missed"])))
    .orderBy(desc(checkIns.dueAt))
    .limit(COUNTED_WINDOW)
    .all();
}

const isOpen = (state: string) => state === "active" || state === "paused";

describe("the reads behind /status", () => {
  for (const seedValue of [1, 2, 3]) {
    it(`match the per-commitment lookups they replace (seed ${seedValue})`, () => {
      const db = seed(seedValue, 30);
      let longHistories = 0;
      for (let person = 1; person <= 30; person++) {
        const expected = listCommitments(db, person);
        const ended = endedAt(
          db,
          expected.filter((c) => !isOpen(c.state)).map((c) => c.id),
        );
        const own = ownCommitments(db, person);
        expect(own.map((v) => v.commitment)).toEqual(expected);
        for (const v of own) {
          const c = v.commitment;
          const witness =
            c.witnessStatus === "active" && c.witnessId !== null ? getPerson(db, c.witnessId) : undefined;
          expect(v.witnessName).toBe(witness?.name ?? null);
          expect(v.endedAt).toBe(ended.get(c.id) ?? null);
          expect(v.invitedAt).toBe(
            c.witnessStatus === "invited" ? (lastInvitation(db, c.id)?.at ?? null) : null,
          );
        }

        const counted = countedOfOwner(db, person);
        for (const c of expected.filter((x) => isOpen(x.state))) {
          const rows = countedByDrizzle(db, c.id);
          if (rows.length === COUNTED_WINDOW) longHistories++;
          expect(counted.get(c.id) ?? []).toEqual(rows);
          expect(countedCheckIns(db, c.id)).toEqual(rows);
        }
        expect([...counted.keys()].every((id) => expected.some((c) => c.id === id && isOpen(c.state)))).toBe(
          true,
        );

        const witnessed = listWitnessed(db, person)
          .filter((c) => c.witnessStatus === "active" && isOpen(c.state))
          .sort((a, b) => a.ownerId - b.ownerId || a.number - b.number);
        const view = witnessedOpen(db, person);
        expect(view.map((v) => v.commitment)).toEqual(witnessed);
        expect(view.map((v) => v.ownerName)).toEqual(
          witnessed.map((c) => getPerson(db, c.ownerId)?.name ?? null),
        );
        const countedW = countedOfWitness(db, person);
        for (const c of witnessed) expect(countedW.get(c.id) ?? []).toEqual(countedByDrizzle(db, c.id));
      }
      // The data really holds histories longer than the window.
      expect(longHistories).toBeGreaterThan(0);
      db.$client.close();
    });
  }
});
