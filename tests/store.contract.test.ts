/**
 * The store port's contract (src/store/port.ts), checked through the port alone, so it holds for
 * whichever store this run uses: SQLite in the `fast` project, PostgreSQL in `postgres`. What the
 * engine relies on: a transaction is all or nothing, a savepoint undoes only its own writes, the
 * database refuses a second check-in for the same due time and a second message for the same
 * purpose, claims never hand one row to two owners, compare-and-set writes lose cleanly.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Store, StoreTx } from "../src/store/port";
import type { Recipient } from "../src/types";
import { closeStore, openStore } from "./support/inspect";
import { tempDir } from "./support/people-bot";
import { TEST_DIALECT } from "./support/stores";

const T0 = Date.parse("2026-12-01T09:00:00Z");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Two stores on one database, as two processes would have. */
function twoStores(): [Store, Store] {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const file = join(dir, "contract.sqlite");
  return [openStore(file), openStore(file)];
}

const actor = (id: string) => ({ platform: "console" as const, id, name: id, username: id });
const GROUP = { platform: "console" as const, id: "g", kind: "group" as const, title: "g" };
const TO: Recipient = { platform: "console", chatId: "g", chatKind: "group" };

/** An owner, a chat and an active commitment due at T0; returns the commitment's id. */
async function aCommitment(tx: StoreTx, owner = "sam"): Promise<number> {
  const me = await tx.ensurePerson(actor(owner), { quiet: null }, T0);
  const chat = await tx.ensureChat(GROUP, T0);
  const c = await tx.insertCommitment({
    ownerId: me.id,
    chatId: chat.id,
    promise: "Call my sister",
    step: null,
    cadence: "daily 09:00",
    cadenceState: { phase: 0, keptInPhase: 0, missesInRow: 0 },
    anchor: "2026-12-01",
    zone: "UTC",
    visibility: "group",
    state: "active",
    nextDueAt: T0,
    createdAt: T0,
    updatedAt: T0,
  });
  return c.id;
}

const message = (purpose: string, notBefore = T0) => ({
  purpose,
  to: TO,
  message: { text: [{ t: "text" as const, text: purpose }], visibility: "chat" as const },
  notBefore,
  now: T0,
});

