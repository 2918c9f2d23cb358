/**
 * The found case "catch-up freezes the bot": it walked every missed occurrence in one synchronous
 * step (5 per-minute crons after 30 days: 12.2 s in one tick). Tests do not time things, so this
 * counts the work instead: the cadence maths' calls into croner and into the zone conversions,
 * for an hourly cron and a daily commitment down 400 days. Walking would make about 9,600 croner
 * calls and 400 day conversions; jumping makes a handful of each.
 */
import { describe, expect, it, vi } from "vitest";
import { at, checkInsOf, DAY } from "./support/followup";
import { createBot } from "./support/harness";

const calls = vi.hoisted(() => ({ croner: 0, zone: 0 }));

vi.mock("croner", async (importOriginal) => {
  const mod = await importOriginal<typeof import("croner")>();
  class Counted<T = undefined> extends mod.Cron<T> {
    override nextRun(...args: Parameters<InstanceType<typeof mod.Cron>["nextRun"]>) {
      calls.croner++;
      return super.nextRun(...args);
    }
    override previousRuns(...args: Parameters<InstanceType<typeof mod.Cron>["previousRuns"]>) {
      calls.croner++;
      return super.previousRuns(...args);
    }
    override match(...args: Parameters<InstanceType<typeof mod.Cron>["match"]>) {
      calls.croner++;
      return super.match(...args);
    }
  }
  return { ...mod, Cron: Counted };
});

vi.mock("../src/cadence/zone", async (importOriginal) => {
  const mod = await importOriginal<typeof import("../src/cadence/zone")>();
  return {
    ...mod,
    occurrenceOn: (...args: Parameters<typeof mod.occurrenceOn>) => {
      calls.zone++;
      return mod.occurrenceOn(...args);
    },
    localToInstant: (...args: Parameters<typeof mod.localToInstant>) => {
      calls.zone++;
      return mod.localToInstant(...args);
    },
  };
});

describe("catch-up work is bounded whatever the downtime", () => {
  for (const [zone, cadence] of [
    ["UTC", "cron 0 * * * *"],
    ["Europe/Berlin", "cron 0 * * * *"],
    ["Europe/Berlin", "daily 20:00"],
    ["America/New_York", "weekdays 09:00"],
  ] as const) {
    it(`${cadence} in ${zone}, down 400 days`, async () => {
      const bot = createBot("2026-11-29T11:00:00Z");
      await bot.say("alice", `/timezone ${zone}`);
      await bot.say("alice", "/quiet off");
      expect(await bot.say("alice", `/commit Drink water cadence: ${cadence}`)).toMatch(/^Committed/);
      bot.clock.ms = at("2026-11-29T11:30:00Z") + 400 * DAY;
      calls.croner = 0;
      calls.zone = 0;
      const report = await bot.engine.tick(bot.clock.now());
      // A handful of steps (a clock change's day is looked at hour by hour), never one per occurrence.
      expect(calls.croner).toBeLessThan(120);
      expect(calls.zone).toBeLessThan(60);
      // All of them accounted for, in at most two rows: one skipped range and one open check-in.
      expect(report.opened + report.skipped).toBeGreaterThan(280);
      expect((await checkInsOf(bot)).length).toBeLessThanOrEqual(2);
    });
  }
});
