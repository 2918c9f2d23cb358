/**
 * A two-week story with four people, for the privacy tests. Quillon makes a group and a private
 * commitment and answers them with notes (kept, partly); Wrenna witnesses both (verdicts, an
 * alert after two misses, digests, a step-down) and has a commitment of her own; Quillon
 * witnesses Otto's commitment and is invited, still pending, to witness Xanthe's. Messages of
 * the first week are delivered; the second Sunday's digests and the last verdicts stay queued.
 */

import type { Actor, Reply } from "../../src/types";
import { outboxOf } from "./inspect";
import { createPeopleBot, dmOf, type PeopleBot, person } from "./people-bot";
import { realStore } from "./stores";

export const QUILL = person("7305198641", `Quillon "Quill" Marbleheart`, "qmarble_77");
export const WREN = person("6120458833", "Wrenna Thistlewöod", "wrenw42");
export const OTTO = person("5081726354", "Otto Brackwater", "ottob");
export const XAN = person("4417283905", "Xanthe Ferrous", "xanf");

/** Each person's own words in the story. */
export const WORDS = {
  quill: {
    promises: ["Water the quince orchard at dawn", "Write to the lighthouse keeper"],
    notes: ["the heron watched me again", "ink ran out halfway"],
  },
  wren: { promises: ["Sweep the bell tower steps"], notes: ["the pigeons scattered 🕊"] },
  otto: { promises: ["Repaint the boathouse"] },
  xan: { promises: ["Practise the cello scales"] },
};

/** Everything that identifies `who` or is their words, to look for in the files. */
export function traces(who: Actor, words: { promises: string[]; notes?: string[] }): string[] {
  return [who.name, who.username ?? "", who.id, ...words.promises, ...(words.notes ?? [])];
}

const H = 3_600_000;

/** The newest outbox row (queued or sent) whose purpose starts with `kind:`, as a reply to click on. */
export async function newestMessage(bot: PeopleBot, kind: string): Promise<Reply> {
  const row = (await outboxOf(bot, { kind })).at(-1);
  if (!row) throw new Error(`no ${kind} message`);
  return row.payload;
}

/** Plays the story on a database file at `path`; the clock ends on Sunday 13 Dec 2026, 19:30 UTC. */
export async function playStory(path: string, onBot?: (bot: PeopleBot) => void): Promise<PeopleBot> {
  // Checkpoints are left to us, as in a deployment (a worker thread runs them there).
  const bot = createPeopleBot({ path, start: "2026-11-29T11:00:00Z", autoCheckpoint: false });
  onBot?.(bot);
  const { send, click } = bot;
  const [q1, q2] = WORDS.quill.promises;
  await send(QUILL, "/quiet 23:00-07:00", dmOf(QUILL));
  await send(QUILL, `/commit ${q1} cadence: daily 12:00`);
  await send(QUILL, `/commit ${q2} cadence: daily 13:00 private`);
  for (const n of [1, 2]) {
    const [invite] = await send(QUILL, `/witness #${n} @${WREN.username}`);
    await click(WREN, invite, "Accept");
  }
  await send(WREN, "/status", dmOf(WREN));
  await send(WREN, `/commit ${WORDS.wren.promises[0]} cadence: daily 12:30`);
  await send(OTTO, `/commit ${WORDS.otto.promises[0]} cadence: daily 12:00`);
  await click(QUILL, (await send(OTTO, `/witness #1 @${QUILL.username}`))[0], "Accept");
  await send(XAN, `/commit ${WORDS.xan.promises[0]} cadence: daily 12:00`);
  await send(XAN, `/witness #1 @${QUILL.username}`);
  await bot.advance(2 * H + 5 * 60_000);

  // Sunday 29 Nov: answers with notes, verdicts both ways.
  await send(QUILL, `/checkin #1 kept note: ${WORDS.quill.notes[0]}`);
  await bot.deliver();
  await click(WREN, bot.lastDelivered("verify", "Confirm"), "Confirm", dmOf(WREN));
  await send(QUILL, `/checkin #2 partly note: ${WORDS.quill.notes[1]}`, dmOf(QUILL));
  await bot.deliver();
  await click(WREN, bot.lastDelivered("verify", "Dispute"), "Dispute", dmOf(WREN));
  await send(OTTO, "/checkin #1 kept");
  await bot.deliver();
  await click(QUILL, bot.lastDelivered("verify", "Confirm"), "Confirm", dmOf(QUILL));
  await send(WREN, `/checkin #1 kept note: ${WORDS.wren.notes[0]}`);
  await bot.deliver();

  // Quillon misses the next days (Wrenna is alerted); the first digests go out on Sunday 6 Dec.
  await bot.advance(7 * 24 * H + 8 * H, H / 2);
  const digest = bot.lastDelivered("digest", `Step down from ${QUILL.name} #2`.slice(0, 60));
  await click(WREN, digest, `Step down from ${QUILL.name} #2`.slice(0, 60), dmOf(WREN));
  await bot.deliver();

  // A deployment's checkpointer copies the WAL into the file now and then (never truncating it):
  // from here on the person's strings are both in the file and in the WAL.
  const raw = await realStore(bot.store);
  if (raw.dialect === "sqlite") raw.db.$client.pragma("wal_checkpoint(PASSIVE)");

  // The second week's messages go out until Sunday 13 Dec, 18:30; from then on they stay queued.
  await bot.advance(Date.parse("2026-12-13T18:30:00Z") - bot.clock.ms, H / 2);
  await bot.advance(H, H / 2, true);
  await send(QUILL, "/checkin #1 kept");
  await click(WREN, await newestMessage(bot, "verify"), "Confirm", dmOf(WREN));
  await send(OTTO, "/checkin #1 kept");
  await click(QUILL, await newestMessage(bot, "verify"), "Confirm", dmOf(QUILL));
  return bot;
}
