/** The logging port the core writes to; pino's logger satisfies it. */
export type LogFn = (obj: Record<string, unknown>, msg?: string) => void;

/** A structured logger. Never pass tokens or message texts that may hold secrets. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
