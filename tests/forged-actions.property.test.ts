/**
 * A button press is checked like a command (PRODUCT.md §8): random and forged click actions, from
 * random people in random chats, change nothing and name no one but the clicker. Telegram clients
 * can send any `callback_data`, so every action string is attacker-controlled.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeAction } from "../src/actions";
import { toPlain } from "../src/richtext";
import type { Actor, ChatRef, Reply } from "../src/types";
import { at, jumpTo } from "./support/followup";
import { commandInput, createBot, dm, GROUP } from "./support/harness";
import { allCheckIns, allCommitments, allPeople, eventsOf, outboxOf } from "./support/inspect";

const OTHER_GROUP: ChatRef = { platform: "console", id: "elsewhere", kind: "group", title: "elsewhere" };
/** Names that cannot hide inside each other or inside the bot's own words. */
const NAMES = ["alicia", "bertrand", "carolyn", "dmitri", "evander"] as const;
const who = (name: string): Actor => ({ platform: "console", id: `id-${name}`, name, username: name });

type Bot = ReturnType<typeof createBot>;

/** Everything that a click could change, as comparable JSON. */
async function snapshot(bot: Bot): Promise<string> {
  return JSON.stringify([
    await allCommitments(bot),
    await allCheckIns(bot),
    await outboxOf(bot),
    await eventsOf(bot),
    // New clickers get a row of their own; what the bot knew about people before must not move.
    (await allPeople(bot))
      .map(({ dmChatId: _dm, ...p }) => p)
      .filter((p) => ["alicia", "bertrand", "carolyn"].includes(p.name)),
  ]);
}

async function sendAs(bot: Bot, name: string, line: string, chat: ChatRef = GROUP): Promise<Reply[]> {
  const input = commandInput(line, chat, who(name));
  if ("refusal" in input) throw new Error(`bad line ${line}`);
  return bot.engine.handle(input);
}

async function clickAs(bot: Bot, name: string, reply: Reply | undefined, label: string) {
  const action = reply?.buttons?.flat().find((b) => b.label === label)?.action;
  if (!action) throw new Error(`no ${label}`);
  return bot.engine.handle({ type: "click", action, chat: GROUP, from: who(name) });
}

/**
 * A world with every kind of button on offer: alicia's group commitment witnessed by bertrand
 * (an answered check-in awaiting his verdict), her private one (witnessed, with an open check-in),
 * a third with an open invitation to dmitri, carolyn's own, and alicia's /forget confirmation.
 */
async function world() {
  const bot = createBot("2026-11-29T11:00:00Z");
  const offered: string[] = [];
  const keep = (replies: Reply[]) => {
    for (const r of replies) for (const b of r.buttons?.flat() ?? []) offered.push(b.action);
    return replies;
  };
  const first = keep(
    await sendAs(bot, "alicia", "/commit Call my sister cadence: daily 12:00 witness: @bertrand"),
  );
  keep(
    await clickAs(
      bot,
      "bertrand",
      first.find((r) => r.buttons),
      "Accept",
    ),
  );
  keep(await sendAs(bot, "alicia", "/commit Keep my spending log cadence: daily 12:00 private"));
  keep(
    await clickAs(bot, "bertrand", keep(await sendAs(bot, "alicia", "/witness #2 @bertrand"))[0], "Accept"),
  );
  keep(await sendAs(bot, "alicia", "/commit Walk every evening cadence: daily 12:00"));
  keep(await sendAs(bot, "alicia", "/witness #3 @dmitri"));
  keep(await sendAs(bot, "carolyn", "/commit Carolyn's own promise cadence: daily 12:00"));
  const due = await jumpTo(bot, at("2026-11-29T12:00:00Z"));
  keep(due.map((d) => d.message));
  const prompt = due.find(
    (d) => d.purpose.startsWith("prompt:") && d.text.includes("Call my sister"),
  )?.message;
  keep(await clickAs(bot, "alicia", prompt, "Kept"));
  keep((await bot.deliver()).map((d) => d.message));
  keep(await sendAs(bot, "alicia", "/forget", dm("alicia")));
  return { bot, offered: [...new Set(offered)] };
}

