/**
 * Commands and buttons on Telegram, end to end through grammY and the local Bot API server:
 * the guided exchange, the witness named by a reply, private answers, files, notes, escaping.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/table";
import { COMMON_CADENCES } from "../src/engine/suggest";
import { allCheckIns, allCommitments } from "./support/inspect";
import type { FakeTelegram, StoredMessage } from "./support/telegram/server";
import { createWorld, failOnUnhandledRejections, textOf, type World } from "./support/telegram/world";

failOnUnhandledRejections();

let w: World;
let tg: FakeTelegram;
afterEach(async () => {
  await w?.close();
});

/** The reply_markup the bot sent with its newest message (a force_reply is not kept on messages). */
function lastMarkup(): unknown {
  return tg.callsOf("sendMessage").at(-1)?.params.reply_markup;
}

function people() {
  const alice = tg.user(101, "alice", "alice");
  const bob = tg.user(102, "bob", "bob");
  const dave = tg.user(104, "Dave", undefined);
  const group = tg.group(-1001, "Repair");
  return { alice, bob, dave, group };
}

describe("Telegram: start-up", () => {
  beforeEach(async () => {
    w = await createWorld();
    tg = w.tg;
  });

  it("registers the one command table for private chats and for groups, and logs only who it is", () => {
    const names = COMMANDS.map((c) => c.name);
    expect(tg.commands.get("all_private_chats")?.map((c) => c.command)).toEqual(names);
    expect(tg.commands.get("all_group_chats")?.map((c) => c.command)).toEqual(names);
    expect(tg.callsOf("getMe")).toHaveLength(1);
    const signedIn = w.log.lines.find((l) => l.includes("signed in"));
    expect(JSON.parse(signedIn ?? "{}")).toMatchObject({ id: tg.bot.id, username: "AmendsBot" });
    expect(w.log.lines.join("\n")).not.toContain(tg.token);
    expect(w.adapter.botUsername).toBe("AmendsBot");
  });
});

describe("Telegram: stopping", () => {
  it("waits for the update being handled before it resolves", async () => {
    w = await createWorld();
    tg = w.tg;
    const alice = tg.user(101, "alice", "alice");
    const release = tg.hold("sendMessage");
    tg.queue({ message: tg.userMessage(alice, tg.dm(alice), "/help") });
    for (let i = 0; tg.callsOf("sendMessage").length === 0; i++) {
      expect(i).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    let stopped = false;
    const stopping = w.adapter.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(textOf(tg.sent(alice.id).at(-1))).toContain("Amends helps you keep promises");
    const polls = tg.callsOf("getUpdates").length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tg.callsOf("getUpdates")).toHaveLength(polls);
  });
});

