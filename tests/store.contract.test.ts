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

  it("does set-wise what the row-by-row operations do, in the order given", async () => {
    const store = openStore();
    const DAY = 86_400_000;
    await store.transaction(async (tx) => {
      const a = await aCommitment(tx, "sam");
      const b = await aCommitment(tx, "kim");
      const c = await aCommitment(tx, "lee");
      // Compare-and-set per row: c no longer holds the time expected of it.
      expect(await tx.advanceDue(c, T0, T0 + DAY, T0)).toBe(true);
      const moved = await tx.advanceDueMany(
        [
          { id: b, expected: T0, next: T0 + DAY },
          { id: a, expected: T0, next: null },
          { id: c, expected: T0, next: T0 + 2 * DAY },
        ],
        T0 + 1,
      );
      expect(moved.sort()).toEqual([a, b].sort());
      expect((await tx.commitmentWithParties(a))?.commitment.nextDueAt).toBeNull();
      expect((await tx.commitmentWithParties(c))?.commitment.nextDueAt).toBe(T0 + DAY);

      const row = (commitmentId: number, dueAt: number, state: "pending" | "missed" | "answered") => ({
        commitmentId,
        dueAt,
        windowEnd: dueAt + 3_600_000,
        remindAt: state === "pending" ? dueAt + 1_800_000 : null,
        state,
        createdAt: T0,
      });
      const single = await tx.insertCheckIn(row(a, T0 - 2 * DAY, "missed"));
      // One already there is left out; the rest come back in the order given, as written.
      const inserted = await tx.insertCheckIns([
        row(b, T0, "pending"),
        row(a, T0 - 2 * DAY, "missed"),
        row(a, T0 - DAY, "answered"),
        row(c, T0, "pending"),
      ]);
      expect(inserted.map((k) => [k.commitmentId, k.dueAt, k.state, k.remindAt])).toEqual([
        [b, T0, "pending", T0 + 1_800_000],
        [a, T0 - DAY, "answered", null],
        [c, T0, "pending", T0 + 1_800_000],
      ]);
      expect(inserted.every((k) => k.id > (single?.id ?? 0))).toBe(true);
      expect(await tx.getCheckIn(inserted[0]?.id ?? 0)).toEqual(inserted[0]);
      expect(await tx.insertCheckIns([])).toEqual([]);

      const opts = { asOf: T0 + 3_600_000, lateFrom: T0, limit: 3 };
      const closings = await tx.recentClosingsOf([c, a, b, 999_999], opts);
      expect([...closings.keys()]).toEqual([c, a, b, 999_999]);
      for (const id of [a, b, c]) expect(closings.get(id)).toEqual(await tx.recentClosings(id, opts));
      expect(closings.get(a)?.map((k) => k.state)).toEqual(["answered", "missed"]);
      expect(closings.get(999_999)).toEqual([]);

      const sam = (await tx.findPerson("console", "sam"))?.id ?? 0;
      const kim = (await tx.findPerson("console", "kim"))?.id ?? 0;
      const lee = (await tx.findPerson("console", "lee"))?.id ?? 0;
      // lee's is due in a day, kim's too; sam's has none left.
      expect([...(await tx.ownersDueSoon([sam, kim, lee], T0, T0 + DAY))].sort()).toEqual([kim, lee].sort());
      expect([...(await tx.ownersDueSoon([sam, kim, lee], T0 + DAY, T0 + 2 * DAY))]).toEqual([]);
      expect((await tx.ownersDueSoon([], T0, T0 + DAY)).size).toBe(0);

      expect(await tx.enqueue(message("prompt:1"))).toBe(true);
      expect(await tx.enqueueMany([message("prompt:2"), message("prompt:1"), message("prompt:3")])).toBe(2);
      expect(await tx.enqueueMany([])).toBe(0);
      expect(await tx.recentSends(0, T0)).toEqual([]);
      const claimed = await tx.claimReady({ owner: "w", now: T0, leaseMs: 60_000, limit: 10 });
      // Written in the order given: the dispatcher sends a chat's messages in that order.
      expect(claimed.map((m) => m.purpose)).toEqual(["prompt:1", "prompt:2", "prompt:3"]);
      expect(claimed[1]?.message).toEqual(message("prompt:2").message);
      expect(claimed[1]?.to).toEqual(TO);
      // What a new sending leader counts as sent: what was sent since, at its time, and what
      // another sender holds leased, as now.
      expect(await tx.markSent(claimed[0]?.id ?? 0, "w", T0 + 5)).toBe(true);
      expect(await tx.markSent(claimed[1]?.id ?? 0, "w", T0 + 9)).toBe(true);
      const counted = await tx.recentSends(T0 + 6, T0 + 100);
      expect(counted.map((c) => c.at).sort()).toEqual([T0 + 9, T0 + 100]);
      expect(counted.every((c) => c.to.chatId === TO.chatId && c.to.platform === TO.platform)).toBe(true);
      expect((await tx.recentSends(T0 + 6, T0 + 60_000)).map((c) => c.at)).toEqual([T0 + 9]);
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

  it("counts the outbox backlog: due and undelivered, leased or not, with the oldest due time", async () => {
    const store = openStore();
    const backlog = (now: number) => store.transaction((tx) => tx.outboxBacklog(now), { readOnly: true });
    expect(await backlog(T0)).toEqual({ ready: 0, oldestReadyAt: null });
    await store.transaction(async (tx) => {
      await tx.enqueue(message("sent", T0 - 300_000));
      await tx.enqueue(message("failed", T0 - 240_000));
      await tx.enqueue(message("oldest", T0 - 120_000));
      await tx.enqueue(message("leased", T0 - 60_000));
      await tx.enqueue(message("due now", T0));
      await tx.enqueue(message("later", T0 + 60_000));
      const claimed = await tx.claimReady({ owner: "w", now: T0, leaseMs: 60_000, limit: 4 });
      const id = (purpose: string) => claimed.find((m) => m.purpose === purpose)?.id ?? 0;
      expect(await tx.markSent(id("sent"), "w", T0)).toBe(true);
      expect(await tx.markFailed(id("failed"), "w", T0, "chat gone")).toBe(true);
      expect(await tx.release(id("oldest"), "w", T0 - 120_000)).toBe(true);
      // "leased" stays leased: in flight is not delivered.
    });
    expect(await backlog(T0)).toEqual({ ready: 3, oldestReadyAt: T0 - 120_000 });
    expect(await backlog(T0 - 1)).toEqual({ ready: 2, oldestReadyAt: T0 - 120_000 });
    expect(await backlog(T0 + 60_000)).toEqual({ ready: 4, oldestReadyAt: T0 - 120_000 });
    expect(await backlog(T0 - 200_000)).toEqual({ ready: 0, oldestReadyAt: null });
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
