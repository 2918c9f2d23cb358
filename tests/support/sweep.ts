/**
 * The sweep: a person with a private commitment, a witness and a group commitment goes through
 * every command and every button, and the scheduler through every kind of message it queues;
 * sam's direct messages are refused by the platform, so every one of them falls back to the
 * group through the real dispatcher, while jo's arrive. Everything anyone could read is
 * collected, tagged with who reads it:
 * - `group`: chat replies in the group, the group-safe version of private replies
 *   (src/privacy.ts, what Telegram shows someone who never started the bot), every outbox
 *   message that reaches the group, and the group fallback of every direct message;
 * - `private`: replies only the sender sees, and direct messages as written.
 *
 * The privacy sweep (issue 8) and the voice check (issue 9) both read it. It covers what it
 * must by construction: they fail when a command of the command table, a button verb of the
 * engine, or a kind of queued message (src/engine/purposes.ts) was not driven.
 */
import { createDispatcher } from "../../src/dispatch/dispatcher";
import { createEngine } from "../../src/engine";
import { silentLogger } from "../../src/log";
import { groupSafeReply, PRIVATE_POINTER } from "../../src/privacy";
import { toPlain } from "../../src/richtext";
import type { Actor, ChatRef, Courier, OutboundMessage, Reply } from "../../src/types";
import { commandInput, FakeClock } from "./harness";
import { openStore, outboxOf } from "./inspect";

const H = 3_600_000;
const GROUP: ChatRef = { platform: "console", id: "group", kind: "group", title: "group" };
const dm = (name: string): ChatRef => ({ platform: "console", id: `dm:${name}`, kind: "dm" });
const who = (name: string): Actor => ({ platform: "console", id: name, name, username: name });

/** What must never reach a group. */
export const PRIVATE_PROMISES = ["Keep my spending log", "Write the letter to Robin"];
export const NOTES = ["paid the card in secret", "argued about the budget", "skipped the call again"];
/** News of an answer other than kept, which only the owner (and a witness, privately) may hear. */
export const ANSWER_NEWS = /\b(partly|missed|disputed?|not sure)\b/i;

/** One text somebody could read. */
export interface Seen {
  /** Who reads it: the whole group, or only the one person it is for. */
  audience: "group" | "private";
  /** What produced it: the command or click, or the outbox purpose. */
  how: string;
  /** The one person who reads a private text, by name. */
  reader?: string;
  /** The text as plain words. */
  text: string;
  /** The labels of its buttons, row after row. */
  buttons: string[];
  refusal: boolean;
}

const labels = (r: Reply): string[] => r.buttons?.flat().map((b) => b.label) ?? [];

