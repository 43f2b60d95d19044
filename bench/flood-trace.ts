// `npm run bench:flood-trace`: what the slowest 1 % of the garbage flood's measured requests wait
// for (bench/NOTES.md, 2026-12-02, session 12, flood6). Rounds as npm run stress's flood: each
// server (bench/flood-trace-child.ts: one of bench/hello-servers.ts, kinds as in npm run stress:
// node, basehttp-wasm, basehttp-wasm@DIR) with every thread at niceness -10, stress-client.ts's
// flood (200 connections of random bytes, 20,000 writes a second, niceness --flooder-nice) and,
// after 500 ms, a measured client (one keep-alive GET /m/<i> at a time, niceness -10); servers
// rotated round by round, after one warm-up round each. Each measured request is split, on the
// monotonic clock shared by the processes, into
//   send->read      client's write to the start of the server's read callback for it
//   read->handler   to the handler's entry (node:http's `request` event, basehttp's send_response)
//   handler+write   to the end of the answer's last write system call
//   written->recv   to the client's receipt
// and its send->read is split by what the server's loop was in meanwhile: GC, a newcomers batch
// (basehttp's check phase), a poll-phase callback (an accept or a read of another connection), or
// none of them ("other": the loop asleep or waiting for a CPU, or in callbacks not timed: ticks,
// pending and close phases). Also: the client's and the server main thread's time waiting for a
// CPU (run queue, /proc schedstat) in the request, whether the client received on the CPU the
// server wrote from, the server's recorded work while the answer was on its way, the client's GC.
// Prints one line a round, then per server the slowest 1 % (at or above each round's p99) beside
// requests p45-p55. The stamps cost the servers some CPU (a few µs per callback): read the split,
// not the p99 against npm run stress's. Writes only /tmp/flood-trace-*.bin.
// Options: --servers a,b (node,basehttp-wasm), --rounds N (3), --duration S (2), --flooder-nice N (0).

import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { harnessArgs } from "./args.js";
import { EV } from "./flood-trace-child.js";

const argv = harnessArgs(import.meta.url, [], ["--servers", "--rounds", "--duration", "--flooder-nice"]);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
}
const SERVERS = option("--servers", "node,basehttp-wasm").split(",");
const ROUNDS = Number(option("--rounds", "3"));
const DURATION = Number(option("--duration", "2"));
const FLOODER_NICE = Number(option("--flooder-nice", "0"));
const CHILD = fileURLToPath(new URL("./flood-trace-child.ts", import.meta.url));
const FLOODER = fileURLToPath(new URL("./stress-client.ts", import.meta.url));
const EXEC_ARGV = ["--no-warnings", "--import", "tsx"];

function message<T>(child: ChildProcess, cmd: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: T & { cmd: string }): void => {
      if (m.cmd !== cmd) return;
      child.off("message", on);
      resolve(m);
    };
    child.on("message", on);
  });
}
const exited = (c: ChildProcess): Promise<unknown> => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once("exit", r)));
/** Every thread of `child` at niceness `nice` (as stress.ts's renice). */
function renice(child: ChildProcess, nice: number): void {
  const pid = child.pid!;
  try {
    os.setPriority(pid, nice);
    for (const tid of readdirSync(`/proc/${pid}/task`)) if (Number(tid) !== pid) os.setPriority(Number(tid), nice);
  } catch {
    // Not permitted, or a thread ended meanwhile.
  }
}
function floats(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer, b.byteOffset, b.length / 8).slice();
}
function quantile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : "-");

/** One measured request, ms. */
interface Request {
  latency: number;
  sendToRead: number;
  readToHandler: number;
  handlerWrite: number;
  writtenToRecv: number;
  /** send->read, by what the server's loop was in. */
  gc: number;
  batch: number;
  poll: number;
  other: number;
  batches: number;
  pollCallbacks: number;
  clientRunQueue: number;
  serverRunQueue: number;
  sameCpu: number;
  serverBusyAfterWrite: number;
  clientGc: number;
}
type Interval = [number, number, number];

/** The interval of sorted `list` that covers `t`, if any (a few back: GC may overlap others). */
function covering(list: Interval[], t: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]![0] <= t) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let j = best; j >= 0 && j > best - 4; j--) if (list[j]![1] >= t) return true;
  return false;
}

interface Summary {
  slow: Request[];
  middle: Request[];
  p99: number[];
  batchMs: number[];
  batchJobs: number[];
  waiting: number[];
  gcMs: number[];
}
const summaries = new Map<string, Summary>();

