/**
 * The fleet (issue 12, item 5): two fronts (AMENDS_ROLE=front: Telegram by webhook, Discord over
 * HTTP interactions) and two workers (AMENDS_ROLE=worker) as real `npm start` processes on one
 * PostgreSQL database of their own, against the local Telegram and Discord servers, which hand
 * updates and interactions to the fronts in turn. 3,000 check-ins across 300 chats fall due
 * within one minute; during the burst the sending worker and one front are SIGKILLed and started
 * again, while people send commands and press buttons. Then: every check-in opened once, every
 * prompt delivered, duplicates only from the kill of the sender (counted), every command and
 * click answered once in time, no more sends than the configured rates per token and per chat
 * (by the local servers' own clocks), and a front's /readyz failing while its database is cut off
 * and recovering after. The figures are printed in one block.
 *
 * Needs a PostgreSQL server at PG_TEST_URL (separate processes cannot share PGlite): without one
 * the test is skipped saying why, and with CI=true it fails.
 */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { CallbackQuery, Update } from "@grammyjs/types";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgres } from "../src/store/pg/db";
import { buttonsOf, FakeDiscord, type FakeInteraction, type FakeUser } from "./support/discord/server";
import { InteractionSigner } from "./support/discord/signer";
import { type FleetProcess, startProcess } from "./support/fleet/process";
import { type FleetChat, seedFleet } from "./support/fleet/seed";
import { startTcpProxy, type TcpProxy } from "./support/fleet/tcp-proxy";
import { mulberry32 } from "./support/prng";
import { PG_TEST_URL, pgKind, pgServerAnswers } from "./support/stores";
import { FakeTelegram, type StoredMessage } from "./support/telegram/server";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** 150 chats a platform, 10 people each with one commitment: 3,000 check-ins. */
const CHATS_PER_PLATFORM = 150;
const PEOPLE_PER_CHAT = 10;
/** Chats where only commands are typed (so every message there is an answer). */
const COMMAND_CHATS = 12;
const CLICKS = 12;
/** The configured limits (the defaults, but Telegram's overall rate raised to keep the run short). */
const LIMITS = {
  TELEGRAM_MAX_PER_SECOND: 60,
  TELEGRAM_GROUP_MAX_PER_MINUTE: 20,
  DISCORD_MAX_PER_SECOND: 50,
  DISCORD_CHANNEL_MAX_PER_5S: 5,
};
/** The dispatcher's deliveries in flight (src/dispatch/dispatcher.ts default): the most one kill can duplicate. */
const IN_FLIGHT = 16;
const DISCORD_DEADLINE_MS = 3_000;
/** Telegram shows a pressed button's spinner until the answer; no hard limit, but keep it short. */
const TELEGRAM_DEADLINE_MS = 5_000;

