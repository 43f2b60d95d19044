// `npm run bench:static`: serving files, basehttp's command against the tools people would
// otherwise reach for, in one run on the same directory over loopback, every server logging to
// a file: basehttp (CLI default, HTTP/1.0) and `basehttp -p HTTP/1.1`, the `http-server` npm
// package, `python3 -m http.server`, and for the 1 KB case a raw node:net server answering one
// request per connection with the bytes in memory (the limit issue 8 measures the default
// against). The load client is bench/loadgen.c (compiled at start, see loadgen.ts; `--client wrk`
// for wrk -t1 as before), the same for every server: 50 connections for 1 KB, 10 for 64 KB and
// 1 MiB; then 10 clients (curl) downloading a 1 GiB file at once while the server's RSS is sampled. Writes bench/results/static.json (NOTES.md's
// convention) and prints a table. Options: --quick, --rounds N, --duration S; for a before/after
// in one run, --baseline DIST (an earlier build's dist/ directory: its command runs as two more
// servers, "... (baseline)"; the results then go to --out FILE, default a file in the system's
// temporary directory, never to bench/results), --files 1k.bin,1m.bin and --no-big to time less,
// --warmup S (default 6) the untimed load before a fresh server's first file.

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, createWriteStream, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";
import { compileLoadgen, runLoadgen } from "./loadgen.js";
import { roundSpread, sig, spread, table, type Spread } from "./stats.js";
import { harnessArgs } from "./args.js";

const argv = harnessArgs(import.meta.url, ["--quick", "--no-big"],
  ["--rounds", "--baseline", "--files", "--duration", "--warmup", "--client", "--out"]);
