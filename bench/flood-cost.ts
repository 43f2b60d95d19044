// `npm run bench:flood-cost`: what one garbage connection costs a server, in CPU and allocation, read
// so that it holds on a shared machine (bench/NOTES.md, 2026-12-02, session 10, flood4). Each round
// starts each server afresh (bench/flood-cost-server.ts: one of bench/hello-servers.ts, kinds as in
// npm run stress: node, net, basehttp-wasm, basehttp-js, and basehttp-wasm@DIR for the basehttp of
// another checkout) with --trace-gc-nvp, every thread of it at niceness -10, floods it with
// stress-client.ts's flood (200 connections of random bytes, 20,000 writes a second, niceness 0) for
// a warm-up (V8's compiler threads are still busy for the first seconds) and then a window between
// two marks, and reads per accepted connection in the window:
//   main µs    the main thread's CPU time (/proc/self/task/TID/schedstat; the process's CPU time
//              also counts the GC and compiler threads: "process µs")
//   wait µs    the main thread's time waiting for a CPU (the machine's load, not the server's work)
//   sleeps     the main thread's voluntary context switches (the loop going to sleep)
//   alloc B    bytes allocated (the `allocated=` of the GC lines in the window)
//   scav/1k    scavenges per 1,000 connections; conn/s, what the flood got through
//   ticks      process.nextTick callbacks (with --ticks, which wraps process.nextTick in the server)
// Servers rotate round by round. Prints each round, then per server the median and range of each
// figure and the median of its per-round ratio to the first server's main µs. Writes no file.
// A figure per connection includes what the loop spends whatever the flood (IPC, timers, wake-ups):
// when the flood gets few connections through (a loaded machine), it rises; compare rounds of like
// conn/s, and servers by their per-round ratio.
// Options: --servers a,b,c (basehttp-wasm,node), --rounds N (5), --warmup S (4), --window S (3),
// --ticks.

import { fork, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { harnessArgs } from "./args.js";
import { median } from "./stats.js";

const argv = harnessArgs(import.meta.url, ["--ticks"], ["--servers", "--rounds", "--warmup", "--window"]);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
}
const SERVERS = option("--servers", "basehttp-wasm,node").split(",");
const ROUNDS = Number(option("--rounds", "5"));
const WARMUP = Number(option("--warmup", "4"));
const WINDOW = Number(option("--window", "3"));
const TICKS = argv.includes("--ticks");
const FLOODERS = 200;
const FLOOD_RATE = 20_000;
const SERVER = fileURLToPath(new URL("./flood-cost-server.ts", import.meta.url));
const CLIENT = fileURLToPath(new URL("./stress-client.ts", import.meta.url));
const EXEC_ARGV = ["--no-warnings", "--import", "tsx"];

interface Mark {
  connections: number;
  cpuUs: number;
  threads: Record<string, number[]>;
  pid: number;
  ticks: [string, number][];
}

interface Row {
  main: number;
  process: number;
  wait: number;
  sleeps: number;
  alloc: number;
  scavPer1k: number;
  connPerS: number;
  ticks: number;
  tickNames: string;
}

