/** Autocomplete, the note form, deferred answers, files and clicks, through discord.js and a fake Discord. */
import { ComponentType, InteractionResponseType, MessageFlags, TextInputStyle } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { NOT_FOR_YOU } from "../src/engine/replies";
import type { Engine, Inbound } from "../src/types";
import { type DiscordBot, seen, useDiscordBots } from "./support/discord/bot";
import { buttonsOf, type FakeUser } from "./support/discord/server";
import { allCheckIns } from "./support/inspect";

const H = 3_600_000;

/** alice's daily commitment in the general channel, with its first prompt posted. */
async function prompted(bot: DiscordBot, alice: FakeUser) {
  await bot.slash(alice, "quiet", { hours: "off" });
  await bot.slash(alice, "commit", { promise: "Call my sister", cadence: "daily 12:00" });
  await bot.advance(1 * H);
  return bot.fake.withButton(bot.fake.general.id, "Kept");
}

describe("autocomplete", () => {
  const bots = useDiscordBots();

  it("lists the caller's own open commitments, IANA zones and cadences", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob");
    await bot.slash(alice, "commit", { promise: "Call my sister" });
    await bot.slash(alice, "commit", { promise: "Stay calm" });
    await bot.slash(alice, "cancel", { commitment: "2" });
    await bot.slash(bob, "commit", { promise: "Bob's own" });

    const handledBefore = bot.handled();
    const choices = async (who: FakeUser, command: string, option: string, value: string) => {
      const answer = await bot.settle(fake.autocomplete(who, fake.general, command, option, value));
      expect(answer.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
      return answer.interaction.callbacks[0]?.data?.choices;
    };
    expect(await choices(alice, "checkin", "commitment", "")).toEqual([
      { name: "#1 Call my sister", value: "1" },
    ]);
    expect(await choices(bob, "history", "commitment", "#")).toEqual([{ name: "#1 Bob's own", value: "1" }]);
    expect(await choices(fake.addUser("dan"), "pause", "commitment", "")).toEqual([]);
    const zones = (await choices(alice, "timezone", "zone", "europe/ber")) as { value: string }[];
    expect(zones[0]).toEqual({ name: "Europe/Berlin", value: "Europe/Berlin" });
    const cadences = (await choices(alice, "commit", "cadence", "weekly")) as { value: string }[];
    expect(cadences.map((c) => c.value)).toEqual(["weekly", "weekly sun 18:00", "weekly mon,thu 18:30"]);

    // Typing is not acting: autocomplete never counts as a handled command.
    expect(bot.handled()).toBe(handledBefore);
    // The suggestion's value is what the command then receives: the number, as a string.
    const history = await bot.slash(alice, "history", { commitment: "1" });
    expect(seen(history)).toContain("#1");
    expect(bot.handled()).toBe(handledBefore + 1);
  });
});

describe("the note form", () => {
  const bots = useDiscordBots();

  it("opens a modal from Add a note and saves the text only for the owner", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob");
    const prompt = await prompted(bot, alice);
    const kept = await bot.click(alice, prompt, "Kept");
    const [answer] = kept.messages;
    if (!answer) throw new Error("no answer");
    expect(buttonsOf(answer.message).map((b) => [b.label, b.custom_id])).toEqual([
      ["Add a note", expect.stringMatching(/^note:\d+$/)],
    ]);

    const opened = await bot.click(alice, answer, "Add a note");
    expect(opened.type).toBe(InteractionResponseType.Modal);
    const modal = fake.modals.get(alice.user.id);
    expect(modal).toMatchObject({
      custom_id: buttonsOf(answer.message)[0]?.custom_id,
      title: "Add a note",
      components: [
        {
          type: ComponentType.Label,
          component: {
            type: ComponentType.TextInput,
            style: TextInputStyle.Paragraph,
            max_length: 1000,
          },
        },
      ],
    });

    // bob can open the form too (Discord opens it before anyone is asked), but his note is refused.
    await bot.click(bob, answer, "Add a note");
    const sneaky = await bot.settle(fake.submitModal(bob, answer, "sneaky"));
    expect(sneaky.messages.map((m) => [m.ephemeral, m.message.content])).toEqual([[true, NOT_FOR_YOU]]);

    const noted = await bot.settle(fake.submitModal(alice, answer, "We talked for an hour, *finally*"));
    expect(noted.messages.map((m) => [m.ephemeral, m.message.content])).toEqual([
      [true, "Your note is saved with today's check-in on **#1**: *We talked for an hour, \\*finally\\**"],
    ]);
    // The note settles the button it came from: the answer now says so, and cannot take another.
    expect(noted.type).toBe(InteractionResponseType.UpdateMessage);
    expect(buttonsOf(fake.message(answer.message.id).message).map((b) => b.disabled)).toEqual([true]);
    expect((await allCheckIns(bot))[0]?.note).toBe("We talked for an hour, *finally*");
  });
});