const QUICK = argv.includes("--quick");
function option(name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}
function text(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
const ROUNDS = option("--rounds", QUICK ? 1 : 3);
const BASELINE = text("--baseline");
const ONLY_FILES = text("--files")?.split(",");
const NO_BIG = argv.includes("--no-big");
const DURATION = option("--duration", QUICK ? 2 : 5);
/** Seconds of load, not recorded, before a freshly started server's first file is timed (1 s before the others). */
const WARMUP = option("--warmup", 6);
/** "loadgen" (bench/loadgen.c, 1 MiB reads) or "wrk" (wrk -t1, 8 KiB reads: client-bound at 1 MB). */
let CLIENT = text("--client") ?? "loadgen";
if (CLIENT !== "loadgen" && CLIENT !== "wrk") throw new Error(`--client ${CLIENT}: loadgen or wrk`);
/** The compiled bench/loadgen.c, when the client is loadgen. */
let loadgenBinary: string | undefined;
/** Why loadgen.c could not be used (no C compiler): the run falls back to wrk and says so. */
let clientFallback: string | undefined;
if (CLIENT === "loadgen") {
  try {
    loadgenBinary = compileLoadgen();
  } catch (error) {
    clientFallback = (error as Error).message;
    CLIENT = "wrk";
    console.log(`bench/loadgen.c not built, wrk -t1 instead (its 8 KiB reads are the limit at 1 MB): ${clientFallback}`);
  }
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const HTTP_SERVER = join(ROOT, "node_modules/http-server/bin/http-server");
const RAW = fileURLToPath(new URL("./static-raw-server.mjs", import.meta.url));
const RESULTS = BASELINE === undefined && ONLY_FILES === undefined && !NO_BIG
  ? fileURLToPath(new URL("./results/static.json", import.meta.url))
  : (text("--out") ?? join(tmpdir(), "basehttp-static-compare.json"));

/** The real interpreter, not a version manager's shim: the process measured must be the server's. */
const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();

const ALL_FILES = [
  { name: "1k.bin", size: 1024, label: "1 KB", connections: 50 },
  { name: "64k.bin", size: 64 * 1024, label: "64 KB", connections: 10 },
  { name: "1m.bin", size: 1024 * 1024, label: "1 MB", connections: 10 },
] as const;
const FILES = ALL_FILES.filter((f) => ONLY_FILES === undefined || ONLY_FILES.includes(f.name));
const BIG = { name: "1g.bin", size: 1024 ** 3, clients: 10 };

interface ServerKind {
  name: string;
  /** Command and arguments serving `dir` on `port`; the log goes to the file given. */
  argv(dir: string, port: number): string[];
  /** Where its request log goes: "stdout" (http-server) or "stderr". */
  logTo: "stdout" | "stderr";
  only?: readonly string[];
}

const SERVERS: ServerKind[] = [
  { name: "basehttp", argv: (d, p) => [process.execPath, CLI, String(p), "-b", "127.0.0.1", "-d", d], logTo: "stderr" },
  { name: "basehttp -p HTTP/1.1", argv: (d, p) => [process.execPath, CLI, String(p), "-b", "127.0.0.1", "-d", d, "-p", "HTTP/1.1"], logTo: "stderr" },
  { name: "http-server", argv: (d, p) => [process.execPath, HTTP_SERVER, d, "-p", String(p), "-a", "127.0.0.1"], logTo: "stdout" },
  { name: "python3 -m http.server", argv: (d, p) => [PYTHON, "-m", "http.server", String(p), "-b", "127.0.0.1", "-d", d], logTo: "stderr" },
  { name: "node:net, 1 request per connection", argv: (d, p) => [process.execPath, RAW, String(p), ...ALL_FILES.map((f) => join(d, f.name))], logTo: "stderr" },
];
if (BASELINE !== undefined) {
  const old = join(BASELINE, "cli/main.js");
  SERVERS.splice(2, 0,
    { name: "basehttp (baseline)", argv: (d, p) => [process.execPath, old, String(p), "-b", "127.0.0.1", "-d", d], logTo: "stderr" },
    { name: "basehttp -p HTTP/1.1 (baseline)", argv: (d, p) => [process.execPath, old, String(p), "-b", "127.0.0.1", "-d", d, "-p", "HTTP/1.1"], logTo: "stderr" },
  );
}
/** The raw node:net server (the 1 KB limit), wherever --baseline put it in the list. */
const RAW_NAME = "node:net, 1 request per connection";

interface Running {
  kind: ServerKind;
  child: ChildProcess;
  port: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitListening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function start(kind: ServerKind, dir: string, logDir: string): Promise<Running> {
  const port = await freePort();
  const [cmd, ...args] = kind.argv(dir, port);
  const log = createWriteStream(join(logDir, kind.name.replace(/\W+/g, "_") + ".log"));
  await new Promise((r) => log.on("open", r));
  const stdio: ["ignore", unknown, unknown] = ["ignore", kind.logTo === "stdout" ? log : "ignore", kind.logTo === "stderr" ? log : "ignore"];
  const child = spawn(cmd!, args, { stdio: stdio as never, env: { ...process.env, NO_COLOR: "1" } });
  await waitListening(port, child);
  return { kind, child, port };
}

function stop(s: Running): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once("exit", () => resolve());
    s.child.kill("SIGTERM");
    setTimeout(() => s.child.kill("SIGKILL"), 3000).unref();
  });
}

/** GET through curl: the body's length must be the file's (every server answers right before it is timed). */
function verify(s: Running, name: string, size: number): void {
  const out = execFileSync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", `http://127.0.0.1:${s.port}/${name}`], { encoding: "utf8" });
  if (out !== `200 ${size}`) throw new Error(`${s.kind.name} /${name}: ${out}, expected 200 ${size}`);
}

interface WrkRun {
  rps: number;
  errors: number;
  /** Server CPU time (user + system) per request, in microseconds: steadier than req/s on a shared machine. */
  cpuUsPerReq: number;
  /** The client's own CPU time per request, in microseconds (one thread: it cannot go past 1e6 / this req/s). */
  clientCpuUsPerReq: number;
}