describe("Telegram: commands", () => {
  beforeEach(async () => {
    w = await createWorld({ start: "2026-11-29T11:00:00Z" });
    tg = w.tg;
  });

  it("guides a bare /commit: the promise as a reply, then a cadence button or Other typed", async () => {
    const { alice, bob, group } = people();
    const command = await tg.send(alice, group, "/commit");
    const ask = tg.sent(group.id).at(-1) as StoredMessage;
    expect(textOf(ask)).toBe("What do you commit to? Reply to this message in your own words.");
    expect(ask.reply_to_message?.message_id).toBe(command.message_id);
    expect(lastMarkup()).toMatchObject({ force_reply: true, selective: true });

    // Only alice's reply to the question counts: bob's reply and alice's loose message are ignored.
    const before = tg.sent().length;
    await tg.send(bob, group, "Not my question", { replyTo: ask });
    await tg.send(alice, group, "chatting, not answering");
    expect(tg.sent()).toHaveLength(before);

    const answer = await tg.send(alice, group, "Call my sister", { replyTo: ask });
    const cadences = tg.sent(group.id).at(-1) as StoredMessage;
    expect(textOf(cadences)).toBe("When should I check in? Pick one, or Other to type your own.");
    expect(cadences.reply_to_message?.message_id).toBe(answer.message_id);
    const labels = cadences.reply_markup?.inline_keyboard.flat().map((b) => b.text);
    expect(labels).toEqual([...COMMON_CADENCES, "Other…"]);

    expect((await tg.click(bob, cadences, "daily 20:00"))?.params.text).toBe("This question is for alice.");
    expect(await tg.click(alice, cadences, "Other…")).toMatchObject({
      params: { callback_query_id: expect.any(String) },
    });
    expect(textOf(tg.find(group.id, cadences.message_id))).toMatch(/\n\n→ Other…$/);
    expect(tg.find(group.id, cadences.message_id)?.reply_markup).toBeUndefined();
    const typeIt = tg.sent(group.id).at(-1) as StoredMessage;
    expect(textOf(typeIt)).toBe("Type it as a reply to this message, like every 2 days 19:00.");

    await tg.send(alice, group, "every 2 days 19:00", { replyTo: typeIt });
    const made = tg.sent(group.id).at(-1);
    expect(textOf(made)).toMatch(/^Committed #1 Call my sister: check-ins from today, every 2 days/);
    expect(made?.reply_to_message?.message_id).toBe(command.message_id);
    expect((await allCommitments(w))[0]).toMatchObject({
      promise: "Call my sister",
      cadence: "every 2 days 19:00",
    });

    // A second guided /commit in the private chat: plain messages answer, a button picks the cadence.
    await tg.send(alice, tg.dm(alice), "/commit private");
    await tg.send(alice, tg.dm(alice), "Journal: what went well, what didn't");
    await tg.click(alice, tg.lastWith("weekdays 09:00", alice.id) as StoredMessage, "weekdays 09:00");
    const second = (await allCommitments(w))[1];
    expect(second).toMatchObject({
      promise: "Journal: what went well, what didn't",
      cadence: "weekdays 09:00",
    });
    expect(second?.visibility).toBe("private");
  });

  it("asks for a missing choice, commitment or step with buttons, and re-asks after a bad typed answer", async () => {
    const { alice, group } = people();
    await tg.send(alice, tg.dm(alice), "/start");
    await tg.send(alice, group, "/commit Stay calm cadence: daily 12:00");
    await tg.send(alice, group, "/history");
    const which = tg.sent(group.id).at(-1) as StoredMessage;
    expect(textOf(which)).toBe("Which commitment?");
    await tg.click(alice, which, "#1 Stay calm");
    expect(textOf(tg.sent(alice.id).at(-1))).toMatch(/Stay calm/);

    await tg.send(alice, tg.dm(alice), "/step");
    const steps = tg.sent(alice.id).at(-1) as StoredMessage;
    expect(steps.reply_markup?.inline_keyboard.map((row) => row.length)).toEqual([7, 6]);
    await tg.click(alice, steps, "5");
    expect(textOf(tg.sent(alice.id).at(-1))).toMatch(/^Step 5/);

    await tg.send(alice, tg.dm(alice), "/timezone");
    await tg.send(alice, tg.dm(alice), "Europe/Nowhere");
    expect(textOf(tg.sent(alice.id).at(-1))).toMatch(/Europe\/Nowhere/);
    await tg.send(alice, tg.dm(alice), "/witness #1");
    expect(textOf(tg.sent(alice.id).at(-1))).toBe("Who should it be? Reply with their @username.");
    await tg.send(alice, tg.dm(alice), "not a name!");
    expect(textOf(tg.sent(alice.id).at(-1))).toBe(
      'Name a person as @username, not "not a name!". Who should it be? Reply with their @username.',
    );
  });

  it("names the witness from the message /witness replies to, or from a picked mention without username", async () => {
    const { alice, bob, dave, group } = people();
    await tg.send(alice, group, "/commit Call my sister cadence: daily 20:00");
    const hello = await tg.send(bob, group, "I can help you with that");
    await tg.send(alice, group, "/witness #1", { replyTo: hello });
    const invite = tg.lastWith("Accept", group.id) as StoredMessage;
    expect(textOf(invite)).toMatch(/^bob, alice asks you to witness #1 Call my sister/);
    expect(invite.entities?.[0]).toMatchObject({ type: "text_mention", user: { id: bob.id } });
    await tg.click(bob, invite, "Accept");
    expect(textOf(tg.find(group.id, invite.message_id))).toMatch(/\n\nAccepted by bob$/);

    await tg.send(alice, group, "/commit Walk daily cadence: daily 08:00");
    const text = "/witness #2 Dave";
    await tg.send(alice, group, text, {
      entities: [{ type: "text_mention", offset: text.indexOf("Dave"), length: 4, user: dave }],
    });
    const second = tg.lastWith("Accept", group.id) as StoredMessage;
    expect(second.entities?.[0]).toMatchObject({ type: "text_mention", user: { id: dave.id } });
    expect((await tg.click(bob, second, "Accept"))?.params.text).toMatch(/That button isn't for you/);
    await tg.click(dave, second, "Accept");
    expect(textOf(tg.sent(group.id).at(-1))).toMatch(/^Dave is now the witness/);
  });

  it("refuses a bot named as witness by replying to its message, saying why", async () => {
    const { alice, group } = people();
    const helper = { id: 4242, is_bot: true, first_name: "Helper", username: "helper_bot" };
    await tg.send(alice, group, "/commit Call my sister cadence: daily 20:00");
    const hello = await tg.send(helper, group, "I am a helpful bot");
    await tg.send(alice, group, "/witness #1", { replyTo: hello });
    expect(tg.lastWith("Accept", group.id)).toBeUndefined();
    const said = [...tg.sent(alice.id), ...tg.sent(group.id)].map((m) => textOf(m));
    expect(said).toContain("A bot can't be a witness. Ask a person you trust.");
  });

  it("ignores other bots' commands, answers ones addressed to it", async () => {
    const { alice, group } = people();
    await tg.send(alice, tg.dm(alice), "/start");
    const before = tg.callsOf("sendMessage").length;
    await tg.send(alice, group, "/status@OtherBot");
    await tg.send(alice, group, "/weather");
    expect(tg.callsOf("sendMessage")).toHaveLength(before);
    await tg.send(alice, group, "/weather@AmendsBot");
    // Alice has started the bot, so the refusal reaches her privately.
    expect(textOf(tg.sent(alice.id).at(-1))).toBe("I don't know /weather. Send /help to see what I can do.");
    await tg.send(alice, group, "/status@amendsbot");
    expect(textOf(tg.sent(alice.id).at(-1))).toMatch(/no commitments|You have/i);
  });

  it("goes on after an update whose answer failed, and still answers a click whose reply failed", async () => {
    const { alice, group } = people();
    await tg.send(alice, tg.dm(alice), "/start");
    tg.fail({ method: "sendMessage", fail: { code: 500, description: "Internal Server Error" } });
    await tg.send(alice, tg.dm(alice), "/plan");
    expect(w.log.lines.some((l) => l.includes("update failed") && l.includes("500"))).toBe(true);
    await tg.send(alice, tg.dm(alice), "/help");
    expect(textOf(tg.sent(alice.id).at(-1))).toContain("Amends helps you keep promises");

    await tg.send(alice, group, "/commit Stay calm cadence: daily 20:00");
    await tg.send(alice, group, "/witness #1 @bob");
    const invite = tg.lastWith("Accept", group.id) as StoredMessage;
    tg.fail({ method: "sendMessage", fail: "drop" });
    const answered = await tg.click(tg.user(102, "bob", "bob"), invite, "Accept");
    expect(answered?.outcome).toBe("ok");
  });

  it("keeps private answers short in the group for someone who never started the bot", async () => {
    const { dave, group } = people();
    const bad = await tg.send(dave, group, "/timezone Mars/Olympus");
    const refusal = tg.sent(group.id).at(-1);
    expect(tg.callsOf("sendMessage").at(-2)).toMatchObject({ params: { chat_id: dave.id }, outcome: 403 });
    expect(textOf(refusal)).toMatch(/Mars\/Olympus/);
    expect(refusal?.reply_to_message?.message_id).toBe(bad.message_id);

    await tg.send(dave, group, "/help");
    expect(textOf(tg.sent(group.id).at(-1))).toBe(
      "That answer is just for you. Open @AmendsBot, press Start, then send /help there.",
    );
    // Even a short private answer stays out of the group: a status may say "missed".
    await tg.send(dave, group, "/status");
    expect(textOf(tg.sent(group.id).at(-1))).toBe(
      "That answer is just for you. Open @AmendsBot, press Start, then send /status there.",
    );
    await tg.send(dave, group, "/export");
    expect(textOf(tg.sent(group.id).at(-1))).toMatch(/^That file holds your personal data/);
    // The DM was tried (and refused); the document never went to the group.
    expect(tg.callsOf("sendDocument").map((c) => [c.params.chat_id, c.outcome])).toEqual([[dave.id, 403]]);
  });

  it("sends /export as a JSON document in the private chat", async () => {
    const { alice, group } = people();
    await tg.send(alice, tg.dm(alice), "/start");
    await tg.send(alice, group, "/commit Call my sister cadence: daily 20:00");
    await tg.send(alice, group, "/export");
    const [upload] = tg.callsOf("sendDocument");
    expect(upload?.params.chat_id).toBe(alice.id);
    expect(upload?.upload?.filename).toBe("amends-export-2026-11-29.json");
    const data = JSON.parse(upload?.upload?.content.toString("utf8") ?? "{}");
    expect(data).toMatchObject({ format: "amends-export/1", commitments: [{ promise: "Call my sister" }] });
    const doc = tg.sent(alice.id).at(-1);
    expect(doc?.caption).toMatch(/^Here is everything I hold about you: 1 commitment and 1 history entry\./);
    expect(tg.sent(group.id).filter((m) => m.document)).toEqual([]);
  });

  it("shows a promise holding HTML literally, in the reply and in the prompt", async () => {
    const { alice, group } = people();
    await tg.send(alice, tg.dm(alice), "/quiet off");
    const promise = `<b>bold</b> & </a> <a href="tg://user?id=1">x</a> &amp;`;
    await tg.send(alice, group, `/commit ${promise} cadence: daily 12:00`);
    const made = tg.sent(group.id).at(-1);
    expect(textOf(made)).toContain(`Committed #1 ${promise}: check-ins`);
    expect(made?.entities?.map((e) => e.type)).toEqual(["bold", "italic", "code"]);
    await w.advance(3_600_000);
    const prompt = tg.lastWith("Kept", group.id);
    expect(textOf(prompt)).toBe(`alice, time to check in on #1 ${promise}. How did it go?`);
    expect(prompt?.entities?.filter((e) => e.type === "text_mention" || e.type === "text_link")).toEqual([
      expect.objectContaining({
        type: "text_mention",
        offset: 0,
        length: 5,
        user: expect.objectContaining({ id: alice.id }),
      }),
    ]);
  });

  it("asks for a note with a reply box and saves the typed reply", async () => {
    const { alice, group } = people();
    await tg.send(alice, tg.dm(alice), "/quiet off");
    await tg.send(alice, group, "/commit Call my sister cadence: daily 12:00");
    await w.advance(3_600_000);
    await tg.click(alice, tg.lastWith("Kept", group.id) as StoredMessage, "Kept");
    const kept = tg.lastWith("Add a note", group.id) as StoredMessage;
    await tg.click(alice, kept, "Add a note");
    const ask = tg.sent(group.id).at(-1) as StoredMessage;
    expect(textOf(ask)).toBe("alice, what would you like to add? Reply to this message.");
    expect(lastMarkup()).toMatchObject({ force_reply: true, selective: true });
    await tg.send(alice, group, "We talked for an hour", { replyTo: ask });
    expect(textOf(tg.sent(alice.id).at(-1))).toBe(
      "Your note is saved with today's check-in on #1: We talked for an hour",
    );
    expect((await allCheckIns(w))[0]?.note).toBe("We talked for an hour");
  });
});
