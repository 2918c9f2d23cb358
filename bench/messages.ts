/**
 * `npx tsx bench/messages.ts`: how many messages one person receives per day (issue 9, "few
 * messages"). Two simulated weeks through the real engine and the real dispatcher, ticking and
 * draining every virtual minute as the console does, with one person (sam, Europe/Berlin,
 * default quiet hours 22:00–08:00), a witness (jo) and a group:
 *
 * - #1 group, daily 20:00, step 12, witnessed by jo: answered the first four days, then silent
 *   for six, then answered again;
 * - #2 group, daily 20:05 (five minutes after #1): answered every other day;
 * - #3 private, daily 21:00: answered every day but two in a row;
 * - #4 group, daily 07:30 (inside quiet hours, so it waits for 08:00): answered the first three
 *   days, then never.
 *
 * Answers are typed commands (`/checkin #n kept`), which every version of the engine takes, so
 * the same script measures the code before and after a change. A message is one delivery by
 * the courier: a combined delivery counts once. Replies to sam's own commands are not counted.
 */

import { parseCommandText } from "../src/commands/parse";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import { silentLogger } from "../src/log";
import { toPlain } from "../src/richtext";
import { openDatabase } from "../src/store/sqlite/db";
import { createSqliteStore } from "../src/store/sqlite/store";
import type { Actor, ChatRef, Courier, OutboundMessage, Reply } from "../src/types";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const START = Date.parse("2026-11-29T11:00:00Z");
const DAYS = 14;
const ZONE = "Europe/Berlin";

const GROUP: ChatRef = { platform: "console", id: "group", kind: "group", title: "group" };
const dm = (name: string): ChatRef => ({ platform: "console", id: `dm:${name}`, kind: "dm" });
const who = (name: string): Actor => ({ platform: "console", id: name, name, username: name });

/** One delivery as the courier saw it. */
interface Delivered {
  at: number;
  kind: string;
  chat: "group" | "dm";
  reader: string;
  text: string;
}

/** The local date and time of an instant in sam's zone (`2026-11-29`, `20:00`). */
function local(ms: number): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

/**
 * What sam answers, by day (0 = Sun 29 Nov) and local time: the commitment, the answer, and the
 * chat it is typed in.
 */
function answersAt(day: number, time: string): { n: number; answer: string; chat: ChatRef }[] {
  const out: { n: number; answer: string; chat: ChatRef }[] = [];
  if (time === "09:00" && day <= 2) out.push({ n: 4, answer: "kept", chat: GROUP });
  if (time === "20:30" && (day <= 3 || day >= 10)) out.push({ n: 1, answer: "kept", chat: GROUP });
  if (time === "20:30" && day % 2 === 0) out.push({ n: 2, answer: "partly", chat: GROUP });
  if (time === "21:15" && day !== 5 && day !== 6) out.push({ n: 3, answer: "kept", chat: dm("sam") });
  return out;
}

/** Runs the two weeks and returns every delivery. */
export async function simulate(): Promise<Delivered[]> {
  const db = openDatabase(":memory:");
  let now = START;
  const clock = { now: () => new Date(now) };
  const engine = createEngine({
    store: createSqliteStore(db),
    clock,
    log: silentLogger,
    config: { defaultZone: "UTC", defaultQuiet: { start: 22 * 60, end: 8 * 60 }, rateLimit: null },
  });
  const delivered: Delivered[] = [];
  const courier: Courier = {
    platform: "console",
    async deliver(m: OutboundMessage) {
      const chat = m.to.chatKind;
      delivered.push({
        at: now,
        kind: m.purpose.split(":", 1)[0] ?? "",
        chat,
        reader: chat === "dm" ? (m.to.personId ?? "?") : "group",
        text: toPlain(m.message.text),
      });
      return "sent";
    },
  };
  const dispatcher = createDispatcher({
    store: createSqliteStore(db),
    clock,
    log: silentLogger,
    couriers: [courier],
    limits: {},
  });

  async function send(name: string, line: string, chat: ChatRef = GROUP): Promise<Reply[]> {
    const parsed = parseCommandText(line);
    if (!parsed?.ok) throw new Error(`not a command: ${line}`);
    const replies = await engine.handle({
      type: "command",
      name: parsed.name,
      args: parsed.args,
      mentions: parsed.mentions,
      chat,
      from: who(name),
    });
    await dispatcher.drain();
    return replies;
  }

  await send("sam", "/timezone Europe/Berlin");
  await send("jo", "/timezone Europe/Berlin");
  await send("sam", "/commit Give my partner space when they ask for it cadence: daily 20:00 step: 12");
  await send("sam", "/commit Keep the money conversation going cadence: daily 20:05");
  await send("sam", "/commit Show my partner the bank statements cadence: daily 21:00", dm("sam"));
  await send("sam", "/commit Call my sister before work cadence: daily 07:30");
  const invite = await send("sam", "/witness #1 @jo");
  const accept = invite.flatMap((r) => r.buttons?.flat() ?? []).find((b) => b.label === "Accept");
  if (!accept) throw new Error("no invitation to accept");
  await engine.handle({ type: "click", action: accept.action, chat: GROUP, from: who("jo") });
  await dispatcher.drain();
  delivered.length = 0; // the welcome is part of setting up, not of the two weeks

  const end = START + DAYS * DAY;
  const firstDay = local(START).date;
  for (now = Math.floor(START / MIN) * MIN + MIN; now <= end; now += MIN) {
    await engine.tick(clock.now());
    await dispatcher.drain();
    const { date, time } = local(now);
    const day = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${firstDay}T00:00:00Z`)) / DAY);
    for (const a of answersAt(day, time)) await send("sam", `/checkin #${a.n} ${a.answer}`, a.chat);
  }
  return delivered;
}

/** The messages each reader got on each local day, and the kinds of message sam got in all. */
export function tally(delivered: Delivered[]) {
  const days = new Map<string, { sam: number; group: number; samDm: number; jo: number }>();
  const kinds = new Map<string, number>();
  for (const d of delivered) {
    const { date } = local(d.at);
    const row = days.get(date) ?? { sam: 0, group: 0, samDm: 0, jo: 0 };
    if (d.reader === "group") row.group++;
    if (d.reader === "sam") row.samDm++;
    if (d.reader === "jo") row.jo++;
    // sam reads the group and their own direct chat.
    if (d.reader === "group" || d.reader === "sam") {
      row.sam++;
      kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
    }
    days.set(date, row);
  }
  return { days, kinds };
}

/** Runs the two weeks and describes what sam received, as lines to print. */
export async function messagesReport(): Promise<string[]> {
  const { days, kinds } = tally(await simulate());
  const out = ["date        sam (all)  of which group  of which DM  jo (DM)"];
  let total = 0;
  let max = 0;
  for (const [date, r] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
    const cells = [r.sam, r.group, r.samDm, r.jo].map(String);
    const widths = [9, 14, 11, 7];
    out.push(`${date}  ${cells.map((c, k) => c.padStart(widths[k] ?? 0)).join("  ")}`);
    total += r.sam;
    max = Math.max(max, r.sam);
  }
  out.push(
    "",
    `sam: ${total} messages in ${DAYS} days, ${(total / DAYS).toFixed(1)} a day on average, at most ${max} in a day`,
    `by kind: ${[...kinds]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  return out;
}

async function main(): Promise<void> {
  process.stdout.write(
    "Messages received per day (local dates in Europe/Berlin), two weeks, 4 commitments\n",
  );
  for (const line of await messagesReport()) process.stdout.write(`${line}\n`);
}

if (process.argv[1]?.endsWith("messages.ts")) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