/** One timed run of the chosen client against `s`. */
async function load(s: Running, file: (typeof FILES)[number], seconds: number): Promise<WrkRun> {
  if (CLIENT === "wrk" || loadgenBinary === undefined) return wrk(s, file, seconds);
  const cpuBefore = cpuSeconds(s.child.pid);
  const r = await runLoadgen(loadgenBinary, s.port, `/${file.name}`, file.connections, seconds, file.size);
  const cpu = cpuSeconds(s.child.pid) - cpuBefore;
  return { rps: r.requests / r.seconds, errors: r.errors, cpuUsPerReq: (cpu / r.requests) * 1e6, clientCpuUsPerReq: (r.cpu / r.requests) * 1e6 };
}

/** The children's user and system time that bash's `times` prints last, in seconds. */
function childTimes(out: string): number {
  const lines = out.trimEnd().split("\n");
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1]!.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : NaN;
}

/** USER_HZ: /proc reports CPU time in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) of process `pid` from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

function wrk(s: Running, file: (typeof FILES)[number], seconds: number): WrkRun {
  const cpuBefore = cpuSeconds(s.child.pid);
  // Through bash for `times`: wrk's own CPU time, to tell when the client is the limit.
  const out = execFileSync("bash", ["-c", 'wrk "$@"; times', "wrk", "-t1", `-c${file.connections}`, `-d${seconds}s`, `http://127.0.0.1:${s.port}/${file.name}`], {
    encoding: "utf8",
    timeout: (seconds + 30) * 1000,
  });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps) throw new Error(`wrk output not understood:\n${out}`);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  // A server that closes after each answer shows up as read errors in some wrk builds: count only the others.
  const errors = (sockErr ? Number(sockErr[1]) + Number(sockErr[3]) + Number(sockErr[4]) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  const cpu = cpuSeconds(s.child.pid) - cpuBefore;
  const requests = /(\d+) requests in/.exec(out);
  const n = requests ? Number(requests[1]) : NaN;
  return { rps: Number(rps[1]), errors, cpuUsPerReq: (cpu / n) * 1e6, clientCpuUsPerReq: (childTimes(out) / n) * 1e6 };
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/**
 * 10 curl clients download the 1 GiB file at once; the server's RSS sampled every 20 ms. The
 * growth counts from after one client has fetched the first 64 MiB of the file alone: Node's
 * first large file stream leaves about 32 MB in the allocator's heap once, whatever follows
 * (node:http with fs.createReadStream does the same); the growth from the fresh server is kept
 * beside it.
 */
async function bigDownload(s: Running): Promise<{ rssGrowthMb: number; rssGrowthFromStartMb: number; seconds: number; ok: boolean; sizes: string[] }> {
  const pid = s.child.pid!;
  const fresh = rssKb(pid);
  execFileSync("curl", ["-s", "-o", "/dev/null", "-r", "0-67108863", `http://127.0.0.1:${s.port}/${BIG.name}`]);
  const before = rssKb(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: BIG.clients }, () =>
      new Promise<string>((resolve) => {
        const c = spawn("curl", ["-s", "-o", "/dev/null", "-w", "%{size_download}", "--max-time", "120", `http://127.0.0.1:${s.port}/${BIG.name}`]);
        let out = "";
        c.stdout.on("data", (d: Buffer) => (out += d.toString()));
        // 'close', not 'exit': the process can exit before its stdout has been read to the end.
        c.on("close", (code) => resolve(code === 0 ? out : `${out} (curl exit ${code})`));
      })),
  );
  clearInterval(timer);
  peak = Math.max(peak, rssKb(pid));
  return {
    rssGrowthMb: (peak - before) / 1024,
    rssGrowthFromStartMb: (peak - fresh) / 1024,
    seconds: (performance.now() - started) / 1000,
    ok: results.every((r) => r === String(BIG.size)),
    sizes: results,
  };
}

