/**
 * The follow-up loop of tests/followup.test.ts, replayed as Telegram updates in a group: grammY
 * long-polls the local Bot API server, the dispatcher delivers the outbox through the courier.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import type { ApiCall } from "./support/telegram/server";
import { createWorld, failOnUnhandledRejections, textOf, type World } from "./support/telegram/world";

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

failOnUnhandledRejections();

let w: World;
afterEach(async () => {
  await w?.close();
});

/** Delivered messages since call index `from`: [time, chat id] of each successful sendMessage. */
function deliveries(calls: readonly ApiCall[], from: number): [string, number][] {
  return calls
    .slice(from)
    .filter((c) => c.method === "sendMessage" && c.outcome === "ok")
    .map((c) => [iso(c.at), Number(c.params.chat_id)]);
}

describe("Telegram: the follow-up loop in a group", () => {
  it("prompts, reminds, takes the answer, asks the witness through the group, and closes a missed week", async () => {
    w = await createWorld({ start: "2026-11-29T11:00:00Z" });
    const { tg } = w;
    const alice = tg.user(101, "alice", "alice");
    const bob = tg.user(102, "bob", "bob");
    const carol = tg.user(103, "carol", "carol");
    const group = tg.group(-1001, "Repair");

    // Alice has pressed Start, so what only she should see reaches her private chat.
    await tg.send(alice, tg.dm(alice), "/start");
    expect(textOf(tg.sent(alice.id).at(-1))).toContain("Amends helps you keep promises");

    await tg.send(alice, group, "/timezone Europe/Berlin");
    expect(textOf(tg.sent(alice.id).at(-1))).toContain("Europe/Berlin");
    expect(tg.sent(group.id)).toEqual([]);

    const commit = await tg.send(
      alice,
      group,
      "/commit Call my sister every Sunday cadence: weekly sun 18:00",
    );
    const made = tg.sent(group.id).at(-1);
    expect(textOf(made)).toContain("Call my sister every Sunday");
    expect(made?.reply_to_message?.message_id).toBe(commit.message_id);

    await tg.send(alice, group, "/witness #1 @bob");
    const invite = tg.lastWith("Accept", group.id);
    expect(textOf(invite)).toContain("@bob, alice asks you to witness #1 Call my sister every Sunday");
    if (!invite) throw new Error("no invitation");

    // Someone else's button: a toast only carol sees, and the buttons stay for bob.
    const carols = await tg.click(carol, invite, "Accept");
    expect(carols?.params).toMatchObject({ show_alert: false });
    expect(String(carols?.params.text)).toMatch(/That button isn't for you/);
    expect(tg.find(group.id, invite.message_id)?.reply_markup?.inline_keyboard.flat()).toHaveLength(2);
    expect(tg.callsOf("editMessageText")).toEqual([]);

    const bobs = await tg.click(bob, invite, "Accept");
    expect(bobs?.params.text).toBeUndefined();
    const accepted = tg.sent(group.id).at(-1);
    expect(textOf(accepted)).toContain("bob is now the witness for alice's #1");
    expect(accepted?.entities).toContainEqual(
      expect.objectContaining({ type: "text_mention", user: expect.objectContaining({ id: 101 }) }),
    );

    let mark = tg.calls.length;
    await w.advance(6.5 * H);
    expect(deliveries(tg.calls, mark)).toEqual([["2026-11-29T17:00:00.000Z", group.id]]);
    const prompt = tg.sent(group.id).at(-1);
    expect(textOf(prompt)).toBe("alice, time to check in on #1 Call my sister every Sunday. How did it go?");
    expect(prompt?.entities?.map((e) => e.type)).toEqual(["text_mention", "bold", "italic"]);
    expect(prompt?.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual([
      "Kept",
      "Partly",
      "Missed",
      "Snooze 1h",
    ]);

    // Halfway through the window is 06:00 in Berlin, inside quiet hours: the reminder waits for 08:00.
    mark = tg.calls.length;
    await w.advance(14 * H);
    expect(deliveries(tg.calls, mark)).toEqual([["2026-11-30T07:00:00.000Z", group.id]]);
    const reminder = tg.lastWith("Kept", group.id);
    expect(textOf(reminder)).toContain("is waiting for an answer until 18:00 today");
    if (!reminder) throw new Error("no reminder");

    const keptData = tg.dataOf(reminder, "Kept");
    expect((await tg.click(bob, reminder, "Kept"))?.params.text).toBe(NOT_FOR_YOU);
    expect(tg.find(group.id, reminder.message_id)?.reply_markup).toBeDefined();
    const kept = await tg.click(alice, reminder, "Kept");
    expect(kept?.params.text).toBeUndefined();
    const answered = tg.sent(group.id).at(-1);
    expect(textOf(answered)).toBe("✓ alice checked in on #1 Call my sister every Sunday.");
    expect(answered?.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(["Add a note"]);
    // The reminder now shows its outcome under the same words (mention, bold and italic kept), without buttons.
    const settled = tg.find(group.id, reminder.message_id);
    expect(textOf(settled)).toBe(
      "alice, your check-in on #1 Call my sister every Sunday is waiting for an answer until 18:00 today.\n\n✓ Kept",
    );
    expect(settled?.entities?.map((e) => e.type)).toEqual(["text_mention", "bold", "italic"]);
    expect(settled?.reply_markup).toBeUndefined();
    // A second press from a client that still shows the old buttons is refused, with a toast.
    expect(String((await tg.press(alice, reminder, keptData))?.params.text)).toMatch(/already answered/);

    // Bob never pressed Start: his DM is refused and the request comes to the group, naming him.
    mark = tg.calls.length;
    await w.flush();
    const tries = tg.calls.slice(mark).filter((c) => c.method === "sendMessage");
    expect(tries.map((c) => [Number(c.params.chat_id), c.outcome])).toEqual([
      [bob.id, 403],
      [group.id, "ok"],
    ]);
    const request = tg.lastWith("Confirm", group.id);
    // In the group the witness's question leaves out the answer's details and any note.
    expect(textOf(request)).toContain(
      "bob: alice checked in on #1 (Sun 29 Nov 2026, 18:00). Does that match",
    );
    expect(request?.entities?.[0]).toMatchObject({ type: "text_mention", offset: 0, user: { id: bob.id } });
    if (!request) throw new Error("no witness request");
    expect(String((await tg.click(alice, request, "Confirm"))?.params.text)).toBe(NOT_FOR_YOU);
    const confirmed = await tg.click(bob, request, "Confirm");
    expect(confirmed?.params).toMatchObject({
      text: "Confirmed. alice will be told. Thank you.",
      show_alert: false,
    });
    expect(textOf(tg.find(group.id, request.message_id))).toMatch(
      /Does that match what you've seen\?\n\n✓ Confirmed$/,
    );
    await w.flush();
    expect(textOf(tg.sent(alice.id).at(-1))).toBe(
      "bob confirmed your check-in on #1 Call my sister every Sunday. Verified streak: 1.",
    );

    await tg.send(alice, group, "/status");
    expect(textOf(tg.sent(alice.id).at(-1))).toContain(
      "last kept ✓ (Sun 29 Nov) · streak 1, verified 1 · just started",
    );

    mark = tg.calls.length;
    await w.advance(8 * 24 * H);
    expect(deliveries(tg.calls, mark)).toEqual([
      ["2026-12-06T17:00:00.000Z", group.id],
      ["2026-12-07T07:00:00.000Z", group.id],
    ]);
    // The Sunday digest for bob was refused in his DM and, as it counts misses, never goes to the group.
    const digest = tg.calls.slice(mark).filter((c) => c.method === "sendMessage" && c.outcome !== "ok");
    expect(digest.map((c) => [iso(c.at), Number(c.params.chat_id), c.outcome])).toEqual([
      ["2026-12-06T19:00:00.000Z", bob.id, 403],
    ]);
    expect(
      tg.sent(group.id).some((m) => /got no answer|missed the last two|said they missed/.test(textOf(m))),
    ).toBe(false);

    await tg.send(alice, group, "/status");
    expect(textOf(tg.sent(alice.id).at(-1))).toContain(
      "next check-in Sun 13 Dec 2026, 18:00\n   the last one got no answer (Sun 6 Dec) · just started",
    );
    await tg.send(alice, group, "/history #1");
    const history = textOf(tg.sent(alice.id).at(-1));
    expect(history).toContain("Sun 6 Dec 2026, 18:00: no answer");
    expect(history).toContain("Sun 29 Nov 2026, 18:00: kept ✓ (confirmed by your witness)");

    // Never a token or a person's words in the logs.
    const logs = w.log.lines.join("\n");
    expect(logs).not.toContain(tg.token);
    expect(logs).not.toContain("Call my sister");
  }, 25_000);
});
