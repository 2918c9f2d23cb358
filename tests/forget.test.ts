/**
 * /forget really forgets (PRODUCT.md §8): every row about the person goes, others' rows lose
 * their words and names, and the bytes leave the database files (secure_delete, and the WAL
 * checkpointed and truncated after the deletion commits).
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toPlain } from "../src/richtext";
import type { Actor } from "../src/types";
import { OTTO, playStory, QUILL, traces, WORDS, WREN, XAN } from "./support/forget-scenario";
import {
  allChats,
  allCommitments,
  allPeople,
  closeStore,
  eventsOf,
  everyStoredString,
  messageFor,
  openStore,
  processFact,
  setProcessFact,
} from "./support/inspect";
import { createPeopleBot, dmOf, occurrences, type PeopleBot, person, tempDir } from "./support/people-bot";
import { TEST_DIALECT } from "./support/stores";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Where the store keeps its data: SQLite's file, WAL and shared-memory index; PostgreSQL's rows. */
const PLACES = TEST_DIALECT === "sqlite" ? ["file", "file-wal", "file-shm"] : ["rows"];

/**
 * How often each string occurs where the store keeps it: on SQLite in the bytes of the database
 * file, its WAL and its shared-memory index; on PostgreSQL (whose files are the server's) in
 * every value of every table.
 */
async function scan(file: string, needles: string[]) {
  if (TEST_DIALECT === "sqlite")
    return Object.fromEntries(
      ["", "-wal", "-shm"].map((suffix) => [`file${suffix}`, occurrences(`${file}${suffix}`, needles)]),
    );
  // Through a connection of its own to the same database: the bot's may be closed by now.
  const text = await everyStoredString({ store: openStore(file) });
  return { rows: Object.fromEntries(needles.map((n) => [n, text.split(n).length - 1])) };
}
const nowhere = (needles: string[]) =>
  Object.fromEntries(PLACES.map((place) => [place, Object.fromEntries(needles.map((n) => [n, 0]))]));

/** The story on a fresh file; each string must be in the files before /forget, or the scan proves nothing. */
async function story(needles: string[]) {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  const file = join(dir, "amends.sqlite");
  const bot = await playStory(file);
  // Both in the file (checkpointed) and in the WAL (written since).
  const before = await scan(file, needles);
  for (const n of needles) {
    for (const place of PLACES.filter((p) => p !== "file-shm"))
      expect(
        (before as Record<string, Record<string, number>>)[place]?.[n],
        `${n} in the ${place}`,
      ).toBeGreaterThan(0);
  }
  // A process fact that happens to name them, and one that does not.
  await setProcessFact(bot, "test:last-caller", `${needles[0]} via the console`, bot.clock.ms);
  await setProcessFact(bot, "test:commands", "hash-1", bot.clock.ms);
  return { bot, file };
}

async function forgetVia(bot: PeopleBot, who: Actor): Promise<string> {
  const [ask] = await bot.send(who, "/forget", dmOf(who));
  const done = await bot.click(who, ask, "Delete everything", dmOf(who));
  return done.map((r) => toPlain(r.text)).join("\n");
}

/** The outbox row with this purpose: its text and whether it is queued, sent or withdrawn. */
async function row(bot: PeopleBot, purpose: string) {
  const r = await messageFor(bot, purpose);
  if (!r) return undefined;
  const state = r.sentAt !== null ? "sent" : r.failedAt !== null ? "withdrawn" : "queued";
  return { state, text: toPlain(r.payload.text) };
}

const REMOVED = "This message was removed because the person it named deleted their data.";

function historyOf(bot: PeopleBot, owner: Actor) {
  return bot.send(owner, "/history #1").then((r) => r.map((x) => toPlain(x.text)).join("\n"));
}

