/**
 * The HTTP interactions mode against the fake Discord: signatures checked before anything is
 * parsed, PING, and commands, clicks, the note form, autocomplete and deferrals answered the way
 * the gateway mode answers them (the first answer is the HTTP response, the rest goes over the
 * interaction's webhook).
 */
import { generateKeyPairSync } from "node:crypto";
import { InteractionResponseType, InteractionType, MessageFlags } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { discordHttpOptions, readDiscordConfig, wantsDiscordHttp } from "../adapters/discord/config";
import { MAX_BODY_BYTES } from "../adapters/discord/endpoint";
import type { Engine } from "../src/types";
import { type DiscordBot, seen, useDiscordBots } from "./support/discord/bot";
import { buttonsOf, type FakeUser } from "./support/discord/server";
import { InteractionSigner } from "./support/discord/signer";

const H = 3_600_000;

/** A bot in HTTP mode with its endpoint. */
function endpointOf(bot: DiscordBot) {
  if (!bot.endpoint) throw new Error("not in HTTP mode");
  return bot.endpoint;
}

/** alice's daily commitment in the general channel, with its first prompt posted. */
async function prompted(bot: DiscordBot, alice: FakeUser) {
  await bot.slash(alice, "quiet", { hours: "off" });
  await bot.slash(alice, "commit", { promise: "Call my sister", cadence: "daily 12:00" });
  await bot.advance(1 * H);
  return bot.fake.withButton(bot.fake.general.id, "Kept");
}

/** Counts the engine's commands and clicks, to show a refused request never reached it. */
function counting(): { wrap: (engine: Engine) => Engine; count: () => number } {
  let n = 0;
  return {
    wrap: (engine) => ({
      ...engine,
      handle: (input) => {
        n += 1;
        return engine.handle(input);
      },
    }),
    count: () => n,
  };
}

