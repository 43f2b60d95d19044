// Running the `basehttp` command in tests: spawned as node + tsx on src/cli/main.ts, its output
// collected, its exit awaited; every process still running is killed by killAll().

import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
/** tsx's loader by absolute URL, so the command can run from any working directory. */
const TSX = import.meta.resolve("tsx");

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

const running = new Set<ChildProcess>();

/** Start `basehttp ...args` in `cwd` (default: this process's). */
export function run(args: string[], cwd?: string): Run {
  const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd: cwd ?? process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve([code, signal]);
    });
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Kill every command still running (an afterAll hook). */
export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}

/** Wait (at most 20 s) until `pattern` shows up in `read()`. */
export async function waitFor(read: () => string, pattern: RegExp, exited?: Promise<unknown>): Promise<RegExpExecArray> {
  const deadline = Date.now() + 20_000;
  let gone = false;
  void exited?.then(() => (gone = true));
  for (;;) {
    const m = pattern.exec(read());
    if (m) return m;
    if (gone || Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(read())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
