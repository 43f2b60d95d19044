// `npm run stress`: what a connection costs, basehttp (parser wasm and js) against node:http and
// a raw node:net server in the same run, each server in its own process (stress-server.ts) and
// the load in others (wrk, stress-client.ts); loopback only, bounded in time. Prints a table and
// writes bench/results/stress.json with the issue-6 targets beside the figures.
// Options: --quick (about a minute), --rounds N, --duration S, --idle N, --servers a,b,c (a
// kind basehttp-wasm@DIR serves the basehttp of another checkout DIR: before/after in one run),
// --only wrk,idle,flood,upload,shutdown, --flood-rounds N, --flood-duration S, --flood-nice N
// (the server and the measured client), --flooder-nice N (the flooders), --flood-rate N, --uploads length,chunked, --cpu-prof DIR (profile each server process),
// --pin (wrk scenarios: the server on the last core, wrk on the one before, every server alike),
// --client-fifo (flood rounds: the measured client's timing thread at SCHED_FIFO, so that its own
// wait for a CPU after an answer is written stays out of the p99; root only; not the default).
// The wrk scenarios (connection per request, keep-alive, pipelined x16), their servers, warm-up,
// round order, CPU reading and paired ratios are bench/wrk-scenarios.ts and hello-servers.ts,
// shared with npm run bench:server: the same row in both is the same measurement.

import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { median, roundSpread, sig, spread, table } from "./stats.js";
import { defaultPinning, medianRun, pairedRatio, pinProcess, timeScenarios, unpinProcess, WRK_SCENARIOS, type Runs, type WrkRun } from "./wrk-scenarios.js";
import { harnessArgs } from "./args.js";

const argv = harnessArgs(import.meta.url, ["--quick", "--pin", "--client-fifo"], ["--rounds", "--duration", "--idle", "--flood-rounds",
  "--flood-duration", "--flood-rate", "--flood-nice", "--flooder-nice", "--cpu-prof", "--uploads", "--servers", "--only"]);
const QUICK = argv.includes("--quick");
function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
}
const ROUNDS = Number(option("--rounds", QUICK ? "1" : "5"));
const DURATION = Number(option("--duration", QUICK ? "2" : "4"));
const IDLE = Number(option("--idle", QUICK ? "2000" : "10000"));
const FLOODERS = 200;
/** Flood rounds and seconds per round: many short rounds, so that the median is steady. */
const FLOOD_ROUNDS = Number(option("--flood-rounds", QUICK ? "3" : "9"));
const FLOOD_DURATION = Number(option("--flood-duration", QUICK ? "1.5" : "2"));
/** Turns a second of the flooders' loop, one write each to the next open connection (0: as fast
 * as their process can): the same offered flood for every server, whatever CPU it gets. */
const FLOOD_RATE = Number(option("--flood-rate", "20000"));
/** Niceness of the server and the measured client during a flood round (same for all servers). */
const FLOOD_NICE = Number(option("--flood-nice", "-10"));
/** Niceness of the flooders' process. */
const FLOODER_NICE = Number(option("--flooder-nice", "0"));
/** The measured client's timing thread at SCHED_FIFO (chrt; needs root): its wake-up does not wait
 * for a CPU behind the server or the flooders, so the figure is the server's delay alone. */
const CLIENT_FIFO = argv.includes("--client-fifo");
/** Directory for a CPU profile of each server process (node --cpu-prof), written when it stops. */
const CPU_PROF = option("--cpu-prof", "");
const UPLOAD_CL = QUICK ? 128 << 20 : 1 << 30;
const UPLOAD_CHUNKED = QUICK ? 64 << 20 : 512 << 20;
/** Which uploads run (with --only upload or by default): length (Content-Length), chunked. */
const UPLOADS = option("--uploads", "length,chunked").split(",");
const SERVERS = option("--servers", "net,node,basehttp-wasm,basehttp-js").split(",");
/** Which parts run: wrk (connection per request, keep-alive, pipelined), idle, flood, upload, shutdown. */
const ONLY = new Set(option("--only", "wrk,idle,flood,upload,shutdown").split(","));
const HTTP_SERVERS = SERVERS.filter((k) => k !== "net");
const BASEHTTP = HTTP_SERVERS.filter((k) => k.startsWith("basehttp"));
const SERVER = fileURLToPath(new URL("./stress-server.ts", import.meta.url));
const CLIENT = fileURLToPath(new URL("./stress-client.ts", import.meta.url));
const PIN = argv.includes("--pin") ? defaultPinning() : null;
const EXEC_ARGV = ["--no-warnings", "--import", "tsx"];
const loadBefore = os.loadavg();
// When the run started: the result's date, and its durationSeconds is the wall time since (bench/README.md).
const STARTED = performance.now();
const START_DATE = new Date().toISOString();

