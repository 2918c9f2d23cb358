/** The courier against the fake Discord: mentions that never ping, DM refusals, gone chats, 429s, nonces. */
import { describe, expect, it } from "vitest";
import type { ChatRef } from "../src/types";
import { seen, useDiscordBots } from "./support/discord/bot";
import type { ForcedResponse } from "./support/discord/server";
import { allCheckIns, allCommitments, outboxOf } from "./support/inspect";

const H = 3_600_000;

describe("the Discord courier", () => {
  const bots = useDiscordBots();

  it("never lets @everyone, @here, roles or user mentions inside a promise ping", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const promise = "Tell @everyone and @here and <@&123> and <@999> that I'm **sorry**";
    const made = await bot.slash(alice, "commit", { promise, cadence: "daily 12:00" });
    const [reply] = made.messages;
    expect(reply?.ephemeral).toBe(false);
    expect(reply?.allowedMentions).toEqual({ parse: [], users: [] });
    expect(reply?.pings).toEqual({ everyone: false, roles: [], users: [] });
    expect(seen(made)).toContain(
      "*Tell @everyone and @here and <@&123> and <@999> that I'm \\*\\*sorry\\*\\**",
    );

    const [prompt] = await bot.advance(1 * H);
    expect(prompt?.message.content).toBe(
      `<@${alice.user.id}>, time to check in on **#1** ` +
        "*Tell @everyone and @here and <@&123> and <@999> that I'm \\*\\*sorry\\*\\**. How did it go?",
    );
    // Only the mention the core made pings; what alice typed is shown, not announced.
    expect(prompt?.allowedMentions).toEqual({ parse: [], users: [alice.user.id] });
    expect(prompt?.pings).toEqual({ everyone: false, roles: [], users: [alice.user.id] });
  });

  it("falls back to the group with a mention when Discord refuses the DM (50007)", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const aliceDm = fake.dmChannel(alice.user.id);
    fake.fault = ({ method, path }) =>
      method === "POST" && path === `/channels/${aliceDm.id}/messages`
        ? { status: 403, body: { message: "Cannot send messages to this user", code: 50007 } }
        : undefined;
    const made = await bot.slash(alice, "commit", {
      promise: "Be open",
      cadence: "daily 12:00",
      private: true,
    });
    expect(made.messages[0]?.ephemeral).toBe(true);

    const posted = await bot.advance(1 * H);
    expect(fake.requestsTo("POST", /^\/channels\/\d+\/messages$/).map((r) => [r.path, r.status])).toEqual([
      [`/channels/${aliceDm.id}/messages`, 403],
      [`/channels/${fake.general.id}/messages`, 200],
    ]);
    expect(posted.map((m) => m.channelId)).toEqual([fake.general.id]);
    // The group gets the neutral version: the number and the buttons, never the private promise.
    expect(posted[0]?.message.content).toMatch(
      new RegExp(`^<@${alice.user.id}>: time to check in on #1 \\(`),
    );
    expect(posted[0]?.pings.users).toEqual([alice.user.id]);
    expect((await outboxOf(bot))[0]?.sentAt).not.toBeNull();
  });

  it("calls a deleted channel gone (10003) and pauses its commitments", async () => {
    const bot = await bots.start();
    const { fake } = bot;
    const alice = fake.addUser("alice");
    const room = fake.addChannel("repairs");
    await bot.slash(alice, "commit", { promise: "Show up", cadence: "daily 12:00" }, room);
    // The channel was deleted since: Discord answers 404 Unknown Channel.
    fake.fault = ({ path }) =>
      path === `/channels/${room.id}/messages`
        ? { status: 404, body: { message: "Unknown Channel", code: 10003 } }
        : undefined;
    await bot.advance(1 * H);
    expect(fake.requestsTo("POST", /^\/channels\/\d+\/messages$/).map((r) => r.status)).toEqual([404]);
    expect((await allCommitments(bot))[0]?.state).toBe("paused");
    expect((await outboxOf(bot))[0]?.failedAt).not.toBeNull();
  });

  it("maps missing access (50001) to gone, and 5xx to an error the dispatcher retries", async () => {
    const bot = await bots.start();
    const { fake, adapter } = bot;
    const to = { platform: "discord" as const, chatKind: "group" as const, chatId: fake.general.id };
    const message = { text: [{ t: "text" as const, text: "hello" }], visibility: "chat" as const };
    fake.fault = () => ({ status: 403, body: { message: "Missing Access", code: 50001 } });
    expect(await adapter.courier.deliver({ purpose: "t:1", to, message })).toBe("gone");
    fake.fault = () => ({ status: 502, body: { message: "Bad gateway", code: 0 } });
    await expect(adapter.courier.deliver({ purpose: "t:2", to, message })).rejects.toThrow();
    // discord.js itself tried the 5xx four times (its own 3 retries) before giving up.
    expect(fake.requests.filter((r) => r.status === 502)).toHaveLength(4);
  });

  it("rejects, without posting, a message whose button Discord would refuse", async () => {
    const bot = await bots.start();
    const { fake, adapter } = bot;
    const to = { platform: "discord" as const, chatKind: "group" as const, chatId: fake.general.id };
    const message = {
      text: [{ t: "text" as const, text: "never" }],
      visibility: "chat" as const,
      buttons: [[{ label: "Too long", action: "x".repeat(101) }]],
    };
    expect(await adapter.courier.deliver({ purpose: "bad:1", to, message })).toBe("rejected");
    expect(fake.requestsTo("POST", /messages$/)).toEqual([]);
  });

  it("opens the DM afresh when a remembered DM channel is unknown", async () => {
    const bot = await bots.start();
    const { fake, adapter } = bot;
    const bob = fake.addUser("bob");
    fake.fault = ({ path }) =>
      path === "/channels/404404404/messages"
        ? { status: 404, body: { message: "Unknown Channel", code: 10003 } }
        : undefined;
    const to = {
      platform: "discord" as const,
      chatKind: "dm" as const,
      chatId: "404404404",
      personId: bob.user.id,
    };
    const message = { text: [{ t: "text" as const, text: "psst" }], visibility: "chat" as const };
    expect(await adapter.courier.deliver({ purpose: "dm:1", to, message })).toBe("sent");
    expect(fake.messagesIn(fake.dmChannel(bob.user.id).id).map((m) => m.message.content)).toEqual(["psst"]);
  });

  it("posts a retried message once: the nonce is the same and enforced", async () => {
    const bot = await bots.start();
    const { fake, adapter } = bot;
    const to = { platform: "discord" as const, chatKind: "group" as const, chatId: fake.general.id };
    const message = { text: [{ t: "text" as const, text: "once" }], visibility: "chat" as const };
    expect(await adapter.courier.deliver({ purpose: "prompt:7", to, message })).toBe("sent");
    // As after a crash between Discord's answer and the outbox row being marked sent.
    expect(await adapter.courier.deliver({ purpose: "prompt:7", to, message })).toBe("sent");
    expect(fake.messagesIn(fake.general.id)).toHaveLength(1);
    const bodies = fake.requestsTo("POST", /messages$/).map((r) => r.body as { nonce: string });
    expect(bodies[0]?.nonce).toBe(bodies[1]?.nonce);
  });

  it("splits a message longer than 2 000 characters, buttons on the last part", async () => {
    const bot = await bots.start();
    const { fake, adapter } = bot;
    const to = { platform: "discord" as const, chatKind: "group" as const, chatId: fake.general.id };
    const line = `${"x".repeat(99)}\n`;
    const message = {
      text: [{ t: "text" as const, text: line.repeat(30) }],
      visibility: "chat" as const,
      buttons: [[{ label: "OK", action: "keep:1" }]],
    };
    expect(await adapter.courier.deliver({ purpose: "long:1", to, message })).toBe("sent");
    const parts = fake.messagesIn(fake.general.id);
    expect(parts.map((m) => [m.message.content.length <= 2000, m.message.components?.length ?? 0])).toEqual([
      [true, 0],
      [true, 1],
    ]);
  });

  it("hands a long rate limit back to the dispatcher instead of holding the lease", async () => {
    const bot = await bots.start();
    const { fake, adapter } = bot;
    fake.fault = ({ method }) =>
      method === "POST"
        ? {
            status: 429,
            body: { message: "You are being rate limited.", retry_after: 30, global: false },
            headers: { "Retry-After": "30", "X-RateLimit-Scope": "shared" },
          }
        : undefined;
    const to = { platform: "discord" as const, chatKind: "group" as const, chatId: fake.general.id };
    const message = { text: [{ t: "text" as const, text: "later" }], visibility: "chat" as const };
    const result = await adapter.courier.deliver({ purpose: "p:1", to, message });
    expect(result).toEqual({ retryAfterMs: expect.any(Number) });
    expect((result as { retryAfterMs: number }).retryAfterMs).toBeGreaterThanOrEqual(30_000);
  });

  it("delivers a burst of 200 prompts exactly once through a 429 that discord.js waits out", async () => {
    const bot = await bots.start();
    const { fake, engine } = bot;
    const rooms = Array.from({ length: 10 }, (_, i) => fake.addChannel(`room-${i}`));
    for (let i = 0; i < 200; i++) {
      const person = fake.addUser(`p${i}`);
      const room = rooms[i % rooms.length];
      if (!room) throw new Error("no room");
      const chat: ChatRef = { platform: "discord", id: room.id, kind: "group", title: room.name ?? "" };
      const from = { platform: "discord" as const, id: person.user.id, name: person.user.username };
      await engine.handle({
        type: "command",
        name: "commit",
        args: { promise: "Show up", cadence: "daily 12:00" },
        chat,
        from,
      });
    }
    let posts = 0;
    const limited: ForcedResponse = {
      status: 429,
      body: { message: "You are being rate limited.", retry_after: 1, global: false },
      headers: {
        "Retry-After": "1",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": String(Date.now() / 1000 + 1),
        "X-RateLimit-Reset-After": "1",
        "X-RateLimit-Scope": "user",
      },
    };
    fake.fault = ({ method, path }) => {
      if (method !== "POST" || !/^\/channels\/\d+\/messages$/.test(path)) return undefined;
      posts += 1;
      if (posts !== 30 && posts !== 120) return undefined;
      const channelId = path.split("/")[2] ?? "";
      return { ...limited, headers: { ...limited.headers, "X-RateLimit-Bucket": `bucket-${channelId}` } };
    };

    bot.clock.ms = Date.parse("2026-11-29T12:00:00Z");
    expect((await engine.tick(bot.clock.now())).opened).toBe(200);
    const report = await bot.dispatcher.drain();
    expect(report).toMatchObject({ sent: 200, retried: 0, failed: 0 });

    const attempts = fake.requestsTo("POST", /^\/channels\/\d+\/messages$/);
    const limitedAt = attempts.filter((r) => r.status === 429);
    expect(limitedAt).toHaveLength(2);
    for (const hit of limitedAt) {
      // discord.js waited out Retry-After before sending that request again.
      const retry = attempts.find((r) => r.path === hit.path && r.at > hit.at && r.status === 200);
      expect((retry?.at ?? 0) - hit.at).toBeGreaterThanOrEqual(950);
    }
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(200);
    const prompts = fake.messages.filter((m) => m.source === "rest");
    expect(prompts).toHaveLength(200);
    expect(new Set(prompts.map((m) => m.nonce)).size).toBe(200);
    expect(await allCheckIns(bot)).toHaveLength(200);
    expect((await outboxOf(bot)).every((row) => row.sentAt !== null)).toBe(true);
  }, 20_000);
});
