// The hot-path benchmark: every tokenizer backend against Node's llhttp and http-parser-js on
// the corpus (bench/corpus.ts), with the same consumer step (bench/candidates.ts), then the
// HTTP date formatters. Every candidate must give the same answers before it is timed.
// Writes bench/results/tokenizer.json. Options: --rounds N, --time MS (per task per round).

import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { Bench, hrtimeNowTimestampProvider } from "tinybench";
import type { Tokenizer } from "../src/contract/tokenizer.js";
import { allTokenizers } from "../src/tokenizer/select.js";
import { WasmTokenizer } from "../src/tokenizer/wasm.js";
import {
  answers, httpParserJsCandidate, llhttpCandidate, tokenizerCandidate, type Candidate, type Sink,
} from "./candidates.js";
import { FIREFOX, FIREFOX_LENGTH, SCENARIOS, type Scenario } from "./corpus.js";
import { dateCandidates, dateChecksum } from "./dates.js";
import { wasmKernel } from "./wasm-kernel.js";
import { roundSpread, showSpread, sig, spread, table, type Spread } from "./stats.js";

const argv = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}
const ROUNDS = option("--rounds", 5);
const TIME_MS = option("--time", 250);
/** Bytes handled per timed call, so one call lasts tens of microseconds (timer cost negligible). */
const BYTES_PER_CALL = 32 * 1024;

/** Defeats dead-code elimination: everything the consumers read is summed here. */
let acc = 0;
const sink: Sink = (method, target, version, host, cl, conn) => {
  acc += method.length + target.length + version.length + host.length + cl + conn.length;
};

interface Timed {
  backend: string;
  family: string;
  /** "full" (parse + consumer), "kernel" (scan on staged bytes), "copy+scan" (WASM copy + kernel). */
  mode: string;
  run: () => void;
  /** Requests handled per call of run. */
  perCall: number;
  bytesPerCall: number;
  samples: number[];
}

function tasksFor(sc: Scenario, candidates: readonly Candidate[]): Timed[] {
  const batch = Math.max(1, Math.round(BYTES_PER_CALL / sc.bytes.length));
  const out: Timed[] = [];
  for (const c of candidates) {
    const p = c.prepare(sc.bytes, sink);
    const modes: [string, (() => void) | undefined][] = [["full", p.full], ["copy+scan", p.copyScan], ["kernel", p.kernel]];
    for (const [mode, fn] of modes) {
      if (!fn) continue;
      const run = (): void => {
        for (let i = 0; i < batch; i++) fn();
      };
      out.push({ backend: c.name, family: c.family, mode, run, perCall: batch * sc.requests, bytesPerCall: batch * sc.bytes.length, samples: [] });
    }
  }
  return out;
}

/** One tinybench pass over the tasks (order rotated each round); records ns per request. */
function round(tasks: Timed[], r: number, nsOf: (t: Timed, p50Ms: number) => number): void {
  const bench = new Bench({ time: TIME_MS, warmupTime: TIME_MS / 4, timestampProvider: hrtimeNowTimestampProvider });
  const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]!);
  for (const t of order) bench.add(`${t.backend} ${t.mode}`, t.run);
  bench.runSync();
  for (const t of order) {
    const res = bench.getTask(`${t.backend} ${t.mode}`)!.result;
    if (res.state !== "completed") throw new Error(`${t.backend} ${t.mode}: ${res.state}`);
    t.samples.push(nsOf(t, res.latency.p50));
  }
}

/** Every backend of src/tokenizer/select.ts; the WASM ones also timed as a bare kernel. */
function loadTokenizers(): { tok: Tokenizer; kernelFor?: (bytes: Buffer) => () => void }[] {
  return allTokenizers().map((tok) =>
    tok instanceof WasmTokenizer ? { tok, kernelFor: (bytes: Buffer) => wasmKernel(tok.variant, bytes) } : { tok },
  );
}

function checkAgreement(candidates: readonly Candidate[]): void {
  assert.equal(FIREFOX.length, FIREFOX_LENGTH, "the Firefox request must be picohttpparser's 703 bytes");
  for (const sc of SCENARIOS) {
    const want = Array.from({ length: sc.requests }, () => sc.expected);
    for (const c of candidates) assert.deepEqual(answers(c, sc.bytes), want, `${c.name} on ${sc.name}`);
  }
}

interface Row {
  backend: string;
  family: string;
  mode: string;
  nsPerRequest: Spread;
  mbPerSec: Spread;
}

function rowsOf(tasks: readonly Timed[], bytesPerRequest: number): Row[] {
  return tasks.map((t) => ({
    backend: t.backend,
    family: t.family,
    mode: t.mode,
    nsPerRequest: roundSpread(spread(t.samples)),
    mbPerSec: roundSpread(spread(t.samples.map((ns) => (bytesPerRequest / ns) * 1e3))),
  }));
}

