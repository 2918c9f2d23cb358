/**
 * Silence handled privately (PRODUCT §4, "Silence is not announced"): after two windows in a row
 * close with no answer, a commitment's prompts go only to the owner's direct chat, without
 * reminders, the owner is asked once whether to pause, keep going or end it, and the first answer
 * brings the prompts back to the group.
 */
import { describe, expect, it } from "vitest";
import { encodeAction } from "../src/actions";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { PRIVATE_POINTER } from "../src/privacy";
import { toPlain } from "../src/richtext";
import { at, checkInsOf, commitment, iso, kind } from "./support/followup";
import { plain } from "./support/harness";
import { outboxOf } from "./support/inspect";
import { type Received, type RhythmBot, rhythmBot } from "./support/rhythm";

const inGroup = (r: Received[]) => r.filter((d) => d.reader === "group");
const toSam = (r: Received[]) => r.filter((d) => d.reader === "sam");
const kinds = (r: Received[]) => r.map((d) => [iso(d.at), kind(d.purpose)]);

/** sam's group commitment, daily at 20:00 UTC, optionally witnessed by jo. */
async function groupCommitment(witnessed = false): Promise<RhythmBot> {
  const bot = rhythmBot("2026-11-29T11:00:00Z");
  await bot.sayAndDrain("sam", "/commit Give them space cadence: daily 20:00 step: 12");
  if (witnessed) {
    const [invite] = await bot.send("sam", "/witness #1 @jo");
    await bot.click("jo", invite, "Accept");
    await bot.dispatcher.drain();
  }
  return bot;
}

