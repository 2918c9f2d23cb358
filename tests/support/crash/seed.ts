/**
 * Seeds the crash test's database (an SQLite file or a PostgreSQL schema, see ./store.ts) through
 * the real engine (`/commit` as people type it), then moves every commitment's first due time to
 * a moment just past, as if the bot had been down over it: the next tick must open them all at
 * once.
 */
import { createEngine } from "../../../src/engine";
import { silentLogger } from "../../../src/log";
import { toPlain } from "../../../src/richtext";
import type { ChatRef } from "../../../src/types";
import { makeAllDue, openCrashStore } from "./store";

const MINUTE = 60_000;

/** What was seeded. */
export interface Seeded {
  /** The instant every commitment falls due (a whole minute, at most a minute ago). */
  dueAt: number;
  commitments: number;
}

/**
 * `people` people in `groups` group chats make `perPerson` daily commitments each; every tenth
 * is private, so its prompt goes to a direct message. Commitments are made round by round,
 * person by person, so consecutive ids (and outbox rows) belong to different chats and the
 * dispatcher has several chats to deliver to at once.
 */
export async function seed(
  path: string,
  opts: { people: number; perPerson: number; groups: number },
): Promise<Seeded> {
  const store = await openCrashStore(path);
  try {
    const now = Date.now();
    const dueAt = Math.floor(now / MINUTE) * MINUTE;
    const hhmm = new Date(dueAt).toISOString().slice(11, 16);
    const engine = createEngine({
      store,
      clock: { now: () => new Date(now) },
      log: silentLogger,
      config: { defaultZone: "UTC", defaultQuiet: null, rateLimit: null },
    });
    let made = 0;
    for (let round = 0; round < opts.perPerson; round++) {
      for (let p = 0; p < opts.people; p++) {
        const chat: ChatRef = { platform: "console", id: `group-${p % opts.groups}`, kind: "group" };
        const name = `person${p}`;
        const replies = await engine.handle({
          type: "command",
          name: "commit",
          args: {
            promise: `Promise ${round} of ${name}`,
            cadence: `daily ${hhmm}`,
            private: (made % 10 === 9).toString(),
          },
          chat,
          from: { platform: "console", id: name, name, username: name },
        });
        const text = replies.map((r) => toPlain(r.text)).join(" ");
        if (!text.startsWith("Committed")) throw new Error(`seeding /commit refused: ${text}`);
        made++;
      }
    }
    // /commit planned tomorrow's occurrence (today's had just passed): make today's the due one.
    await makeAllDue(store, dueAt);
    return { dueAt, commitments: made };
  } finally {
    await store.close();
  }
}
