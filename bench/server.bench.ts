// The server benchmark: basehttp (parser wasm and js) against node:http, each in its own child
// process (bench/server-child.ts) with the same hello-world handler, loaded by wrk on 127.0.0.1:
// keep-alive with 50 connections, then HTTP/1.1 pipelining 16 deep (bench/wrk/pipeline-16.lua).
// Servers alternate round by round; req/s medians and ratios go to bench/results/server.json.
// Options: --rounds N, --duration S, --connections N, --servers a,b,c.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { roundSpread, showSpread, sig, spread, table } from "./stats.js";

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
}
const ROUNDS = Number(option("--rounds", "3"));
const DURATION = Number(option("--duration", "5"));
const CONNECTIONS = Number(option("--connections", "50"));
const hasBasehttp = existsSync(fileURLToPath(new URL("../src/http/server.ts", import.meta.url)));
const SERVERS = option("--servers", hasBasehttp ? "node,basehttp-wasm,basehttp-js" : "node").split(",");
const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));
const PIPELINE_LUA = fileURLToPath(new URL("./wrk/pipeline-16.lua", import.meta.url));

interface Scenario {
  name: string;
  /** Requests per write on each connection. */
  depth: number;
  script?: string;
}
const SCENARIOS: Scenario[] = [
  { name: `keep-alive, ${CONNECTIONS} connections`, depth: 1 },
  { name: `pipelined x16, ${CONNECTIONS} connections`, depth: 16, script: PIPELINE_LUA },
];

interface Running {
  kind: string;
  /** The request parser the child reports it runs (llhttp, wasm-simd, js ...). */
  parser: string;
  child: ChildProcess;
  port: number;
}

function start(kind: string): Promise<Running> {
  const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", CHILD, kind], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind}: not listening after 30 s`)), 30_000);
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+) PARSER (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ kind, parser: m[2]!, child, port: Number(m[1]) });
      }
    });
    child.on("exit", (code) => reject(new Error(`${kind}: exited with ${code} before listening`)));
  });
}

/**
 * Before any timing: 16 pipelined requests on one connection must come back as 16 answers
 * `200` with the hello-world body, and the connection must stay open (keep-alive).
 */
function verify(s: Running): Promise<void> {
  const req = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(16);
  return new Promise((resolve, reject) => {
    const sock = net.connect(s.port, "127.0.0.1");
    let got = "";
    const fail = (why: string): void => {
      sock.destroy();
      reject(new Error(`${s.kind}: ${why}\n${got.slice(0, 400)}`));
    };
    const timer = setTimeout(() => fail("no 16 answers within 5 s"), 5000);
    sock.on("connect", () => sock.write(req));
    sock.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      const answers = got.split("HTTP/1.1 200 ").length - 1;
      const bodies = got.split("\r\n\r\nHello, world!").length - 1;
      if (answers === 16 && bodies === 16) {
        clearTimeout(timer);
        if (!/content-type: text\/plain\r\n/i.test(got) || !/content-length: 13\r\n/i.test(got)) fail("headers differ");
        sock.end();
        resolve();
      }
    });
    sock.on("close", () => fail("connection closed early"));
    sock.on("error", (e) => fail(e.message));
  });
}

interface WrkRun {
  rps: number;
  /** Share of one core the server process used during the run (1 = a full core). */
  serverCpu: number;
  /** The same for wrk: near 1, the load generator may be what limits req/s. */
  wrkCpu: number;
  latencyP50Ms: number;
  errors: number;
  non2xx: number;
}

function unitMs(value: string, unit: string): number {
  const v = Number(value);
  return unit === "us" ? v / 1000 : unit === "s" ? v * 1000 : v;
}

/**
 * CPU seconds (user + system) from /proc (Linux): of process `pid`, or with `children`, of its
 * children already waited for (so, for this process, of every finished wrk run).
 */
