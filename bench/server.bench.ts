// The server benchmark: the same hello-world handler in node:http, basehttp (parser wasm and
// js), CPython's ThreadingHTTPServer (when python3 is there) and a raw node:net ceiling, each in
// its own process (bench/server-child.ts, bench/server_python.py), loaded by wrk on 127.0.0.1:
// keep-alive, HTTP/1.1 pipelining 16 deep, and one request per connection (`Connection: close`).
// With --heads large every request is the corpus's 2 KB head with 25 fields (LARGE_GET), to see
// whether the parser's share of a request grows enough for its backend to show.
// Before timing, every server must give the same answers (status, Content-Type, Content-Length,
// body; keep-alive kept, close honoured). Rounds alternate the servers (A B C, B C A, ...).
// The servers (hello-servers.ts) and the wrk scenarios, their warm-up, round order, CPU reading
// and paired ratios (wrk-scenarios.ts) are the ones npm run stress uses: the same row in both is
// the same measurement.
// Writes bench/results/server.json (or server-large.json). Options: --quick, --rounds N,
// --duration S, --connections N, --servers a,b,c (a kind basehttp-wasm@DIR serves the basehttp
// of another checkout DIR: before/after in one run), --modes keep-alive,pipelined,close,
// --heads hello|large, --pin (the server on the last core, wrk on the one before, every server alike).

import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { harnessArgs } from "./args.js";
import { LARGE_GET } from "./corpus.js";
import { begin, finish, option, QUICK, type Target } from "./result.js";
import { roundSpread, showSpread, spread, table, type Spread } from "./stats.js";
import { defaultPinning, HELLO_REQUEST, pairedRatio, pinProcess, scenario, timeScenarios, WRK_CONNECTIONS, WRK_SCENARIOS, WRK_THREADS, type Runs, type WrkRun } from "./wrk-scenarios.js";

harnessArgs(import.meta.url, ["--quick", "--pin"], ["--heads", "--rounds", "--duration", "--connections", "--servers", "--modes"]);
const HEADS = option("--heads", "hello");
const LARGE = HEADS === "large";
const ROUNDS = Number(option("--rounds", QUICK ? "2" : "5"));
const DURATION = Number(option("--duration", QUICK ? "1" : "4"));
const CONNECTIONS = Number(option("--connections", String(WRK_CONNECTIONS)));
const PIN = process.argv.includes("--pin") ? defaultPinning() : null;
const HAS_PYTHON = commandExists("python3");
const DEFAULT_SERVERS = LARGE ? "node,basehttp-wasm,basehttp-js" : `node,basehttp-wasm,basehttp-js,${HAS_PYTHON ? "python," : ""}net`;
const SERVERS = option("--servers", DEFAULT_SERVERS).split(",");
const MODES = option("--modes", LARGE ? "keep-alive,pipelined" : "keep-alive,pipelined,close").split(",");
const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));
const PYTHON_CHILD = fileURLToPath(new URL("./server_python.py", import.meta.url));

/** Display names, as the report shows them. */
const SERVER_LABEL: Record<string, string> = {
  node: "node:http",
  "basehttp-wasm": "basehttp wasm",
  "basehttp-js": "basehttp js",
  python: "CPython ThreadingHTTPServer",
  net: "raw node:net (ceiling)",
};

function commandExists(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The request every connection sends: the minimal GET, or the 2 KB head. */
const REQUEST = LARGE ? LARGE_GET.toString("latin1") : HELLO_REQUEST;

interface Running {
  kind: string;
  /** The request parser the child reports it runs (llhttp, wasm-simd, js, cpython, none). */
  parser: string;
  child: ChildProcess;
  port: number;
}

function start(kind: string): Promise<Running> {
  const child =
    kind === "python"
      ? spawn("python3", [PYTHON_CHILD], { stdio: ["ignore", "pipe", "inherit"] })
      : spawn(process.execPath, ["--no-warnings", "--import", "tsx", CHILD, kind], { stdio: ["ignore", "pipe", "inherit"] });
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
    child.on("error", (e) => reject(new Error(`${kind}: ${e.message}`)));
    child.on("exit", (code) => reject(new Error(`${kind}: exited with ${code} before listening`)));
  });
}

/** What must be the same from every server: status, Content-Type, Content-Length, body. */
function normalise(raw: string): string[] {
  const out: string[] = [];
  let rest = raw;
  while (rest.length) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) throw new Error(`an incomplete answer: ${JSON.stringify(rest.slice(0, 200))}`);
    const [status, ...fields] = rest.slice(0, end).split("\r\n");
    const get = (name: string): string | undefined =>
      fields.find((f) => f.toLowerCase().startsWith(name + ":"))?.slice(name.length + 1).trim();
    const length = Number(get("content-length"));
    const body = rest.slice(end + 4, end + 4 + length);
    out.push(`${status!.replace(/^HTTP\/1\.[01] /, "")} | ${get("content-type")} | ${length} | ${body}`);
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