interface Running {
  kind: string;
  parser: string;
  child: ChildProcess;
  port: number;
}

/** The next IPC message `cmd` from a child. */
function message<T extends object>(child: ChildProcess, cmd: string, timeoutMs = 120_000): Promise<T & { cmd: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${cmd} from child within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: T & { cmd: string }): void => {
      if (m.cmd !== cmd) return;
      clearTimeout(timer);
      child.off("message", on);
      resolve(m);
    };
    child.on("message", on);
  });
}

async function ask<T extends object>(s: Running, cmd: string): Promise<T> {
  const reply = message<T>(s.child, cmd);
  s.child.send({ cmd });
  return reply;
}

async function start(kind: string): Promise<Running> {
  // One directory per server (a profile for each of its threads, named by node).
  const prof = CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}/${kind}`] : [];
  const child = fork(SERVER, [kind], { execArgv: [...EXEC_ARGV, "--expose-gc", ...prof], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const m = await message<{ port: number; parser: string }>(child, "ready", 30_000);
  return { kind, parser: m.parser, child, port: m.port };
}

async function stop(s: Running): Promise<void> {
  const exited = new Promise((r) => s.child.once("exit", r));
  // A normal exit writes the profile; else killed at once.
  if (CPU_PROF) s.child.send({ cmd: "exit" });
  else s.child.kill("SIGKILL");
  await exited;
}

function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", r));
}

function client(args: (string | number)[]): ChildProcess {
  return fork(CLIENT, args.map(String), { execArgv: EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/** Each wrk scenario's runs per server, in round order (for ratios paired within a round). */
let ROUND_RUNS = new Map<string, Runs>();

/** Server RSS growth per connection with `count` idle keep-alive connections open. */
async function idleKb(s: Running, count: number): Promise<{ kbPerConnection: number; answered: number; closedByServer: number }> {
  const base = (await ask<{ rss: number }>(s, "rss")).rss;
  const c = client(["idle", s.port, count]);
  const opened = await message<{ answered: number; failed: number }>(c, "idle-open", 180_000);
  await new Promise((r) => setTimeout(r, 500));
  const loaded = (await ask<{ rss: number }>(s, "rss")).rss;
  const closed = message<{ closedByServer: number }>(c, "closed");
  c.send({ cmd: "close" });
  const { closedByServer } = await closed;
  await exited(c);
  await new Promise((r) => setTimeout(r, 500));
  return { kbPerConnection: (loaded - base) / count / 1024, answered: opened.answered, closedByServer };
}

interface FloodRound {
  p50: number;
  p99: number;
  p999: number;
  ok: number;
  failures: number;
  /** Flood writes, bytes and connections the flooders made, per second of the round. */
  writesPerS: number;
  mbPerS: number;
  connectionsPerS: number;
  /** Server CPU seconds per second of the round (1 = one core busy). */
  serverCpu: number;
  alive: boolean;
}

/** Run `child` at niceness `nice` (root may lower it; otherwise left as it is): every thread of
 * it, not only the main one (setpriority changes one thread on Linux): V8's GC helpers too, else
 * a parallel scavenge waits for helpers other processes hold. The main thread first: threads
 * made after it inherit its niceness. */
function renice(child: ChildProcess, nice: number): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    os.setPriority(pid, nice);
  } catch {
    // Not permitted: the round runs at the default priority, as for every server.
    return;
  }
  let threads: string[] = [];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    // No /proc (not Linux): the main thread only.
  }
  for (const tid of threads) {
    try {
      if (Number(tid) !== pid) os.setPriority(Number(tid), nice);
    } catch {
      // The thread ended meanwhile.
    }
  }
}

/**
 * One flood round against `s`: the flooders (their own process) start, and after 500 ms the
 * measured client (another process) makes one request at a time for `seconds`. The server, the
 * flooders (paced: FLOOD_RATE) and the measured client run at niceness FLOOD_NICE for the round,
 * whichever the server: the figure is then the delay the flood causes in the server, not the
 * other load on the machine.
 */
async function floodRun(s: Running, seconds: number): Promise<FloodRound> {
  renice(s.child, FLOOD_NICE);
  const c = client(["flood", s.port, FLOODERS, seconds + 1, FLOOD_RATE]);
  renice(c, FLOODER_NICE);
  const done = message<{ writes: number; bytes: number; connections: number }>(c, "flood-done", (seconds + 30) * 1000);
  await new Promise((r) => setTimeout(r, 500));
  const cpu0 = (await ask<{ cpu: number }>(s, "cpu")).cpu;
  const t0 = performance.now();
  const mc = client(["measure", s.port, seconds, CLIENT_FIFO ? "fifo" : "other"]);
  renice(mc, FLOOD_NICE);
  const m = await message<{ p50: number; p99: number; p999: number; ok: number; failures: number }>(mc, "measured", (seconds + 30) * 1000);
  const cpu1 = (await ask<{ cpu: number }>(s, "cpu")).cpu;
  const elapsed = (performance.now() - t0) / 1000;
  const f = await done;
  await Promise.all([exited(c), exited(mc)]);
  renice(s.child, 0);
  const floodSeconds = seconds + 1;
  return {
    p50: m.p50,
    p99: m.p99,
    p999: m.p999,
    ok: m.ok,
    failures: m.failures,
    writesPerS: f.writes / floodSeconds,
    mbPerS: f.bytes / floodSeconds / 2 ** 20,
    connectionsPerS: f.connections / floodSeconds,
    serverCpu: (cpu1 - cpu0) / elapsed,
    alive: s.child.exitCode === null,
  };
}

/**
 * The garbage flood, FLOOD_ROUNDS rounds of FLOOD_DURATION seconds: in each round every HTTP
 * server in turn (the order rotated round by round), after one warm-up round. The p99 of one
 * round swings with the machine's other load; a ratio is taken between servers measured in the
 * same round (seconds apart), and the median over rounds is reported, with its spread.
 */
async function floodScenario(http: Running[]): Promise<Map<string, FloodRound[]>> {
  const rounds = new Map<string, FloodRound[]>();
  if (!QUICK) for (const s of http) await floodRun(s, 1);
  for (let r = 0; r < FLOOD_ROUNDS; r++) {
    for (let i = 0; i < http.length; i++) {
      const s = http[(i + r) % http.length]!;
      const f = await floodRun(s, FLOOD_DURATION);
      console.log(
        `  flood round ${r + 1} ${s.kind}: p50 ${sig(f.p50)} ms, p99 ${sig(f.p99)} ms, p99.9 ${sig(f.p999)} ms, ${f.ok} ok, ${f.failures} failures; ` +
          `flood ${Math.round(f.writesPerS)} writes/s, ${sig(f.mbPerS)} MB/s, ${Math.round(f.connectionsPerS)} connections/s; server CPU ${sig(f.serverCpu)}; alive ${f.alive}`,
      );
      rounds.set(s.kind, [...(rounds.get(s.kind) ?? []), f]);
    }
  }
  return rounds;
}

async function shutdownRun(kind: string): Promise<{ answered: number; lost: number; truncated: number; announced: number; shutdownMs: number }> {
  const s = await start(kind);
  const c = client(["load", s.port, 50]);
  await message(c, "load-started");
  await new Promise((r) => setTimeout(r, QUICK ? 1000 : 2000));
  const { ms } = await ask<{ ms: number }>(s, "shutdown");
  const done = message<{ answered: number; lost: number; truncated: number; announced: number }>(c, "load-done");
  c.send({ cmd: "stop" });
  const r = await done;
  await stop(s);
  return { answered: r.answered, lost: r.lost, truncated: r.truncated, announced: r.announced, shutdownMs: ms };
}

async function uploadRun(s: Running, size: number, chunked: boolean): Promise<{ seconds: number; cpu: number; rssGrowthMb: number; ok: boolean }> {
  const base = (await ask<{ rss: number }>(s, "peak-start")).rss;
  const cpu0 = (await ask<{ cpu: number }>(s, "cpu")).cpu;
  const c = client(["upload", s.port, size, chunked ? "chunked" : "length"]);
  const r = await message<{ seconds: number; counted: number }>(c, "upload-done", 300_000);
  const cpu = (await ask<{ cpu: number }>(s, "cpu")).cpu - cpu0;
  const { peak } = await ask<{ peak: number }>(s, "peak-stop");
  // exited(), not a listener added now: the client exits 50 ms after its answer, which a loaded
  // machine can take to answer peak-stop (the run then waited forever).
  await exited(c);
  return { seconds: r.seconds, cpu, rssGrowthMb: (peak - base) / 2 ** 20, ok: r.counted === size };
}

/** The largest .ts file under src/ (lines), and whether src/http has an import cycle. */
function sourceChecks(): { longest: [string, number]; httpCycle: string | null } {
  const root = fileURLToPath(new URL("../src/", import.meta.url));
  let longest: [string, number] = ["", 0];
  const walk = (dir: string): void => {
    for (const e of readdirSync(root + dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}${e.name}/`);
      else if (e.name.endsWith(".ts")) {
        const n = readFileSync(root + dir + e.name, "utf8").split("\n").length - 1;
        if (n > longest[1]) longest = [dir + e.name, n];
      }
    }
  };
  walk("");
  const http = root + "http/";
  const files = readdirSync(http).filter((f) => f.endsWith(".ts"));
  const deps = new Map(files.map((f) => [f, [...readFileSync(http + f, "utf8").matchAll(/^import (?!type)[^;]*? from "\.\/([\w-]+)\.js"/gm)].map((m) => `${m[1]}.ts`)]));
  let cycle: string | null = null;
  const state = new Map<string, number>();
  const visit = (f: string, path: string[]): void => {
    if (cycle) return;
    if (state.get(f) === 1) return void (cycle = [...path, f].join(" -> "));
    if (state.get(f) === 2) return;
    state.set(f, 1);
    for (const d of deps.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, 2);
  };
  for (const f of files) visit(f, []);
  return { longest, httpCycle: cycle };
}