describe("a month of silence on a group commitment", () => {
  it("shows the group two prompts and nothing after, asks once in private, and returns on an answer", async () => {
    const bot = await groupCommitment();
    const month = await bot.run(at("2026-12-29T12:00:00Z"));

    // The group sees the first two prompts and their reminders, and nothing once the second
    // window closed with no answer (1 Dec, 20:00).
    expect(kinds(inGroup(month))).toEqual([
      ["2026-11-29T20:00:00.000Z", "prompt"],
      ["2026-11-30T08:00:00.000Z", "remind"],
      ["2026-11-30T20:00:00.000Z", "prompt"],
      ["2026-12-01T08:00:00.000Z", "remind"],
    ]);
    // From then on the prompts come to sam's own chat, one a day, with no reminder; the question
    // comes once, with the first of them.
    const mine = toSam(month);
    expect(mine.filter((d) => kind(d.purpose) === "remind")).toEqual([]);
    expect(mine.filter((d) => kind(d.purpose) === "silence").map((d) => iso(d.at))).toEqual([
      "2026-12-01T20:00:00.000Z",
    ]);
    const prompts = mine.filter((d) => kind(d.purpose) === "prompt");
    expect(prompts).toHaveLength(28);
    expect(prompts[0]?.at).toBe(at("2026-12-01T20:00:00Z"));
    expect(prompts[0]?.to).toEqual({
      platform: "console",
      chatKind: "dm",
      chatId: "",
      personId: "sam",
      personName: "sam",
    });
    // In sam's own chat it speaks to them, and asks the step's question.
    expect(prompts[0]?.text).toBe("Time to check in on #1 Give them space. Did I respect their space today?");
    expect((await checkInsOf(bot)).filter((c) => c.remindAt !== null)).toEqual([]);

    // sam answers the open check-in: the next prompt is in the group again, with its reminder.
    const open = bot.lastSeenWith("Kept");
    expect(open?.reader).toBe("sam");
    await bot.click("sam", open?.message, "Kept", { platform: "console", id: "dm:sam", kind: "dm" });
    const back = await bot.run(at("2026-12-30T12:00:00Z"));
    expect(back.map((d) => [iso(d.at), d.reader, kind(d.purpose)])).toEqual([
      ["2026-12-29T20:00:00.000Z", "group", "prompt"],
      ["2026-12-30T08:00:00.000Z", "group", "remind"],
    ]);
  });

  it("asks again only after a new silent run", async () => {
    const bot = await groupCommitment();
    await bot.run(at("2026-12-02T12:00:00Z"));
    await bot.sayAndDrain("sam", "/checkin #1 kept");
    const later = await bot.run(at("2026-12-06T12:00:00Z"));
    // 2 Dec answered; 3 and 4 Dec go unanswered: their windows close on 4 and 5 Dec.
    expect(later.filter((d) => kind(d.purpose) === "silence").map((d) => [iso(d.at), d.reader])).toEqual([
      ["2026-12-04T20:00:00.000Z", "sam"],
    ]);
    const questions = (await outboxOf(bot)).filter((r) => kind(r.purpose) === "silence");
    expect(questions).toHaveLength(2);
  });

  it("is not silence when the owner says they missed: prompts stay in the group and nothing is asked", async () => {
    const bot = await groupCommitment();
    for (const day of ["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]) {
      await bot.run(at(`${day}T21:00:00Z`));
      await bot.sayAndDrain("sam", "/checkin #1 missed");
    }
    const after = await bot.run(at("2026-12-04T12:00:00Z"));
    expect(after.map((d) => [iso(d.at), d.reader, kind(d.purpose)])).toEqual([
      ["2026-12-03T20:00:00.000Z", "group", "prompt"],
      ["2026-12-04T08:00:00.000Z", "group", "remind"],
    ]);
    expect(bot.received.some((d) => kind(d.purpose) === "silence")).toBe(false);
  });

  it("counts windows in a row across skipped ones (the bot was down in between)", async () => {
    const bot = await groupCommitment();
    await bot.run(at("2026-11-30T21:00:00Z"));
    // Down from 21:00 on 30 Nov to noon on 2 Dec: the 30 Nov window closes late, as skipped.
    const back = await bot.jump(at("2026-12-02T12:00:00Z"));
    // Only one window in a row closed with no answer so far: the catch-up prompt is the group's.
    expect(back.map((d) => [d.reader, kind(d.purpose)])).toEqual([["group", "prompt"]]);
    expect((await checkInsOf(bot)).map((c) => c.state)).toEqual(["missed", "skipped", "pending"]);
    const next = await bot.run(at("2026-12-03T12:00:00Z"));
    // 29 Nov and 1 Dec both went unanswered (30 Nov was skipped): silent.
    expect(next.map((d) => [iso(d.at), d.reader, kind(d.purpose)])).toEqual([
      ["2026-12-02T16:00:00.000Z", "group", "remind"],
      ["2026-12-02T20:00:00.000Z", "sam", "prompt"],
      ["2026-12-02T20:00:00.000Z", "sam", "silence"],
    ]);
  });
});

describe("the private question", () => {
  async function asked(witnessed = false) {
    const bot = await groupCommitment(witnessed);
    await bot.run(at("2026-12-01T20:00:00Z"));
    const question = bot.received.find((d) => kind(d.purpose) === "silence");
    if (!question) throw new Error("no question");
    return { bot, question };
  }
  const DM = { platform: "console" as const, id: "dm:sam", kind: "dm" as const };

  it("says what happened and offers Pause a week, Keep going and End it", async () => {
    const { question } = await asked();
    expect(question.reader).toBe("sam");
    expect(question.text).toBe(
      "The last two check-ins on #1 Give them space got no answer. Its check-ins come here now instead of " +
        "the group, until you answer one. Would a week's pause help, or would you rather keep going or end it?",
    );
    expect(question.labels).toEqual(["Pause a week", "Keep going", "End it"]);
  });

  it("counts only the owner's click on a question they were sent, while the commitment is active", async () => {
    const { bot, question } = await asked(true);
    expect(plain(await bot.click("jo", question.message, "Pause a week", DM))).toBe(NOT_FOR_YOU);
    // A forged click naming a check-in sam was never asked about.
    const first = (await checkInsOf(bot))[0];
    const forged = {
      text: [],
      visibility: "chat" as const,
      buttons: [[{ label: "x", action: encodeAction("sil", first?.id ?? 0, "p") }]],
    };
    expect(plain(await bot.click("sam", forged, "x", DM))).toBe(NOT_FOR_YOU);
    expect(
      plain(await bot.click("sam", { ...forged, buttons: [[{ label: "y", action: "sil:1:z" }]] }, "y", DM)),
    ).toBe(NOT_FOR_YOU);
    expect((await commitment(bot)).state).toBe("active");

    // Pause a week goes through /pause: applies at once, and the witness is told.
    const paused = await bot.click("sam", question.message, "Pause a week", DM);
    expect(paused.map((r) => r.visibility)).toEqual(["sender-only"]);
    expect(plain(paused)).toMatch(/^Paused #1 Give them space until Tue 8 Dec 2026, 20:00\./);
    expect(toPlain(paused[0]?.settles ?? [])).toBe("You chose a week's pause.");
    expect(await commitment(bot)).toMatchObject({ state: "paused", pausedUntil: at("2026-12-08T20:00:00Z") });
    await bot.dispatcher.drain();
    expect(bot.received.filter((d) => kind(d.purpose) === "paused").map((d) => d.reader)).toEqual(["jo"]);

    // Once paused, the question is settled.
    const again = await bot.click("sam", question.message, "End it", DM);
    expect(plain(again)).toBe("#1 is paused now. /resume #1 brings its check-ins back.");
    expect(again[0]?.refusal).toBe(true);
  });

  it("End it goes through /cancel: while witnessed it waits 24 hours and the witness is told", async () => {
    const { bot, question } = await asked(true);
    const ended = await bot.click("sam", question.message, "End it", DM);
    expect(plain(ended)).toMatch(/^Cancelling #1 Give them space takes effect in 24 hours/);
    expect(toPlain(ended[0]?.settles ?? [])).toBe("You chose to end it.");
    expect(await commitment(bot)).toMatchObject({ state: "active", pendingChange: { cancel: true } });
    await bot.dispatcher.drain();
    expect(bot.received.filter((d) => kind(d.purpose) === "renegotiate").map((d) => d.reader)).toEqual([
      "jo",
    ]);
    await bot.run(at("2026-12-02T21:00:00Z"));
    expect((await commitment(bot)).state).toBe("cancelled");
  });

  it("End it without a witness cancels at once; Keep going answers warmly and changes nothing", async () => {
    const { bot, question } = await asked();
    const kept = await bot.click("sam", question.message, "Keep going", DM);
    expect(plain(kept)).toBe(
      "We'll keep going with #1. Answer when you're ready; there's nothing to catch up on.",
    );
    expect(toPlain(kept[0]?.settles ?? [])).toBe("You chose to keep going.");
    expect((await commitment(bot)).state).toBe("active");
    const ended = await bot.click("sam", question.message, "End it", DM);
    expect(plain(ended)).toMatch(/^Cancelled #1 Give them space\./);
    expect((await commitment(bot)).state).toBe("cancelled");
  });

  it("falls back to the group, if the DM is refused, only as a pointer naming no commitment and no miss", async () => {
    const bot = rhythmBot("2026-11-29T11:00:00Z");
    bot.refuseDmsOf.add("sam");
    await bot.sayAndDrain("sam", "/commit Write the letter cadence: daily 20:00 private");
    await bot.run(at("2026-12-03T12:00:00Z"));
    const group = bot.received.filter((d) => d.reader === "group");
    // Two neutral prompts (no promise) with their reminders, then the pointer; nothing after.
    expect(kinds(group)).toEqual([
      ["2026-11-29T20:00:00.000Z", "prompt"],
      ["2026-11-30T08:00:00.000Z", "remind"],
      ["2026-11-30T20:00:00.000Z", "prompt"],
      ["2026-12-01T08:00:00.000Z", "remind"],
      ["2026-12-01T20:00:00.000Z", "silence"],
    ]);
    const pointer = group.at(-1);
    expect(pointer?.text).toBe(`@sam: ${toPlain(PRIVATE_POINTER.text)}`);
    expect(pointer?.labels).toEqual([]);
    for (const d of group) expect(d.text).not.toMatch(/Write the letter|no answer|missed/);
    // The silent prompts went to the DM with nowhere to fall back to.
    const failed = (await outboxOf(bot)).filter((r) => r.failedAt !== null).map((r) => kind(r.purpose));
    expect(failed).toEqual(["prompt", "prompt"]);
  });
});
