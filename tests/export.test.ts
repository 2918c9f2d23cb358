/**
 * /export holds the person's own data only (PRODUCT.md §8): others appear by the display name
 * the person saw, never by a platform id, and never with their own promises or notes.
 */
import { describe, expect, it } from "vitest";
import { parseCommandText } from "../src/commands/parse";
import { toPlain } from "../src/richtext";
import type { Actor } from "../src/types";
import { OTTO, playStory, QUILL, WORDS, WREN, XAN } from "./support/forget-scenario";
import { dmOf, GROUP, type PeopleBot } from "./support/people-bot";

/** Someone Discord resolved by id who never used the bot. */
const UNSEEN_ID = "8877665544";

async function exportOf(bot: PeopleBot, who: Actor) {
  const [reply] = await bot.send(who, "/export", dmOf(who));
  const content = reply?.file?.content ?? "";
  return { caption: toPlain(reply?.text ?? []), content, doc: JSON.parse(content) };
}

/** The story, plus open invitations from Quillon: to a known person, a typed handle, and an id. */
async function richStory() {
  const bot = await playStory(":memory:");
  await bot.send(QUILL, `/witness #2 @${XAN.username}`);
  await bot.send(QUILL, "/commit Plant the medlar tree cadence: daily 09:00");
  await bot.send(QUILL, "/commit Mend the garden wall cadence: daily 09:30");
  await bot.send(QUILL, "/witness #3 @stranger99");
  const parsed = parseCommandText("/witness #4 @dana");
  if (!parsed?.ok) throw new Error("unparsed");
  await bot.engine.handle({
    type: "command",
    name: parsed.name,
    args: parsed.args,
    mentions: [{ id: UNSEEN_ID, name: "Dana" }],
    chat: GROUP,
    from: QUILL,
  });
  return bot;
}

describe("/export", () => {
  it("gives an owner who also witnesses their own words, and others only by name", async () => {
    const bot = await richStory();
    const { caption, content, doc } = await exportOf(bot, QUILL);

    for (const id of [WREN.id, OTTO.id, XAN.id, UNSEEN_ID]) expect(content, id).not.toContain(id);
    for (const words of [
      ...WORDS.wren.promises,
      ...WORDS.wren.notes,
      ...WORDS.otto.promises,
      ...WORDS.xan.promises,
    ])
      expect(content, words).not.toContain(words);
    for (const words of [...WORDS.quill.promises, ...WORDS.quill.notes])
      expect(content, words).toContain(words);
    expect(doc.person).toMatchObject({ externalId: QUILL.id, name: QUILL.name, quietHours: "23:00-07:00" });

    expect(doc.commitments.map((c: { invited: string | null }) => c.invited)).toEqual([
      null,
      XAN.name,
      "@stranger99",
      "someone you invited",
    ]);
    expect(doc.commitments[0]).toMatchObject({ promise: WORDS.quill.promises[0], witness: WREN.name });
    expect(
      doc.checkIns.filter((c: { note: string | null }) => c.note).map((c: { note: string }) => c.note),
    ).toEqual(WORDS.quill.notes);
    expect(doc.witnessing).toEqual([
      { owner: OTTO.name, number: 1, status: "active", since: "2026-11-29T11:00:00.000Z" },
    ]);
    expect(doc.invitations).toEqual([{ owner: XAN.name, number: 1 }]);
    expect(doc.asWitness.map((e: { kind: string; verdict?: string }) => [e.kind, e.verdict])).toEqual([
      ["witness-accepted", undefined],
      ["verdict", "confirmed"],
      ["verdict", "confirmed"],
    ]);
    // A witness's message from Otto keeps what happened, not what Otto promised.
    const alert = doc.messages.find((m: { text: string }) => m.text.includes("A kind word"));
    expect(alert?.text).toBe(
      `${OTTO.name}'s last two check-ins on #1 … got no answer. A kind word may help more than a reminder.`,
    );
    // Their own verdict notices stay whole, with the witness by name.
    expect(doc.messages.map((m: { text: string }) => m.text)).toContain(
      `${WREN.name} confirmed your check-in on #1 ${WORDS.quill.promises[0]}. Verified streak: 1.`,
    );
    // Who did what in their own history: them, their witness by name.
    expect(doc.history.find((e: { kind: string }) => e.kind === "verdict")?.by).toBe(WREN.name);
    expect(doc.history.find((e: { kind: string }) => e.kind === "created")?.by).toBe("you");
    // Each entry also says what it was in the words /history uses; the figure is "consistency",
    // with its words beside it, and nothing is called trust.
    expect(doc.history.find((e: { kind: string }) => e.kind === "verdict")?.what).toBe(
      `${WREN.name} confirmed a check-in`,
    );
    expect(doc.history.find((e: { kind: string }) => e.kind === "created")?.what).toBe("you made it");
    expect(doc.commitments[0]).toHaveProperty("consistency");
    expect(typeof doc.commitments[0]?.consistencyInWords).toBe("string");
    expect(content).not.toMatch(/"trust|trust\W{0,3}\d|\d\s*\/\s*100\b/i);
    expect(caption).toMatch(
      /^Here is everything I hold about you: 4 commitments, \d+ check-ins and \d+ history entries\.$/,
    );
  }, 60_000);

  it("gives a witness nothing of what the owner promised or noted", async () => {
    const bot = await richStory();
    const { content, doc } = await exportOf(bot, WREN);
    for (const id of [QUILL.id, OTTO.id, XAN.id]) expect(content, id).not.toContain(id);
    for (const words of [...WORDS.quill.promises, ...WORDS.quill.notes])
      expect(content, words).not.toContain(words);
    expect(content).toContain(WORDS.wren.promises[0]);
    expect(content).toContain(WORDS.wren.notes[0]);
    expect(doc.witnessing).toEqual([
      { owner: QUILL.name, number: 1, status: "active", since: "2026-11-29T11:00:00.000Z" },
    ]);
    const texts: string[] = doc.messages.map((m: { text: string }) => m.text);
    expect(texts.some((t) => t.startsWith(`${QUILL.name} says they partly kept #2 … (`))).toBe(true);
    expect(texts.some((t) => t.includes("Their note: …."))).toBe(true);
    // No raw outbox rows: no addresses, no buttons, no fallbacks for the group.
    expect(content).not.toContain("recipient");
    expect(content).not.toContain("fallback");
  }, 60_000);
});
