// Where WebAssembly starts to pay: every candidate over a sweep of head sizes (40 B to 16 KB:
// a request line, Host, and a Cookie that grows) and of header counts (1 to 99 short fields, the most CPython accepts),
// timed in-process as bench/tokenizer.bench.ts times the corpus. For each pair of lines the
// crossover (where the first becomes faster) is interpolated on the log-size axis.
// Writes bench/results/sweep.json. Options: --quick, --rounds N, --time MS.

import assert from "node:assert/strict";
import { answers } from "./candidates.js";
import type { Expected } from "./corpus.js";
import { begin, finish, numberOption, QUICK } from "./result.js";
import { roundSpread, sig, spread, table } from "./stats.js";
import { allCandidates, checksum, tasksFor } from "./suite.js";
import { round, type Timed } from "./timing.js";
import { harnessArgs } from "./args.js";

const ROUNDS = numberOption("--rounds", 3);
const TIME_MS = numberOption("--time", QUICK ? 10 : 80);

export const SIZES = [40, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
/** Up to 99: CPython (and basehttp) refuse a 100th field, as http.client.parse_headers counts the blank line against _MAXHEADERS. */
export const COUNTS = [1, 2, 5, 10, 25, 50, 99];

const LINE = "GET / HTTP/1.1\r\n";
const HOST = "Host: 127.0.0.1:8000\r\n";
const COOKIE_TEXT = "session=7b5c1f0a9e3d4c28b6a1f2e3d4c5b6a7; csrftoken=Qm9vdHN0cmFwLWNzcmYtdG9rZW4; _ga=GA1.2.1234567890.1712345678; theme=dark; ";

/** A head of exactly `size` bytes: the request line, Host and (from 51 bytes) a Cookie filling the rest. */
export function headOfSize(size: number): Buffer {
  const base = LINE.length + HOST.length + 2;
  if (size === base) return Buffer.from(LINE + HOST + "\r\n", "latin1");
  const valueLength = size - base - "Cookie: \r\n".length;
  if (valueLength < 1) throw new RangeError(`no head of ${size} bytes`);
  const value = COOKIE_TEXT.repeat(Math.ceil(valueLength / COOKIE_TEXT.length)).slice(0, valueLength).trimEnd().padEnd(valueLength, "x");
  return Buffer.from(`${LINE}${HOST}Cookie: ${value}\r\n\r\n`, "latin1");
}

/** A head with `count` header fields: Host, then short fields as browsers and proxies add them. */
export function headWithFields(count: number): Buffer {
  let text = LINE + HOST;
  for (let i = 1; i < count; i++) text += `X-Field-${String(i).padStart(3, "0")}: value-${(i * 7919) % 100000}\r\n`;
  return Buffer.from(text + "\r\n", "latin1");
}

const EXPECTED: Expected = { method: "GET", target: "/", version: "HTTP/1.1", host: "127.0.0.1:8000", contentLength: -1, connection: "" };

/** The lines drawn and compared: (a, mode a) against (b, mode b). */
const PAIRS: [string, string, string, string][] = [
  ["wasm-simd", "full", "js", "full"],
  ["wasm-simd", "copy+scan", "js", "kernel"],
  ["wasm-simd", "full", "llhttp", "full"],
  ["wasm-simd", "full", "llhttp-wasm-simd", "full"],
  ["llhttp-wasm-simd", "full", "llhttp", "full"],
];

interface SweepPoint {
  case: "size" | "headers";
  x: number;
  bytes: number;
  fields: number;
  backend: string;
  mode: string;
  nsPerRequest: { median: number; min: number; max: number };
}

/**
 * Where line a stops being slower than line b (or the other way), on a log-x axis: for each
 * change of sign of log(a/b) between two points, x interpolated. Empty when no crossing.
 */
export function crossovers(points: readonly { x: number; a: number; b: number }[]): { x: number; aFasterAbove: boolean }[] {
  const out: { x: number; aFasterAbove: boolean }[] = [];
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    const r0 = Math.log(p.a / p.b);
    const r1 = Math.log(q.a / q.b);
    if (r0 === 0 && i === 1) out.push({ x: p.x, aFasterAbove: r1 < 0 });
    if ((r0 > 0 && r1 <= 0) || (r0 < 0 && r1 >= 0)) {
      const f = r0 / (r0 - r1);
      out.push({ x: sig(Math.exp(Math.log(p.x) + f * (Math.log(q.x) - Math.log(p.x)))), aFasterAbove: r1 < r0 });
    }
  }
  return out;
}

