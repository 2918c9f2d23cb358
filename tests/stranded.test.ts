/**
 * No commitment is stranded (issue 8, item 7): after any change (time zone, edit, pause,
 * resume, the clock moving on) an active commitment either has a next check-in (a due time,
 * or an open check-in it is waiting on) or completes, and its owner is told privately.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatLocalTime, localDate } from "../src/cadence";
import { parseCommandText } from "../src/commands/parse";
import { createEngine } from "../src/engine";
import type { Logger } from "../src/log";
import { toPlain } from "../src/richtext";
import type { Reply } from "../src/types";
import { at, commitment, DAY, jumpTo, kind, MIN } from "./support/followup";
import { actor, createBot, FakeClock, GROUP, plain } from "./support/harness";
import {
  allCommitments,
  closeStore,
  deliverReady,
  hasOpenCheckIn,
  openCommitmentCount,
  openStore,
  outboxOf,
} from "./support/inspect";

describe("found case 9: a change of zone that leaves nothing to plan", () => {
  it("completes a once due in 30 minutes and an until-today commitment, and tells the owner privately", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Tell her cadence: once 2026-11-29 11:30");
    await bot.say("alice", "/commit Walk cadence: daily 20:00 until: 2026-11-29");
    await bot.say("alice", "/commit Listen first cadence: daily 20:00");
    const r = await bot.send("alice", "/timezone Etc/GMT-14");
    // In UTC+14 it is already 30 Nov: 11:30 on the 29th and the 29th's last day are both past.
    expect(r.map((x) => x.visibility)).toEqual(["sender-only"]);
    expect(plain(r)).toBe(
      [
        "Your time zone is now Etc/GMT-14; it's 01:00 there. I moved the check-ins of 1 commitment.",
        "#1 Tell her has no check-in left in your new time zone, so it ends here, before any check-in. /commit starts a new one whenever you're ready.",
        "#2 Walk has no check-in left in your new time zone, so it ends here, before any check-in. /commit starts a new one whenever you're ready.",
      ].join("\n"),
    );
    expect(await Promise.all([1, 2, 3].map(async (id) => (await commitment(bot, id)).state))).toEqual([
      "completed",
      "completed",
      "active",
    ]);
    // They no longer count toward the limit of open commitments.
    expect(await openCommitmentCount(bot, 1)).toBe(1);
    // Told in the reply: nothing goes to the group.
    expect(await bot.deliver()).toEqual([]);
    expect(await bot.say("alice", "/history #1")).toContain("completed");
  });

  it("keeps waiting on a check-in that is open when the zone changes, then completes", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Walk cadence: daily 12:00 until: 2026-11-29");
    await jumpTo(bot, at("2026-11-29T12:00:00Z"));
    expect(await bot.say("alice", "/timezone Etc/GMT-14")).not.toContain("#1");
    expect(await commitment(bot)).toMatchObject({ state: "active", nextDueAt: null });
    expect(await bot.say("alice", "/checkin kept")).toContain("checked in");
    expect((await commitment(bot)).state).toBe("completed");
    const told = await bot.deliver();
    expect(told.map((d) => [kind(d.purpose), d.to.chatKind, d.text])).toEqual([
      ["completed", "dm", "#1 Walk reached its end date: you kept it. Thank you for seeing it through."],
    ]);
  });

  it("completes a commitment whose end passed while paused, when the pause ends by itself", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/quiet off");
    await bot.say("alice", "/commit Walk cadence: daily 12:00 until: 2026-11-30");
    expect(await bot.say("alice", "/pause #1 for: 3d")).toContain("Paused #1");
    const out = await jumpTo(bot, at("2026-12-02T11:00:00Z"));
    expect((await commitment(bot)).state).toBe("completed");
    expect(out.map((d) => [kind(d.purpose), d.to.chatKind, d.to.fallbackChatId, d.text])).toEqual([
      [
        "completed",
        "dm",
        "group",
        "#1 Walk came to its end while paused, before any check-in. /commit starts a new one whenever you're ready.",
      ],
    ]);
    // The group, should the direct message fail, gets a pointer without the promise.
    expect(toPlain(out[0]?.to.fallbackReply?.text ?? [])).not.toContain("Walk");
  });

  it("completes on /resume when the end passed meanwhile, telling the owner alone", async () => {
    const bot = createBot("2026-11-29T11:00:00Z");
    await bot.say("alice", "/commit Tell her cadence: once 2026-11-29 18:00");
    await bot.say("alice", "/pause #1");
    bot.clock.ms = at("2026-11-30T09:00:00Z");
    const r = await bot.send("alice", "/resume #1");
    expect(r[0]?.visibility).toBe("sender-only");
    expect(plain(r)).toMatch(/^#1 Tell her came to its end while paused/);
    expect((await commitment(bot)).state).toBe("completed");
  });

  it("refuses an edit of a paused commitment that would leave no check-in, and writes nothing", async () => {
    const bot = createBot("2026-11-29T21:00:00Z");
    await bot.say("alice", "/commit Walk cadence: daily 20:00");
    await bot.say("alice", "/pause #1");
    expect(await bot.say("alice", "/edit #1 until: 2026-11-29")).toMatch(/no check-in would be left/);
    expect(await commitment(bot)).toMatchObject({ state: "paused", until: null });
  });
});

// ---- the property: random sequences of changes never strand a commitment ----

const ZONES = [
  "UTC",
  "Etc/GMT-14",
  "Etc/GMT+12",
  "Europe/Berlin",
  "America/New_York",
  "Pacific/Kiritimati",
  "Asia/Kathmandu",
];

/** A cadence as data (so a counterexample prints readably); a `once` is minutes ahead of now. */
type CadenceSpec =
  | { form: "daily" | "weekdays" | "weekly" | "every" | "graduated"; at: string }
  | { form: "cron" }
  | { form: "once"; ahead: number };
