import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, WINDOW_MARGIN_MS as M, RateLimiter } from "../src/dispatch/rate-limiter";

const T0 = 1_000_000;

describe("RateLimiter", () => {
  it("lets a group have 20 sends in any minute, then names the wait", () => {
    const limiter = new RateLimiter({ telegram: DEFAULT_LIMITS.telegram });
    for (let i = 0; i < 20; i++) expect(limiter.reserve("telegram", "g1", "group", T0 + i)).toBe(0);
    expect(limiter.reserve("telegram", "g1", "group", T0 + 20)).toBe(60_000 + M - 20);
    expect(limiter.reserve("telegram", "g1", "group", T0 + 59_999 + M)).toBe(1);
    expect(limiter.reserve("telegram", "g1", "group", T0 + 60_000 + M)).toBe(0);
    // Another group is not held by the first one's window.
    expect(limiter.reserve("telegram", "g2", "group", T0 + 20)).toBe(0);
  });

  it("counts nothing when it answers with a wait", () => {
    const limiter = new RateLimiter({ telegram: DEFAULT_LIMITS.telegram });
    expect(limiter.reserve("telegram", "u1", "dm", T0)).toBe(0);
    for (let i = 0; i < 100; i++) expect(limiter.reserve("telegram", "u1", "dm", T0 + 500)).toBe(500 + M);
    expect(limiter.reserve("telegram", "u1", "dm", T0 + 1_000 + M)).toBe(0);
    expect(limiter.reserve("telegram", "u1", "dm", T0 + 1_000 + M)).toBe(1_000 + M);
  });

  it("counts a send's slot from its answer, so what arrives late cannot bunch", () => {
    const limiter = new RateLimiter({
      telegram: { perSecond: 3, group: { count: 20, perMs: 60_000 }, dm: { count: 10, perMs: 1_000 } },
    });
    for (const chat of ["a", "b", "c"]) expect(limiter.reserve("telegram", chat, "group", T0)).toBe(0);
    // The first took 400 ms to be answered: the platform may have counted it as late as that.
    limiter.settle("telegram", "a", "group", T0, T0 + 400);
    limiter.settle("telegram", "b", "group", T0, T0 + 10);
    // A fourth waits a window after the first one's answer, not after its reservation.
    expect(limiter.reserve("telegram", "d", "group", T0 + 1_000)).toBe(400 + M);
    expect(limiter.reserve("telegram", "d", "group", T0 + 1_400 + M)).toBe(0);
    // The next ones follow b's answer and c's reservation (c was never settled).
    expect(limiter.reserve("telegram", "e", "group", T0 + 1_400 + M)).toBe(0);
    expect(limiter.reserve("telegram", "f", "group", T0 + 1_400 + M)).toBe(0);
    // Settling what was never reserved changes nothing.
    limiter.settle("telegram", "z", "group", 12_345, 99_999);
    expect(limiter.reserve("telegram", "g", "group", T0 + 1_400 + M)).toBe(1_000 + M);
  });

  it("holds the whole platform to its per-second limit across chats", () => {
    const limiter = new RateLimiter({ telegram: DEFAULT_LIMITS.telegram });
    for (let i = 0; i < 30; i++) expect(limiter.reserve("telegram", `u${i}`, "dm", T0)).toBe(0);
    expect(limiter.reserve("telegram", "u99", "dm", T0 + 400)).toBe(600 + M);
    // Discord has its own budget.
    const both = new RateLimiter(DEFAULT_LIMITS);
    for (let i = 0; i < 30; i++) both.reserve("telegram", `u${i}`, "dm", T0);
    expect(both.reserve("discord", "c1", "group", T0)).toBe(0);
  });

  it("applies Discord's 5 per 5 s per channel", () => {
    const limiter = new RateLimiter(DEFAULT_LIMITS);
    for (let i = 0; i < 5; i++) expect(limiter.reserve("discord", "c1", "group", T0 + i * 100)).toBe(0);
    expect(limiter.reserve("discord", "c1", "group", T0 + 1_000)).toBe(4_000 + M);
    expect(limiter.reserve("discord", "c1", "group", T0 + 5_000 + M)).toBe(0);
  });

  it("pauses a platform, or one chat, after a 429", () => {
    const limiter = new RateLimiter(DEFAULT_LIMITS);
    limiter.pause("telegram", T0, 1_500);
    expect(limiter.reserve("telegram", "g1", "group", T0 + 500)).toBe(1_000);
    expect(limiter.reserve("discord", "c1", "group", T0 + 500)).toBe(0);
    expect(limiter.reserve("telegram", "g1", "group", T0 + 1_500)).toBe(0);

    limiter.pause("discord", T0 + 1_000, 3_000, "c2");
    expect(limiter.reserve("discord", "c2", "group", T0 + 2_000)).toBe(2_000);
    expect(limiter.reserve("discord", "c3", "group", T0 + 2_000)).toBe(0);
    expect(limiter.reserve("discord", "c2", "group", T0 + 4_000)).toBe(0);
  });

  it("leaves a platform without limits unlimited, but still honours a pause", () => {
    const limiter = new RateLimiter(DEFAULT_LIMITS);
    for (let i = 0; i < 1_000; i++) expect(limiter.reserve("console", "group", "group", T0)).toBe(0);
    expect(limiter.trackedChats("console")).toBe(0);
    limiter.pause("console", T0, 10);
    expect(limiter.reserve("console", "group", "group", T0 + 4)).toBe(6);
  });

  it("forgets idle chats, so memory follows the live chats, not every chat ever seen", () => {
    const limiter = new RateLimiter({ telegram: DEFAULT_LIMITS.telegram });
    let most = 0;
    let refused = 0;
    // 30k DMs and 30k groups, each written once, at about 29 a second (half an hour).
    for (let i = 0; i < 60_000; i++) {
      const kind = i % 2 === 0 ? "dm" : "group";
      if (limiter.reserve("telegram", `c${i}`, kind, T0 + i * 35) !== 0) refused++;
      most = Math.max(most, limiter.trackedChats("telegram"));
    }
    expect(refused).toBe(0);
    // A minute of groups at ~29/s is ~860 live buckets; sweeps keep the map within twice the live set.
    expect(most).toBeLessThanOrEqual(2_048);
    expect(most).toBeGreaterThan(800);
  });

  it("refuses limits that could never let anything through", () => {
    expect(() => new RateLimiter({ telegram: { ...DEFAULT_LIMITS.telegram, perSecond: 0 } })).toThrow(
      RangeError,
    );
    const noGroup = { ...DEFAULT_LIMITS.discord, group: { count: 0, perMs: 1_000 } };
    expect(() => new RateLimiter({ discord: noGroup })).toThrow(RangeError);
  });
});
