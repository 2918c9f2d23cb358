import { describe, expect, it } from "vitest";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { pauseForGone } from "../src/engine/gone";
import { silentLogger } from "../src/log";
import type { Courier } from "../src/types";
import { createBot } from "./support/harness";
import { allChats, allCheckIns, allCommitments, eventsOf } from "./support/inspect";

describe("a chat that is gone", () => {
  it("pauses the group's open commitments when the dispatcher hears 'gone', and stops retrying", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Stay calm cadence: daily 12:00");
    await bot.say("alice", "/commit Journal private cadence: daily 12:00");
    bot.clock.ms = Date.parse("2026-11-29T12:00:00Z");
    await bot.engine.tick(bot.clock.now());
    let calls = 0;
    const courier: Courier = {
      platform: "console",
      deliver: async (m) => {
        calls++;
        return m.to.chatKind === "group" ? "gone" : "sent";
      },
    };
    const dispatcher = createDispatcher({
      store: bot.store,
      clock: bot.clock,
      log: silentLogger,
      couriers: [courier],
      onGone: (msg) => pauseForGone(bot.store, msg.to, bot.clock.ms),
    });
    const report = await dispatcher.drain();
    expect(report).toMatchObject({ sent: 1, failed: 1 });
    const rows = await allCommitments(bot);
    expect(rows.map((c) => [c.visibility, c.state, c.nextDueAt])).toEqual([
      ["group", "paused", null],
      ["private", "active", Date.parse("2026-11-30T12:00:00Z")],
    ]);
    expect((await allChats(bot)).find((c) => c.externalId === "group")?.goneAt).toBe(bot.clock.ms);
    expect((await eventsOf(bot)).some((e) => e.kind === "paused" && e.data?.reason === "chat-gone")).toBe(
      true,
    );
    // The open check-in of the paused commitment is skipped, so no reminder goes to the gone chat.
    expect((await allCheckIns(bot)).map((c) => c.state)).toEqual(["skipped", "pending"]);
    bot.clock.advance(3_600_000);
    await dispatcher.drain();
    expect(calls).toBe(2);
  });

  it("pauses a person's private commitments when their direct chat is gone", async () => {
    const bot = createBot();
    await bot.say("alice", "/commit Stay calm");
    await bot.say("alice", "/commit Journal private");
    expect(
      await pauseForGone(
        bot.store,
        { platform: "console", chatKind: "dm", chatId: "", personId: "alice" },
        1,
      ),
    ).toBe(1);
    expect((await allCommitments(bot)).map((c) => c.state)).toEqual(["active", "paused"]);
    expect(
      await pauseForGone(
        bot.store,
        { platform: "console", chatKind: "dm", chatId: "", personId: "nobody" },
        1,
      ),
    ).toBe(0);
    expect(
      await pauseForGone(bot.store, { platform: "console", chatKind: "group", chatId: "elsewhere" }, 1),
    ).toBe(0);
  });
});
