// `npm run fuzz`: the differential fuzzer of issue 7 item 4. Structure-aware inputs
// (fuzz/generate.ts) go over loopback sockets to basehttp with the wasm tokenizer, basehttp with
// the js tokenizer, and node:http, each in its own process (fuzz/server-child.ts); fuzz/compare.ts
// judges each input. Every failing input is saved as a replayable fixture (JSON) in fuzz/findings/,
// and the fixtures of fuzz/regressions/ (failures found and fixed) are replayed first on every run.
//
//   npm run fuzz                          2 minutes, a random seed (printed)
//   npm run fuzz -- --seconds 1200        a soak
//   npm run fuzz -- --seed 1 --seconds 60 what CI runs (.ci/run): the same inputs every time
//   npm run fuzz -- --replay FILE|DIR     replay saved fixtures only
// Other options: --concurrency N (inputs in flight, default 6), --out DIR, --inputs N (stop after N).
// Exit status 1 when anything was found; the summary goes to stdout and DIR/summary.json.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compare, DIFFERENCES, type Finding } from "./compare.js";
import { generate, loadSeeds, type FuzzInput } from "./generate.js";
import { exchange, ServerProc } from "./harness.js";
import { BODY_IDLE_TIMEOUT_S, HEAD_TIMEOUT_S, KEEP_ALIVE_TIMEOUT_S } from "./protocol.js";
import { harnessArgs } from "../bench/args.js";

const argv = harnessArgs(import.meta.url, [], ["--seconds", "--seed", "--concurrency", "--inputs", "--out", "--replay"]);
function option(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
const SECONDS = Number(option("--seconds") ?? 120);
const SEED = Number(option("--seed") ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = Number(option("--concurrency") ?? 6);
const MAX_INPUTS = Number(option("--inputs") ?? Infinity);
const HERE = fileURLToPath(new URL(".", import.meta.url));
const OUT = option("--out") ?? join(HERE, "findings");
const REGRESSIONS = join(HERE, "regressions");
const REPLAY = option("--replay");
/** A connection basehttp has not closed this long after the input (end of stream sent) hangs. */
const CLOSE_LIMIT_MS = 5000;
/** With the connection held open, the server's own time limits must close it. */
const HOLD_LIMIT_MS = (Math.max(HEAD_TIMEOUT_S, KEEP_ALIVE_TIMEOUT_S, BODY_IDLE_TIMEOUT_S) + 4) * 1000;
/** Saved fixtures per kind (and tag) of finding (the rest are counted). */
const SAVE_PER_KIND = 20;
/** Heap growth (after GC, from the first sample to the last) that counts as a leak. */
const HEAP_GROWTH_LIMIT = 32 * 1024 * 1024;

interface Fixture {
  kind: string;
  detail: string;
  seed: number;
  index: number;
  notes: string[];
  input: string;
  splits: number[];
  holdOpen: boolean;
}

function fixtureInput(f: Fixture): FuzzInput {
  return { bytes: Buffer.from(f.input, "base64"), splits: f.splits, holdOpen: f.holdOpen, notes: f.notes };
}

function loadFixtures(path: string): Fixture[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith(".json") && f !== "summary.json").map((f) => join(path, f)) : [path];
  } catch {
    return [];
  }
  return files.sort().map((f) => JSON.parse(readFileSync(f, "utf8")) as Fixture);
}

const servers = { wasm: new ServerProc("wasm"), js: new ServerProc("js"), node: new ServerProc("node") };
const totals = {
  inputs: 0, bytes: 0, requests: { wasm: 0, js: 0, node: 0 }, stricter: 0, restarts: 0,
  documented: {} as Record<string, number>, findings: {} as Record<string, number>,
};
const saved: Record<string, number> = {};
const savedFiles: string[] = [];

async function restartCrashed(): Promise<string[]> {
  const crashes: string[] = [];
  for (const s of Object.values(servers)) {
    if (s.crashed === null) continue;
    crashes.push(`${s.kind}: ${s.crashed}`);
    totals.restarts++;
    await s.start();
  }
  return crashes;
}

/** One input through the three servers; its findings. */
async function runOne(input: FuzzInput): Promise<{ findings: Finding[]; documented: string[] }> {
  const limit = input.holdOpen ? HOLD_LIMIT_MS : CLOSE_LIMIT_MS;
  const [wasm, js, node] = await Promise.all([
    exchange(servers.wasm, input, limit), exchange(servers.js, input, limit), exchange(servers.node, input, limit),
  ]);
  const v = compare(input.bytes, wasm, js, node);
  totals.inputs++;
  totals.bytes += input.bytes.length;
  totals.requests.wasm += v.requests.wasm;
  totals.requests.js += v.requests.js;
  totals.requests.node += v.requests.node;
  totals.stricter += v.stricter;
  for (const d of v.documented) totals.documented[d] = (totals.documented[d] ?? 0) + 1;
  for (const s of [servers.wasm, servers.js]) {
    for (const e of (await s.sync()).errors) v.findings.push({ kind: "server-error", detail: `${s.kind}: ${e}` });
  }
  for (const c of await restartCrashed()) v.findings.push({ kind: "crash", detail: c });
  return { findings: v.findings, documented: v.documented };
}

