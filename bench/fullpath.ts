// Where the WASM full path's time goes on the 703-byte Firefox request (issue 9), as a tool for
// the next attempt: every part timed in one process, interleaved in short rounds (a few µs to
// 80 µs each) beside llhttp's full path, the 10th percentile and the minimum of each kept. On a
// machine shared with other work the median of long rounds moves by 2x while these hold within a
// few percent; read ratios inside one run only. Then the other tasks of `npm run bench:tokenizer`
// run once (every backend on every scenario) and the full paths are timed again in the same
// process: the difference is what that benchmark's process adds (bench/NOTES.md, session 7).
// Writes nothing. Options: --rounds N (default 400).

import { consumePairs, llhttpCandidate, type Sink } from "./candidates.js";
import { FIREFOX, SCENARIOS, VARYING_SCENARIOS } from "./corpus.js";
import { numberOption } from "./result.js";
import { allCandidates, tasksFor } from "./suite.js";
import { decodeHead, type RequestHead } from "../src/tokenizer/head.js";
import { createParseRequestHead } from "../src/tokenizer/index.js";
import { latin1 } from "../src/tokenizer/latin1.js";
import { WasmTokenizer } from "../src/tokenizer/wasm.js";
import { harnessArgs } from "./args.js";

harnessArgs(import.meta.url, [], ["--rounds"]);

const ROUNDS = numberOption("--rounds", 400);
/** Heads per timed call. */
const PER = 10;

let acc = 0;
const sink: Sink = (method, target, version, host, cl, conn) => {
  acc += method.length + target.length + version.length + host.length + cl + conn.length;
};

interface Figure {
  p10: number;
  min: number;
}

/** ns per head of each part: rounds of one call each, the order rotated every round. */
function measure(parts: readonly [string, () => void][]): Map<string, Figure> {
  const samples = new Map<string, number[]>(parts.map(([name]) => [name, []]));
  for (const [, fn] of parts) for (let i = 0; i < 50; i++) fn();
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < parts.length; j++) {
      const [name, fn] = parts[(j + r) % parts.length]!;
      const t0 = process.hrtime.bigint();
      fn();
      samples.get(name)!.push(Number(process.hrtime.bigint() - t0) / PER);
    }
  }
  const out = new Map<string, Figure>();
  for (const [name, s] of samples) {
    s.sort((a, b) => a - b);
    out.set(name, { p10: s[Math.floor(s.length / 10)]!, min: s[0]! });
  }
  return out;
}

function show(title: string, figures: Map<string, Figure>): void {
  console.log(`\n${title} (ns per head: 10th percentile, min)`);
  for (const [name, f] of figures) console.log(`  ${name.padEnd(34)} ${f.p10.toFixed(0).padStart(6)} ${f.min.toFixed(0).padStart(6)}`);
  const w = figures.get("wasm-simd full (parseRequestHead)");
  const l = figures.get("llhttp full");
  if (w && l) console.log(`  wasm-simd / llhttp: ${(w.p10 / l.p10).toFixed(3)} (p10), ${(w.min / l.min).toFixed(3)} (min)`);
}

const ring = Array.from({ length: 4 }, () => Buffer.from(FIREFOX));
let turn = 0;
const n = FIREFOX.length;
const times = (fn: () => void) => () => {
  for (let i = 0; i < PER; i++) fn();
};

// The full paths as the benchmark drives them (its consumer; a ring of fresh buffers).
const parse = createParseRequestHead("simd");
const options = { start: 0, end: n, headLimit: 1 << 20 };
const wasmFull = times(() => {
  const r = parse(ring[turn++ & 3]!, options) as RequestHead;
  consumePairs(r.headers, sink, r.method, r.target, r.version);
});
const llhttpFull = times(llhttpCandidate().prepare(FIREFOX, sink).full);
const parseOnly = times(() => {
  acc += (parse(ring[turn++ & 3]!, options) as RequestHead).length;
});
// The parts, on a tokenizer of their own (a second instance: the scan call sees two targets).
const tok = new WasmTokenizer("simd");
const scanFresh = times(() => {
  acc += tok.scanFresh(ring[turn++ & 3]!, 0, n, 1 << 20);
});
tok.scanFresh(FIREFOX, 0, n, 1 << 20);
const table = tok.memoryTable;
const base = tok.memoryTableBase;
const decode = times(() => {
  acc += decodeHead(ring[turn++ & 3]!, 0, table, base, n).headers.length;
});
const heads = ring.map((b) => decodeHead(b, 0, table, base, n));
const consume = times(() => {
  const r = heads[turn++ & 3]!;
  consumePairs(r.headers, sink, r.method, r.target, r.version);
});
const text = times(() => {
  acc += latin1(ring[turn++ & 3]!, 0, n).length;
});
const region = Buffer.alloc(65536);
const copy = times(() => {
  region.set(ring[turn++ & 3]!, 1024);
});

const fulls: [string, () => void][] = [["wasm-simd full (parseRequestHead)", wasmFull], ["llhttp full", llhttpFull]];
show("Firefox 703 B, this process only", measure([
  ...fulls,
  ["  parseRequestHead alone", parseOnly],
  ["    scanFresh (copy + kernel)", scanFresh],
  ["      copy: TypedArray set, 703 B", copy],
  ["    decodeHead on a scanned table", decode],
  ["      the head as one string", text],
  ["  the consumer alone", consume],
]));

// The other tasks of bench:tokenizer, once each, as its rounds run them.
const candidates = allCandidates();
const tasks = [
  ...SCENARIOS.map((sc) => tasksFor(sc.bytes, sc.requests, candidates)),
  ...VARYING_SCENARIOS.map((sc) => tasksFor(sc.bytes, 1, candidates, ["full"], sc.variants)),
].flat();
for (const t of tasks) for (let i = 0; i < 20; i++) t.run();
show("the same full paths after every other task of bench:tokenizer ran in this process", measure(fulls));
console.log(`\nchecksum ${acc % 1000}`);