describe(`the store port on ${TEST_DIALECT}`, () => {
  it("keeps nothing of a transaction that throws, and everything of one that returns", async () => {
    const store = openStore();
    await expect(
      store.transaction(async (tx) => {
        await aCommitment(tx);
        throw new Error("refused halfway");
      }),
    ).rejects.toThrow("refused halfway");
    expect(await store.transaction((tx) => tx.findPerson("console", "sam"))).toBeUndefined();

    const id = await store.transaction((tx) => aCommitment(tx));
    expect((await store.transaction((tx) => tx.commitmentWithParties(id)))?.owner.name).toBe("sam");
    await closeStore({ store });
  });

  it("undoes only a failed savepoint's writes; the transaction goes on", async () => {
    const store = openStore();
    const id = await store.transaction(async (tx) => {
      const id = await aCommitment(tx);
      await expect(
        tx.savepoint(async (u) => {
          await u.appendEvent({ commitmentId: id, kind: "paused", at: T0 });
          throw new Error("this unit failed");
        }),
      ).rejects.toThrow("this unit failed");
      await tx.savepoint((u) => u.appendEvent({ commitmentId: id, kind: "resumed", at: T0 }));
      return id;
    });
    const events = await store.transaction((tx) => tx.listCommitmentEvents(id));
    expect(events.map((e) => e.kind)).toEqual(["resumed"]);
    await closeStore({ store });
  });

  it("opens one check-in per commitment and due time, and queues one message per purpose", async () => {
    const store = openStore();
    await store.transaction(async (tx) => {
      const id = await aCommitment(tx);
      const ci = {
        commitmentId: id,
        dueAt: T0,
        windowEnd: T0 + 3_600_000,
        state: "pending" as const,
        createdAt: T0,
      };
      expect((await tx.insertCheckIn(ci))?.dueAt).toBe(T0);
      expect(await tx.insertCheckIn(ci)).toBeUndefined();
      expect(await tx.enqueue(message("prompt:1"))).toBe(true);
      expect(await tx.enqueue(message("prompt:1"))).toBe(false);
    });
    await closeStore({ store });
  });

  it("moves a due time on only from the value it still holds (compare-and-set)", async () => {
    const store = openStore();
    await store.transaction(async (tx) => {
      const id = await aCommitment(tx);
      expect(await tx.advanceDue(id, T0, T0 + 86_400_000, T0)).toBe(true);
      // A second tick that read the old due time loses, and changes nothing.
      expect(await tx.advanceDue(id, T0, T0 + 2 * 86_400_000, T0)).toBe(false);
      expect((await tx.commitmentWithParties(id))?.commitment.nextDueAt).toBe(T0 + 86_400_000);
    });
    await closeStore({ store });
  });

  it("says when there is work, and when the next work is", async () => {
    const store = openStore();
    expect(await store.transaction((tx) => tx.anythingDue(T0))).toBe(false);
    expect(await store.transaction((tx) => tx.nextWorkAt())).toBeNull();
    await store.transaction(async (tx) => {
      await aCommitment(tx);
      await tx.enqueue(message("later", T0 - 60_000));
    });
    expect(await store.transaction((tx) => tx.anythingDue(T0 - 1))).toBe(false);
    expect(await store.transaction((tx) => tx.anythingDue(T0))).toBe(true);
    expect(await store.transaction((tx) => tx.nextWorkAt())).toBe(T0 - 60_000);
    const due = await store.transaction((tx) => tx.dueCommitments(T0, 10));
    expect(due.map((d) => [d.owner.name, d.chat.externalId])).toEqual([["sam", "g"]]);
    await closeStore({ store });
  });

  it("hands each ready row to one of two claimers, and honours the lease", async () => {
    const [a, b] = twoStores();
    await a.transaction(async (tx) => {
      for (let i = 0; i < 200; i++) await tx.enqueue(message(`prompt:${i}`));
    });
    const claim = (s: Store, owner: string) =>
      s.transaction((tx) => tx.claimReady({ owner, now: T0, leaseMs: 60_000, limit: 30 }), {
        isolation: "read committed",
      });
    const seen = new Map<number, string>();
    for (let round = 0; round < 10; round++) {
      const [ra, rb] = await Promise.all([claim(a, "a"), claim(b, "b")]);
      for (const [owner, rows] of [
        ["a", ra],
        ["b", rb],
      ] as const) {
        for (const r of rows) {
          expect(seen.has(r.id), `row ${r.id} claimed twice`).toBe(false);
          seen.set(r.id, owner);
        }
      }
    }
    expect(seen.size).toBe(200);
    // Leased rows are nobody else's until the lease runs out; the holder's writes count.
    expect(await claim(a, "c")).toEqual([]);
    const [first] = [...seen];
    if (!first) throw new Error("nothing claimed");
    const [id, owner] = first;
    const other = owner === "a" ? "b" : "a";
    expect(await a.transaction((tx) => tx.markSent(id, other, T0))).toBe(false);
    expect(await a.transaction((tx) => tx.markSent(id, owner, T0))).toBe(true);
    const expired = await a.transaction((tx) =>
      tx.claimReady({ owner: "late", now: T0 + 60_000, leaseMs: 60_000, limit: 500 }),
    );
    expect(expired).toHaveLength(199);
    await closeStore({ store: a });
    await closeStore({ store: b });
  });

  it("records one person once when two processes meet them at the same moment", async () => {
    const [a, b] = twoStores();
    const [pa, pb] = await Promise.all([
      a.transaction((tx) => tx.ensurePerson(actor("kim"), { quiet: null }, T0)),
      b.transaction((tx) => tx.ensurePerson(actor("kim"), { quiet: null }, T0)),
    ]);
    expect(pa.id).toBe(pb.id);
    await closeStore({ store: a });
    await closeStore({ store: b });
  });

  it("numbers two commitments made at the same moment in two processes #1 and #2", async () => {
    const [a, b] = twoStores();
    await a.transaction((tx) => tx.ensureChat(GROUP, T0));
    const ids = await Promise.all([
      a.transaction((tx) => aCommitment(tx)),
      b.transaction((tx) => aCommitment(tx)),
    ]);
    const numbers = await a.transaction(async (tx) => {
      const sam = await tx.findPerson("console", "sam");
      return sam ? (await tx.listCommitments(sam.id)).map((c) => c.number) : [];
    });
    expect(new Set(ids).size).toBe(2);
    expect(numbers).toEqual([1, 2]);
    await closeStore({ store: a });
    await closeStore({ store: b });
  });
});