/** Sends `payload` on one connection; resolves with what came back once `answers` are complete (or the peer closed). */
function exchange(port: number, payload: string, answers: number, expectClose: boolean): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    let done = false;
    const finishWith = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ text: got, closed });
    };
    const timer = setTimeout(() => finishWith(false), 5000);
    sock.on("connect", () => sock.write(payload));
    sock.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      try {
        if (!expectClose && normalise(got).length === answers) setTimeout(() => finishWith(false), 100);
      } catch {
        // not complete yet
      }
    });
    sock.on("end", () => finishWith(true));
    sock.on("error", (e) => (done ? undefined : reject(e)));
  });
}

/**
 * The check before any timing: 16 pipelined requests give 16 answers and the connection stays
 * open; a request with `Connection: close` gets one answer and the server closes. Returns the
 * normalised answers, which must be equal for every server.
 */
async function verify(s: Running): Promise<string> {
  const ka = await exchange(s.port, REQUEST.repeat(16), 16, false);
  const answers = normalise(ka.text);
  if (answers.length !== 16) throw new Error(`${s.kind}: ${answers.length} answers to 16 pipelined requests`);
  if (ka.closed) throw new Error(`${s.kind}: closed a keep-alive connection`);
  if (MODES.includes("close")) {
    const closeReq = REQUEST.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    const cl = await exchange(s.port, closeReq, 1, true);
    if (!cl.closed) throw new Error(`${s.kind}: kept the connection after Connection: close`);
    if (!/\r\nconnection: close\r\n/i.test(cl.text)) throw new Error(`${s.kind}: no Connection: close in the answer`);
    answers.push(...normalise(cl.text));
  }
  return answers.join("\n");
}

interface ServerRow {
  case: string;
  server: string;
  kind: string;
  parser: string;
  reqPerSec: Spread;
  /** Server CPU time per request, microseconds (CPU seconds / requests). */
  cpuUsPerRequest: Spread;
  serverCpu: Spread;
  wrkCpu: Spread;
  latencyP50Ms: Spread;
  errors: number;
}

function targetsOf(all: ReadonlyMap<string, Runs>): Target[] {
  const pairedIn = (c: string, a: string, b: string, field: "rps" | "cpu" = "rps"): Spread | null => pairedRatio(all.get(c), a, b, field);
  const out: Target[] = [];
  const at = (issue: number, name: string, ratio: Spread | null, op: ">=" | "<=", limit: number, target: string, note?: string): void => {
    const value = ratio?.median ?? null;
    const met = value === null ? null : op === ">=" ? value >= limit : value <= limit;
    // Said when the rounds disagree about the side of the limit: the verdict is the median's.
    const split = ratio !== null && ratio.min < limit && ratio.max > limit ? `per-round ratios ${ratio.min}-${ratio.max}: the rounds fall on both sides of ${limit}` : undefined;
    const text = [note, split].filter(Boolean).join("; ");
    out.push({ issue, name, value, target, met, ...(text ? { note: text } : {}) });
  };
  const heads = LARGE ? "2 KB heads, " : "";
  if (!LARGE) {
    const ka = WRK_SCENARIOS["keep-alive"]!.name;
    at(6, "keep-alive hello, wrk -c50: basehttp (wasm) / node:http req/s", pairedIn(ka, "basehttp-wasm", "node"), ">=", 1.5, ">= 1.5x");
    at(6, "keep-alive hello: basehttp (wasm) / node:http server CPU time per request", pairedIn(ka, "basehttp-wasm", "node", "cpu"), "<=", 0.6, "<= 0.6x",
      "issue 6 writes '>= 0.6x node:http's server CPU time per request'; less CPU per request is better, so it is read as at most 0.6x");
    at(6, "pipelined x16: basehttp (wasm) / node:http req/s", pairedIn(WRK_SCENARIOS.pipelined!.name, "basehttp-wasm", "node"), ">=", 5, ">= 5x");
    const cl = WRK_SCENARIOS.close!.name;
    at(6, "connection per request: basehttp (wasm) / node:http req/s", pairedIn(cl, "basehttp-wasm", "node"), ">=", 1, ">= 1.0x");
    at(6, "connection per request: basehttp (wasm) / raw node:net req/s", pairedIn(cl, "basehttp-wasm", "net"), ">=", 0.95, ">= 0.95x");
  }
  for (const m of MODES) {
    const c = WRK_SCENARIOS[m]!.name;
    at(6, `${heads}${c}: wasm / js req/s (wasm >= js end to end)`, pairedIn(c, "basehttp-wasm", "basehttp-js"), ">=", 1, ">= 1.0x");
  }
  return out;
}

