/**
 * The privacy sweep (issue 8): a person with a private commitment, a witness and a group
 * commitment goes through every command and every button, and the scheduler through every kind
 * of message it queues; direct messages are refused by the platform, so every one of them falls
 * back to the group through the real dispatcher. Whatever a group could read is collected:
 * chat replies in the group, the group-safe version of private replies (src/privacy.ts, what
 * Telegram shows someone who never started the bot), and every outbox message that reaches the
 * group. None of it may hold a private promise, a note, or news of a partly, missed or disputed
 * answer.
 *
 * The sweep covers what it must by construction: it fails when a command of the command table,
 * a button verb of the engine, or a kind of queued message (src/engine/purposes.ts) was not
 * driven, so a new one cannot slip past it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/table";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { CLICK_VERBS, createEngine } from "../src/engine";
import { PURPOSE_KINDS } from "../src/engine/purposes";
import { silentLogger } from "../src/log";
import { groupSafeReply, PRIVATE_POINTER } from "../src/privacy";
import { toPlain } from "../src/richtext";
import { openDatabase } from "../src/store/db";
import { outbox } from "../src/store/schema";
import type { Actor, ChatRef, Courier, OutboundMessage, Recipient, Reply } from "../src/types";
import { commandInput, FakeClock } from "./support/harness";

const H = 3_600_000;
const GROUP: ChatRef = { platform: "console", id: "group", kind: "group", title: "group" };
const dm = (name: string): ChatRef => ({ platform: "console", id: `dm:${name}`, kind: "dm" });
const who = (name: string): Actor => ({ platform: "console", id: name, name, username: name });

/** What must never reach a group. */
const PRIVATE_PROMISES = ["Keep my spending log", "Write the letter to Robin"];
const NOTES = ["paid the card in secret", "argued about the budget", "skipped the call again"];
/** News of an answer other than kept, which only the owner (and a witness, privately) may hear. */
const ANSWER_NEWS = /\b(partly|missed|disputed?|not sure)\b/i;

interface Seen {
  how: string;
  text: string;
  refusal: boolean;
}