interface Row {
  case: string;
  server: string;
  reqPerSec?: Spread;
  mbPerSec?: Spread;
  cpuUsPerReq?: Spread;
  clientCpuUsPerReq?: Spread;
  errors?: number;
  rssGrowthMb?: number;
  rssGrowthFromStartMb?: number;
  seconds?: number;
}

async function main(): Promise<void> {
  // The whole run's wall time and start, for the result's durationSeconds and date (bench/README.md).
  const started = performance.now();
  const startDate = new Date().toISOString();
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const loadavgBefore = loadavg().map((x) => sig(x, 3));
  const dir = mkdtempSync(join(tmpdir(), "basehttp-static-bench-"));
  const logDir = join(dir, "logs");
  const served = join(dir, "www");
  mkdirSync(logDir);
  mkdirSync(served);
  for (const f of ALL_FILES) {
    const bytes = Buffer.alloc(f.size);
    for (let i = 0; i < f.size; i++) bytes[i] = (i * 31 + 7) & 0xff;
    writeFileSync(join(served, f.name), bytes);
  }
  // Sparse: the page cache hands zeros without a disk, so the figure is the server's memory, not the disk's speed.
  const fd = openSync(join(served, BIG.name), "w");
  ftruncateSync(fd, BIG.size);
  closeSync(fd);

  console.log(`static files: ${ROUNDS} round(s) x ${DURATION} s per (file, server), client ${CLIENT}; load average ${loadavgBefore.join(" ")}`);
  const runs = new Map<string, WrkRun[]>();
  const rows: Row[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of SERVERS) {
        const s = await start(kind, served, logDir);
        try {
          let first = true;
          for (const f of FILES) {
            if (kind.only && !kind.only.includes(f.name)) continue;
            if (round === 0) verify(s, f.name, f.size);
            // Warm-up, not recorded, every time a server starts (each round starts them afresh),
            // with --quick too: JIT, heap sizes, page cache, file cache. A Node server's CPU per
            // request falls for several seconds (basehttp's command: ~600-900 us per 1 KB request
            // in its first 3 s, ~150 from the 7th, at load 10), so the first file gets WARMUP s.
            await load(s, f, first ? WARMUP : 1);
            first = false;
            const r = await load(s, f, DURATION);
            const key = `${f.name}\0${kind.name}`;
            runs.set(key, [...(runs.get(key) ?? []), r]);
            console.log(`  round ${round + 1} ${f.label} ${kind.name}: ${Math.round(r.rps)} req/s, ${Math.round(r.cpuUsPerReq)} us CPU/req${r.errors ? ` (${r.errors} errors)` : ""}`);
          }
        } finally {
          await stop(s);
        }
      }
    }
    for (const f of FILES) {
      for (const kind of SERVERS) {
        const list = runs.get(`${f.name}\0${kind.name}`);
        if (!list) continue;
        rows.push({
          case: `${f.label} file`,
          server: kind.name,
          reqPerSec: roundSpread(spread(list.map((r) => r.rps))),
          mbPerSec: roundSpread(spread(list.map((r) => (r.rps * f.size) / 1e6))),
          cpuUsPerReq: roundSpread(spread(list.map((r) => r.cpuUsPerReq))),
          clientCpuUsPerReq: roundSpread(spread(list.map((r) => r.clientCpuUsPerReq))),
          errors: list.reduce((a, r) => a + r.errors, 0),
        });
      }
    }
    const memoryServers = NO_BIG ? [] : QUICK ? SERVERS.slice(0, 1) : SERVERS.filter((k) => k.name !== RAW_NAME && !k.name.endsWith("(baseline)"));
    for (const kind of memoryServers) {
      const s = await start(kind, served, logDir);
      try {
        verify(s, "1k.bin", 1024);
        const m = await bigDownload(s);
        if (!m.ok) throw new Error(`${kind.name}: a 1 GiB download came out short (bytes received: ${m.sizes.join(", ")})`);
        rows.push({ case: `1 GiB file, ${BIG.clients} clients at once`, server: kind.name, rssGrowthMb: sig(m.rssGrowthMb, 3), rssGrowthFromStartMb: sig(m.rssGrowthFromStartMb, 3), seconds: sig(m.seconds, 3) });
        console.log(`  1 GiB x ${BIG.clients} ${kind.name}: RSS +${m.rssGrowthMb.toFixed(1)} MB (+${m.rssGrowthFromStartMb.toFixed(1)} MB from the fresh server) in ${m.seconds.toFixed(1)} s`);
      } finally {
        await stop(s);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const loadavgAfter = loadavg().map((x) => sig(x, 3));
  report(rows, loadavgBefore, loadavgAfter, { date: startDate, seconds: Math.round((performance.now() - started) / 100) / 10 });
}

function value(rows: Row[], kase: string, server: string, field: "reqPerSec" | "mbPerSec" | "cpuUsPerReq" | "clientCpuUsPerReq"): number | null {
  return rows.find((r) => r.case === kase && r.server === server)?.[field]?.median ?? null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : sig(a / b, 3);
}

function target(name: string, v: number | null, goal: number, text: string, note?: string) {
  return { issue: 8, name, value: v, target: text, met: v !== null && v >= goal, ...(note ? { note } : {}) };
}

/** `run`: when the harness started and its wall time (the result's date and durationSeconds). */
function report(rows: Row[], loadavgBefore: number[], loadavgAfter: number[], run: { date: string; seconds: number }): void {
  const rps = (k: string, s: string) => value(rows, k, s, "reqPerSec");
  const mbs = (k: string, s: string) => value(rows, k, s, "mbPerSec");
  const cpu = (k: string, s: string) => value(rows, k, s, "cpuUsPerReq");
  /** The same comparison in server CPU per request (the other's over basehttp's: above 1, basehttp spends less). */
  const client = (k: string, s: string) => value(rows, k, s, "clientCpuUsPerReq");
  const cpuNote = (k: string, mine: string, other: string) =>
    `server CPU per request: ${other} / ${mine} = ${ratio(cpu(k, other), cpu(k, mine))} (${cpu(k, mine)} vs ${cpu(k, other)} us); ` +
    `client CPU per request ${client(k, mine)} vs ${client(k, other)} us`;
  const big = rows.find((r) => r.server === "basehttp" && r.rssGrowthMb !== undefined);
  const targets = [
    target("1 KB, CLI default (HTTP/1.0) / raw node:net one request per connection", ratio(rps("1 KB file", "basehttp"), rps("1 KB file", RAW_NAME)), 0.8, ">= 0.8x", cpuNote("1 KB file", "basehttp", RAW_NAME)),
    target("1 KB, CLI default / http-server", ratio(rps("1 KB file", "basehttp"), rps("1 KB file", "http-server")), 2, ">= 2x", cpuNote("1 KB file", "basehttp", "http-server")),
    target("1 KB, CLI default / python3 -m http.server", ratio(rps("1 KB file", "basehttp"), rps("1 KB file", "python3 -m http.server")), 6, ">= 6x", cpuNote("1 KB file", "basehttp", "python3 -m http.server")),
    target("1 KB, -p HTTP/1.1 / http-server", ratio(rps("1 KB file", "basehttp -p HTTP/1.1"), rps("1 KB file", "http-server")), 8, ">= 8x", cpuNote("1 KB file", "basehttp -p HTTP/1.1", "http-server")),
    target("1 MB, CLI default, MB/s", mbs("1 MB file", "basehttp"), 1500, ">= 1500 MB/s",
      `-p HTTP/1.1: ${mbs("1 MB file", "basehttp -p HTTP/1.1")} MB/s; raw node:net ${mbs("1 MB file", RAW_NAME)} MB/s; client (${CLIENT}) CPU per request ${client("1 MB file", "basehttp")} us ` +
      `(one client thread tops out near ${client("1 MB file", "basehttp") ? Math.round(1e6 / client("1 MB file", "basehttp")!) : "?"} req/s), server ${cpu("1 MB file", "basehttp")} us`),
    target("1 MB, CLI default / python3 -m http.server", ratio(mbs("1 MB file", "basehttp"), mbs("1 MB file", "python3 -m http.server")), 1.3, ">= 1.3x", cpuNote("1 MB file", "basehttp", "python3 -m http.server")),
    target("1 MB, CLI default / http-server", ratio(mbs("1 MB file", "basehttp"), mbs("1 MB file", "http-server")), 3, ">= 3x", cpuNote("1 MB file", "basehttp", "http-server")),
    {
      issue: 8, name: "1 GiB file to 10 clients at once, RSS growth (MB), CLI default", value: big?.rssGrowthMb ?? null,
      target: "<= 64 MB", met: big?.rssGrowthMb !== undefined && big.rssGrowthMb <= 64,
      note: `after one 64 MiB download alone (Node's first large stream keeps ~32 MB of allocator heap once); from the fresh server: +${big?.rssGrowthFromStartMb} MB`,
    },
    { issue: 8, name: "every SimpleHTTP, CGI and command test passes; CPython matched byte for byte", value: null, target: "npm test", met: null, note: "checked by npm test (test/compat against CPython), not by this harness" },
  ];
  const json = {
    scenario: "static",
    date: run.date,
    quick: QUICK,
    durationSeconds: run.seconds,
    loadSeconds: DURATION,
    rounds: ROUNDS,
    machine: { cpu: cpus()[0]?.model ?? "?", cores: cpus().length, node: process.version, os: `${process.platform} ${process.arch}`, loadavgBefore, loadavgAfter },
    loadGenerator: (CLIENT === "wrk" ? `wrk -t1, its own CPU time from bash's times${clientFallback ? ` (bench/loadgen.c could not be built: ${clientFallback})` : ""}` : "bench/loadgen.c (one thread, epoll, 1 MiB reads), its own CPU time from getrusage") +
      " (50 connections for 1 KB, 10 for 64 KB and 1 MB); 1 GiB: 10 curl clients at once, server RSS sampled every 20 ms",
    ...(BASELINE !== undefined ? { baseline: BASELINE } : {}),
    warmupSeconds: WARMUP,
    note: `Every server logs each request to a file. Servers run one at a time in their own process, rounds alternate between them; each freshly started server gets ${WARMUP} s of untimed load before its first file (1 s before the others); figures are medians (min-max) over rounds on a shared 2-core machine (the client and the server share it): compare ratios within this run. MB/s counts file bytes (1 MB = 1,048,576-byte file).`,
    chart: { metric: "reqPerSec", label: "req/s", better: "higher" },
    rows,
    targets,
  };
  mkdirSync(join(RESULTS, ".."), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(json, null, 2) + "\n");
  const show = (s?: Spread) => (s ? `${s.median} (${s.min}–${s.max})` : "");
  console.log("\n" + table(["case", "server", "req/s", "MB/s", "server CPU us/req", "client CPU us/req", "errors", "RSS +MB (fresh)", "s"],
    rows.map((r) => [r.case, r.server, show(r.reqPerSec), show(r.mbPerSec), show(r.cpuUsPerReq), show(r.clientCpuUsPerReq), r.errors === undefined ? "" : String(r.errors), r.rssGrowthMb === undefined ? "" : `${r.rssGrowthMb} (${r.rssGrowthFromStartMb})`, r.seconds === undefined ? "" : String(r.seconds)])));
  console.log("\n" + table(["target", "value", "goal", "met"], targets.map((t) => [t.name, String(t.value), t.target, t.met ? "yes" : "no"])));
  console.log(`\nload average before ${loadavgBefore.join(" ")}, after ${loadavgAfter.join(" ")}; wrote ${RESULTS}`);
}

await main();