async function main(): Promise<void> {
  const head = begin(LARGE ? "server-large" : "server", QUICK);
  if (!commandExists("wrk")) throw new Error("wrk not found: apt-get install -y wrk");
  const modes = MODES.map(scenario);
  console.log(`server benchmark (${LARGE ? `${LARGE_GET.length}-byte heads, 25 fields` : "hello"}): ${SERVERS.join(", ")}; ${modes.map((m) => m.name).join(", ")}; ${ROUNDS} rounds x ${DURATION} s, wrk -t${WRK_THREADS} -c${CONNECTIONS}${PIN ? `; server on cpu ${PIN.serverCpu}, wrk on cpu ${PIN.wrkCpu}` : ""}`);
  const servers: Running[] = [];
  const skipped: { server: string; reason: string }[] = [];
  try {
    for (const kind of SERVERS) {
      try {
        const s = await start(kind);
        servers.push(s);
        if (PIN) pinProcess(s.child.pid!, PIN.serverCpu);
      } catch (e) {
        skipped.push({ server: kind, reason: (e as Error).message });
        console.log(`  ${kind}: not started: ${(e as Error).message}`);
      }
    }
    // Every server must give what the first one gives (node:http when it runs).
    let reference: { kind: string; answers: string } | undefined;
    for (const s of [...servers]) {
      try {
        const answers = await verify(s);
        reference ??= { kind: s.kind, answers };
        if (answers !== reference.answers) throw new Error(`answers differ from ${reference.kind}'s:\n${answers}\n---\n${reference.answers}`);
      } catch (e) {
        skipped.push({ server: s.kind, reason: (e as Error).message });
        console.log(`  ${s.kind}: excluded: ${(e as Error).message}`);
        s.child.kill("SIGTERM");
        servers.splice(servers.indexOf(s), 1);
      }
    }
    console.log(`  every server answered the same (${servers.map((s) => s.kind).join(", ")})`);
    const total = ROUNDS * modes.length * servers.length;
    let n = 0;
    const all = timeScenarios(
      servers.map((s) => ({ kind: s.kind, pid: s.child.pid!, port: s.port })),
      modes,
      {
        rounds: ROUNDS,
        seconds: DURATION,
        warmup: true,
        connections: CONNECTIONS,
        request: REQUEST,
        pin: PIN,
        log: (mode, r, kind, run) =>
          console.log(`  [${++n}/${total}] round ${r + 1} ${mode.name} ${kind}: ${Math.round(run.rps)} req/s, ${run.cpuUsPerRequest.toPrecision(3)} µs CPU/req, server CPU ${Math.round(run.serverCpu * 100)}%, wrk CPU ${Math.round(run.wrkCpu * 100)}%${run.errors ? ` (${run.errors} errors)` : ""}`),
      },
    );
    const rows: ServerRow[] = modes.flatMap((mode) =>
      servers.map(({ kind, parser }) => {
        const list: WrkRun[] = all.get(mode.name)!.get(kind)!;
        return {
          case: mode.name,
          server: SERVER_LABEL[kind] ?? kind,
          kind,
          parser,
          reqPerSec: roundSpread(spread(list.map((x) => x.rps))),
          cpuUsPerRequest: roundSpread(spread(list.map((x) => x.cpuUsPerRequest))),
          serverCpu: roundSpread(spread(list.map((x) => x.serverCpu)), 2),
          wrkCpu: roundSpread(spread(list.map((x) => x.wrkCpu)), 2),
          latencyP50Ms: roundSpread(spread(list.map((x) => x.latencyP50Ms))),
          errors: list.reduce((a, x) => a + x.errors, 0),
        };
      }),
    );
    for (const mode of modes) {
      console.log(`\n${mode.name}: median (min–max) over ${ROUNDS} rounds`);
      console.log(table(
        ["server", "parser", "req/s", "CPU µs/req", "server CPU", "wrk CPU", "p50 ms", "errors"],
        rows.filter((x) => x.case === mode.name).map((x) => [x.server, x.parser, showSpread(x.reqPerSec), showSpread(x.cpuUsPerRequest), showSpread(x.serverCpu, 2), showSpread(x.wrkCpu, 2), showSpread(x.latencyP50Ms), String(x.errors)]),
      ));
    }
    const targets = targetsOf(all);
    console.log(`\ntargets`);
    console.log(table(["issue", "target", "limit", "measured", ""], targets.map((t) => [String(t.issue), t.name, t.target, String(t.value ?? "-"), t.met === null ? "not measured" : t.met ? "met" : "MISSED"])));
    finish(head, {
      loadGenerator: `wrk -t${WRK_THREADS} -c${CONNECTIONS} -d${DURATION}s`,
      pinned: PIN,
      rounds: ROUNDS,
      requestBytes: Buffer.byteLength(REQUEST, "latin1"),
      chart: { metric: "reqPerSec", label: "requests per second", better: "higher" },
      note: "Each server in its own process, one at a time, rotated round by round; one mode's rounds after the other's, each after a 1 s warm-up per server (bench/wrk-scenarios.ts, shared with npm run stress). Medians with min and max over rounds. Targets: the median of the ratios taken inside each round (paired), with their min and max. cpuUsPerRequest: the server process's CPU time (user + system, /proc) divided by the requests wrk counted.",
      skipped,
      rows: rows as unknown as Record<string, unknown>[],
      targets,
    });
  } finally {
    for (const s of servers) s.child.kill("SIGTERM");
  }
}

await main();
