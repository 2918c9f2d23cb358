/** Runs the console chat: a virtual clock, the console courier, and the scheduler per virtual minute. */
import { dirname, join } from "node:path";
import type { Config } from "../src/config";
import { createDispatcher } from "../src/dispatch/dispatcher";
import { createEngine } from "../src/engine";
import type { Logger } from "../src/log";
import type { Store } from "../src/store/port";
import { ConsoleScreen, createConsoleCourier, createVirtualClock, resolveStart, runConsole } from "./console";
import { engineConfig } from "./engine-config";

/** Runs until the input ends; returns the process exit code. */
export async function runConsoleMode(config: Config, store: Store, log: Logger): Promise<number> {
  let start: number;
  try {
    start = resolveStart(process.argv.slice(2), process.env, Date.now());
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const clock = createVirtualClock(start);
  const engine = createEngine({ store, clock, log, config: engineConfig(config, { rateLimit: false }) });
  // Pictures are saved beside the database, in ./data/pictures/ by default, named by the virtual clock.
  const screen = new ConsoleScreen(process.stdout, {
    pictures: { dir: join(dirname(config.DATABASE_PATH), "pictures"), clock },
  });
  const dispatcher = createDispatcher({
    store,
    clock,
    log,
    couriers: [createConsoleCourier(screen)],
    onGone: (msg) => engine.pauseForGone(msg.to, clock.now()),
  });
  await runConsole({
    engine,
    clock,
    screen,
    input: process.stdin,
    output: process.stdout,
    interactive: process.stdin.isTTY === true,
    // Each virtual minute runs the scheduler, then delivers what it queued.
    onMinute: async (now) => {
      await engine.tick(now);
      await dispatcher.drain();
    },
    nextBusyAt: () => store.transaction((tx) => tx.nextWorkAt(), { readOnly: true }),
    // Messages a command queued for someone else (a witness's request) show at once.
    afterHandle: async () => {
      await dispatcher.drain();
    },
    log: { error: (err: unknown) => log.error({ err: String(err) }, "console error") },
  });
  return 0;
}
