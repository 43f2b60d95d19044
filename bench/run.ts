// `npm run bench`: every scenario in turn, each in its own process with a time limit, with a
// progress display; a scenario that fails or cannot run says why and the run goes on. Then the
// run is kept as bench/results/history/<date>.json, bench/results/REPORT.md and its charts are
// written (bench/report.ts), and the README's headline table is replaced.
// Options: --quick (4-5 minutes instead of about 13 on 2 cores), --only NAME[,NAME] (run those, report
// the others from their latest results), --list, --report-only (npm run bench:report: REPORT.md
// again from the JSON in bench/results/, nothing measured).

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { machine, type Result, type Target } from "./result.js";
import { latestResults, updateReadme, writeReport, type RunMeta, type ScenarioEntry } from "./report.js";
import { harnessArgs } from "./args.js";

interface Scenario {
  name: string;
  what: string;
  /** How the scenario runs: a bench/ script, or an npm script of the package (run only if it exists). */
  script?: string;
  npm?: string;
  args?: string[];
  /** Expected seconds, default and quick: for the progress display; the limit is 3x this (at least 120 s). */
  seconds: [number, number];
}

const SCENARIOS: Scenario[] = [
  { name: "tokenizer", what: "parsers on the corpus: full, copy+scan, kernel", script: "tokenizer.bench.ts", seconds: [85, 14] },
  { name: "sweep", what: "parsers over head sizes 40 B-16 KB and 1-99 header fields", script: "sweep.bench.ts", seconds: [75, 18] },
  { name: "dates", what: "HTTP date formatters", script: "dates.bench.ts", seconds: [10, 4] },
  { name: "server", what: "hello: keep-alive, pipelined x16, one request per connection", script: "server.bench.ts", seconds: [340, 50] },
  { name: "server-large", what: "2 KB heads with 25 fields: keep-alive, pipelined x16", script: "server.bench.ts", args: ["--heads", "large"], seconds: [140, 22] },
  { name: "static", what: "static files (npm run bench:static -- --quick)", npm: "bench:static", seconds: [100, 100] },
  { name: "stress", what: "connections, idle memory, garbage flood, shutdown (npm run stress -- --quick)", npm: "stress", seconds: [70, 70] },
];

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const argv = harnessArgs(import.meta.url, ["--quick", "--list", "--report-only"], ["--only"]);
const QUICK = argv.includes("--quick");
const onlyAt = argv.indexOf("--only");
const ONLY = onlyAt >= 0 ? (argv[onlyAt + 1] ?? "").split(",").filter(Boolean) : undefined;

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function npmScripts(): Record<string, string> {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
}