const PG_SKIP =
  (await pgServerAnswers()) || process.env.CI === "true"
    ? null
    : `no PostgreSQL server answers at ${new URL(PG_TEST_URL).host}, and PGlite cannot be shared between processes`;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms: number,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The most of `times` inside any window of `windowMs` (a send at t and one at t + windowMs are in different windows). */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while ((t[i] ?? 0) - (t[j] ?? 0) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Groups `items` by `key`, then the largest {@link maxInWindow} of any group. */
function maxPerKey<T>(items: T[], key: (x: T) => string, at: (x: T) => number, windowMs: number): number {
  const groups = new Map<string, number[]>();
  for (const x of items) groups.set(key(x), [...(groups.get(key(x)) ?? []), at(x)]);
  return Math.max(0, ...[...groups.values()].map((ts) => maxInWindow(ts, windowMs)));
}

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? 0;
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

describe("the fleet", () => {
  const name = PG_SKIP
    ? `two fronts and two workers survive kills mid-burst (skipped: ${PG_SKIP})`
    : "two fronts and two workers survive kills mid-burst";
  it(name, async (ctx) => {
    if (PG_SKIP) ctx.skip(PG_SKIP);
    await pgKind(); // under CI with no server: fails with its one line
    const started = Date.now();
    const seedValue = Number(process.env.FLEET_SEED ?? Date.now() % 2 ** 31);
    const random = mulberry32(seedValue);

    // A database of its own: the processes migrate through DATABASE_URL, which names no schema.
    const dbName = `amends_fleet_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    const admin = postgres(PG_TEST_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    cleanups.push(async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    });
    const dbUrl = new URL(PG_TEST_URL);
    dbUrl.pathname = `/${dbName}`;
    await (await openPostgres(dbUrl.toString(), { max: 2 })).close();
    const proxy: TcpProxy = await startTcpProxy(dbUrl.hostname, Number(dbUrl.port || 5432));
    cleanups.push(() => proxy.close());
    const proxiedUrl = new URL(dbUrl);
    proxiedUrl.hostname = "127.0.0.1";
    proxiedUrl.port = String(proxy.port);

    // The local platforms, their chats and people.
    const tg = await FakeTelegram.start();
    const dc = await FakeDiscord.start();
    cleanups.push(
      () => tg.close(),
      () => dc.close(),
    );
    const signer = new InteractionSigner();
    const chats: FleetChat[] = [];
    const dcUsers = new Map<string, FakeUser>();
    for (let j = 0; j < CHATS_PER_PLATFORM; j++) {
      const group = tg.group(-1_001_000_000 - j, `Group ${j}`);
      const people = Array.from({ length: PEOPLE_PER_CHAT }, (_, k) => {
        const id = 500_000 + j * PEOPLE_PER_CHAT + k;
        tg.user(id, `Tess${id}`, `tess${id}`);
        return String(id);
      });
      chats.push({ platform: "telegram", externalId: String(group.id), people });
    }
    for (let j = 0; j < CHATS_PER_PLATFORM; j++) {
      const channel = dc.addChannel(`group-${j}`);
      const people = Array.from({ length: PEOPLE_PER_CHAT }, (_, k) => {
        const u = dc.addUser(`dana${j}_${k}`);
        dcUsers.set(u.user.id, u);
        return u.user.id;
      });
      chats.push({ platform: "discord", externalId: channel.id, people });
    }
    const tgCommandChats = Array.from({ length: COMMAND_CHATS }, (_, j) => ({
      group: tg.group(-1_002_000_000 - j, `Talk ${j}`),
      user: tg.user(900_000 + j, `Cal${j}`, `cal${j}`),
    }));
    const dcCommandChats = Array.from({ length: COMMAND_CHATS }, (_, j) => ({
      channel: dc.addChannel(`talk-${j}`),
      user: dc.addUser(`cal${j}`),
    }));

    // The burst: due over one minute starting a little after the fleet is up.
    const dueFrom = Date.now() + 15_000;
    const seeded = await seedFleet(dbUrl.toString(), chats, dueFrom, 60_000);
    const total = seeded.commitments.length;
    expect(total).toBe(3_000);

    const ports = {
      webhook: [await freePort(), await freePort()],
      interactions: [await freePort(), await freePort()],
      metrics: [await freePort(), await freePort(), await freePort(), await freePort()],
    };
    const common = {
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      DISCORD_TOKEN: dc.token,
      DISCORD_API_BASE: dc.apiBase,
      DISCORD_APPLICATION_ID: dc.applicationId,
      LOG_LEVEL: "info",
      TICK_INTERVAL_SECONDS: "1",
      DEFAULT_QUIET_HOURS: "off",
      RATE_LIMIT_COMMANDS: "100",
      ...Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])),
    };
    const secret = "fleet-webhook-secret";
    const fronts: FleetProcess[] = [0, 1].map((i) =>
      startProcess(ROOT, `front${i}`, {
        ...common,
        AMENDS_ROLE: "front",
        // Front 0 reaches the database through the proxy, to be cut off later.
        DATABASE_URL: i === 0 ? proxiedUrl.toString() : dbUrl.toString(),
        METRICS_PORT: String(ports.metrics[i]),
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${ports.webhook[i]}/telegram`,
        TELEGRAM_WEBHOOK_SECRET: secret,
        TELEGRAM_WEBHOOK_PORT: String(ports.webhook[i]),
        DISCORD_PUBLIC_KEY: signer.publicKeyHex,
        DISCORD_HTTP_PORT: String(ports.interactions[i]),
      }),
    );
    const workers: FleetProcess[] = [0, 1].map((i) =>
      startProcess(ROOT, `worker${i}`, {
        ...common,
        AMENDS_ROLE: "worker",
        DATABASE_URL: dbUrl.toString(),
        METRICS_PORT: String(ports.metrics[2 + i]),
      }),
    );
    const all = [...fronts, ...workers];
    cleanups.push(() => Promise.all(all.map((p) => p.kill())));
    await Promise.all(all.map((p) => p.waitFor("Amends is running", 60_000)));
    const webhookUrls = ports.webhook.map((p) => `http://127.0.0.1:${p}/telegram`);
    dc.useEndpoints(
      ports.interactions.map((p) => `http://127.0.0.1:${p}/interactions`),
      signer,
    );

    // What the local servers received as prompts: a message naming a seeded commitment.
    const markerRe = /«c\d{4}»/;
    const tgPrompts = () =>
      tg.calls.filter(
        (c) => c.method === "sendMessage" && c.outcome === "ok" && markerRe.test(String(c.params.text)),
      );
    const dcPrompts = () =>
      dc.messages.filter((m) => m.source === "rest" && markerRe.test(m.message.content ?? ""));
    const delivered = () => {
      const seen = new Set<string>();
      for (const c of tgPrompts()) seen.add(markerRe.exec(String(c.params.text))?.[0] ?? "");
      for (const m of dcPrompts()) seen.add(markerRe.exec(m.message.content ?? "")?.[0] ?? "");
      return seen.size;
    };

    // The first leader waits out a whole rate window (adapters/leader.ts) before its first send.
    const leaderOf = () => workers.find((w) => w.output().split("sending for the fleet").length > 1);
    await until(() => delivered() > 0, "the first prompt", 120_000);
    const burstStarted = Date.now();
    const firstLeader = leaderOf();
    if (!firstLeader) throw new Error("no worker says it sends for the fleet");

    // Kills at random moments of the drain, each process started again at once.
    const workerKillAt = 1_000 + Math.floor(random() * 10_000);
    const frontKillAt = 1_000 + Math.floor(random() * 10_000);
    const killedFront = fronts[1] as FleetProcess;
    const kills = { worker: { at: 0, deliveredBefore: 0 }, front: { at: 0 } };
    const killing = Promise.all([
      (async () => {
        await sleep(workerKillAt);
        kills.worker.deliveredBefore = delivered();
        kills.worker.at = Date.now() - burstStarted;
        await firstLeader.kill();
        firstLeader.restart();
      })(),
      (async () => {
        await sleep(frontKillAt);
        kills.front.at = Date.now() - burstStarted;
        await killedFront.kill();
        killedFront.restart();
      })(),
    ]);

    // People talk to the bot meanwhile: commands in the command chats, clicks on delivered prompts.
    const tgAnswers: { ms: number; ok: boolean; what: string }[] = [];
    const dcAnswers: { ms: number; ok: boolean; what: string; interaction: FakeInteraction }[] = [];
    const tgQueries: string[] = [];
    const pressed = new Set<string>();
    const talk = async (k: number) => {
      await sleep(Math.floor(random() * 14_000));
      const c = tgCommandChats[k] as (typeof tgCommandChats)[number];
      const message: StoredMessage = tg.userMessage(c.user, c.group, "/status");
      const t0 = Date.now();
      const d = await tg.deliver({ update_id: tg.nextUpdateId(), message } as Update, webhookUrls);
      const answers = tg.calls.filter(
        (x) => x.method === "sendMessage" && Number(x.params.chat_id) === c.group.id,
      );
      tgAnswers.push({
        ms: (answers[0]?.at ?? Number.POSITIVE_INFINITY) - t0,
        ok: d.status === 200 && answers.length === 1,
        what: `tg /status ${k}`,
      });

      const dcc = dcCommandChats[k] as (typeof dcCommandChats)[number];
      const t1 = Date.now();
      const interaction = dc.slash(dcc.user, dcc.channel, "status");
      await interaction.acked;
      dcAnswers.push({
        ms: Date.now() - t1,
        ok: interaction.status === 200,
        what: `dc /status ${k}`,
        interaction,
      });
    };
    const click = async (k: number) => {
      await sleep(2_000 + Math.floor(random() * 12_000));
      // Telegram: the owner of a delivered prompt presses Kept.
      const sent = tg
        .sent()
        .filter(
          (m) =>
            markerRe.test(m.text ?? "") &&
            !pressed.has(m.text ?? "") &&
            m.reply_markup?.inline_keyboard.flat().some((b) => b.text === "Kept"),
        );
      const m = sent[Math.floor(random() * sent.length)];
      if (m) {
        pressed.add(m.text ?? "");
        const owner = seeded.commitments.find((s) => (m.text ?? "").includes(s.marker));
        const from = { id: Number(owner?.person), is_bot: false, first_name: "Tess" };
        const id = `fleet-${k}`;
        tgQueries.push(id);
        const query = {
          id,
          from,
          message: structuredClone(m),
          chat_instance: String(m.chat.id),
          data: tg.dataOf(m, "Kept"),
        } as CallbackQuery;
        const t0 = Date.now();
        const d = await tg.deliver(
          { update_id: tg.nextUpdateId(), callback_query: query } as Update,
          webhookUrls,
        );
        const answers = tg.calls.filter(
          (x) => x.method === "answerCallbackQuery" && x.params.callback_query_id === id,
        );
        tgAnswers.push({
          ms: (answers[0]?.at ?? Number.POSITIVE_INFINITY) - t0,
          ok: d.status === 200 && answers.length === 1,
          what: `tg click ${k}`,
        });
      }
      // Discord: the same on a delivered prompt in a channel.
      const dm = dcPrompts().filter(
        (x) =>
          !pressed.has(x.message.content ?? "") &&
          buttonsOf(x.message).some((b) => b.label === "Kept" && !b.disabled),
      );
      const pick = dm[Math.floor(random() * dm.length)];
      if (pick) {
        pressed.add(pick.message.content ?? "");
        const owner = seeded.commitments.find((s) => (pick.message.content ?? "").includes(s.marker));
        const who = dcUsers.get(owner?.person ?? "");
        if (who) {
          const t1 = Date.now();
          const interaction = dc.click(who, pick, "Kept");
          await interaction.acked;
          dcAnswers.push({
            ms: Date.now() - t1,
            ok: interaction.status === 200,
            what: `dc click ${k}`,
            interaction,
          });
        }
      }
    };
    await Promise.all([
      killing,
      ...Array.from({ length: COMMAND_CHATS }, (_, k) => talk(k)),
      ...Array.from({ length: CLICKS }, (_, k) => click(k)),
    ]);

    // The burst drains: every commitment's prompt reached its platform.
    await until(() => delivered() === total, `all ${total} prompts (have ${delivered()})`, 150_000);
    const sendTimes = [
      ...tgPrompts().map((c) => c.at),
      ...dc.requests
        .filter((r) => r.method === "POST" && markerRe.test(JSON.stringify(r.body ?? "")))
        .map((r) => r.at),
    ];
    const drainMs = Math.max(...sendTimes) - Math.min(...sendTimes);
    // Late answers (a deferred Discord reply, a message after the 200) have a moment to arrive.
    await sleep(1_000);

    // /readyz of front 0 while its database is unreachable, and after.
    await Promise.all([...fronts, ...workers].map((p) => p.waitFor("Amends is running", 60_000)));
    const before = await readyz(ports.metrics[0] as number);
    proxy.cut();
    const cutStarted = Date.now();
    const during = await until(
      async () => ((await readyz(ports.metrics[0] as number)) === 503 ? 503 : false),
      "503 while cut off",
      15_000,
    );
    const notReadyMs = Date.now() - cutStarted;
    proxy.restore();
    const restored = Date.now();
    const after = await until(
      async () => ((await readyz(ports.metrics[0] as number)) === 200 ? 200 : false),
      "200 after",
      30_000,
    );
    const recoveryMs = Date.now() - restored;
    expect([before, during, after]).toEqual([200, 503, 200]);

    // Every process stops cleanly on SIGTERM.
    const codes = await Promise.all(all.map((p) => p.stop()));

    // The database: every check-in opened exactly once, every prompt recorded as sent.
    const sql = postgres(dbUrl.toString(), {
      max: 1,
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
    });
    cleanups.push(() => sql.end({ timeout: 1 }));
    const checkIns = await sql<{ commitment_id: number; n: string }[]>`
      SELECT commitment_id, count(*) AS n FROM check_ins GROUP BY commitment_id`;
    const outbox = await sql<
      { purpose: string; sent: boolean; failed: boolean; last_error: string | null; attempts: number }[]
    >`
      SELECT purpose, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed, last_error, attempts FROM outbox WHERE purpose LIKE 'prompt:%'`;
    await sql.end({ timeout: 1 });
    expect(checkIns.length).toBe(total);
    expect(checkIns.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(outbox.length).toBe(total);
    // A prompt whose check-in a click already answered is dropped as "no longer needed" (a copy
    // re-queued after the kill, or one not yet sent): that is right, not a loss.
    const unsent = outbox.filter((r) => (!r.sent || r.failed) && r.last_error !== "no longer needed");
    if (unsent.length > 0)
      console.log(
        "unsent prompts:",
        JSON.stringify(unsent),
        all
          .map(
            (p) =>
              `${p.name}:\n${p
                .output()
                .split("\n")
                .filter((l) => /"level":(40|50)/.test(l))
                .join("\n")}`,
          )
          .join("\n"),
      );
    expect(unsent).toEqual([]);

    // Duplicates: only the deliveries in flight when the sender was killed.
    const copies = new Map<string, number>();
    for (const c of tgPrompts()) {
      const k = markerRe.exec(String(c.params.text))?.[0] ?? "";
      copies.set(k, (copies.get(k) ?? 0) + 1);
    }
    for (const m of dcPrompts()) {
      const k = markerRe.exec(m.message.content ?? "")?.[0] ?? "";
      copies.set(k, (copies.get(k) ?? 0) + 1);
    }
    const duplicates = [...copies.values()].reduce((s, n) => s + n - 1, 0);
    expect(copies.size).toBe(total);
    expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT);

    // Answers: each command and click once, in time, whichever front got it.
    expect(tgAnswers.filter((a) => !a.ok)).toEqual([]);
    expect(dcAnswers.filter((a) => !a.ok).map((a) => a.what)).toEqual([]);
    expect(dcAnswers.filter((a) => a.interaction.callbacks.length !== 1).map((a) => a.what)).toEqual([]);
    expect(tgAnswers.filter((a) => a.ms > TELEGRAM_DEADLINE_MS).map((a) => `${a.what} ${a.ms}ms`)).toEqual(
      [],
    );
    expect(dcAnswers.filter((a) => a.ms > DISCORD_DEADLINE_MS).map((a) => `${a.what} ${a.ms}ms`)).toEqual([]);
    expect(tgAnswers.length).toBe(COMMAND_CHATS + CLICKS);
    expect(dcAnswers.length).toBe(COMMAND_CHATS + CLICKS);

    // Rates, from the local servers' own receipt times: every message sent, prompts and answers.
    const tgSends = tg.calls.filter((c) => c.method === "sendMessage" || c.method === "sendDocument");
    const dcSends = dc.requests.filter(
      (r) => r.method === "POST" && /^\/channels\/\d+\/messages$/.test(r.path),
    );
    const rates = {
      tgToken: maxInWindow(
        tgSends.map((c) => c.at),
        1_000,
      ),
      tgGroup: maxPerKey(
        tgSends,
        (c) => String(c.params.chat_id),
        (c) => c.at,
        60_000,
      ),
      tgPromptToken: maxInWindow(
        tgPrompts().map((c) => c.at),
        1_000,
      ),
      dcToken: maxInWindow(
        dcSends.map((r) => r.at),
        1_000,
      ),
      dcChannel: maxPerKey(
        dcSends,
        (r) => r.path,
        (r) => r.at,
        5_000,
      ),
    };
    const tooMany = [
      ...tg.calls.filter((c) => c.outcome === 429),
      ...dc.requests.filter((r) => r.status === 429),
    ];
    const failovers = dc.endpointFailures.length;
    const tgPromptTimes = tgPrompts()
      .map((c) => c.at)
      .sort((a, b) => a - b);
    const densest =
      tgPromptTimes.find(
        (t) => tgPromptTimes.filter((u) => u >= t && u < t + 1_000).length === rates.tgPromptToken,
      ) ?? 0;
    console.log(
      `densest Telegram second starts at +${((densest - burstStarted) / 1000).toFixed(1)} s of the drain`,
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        `fleet test (seed ${seedValue}; FLEET_SEED=${seedValue} replays the kill moments):`,
        `  prompts ${total} in ${chats.length} chats; burst drain ${(drainMs / 1000).toFixed(1)} s (first to last prompt sent)`,
        `  worker (sender) killed at +${(kills.worker.at / 1000).toFixed(1)} s (${kills.worker.deliveredBefore} delivered by then): duplicates ${duplicates} (bound ${IN_FLIGHT})`,
        `  front killed at +${(kills.front.at / 1000).toFixed(1)} s: duplicates 0 (fronts send no prompts); Discord failovers ${failovers}`,
        `  max rate per token: Telegram ${rates.tgToken}/s (prompts ${rates.tgPromptToken}/s, limit ${LIMITS.TELEGRAM_MAX_PER_SECOND}), Discord ${rates.dcToken}/s (limit ${LIMITS.DISCORD_MAX_PER_SECOND}); 429s ${tooMany.length}`,
        `  max rate per chat: Telegram ${rates.tgGroup}/min (limit ${LIMITS.TELEGRAM_GROUP_MAX_PER_MINUTE}), Discord ${rates.dcChannel}/5 s (limit ${LIMITS.DISCORD_CHANNEL_MAX_PER_5S})`,
        `  answers: Telegram ${tgAnswers.length} p99 ${p99(tgAnswers.map((a) => a.ms))} ms; Discord ${dcAnswers.length} p99 ${p99(dcAnswers.map((a) => a.ms))} ms (deadline ${DISCORD_DEADLINE_MS} ms)`,
        `  /readyz with the database cut off: 503 after ${notReadyMs} ms, 200 again ${recoveryMs} ms after restore`,
        `  exit codes on SIGTERM: ${codes.join(",")}; total ${seconds} s`,
      ].join("\n"),
    );
    expect(tooMany.length).toBe(0);
    expect(rates.tgPromptToken).toBeLessThanOrEqual(LIMITS.TELEGRAM_MAX_PER_SECOND);
    expect(rates.tgToken).toBeLessThanOrEqual(LIMITS.TELEGRAM_MAX_PER_SECOND);
    expect(rates.tgGroup).toBeLessThanOrEqual(LIMITS.TELEGRAM_GROUP_MAX_PER_MINUTE);
    expect(rates.dcToken).toBeLessThanOrEqual(LIMITS.DISCORD_MAX_PER_SECOND);
    expect(rates.dcChannel).toBeLessThanOrEqual(LIMITS.DISCORD_CHANNEL_MAX_PER_5S);
  }, 300_000);
});
