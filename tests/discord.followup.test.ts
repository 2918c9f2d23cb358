/**
 * The follow-up loop of tests/followup.test.ts, played as Discord interactions in a guild: slash
 * commands, button clicks in the channel and in DMs, and outbox messages posted by the courier;
 * once with interactions over the gateway, once POSTed to the HTTP interactions endpoint.
 */
import { InteractionResponseType, MessageFlags } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { nonceFor } from "../adapters/discord";
import { NOT_FOR_YOU } from "../src/engine/replies";
import { seen, useDiscordBots } from "./support/discord/bot";
import { buttonsOf } from "./support/discord/server";
import { outboxOf } from "./support/inspect";

const H = 3_600_000;

// The same scenario over the gateway and over the HTTP interactions endpoint: one core answers both.
describe.each(["gateway", "http"] as const)("the follow-up loop on Discord (%s)", (mode) => {
  const bots = useDiscordBots();

  it("commits, binds the witness, prompts, reminds, takes answers, confirms, misses a week", async () => {
    const bot = await bots.start({ start: "2026-11-29T11:00:00Z", mode });
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob");
    const carol = fake.addUser("carol", { nick: "Caz" });
    const general = fake.general;

    const zone = await bot.slash(alice, "timezone", { zone: "Europe/Berlin" });
    expect(zone.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(zone.messages[0]?.ephemeral).toBe(true);

    const made = await bot.slash(alice, "commit", {
      promise: "Call my sister every Sunday",
      cadence: "weekly sun 18:00",
    });
    expect(made.messages[0]?.ephemeral).toBe(false);
    expect(seen(made)).toContain("*Call my sister every Sunday*");

    const invited = await bot.slash(alice, "witness", { commitment: "1", person: bob });
    const [invite] = invited.messages;
    if (!invite) throw new Error("no invitation");
    expect(invite.ephemeral).toBe(false);
    expect(invite.message.content).toMatch(
      new RegExp(
        `^<@${bob.user.id}>, alice asks you to witness \\*\\*#1\\*\\* \\*Call my sister every Sunday\\*`,
      ),
    );
    // The invitation pings bob, the one person the core named, and nobody else.
    expect(invite.pings).toEqual({ everyone: false, roles: [], users: [bob.user.id] });
    expect(buttonsOf(invite.message).map((b) => [b.label, b.custom_id])).toEqual([
      ["Accept", expect.stringMatching(/^wacc:\d+$/)],
      ["Decline", expect.stringMatching(/^wdec:\d+$/)],
    ]);

    const wrong = await bot.click(carol, invite, "Accept");
    expect(wrong.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(wrong.messages[0]?.ephemeral).toBe(true);
    expect(seen(wrong)).toMatch(/That button isn't for you/);
    expect(fake.message(invite.message.id).edits).toBe(0);

    const accepted = await bot.click(bob, invite, "Accept");
    expect(accepted.type).toBe(InteractionResponseType.UpdateMessage);
    const spent = fake.message(invite.message.id);
    expect(spent.message.content.split("\n").at(-1)).toBe("Accepted by bob");
    expect(buttonsOf(spent.message).every((b) => b.disabled)).toBe(true);
    expect(seen(accepted)).toBe(
      `bob is now the witness for <@${alice.user.id}>'s **#1** *Call my sister every Sunday*. ` +
        "Thank you for standing by them.",
    );

    const evening = await bot.advance(6.5 * H);
    // bob first hears privately what witnessing means, then alice's prompt comes in the group.
    expect(evening.map((m) => [bot.when(m), m.channelId === general.id])).toEqual([
      ["2026-11-29T11:01:00.000Z", false],
      ["2026-11-29T17:00:00.000Z", true],
    ]);
    const prompt = evening[1];
    if (!prompt) throw new Error("no prompt");
    expect(prompt.message.content).toBe(
      `<@${alice.user.id}>, time to check in on **#1** *Call my sister every Sunday*. How did it go?`,
    );
    expect(buttonsOf(prompt.message).map((b) => b.label)).toEqual(["Kept", "Partly", "Missed", "Snooze 1h"]);
    expect(prompt.pings.users).toEqual([alice.user.id]);
    const promptRow = (await outboxOf(bot)).find((row) => row.purpose.startsWith("prompt:"));
    const sent = fake
      .requestsTo("POST", /^\/channels\/\d+\/messages$/)
      .map((r) => r.body as Record<string, unknown>)
      .find((body) => String(body.content).includes("time to check in")) as Record<string, unknown>;
    expect(sent).toMatchObject({
      nonce: nonceFor(promptRow?.purpose ?? ""),
      enforce_nonce: true,
      allowed_mentions: { parse: [], users: [alice.user.id] },
      flags: MessageFlags.SuppressEmbeds,
    });
    expect(String(sent.nonce).length).toBeLessThanOrEqual(25);

    // Halfway through the window is 06:00 in Berlin, inside quiet hours: the reminder waits for 08:00.
    const morning = await bot.advance(14 * H);
    expect(morning.map((m) => bot.when(m))).toEqual(["2026-11-30T07:00:00.000Z"]);
    expect(morning[0]?.message.content).toContain("is waiting for an answer until 18:00 today");
    const reminder = fake.withButton(general.id, "Kept");
    expect(reminder.message.id).toBe(morning[0]?.message.id);

    const refused = await bot.click(bob, reminder, "Kept");
    expect(refused.messages.map((m) => [m.ephemeral, m.message.content])).toEqual([[true, NOT_FOR_YOU]]);
    expect(fake.message(reminder.message.id).edits).toBe(0);

    const kept = await bot.click(alice, reminder, "Kept");
    expect(kept.type).toBe(InteractionResponseType.UpdateMessage);
    expect(fake.message(reminder.message.id).message.content.split("\n").at(-1)).toBe("✓ Kept");
    expect(kept.messages.map((m) => [m.source, m.ephemeral, m.message.content])).toEqual([
      ["followup", false, "✓ alice checked in on **#1** *Call my sister every Sunday*."],
    ]);
    expect(() => fake.click(alice, fake.message(reminder.message.id), "Kept")).toThrow(/disabled/);

    // The witness is asked in his DM, which the courier opens first.
    const request = await bot.drain();
    const bobDm = fake.dmChannel(bob.user.id);
    expect(fake.requestsTo("POST", /^\/users\/@me\/channels$/).map((r) => r.body)).toEqual([
      { recipient_id: bob.user.id },
    ]);
    expect(request.map((m) => m.channelId)).toEqual([bobDm.id]);
    expect(request[0]?.message.content).toContain(
      "alice says they kept **#1** *Call my sister every Sunday* (Sun 29 Nov 2026, 18:00)",
    );

    const confirmed = await bot.click(bob, request[0] ?? reminder, "Confirm");
    expect(confirmed.type).toBe(InteractionResponseType.UpdateMessage);
    expect(
      fake
        .message(request[0]?.message.id ?? "")
        .message.content.split("\n")
        .at(-1),
    ).toMatch(/Confirmed$/);
    expect(confirmed.messages.map((m) => [m.ephemeral, m.message.content])).toEqual([
      [true, "Confirmed. alice will be told. Thank you."],
    ]);
    const told = await bot.drain();
    expect(told.map((m) => [m.channelId, m.message.content])).toEqual([
      [
        fake.dmChannel(alice.user.id).id,
        "bob confirmed your check-in on **#1** *Call my sister every Sunday*. Verified streak: 1.",
      ],
    ]);

    const status = await bot.slash(alice, "status");
    expect(status.messages[0]?.ephemeral).toBe(true);
    expect(seen(status)).toContain("streak 1, verified 1 · just started");

    const week = await bot.advance(8 * 24 * H);
    const bobDmNow = fake.dmChannel(bob.user.id).id;
    expect(week.map((m) => [bot.when(m), m.channelId])).toEqual([
      ["2026-12-06T17:00:00.000Z", general.id],
      ["2026-12-06T19:00:00.000Z", bobDmNow],
      ["2026-12-07T07:00:00.000Z", general.id],
    ]);
    expect(week[0]?.message.content).toContain("time to check in on **#1**");
    expect(week[1]?.message.content).toMatch(/week/i);
    expect(week[2]?.message.content).toContain("is waiting for an answer");

    const after = await bot.slash(alice, "status");
    expect(seen(after)).toContain(
      "next check-in Sun 13 Dec 2026, 18:00\n   the last one got no answer (Sun 6 Dec) · just started",
    );
    const history = await bot.slash(alice, "history", { commitment: "#1" });
    expect(seen(history)).toContain("Sun 6 Dec 2026, 18:00: no answer");
    expect(seen(history)).toContain("Sun 29 Nov 2026, 18:00: kept ✓ (confirmed by your witness)");
    // In HTTP mode nothing went over a gateway: every interaction was POSTed to the endpoint.
    if (mode === "http") {
      expect(fake.gateway.connections).toBe(0);
      expect(fake.endpointAnswers.map((a) => a.status)).toEqual(fake.endpointAnswers.map(() => 200));
      expect(fake.endpointAnswers.length).toBe(fake.interactions.size);
    }
  });
});
