// The tokenizer on the corpus (bench/corpus.ts): every basehttp backend against Node's llhttp
// binding, llhttp compiled to WASM as undici ships it (scalar and SIMD) and http-parser-js, with
// the same consumer step (bench/candidates.ts). Every candidate must give the same answers
// before it is timed. The targets' ratios are then measured paired: the two full paths timed side
// by side in short alternations (timing.ts pairedRatios), the median of the alternations' ratios.
// Writes bench/results/tokenizer.json (bench/README.md, "Result files").
// Options: --quick, --rounds N, --time MS (per task per round).

import assert from "node:assert/strict";
import { answers, type Candidate } from "./candidates.js";
import { FIREFOX, FIREFOX_LENGTH, SCENARIOS, VARYING_SCENARIOS } from "./corpus.js";
import { begin, finish, numberOption, QUICK, type Target } from "./result.js";
import { roundSpread, showSpread, sig, spread, table } from "./stats.js";
import { allCandidates, checksum, tasksFor } from "./suite.js";
import { pairedRatios, round, type Timed } from "./timing.js";
import { harnessArgs } from "./args.js";

harnessArgs(import.meta.url, ["--quick"], ["--rounds", "--time"]);

const ROUNDS = numberOption("--rounds", QUICK ? 3 : 5);
const TIME_MS = numberOption("--time", QUICK ? 30 : 200);
/** Alternations of the paired measurement that the targets are read from (pairedRatios). */
const ALTERNATIONS = QUICK ? 200 : 1000;

function checkAgreement(candidates: readonly Candidate[]): void {
  assert.equal(FIREFOX.length, FIREFOX_LENGTH, "the Firefox request must be picohttpparser's 703 bytes");
  for (const sc of SCENARIOS) {
    const want = Array.from({ length: sc.requests }, () => sc.expected);
    for (const c of candidates) assert.deepEqual(answers(c, sc.bytes), want, `${c.name} on ${sc.name}`);
  }
  // Twice round the variants: the second time every candidate has seen them all once.
  for (const sc of VARYING_SCENARIOS) {
    const want = [...sc.expected, ...sc.expected];
    for (const c of candidates) assert.deepEqual(answers(c, sc.bytes, sc.variants, 2 * sc.variants.length), want, `${c.name} on ${sc.name}`);
  }
}

interface TokenizerRow {
  case: string;
  bytes: number;
  requests: number;
  backend: string;
  family: string;
  mode: string;
  nsPerRequest: { median: number; min: number; max: number };
  mbPerSec: { median: number; min: number; max: number };
}

/** Time ratio a/b of median ns per request on one case (below 1: a is faster). */
function ratio(rows: readonly TokenizerRow[], c: string, a: string, b: string, mode = "full", modeB = mode): number | null {
  const ns = (backend: string, m: string): number | undefined =>
    rows.find((r) => r.case === c && r.backend === backend && r.mode === m)?.nsPerRequest.median;
  const x = ns(a, mode);
  const y = ns(b, modeB);
  return x && y ? sig(x / y) : null;
}

/** Median ns per request of a backend's full path on a case. */
function ns(rows: readonly TokenizerRow[], c: string, backend: string): number {
  return rows.find((r) => r.case === c && r.backend === backend && r.mode === "full")?.nsPerRequest.median ?? NaN;
}

/** A target ratio: the full paths of `a` and `b` on case `c`, timed side by side (pairedRatios). */
interface PairedRatio {
  c: string;
  a: string;
  b: string;
  /** Median of the alternations' ratios, and their quartiles. */
  median: number;
  q1: number;
  q3: number;
}

/** The full-path ratios the targets name, each measured paired (pairedRatios) on its case's tasks. */
function pairedTargets(perCase: readonly { sc: { name: string }; tasks: Timed[] }[], wasm: string): PairedRatio[] {
  const want: [string, string, string][] = [
    ["firefox-703B", wasm, "js"], ["firefox-703B", wasm, "llhttp"], ["minimal", wasm, "js"],
    ["firefox-703B", "js", "llhttp"], ["firefox-703B", "js", "http-parser-js"],
  ];
  const out: PairedRatio[] = [];
  for (const c of new Set(want.map(([c]) => c))) {
    const tasks = perCase.find((x) => x.sc.name === c)?.tasks.filter((t) => t.mode === "full") ?? [];
    const mine = want.filter(([w]) => w === c);
    const index = (name: string): number => tasks.findIndex((t) => t.backend === name);
    const pairs = mine.map(([, a, b]) => [index(a), index(b)] as [number, number]).filter(([x, y]) => x >= 0 && y >= 0);
    if (pairs.length !== mine.length) continue;
    const ratios = pairedRatios(tasks, pairs, ALTERNATIONS, 2);
    for (const [i, [, a, b]] of mine.entries()) {
      const r = ratios[i]!.sort((x, y) => x - y);
      const at = (q: number): number => sig(r[Math.floor(q * (r.length - 1))]!);
      out.push({ c, a, b, median: at(0.5), q1: at(0.25), q3: at(0.75) });
    }
  }
  return out;
}