/** Runs one scenario's process, forwarding its output indented; resolves with its outcome. */
function runOne(sc: Scenario, limitSeconds: number): Promise<{ code: number | null; tail: string[]; timedOut: boolean }> {
  // static and stress are other helpers' harnesses: bounded with --quick in both modes (about a minute each).
  const [cmd, args] = sc.npm
    ? ["npm", ["run", "--silent", sc.npm, "--", "--quick"]]
    : [process.execPath, ["--no-warnings", "--import", "tsx", fileURLToPath(new URL(sc.script!, import.meta.url)), ...(sc.args ?? []), ...(QUICK ? ["--quick"] : [])]];
  // Its own process group, so that a time limit or Ctrl-C stops the servers it started too.
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const stopGroup = (): void => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
  };
  const onSignal = (): void => {
    stopGroup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const tail: string[] = [];
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      process.stdout.write(`    ${line}\n`);
      tail.push(line);
      if (tail.length > 6) tail.shift();
    }
  };
  child.stdout!.on("data", forward);
  child.stderr!.on("data", forward);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopGroup();
  }, limitSeconds * 1000);
  const done = (): void => {
    clearTimeout(timer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  return new Promise((resolve) => {
    child.on("error", (e) => {
      done();
      resolve({ code: -1, tail: [...tail, e.message], timedOut });
    });
    child.on("close", (code) => {
      done();
      resolve({ code, tail, timedOut });
    });
  });
}

function readResult(name: string, notBefore: number): Result | undefined {
  const file = new URL(`./results/${name}.json`, import.meta.url);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as Result;
    return Date.parse(r.date) >= notBefore - 2000 ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Issue 10's own targets, from this run (and, for --quick's time, the latest complete quick run kept in history). */
function runTargets(entries: ScenarioEntry[], meta: RunMeta, complete: boolean): Target[] {
  const out: Target[] = [];
  let quickSeconds: number | null = null;
  let quickNote = "";
  if (meta.quick && complete) {
    quickSeconds = meta.durationSeconds;
    quickNote = "this run";
  } else {
    const dir = new URL("./results/history/", import.meta.url);
    const runs = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort().reverse() : [];
    for (const file of runs) {
      const h = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as { quick?: boolean; complete?: boolean; durationSeconds?: number };
      if (h.quick && h.complete && typeof h.durationSeconds === "number") {
        quickSeconds = h.durationSeconds;
        quickNote = `the latest complete quick run, history/${file}`;
        break;
      }
    }
  }
  const charted = entries.filter((e) => e.result).length;
  out.push({
    issue: 10, name: "`npm run bench -- --quick` wall time, seconds (with at least one SVG per scenario)",
    value: quickSeconds, target: "<= 300", met: quickSeconds === null ? null : quickSeconds <= 300,
    note: quickSeconds === null ? "no complete quick run recorded yet" : `${quickNote}; ${charted} of ${entries.length} scenarios charted in this report`,
  });
  const tokBackends = new Set(entries.find((e) => e.name === "tokenizer")?.result?.rows.map((r) => String(r.backend)) ?? []);
  const servers = new Set(entries.find((e) => e.name === "server")?.result?.rows.map((r) => String(r.kind)) ?? []);
  const want = [
    ["wasm-simd", tokBackends.has("wasm-simd")], ["twin (js)", tokBackends.has("js")], ["llhttp native", tokBackends.has("llhttp")],
    ["llhttp WASM", tokBackends.has("llhttp-wasm-simd") && tokBackends.has("llhttp-wasm")], ["http-parser-js", tokBackends.has("http-parser-js")],
    ["node:http", servers.has("node")], ["raw node:net ceiling", servers.has("net")],
  ] as const;
  const missing = want.filter(([, ok]) => !ok).map(([n]) => n);
  out.push({ issue: 10, name: "rows for wasm, twin, llhttp (native and WASM), http-parser-js, node:http and the ceiling", value: want.length - missing.length, target: `= ${want.length}`, met: missing.length === 0, ...(missing.length ? { note: `missing: ${missing.join(", ")}` } : {}) });
  const others = entries.filter((e) => e.name === "static" || e.name === "stress");
  const withTargets = others.filter((e) => (e.result?.targets.length ?? 0) > 0).length;
  out.push({ issue: 10, name: "targets of issues 6 and 8 from stress.json and static.json shown beside their targets", value: withTargets, target: "= 2", met: withTargets === 2, ...(withTargets < 2 ? { note: others.filter((e) => !(e.result?.targets.length)).map((e) => `${e.name}: ${e.result ? "no targets in its JSON" : e.reason ?? e.status}`).join("; ") } : {}) });
  return out;
}

async function main(): Promise<void> {
  if (argv.includes("--list")) {
    for (const s of SCENARIOS) console.log(`${s.name.padEnd(13)} ${s.what}`);
    return;
  }
  if (argv.includes("--report-only")) {
    // `npm run bench:report`: the report again from the latest results, nothing measured.
    const latest = latestResults();
    const all: ScenarioEntry[] = SCENARIOS.map((s) => {
      const r = latest.get(s.name);
      return r ? { name: s.name, status: "ok", result: r } : { name: s.name, status: "skipped", reason: "no result in bench/results/" };
    });
    const dates = [...latest.values()].map((r) => r.date).sort();
    // No run to time: the report names the results' dates instead (durationSeconds is not shown).
    const meta: RunMeta = { date: dates.at(-1) ?? new Date().toISOString(), command: "npm run bench:report", quick: [...latest.values()].some((r) => r.quick), durationSeconds: 0, reportOnly: true };
    writeReport(all, meta, runTargets(all, meta, false));
    console.log("wrote bench/results/REPORT.md and bench/results/charts/*.svg from the latest results");
    return;
  }
  const unknown = ONLY?.filter((n) => !SCENARIOS.some((s) => s.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")}; --list shows them`);
  const chosen = SCENARIOS.filter((s) => !ONLY || ONLY.includes(s.name));
  const expected = (s: Scenario): number => s.seconds[QUICK ? 1 : 0];
  const total = chosen.reduce((a, s) => a + expected(s), 0);
  const started = performance.now();
  const date = new Date().toISOString();
  const m = machine();
  const command = `npm run bench${QUICK || ONLY ? " --" : ""}${QUICK ? " --quick" : ""}${ONLY ? ` --only ${ONLY.join(",")}` : ""}`;
  console.log(`${command}: ${chosen.length} scenarios, about ${clock(total)}; ${m.cpu}, ${m.cores} cores, Node ${m.node}, load average ${m.loadavgBefore.join(" ")}`);
  const scripts = npmScripts();
  const entries: ScenarioEntry[] = [];
  let expectedDone = 0;
  for (const [i, sc] of chosen.entries()) {
    const elapsed = (performance.now() - started) / 1000;
    const left = Math.max(total - expectedDone, 0) * (elapsed > 30 && expectedDone > 0 ? elapsed / expectedDone : 1);
    console.log(`\n[${i + 1}/${chosen.length}] ${sc.name}: ${sc.what} (about ${clock(expected(sc))}; ${clock(elapsed)} elapsed, about ${clock(left)} left)`);
    const t0 = Date.now();
    if (sc.npm && !scripts[sc.npm]) {
      const reason = `the package has no \`${sc.npm}\` script yet`;
      console.log(`    skipped: ${reason}`);
      entries.push({ name: sc.name, status: "skipped", reason });
      expectedDone += expected(sc);
      continue;
    }
    const limit = Math.max(120, expected(sc) * 3);
    const { code, tail, timedOut } = await runOne(sc, limit);
    const seconds = (Date.now() - t0) / 1000;
    const result = readResult(sc.name, t0);
    if (code === 0 && result) entries.push({ name: sc.name, status: "ok", result, seconds });
    else {
      const why = timedOut ? `stopped after ${limit} s (limit)` : code !== 0 ? `exited with ${code}` : `wrote no bench/results/${sc.name}.json`;
      const reason = `${why}: ${tail.slice(-3).join(" / ").slice(0, 400)}`;
      console.log(`    FAILED: ${reason}`);
      entries.push({ name: sc.name, status: "failed", reason, seconds, ...(result ? { result } : {}) });
    }
    console.log(`    ${sc.name}: ${entries.at(-1)!.status} in ${clock(seconds)}`);
    expectedDone += expected(sc);
  }
  // Scenarios not in this run (--only): their latest results, marked as earlier.
  const latest = latestResults();
  const all: ScenarioEntry[] = SCENARIOS.map((s) => {
    const e = entries.find((x) => x.name === s.name);
    if (e) return e;
    const r = latest.get(s.name);
    return r ? { name: s.name, status: "ok", result: r, earlier: true } : { name: s.name, status: "skipped", reason: "not in this run (--only) and no earlier result" };
  });
  const durationSeconds = Math.round((performance.now() - started) / 1000);
  const historyName = `${date.replace(/[:.]/g, "-").slice(0, 19)}Z${QUICK ? "-quick" : ""}${ONLY ? "-only" : ""}.json`;
  const meta: RunMeta = { date, command, quick: QUICK, durationSeconds, historyFile: `bench/results/history/${historyName}` };
  const complete = !ONLY && entries.every((e) => e.status === "ok" || e.status === "skipped");
  const extra = runTargets(all, meta, complete);
  const historyDir = new URL("./results/history/", import.meta.url);
  mkdirSync(historyDir, { recursive: true });
  writeFileSync(new URL(historyName, historyDir), JSON.stringify({ date, command, quick: QUICK, complete, durationSeconds, machine: { ...m, loadavgAfter: machine().loadavgBefore }, targets: extra, scenarios: entries }, null, 2) + "\n");
  const { headline } = writeReport(all, meta, extra);
  // The 1-minute load averages the scenarios saw (REPORT.md's "The run"), not only the start's.
  const loads = all.flatMap((e) => (e.result ? [e.result.machine.loadavgBefore, e.result.machine.loadavgAfter ?? []].flatMap((l) => l.slice(0, 1)) : []));
  const seen = loads.length > 0 ? `, ${Math.min(...loads)} to ${Math.max(...loads)} over its scenarios` : "";
  if (!ONLY) updateReadme(headline, meta, `${m.cores}-core ${m.cpu}, Node ${m.node}, load average ${m.loadavgBefore[0]} at its start${seen}`);
  console.log(`\n${command}: ${clock(durationSeconds)}; ${entries.filter((e) => e.status === "ok").length} of ${entries.length} scenarios ok` +
    `${entries.some((e) => e.status !== "ok") ? ` (${entries.filter((e) => e.status !== "ok").map((e) => `${e.name} ${e.status}`).join(", ")})` : ""}`);
  console.log(`wrote bench/results/REPORT.md, bench/results/charts/*.svg, bench/results/history/${historyName}${ONLY ? "" : ", README.md's headline"}`);
}

await main();