function analyse(kind: string, c: Float64Array, clientGc: Float64Array, e: Float64Array, failures: number, connectionsPerS: number, delayP99: number): void {
  const sent = new Map<number, number[]>();
  for (let i = 0; i < c.length; i += 5) sent.set(c[i]!, [c[i + 1]!, c[i + 2]!, c[i + 3]!, c[i + 4]!]);
  const batches: Interval[] = [];
  const polls: Interval[] = [];
  const measuredReads: Interval[] = [];
  const gcs: Interval[] = [];
  const micros: number[] = [];
  const handler = new Map<number, [number, number]>();
  const written = new Map<number, [number, number]>();
  for (let i = 0; i < e.length; i += 4) {
    const [k, a, b, x] = [e[i]!, e[i + 1]!, e[i + 2]!, e[i + 3]!];
    if (k === EV.batch) batches.push([a, b, x]);
    else if (k === EV.micro) micros.push(a);
    else if (k === EV.accept || k === EV.read) polls.push([a, b, 0]);
    else if (k === EV.measuredRead) measuredReads.push([a, b, x]);
    else if (k === EV.gc) gcs.push([a, b, 0]);
    else if (k === EV.handler) handler.set(x, [a, b]);
    else if (k === EV.written) written.set(x, [a, b]);
  }
  micros.sort((a, b) => a - b);
  let m = 0;
  for (const batch of batches) {
    while (m < micros.length && micros[m]! < batch[1]) m++;
    if (m < micros.length && micros[m]! - batch[1] < 5) batch[1] = micros[m]!;
  }
  for (const list of [batches, polls, measuredReads, gcs]) list.sort((a, b) => a[0] - b[0]);
  const cgc: Interval[] = [];
  for (let i = 0; i < clientGc.length; i += 2) cgc.push([clientGc[i]!, clientGc[i + 1]!, 0]);
  const overlap = (a0: number, a1: number, list: Interval[]): number => list.reduce((s, [b0, b1]) => s + Math.max(0, Math.min(a1, b1) - Math.max(a0, b0)), 0);
  const requests: Request[] = [];
  for (const [id, [t0, t1, clientRunQueue, clientCpu]] of sent as Map<number, [number, number, number, number]>) {
    const h = handler.get(id);
    if (h === undefined) continue;
    // The read that ran the handler (node:http, and basehttp for a connection under way) or the
    // last one before it.
    let read = h[0];
    for (let j = measuredReads.length - 1; j >= 0; j--) {
      if (measuredReads[j]![0] <= h[0]) {
        read = Math.max(measuredReads[j]![0], t0);
        break;
      }
    }
    const w = written.get(id) ?? [h[0], NaN];
    const previous = handler.get(id - 1);
    const r: Request = {
      latency: t1 - t0,
      sendToRead: read - t0,
      readToHandler: h[0] - read,
      handlerWrite: w[0] - h[0],
      writtenToRecv: t1 - w[0],
      gc: 0,
      batch: 0,
      poll: 0,
      other: 0,
      batches: batches.filter((b) => b[1] > t0 && b[0] < read).length,
      pollCallbacks: 0,
      clientRunQueue,
      serverRunQueue: previous === undefined ? NaN : h[1] - previous[1],
      sameCpu: clientCpu === w[1] ? 1 : 0,
      serverBusyAfterWrite: 0,
      clientGc: overlap(t0, t1, cgc),
    };
    const step = 0.005;
    for (let t = t0; t < read; t += step) {
      if (covering(gcs, t)) r.gc += step;
      else if (covering(batches, t)) r.batch += step;
      else if (covering(polls, t)) r.poll += step;
      else r.other += step;
    }
    for (let t = w[0]; t < t1; t += step) if (covering(gcs, t) || covering(batches, t) || covering(polls, t)) r.serverBusyAfterWrite += step;
    for (const p of polls) if (p[1] > t0 && p[0] < read) r.pollCallbacks++;
    requests.push(r);
  }
  requests.sort((a, b) => a.latency - b.latency);
  const p99 = quantile(requests.map((r) => r.latency), 0.99);
  const s: Summary = summaries.get(kind) ?? { slow: [], middle: [], p99: [], batchMs: [], batchJobs: [], waiting: [], gcMs: [] };
  s.slow.push(...requests.filter((r) => r.latency >= p99));
  s.middle.push(...requests.slice(Math.floor(requests.length * 0.45), Math.floor(requests.length * 0.55)));
  s.p99.push(p99);
  for (const b of batches) {
    s.batchMs.push(b[1] - b[0]);
    s.waiting.push(Math.floor(b[2] / 1e5));
    s.batchJobs.push(b[2] % 1e5);
  }
  for (const g of gcs) s.gcMs.push(g[1] - g[0]);
  summaries.set(kind, s);
  console.log(
    `  ${kind}: ${requests.length} requests, ${failures} failures, p50 ${f(quantile(requests.map((r) => r.latency), 0.5), 3)} ms, p99 ${f(p99)} ms; ` +
      `${Math.round(connectionsPerS)} flood connections/s; ${gcs.length} GCs, ${batches.length} batches, ${polls.length} poll callbacks; loop delay p99 ${f(delayP99)} ms`,
  );
}