function record(findings: Finding[], input: FuzzInput, index: number): void {
  for (const f of findings) {
    const key = f.tag ? `${f.kind}/${f.tag}` : f.kind;
    totals.findings[key] = (totals.findings[key] ?? 0) + 1;
    if ((saved[key] ?? 0) >= SAVE_PER_KIND) continue;
    saved[key] = (saved[key] ?? 0) + 1;
    const fixture: Fixture = {
      kind: f.kind, detail: f.detail, seed: SEED, index, notes: input.notes,
      input: input.bytes.toString("base64"), splits: input.splits, holdOpen: input.holdOpen,
    };
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, `${f.kind}${f.tag ? "-" + f.tag : ""}-seed${SEED}-${index}.json`);
    writeFileSync(file, JSON.stringify(fixture, null, 2) + "\n");
    savedFiles.push(file);
    console.log(`FINDING ${f.kind} (input ${index}, ${input.notes.join(", ")}): ${f.detail.slice(0, 400)}\n  saved ${file}`);
  }
}

async function replay(fixtures: Fixture[], label: string): Promise<number> {
  let failing = 0;
  for (const [i, f] of fixtures.entries()) {
    const { findings } = await runOne(fixtureInput(f));
    if (findings.length) {
      failing++;
      console.log(`${label} ${i} (${f.kind}, seed ${f.seed} input ${f.index}) still fails: ${findings.map((x) => `${x.kind}: ${x.detail}`).join("; ").slice(0, 600)}`);
    }
  }
  console.log(`${label}: ${fixtures.length} replayed, ${failing} failing`);
  return failing;
}

async function heapSample(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of Object.values(servers)) out[s.kind] = (await s.sync(true)).heapUsed;
  return out;
}

async function main(): Promise<void> {
  await Promise.all(Object.values(servers).map((s) => s.start()));
  const started = Date.now();
  let status = 0;
  if (REPLAY !== undefined) {
    status = (await replay(loadFixtures(REPLAY), "replay")) ? 1 : 0;
    for (const s of Object.values(servers)) s.stop();
    process.exit(status);
  }
  const regressions = await replay(loadFixtures(REGRESSIONS), "regressions");
  const seeds = loadSeeds();
  console.log(`fuzz: seed ${SEED}, ${SECONDS} s, ${CONCURRENCY} inputs in flight, ${seeds.raw.length} seed inputs; servers wasm :${servers.wasm.port}, js :${servers.js.port}, node:http :${servers.node.port}`);
  const deadline = started + SECONDS * 1000;
  let next = 0;
  const heap: Array<Record<string, number>> = [];
  let nextHeap = Date.now() + 10_000;
  let lastReport = Date.now();
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline && next < MAX_INPUTS) {
      const index = next++;
      const input = generate(SEED, index, seeds);
      const { findings } = await runOne(input);
      record(findings, input, index);
      if (Date.now() >= nextHeap) {
        nextHeap = Date.now() + 15_000;
        heap.push(await heapSample());
      }
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        console.log(`  ${Math.round((Date.now() - started) / 1000)} s: ${totals.inputs} inputs, findings ${JSON.stringify(totals.findings)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  heap.push(await heapSample());
  const seconds = (Date.now() - started) / 1000;
  const growth: Record<string, number> = {};
  if (heap.length >= 2) {
    for (const k of ["wasm", "js"]) {
      // From the second sample on (the first is before the servers warmed up).
      const first = heap[Math.min(1, heap.length - 2)]![k]!;
      growth[k] = heap[heap.length - 1]![k]! - first;
      if (growth[k]! > HEAP_GROWTH_LIMIT) record([{ kind: "crash", detail: `${k}: heap grew ${(growth[k]! / 1048576).toFixed(1)} MB after GC` }], { bytes: Buffer.alloc(0), splits: [], holdOpen: false, notes: ["memory"] }, -1);
    }
  }
  for (const s of Object.values(servers)) s.stop();
  const findings = Object.values(totals.findings).reduce((a, b) => a + b, 0);
  const summary = {
    seed: SEED, seconds: Math.round(seconds), inputs: totals.inputs, bytes: totals.bytes, requests: totals.requests,
    findings: totals.findings, regressionsFailing: regressions, documentedDifferences: totals.documented,
    basehttpStricter: totals.stricter, serverRestarts: totals.restarts,
    heapAfterGcMb: heap.map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, +(v / 1048576).toFixed(1)]))),
    heapGrowthMb: Object.fromEntries(Object.entries(growth).map(([k, v]) => [k, +(v / 1048576).toFixed(1)])),
    saved: savedFiles, machine: { cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version },
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  console.log(`\nfuzz: ${totals.inputs} inputs (${(totals.bytes / 1048576).toFixed(1)} MB) in ${seconds.toFixed(0)} s, seed ${SEED}`);
  console.log(`  requests served: basehttp wasm ${totals.requests.wasm}, js ${totals.requests.js}, node:http ${totals.requests.node}`);
  console.log(`  node:http refused, basehttp served on purpose (README): ${JSON.stringify(totals.documented)}`);
  for (const k of Object.keys(totals.documented)) console.log(`    ${k}: ${DIFFERENCES[k]}`);
  console.log(`  basehttp refused what node:http served (stricter): ${totals.stricter} inputs`);
  console.log(`  heap after GC (MB, samples): ${summary.heapAfterGcMb.map((h) => JSON.stringify(h)).join(" ")}`);
  console.log(`  findings: ${findings === 0 && regressions === 0 ? "none" : JSON.stringify(totals.findings)}${regressions ? `, ${regressions} regression fixture(s) failing` : ""}`);
  if (findings || regressions) status = 1;
  process.exit(status);
}

await main();