describe("the interactions endpoint's door", () => {
  const bots = useDiscordBots();

  it("answers PING with PONG, signed", async () => {
    const bot = await bots.start({ mode: "http" });
    const { signer, url } = endpointOf(bot);
    const ping = JSON.stringify({
      id: "1",
      application_id: bot.fake.applicationId,
      type: InteractionType.Ping,
      token: "t",
      version: 1,
    });
    expect(await signer.post(url, ping)).toEqual({
      status: 200,
      json: { type: InteractionResponseType.Pong },
    });
    // Discord checks this when the URL is saved: an unsigned PING must be refused.
    expect((await signer.post(url, ping, { unsigned: true })).status).toBe(401);
  });

  it("refuses bad, tampered and stale signatures with 401 before reading the JSON", async () => {
    const engine = counting();
    const bot = await bots.start({ mode: "http", wrap: engine.wrap });
    const { signer, url } = endpointOf(bot);
    const alice = bot.fake.addUser("alice");
    const body = JSON.stringify({ type: InteractionType.Ping, id: "1", token: "t", version: 1 });
    const now = Math.floor(Date.now() / 1000);
    const other = generateKeyPairSync("ed25519").privateKey;

    expect((await signer.post(url, body, { key: other })).status).toBe(401);
    expect((await signer.post(url, body, { signedBody: body.replace("1", "2") })).status).toBe(401);
    expect((await signer.post(url, body, { unsigned: true })).status).toBe(401);
    expect((await signer.post(url, body, { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await signer.post(url, body, { timestamp: now + 6 * 60 })).status).toBe(401);
    expect((await signer.post(url, body, { timestamp: now - 4 * 60 })).status).toBe(200);
    // Not JSON at all: refused for its signature (401), never parsed (which would say 400).
    expect((await signer.post(url, "{not json", { key: other })).status).toBe(401);
    expect((await signer.post(url, "{not json")).status).toBe(400);
    // Too large: refused without being read to the end.
    expect((await signer.post(url, "x".repeat(MAX_BODY_BYTES + 1))).status).toBe(413);

    // A real command, forged: the engine never sees it.
    bot.fake.useEndpoint(url, new InteractionSigner());
    const forged = bot.fake.slash(alice, bot.fake.general, "status");
    await forged.acked;
    expect(forged.status).toBe(401);
    expect(forged.callbacks).toEqual([]);
    expect(engine.count()).toBe(0);

    const wrongPath = await fetch(url.replace("/interactions", "/other"), { method: "POST", body });
    expect(wrongPath.status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
  });
});

describe("answers over HTTP", () => {
  const bots = useDiscordBots();

  it("answers /commit with type 4 and the same message the gateway mode sends", async () => {
    const answers = [];
    for (const mode of ["gateway", "http"] as const) {
      const bot = await bots.start({ mode });
      const alice = bot.fake.addUser("alice");
      const made = await bot.slash(alice, "commit", { promise: "Call my sister", cadence: "daily 18:00" });
      answers.push({ type: made.type, data: made.interaction.callbacks[0]?.data, text: seen(made) });
      const status = await bot.slash(alice, "status");
      answers.push({ type: status.type, data: status.interaction.callbacks[0]?.data, text: seen(status) });
    }
    const [gatewayCommit, gatewayStatus, httpCommit, httpStatus] = answers;
    expect(httpCommit?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(httpCommit).toEqual(gatewayCommit);
    expect(httpCommit?.text).toContain("*Call my sister*");
    expect(httpStatus).toEqual(gatewayStatus);
    expect(httpStatus?.data?.flags).toBe(MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds);
  });

  it("updates the clicked message with type 7, and refuses the wrong person with a private type 4", async () => {
    const bot = await bots.start({ mode: "http" });
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob");
    const prompt = await prompted(bot, alice);

    const refused = await bot.click(bob, prompt, "Kept");
    expect(refused.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refused.messages.map((m) => m.ephemeral)).toEqual([true]);
    expect(fake.message(prompt.message.id).edits).toBe(0);

    const kept = await bot.click(alice, prompt, "Kept");
    expect(kept.type).toBe(InteractionResponseType.UpdateMessage);
    const spent = fake.message(prompt.message.id);
    expect(spent.message.content.split("\n").at(-1)).toBe("✓ Kept");
    expect(buttonsOf(spent.message).every((b) => b.disabled)).toBe(true);
    // What follows the update goes over the interaction's webhook.
    expect(kept.messages.map((m) => [m.source, m.ephemeral])).toEqual([["followup", false]]);
    expect(fake.requestsTo("POST", /^\/webhooks\/\d+\/[^/]+$/).length).toBeGreaterThan(0);

    // The note form: type 9 from the button, then the submitted note updates the message.
    const [answer] = kept.messages;
    if (!answer) throw new Error("no answer");
    const opened = await bot.click(alice, answer, "Add a note");
    expect(opened.type).toBe(InteractionResponseType.Modal);
    const noted = await bot.settle(fake.submitModal(alice, answer, "We talked"));
    expect(noted.type).toBe(InteractionResponseType.UpdateMessage);
    expect(seen(noted)).toContain("Your note is saved");
  });

  it("answers autocomplete with type 8 choices", async () => {
    const bot = await bots.start({ mode: "http" });
    const { fake } = bot;
    const alice = fake.addUser("alice");
    await bot.slash(alice, "commit", { promise: "Call my sister" });
    const answer = await bot.settle(fake.autocomplete(alice, fake.general, "checkin", "commitment", ""));
    expect(answer.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(answer.interaction.callbacks[0]?.data?.choices).toEqual([
      { name: "#1 Call my sister", value: "1" },
    ]);
    const zones = await bot.settle(fake.autocomplete(alice, fake.general, "timezone", "zone", "europe/ber"));
    expect((zones.interaction.callbacks[0]?.data?.choices as unknown[] | undefined)?.[0]).toEqual({
      name: "Europe/Berlin",
      value: "Europe/Berlin",
    });
  });

  it("defers when the engine is slower than deferAfterMs, then edits the answer in over the webhook", async () => {
    let delayMs = 0;
    const slow = (engine: Engine): Engine => ({
      ...engine,
      handle: async (input) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return engine.handle(input);
      },
    });
    const bot = await bots.start({ mode: "http", wrap: slow, deferAfterMs: 40 });
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const prompt = await prompted(bot, alice);
    delayMs = 200;

    const status = await bot.slash(alice, "status");
    expect(status.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(status.interaction.callbacks[0]?.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(status.messages.map((m) => [m.source, m.ephemeral, m.edits])).toEqual([["deferred", true, 1]]);
    expect(seen(status)).toContain("#1");
    expect(fake.requestsTo("PATCH", /^\/webhooks\/\d+\/[^/]+\/messages\/(@|%40)original$/).length).toBe(1);

    const made = await bot.slash(alice, "commit", { promise: "Walk the dog", cadence: "daily 18:00" });
    expect(made.messages.map((m) => [m.source, m.ephemeral, m.deleted])).toEqual([
      ["deferred", true, true],
      ["followup", false, false],
    ]);

    const kept = await bot.click(alice, prompt, "Kept");
    expect(kept.type).toBe(InteractionResponseType.DeferredMessageUpdate);
    expect(fake.message(prompt.message.id).message.content.split("\n").at(-1)).toBe("✓ Kept");
    expect(buttonsOf(fake.message(prompt.message.id).message).every((b) => b.disabled)).toBe(true);
  });

  it("sends /export's file by deferring and editing it in (an HTTP response carries no file)", async () => {
    const bot = await bots.start({ mode: "http" });
    const alice = bot.fake.addUser("alice");
    await bot.slash(alice, "commit", { promise: "Call my sister" });
    const exported = await bot.slash(alice, "export");
    expect(exported.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const [message] = exported.messages;
    expect(message?.ephemeral).toBe(true);
    expect(message?.files.map((f) => f.name)).toEqual([expect.stringMatching(/^amends-export-.*\.json$/)]);
    expect(message?.files[0]?.content).toContain("Call my sister");
  });
});

describe("the HTTP mode's variables", () => {
  const key = "ab".repeat(32);

  it("switches to HTTP with a valid public key and the token, on port 8080 unless told", () => {
    const read = readDiscordConfig({ DISCORD_TOKEN: "t", DISCORD_PUBLIC_KEY: ` ${key.toUpperCase()} ` });
    if (!read.ok) throw new Error(read.problems.join("; "));
    expect(wantsDiscordHttp(read.value)).toBe(true);
    expect(discordHttpOptions(read.value)).toMatchObject({ publicKey: key, token: "t", port: 8080 });
    const port = readDiscordConfig({
      DISCORD_TOKEN: "t",
      DISCORD_PUBLIC_KEY: key,
      DISCORD_HTTP_PORT: "9000",
    });
    expect(port.ok && discordHttpOptions(port.value).port).toBe(9000);
    const gateway = readDiscordConfig({ DISCORD_TOKEN: "t" });
    expect(gateway.ok && wantsDiscordHttp(gateway.value)).toBe(false);
  });

  it("refuses a malformed key, a key without a token, and a bad port", () => {
    const problems = (env: Record<string, string>) => {
      const read = readDiscordConfig(env);
      return read.ok ? [] : read.problems;
    };
    expect(problems({ DISCORD_TOKEN: "t", DISCORD_PUBLIC_KEY: "abc" })).toEqual([
      expect.stringMatching(/^DISCORD_PUBLIC_KEY must be the application's public key/),
    ]);
    expect(problems({ DISCORD_PUBLIC_KEY: key })).toEqual([
      expect.stringMatching(/^DISCORD_PUBLIC_KEY needs DISCORD_TOKEN/),
    ]);
    expect(problems({ DISCORD_HTTP_PORT: "70000" })).toEqual([expect.stringMatching(/^DISCORD_HTTP_PORT /)]);
  });
});
