/**
 * The tick opens a burst of due check-ins set-wise (src/engine/open-batch.ts) and falls back to
 * one unit at a time for what is not the plain case, or when a set-wise batch fails. Both ways
 * must write the same thing. A week of many people's commitments of every shape (together,
 * private, quiet hours, last occurrence, graduated, weekly, once; answered, ignored until silent;
 * a downtime with catch-up) runs twice from the same inputs: once as shipped, once with the
 * set-wise operations taken away (each batch then fails and runs again unit by unit). What was
 * delivered, the replies, and every check-in and commitment must be the same.
 */
import { describe, expect, it } from "vitest";
import type { Store, StoreTx } from "../src/store/port";
import { MIN } from "./support/followup";
import { dm, GROUP } from "./support/harness";
import { allCheckIns, allCommitments } from "./support/inspect";
import { mulberry32 } from "./support/prng";
import { type Received, rhythmBot } from "./support/rhythm";
import { realStore } from "./support/stores";

const SET_WISE = ["ownersDueSoon", "advanceDueMany", "insertCheckIns", "recentClosingsOf", "enqueueMany"];

/** `store` without the set-wise operations: calling one fails, as a broken batch would. */
function unitByUnit(store: Store): Store & { refused: number } {
  const wrapped = {
    refused: 0,
    // The harness's readers look at the tables of the store underneath.
    ready: realStore(store),
    get dialect() {
      return store.dialect;
    },
    get synchronous() {
      return store.synchronous;
    },
    get parallelism() {
      return store.parallelism;
    },
    transaction: <T>(fn: (tx: StoreTx) => Promise<T>, opts?: Parameters<Store["transaction"]>[1]) =>
      store.transaction(
        (tx) =>
          fn(
            new Proxy(tx, {
              get(target, key, receiver) {
                if (typeof key === "string" && SET_WISE.includes(key))
                  return () => {
                    wrapped.refused++;
                    return Promise.reject(new Error(`${key} taken away by the test`));
                  };
                return Reflect.get(target, key, receiver);
              },
            }),
          ),
        opts,
      ),
    eraseTraces: () => store.eraseTraces(),
    close: () => store.close(),
  };
  return wrapped;
}

const SHAPES = [
  "cadence: daily 20:00",
  "cadence: daily 20:05",
  "cadence: daily 20:00 private",
  "cadence: daily 23:30",
  "cadence: daily 08:00",
  "cadence: daily 12:00 until: 2026-12-01",
  "cadence: graduated 21:00",
  "cadence: weekly sun 18:00",
  "cadence: every 3 days 20:00",
  "cadence: once 2026-12-02 20:00",
  "cadence: daily 21:00 private",
];
const PEOPLE = 18;
const DAY = 24 * 60 * MIN;

/** Everything the run showed and left, with ids left out (the two ways may number rows differently). */
interface Outcome {
  delivered: string[];
  replies: string[];
  checkIns: string[];
  commitments: string[];
}

async function week(setWise: boolean): Promise<Outcome & { refused: number }> {
  let taken: ReturnType<typeof unitByUnit> | undefined;
  const bot = rhythmBot(
    "2026-11-29T11:00:00Z",
    {},
    setWise ? undefined : (store) => (taken = unitByUnit(store)),
  );
  const random = mulberry32(20261203);
  const replies: string[] = [];
  const names = Array.from({ length: PEOPLE }, (_, i) => `p${i}`);
  for (const name of names) {
    const count = 1 + Math.floor(random() * 3);
    for (let k = 0; k < count; k++) {
      const shape = SHAPES[Math.floor(random() * SHAPES.length)];
      replies.push(await bot.sayAndDrain(name, `/commit Promise ${k} of ${name} ${shape}`));
    }
  }
  /** The newest prompt `name` could answer, and where. */
  const promptOf = (name: string): Received | undefined => {
    for (let i = bot.received.length - 1; i >= 0; i--) {
      const r = bot.received[i];
      if (!r) continue;
      const theirs = r.reader === name || r.text.startsWith(`@${name},`);
      if (theirs && r.labels.some((l) => /Kept$/.test(l))) return r;
    }
    return undefined;
  };
  const start = bot.clock.ms;
  for (let day = 0; day < 7; day++) {
    // The bot is down from the night of day 2 to 21:00 on day 4 (3 Dec): nothing ticks, then
    // one tick catches up (2 Dec's occurrences skipped, 3 Dec's prompted late).
    if (day === 3) continue;
    if (day === 4) bot.clock.ms = start + 4 * DAY + 10 * 60 * MIN;
    await bot.run(start + day * DAY + 13 * 60 * MIN, 10 * MIN);
    for (const name of names) {
      const prompt = promptOf(name);
      const roll = random();
      // Some answer, some stay quiet for days (their commitments fall silent).
      if (!prompt || roll < 0.4 || name.endsWith("7")) continue;
      const answer = roll < 0.7 ? "Kept" : roll < 0.85 ? "Partly" : "Missed";
      const label = prompt.labels.find((l) => l.endsWith(answer));
      if (!label) continue;
      const chat = prompt.reader === "group" ? GROUP : dm(name);
      const out = await bot.click(name, prompt.message, label, chat);
      replies.push(out.map((r) => JSON.stringify(r.text)).join("|"));
      await bot.dispatcher.drain();
    }
  }
  const checkIns = (await allCheckIns(bot)).map(({ id: _id, ...rest }) => JSON.stringify(rest)).sort();
  const commitments = (await allCommitments(bot)).map((c) => JSON.stringify(c)).sort();
  await bot.store.close();
  return {
    // Each chat in the order it read them (the dispatcher keeps order within a chat, not across).
    delivered: [...bot.received]
      .map((r, i) => ({ r, i }))
      .sort((a, b) => a.r.reader.localeCompare(b.r.reader) || a.i - b.i)
      .map(({ r }) => `${r.reader} ${new Date(r.at).toISOString()} ${r.text} [${r.labels.join(", ")}]`),
    replies,
    checkIns,
    commitments,
    refused: taken?.refused ?? 0,
  };
}

describe("opening due check-ins set-wise", () => {
  it("writes and delivers what opening them one at a time does, over a week of every shape", async () => {
    const setWise = await week(true);
    const unitWise = await week(false);
    // The comparison means something: prompts went out, the fallback ran, and silence, quiet
    // hours, catch-up and prompts that go together all happened.
    expect(unitWise.refused).toBeGreaterThan(0);
    expect(setWise.delivered.length).toBeGreaterThan(100);
    const all = setWise.delivered.join("\n");
    expect(all).toMatch(/time to check in on these/);
    expect(setWise.checkIns.some((c) => c.includes('"state":"skipped"'))).toBe(true);
    expect(all).toMatch(/^p7 \S+ Time to check in/m);
    expect(all).toMatch(/got no answer\. Its check-ins come here now/);
    expect(setWise.delivered.some((d) => /T08:00:00\.000Z .*time to check in/i.test(d))).toBe(true);

    expect(unitWise.delivered).toEqual(setWise.delivered);
    expect(unitWise.replies).toEqual(setWise.replies);
    expect(unitWise.checkIns).toEqual(setWise.checkIns);
    expect(unitWise.commitments).toEqual(setWise.commitments);
  }, 120_000);
});