function main(): void {
  const head = begin("sweep", QUICK);
  const candidates = allCandidates();
  const wanted = (backend: string, mode: string): boolean =>
    mode === "full" || ((backend === "wasm-simd" || backend === "wasm-scalar") && mode === "copy+scan") || (backend === "js" && mode === "kernel");
  const points = [
    ...SIZES.map((x) => ({ case: "size" as const, x, bytes: headOfSize(x) })),
    ...COUNTS.map((x) => ({ case: "headers" as const, x, bytes: headWithFields(x) })),
  ];
  for (const p of points) for (const c of candidates) assert.deepEqual(answers(c, p.bytes), [EXPECTED], `${c.name} on ${p.case} ${p.x}`);
  const perPoint = points.map((p) => ({
    p,
    tasks: tasksFor(p.bytes, 1, candidates).filter((t: Timed) => wanted(t.backend, t.mode)),
  }));
  console.log(`sweep: ${SIZES.length} sizes, ${COUNTS.length} header counts, ${perPoint[0]!.tasks.length} lines; ${ROUNDS} rounds x ${TIME_MS} ms per task`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const { tasks } of perPoint) round(tasks, r, TIME_MS);
    console.log(`  round ${r + 1}/${ROUNDS} done`);
  }
  const rows: SweepPoint[] = perPoint.flatMap(({ p, tasks }) =>
    tasks.map((t) => ({
      case: p.case,
      x: p.x,
      bytes: p.bytes.length,
      fields: p.bytes.toString("latin1").split("\r\n").length - 3,
      backend: t.backend,
      mode: t.mode,
      nsPerRequest: roundSpread(spread(t.samples)),
    })),
  );
  const found = [];
  for (const sweep of ["size", "headers"] as const) {
    for (const [a, ma, b, mb] of PAIRS) {
      const line = (backend: string, mode: string) => rows.filter((r) => r.case === sweep && r.backend === backend && r.mode === mode);
      const la = line(a, ma);
      const lb = line(b, mb);
      if (!la.length || !lb.length) continue;
      const pts = la.map((r, i) => ({ x: r.x, a: r.nsPerRequest.median, b: lb[i]!.nsPerRequest.median }));
      found.push({
        case: sweep, a: `${a} ${ma}`, b: `${b} ${mb}`,
        crossovers: crossovers(pts),
        ratioFirst: sig(pts[0]!.a / pts[0]!.b), ratioLast: sig(pts.at(-1)!.a / pts.at(-1)!.b),
      });
    }
  }
  for (const sweep of ["size", "headers"] as const) {
    const xs = sweep === "size" ? SIZES : COUNTS;
    const lines = [...new Set(rows.filter((r) => r.case === sweep).map((r) => `${r.backend} ${r.mode}`))];
    console.log(`\n${sweep === "size" ? "head size, bytes" : "header fields"}: ns/request (median)`);
    console.log(table(["line", ...xs.map(String)], lines.map((l) => [l, ...xs.map((x) => String(rows.find((r) => r.case === sweep && r.x === x && `${r.backend} ${r.mode}` === l)?.nsPerRequest.median ?? "-"))])));
  }
  console.log("\ncrossovers (x where the first line starts being faster or slower than the second)");
  for (const f of found) console.log(`  ${f.case}: ${f.a} vs ${f.b}: ${f.crossovers.map((c) => `${c.x} (${c.aFasterAbove ? "faster" : "slower"} above)`).join(", ") || "none"}; ratio ${f.ratioFirst} at the first point, ${f.ratioLast} at the last`);
  finish(head, {
    rounds: ROUNDS,
    timePerTaskMs: TIME_MS,
    note: "size: request line + Host + a Cookie filling the head to x bytes; headers: Host + x-1 short fields. ns/request median of per-round p50s.",
    chart: { metric: "nsPerRequest", label: "ns per request", better: "lower" },
    rows: rows as unknown as Record<string, unknown>[],
    crossovers: found,
    targets: [],
  });
  console.log(`checksum ${checksum() % 1000}`);
}

if (process.argv[1]?.endsWith("sweep.bench.ts")) {
  harnessArgs(import.meta.url, ["--quick"], ["--rounds", "--time"]);
  main();
}