describe("answering clicks", () => {
  const bots = useDiscordBots();

  it("refuses the wrong person privately and leaves the message as it was", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob");
    const prompt = await prompted(bot, alice);
    const before = structuredClone(prompt.message);

    const refused = await bot.click(bob, prompt, "Missed");
    expect(refused.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refused.interaction.callbacks[0]?.data?.flags).toBe(
      MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds,
    );
    expect(seen(refused)).toBe(NOT_FOR_YOU);
    expect(fake.message(prompt.message.id).message).toEqual(before);
    expect(fake.requestsTo("PATCH", /messages\/@original/)).toEqual([]);

    // Snooze answers privately and does not spend the buttons: the check-in is still open.
    const snoozed = await bot.click(alice, prompt, "Snooze 1h");
    expect(snoozed.messages[0]?.ephemeral).toBe(true);
    expect(seen(snoozed)).toMatch(/I'll remind you about \*\*#1\*\* at/);
    expect(buttonsOf(fake.message(prompt.message.id).message).some((b) => b.disabled)).toBe(false);

    const missed = await bot.click(alice, prompt, "Missed");
    expect(missed.type).toBe(InteractionResponseType.UpdateMessage);
    const spent = fake.message(prompt.message.id);
    // One outcome line is appended; in the group it does not say "missed" (a miss is never announced).
    expect(spent.message.content.startsWith(`${before.content}\n`)).toBe(true);
    const appended = spent.message.content.slice(before.content.length + 1);
    expect(appended).toMatch(/^[^\n]+$/);
    expect(appended).not.toMatch(/miss/i);
    expect(buttonsOf(spent.message).map((b) => b.disabled)).toEqual([true, true, true, true]);
    // A miss is never announced in the group: the answer goes to alice alone.
    expect(missed.messages.map((m) => m.ephemeral)).toEqual([true]);
    expect(seen(missed)).toMatch(/^Noted as missed for \*\*#1\*\*/);
  });

  it("defers when the engine is slow, then fills in the answer", async () => {
    let delayMs = 0;
    const slow = (engine: Engine): Engine => ({
      ...engine,
      handle: async (input) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return engine.handle(input);
      },
    });
    const bot = await bots.start({ wrap: slow, deferAfterMs: 40 });
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const prompt = await prompted(bot, alice);
    delayMs = 200;

    const status = await bot.slash(alice, "status");
    expect(status.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(status.interaction.callbacks[0]?.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(status.messages.map((m) => [m.source, m.ephemeral, m.edits])).toEqual([["deferred", true, 1]]);
    expect(seen(status)).toContain("#1");

    // A public answer cannot replace a private placeholder: the placeholder goes, the answer follows.
    const made = await bot.slash(alice, "commit", { promise: "Walk the dog", cadence: "daily 18:00" });
    expect(made.messages.map((m) => [m.source, m.ephemeral, m.deleted])).toEqual([
      ["deferred", true, true],
      ["followup", false, false],
    ]);

    const kept = await bot.click(alice, prompt, "Kept");
    expect(kept.type).toBe(InteractionResponseType.DeferredMessageUpdate);
    expect(fake.message(prompt.message.id).message.content.split("\n").at(-1)).toBe("✓ Kept");
    expect(buttonsOf(fake.message(prompt.message.id).message).every((b) => b.disabled)).toBe(true);
    expect(kept.messages.map((m) => [m.source, m.ephemeral])).toEqual([["followup", false]]);
  });

  it("sends /export as a JSON attachment only the caller sees", async () => {
    const bot = await bots.start();
    const alice = bot.fake.addUser("alice", { globalName: "Alice A." });
    await bot.slash(alice, "commit", { promise: "Call my sister" });
    const exported = await bot.slash(alice, "export");
    const [message] = exported.messages;
    expect(message?.ephemeral).toBe(true);
    expect(message?.files.map((f) => f.name)).toEqual([expect.stringMatching(/^amends-export-.*\.json$/)]);
    const data = JSON.parse(message?.files[0]?.content ?? "{}");
    expect(JSON.stringify(data)).toContain("Call my sister");
    // The display name is the global name when there is no server nickname.
    expect(JSON.stringify(data)).toContain("Alice A.");
  });

  it("takes flags and people as typed options; refuses a witness in a DM in the engine's words", async () => {
    const inbound: Inbound[] = [];
    const recording = (engine: Engine): Engine => ({
      ...engine,
      handle: (input) => {
        inbound.push(input);
        return engine.handle(input);
      },
    });
    const bot = await bots.start({ wrap: recording });
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob", { nick: "Bobby" });
    const made = await bot.slash(alice, "commit", { promise: "Be open", private: true, witness: bob });
    expect(made.messages.map((m) => m.ephemeral)).toEqual([true, false]);
    expect(seen(made)).toContain(`<@${bob.user.id}>, alice asks you to witness`);
    const invite = made.messages[1];
    if (!invite) throw new Error("no invitation");
    expect(invite.pings.users).toEqual([bob.user.id]);
    const accepted = await bot.click(bob, invite, "Accept");
    expect(seen(accepted)).toMatch(/^Bobby is now the witness/);

    // A bot picked as witness reaches the engine marked as one, for the engine to refuse.
    const helper = fake.addUser("helperbot", { bot: true });
    await bot.slash(alice, "commit", { promise: "Walk", witness: helper });
    expect(inbound.at(-1)).toMatchObject({
      mentions: [{ id: helper.user.id, username: "helperbot", isBot: true }],
    });

    const dm = fake.dmChannel(alice.user.id);
    const refused = await bot.slash(alice, "witness", { commitment: "1", person: bob }, dm);
    expect(refused.messages[0]?.ephemeral).toBe(true);
    expect(seen(refused)).toMatch(/already has a witness|group chat/);
  });
});
