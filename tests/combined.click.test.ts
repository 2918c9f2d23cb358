/**
 * A combined check-in message (issue 9: one person's check-ins due together arrive as one
 * message, a row each) spends only the clicked row on every platform, so the other check-ins
 * can still be answered from it; the outcome line says which commitment it was for.
 */
import { describe, expect, it } from "vitest";
import { ConsoleScreen } from "../adapters/console/screen";
import { spentRow } from "../src/settle";
import { seen, useDiscordBots } from "./support/discord/bot";
import { buttonsOf } from "./support/discord/server";
import { createWorld, failOnUnhandledRejections, textOf } from "./support/telegram/world";

const H = 3_600_000;
const row = (tag: string, id: number) => [
  { label: `${tag} Kept`, action: `ans:${id}:k` },
  { label: `${tag} Snooze 1h`, action: `snz:${id}` },
];

describe("which buttons a settling click spends", () => {
  it("spends only the clicked row of a combined message, with its tag", () => {
    expect(spentRow([row("#1", 7), row("#2", 8)], "ans:8:k")).toEqual({ row: 1, tag: "#2" });
    expect(spentRow([row("#1", 7), row("#2", 8), row("#4", 9)], "snz:7")).toEqual({ row: 0, tag: "#1" });
  });

  it("spends everything on a message about one thing", () => {
    expect(spentRow([row("#1", 7)], "ans:7:k")).toBeNull();
    const plain = [
      { label: "Confirm", action: "vfy:3:c" },
      { label: "Dispute", action: "vfy:3:d" },
    ];
    expect(spentRow([plain, [{ label: "Not sure", action: "vfy:3:u" }]], "vfy:3:c")).toBeNull();
    // Rows that share a tag, or a button that is not on the message: nothing to single out.
    expect(spentRow([row("#1", 7), row("#1", 8)], "ans:8:k")).toBeNull();
    expect(spentRow([row("#1", 7), row("#2", 8)], "ans:99:k")).toBeNull();
  });
});

failOnUnhandledRejections();

describe("a combined check-in message on the platforms", () => {
  it("Telegram: answering one row edits the message and keeps the other row", async () => {
    const w = await createWorld({ start: "2026-11-29T11:00:00Z" });
    try {
      const { tg } = w;
      const alice = tg.user(101, "alice", "alice");
      const group = tg.group(-1001, "Repair");
      await tg.send(alice, group, "/commit Call my sister cadence: daily 18:00");
      await tg.send(alice, group, "/commit Walk in the evening cadence: daily 18:05");
      await w.advance(7.2 * H);
      const combined = tg.lastWith("#2 Kept", group.id);
      if (!combined) throw new Error("no combined prompt");
      expect(textOf(combined)).toContain("#1 Call my sister");
      expect(textOf(combined)).toContain("#2 Walk in the evening");

      await tg.click(alice, combined, "#2 Kept");
      const edited = tg.find(group.id, combined.message_id);
      expect(textOf(edited).split("\n").at(-1)).toBe("#2: ✓ Kept");
      const left = edited?.reply_markup?.inline_keyboard.flat().map((b) => b.text);
      expect(left).toEqual(["#1 Kept", "#1 Partly", "#1 Missed", "#1 Snooze 1h"]);

      await tg.click(alice, combined, "#1 Kept");
      expect(tg.find(group.id, combined.message_id)?.reply_markup).toBeUndefined();
    } finally {
      await w.close();
    }
  });

  it("the console: a click spends its row, and the message's other rows stay clickable", () => {
    const screen = new ConsoleScreen({ write: () => true });
    const chat = { platform: "console" as const, id: "group", kind: "group" as const };
    const buttons = [row("#1", 7), row("#2", 8)];
    screen.show({
      chat,
      reply: { text: [{ t: "text", text: "Time to check in on these." }], buttons, visibility: "chat" },
    });
    screen.findButton("#2 Kept", "alice")?.spend();
    expect(screen.findButton("#2 Kept", "alice")).toBeUndefined();
    expect(screen.findButton("#1 Kept", "alice")?.button.action).toBe("ans:7:k");
    screen.findButton("#1 Kept", "alice")?.spend();
    expect(screen.findButton("#1 Snooze 1h", "alice")).toBeUndefined();
  });

  const bots = useDiscordBots();

  it("Discord: answering one row disables that row only", async () => {
    const bot = await bots.start({ start: "2026-11-29T11:00:00Z" });
    const alice = bot.fake.addUser("alice");
    await bot.slash(alice, "commit", { promise: "Call my sister", cadence: "daily 18:00" });
    await bot.slash(alice, "commit", { promise: "Walk in the evening", cadence: "daily 18:05" });
    const evening = await bot.advance(7.2 * H);
    const combined = evening.find((m) => buttonsOf(m.message).some((b) => b.label === "#2 Kept"));
    if (!combined) throw new Error("no combined prompt");

    const answered = await bot.click(alice, combined, "#2 Kept");
    expect(seen(answered)).toContain("Walk in the evening");
    const after = bot.fake.message(combined.message.id);
    expect(after.message.content.split("\n").at(-1)).toBe("#2: ✓ Kept");
    const state = buttonsOf(after.message).map((b) => [b.label, b.disabled === true]);
    expect(state.filter(([, off]) => off).map(([l]) => l)).toEqual([
      "#2 Kept",
      "#2 Partly",
      "#2 Missed",
      "#2 Snooze 1h",
    ]);
    expect(state.filter(([, off]) => !off).map(([l]) => l)).toEqual([
      "#1 Kept",
      "#1 Partly",
      "#1 Missed",
      "#1 Snooze 1h",
    ]);
  });
});