/** An end date: none, or today plus some days, in the owner's zone. */
type UntilSpec = "none" | { days: number };
type Step =
  | { do: "commit"; cadence: CadenceSpec; until: UntilSpec | null }
  | { do: "timezone"; zone: string }
  | { do: "edit-cadence"; n: number; cadence: CadenceSpec }
  | { do: "edit-until"; n: number; until: UntilSpec }
  | { do: "pause"; n: number; for: string | null }
  | { do: "resume"; n: number }
  | { do: "checkin"; n: number; answer: string }
  | { do: "wait"; minutes: number };

const atArb = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const cadenceArb: fc.Arbitrary<CadenceSpec> = fc.oneof(
  fc.record({ form: fc.constantFrom("daily", "weekdays", "weekly", "every", "graduated"), at: atArb }),
  fc.constant({ form: "cron" as const }),
  fc.record({ form: fc.constant("once" as const), ahead: fc.integer({ min: 1, max: 4 * 24 * 60 }) }),
);
const untilArb: fc.Arbitrary<UntilSpec> = fc.oneof(
  fc.constant("none" as const),
  fc.record({ days: fc.integer({ min: 0, max: 6 }) }),
);
const n = fc.integer({ min: 1, max: 5 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant("commit" as const),
      cadence: cadenceArb,
      until: fc.option(untilArb),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ do: fc.constant("timezone" as const), zone: fc.constantFrom(...ZONES) }),
  },
  { weight: 2, arbitrary: fc.record({ do: fc.constant("edit-cadence" as const), n, cadence: cadenceArb }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant("edit-until" as const), n, until: untilArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant("pause" as const),
      n,
      for: fc.constantFrom(null, "45m", "5h", "2d"),
    }),
  },
  { weight: 2, arbitrary: fc.record({ do: fc.constant("resume" as const), n }) },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant("checkin" as const),
      n,
      answer: fc.constantFrom("kept", "partly", "missed"),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      do: fc.constant("wait" as const),
      minutes: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 120, max: 4 * 24 * 60 })),
    }),
  },
);

function cadenceText(c: CadenceSpec, now: number, zone: string): string {
  if (c.form === "cron") return "cron 0 9-17 * * *";
  if (c.form === "once") {
    const t = now + c.ahead * MIN;
    return `once ${localDate(t, zone)} ${formatLocalTime(t, zone)}`;
  }
  const form = {
    daily: "daily",
    weekdays: "weekdays",
    weekly: "weekly sat,mon",
    every: "every 3 days",
    graduated: "graduated",
  }[c.form];
  return `${form} ${c.at}`;
}
const untilText = (u: UntilSpec, now: number, zone: string) =>
  u === "none" ? "none" : localDate(now + u.days * DAY, zone);

