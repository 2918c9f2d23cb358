/** Logging in, registering commands only when they changed, and resuming after the gateway drops. */
import {
  ApplicationCommandOptionType,
  GatewayIntentBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import { afterEach, describe, expect, it } from "vitest";
import {
  createDiscordBot,
  type DiscordBot,
  failOnUnhandled,
  seen,
  useDiscordBots,
} from "./support/discord/bot";
import { FakeDiscord } from "./support/discord/server";
import { openStore, processFact } from "./support/inspect";

describe("starting on Discord", () => {
  const started: DiscordBot[] = [];
  let fake: FakeDiscord | undefined;
  failOnUnhandled();
  afterEach(async () => {
    for (const bot of started.splice(0)) await bot.stop();
    await fake?.close();
  });

  it("identifies with the least intents and registers the commands once per table and scope", async () => {
    fake = await FakeDiscord.start();
    const db = openStore();
    const first = await createDiscordBot({ fake, store: db });
    started.push(first);
    expect(fake.gateway.intents).toEqual([GatewayIntentBits.Guilds | GatewayIntentBits.DirectMessages]);
    expect(fake.commandPuts.map((p) => p.path)).toEqual([
      `/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`,
    ]);
    const commands = (fake.commandPuts[0]?.body ?? []) as RESTPostAPIChatInputApplicationCommandsJSONBody[];
    const checkin = commands.find((c) => c.name === "checkin");
    // Required options come first on Discord, whatever the table's order.
    expect(checkin?.options?.map((o) => [o.name, o.type, o.required])).toEqual([
      ["answer", ApplicationCommandOptionType.String, true],
      ["commitment", ApplicationCommandOptionType.String, false],
      ["note", ApplicationCommandOptionType.String, false],
    ]);
    expect(JSON.parse((await processFact({ store: db }, "discord.commands")) ?? "{}")).toMatchObject({
      scope: `guild:${fake.guild.id}`,
    });
    await first.stop();

    // Same table, same scope, same database: no registration on the second start.
    const second = await createDiscordBot({ fake, store: db });
    started.push(second);
    expect(fake.gateway.identifies).toBe(2);
    expect(fake.commandPuts).toHaveLength(1);
    await second.stop();

    // Going global registers globally and clears the development server's copies.
    const third = await createDiscordBot({ fake, store: db, scope: "global" });
    started.push(third);
    expect(fake.commandPuts.map((p) => [p.path, p.body.length])).toEqual([
      [`/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`, commands.length],
      [`/applications/${fake.applicationId}/commands`, commands.length],
      [`/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`, 0],
    ]);
    expect(fake.refusals()).toEqual([]);
  });

  it("refuses to start with a wrong token, naming no secret", async () => {
    fake = await FakeDiscord.start();
    const token = "wrong.token-that-discord-refuses";
    const failure = await createDiscordBot({ fake, token }).catch((error: unknown) => error);
    expect(String(failure)).toMatch(/^Error: Discord start failed: .*token/i);
    expect(String(failure)).not.toContain(token);
    expect(fake.requests.map((r) => [r.path, r.status])).toEqual([["/gateway/bot", 401]]);
  });
});

describe("the gateway connection", () => {
  const bots = useDiscordBots();

  it("resumes the session after op 7 and after close code 4000, and keeps answering", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    expect(seen(await bot.slash(alice, "help", { command: "commit" }))).toMatch(/commit/);

    fake.disconnect("reconnect");
    await fake.waitFor(() => fake.gateway.resumes === 1, "a RESUME after op 7");
    expect(seen(await bot.slash(alice, "plan"))).toMatch(/1/);

    fake.disconnect("close-4000");
    await fake.waitFor(() => fake.gateway.resumes === 2, "a RESUME after close 4000");
    expect(seen(await bot.slash(alice, "status"))).toMatch(/commit/);
    expect(fake.gateway).toMatchObject({ identifies: 1, resumes: 2, connections: 3 });
  });
});