function message<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${cmd} from child within 60 s`)), 60_000);
    const on = (m: { cmd: string }): void => {
      if (m.cmd !== cmd) return;
      clearTimeout(timer);
      child.off("message", on);
      resolve(m as T);
    };
    child.on("message", on);
  });
}

/** Every thread of `pid` at niceness `nice` (os.setPriority changes one thread on Linux), as stress.ts. */
function renice(pid: number, nice: number): void {
  let tids: string[] = [String(pid)];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    // No /proc: the main thread only.
  }
  for (const tid of tids) {
    try {
      os.setPriority(Number(tid), nice);
    } catch {
      // Not permitted, or the thread ended: as for every server.
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function round(kind: string): Promise<Row> {
  const server = fork(SERVER, [kind], {
    execArgv: [...EXEC_ARGV, "--trace-gc-nvp"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
    env: { ...process.env, FLOOD_COST_TICKS: TICKS ? "1" : "0" },
  });
  let out = "";
  server.stdout!.setEncoding("utf8").on("data", (d: string) => void (out += d));
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const { port } = await message<{ port: number }>(server, "ready");
  renice(server.pid!, -10);
  const flood = fork(CLIENT, ["flood", String(port), String(FLOODERS), String(WARMUP + WINDOW + 1), String(FLOOD_RATE)], { execArgv: EXEC_ARGV });
  const floodDone = message<object>(flood, "flood-done");
  await sleep(WARMUP * 1000);
  // Threads started since (libuv's pool, V8's helpers) too.
  renice(server.pid!, -10);
  server.send({ cmd: "mark", tag: "start" });
  const a = await message<Mark>(server, "mark");
  await sleep(WINDOW * 1000);
  server.send({ cmd: "mark", tag: "end" });
  const b = await message<Mark>(server, "mark");
  await floodDone;
  server.send({ cmd: "exit" });
  await exited;
  const n = b.connections - a.connections;
  const main = String(b.pid);
  const delta = (field: number): number => (b.threads[main]?.[field] ?? 0) - (a.threads[main]?.[field] ?? 0);
  const window = out.split("@@mark start")[1]?.split("@@mark end")[0] ?? "";
  let alloc = 0;
  let scavenges = 0;
  for (const line of window.split("\n")) {
    const allocated = / allocated=(\d+)/.exec(line);
    if (allocated === null) continue;
    alloc += Number(allocated[1]);
    if (/ gc=s /.test(line)) scavenges++;
  }
  const before = new Map(a.ticks);
  const tickCounts = b.ticks.map(([name, count]) => [name, count - (before.get(name) ?? 0)] as const).filter(([, c]) => c > 0);
  tickCounts.sort((x, y) => y[1] - x[1]);
  const hasThreads = b.threads[main] !== undefined;
  return {
    main: hasThreads ? delta(0) / 1e3 / n : (b.cpuUs - a.cpuUs) / n,
    process: (b.cpuUs - a.cpuUs) / n,
    wait: delta(1) / 1e3 / n,
    sleeps: delta(2) / n,
    alloc: alloc / n,
    scavPer1k: (scavenges * 1000) / n,
    connPerS: n / WINDOW,
    ticks: tickCounts.reduce((s, [, c]) => s + c, 0) / n,
    tickNames: tickCounts.slice(0, 4).map(([name, c]) => `${name} ${(c / n).toFixed(2)}`).join(", "),
  };
}

const fmt = (x: number, digits = 1): string => x.toFixed(digits);

async function main(): Promise<void> {
  const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(`flood-cost: ${SERVERS.join(", ")}; ${ROUNDS} round(s), warm-up ${WARMUP} s, window ${WINDOW} s; load average ${load()}`);
  const rows = new Map<string, Row[]>(SERVERS.map((s) => [s, []]));
  const ratios = new Map<string, number[]>(SERVERS.map((s) => [s, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const inRound = new Map<string, Row>();
    for (let i = 0; i < SERVERS.length; i++) {
      const kind = SERVERS[(i + r) % SERVERS.length]!;
      const row = await round(kind);
      inRound.set(kind, row);
      rows.get(kind)!.push(row);
      console.log(
        `  round ${r + 1} ${kind}: main ${fmt(row.main)} µs, process ${fmt(row.process)} µs, wait ${fmt(row.wait)} µs, sleeps ${fmt(row.sleeps, 2)}, ` +
          `alloc ${Math.round(row.alloc)} B, scav/1k ${fmt(row.scavPer1k, 2)}, ${Math.round(row.connPerS)} conn/s` +
          (TICKS ? `, ticks ${fmt(row.ticks, 2)} (${row.tickNames})` : "") + `; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
    const first = inRound.get(SERVERS[0]!)!;
    for (const [kind, row] of inRound) ratios.get(kind)!.push(row.main / first.main);
  }
  console.log(`per garbage connection, median (range) of ${ROUNDS} round(s); load average ${load()}`);
  const cell = (values: number[], digits = 1): string =>
    `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}-${fmt(Math.max(...values), digits)})`;
  for (const kind of SERVERS) {
    const r = rows.get(kind)!;
    console.log(
      `  ${kind}: main ${cell(r.map((x) => x.main))} µs, ratio to ${SERVERS[0]} ${cell(ratios.get(kind)!, 3)}; process ${cell(r.map((x) => x.process))} µs; ` +
        `wait ${cell(r.map((x) => x.wait))} µs; sleeps ${cell(r.map((x) => x.sleeps), 2)}; alloc ${cell(r.map((x) => x.alloc), 0)} B; ` +
        `scav/1k ${cell(r.map((x) => x.scavPer1k), 2)}; conn/s ${cell(r.map((x) => x.connPerS), 0)}` + (TICKS ? `; ticks ${cell(r.map((x) => x.ticks), 2)}` : ""),
    );
  }
}

await main();