/** The command line a step types, in the owner's current zone and time. */
function line(step: Exclude<Step, { do: "wait" }>, now: number, zone: string): string {
  switch (step.do) {
    case "commit":
      return `/commit Keep going cadence: ${cadenceText(step.cadence, now, zone)}${step.until ? ` until: ${untilText(step.until, now, zone)}` : ""}`;
    case "timezone":
      return `/timezone ${step.zone}`;
    case "edit-cadence":
      return `/edit #${step.n} cadence: ${cadenceText(step.cadence, now, zone)}`;
    case "edit-until":
      return `/edit #${step.n} until: ${untilText(step.until, now, zone)}`;
    case "pause":
      return `/pause #${step.n}${step.for ? ` for: ${step.for}` : ""}`;
    case "resume":
      return `/resume #${step.n}`;
    case "checkin":
      return `/checkin #${step.n} ${step.answer}`;
  }
}

/** A bot over the real engine whose logger records any error a tick would swallow. */
function strictBot(start: number) {
  const db = openStore();
  const clock = new FakeClock(start);
  const errors: unknown[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (o) => errors.push(o) };
  const engine = createEngine({
    store: db,
    clock,
    log,
    config: { defaultZone: "UTC", defaultQuiet: { start: 22 * 60, end: 8 * 60 }, rateLimit: null },
  });
  return { store: db, clock, engine, errors };
}

/** Runs one step: a command as alice in the group, or the clock moving on with a tick. */
async function run(bot: ReturnType<typeof strictBot>, step: Step, zone: string): Promise<Reply[]> {
  if (step.do === "wait") {
    bot.clock.advance(step.minutes * MIN);
    await bot.engine.tick(bot.clock.now());
    return [];
  }
  const text = line(step, bot.clock.ms, zone);
  const parsed = parseCommandText(text);
  if (!parsed?.ok) throw new Error(`the test typed a line the parser refuses: ${text}`);
  return bot.engine.handle({
    type: "command",
    name: parsed.name,
    args: parsed.args,
    mentions: parsed.mentions,
    chat: GROUP,
    from: actor("alice"),
  });
}

describe("property: no commitment is ever stranded", () => {
  it("after every change each active commitment has a next check-in or an open one; endings are told privately", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 4, maxLength: 24 }), async (steps) => {
        const bot = strictBot(at("2026-03-27T10:00:00Z")); // a DST weekend in Europe follows
        let zone = "UTC";
        try {
          for (const step of steps) {
            const before = new Map((await allCommitments(bot)).map((c) => [c.id, c.state]));
            const replies = await run(bot, step, zone);
            if (step.do === "timezone" && !replies[0]?.refusal) zone = step.zone;
            expect(bot.errors).toEqual([]);
            const now = bot.clock.ms;
            const queued = await outboxOf(bot);
            for (const c of await allCommitments(bot)) {
              if (c.state === "active") {
                const waiting = c.nextDueAt !== null || (await hasOpenCheckIn(bot, c.id));
                expect(waiting, `#${c.number} (${c.cadence}, until ${c.until}, ${c.zone}) is stranded`).toBe(
                  true,
                );
                // A tick opens everything due, so right after one every due time is ahead.
                if (step.do === "wait" && c.nextDueAt !== null) expect(c.nextDueAt).toBeGreaterThan(now);
              }
              if (c.state !== "completed" || before.get(c.id) === "completed") continue;
              // Completed just now: the owner is told privately, by direct message or in a reply only they see.
              const told = queued.find((o) => o.purpose === `completed:${c.id}`);
              if (told) expect(told.recipient).toMatchObject({ chatKind: "dm", personId: "alice" });
              else {
                const said = replies.filter((r) => plain([r]).includes(`#${c.number} Keep going `));
                expect(said.length, `the end of #${c.number} was told`).toBeGreaterThan(0);
                expect(said.map((r) => r.visibility)).not.toContain("chat");
              }
            }
            // Mark everything sent, as a dispatcher would, so the outbox stays small.
            await deliverReady(bot, now, "t");
          }
        } finally {
          await closeStore(bot);
        }
      }),
      { numRuns: 250 },
    );
  }, 60_000);
});