interface Running {
  kind: string;
  child: ChildProcess;
  port: number;
}

async function round(s: Running, seconds: number, counted: boolean): Promise<void> {
  renice(s.child, -10);
  const flooder = fork(FLOODER, ["flood", String(s.port), "200", String(seconds + 1), "20000"], { execArgv: EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  renice(flooder, FLOODER_NICE);
  const flooded = message<{ connections: number }>(flooder, "flood-done");
  await new Promise((r) => setTimeout(r, 500));
  s.child.send({ cmd: "start" });
  await message(s.child, "started");
  const clientFile = `/tmp/flood-trace-client-${s.port}.bin`;
  const serverFile = `/tmp/flood-trace-server-${s.port}.bin`;
  const measured = fork(CHILD, ["client", String(s.port), String(seconds), clientFile], { execArgv: EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  renice(measured, -10);
  const m = await message<{ failures: number }>(measured, "measured");
  s.child.send({ cmd: "stop", file: serverFile });
  const stopped = await message<{ delayP99: number }>(s.child, "stopped");
  const flood = await flooded;
  await Promise.all([exited(flooder), exited(measured)]);
  renice(s.child, 0);
  if (counted) analyse(s.kind, floats(clientFile), floats(`${clientFile}.gc`), floats(serverFile), m.failures, flood.connections / (seconds + 1), stopped.delayP99);
}

const running: Running[] = [];
for (const kind of SERVERS) {
  const child = fork(CHILD, ["server", kind], { execArgv: EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const { port } = await message<{ port: number }>(child, "ready");
  running.push({ kind, child, port });
}
console.log(`flood-trace: ${SERVERS.join(", ")}; ${ROUNDS} round(s) x ${DURATION} s; flooders at niceness ${FLOODER_NICE}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
for (const s of running) await round(s, 1, false);
for (let r = 0; r < ROUNDS; r++) {
  console.log(`round ${r + 1}`);
  for (let i = 0; i < running.length; i++) await round(running[(i + r) % running.length]!, DURATION, true);
}
for (const s of running) s.child.kill("SIGKILL");

for (const [kind, s] of summaries) {
  console.log(`\n${kind}: p99 per round ${s.p99.map((x) => f(x)).join(" ")} ms`);
  if (s.batchMs.length > 0) {
    console.log(
      `  newcomers batches (with their microtasks): p50 ${f(quantile(s.batchMs, 0.5), 3)}, p90 ${f(quantile(s.batchMs, 0.9), 3)}, p99 ${f(quantile(s.batchMs, 0.99), 3)} ms; ` +
        `jobs p50 ${quantile(s.batchJobs, 0.5)}; jobs waiting at a batch's start p50 ${quantile(s.waiting, 0.5)}, p99 ${quantile(s.waiting, 0.99)}`,
    );
  }
  console.log(`  GC: ${s.gcMs.length}, p50 ${f(quantile(s.gcMs, 0.5))} ms, p90 ${f(quantile(s.gcMs, 0.9))} ms`);
  for (const [label, list] of [["slowest 1 %", s.slow], ["p45-p55", s.middle]] as const) {
    const avg = (pick: (r: Request) => number): string => f(mean(list.map(pick).filter(Number.isFinite)), 3);
    console.log(`  ${label} (${list.length}), mean ms: ${avg((r) => r.latency)} = send->read ${avg((r) => r.sendToRead)} + read->handler ${avg((r) => r.readToHandler)} + handler+write ${avg((r) => r.handlerWrite)} + written->recv ${avg((r) => r.writtenToRecv)}`);
    console.log(`    send->read in: GC ${avg((r) => r.gc)}, batches ${avg((r) => r.batch)} (${avg((r) => r.batches)} of them), poll callbacks ${avg((r) => r.poll)} (${avg((r) => r.pollCallbacks)}), other ${avg((r) => r.other)}`);
    console.log(
      `    run-queue wait: client ${avg((r) => r.clientRunQueue)}, server main thread since the previous request's handler ${avg((r) => r.serverRunQueue)}; ` +
        `server busy while the answer was on its way ${avg((r) => r.serverBusyAfterWrite)}; received on the server's CPU ${avg((r) => r.sameCpu)}; client GC ${avg((r) => r.clientGc)}`,
    );
    console.log(`    written->recv p10 ${f(quantile(list.map((r) => r.writtenToRecv), 0.1))} p50 ${f(quantile(list.map((r) => r.writtenToRecv), 0.5))} p90 ${f(quantile(list.map((r) => r.writtenToRecv), 0.9))}`);
  }
}
process.exit(0);
