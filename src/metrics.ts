/**
 * What the core tells whoever watches it: a command handled, a tick run, a delivery answered.
 * A neutral port, so the core counts without knowing how the numbers are kept (Prometheus in
 * `adapters/metrics.ts`); the default observes nothing.
 */
import type { Logger } from "./log";
import type { Platform, TickReport } from "./types";

/**
 * How a command or click ended: `ok` answered, `refused` turned down (a refusal, an unknown
 * command or button, the sender going too fast), `error` failed unexpectedly (the apology).
 */
export type CommandResult = "ok" | "refused" | "error";

/**
 * What a courier's answer to one delivery was (a combined message counts once):
 * `sent`; `rate-limited` (a 429: retried after the wait it asked for); `error` (thrown:
 * retried with backoff); `dm-refused` (re-addressed to the group, or failed without one);
 * `rejected` (the platform will never take it: dropped); `gone` (the chat is gone).
 */
export type SendOutcome = "sent" | "rate-limited" | "error" | "dm-refused" | "rejected" | "gone";

/** Every {@link SendOutcome}, for an observer that wants its series to exist from the start. */
export const SEND_OUTCOMES: readonly SendOutcome[] = [
  "sent",
  "rate-limited",
  "error",
  "dm-refused",
  "rejected",
  "gone",
];

/** Told what the core did. Calls are synchronous and must be cheap: they sit on hot paths. */
export interface Observer {
  /**
   * A command or click was answered. `name` is the command's name, `unknown` for a command the
   * engine does not have (what people type must not become a label), or `click`.
   */
  commandHandled(name: string, result: CommandResult): void;
  /**
   * A scheduler tick ended: how long it took, how late it started against its schedule, and
   * what it did (null when it failed).
   */
  tickRan(durationMs: number, lagMs: number, report: TickReport | null): void;
  /** A courier answered one delivery on `platform`. */
  sent(platform: Platform, outcome: SendOutcome): void;
}

/** Observes nothing: the default wherever no observer is given. */
export const noObserver: Observer = {
  commandHandled: () => {},
  tickRan: () => {},
  sent: () => {},
};

/**
 * `observer` made safe to call from the core: a throw is logged (once per method, so a broken
 * observer cannot flood the log) and swallowed, because counting must never change an answer
 * or a delivery's outcome.
 */
export function guarded(observer: Observer | undefined, log: Logger): Observer {
  if (!observer || observer === noObserver) return noObserver;
  const complained = new Set<string>();
  const safely =
    <A extends unknown[]>(method: keyof Observer, fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (err) {
        if (complained.has(method)) return;
        complained.add(method);
        log.warn({ method, err: err instanceof Error ? err.message : String(err) }, "observer failed");
      }
    };
  return {
    commandHandled: safely("commandHandled", (name: string, result: CommandResult) =>
      observer.commandHandled(name, result),
    ),
    tickRan: safely("tickRan", (ms: number, lag: number, report: TickReport | null) =>
      observer.tickRan(ms, lag, report),
    ),
    sent: safely("sent", (platform: Platform, outcome: SendOutcome) => observer.sent(platform, outcome)),
  };
}