/**
 * Whether `name` pressing `action` in `chat` is something the bot offered them: then it may act,
 * and the property leaves it out. Everything else must change nothing.
 */
async function legitimate(bot: Bot, name: string, action: string, chat: ChatRef): Promise<boolean> {
  const { verb, args } = decodeAction(action);
  const me = (await allPeople(bot)).find((p) => p.externalId === who(name).id);
  if (!me) return false;
  const id = Number(args[0]);
  const ownerOfCheckIn = async () => {
    const ci = (await allCheckIns(bot)).find((c) => c.id === id);
    const c = (await allCommitments(bot)).find((row) => row.id === ci?.commitmentId);
    return { ci, c };
  };
  switch (verb) {
    case "ans":
    case "snz":
    case "note":
      return (await ownerOfCheckIn()).c?.ownerId === me.id;
    case "vfy": {
      const { c } = await ownerOfCheckIn();
      return c?.witnessId === me.id;
    }
    case "wacc":
    case "wdec":
      return name === "dmitri" && chat.id === GROUP.id;
    case "wsd":
      return (await allCommitments(bot)).some((c) => c.id === id && c.witnessId === me.id);
    case "forget":
    case "keep":
      return id === me.id;
    default:
      return false;
  }
}

/** Strings a forger would try for an argument. */
const argument = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map(String),
  fc.constantFrom(
    "k",
    "p",
    "m",
    "c",
    "d",
    "u",
    "1e0",
    "0x1",
    " 1",
    "-1",
    "",
    "NaN",
    "constructor",
    "99999999",
  ),
  fc.string({ maxLength: 6 }).filter((s) => !s.includes(":")),
);
const verb = fc.oneof(
  fc.constantFrom("ans", "snz", "wacc", "wdec", "vfy", "note", "wsd", "forget", "keep"),
  fc.constantFrom("constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", ""),
  fc.string({ maxLength: 6 }).filter((s) => !s.includes(":")),
);
const invented = fc
  .tuple(verb, fc.array(argument, { maxLength: 3 }))
  .map(([v, args]) => [v, ...args].join(":"));

describe("forged actions", () => {
  let bot: Bot;
  let offered: string[];
  let before: string;
  let tried = 0;

  beforeAll(async () => {
    ({ bot, offered } = await world());
    before = await snapshot(bot);
  });

  it("offers every kind of button the property forges", () => {
    const verbs = new Set(offered.map((a) => decodeAction(a).verb));
    expect([...verbs].sort()).toEqual(["ans", "forget", "keep", "note", "snz", "vfy", "wacc", "wdec"]);
  });

  it("change nothing and name no one but the clicker", async () => {
    const action = fc.oneof(fc.constantFrom(...offered), invented);
    const clicker = fc.constantFrom(...NAMES);
    const chat = fc.constantFrom<"group" | "elsewhere" | "dm">("group", "elsewhere", "dm");
    const note = fc.option(fc.string({ maxLength: 20 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(action, clicker, chat, note, async (act, name, where, text) => {
        const place = where === "group" ? GROUP : where === "elsewhere" ? OTHER_GROUP : dm(name);
        fc.pre(!(await legitimate(bot, name, act, place)));
        tried++;
        const replies = await bot.engine.handle({
          type: "click",
          action: act,
          chat: place,
          from: who(name),
          ...(text === undefined ? {} : { text }),
        });
        expect(Array.isArray(replies)).toBe(true);
        for (const reply of replies) {
          const words = toPlain(reply.text);
          for (const other of NAMES) if (other !== name) expect(words).not.toContain(other);
          expect(reply.text.filter((s) => s.t === "mention" && s.id !== who(name).id)).toEqual([]);
          expect(reply.visibility).toBe("sender-only");
          expect(reply.settles).toBeUndefined();
        }
        expect(await snapshot(bot)).toBe(before);
      }),
      { numRuns: 3000, seed: 20261203 },
    );
    // The closing note quotes this: how many forged presses were tried.
    console.info(`forged actions tried: ${tried}`);
    expect(tried).toBeGreaterThan(1500);
  }, 60_000);
});
