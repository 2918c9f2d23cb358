/**
 * One Amends process of the fleet test: `node --import tsx adapters/main.ts` (what `npm start`
 * runs) with a role and an environment, its output kept, killable with SIGKILL and restartable
 * with the same environment (and so the same ports).
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface FleetProcess {
  readonly name: string;
  /** Everything it wrote, over all its lives. */
  output(): string;
  /** Resolves once its output contains `text` (in its current life). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGKILL; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again with the same environment. */
  restart(): void;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  readonly pid: number | undefined;
}

export function startProcess(root: string, name: string, env: Record<string, string>): FleetProcess {
  let child: ChildProcess;
  let all = "";
  let life = "";
  let exited: Promise<number | null>;
  const start = () => {
    life = "";
    child = spawn(process.execPath, ["--import", "tsx", "adapters/main.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", AMENDS_ENV_FILE: "none", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const take = (b: Buffer) => {
      all += b.toString();
      life += b.toString();
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  };
  start();
  return {
    name,
    get pid() {
      return child.pid;
    },
    output: () => all,
    async waitFor(text, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (!life.includes(text)) {
        if (Date.now() > until)
          throw new Error(`${name}: no "${text}" in ${timeoutMs} ms:\n${all.slice(-3000)}`);
        if (child.exitCode !== null)
          throw new Error(`${name} exited ${child.exitCode}:\n${all.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    restart: start,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