async function main(): Promise<void> {
  console.log(`stress: ${SERVERS.join(", ")}; ${ROUNDS} round(s) x ${DURATION} s; ${IDLE} idle connections; load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`);
  const servers: Running[] = [];
  for (const kind of SERVERS) servers.push(await start(kind));
  const http = servers.filter((s) => s.kind !== "net");
  const rows: Record<string, unknown>[] = [];
  const fig: Record<string, Record<string, number>> = {};
  const put = (scenario: string, kind: string, value: number): void => void ((fig[scenario] ??= {})[kind] = value);
  try {
    if (ONLY.has("wrk")) {
      const target = (s: Running): { kind: string; pid: number; port: number } => ({ kind: s.kind, pid: s.child.pid!, port: s.port });
      if (PIN) for (const s of servers) pinProcess(s.child.pid!, PIN.serverCpu);
      const timing = { rounds: ROUNDS, seconds: DURATION, warmup: true, pin: PIN, log: (sc: { name: string }, r: number, kind: string, run: WrkRun): void =>
        console.log(`  ${sc.name} round ${r + 1} ${kind}: ${Math.round(run.rps)} req/s, ${sig(run.cpuUsPerRequest)} µs CPU/req${run.errors ? `, ${run.errors} errors` : ""}`) };
      // Connection per request with the raw node:net ceiling; the others without it (as before).
      ROUND_RUNS = new Map([
        ...timeScenarios(servers.map(target), [WRK_SCENARIOS.close!], timing),
        ...timeScenarios(http.map(target), [WRK_SCENARIOS["keep-alive"]!, WRK_SCENARIOS.pipelined!], timing),
      ]);
      if (PIN) for (const s of servers) unpinProcess(s.child.pid!);
      for (const [name, m] of ROUND_RUNS) {
        for (const [kind, list] of m) {
          const r = medianRun(list);
          put(`${name} req/s`, kind, r.rps);
          put(`${name} CPU µs/req`, kind, r.cpuUsPerRequest);
          rows.push({ case: name, server: kind, reqPerSec: sig(r.rps), cpuUsPerRequest: sig(r.cpuUsPerRequest), errors: r.errors });
        }
      }
    }
    for (const kind of ONLY.has("idle") ? SERVERS : []) {
      const kbs: number[] = [];
      for (let r = 0; r < Math.max(1, ROUNDS - 1); r++) {
        // A fresh process each time: a heap already grown by an earlier round would hide the cost.
        const s = await start(kind);
        await idleKb(s, 100);
        const m = await idleKb(s, IDLE);
        await stop(s);
        kbs.push(m.kbPerConnection);
        console.log(`  idle ${kind}: ${sig(m.kbPerConnection)} KB/connection (${m.answered}/${IDLE} answered, ${m.closedByServer} closed by the server)`);
      }
      put("idle KB/connection", kind, median(kbs));
      rows.push({ case: `idle, ${IDLE} connections`, server: kind, rssKbPerConn: sig(median(kbs)) });
    }
    const floods = ONLY.has("flood") ? await floodScenario(http) : new Map<string, FloodRound[]>();
    const nodeRounds = floods.get("node");
    for (const [kind, list] of floods) {
      const p99s = list.map((x) => x.p99);
      // Paired with node:http's p99 of the same round.
      const ratios = nodeRounds ? list.map((x, i) => x.p99 / nodeRounds[i]!.p99) : [];
      const failures = list.reduce((a, x) => a + x.failures, 0);
      put("flood p99 ms", kind, median(p99s));
      put("flood p99 vs node (median of rounds)", kind, median(ratios));
      put("flood failures", kind, failures);
      put("flood server CPU (cores)", kind, median(list.map((x) => x.serverCpu)));
      put("flood writes/s", kind, median(list.map((x) => x.writesPerS)));
      put("flood connections/s", kind, median(list.map((x) => x.connectionsPerS)));
      rows.push({
        case: `garbage flood, ${FLOODERS} connections`,
        server: kind,
        p99Ms: sig(median(p99s)),
        p99MsSpread: roundSpread(spread(p99s)),
        p99VsNode: ratios.length ? roundSpread(spread(ratios)) : undefined,
        p50Ms: sig(median(list.map((x) => x.p50))),
        failures,
        died: list.filter((x) => !x.alive).length,
        serverCpuCores: sig(median(list.map((x) => x.serverCpu))),
        floodWritesPerS: sig(median(list.map((x) => x.writesPerS))),
        floodMBPerS: sig(median(list.map((x) => x.mbPerS))),
        floodConnectionsPerS: sig(median(list.map((x) => x.connectionsPerS))),
        rounds: list.length,
      });
    }
    const uploads = [["upload Content-Length", UPLOAD_CL, false], ["upload chunked", UPLOAD_CHUNKED, true]] as const;
    for (const [label, size, chunked] of ONLY.has("upload") ? uploads.filter((u) => UPLOADS.includes(u[2] ? "chunked" : "length")) : []) {
      const runs = new Map<string, { seconds: number; cpu: number; rssGrowthMb: number; ok: boolean }[]>();
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < http.length; i++) {
          const s = http[(i + r) % http.length]!;
          const u = await uploadRun(s, size, chunked);
          console.log(`  ${label} round ${r + 1} ${s.kind}: ${sig(u.seconds)} s, server CPU ${sig(u.cpu)} s, RSS +${sig(u.rssGrowthMb)} MB${u.ok ? "" : " (byte count wrong)"}`);
          runs.set(s.kind, [...(runs.get(s.kind) ?? []), u]);
        }
      }
      for (const [kind, list] of runs) {
        put(`${label} s`, kind, median(list.map((x) => x.seconds)));
        put(`${label} server CPU s`, kind, median(list.map((x) => x.cpu)));
        put(`${label} RSS MB`, kind, Math.max(...list.map((x) => x.rssGrowthMb)));
        rows.push({ case: `${label}, ${size >> 20} MiB`, server: kind, seconds: sig(median(list.map((x) => x.seconds))), serverCpuS: sig(median(list.map((x) => x.cpu))), rssGrowthMb: sig(Math.max(...list.map((x) => x.rssGrowthMb))), correct: list.every((x) => x.ok) });
      }
    }
  } finally {
    for (const s of servers) await stop(s);
  }
  for (const kind of ONLY.has("shutdown") ? HTTP_SERVERS : []) {
    const r = await shutdownRun(kind);
    console.log(`  shutdown ${kind}: ${r.answered} answered, ${r.lost} lost, ${r.truncated} truncated, ${r.announced} closes announced, shutdown took ${sig(r.shutdownMs)} ms`);
    put("shutdown lost+truncated", kind, r.lost + r.truncated);
    rows.push({ case: "graceful shutdown under load, 50 connections", server: kind, answered: r.answered, lost: r.lost, truncated: r.truncated, announcedCloses: r.announced, shutdownMs: sig(r.shutdownMs) });
  }
  report(rows, fig);
}