async function sweep() {
  const db = openDatabase(":memory:");
  const clock = new FakeClock(Date.parse("2026-11-29T11:00:00Z"));
  const engine = createEngine({
    db,
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: { start: 22 * 60, end: 8 * 60 }, rateLimit: null },
  });
  const group: Seen[] = [];
  const commandsSent = new Set<string>();
  const verbsClicked = new Set<string>();
  /** Newest message shown to anyone with each button label, as the person would click it. */
  const shown: Reply[] = [];

  // sam's direct messages are refused, as for someone who never started the bot on Telegram, so
  // they fall back to the group through the real dispatcher; jo's arrive, so jo can press what
  // they were sent. Every direct message's fallback is also checked from the outbox rows below.
  const courier: Courier = {
    platform: "console",
    async deliver(m: OutboundMessage) {
      shown.push(m.message);
      if (m.to.chatKind === "dm") return m.to.personId === "jo" ? "sent" : "dm-refused";
      group.push({ how: `outbox ${m.purpose}`, text: toPlain(m.message.text), refusal: false });
      return "sent";
    },
  };
  const dispatcher = createDispatcher({ db, clock, log: silentLogger, couriers: [courier], limits: {} });

  const record = (replies: Reply[], chat: ChatRef, how: string) => {
    for (const r of replies) {
      if (r.buttons) shown.push(r);
      if (chat.kind !== "group") continue;
      const visible = r.visibility === "chat" ? r : groupSafeReply(r, { botHandle: "amends_bot" });
      group.push({ how, text: toPlain(visible.text), refusal: r.refusal === true });
    }
    return replies;
  };

  async function send(name: string, line: string, chat: ChatRef = GROUP) {
    const input = commandInput(line, chat, who(name));
    if ("refusal" in input) throw new Error(`not a command: ${line}`);
    commandsSent.add(input.type === "command" ? input.name : "");
    const replies = await engine.handle(input);
    record(replies, chat, `${name}: ${line}`);
    await dispatcher.drain();
    return replies;
  }

  async function click(name: string, label: string, text?: string, chat: ChatRef = GROUP) {
    const reply = [...shown].reverse().find((r) => r.buttons?.flat().some((b) => b.label === label));
    const action = reply?.buttons?.flat().find((b) => b.label === label)?.action;
    if (!action) throw new Error(`nobody was shown ${label}`);
    verbsClicked.add(action.split(":")[0] ?? "");
    const replies = await engine.handle({
      type: "click",
      action,
      chat,
      from: who(name),
      ...(text ? { text } : {}),
    });
    record(replies, chat, `${name} clicks ${label}`);
    await dispatcher.drain();
    return replies;
  }

  /** Moves the clock on hour by hour, ticking and draining, as a running bot would. */
  async function advance(hours: number) {
    for (let i = 0; i < hours; i++) {
      clock.advance(H);
      await engine.tick(clock.now());
      await dispatcher.drain();
    }
  }

  // Settings, help and the plan.
  await send("sam", "/help");
  await send("sam", "/timezone Europe/London");
  await send("sam", "/quiet 23:00-07:00");
  await send("sam", "/plan");
  await send("sam", "/step 12");
  // A private commitment with a witness, a group one, and a private one-off.
  await send("sam", "/commit Keep my spending log cadence: daily 12:00 witness: @jo private");
  await click("jo", "Accept");
  await send("sam", "/commit Call my sister cadence: daily 13:00");
  await send("sam", "/witness #2 @jo");
  await click("jo", "Accept");
  await send("sam", "/commit Write the letter to Robin cadence: once 2026-12-01 18:00 private");

  // Day 1: a partly answer on the private one, clicked on its fallback in the group, with notes.
  await advance(1);
  await click("sam", "Partly");
  await click("sam", "Add a note", NOTES[0]);
  await click("jo", "Dispute");
  await advance(1);
  await send("sam", `/checkin #2 kept note: ${NOTES[1]}`);
  await click("jo", "Not sure");
  await send("sam", "/status");
  await send("sam", "/history #1");

  // Day 2: snoozed, then unanswered: a reminder, and a window that closes missed.
  await advance(23);
  await click("sam", "Snooze 1h");
  await send("sam", "/snooze 30");
  await advance(24);
  // Day 3: missed again, so jo hears of two misses in a row; a missed answer with a note.
  await send("sam", `/checkin #1 missed ${NOTES[2]}`);
  await click("sam", "Kept").catch(() => undefined);
  await advance(6);
  await click("sam", "Kept");
  await send("sam", "/checkin #2 partly");
  await advance(20);

  // Renegotiation with a witness: an easier cadence waits a day, the witness is told.
  await send("sam", "/edit #1 cadence: every 3 days 12:00");
  // A stricter change withdraws it; a new easier one waits its own day and then applies.
  await send("sam", "/edit #1 cadence: daily 12:00");
  await send("sam", "/edit #1 cadence: every 2 days 12:00");
  await advance(25);
  await send("sam", "/pause #1 for: 1d");
  await send("sam", "/resume #1");
  await send("sam", "/cancel #1");
  await send("sam", "/cancel #3");
  await advance(1);

  // The week ends: the witness's digest, then stepping down, a removal, a refusal, a decline.
  await advance(24 * 4);
  const stepDown = shown.flatMap((r) => r.buttons?.flat() ?? []).find((b) => b.label.startsWith("Step down"));
  await click("jo", stepDown?.label ?? "Step down", undefined, dm("jo"));
  await send("sam", "/witness #2 @kim");
  await click("kim", "Decline");
  await send("sam", "/witness #2 @jo");
  await click("jo", "Accept");
  await send("sam", "/unwitness #2");
  await send("sam", "/edit #9 promise: nothing");
  // Every message queued so far, read before /forget removes sam's rows: each direct message's
  // group fallback is what a group would read if that platform refused it.
  const queued = db
    .select()
    .from(outbox)
    .all()
    .map((row) => ({ kind: row.purpose.split(":")[0] ?? "", row }));
  for (const { row } of queued) {
    const to = row.recipient as Recipient;
    if (to.chatKind !== "dm" || !to.fallbackChatId) continue;
    const fallback = to.fallbackReply ?? PRIVATE_POINTER;
    group.push({ how: `fallback of ${row.purpose}`, text: toPlain(fallback.text), refusal: false });
  }
  await send("sam", "/export");
  await send("sam", "/forget");
  await click("sam", "Keep my data");
  await send("sam", "/forget");
  await advance(2);
  await click("sam", "Delete everything");

  return { group, commandsSent, verbsClicked, kinds: new Set(queued.map((q) => q.kind)) };
}

describe("the privacy sweep", () => {
  let result: Awaited<ReturnType<typeof sweep>>;
  beforeAll(async () => {
    result = await sweep();
  }, 60_000);

  it("drives every command of the command table", () => {
    expect([...result.commandsSent].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it("presses every kind of button the engine offers", () => {
    expect([...result.verbsClicked].sort()).toEqual([...CLICK_VERBS].sort());
  });

  it("queues every kind of message", () => {
    for (const kind of PURPOSE_KINDS) expect(result.kinds, kind).toContain(kind);
  });

  it("shows the group no private promise and no note", () => {
    expect(result.group.length).toBeGreaterThan(30);
    for (const seen of result.group) {
      for (const secret of [...PRIVATE_PROMISES, ...NOTES]) {
        expect(seen.text, `${seen.how}: ${seen.text}`).not.toContain(secret);
      }
    }
  });

  it("never tells the group of a partly, missed or disputed answer", () => {
    for (const seen of result.group.filter((s) => !s.refusal)) {
      expect(seen.text, `${seen.how}: ${seen.text}`).not.toMatch(ANSWER_NEWS);
    }
  });
});