/** Time ratios a/b of median ns per request (below 1: a is faster). */
function ratios(rows: readonly Row[], wasmName: string | undefined): Record<string, number> {
  const ns = (backend: string, mode = "full"): number | undefined =>
    rows.find((r) => r.backend === backend && r.mode === mode)?.nsPerRequest.median;
  const pairs: [string, string | undefined, string, string?][] = [
    ["wasm/js (full)", wasmName, "js"],
    ["wasm/js (kernel)", wasmName, "js", "kernel"],
    ["wasm/llhttp", wasmName, "llhttp"],
    ["wasm/http-parser-js", wasmName, "http-parser-js"],
    ["twin/llhttp", "js", "llhttp"],
    ["twin/http-parser-js", "js", "http-parser-js"],
  ];
  const out: Record<string, number> = {};
  for (const [label, a, b, mode] of pairs) {
    const x = a && ns(a, mode);
    const y = ns(b, mode);
    if (x && y) out[label] = sig(x / y);
  }
  return out;
}

/** The project's performance targets, as time ratios (or ns) that must not exceed `limit`. */
function checkTargets(
  scenarios: readonly { name: string; ratios: Record<string, number> }[],
  dates: readonly { formatter: string; nsPerCall: Spread }[],
): { target: string; limit: number; measured: number | undefined; met: boolean }[] {
  const ratio = (sc: string, key: string): number | undefined => scenarios.find((s) => s.name === sc)?.ratios[key];
  const list: [string, number, number | undefined][] = [
    ["firefox-703B wasm/js (full)", 0.5, ratio("firefox-703B", "wasm/js (full)")],
    ["firefox-703B wasm/llhttp", 0.2, ratio("firefox-703B", "wasm/llhttp")],
    ["minimal wasm/js (full)", 1, ratio("minimal", "wasm/js (full)")],
    ["firefox-703B twin/llhttp", 0.5, ratio("firefox-703B", "twin/llhttp")],
    ["firefox-703B twin/http-parser-js", 0.2, ratio("firefox-703B", "twin/http-parser-js")],
    ["httpDate cached, ns/call", 15, dates.find((d) => d.formatter.startsWith("httpDate"))?.nsPerCall.median],
  ];
  return list.map(([target, limit, measured]) => ({ target, limit, measured, met: measured !== undefined && measured <= limit }));
}

function main(): void {
  const loaded = loadTokenizers();
  const wasmName = loaded.map((l) => l.tok.name).find((n) => n.startsWith("wasm"));
  const candidates: Candidate[] = [
    ...loaded.map((l) => tokenizerCandidate(l.tok, l.kernelFor)),
    llhttpCandidate(),
    httpParserJsCandidate(),
  ];
  checkAgreement(candidates);
  const dates = dateCandidates(loaded.map((l) => l.tok));
  console.log(`basehttp tokenizer benchmark: ${candidates.map((c) => c.name).join(", ")}; ${ROUNDS} rounds x ${TIME_MS} ms per task`);

  const perScenario = SCENARIOS.map((sc) => ({ sc, tasks: tasksFor(sc, candidates) }));
  const dateTasks: Timed[] = dates.map((d) => ({ backend: d.name, family: "date", mode: "format", run: d.run, perCall: d.perCall, bytesPerCall: 0, samples: [] }));
  const nsOf = (t: Timed, p50Ms: number): number => (p50Ms * 1e6) / t.perCall;
  for (let r = 0; r < ROUNDS; r++) {
    for (const { tasks } of perScenario) round(tasks, r, nsOf);
    round(dateTasks, r, nsOf);
    process.stdout.write(`  round ${r + 1}/${ROUNDS} done\n`);
  }

  const scenarios = perScenario.map(({ sc, tasks }) => {
    const rows = rowsOf(tasks, sc.bytes.length / sc.requests);
    return { name: sc.name, bytes: sc.bytes.length, requests: sc.requests, results: rows, ratios: ratios(rows, wasmName) };
  });
  const dateRows = dateTasks.map((t) => ({ formatter: t.backend, nsPerCall: roundSpread(spread(t.samples)) }));
  for (const s of scenarios) {
    console.log(`\n${s.name}: ${s.bytes} bytes, ${s.requests} request(s); ns/request and MB/s as median (min–max) over ${ROUNDS} rounds`);
    console.log(table(["backend", "mode", "ns/request", "MB/s"], s.results.map((r) => [r.backend, r.mode, showSpread(r.nsPerRequest), showSpread(r.mbPerSec)])));
    console.log("time ratios (below 1: first is faster): " + Object.entries(s.ratios).map(([k, v]) => `${k} ${v}`).join(", "));
  }
  console.log(`\nHTTP date (IMF-fixdate), ns per call, median (min–max)`);
  console.log(table(["formatter", "ns/call"], dateRows.map((d) => [d.formatter, showSpread(d.nsPerCall)])));

  const targets = checkTargets(scenarios, dateRows);
  console.log(`\ntargets (time ratios; "ok" when met)`);
  console.log(table(["target", "limit", "measured", ""], targets.map((t) => [t.target, String(t.limit), String(t.measured ?? "-"), t.met ? "ok" : "MISSED"])));

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    loadavg: os.loadavg().map((l) => sig(l, 2)),
    rounds: ROUNDS,
    timePerTaskMs: TIME_MS,
    note: "ns/request and MB/s: median of per-round tinybench p50s, with min and max across rounds (noise on a shared 2-core machine). Ratios are time ratios of medians, full path unless marked.",
    scenarios,
    dates: dateRows,
    targets,
  };
  writeFileSync(new URL("./results/tokenizer.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  console.log(`\nwrote bench/results/tokenizer.json (checksums ${acc % 1000}, ${dateChecksum() % 1000})`);
}

main();