describe("/forget by an owner who also witnesses and is invited", () => {
  it("leaves none of their strings in the database files, and others' data intact", async () => {
    const needles = traces(QUILL, WORDS.quill);
    const { bot, file } = await story(needles);

    const done = await forgetVia(bot, QUILL);
    // While the bot still runs: the deletion is checkpointed into the file and the WAL truncated.
    expect(await scan(file, needles)).toEqual(nowhere(needles));
    expect(done).toMatch(
      /^Done\. I deleted 2 commitments, \d+ check-ins, \d+ history entries, \d+ messages and your settings; you no longer witness 1 commitment, the invitation waiting for you is withdrawn and others' messages and history no longer name you\. If you come back, you start fresh\.$/,
    );

    // Others keep their commitments; the link to the person is gone.
    const left = await allCommitments(bot);
    expect(left.map((c) => c.promise).sort()).toEqual(
      [...WORDS.wren.promises, ...WORDS.otto.promises, ...WORDS.xan.promises].sort(),
    );
    expect(left.every((c) => c.witnessId === null && c.witnessInvite === null)).toBe(true);
    expect(left.find((c) => c.promise === WORDS.xan.promises[0])?.witnessStatus).toBeNull();
    const ottoHistory = await eventsOf(bot, {
      commitmentId: left.find((c) => c.promise === WORDS.otto.promises[0])?.id ?? 0,
    });
    expect(ottoHistory.map((e) => e.kind)).toContain("witness-removed");
    expect(ottoHistory.filter((e) => e.kind === "verdict").every((e) => e.actorId === null)).toBe(true);
    // Otto's and Xanthe's invitations named Quillon by id; their history keeps the rest.
    const invites = await eventsOf(bot, { kind: "witness-invited" });
    expect(invites.map((e) => e.data)).toEqual([
      { alerts: true, chatId: expect.any(Number) },
      { alerts: true, chatId: expect.any(Number) },
    ]);
    const ottoSees = await historyOf(bot, OTTO);
    expect(ottoSees).toContain("your witness left Amends");
    expect(ottoSees).not.toContain(QUILL.name);

    // Otto's queued verdict notice still goes, naming a former witness; the sent one is a stub.
    expect(await row(bot, "verdict:72")).toEqual({
      state: "queued",
      text: "A former witness confirmed your check-in on #1 Repaint the boathouse. Verified streak: 1.",
    });
    expect(await row(bot, "verdict:2")).toEqual({ state: "sent", text: REMOVED });
    // Wrenna's digests about Quillon: the sent one is a stub, the queued one is withdrawn.
    expect(await row(bot, "digest:2:2026-12-06")).toEqual({ state: "sent", text: REMOVED });
    expect(await row(bot, "digest:2:2026-12-13")).toEqual({ state: "withdrawn", text: REMOVED });
    // Messages to Quillon, and about Quillon's commitments, are gone.
    for (const purpose of ["digest:1:2026-12-13", "alert:12", "verify:71", "verify:72"])
      expect(await row(bot, purpose), purpose).toBeUndefined();
    // Wrenna's own rows are untouched.
    expect((await row(bot, "prompt:4"))?.text).toContain(WORDS.wren.promises[0]);

    expect((await allPeople(bot)).map((p) => p.name)).toEqual([WREN.name, OTTO.name, XAN.name]);
    expect((await allChats(bot)).filter((c) => c.kind === "dm").map((c) => c.externalId)).toEqual([WREN.id]);
    expect(await processFact(bot, "test:last-caller")).toBeUndefined();
    expect(await processFact(bot, "test:commands")).toBe("hash-1");

    await closeStore(bot);
    expect(await scan(file, needles)).toEqual(nowhere(needles));
  }, 60_000);
});

describe("/forget by a witness who also has a commitment", () => {
  it("leaves none of their strings in the files; the owner's rows say a former witness", async () => {
    const needles = traces(WREN, WORDS.wren);
    const { bot, file } = await story(needles);

    const done = await forgetVia(bot, WREN);
    expect(await scan(file, needles)).toEqual(nowhere(needles));
    expect(done).toMatch(
      /^Done\. I deleted 1 commitment, \d+ check-ins, \d+ history entries, \d+ messages and your settings; you no longer witness 1 commitment and others' messages and history no longer name you\. If you come back, you start fresh\.$/,
    );

    // Quillon's two promises are the ones starting with a W.
    const quills = (await allCommitments(bot)).filter((c) => c.promise.toLowerCase().startsWith("w"));
    expect(quills.map((c) => c.promise)).toEqual(WORDS.quill.promises);
    expect(quills.every((c) => c.witnessId === null && c.witnessStatus === null)).toBe(true);
    expect(await row(bot, "verdict:71")).toEqual({
      state: "queued",
      text: "A former witness confirmed your check-in on #1 Water the quince orchard at dawn. Verified streak: 1.",
    });
    for (const purpose of ["verdict:1", "verdict:5", "stepped-down:2:1796591100000"])
      expect(await row(bot, purpose), purpose).toEqual({ state: "sent", text: REMOVED });
    // Quillon's own messages that never named Wrenna are as they were.
    expect((await row(bot, "digest:1:2026-12-06"))?.text).toContain(WORDS.otto.promises[0]);
    expect((await row(bot, "verdict:2"))?.text).toBe(
      `${QUILL.name} confirmed your check-in on #1 Repaint the boathouse. Verified streak: 1.`,
    );
    const history = await historyOf(bot, QUILL);
    expect(history).toContain("your witness left Amends");
    expect(history).toContain("a former witness confirmed a check-in");
    expect(history).not.toContain(WREN.name);

    await closeStore(bot);
    expect(await scan(file, needles)).toEqual(nowhere(needles));
  }, 60_000);
});

describe("/forget's reply", () => {
  it("names no bare zero and speaks in plain plurals", async () => {
    const bot = createPeopleBot({ start: "2026-11-29T11:00:00Z" });
    const newcomer = person("31337", "Nell", "nell");
    expect(await forgetVia(bot, newcomer)).toBe(
      "Done. I deleted your settings. If you come back, you start fresh.",
    );
    await bot.send(newcomer, "/commit Call my sister");
    expect(await forgetVia(bot, newcomer)).toBe(
      "Done. I deleted 1 commitment, 1 history entry and your settings. If you come back, you start fresh.",
    );
  });
});
