/** Shared helpers for the follow-up loop tests: time constants, a fast jump, what the store holds. */
import type { createBot } from "./harness";

export { checkInsOf, commitment } from "./inspect";

export const MIN = 60_000;
export const H = 60 * MIN;
export const DAY = 24 * H;
export const at = (iso: string): number => Date.parse(iso);
export const iso = (ms: number): string => new Date(ms).toISOString();
/** The kind of an outbox purpose: `prompt`, `remind`, `verify`… */
export const kind = (purpose: string): string | undefined => purpose.split(":")[0];

export type Bot = ReturnType<typeof createBot>;

/** Moves the clock to `ms`, runs one tick and delivers, recording what went out (faster than advance). */
export async function jumpTo(bot: Bot, ms: number) {
  bot.clock.ms = ms;
  await bot.engine.tick(bot.clock.now());
  const out = (await bot.deliver()).map((d) => ({ at: ms, ...d }));
  bot.delivered.push(...out);
  return out;
}