/** Runs the sweep once; see the file comment. */
export async function sweep() {
  const store = openStore();
  const clock = new FakeClock(Date.parse("2026-11-29T11:00:00Z"));
  const engine = createEngine({
    store,
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: { start: 22 * 60, end: 8 * 60 }, rateLimit: null },
  });
  const heard: Seen[] = [];
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
      const audience = m.to.chatKind === "dm" ? "private" : "group";
      const seen = { how: `outbox ${m.purpose}`, text: toPlain(m.message.text), buttons: labels(m.message) };
      const reader = m.to.chatKind === "dm" ? m.to.personId : undefined;
      heard.push({ audience, ...seen, ...(reader ? { reader } : {}), refusal: false });
      if (m.to.chatKind === "dm") return m.to.personId === "jo" ? "sent" : "dm-refused";
      return "sent";
    },
  };
  const dispatcher = createDispatcher({ store, clock, log: silentLogger, couriers: [courier], limits: {} });

  const record = (replies: Reply[], chat: ChatRef, how: string, reader: string) => {
    for (const r of replies) {
      if (r.buttons) shown.push(r);
      const refusal = r.refusal === true;
      if (chat.kind !== "group" || r.visibility !== "chat")
        heard.push({ audience: "private", reader, how, text: toPlain(r.text), buttons: labels(r), refusal });
      if (chat.kind !== "group") continue;
      const visible = r.visibility === "chat" ? r : groupSafeReply(r, { botHandle: "amends_bot" });
      heard.push({ audience: "group", how, text: toPlain(visible.text), buttons: labels(visible), refusal });
    }
    return replies;
  };

  async function send(name: string, line: string, chat: ChatRef = GROUP) {
    const input = commandInput(line, chat, who(name));
    if ("refusal" in input) throw new Error(`not a command: ${line}`);
    commandsSent.add(input.type === "command" ? input.name : "");
    const replies = await engine.handle(input);
    record(replies, chat, `${name}: ${line}`, name);
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
    record(replies, chat, `${name} clicks ${label}`, name);
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
  // An abbreviation that fits several zones is a question with a button per zone.
  await send("sam", "/timezone EST");
  await click("sam", "Toronto");
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
  // What a witness sees: their part of /status, and /help speaking to them.
  await send("jo", "/status");
  await send("jo", "/help");
  await send("jo", "/help witness");
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
  // The picture of every open commitment, private ones included, and of one.
  await send("sam", "/progress");
  await send("sam", "/progress #2");

  // Day 2: snoozed, then unanswered: a reminder, and a window that closes missed.
  await advance(23);
  await click("sam", "Snooze 1h");
  await send("sam", "/snooze 30");
  await advance(24);
  // Day 3: missed again, so jo hears of two misses in a row; a missed answer with a note.
  // Named by no number while two are open: "Which one?" keeps the answer and the note for the button.
  await send("sam", `/checkin missed ${NOTES[2]}`);
  await click("sam", "#1 Keep my spending log");
  await click("sam", "Kept").catch(() => undefined);
  await advance(6);
  await click("sam", "Kept");
  await send("sam", "/checkin #2 partly");
  // A confirmed partly answer: the verified streak stays at nothing, and must not read as a zero.
  await click("jo", "Confirm");
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
  // The digest came; jo steps down from /status's button.
  await send("jo", "/status");
  const stepDown = shown
    .flatMap((r) => r.buttons?.flat() ?? [])
    .findLast((b) => b.label.startsWith("Step down from sam #2"));
  await click("jo", stepDown?.label ?? "Step down", undefined, dm("jo"));
  await send("sam", "/witness #2 @kim");
  await click("kim", "Decline");
  await send("sam", "/witness #2 @jo");
  await click("jo", "Accept");
  await send("sam", "/unwitness #2");
  await send("sam", "/edit #9 promise: nothing");
  // Every message queued so far, read before /forget removes sam's rows: each direct message's
  // group fallback is what a group would read if that platform refused it.
  const queued = (await outboxOf({ store })).map((row) => ({ kind: row.purpose.split(":")[0] ?? "", row }));
  for (const { row } of queued) {
    const to = row.recipient;
    if (to.chatKind !== "dm" || !to.fallbackChatId) continue;
    const fallback = to.fallbackReply ?? PRIVATE_POINTER;
    const text = toPlain(fallback.text);
    heard.push({
      audience: "group",
      how: `fallback of ${row.purpose}`,
      text,
      buttons: labels(fallback),
      refusal: false,
    });
  }
  // The step-11 turn: recorded from /step 11, a commitment set aside ended, then undone.
  await send("sam", "/commit Ask whether we can meet cadence: daily 19:00 step: 3");
  await send("sam", "/step 11");
  await click("sam", "They said no");
  await click("sam", "End #4");
  await send("sam", "/step 11");
  await click("sam", "Undo");
  // sam's silence on #2 was asked about privately; sam chooses to keep going.
  await click("sam", "Keep going", undefined, dm("sam"));
  await send("sam", "/export");
  await send("sam", "/forget");
  await click("sam", "Keep my data");
  await send("sam", "/forget");
  await advance(2);
  await click("sam", "Delete everything");

  return {
    heard,
    group: heard.filter((s) => s.audience === "group"),
    commandsSent,
    verbsClicked,
    kinds: new Set(queued.map((q) => q.kind)),
  };
}