function targetsOf(rows: readonly TokenizerRow[], paired: readonly PairedRatio[], wasm: string): Target[] {
  const t = (issue: number | string, name: string, c: string, a: string, b: string, limit: number): Target => {
    const p = paired.find((x) => x.c === c && x.a === a && x.b === b);
    const value = p?.median ?? ratio(rows, c, a, b);
    const note = p
      ? `paired: median of ${ALTERNATIONS} side-by-side ratios (quartiles ${p.q1}-${p.q3}); the rounds' ratio of medians ${ratio(rows, c, a, b)}`
      : "ratio of the rounds' medians (the paired measurement did not run)";
    return { issue, name, value, target: `<= ${limit}`, met: value === null ? null : value <= limit, note };
  };
  const ff = "firefox-703B";
  return [
    t(9, `Firefox 703 B, full path: ${wasm} / twin (time)`, ff, wasm, "js", 0.5),
    t(9, `Firefox 703 B, full path: ${wasm} / llhttp (time)`, ff, wasm, "llhttp", 0.3),
    t(9, `minimal 40 B, full path: ${wasm} / twin (time)`, "minimal", wasm, "js", 1),
    t("earlier", `Firefox 703 B, full path: twin / llhttp (time)`, ff, "js", "llhttp", 0.5),
    t("earlier", `Firefox 703 B, full path: twin / http-parser-js (time)`, ff, "js", "http-parser-js", 0.2),
  ];
}

function main(): void {
  const head = begin("tokenizer", QUICK);
  const candidates = allCandidates();
  checkAgreement(candidates);
  const wasm = candidates.find((c) => c.name.startsWith("wasm"))?.name ?? "wasm-simd";
  console.log(`tokenizer on the corpus: ${candidates.map((c) => c.name).join(", ")}; ${ROUNDS} rounds x ${TIME_MS} ms per task`);
  const perCase = [
    ...SCENARIOS.map((sc) => ({ sc, tasks: tasksFor(sc.bytes, sc.requests, candidates) })),
    // Values that change: the full path only (copy+scan and the kernel make no strings).
    ...VARYING_SCENARIOS.map((sc) => ({ sc: { ...sc, requests: 1 }, tasks: tasksFor(sc.bytes, 1, candidates, ["full"], sc.variants) })),
  ];
  for (let r = 0; r < ROUNDS; r++) {
    for (const { tasks } of perCase) round(tasks, r, TIME_MS);
    console.log(`  round ${r + 1}/${ROUNDS} done`);
  }
  const rows: TokenizerRow[] = perCase.flatMap(({ sc, tasks }) =>
    tasks.map((t) => {
      const bytesPerRequest = sc.bytes.length / sc.requests;
      return {
        case: sc.name,
        bytes: bytesPerRequest,
        requests: sc.requests,
        backend: t.backend,
        family: candidates.find((c) => c.name === t.backend)!.family,
        mode: t.mode,
        nsPerRequest: roundSpread(spread(t.samples)),
        mbPerSec: roundSpread(spread(t.samples.map((ns) => (bytesPerRequest / ns) * 1e3))),
      };
    }),
  );
  for (const sc of [...SCENARIOS, ...VARYING_SCENARIOS.map((v) => ({ ...v, requests: 1 }))]) {
    console.log(`\n${sc.name}: ${sc.bytes.length} bytes, ${sc.requests} request(s); ns/request, median (min–max)`);
    console.log(table(["backend", "mode", "ns/request", "MB/s"], rows.filter((r) => r.case === sc.name).map((r) => [r.backend, r.mode, showSpread(r.nsPerRequest), showSpread(r.mbPerSec)])));
  }
  console.log(`\nfull path with values that change, ratios of medians`);
  console.log(table(["case", `${wasm} / twin`, `${wasm} / llhttp`, `${wasm} / its repeated Firefox`, "twin / its repeated Firefox"],
    VARYING_SCENARIOS.map((v) => [v.name, String(ratio(rows, v.name, wasm, "js")), String(ratio(rows, v.name, wasm, "llhttp")),
      String(sig(ns(rows, v.name, wasm) / ns(rows, "firefox-703B", wasm))), String(sig(ns(rows, v.name, "js") / ns(rows, "firefox-703B", "js")))])));
  // The targets' ratios, measured side by side after the rounds (every candidate warm).
  const paired = pairedTargets(perCase, wasm);
  console.log(`\nfull path ratios, paired (${ALTERNATIONS} alternations) against the rounds' ratio of medians`);
  console.log(table(["case", "a / b", "paired median", "quartiles", "ratio of medians"],
    paired.map((p) => [p.c, `${p.a} / ${p.b}`, String(p.median), `${p.q1}-${p.q3}`, String(ratio(rows, p.c, p.a, p.b))])));
  const targets = targetsOf(rows, paired, wasm);
  console.log(`\ntargets`);
  console.log(table(["issue", "target", "limit", "measured", ""], targets.map((t) => [String(t.issue), t.name, t.target, String(t.value ?? "-"), t.met ? "met" : "MISSED"])));
  finish(head, {
    rounds: ROUNDS,
    timePerTaskMs: TIME_MS,
    defaultWasm: wasm,
    chart: { metric: "nsPerRequest", label: "ns per request", better: "lower" },
    note: "ns/request: median of per-round tinybench p50s, min and max across rounds. full = parse + the consumer step; copy+scan = WASM copy-in and scan, no strings; kernel = the scan on bytes already in place. Target ratios: paired (the full paths timed side by side, median of the alternations' ratios).",
    rows: rows as unknown as Record<string, unknown>[],
    paired: { alternations: ALTERNATIONS, callsPerTurn: 2, ratios: paired },
    targets,
  });
  console.log(`checksum ${checksum() % 1000}`);
}

main();
