/** Edge cases found in review: cancelled commitments, witnesses from a DM, privacy of alerts. */
import { describe, expect, it } from "vitest";
import { createBot, dm, plain } from "./support/harness";
import { allCheckIns, allCommitments } from "./support/inspect";

const H = 3_600_000;

async function witnessed(cadence: string) {
  const bot = createBot("2026-11-29T11:00:00Z");
  await bot.say("alice", "/quiet off");
  await bot.say("bob", "/quiet off");
  await bot.say("alice", `/commit Call my sister cadence: ${cadence}`);
  const [invite] = await bot.send("alice", "/witness #1 @bob");
  await bot.click("bob", invite, "Accept");
  return bot;
}

describe("a cancelled commitment", () => {
  it("skips its open check-in: no miss is recorded and the witness hears nothing", async () => {
    const bot = await witnessed("daily 12:00");
    await bot.advance(1 * H + 1);
    expect((await allCheckIns(bot))[0]?.state).toBe("pending");
    // With a witness, /cancel waits a day: the first check-in closes as missed meanwhile, and the one
    // open when the cancellation applies is skipped rather than becoming the second miss in a row.
    await bot.say("alice", "/cancel #1");
    await bot.advance(25 * H);
    expect((await allCommitments(bot))[0]?.state).toBe("cancelled");
    expect((await allCheckIns(bot)).map((c) => c.state)).toEqual(["missed", "skipped"]);
    expect(bot.delivered.filter((d) => d.purpose.startsWith("alert"))).toEqual([]);
  });
});

describe("a renegotiated end date that passed while waiting", () => {
  it("ends the commitment instead of keeping the longer terms", async () => {
    const bot = await witnessed("daily 20:00");
    expect(await bot.say("alice", "/edit #1 until: 2026-11-29")).toMatch(/takes effect in 24 hours/);
    await bot.advance(24 * H + 60_000);
    expect((await allCommitments(bot))[0]?.state).toBe("completed");
    const applied = bot.delivered.find((d) => d.purpose.startsWith("applied"));
    expect(applied?.text).toBe("#1 Call my sister has ended, as you asked a day ago.");
  });
});

describe("/commit with a witness from a direct chat", () => {
  it("keeps the commitment and says how to invite the witness", async () => {
    const bot = createBot();
    const text = await bot.say("alice", "/commit Call my sister witness: @bob", dm("alice"));
    expect(text).toContain("Committed #1 Call my sister");
    expect(text).toContain("To add a witness, invite them from a group you share: /witness #1 @bob.");
    expect((await allCommitments(bot))[0]?.witnessStatus).toBeNull();
  });
});

describe("alerts and digests", () => {
  it("never fall back to the group, since they speak of misses", async () => {
    const bot = await witnessed("daily 12:00");
    await bot.advance(3 * 24 * H);
    const alert = bot.delivered.find((d) => d.purpose.startsWith("alert"));
    expect(alert?.to).toMatchObject({ chatKind: "dm", personId: "bob" });
    expect(alert?.to.fallbackChatId).toBeUndefined();
    await bot.advance(7 * 24 * H);
    const digest = bot.delivered.find((d) => d.purpose.startsWith("digest"));
    expect(digest?.to.fallbackChatId).toBeUndefined();
    expect(plain(digest ? [digest.message] : [])).toContain("got no answer");
  });
});