function report(rows: Record<string, unknown>[], fig: Record<string, Record<string, number>>): void {
  const targets: { issue: number; name: string; value: number; target: string; met: boolean; note?: string }[] = [];
  const ratio = (scenario: string, a: string, b: string): number => sig(fig[scenario]?.[a]! / fig[scenario]?.[b]!);
  // A wrk target between two servers: the median of the ratios taken inside each round (the two
  // ran one after the other there), not a ratio of medians from different rounds, as the shared
  // host drifts between rounds. Its per-round min and max go to the target's note.
  let spreadNote: string | undefined;
  const paired = (scenario: string, field: "rps" | "cpu", a: string, b: string): number => {
    const p = pairedRatio(ROUND_RUNS.get(scenario), a, b, field);
    if (p === null) return NaN;
    spreadNote = `median of ${Math.min(ROUND_RUNS.get(scenario)!.get(a)!.length, ROUND_RUNS.get(scenario)!.get(b)!.length)} per-round ratios, ${p.min}-${p.max}`;
    return p.median;
  };
  // `value` is evaluated first, so a paired() in it leaves its note for this target.
  const add = (name: string, value: number, target: string, met: (v: number) => boolean): void => {
    targets.push({ issue: 6, name, value, target, met: Number.isFinite(value) && met(value), ...(spreadNote ? { note: spreadNote } : {}) });
    spreadNote = undefined;
  };
  const main = BASEHTTP.includes("basehttp-wasm") ? "basehttp-wasm" : BASEHTTP[0]!;
  add("connection per request, req/s vs node:http", paired("connection per request", "rps", main, "node"), ">= 1.0x node:http", (v) => v >= 1);
  add("connection per request, req/s vs raw node:net", paired("connection per request", "rps", main, "net"), ">= 0.95x raw node:net", (v) => v >= 0.95);
  add("idle keep-alive connection, KB RSS each", sig(fig["idle KB/connection"]?.[main]!), "<= 5 KB", (v) => v <= 5);
  add("idle keep-alive connection, RSS vs node:http", ratio("idle KB/connection", main, "node"), "<= 0.6x node:http", (v) => v <= 0.6);
  add("garbage flood, measured client p99 vs node:http (median of per-round ratios)", sig(fig["flood p99 vs node (median of rounds)"]?.[main]!), "<= 0.5x node:http", (v) => v <= 0.5);
  add("garbage flood, measured client failures", fig["flood failures"]?.[main]!, "0", (v) => v === 0);
  add("keep-alive, req/s vs node:http", paired("keep-alive", "rps", main, "node"), ">= 1.5x node:http", (v) => v >= 1.5);
  add("keep-alive, server CPU per request vs node:http", paired("keep-alive", "cpu", main, "node"), "<= 0.6x node:http (read as: at most 0.6x the CPU time per request)", (v) => v <= 0.6);
  add("pipelined x16, req/s vs node:http", paired("pipelined x16", "rps", main, "node"), ">= 5x node:http", (v) => v >= 5);
  if (BASEHTTP.includes("basehttp-js")) {
    for (const [sc, key] of [["connection per request req/s", "connection per request"], ["keep-alive req/s", "keep-alive"], ["pipelined x16 req/s", "pipelined x16"]] as const) {
      add(`wasm vs js, ${sc}`, paired(key, "rps", "basehttp-wasm", "basehttp-js"), ">= 1.0x js", (v) => v >= 1);
    }
    add("wasm vs js, upload Content-Length time", ratio("upload Content-Length s", "basehttp-wasm", "basehttp-js"), "<= 1.0x js (time)", (v) => v <= 1);
  }
  add("upload 1 GiB Content-Length, time vs node:http", ratio("upload Content-Length s", main, "node"), "<= 1.0x node:http", (v) => v <= 1);
  add("upload 512 MiB chunked, time vs node:http", ratio("upload chunked s", main, "node"), "<= 1.0x node:http", (v) => v <= 1);
  add("upload Content-Length, RSS growth MB", sig(fig["upload Content-Length RSS MB"]?.[main]!), "<= 64 MB", (v) => v <= 64);
  add("upload chunked, RSS growth MB", sig(fig["upload chunked RSS MB"]?.[main]!), "<= 64 MB", (v) => v <= 64);
  add("graceful shutdown, lost or truncated responses", fig["shutdown lost+truncated"]?.[main]!, "0", (v) => v === 0);
  const checks = sourceChecks();
  add(`longest file in src/ (${checks.longest[0]}), lines`, checks.longest[1], "<= 400", (v) => v <= 400);
  add(`src/http import cycles${checks.httpCycle ? ` (${checks.httpCycle})` : ""}`, checks.httpCycle ? 1 : 0, "0", (v) => v === 0);

  const kinds = SERVERS;
  const scenarios = Object.keys(fig);
  console.log(`\n${table(["scenario", ...kinds], scenarios.map((sc) => [sc, ...kinds.map((k) => (fig[sc]?.[k] === undefined ? "-" : String(sig(fig[sc]![k]!))))]))}`);
  console.log(`\n${table(["target (issue 6)", "value", "target", "met"], targets.map((t) => (Number.isFinite(t.value) ? [t.name, String(t.value), t.target, t.met ? "yes" : "NO"] : [t.name, "-", t.target, "not measured"])))}`);
  const loadAfter = os.loadavg();
  console.log(`\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
  const result = {
    scenario: "stress",
    date: START_DATE,
    machine: { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, node: process.version, loadavgBefore: loadBefore.map((l) => sig(l, 3)), loadavgAfter: loadAfter.map((l) => sig(l, 3)) },
    quick: QUICK,
    durationSeconds: Math.round((performance.now() - STARTED) / 100) / 10,
    loadSeconds: DURATION,
    options: { rounds: ROUNDS, duration: DURATION, idleConnections: IDLE, flooders: FLOODERS, floodRounds: FLOOD_ROUNDS, floodDuration: FLOOD_DURATION, floodNice: FLOOD_NICE, floodRate: FLOOD_RATE, uploadContentLength: UPLOAD_CL, uploadChunked: UPLOAD_CHUNKED },
    note: "Each server in its own process; load from wrk -t1 -c50 or stress-client.ts in another process. Medians over rounds; ratios within this run; a wrk target between two servers is the median of the ratios taken inside each round. Upload RSS: peak growth sampled every 10 ms.",
    chart: { metric: "reqPerSec", label: "req/s", better: "higher" },
    rows,
    targets,
  };
  writeFileSync(new URL("./results/stress.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  console.log("wrote bench/results/stress.json");
}

await main();