function cpuSeconds(pid: number | "self" | undefined, children = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const at = children ? 13 : 11;
    return (Number(fields[at]) + Number(fields[at + 1])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
/** USER_HZ: /proc reports CPU time in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

function wrk(server: Running, sc: Scenario, seconds: number): WrkRun {
  const port = server.port;
  const cpuBefore = cpuSeconds(server.child.pid);
  const wrkBefore = cpuSeconds("self", true);
  const started = performance.now();
  const args = ["-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", ...(sc.script ? ["-s", sc.script] : []), `http://127.0.0.1:${port}/`];
  const out = execFileSync("wrk", args, { encoding: "utf8", timeout: (seconds + 30) * 1000 });
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = (cpuSeconds(server.child.pid) - cpuBefore) / elapsed;
  const wrkCpu = (cpuSeconds("self", true) - wrkBefore) / elapsed;
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`wrk output not understood:\n${out}`);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    rps: Number(rps[1]),
    serverCpu,
    wrkCpu,
    latencyP50Ms: p50 ? unitMs(p50[1]!, p50[2]!) : NaN,
    errors: sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

async function main(): Promise<void> {
  try {
    execFileSync("wrk", ["-v"], { stdio: "ignore" });
  } catch (e) {
    // wrk -v exits 1 after printing its version; only a missing binary is fatal.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new Error("wrk not found: apt-get install -y wrk");
  }
  console.log(`server benchmark: ${SERVERS.join(", ")}; ${ROUNDS} rounds x ${DURATION} s, wrk -t1 -c${CONNECTIONS}`);
  const servers: Running[] = [];
  try {
    for (const kind of SERVERS) servers.push(await start(kind));
    for (const s of servers) await verify(s);
    const runs = new Map<string, WrkRun[]>();
    for (const sc of SCENARIOS) for (const s of servers) wrk(s, sc, 1); // JIT warm-up, not recorded
    for (let r = 0; r < ROUNDS; r++) {
      for (const sc of SCENARIOS) {
        for (let i = 0; i < servers.length; i++) {
          const s = servers[(i + r) % servers.length]!;
          const run = wrk(s, sc, DURATION);
          const key = `${sc.name}|${s.kind}`;
          runs.set(key, [...(runs.get(key) ?? []), run]);
          console.log(`  round ${r + 1} ${sc.name} ${s.kind}: ${Math.round(run.rps)} req/s, server CPU ${Math.round(run.serverCpu * 100)}%, wrk CPU ${Math.round(run.wrkCpu * 100)}%${run.errors + run.non2xx ? ` (${run.errors} socket errors, ${run.non2xx} non-2xx)` : ""}`);
        }
      }
    }
    report(runs, servers);
  } finally {
    for (const s of servers) s.child.kill("SIGTERM");
  }
}

function report(runs: Map<string, WrkRun[]>, servers: readonly Running[]): void {
  const scenarios = SCENARIOS.map((sc) => {
    const rows = servers.map(({ kind, parser }) => {
      const list = runs.get(`${sc.name}|${kind}`)!;
      return {
        server: kind,
        parser,
        reqPerSec: roundSpread(spread(list.map((x) => x.rps))),
        latencyP50Ms: roundSpread(spread(list.map((x) => x.latencyP50Ms))),
        serverCpu: roundSpread(spread(list.map((x) => x.serverCpu)), 2),
        wrkCpu: roundSpread(spread(list.map((x) => x.wrkCpu)), 2),
        /** Requests per CPU-second of the server: less sensitive to other load than req/s. */
        reqPerCpuSecond: roundSpread(spread(list.map((x) => x.rps / x.serverCpu))),
        errors: list.reduce((a, x) => a + x.errors + x.non2xx, 0),
      };
    });
    const node = rows.find((x) => x.server === "node")?.reqPerSec.median;
    const vsNode: Record<string, number> = {};
    const nodeCpu = rows.find((x) => x.server === "node")?.reqPerCpuSecond.median;
    const perCpuVsNode: Record<string, number> = {};
    for (const x of rows) {
      if (x.server === "node") continue;
      if (node) vsNode[x.server] = sig(x.reqPerSec.median / node);
      if (nodeCpu) perCpuVsNode[x.server] = sig(x.reqPerCpuSecond.median / nodeCpu);
    }
    return { name: sc.name, depth: sc.depth, results: rows, ratioVsNode: vsNode, perCpuRatioVsNode: perCpuVsNode };
  });
  for (const s of scenarios) {
    console.log(`\n${s.name}: req/s and p50 latency, median (min–max) over ${ROUNDS} rounds`);
    console.log(table(
      ["server", "parser", "req/s", "server CPU", "wrk CPU", "req/CPU-s", "p50 ms", "errors"],
      s.results.map((x) => [x.server, x.parser, showSpread(x.reqPerSec), showSpread(x.serverCpu, 2), showSpread(x.wrkCpu, 2), showSpread(x.reqPerCpuSecond), showSpread(x.latencyP50Ms), String(x.errors)]),
    ));
    const show = (r: Record<string, number>): string => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ") || "-";
    console.log(`vs node:http (above 1: better): req/s ${show(s.ratioVsNode)}; req per server CPU-second ${show(s.perCpuRatioVsNode)}`);
  }
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    loadavg: os.loadavg().map((l) => sig(l, 2)),
    loadGenerator: `wrk -t1 -c${CONNECTIONS} -d${DURATION}s`,
    rounds: ROUNDS,
    note: "Each server in its own process, one at a time, alternating round by round. req/s: median with min and max across rounds (noise on a shared 2-core machine: wrk and the server share it).",
    scenarios,
  };
  writeFileSync(new URL("./results/server.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  console.log("\nwrote bench/results/server.json");
}

await main();
