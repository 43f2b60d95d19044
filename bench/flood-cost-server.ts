// One server for bench/flood-cost.ts, in its own process (forked with an IPC channel, usually with
// --trace-gc-nvp): one of bench/hello-servers.ts, with accepted connections counted (`connection`
// events of any net.Server in the process) and, with FLOOD_COST_TICKS=1 in its environment,
// process.nextTick calls counted by callback name. On `mark` it prints `@@mark TAG` to stdout (where
// V8 prints its GC lines, so the parent can cut out those between two marks) and replies with the
// count, its CPU time, and each thread's /proc/self/task/TID/schedstat (CPU ns, run-queue wait ns)
// and context switches.

import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { serve } from "./hello-servers.js";

let connections = 0;
type Emit = (this: net.Server, event: string | symbol, ...args: unknown[]) => boolean;
const emit = net.Server.prototype.emit as Emit;
net.Server.prototype.emit = function (this: net.Server, event: string | symbol, ...args: unknown[]): boolean {
  if (event === "connection") connections++;
  return emit.call(this, event, ...args);
} as typeof net.Server.prototype.emit;

const ticks = new Map<string, number>();
if (process.env.FLOOD_COST_TICKS === "1") {
  const nextTick = process.nextTick;
  process.nextTick = function (callback: (...args: unknown[]) => void, ...args: unknown[]): void {
    const name = callback.name || "(anonymous)";
    ticks.set(name, (ticks.get(name) ?? 0) + 1);
    nextTick.call(process, callback, ...args);
  } as typeof process.nextTick;
}

/** Per thread: [CPU ns, run-queue wait ns, voluntary, involuntary context switches]. */
function threads(): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  let tids: string[] = [];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out; // no /proc: the parent falls back to the process's CPU time
  }
  for (const tid of tids) {
    try {
      const [run = 0, wait = 0] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").trim().split(" ").map(Number);
      const status = readFileSync(`/proc/self/task/${tid}/status`, "utf8");
      const switches = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
      out[tid] = [run, wait, switches("voluntary_ctxt_switches"), switches("nonvoluntary_ctxt_switches")];
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

process.on("message", (m: { cmd: string; tag?: string }) => {
  if (m.cmd === "mark") {
    process.stdout.write(`@@mark ${m.tag}\n`);
    const u = process.cpuUsage();
    process.send!({ cmd: "mark", connections, cpuUs: u.user + u.system, threads: threads(), pid: process.pid, ticks: [...ticks] });
  } else if (m.cmd === "exit") process.exit(0);
});

const served = await serve(process.argv[2] ?? "node");
process.send!({ cmd: "ready", port: served.port, parser: served.parser });
