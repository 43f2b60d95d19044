// Turns the results of one `npm run bench` (bench/results/<scenario>.json) into
// bench/results/REPORT.md with one SVG chart per scenario in bench/results/charts/, the headline
// table (also copied into the README), the targets of issues 6, 8, 9 and 10 beside their
// values, and "Does WebAssembly pay?", every sentence of which is computed from the figures.
// `npm run bench:report` regenerates the report from the JSON files without measuring.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { whyMissed } from "./missed.js";
import type { Result, Target } from "./result.js";
import { sig } from "./stats.js";
import { barChart, fmt, lineChart, type BarGroup, type Series } from "./svg.js";

export interface ScenarioEntry {
  name: string;
  status: "ok" | "failed" | "skipped";
  reason?: string;
  result?: Result;
  /** The result comes from an earlier run (this run did not include the scenario). */
  earlier?: boolean;
  seconds?: number;
}

export interface RunMeta {
  date: string;
  command: string;
  quick: boolean;
  durationSeconds: number;
  historyFile?: string;
  /** `npm run bench:report`: the latest result of each scenario rendered again, nothing measured. */
  reportOnly?: boolean;
}

type Row = Record<string, unknown>;
interface Sp {
  median: number;
  min: number;
  max: number;
}

const RESULTS = new URL("./results/", import.meta.url);

function isSpread(v: unknown): v is Sp {
  return typeof v === "object" && v !== null && typeof (v as Sp).median === "number";
}
function med(v: unknown): number | undefined {
  return typeof v === "number" ? v : isSpread(v) ? v.median : undefined;
}
function cell(v: unknown): string {
  if (v === undefined || v === null) return "-";
  if (typeof v === "number") return fmt(v);
  if (isSpread(v)) return v.min === v.max ? fmt(v.median) : `${fmt(v.median)} (${fmt(v.min)}–${fmt(v.max)})`;
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.map(cell).join(", ");
  return String(v).replace(/\|/g, "\\|").replace(/\n/g, " ");
}
function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
function pct(x: number): string {
  return `${Number((x * 100).toPrecision(2))} %`;
}
function times(r: number): string {
  return `${sig(r, 2)}x`;
}

/** Accessors over the results of one run. */
class Figures {
  constructor(readonly by: Map<string, Result>) {}
  rows(scenario: string): Row[] {
    return this.by.get(scenario)?.rows ?? [];
  }
  tok(c: string, backend: string, mode = "full"): Sp | undefined {
    const r = this.rows("tokenizer").find((x) => x.case === c && x.backend === backend && x.mode === mode);
    return r ? (r.nsPerRequest as Sp) : undefined;
  }
  /**
   * The time ratio a/b of two full paths timed side by side (tokenizer.json `paired`), if the run has
   * it. The medians of separate rounds can compare a fast stretch of the machine with a slow one
   * (bench/timing.ts pairedRatios), so a ratio in words prefers this.
   */
  paired(c: string, a: string, b: string): number | undefined {
    const p = (this.by.get("tokenizer") as { paired?: { ratios?: { c: string; a: string; b: string; median: number }[] } } | undefined)?.paired;
    return p?.ratios?.find((x) => x.c === c && x.a === a && x.b === b)?.median;
  }
  server(scenario: string, c: string, kind: string): Row | undefined {
    return this.rows(scenario).find((x) => x.case === c && x.kind === kind);
  }
  rps(scenario: string, c: string, kind: string): Sp | undefined {
    return this.server(scenario, c, kind)?.reqPerSec as Sp | undefined;
  }
  sweep(c: string, backend: string, mode: string): { x: number; y: number }[] {
    return this.rows("sweep")
      .filter((r) => r.case === c && r.backend === backend && r.mode === mode)
      .map((r) => ({ x: r.x as number, y: (r.nsPerRequest as Sp).median }));
  }
}

/** Chart titles of the scenarios drawn as bars. */
const TITLES: Record<string, string> = {
  dates: "HTTP date (IMF-fixdate) per call",
  server: "Hello-world server under wrk -t1 -c50 (loopback)",
  "server-large": "The same server, every request a 2 KB head with 25 fields",
  static: "Static files (npm run bench:static)",
  stress: "Connections under stress (npm run stress)",
};

const HELLO_CASES = ["keep-alive", "pipelined x16", "connection per request"];

function headline(f: Figures): string {
  const cols = ["basehttp wasm", "basehttp js (twin)", "node:http / llhttp", "llhttp WASM (undici, SIMD)", "http-parser-js", "CPython", "raw node:net"];
  const rows: string[][] = [];
  const tokRow = (label: string, c: string): void => {
    if (!f.tok(c, "js")) return;
    rows.push([label, ...["wasm-simd", "js", "llhttp", "llhttp-wasm-simd", "http-parser-js"].map((b) => cell(f.tok(c, b)?.median)), "-", "-"]);
  };
  tokRow("parse the 703-byte Firefox request, with strings (ns)", "firefox-703B");
  tokRow("parse a 40-byte request (ns)", "minimal");
  tokRow("parse a 2 KB request with 25 fields (ns)", "large-25-headers");
  const srvRow = (label: string, scenario: string, c: string): void => {
    if (!f.server(scenario, c, "basehttp-wasm") && !f.server(scenario, c, "node")) return;
    const v = (k: string): string => cell(f.rps(scenario, c, k)?.median);
    rows.push([label, v("basehttp-wasm"), v("basehttp-js"), v("node"), "-", "-", v("python"), v("net")]);
  };
  srvRow("hello, keep-alive (req/s)", "server", "keep-alive");
  srvRow("hello, pipelined x16 (req/s)", "server", "pipelined x16");
  srvRow("hello, one request per connection (req/s)", "server", "connection per request");
  srvRow("2 KB heads, keep-alive (req/s)", "server-large", "keep-alive");
  srvRow("2 KB heads, pipelined x16 (req/s)", "server-large", "pipelined x16");
  if (!rows.length) return "_No figures: the tokenizer and server scenarios did not run._";
  const pj = f.paired("firefox-703B", "wasm-simd", "js");
  const pl = f.paired("firefox-703B", "wasm-simd", "llhttp");
  const side = pj !== undefined && pl !== undefined
    ? `\n\nThe parse times above are medians of rounds timed one parser after another, which a machine whose speed drifts can skew; timed side by side in the same run, WASM takes ${times(pj)} the twin's time and ${times(pl)} llhttp's on the Firefox request.`
    : "";
  return mdTable(["", ...cols], rows) + side;
}

/** "a is N times as fast as b" from two times (or rates, `higher`), in words. */
function asFast(a: number, b: number, higher = false): string {
  return speedup(higher ? a / b : b / a);
}
/** "N times as fast as" from a speed ratio (b's time over a's). */
function speedup(r: number): string {
  if (r >= 0.95 && r <= 1.05) return "about as fast as";
  return r > 1 ? `${sig(r, 2)} times as fast as` : `${sig(1 / r, 2)} times slower than`;
}

/** WASM against the twin in the servers, per (heads, case): req/s, whether the ranges overlap, parsing's share of server CPU. */
function endToEnd(f: Figures): { heads: string; c: string; wasm: Sp; js: Sp; overlap: boolean; share?: number; cpuUs: number; parseDiff?: number }[] {
  const out: ReturnType<typeof endToEnd> = [];
  for (const [scenario, tokCase, heads] of [["server", "minimal", "hello"], ["server-large", "large-25-headers", "2 KB heads"]] as const) {
    const pw = f.tok(tokCase, "wasm-simd")?.median;
    const pj = f.tok(tokCase, "js")?.median;
    for (const c of HELLO_CASES) {
      const rw = f.server(scenario, c, "basehttp-wasm");
      const rj = f.server(scenario, c, "basehttp-js");
      if (!rw || !rj) continue;
      const wasm = rw.reqPerSec as Sp;
      const js = rj.reqPerSec as Sp;
      const cpuUs = (rw.cpuUsPerRequest as Sp).median;
      out.push({
        heads, c, wasm, js, cpuUs,
        overlap: wasm.min <= js.max && js.min <= wasm.max,
        ...(pw !== undefined ? { share: pw / (cpuUs * 1000) } : {}),
        ...(pw !== undefined && pj !== undefined ? { parseDiff: (pj - pw) / (cpuUs * 1000) } : {}),
      });
    }
  }
  return out;
}

/** The report's opening: the reader's questions answered in plain words, every figure from this run. */
function inShort(f: Figures, targets: Target[], machine: Result["machine"] | undefined): string {
  const out: string[] = [];
  const ff = "firefox-703B";
  const w = f.tok(ff, "wasm-simd")?.median;
  const j = f.tok(ff, "js")?.median;
  const ll = f.tok(ff, "llhttp")?.median;
  const e2e = endToEnd(f);
  if (w !== undefined && j !== undefined) {
    const pj = f.paired(ff, "wasm-simd", "js");
    const pl = f.paired(ff, "wasm-simd", "llhttp");
    const rj = pj ?? w / j;
    const parser = rj < 1 ? "For the parser alone, yes" : "For the parser alone, no";
    let s = `**Does WebAssembly pay for parsing?** ${parser}: basehttp's WebAssembly parser reads a typical browser request (Firefox's, 703 bytes, into the strings a server needs) in ${fmt(w)} ns, `;
    if (pj !== undefined && (ll === undefined || pl !== undefined)) {
      s += `${speedup(1 / pj)} the same parser written in TypeScript` + (pl !== undefined ? ` and ${speedup(1 / pl)} Node's own parser, llhttp` : "") +
        ` (the ratios from the parsers timed side by side; the medians of separate rounds, which a machine whose speed drifts can skew, were ${fmt(j)} ns` + (ll !== undefined ? ` and ${fmt(ll)} ns` : "") + ").";
    } else {
      s += `${asFast(w, j)} the same parser written in TypeScript (${fmt(j)} ns)` + (ll !== undefined ? ` and ${asFast(w, ll)} Node's own parser, llhttp (${fmt(ll)} ns)` : "") + ".";
    }
    if (e2e.length) {
      s += " In a whole server the difference is smaller, because parsing is a small part of what a request costs";
      const small = e2e.filter((x) => x.heads === "hello" && x.share !== undefined).map((x) => x.share!);
      if (small.length) s += ` (${pct(Math.min(...small))} to ${pct(Math.max(...small))} of the server's CPU time for a hello-world request; the rest is the server's other work: Node's sockets, system calls, the handler and its answer)`;
      s += ".";
      for (const heads of ["2 KB heads", "hello"]) {
        const list = e2e.filter((x) => x.heads === heads);
        if (!list.length) continue;
        const what = heads === "hello" ? "With hello-world requests" : "With 2 KB request heads (25 fields)";
        const each = list.map((x) => `${times(x.wasm.median / x.js.median)} (${x.c})`);
        const ratios = each.length > 1 ? `${each.slice(0, -1).join(", ")} and ${each.at(-1)}` : each[0]!;
        const verdict = (x: (typeof list)[number]): string => (x.overlap ? "level" : x.wasm.median > x.js.median ? "ahead" : "behind");
        const all = new Set(list.map(verdict));
        s += ` ${what} the WebAssembly build serves ${ratios} the requests per second of the TypeScript build: ` +
          (all.size > 1
            ? list.map((x) => `${x.c} ${verdict(x) === "level" ? "level within the noise" : `${verdict(x)} beyond the noise`}`).join(", ")
            : all.has("level")
              ? "level within this machine's noise (the ranges over rounds overlap)"
              : all.has("ahead") ? "ahead beyond the noise" : "behind beyond the noise") + ".";
      }
    }
    out.push(s);
  }
  const vs = (kind: string, label: string, who = label): string | undefined => {
    const cases = HELLO_CASES.map((c) => {
      const b = f.rps("server", c, "basehttp-wasm")?.median;
      const o = f.rps("server", c, kind)?.median;
      return b !== undefined && o !== undefined ? `${times(b / o)} ${c === "pipelined x16" ? "with 16 pipelined requests per write" : c === "keep-alive" ? "with keep-alive" : "with a new connection per request"}` : undefined;
    }).filter((x): x is string => x !== undefined);
    if (!cases.length) return undefined;
    const [first, ...rest] = cases;
    const tail = rest.length ? `, ${rest.slice(0, -1).map((x) => `${x}, `).join("")}${rest.length > 1 ? "and " : "and "}${rest.at(-1)}` : "";
    return `**basehttp against ${label}** (${who === label ? "" : `${who}, `}the same hello-world handler under wrk, one core each): basehttp (WebAssembly parser) serves ${first!.replace(/^(\S+) /, `$1 ${label}'s requests per second `)}${tail}.`;
  };
  const node = vs("node", "node:http");
  if (node) out.push(node);
  const py = vs("python", "CPython", "its ThreadingHTTPServer");
  const staticRow = (c: string, server: string, field: string): number | undefined => med(f.rows("static").find((r) => r.case === c && r.server === server)?.[field]);
  const k1 = staticRow("1 KB file", "basehttp", "reqPerSec");
  const k1p = staticRow("1 KB file", "python3 -m http.server", "reqPerSec");
  const m1 = staticRow("1 MB file", "basehttp", "mbPerSec");
  const m1p = staticRow("1 MB file", "python3 -m http.server", "mbPerSec");
  const files = k1 !== undefined && k1p !== undefined
    ? ` Serving files, the \`basehttp\` command (HTTP/1.0, as \`python3 -m http.server\`) answers ${times(k1 / k1p)} the requests per second of \`python3 -m http.server\` for a 1 KB file${m1 !== undefined && m1p !== undefined ? ` and sends ${times(m1 / m1p)} its MB/s for a 1 MB file` : ""}.`
    : "";
  if (py || files) out.push((py ?? "**basehttp against CPython.**") + files);
  const measured = targets.filter((t) => t.met !== null);
  if (measured.length) {
    const met = measured.filter((t) => t.met).length;
    out.push(`**Targets:** ${met} of the ${measured.length} measured are met; ${measured.length - met === 0 ? "none is missed" : `the ${measured.length - met} missed are listed with the reason under [Targets](#targets)`}.`);
  }
  if (machine) {
    out.push(`Measured on one ${machine.cores}-core machine (${machine.cpu}, Node ${machine.node}) shared with other work, client and server on the same machine: read the ratios, not the absolute figures. Details under [The run](#the-run).`);
  }
  return out.length ? out.map((s) => `- ${s}`).join("\n") : "_No figures: the tokenizer and server scenarios did not run._";
}

/** "Does WebAssembly pay?": every sentence from the figures of this run. */
function doesWasmPay(f: Figures): string {
  const out: string[] = [];
  const ff = "firefox-703B";
  const w = f.tok(ff, "wasm-simd");
  const j = f.tok(ff, "js");
  const verdicts: string[] = [];
  if (w && j) {
    const ll = f.tok(ff, "llhttp");
    const lw = f.tok(ff, "llhttp-wasm-simd");
    const wk = f.tok(ff, "wasm-simd", "kernel");
    const jk = f.tok(ff, "js", "kernel");
    const pj = f.paired(ff, "wasm-simd", "js");
    const pl = f.paired(ff, "wasm-simd", "llhttp");
    const side = pj !== undefined ? " (timed side by side)" : "";
    const rj = pj ?? w.median / j.median;
    out.push(
      `**The parser alone, ${rj < 1 ? "yes" : "no"}.** On the 703-byte Firefox request, with the strings a server needs, basehttp's WASM (SIMD) takes ${fmt(w.median)} ns and its TypeScript twin ${fmt(j.median)} ns (medians of this run's rounds): ` +
        `WASM needs ${times(rj)} the twin's time${side}` +
        (ll ? `, ${times(pl ?? w.median / ll.median)} the time of Node's native llhttp binding (${fmt(ll.median)} ns${pl !== undefined ? "; timed side by side" : ""})` : "") +
        (lw ? ` and ${times(w.median / lw.median)} that of llhttp compiled to WASM as undici ships it (${fmt(lw.median)} ns)` : "") +
        "." +
        (wk && jk ? ` The scanning kernels alone: ${fmt(wk.median)} ns against ${fmt(jk.median)} (${times(wk.median / jk.median)}).` : ""),
    );
    verdicts.push(rj < 1 ? "the parser alone: yes" : "the parser alone: no");
  }
  const small = f.tok("minimal", "wasm-simd");
  const smallJ = f.tok("minimal", "js");
  const sweepW = f.sweep("size", "wasm-simd", "full");
  const sweepJ = f.sweep("size", "js", "full");
  if (sweepW.length && sweepJ.length) {
    const cross = crossing(sweepW, sweepJ);
    const first = sweepW[0]!.y / sweepJ[0]!.y;
    const last = sweepW.at(-1)!.y / sweepJ.at(-1)!.y;
    out.push(
      `**Where it starts to pay.** ` +
        (cross === undefined
          ? last < 1 && first < 1
            ? `WASM's full path is faster than the twin's at every head size from ${sweepW[0]!.x} B to ${sweepW.at(-1)!.x} B (${times(first)} to ${times(last)} the twin's time).`
            : `WASM's full path is not faster than the twin's at any head size measured (${times(first)} to ${times(last)} the twin's time).`
          : `WASM's full path overtakes the twin's at about ${Math.round(cross)} bytes of head: at ${sweepW[0]!.x} B it needs ${times(first)} the twin's time (the copy into linear memory and the call cost what the scan saves), at ${sweepW.at(-1)!.x} B ${times(last)}.`) +
        (small && smallJ ? ` On the corpus's 40-byte request: ${fmt(small.median)} ns against ${fmt(smallJ.median)}.` : ""),
    );
    const hw = f.sweep("headers", "wasm-simd", "full");
    const hj = f.sweep("headers", "js", "full");
    if (hw.length && hj.length) {
      const hc = crossing(hw, hj);
      out.push(
        hc === undefined
          ? `Over header counts (1 to ${hw.at(-1)!.x} short fields) WASM needs ${times(hw[0]!.y / hj[0]!.y)} to ${times(hw.at(-1)!.y / hj.at(-1)!.y)} the twin's time, with no crossing.`
          : hw[0]!.y < hj[0]!.y
            ? `Over header counts (1 to ${hw.at(-1)!.x} short fields) WASM needs ${times(hw[0]!.y / hj[0]!.y)} the twin's time with 1 field and ${times(hw.at(-1)!.y / hj.at(-1)!.y)} with ${hw.at(-1)!.x}; it is slower only ${slowerAt(hw, hj, "fields")}, and faster again from about ${sig(hc, 2)} fields.`
            : `Over header counts, WASM overtakes the twin from about ${sig(hc, 2)} fields (${times(hw[0]!.y / hj[0]!.y)} the twin's time with 1 field, ${times(hw.at(-1)!.y / hj.at(-1)!.y)} with ${hw.at(-1)!.x}).`,
      );
    }
  }
  const wasmVsWasm: string[] = [];
  for (const [c, label] of [["firefox-703B", "Firefox 703 B"], ["minimal", "40 B"], ["large-25-headers", "2 KB"]] as const) {
    const a = f.tok(c, "wasm-simd");
    const b = f.tok(c, "llhttp-wasm-simd");
    const ak = f.tok(c, "wasm-simd", "kernel");
    const bk = f.tok(c, "llhttp-wasm-simd", "kernel");
    if (a && b) wasmVsWasm.push(`${label}: ${times(a.median / b.median)} on the full path${ak && bk ? `, ${times(ak.median / bk.median)} kernel against kernel` : ""}`);
  }
  if (wasmVsWasm.length) {
    out.push(`**WASM against WASM.** basehttp's AssemblyScript kernel (SIMD) against llhttp's C compiled to WASM (SIMD), time ratios (below 1: basehttp faster): ${wasmVsWasm.join("; ")}.`);
  }
  // End to end.
  const e2e: string[] = [];
  const ahead: string[] = [];
  const level: string[] = [];
  const behind: string[] = [];
  const shares: number[] = [];
  for (const { heads, c, wasm: a, js: b, overlap, share, cpuUs, parseDiff: diff } of endToEnd(f)) {
    const cpu = cpuUs * 1000; // ns
    const where = `${heads} ${c}`;
    (overlap ? level : a.median > b.median ? ahead : behind).push(where);
    if (share !== undefined) shares.push(share);
    e2e.push(
      `${heads}, ${c}: wasm ${fmt(a.median)} req/s, js ${fmt(b.median)} (wasm/js ${times(a.median / b.median)}; ${overlap ? "the ranges over rounds overlap, so level within noise" : a.median > b.median ? "wasm ahead beyond the noise" : "js ahead beyond the noise"})` +
        (share !== undefined
          ? `; parsing (WASM) is about ${pct(share)} of the server's ${fmt(cpu / 1000)} µs of CPU per request, and ${
              diff === undefined ? "" : diff >= 0 ? `the twin's extra parse time ${pct(diff)} of it` : `the twin parses faster here, by ${pct(-diff)} of it`
            }`
          : ""),
    );
  }
  if (e2e.length) {
    out.push(`**End to end.** Parse time from the tokenizer scenario set against the server's CPU time per request:\n\n${e2e.map((s) => `- ${s}.`).join("\n")}`);
  }
  // Where the backend would start to matter in the server.
  const pipe = f.server("server", "pipelined x16", "basehttp-wasm");
  const ka = f.server("server", "keep-alive", "basehttp-wasm");
  if (sweepW.length && sweepJ.length && (pipe || ka)) {
    const lines: string[] = [];
    for (const [label, row] of [["pipelined x16", pipe], ["keep-alive", ka]] as const) {
      if (!row) continue;
      const base = (row.cpuUsPerRequest as Sp).median * 1000 - sweepW[0]!.y;
      const at = sweepW.find((p, i) => (sweepJ[i]!.y - p.y) / (base + p.y) >= 0.05);
      lines.push(
        at
          ? `${label}: the twin would cost 5 % more CPU per request than WASM from heads of about ${at.x} bytes (a request costing ${fmt((base + at.y) / 1000)} µs of which WASM parsing is ${fmt(at.y)} ns)`
          : `${label}: not within 16 KB heads: even there the backends differ by less than 5 % of a request's CPU`,
      );
    }
    out.push(`**Where the backend would start to matter**, holding the rest of a hello request's cost (${fmt(((pipe ?? ka)!.cpuUsPerRequest as Sp).median)} µs pipelined) fixed and adding the size sweep's parse times: ${lines.join("; ")}.`);
  }
  if (ahead.length + level.length + behind.length) {
    const parts: string[] = [];
    if (ahead.length) parts.push(`WASM ahead beyond the noise in ${ahead.join(", ")}`);
    if (level.length) parts.push(`level within the noise in ${level.join(", ")}`);
    if (behind.length) parts.push(`the twin ahead beyond the noise in ${behind.join(", ")}`);
    const range = shares.length ? ` (parsing is ${pct(Math.min(...shares))} to ${pct(Math.max(...shares))} of a request's server CPU)` : "";
    verdicts.push(`end to end: ${parts.join("; ")}${range}`);
  }
  return [`_Answer: ${verdicts.join("; ")}._`, ...out].join("\n\n");
}

/** The measured points where line a is slower than b, as "at 2 fields (429 ns against 354)". */
function slowerAt(a: { x: number; y: number }[], b: { x: number; y: number }[], unit: string): string {
  const at = a.filter((p, i) => b[i] !== undefined && p.y >= b[i]!.y).map((p) => `${p.x} ${unit} (${fmt(p.y)} ns against ${fmt(b[a.indexOf(p)]!.y)})`);
  return at.length ? `at ${at.join(", ")}` : "between the measured points";
}

/** x where line a stops being slower than b (the last change of sign, interpolated on log x). */
export function crossing(a: { x: number; y: number }[], b: { x: number; y: number }[]): number | undefined {
  let found: number | undefined;
  for (let i = 1; i < a.length && i < b.length; i++) {
    const r0 = Math.log(a[i - 1]!.y / b[i - 1]!.y);
    const r1 = Math.log(a[i]!.y / b[i]!.y);
    if (r0 > 0 && r1 <= 0) {
      const t = r0 / (r0 - r1);
      found = Math.exp(Math.log(a[i - 1]!.x) + t * (Math.log(a[i]!.x) - Math.log(a[i - 1]!.x)));
    } else if (r0 <= 0 && r1 > 0) found = undefined;
  }
  return found;
}

/** One SVG per scenario (two for tokenizer and sweep); returns the markdown image links. */
function charts(name: string, result: Result, dir: URL): string[] {
  const chartDir = new URL("charts/", dir);
  mkdirSync(chartDir, { recursive: true });
  const write = (file: string, svg: string, alt: string): string => {
    writeFileSync(new URL(file, chartDir), svg);
    return `![${alt}](charts/${file})`;
  };
  const rows = result.rows;
  const spreadBar = (label: string, v: unknown) => {
    const s = isSpread(v) ? v : { median: Number(v), min: Number(v), max: Number(v) };
    return { label, value: s.median, min: s.min, max: s.max };
  };
  const groupBy = (list: Row[], bar: (r: Row) => { label: string; value: number; min?: number; max?: number }): BarGroup[] => {
    const cases = [...new Set(list.map((r) => caseOf(r, name)))];
    return cases.map((c) => ({ label: c, bars: list.filter((r) => caseOf(r, name) === c).map(bar) }));
  };
  if (name === "tokenizer") {
    return [
      write("tokenizer.svg", barChart({ title: "Tokenizer, full path (parse + the strings a server needs)", unit: "ns per request", better: "lower", perGroupScale: true, groups: groupBy(rows.filter((r) => r.mode === "full"), (r) => spreadBar(String(r.backend), r.nsPerRequest)) }), "tokenizer full path"),
      write("tokenizer-scan.svg", barChart({ title: "Tokenizer, scan only: copy+scan (WASM) and kernel", unit: "ns per request", better: "lower", perGroupScale: true, groups: groupBy(rows.filter((r) => r.mode !== "full"), (r) => spreadBar(`${r.backend} ${r.mode}`, r.nsPerRequest)) }), "tokenizer scan only"),
    ];
  }
  if (name === "sweep") {
    const out: string[] = [];
    for (const [c, xLabel, file] of [["size", "head size, bytes", "sweep-size.svg"], ["headers", "header fields", "sweep-headers.svg"]] as const) {
      const lines = [...new Set(rows.filter((r) => r.case === c).map((r) => `${r.backend}|${r.mode}`))];
      const series: Series[] = lines.map((l) => {
        const [backend, mode] = l.split("|") as [string, string];
        return {
          label: mode === "full" ? backend : `${backend} ${mode}`,
          dashed: mode !== "full",
          points: rows.filter((r) => r.case === c && r.backend === backend && r.mode === mode).map((r) => ({ x: r.x as number, y: (r.nsPerRequest as Sp).median })),
        };
      });
      const f = new Figures(new Map([["sweep", result]]));
      const markers: { x: number; label: string }[] = [];
      const full = crossing(f.sweep(c, "wasm-simd", "full"), f.sweep(c, "js", "full"));
      if (full !== undefined) markers.push({ x: full, label: `wasm = twin (full) at ${Math.round(full)}` });
      out.push(write(file, lineChart({ title: `Tokenizer over ${xLabel}: ns per request, lower is better`, xLabel, yLabel: "ns per request", series, markers }), `sweep over ${xLabel}`));
    }
    return out;
  }
  const extra: string[] = [];
  if (name === "server" || name === "server-large") {
    // CPU time per request moves much less than req/s when other processes take the CPU.
    const cpuRows = rows.filter((r) => isSpread(r.cpuUsPerRequest));
    if (cpuRows.length) {
      extra.push(write(`${name}-cpu.svg`, barChart({ title: `${TITLES[name]}: server CPU time per request`, unit: "µs of server CPU per request", better: "lower", perGroupScale: true, groups: groupBy(cpuRows, (r) => spreadBar(String(r.server), r.cpuUsPerRequest)) }), `${name} CPU per request`));
    }
  }
  const metric = result.chart?.metric;
  const numeric = (r: Row): [string, unknown] | undefined => {
    if (metric && r[metric] !== undefined) return [metric, r[metric]];
    return Object.entries(r).find(([, v]) => typeof v === "number" || isSpread(v));
  };
  const usable = rows.filter((r) => numeric(r));
  if (!usable.length) return [];
  const labelOf = (r: Row): string => String(r.server ?? r.backend ?? r.name ?? r.formatter ?? "?");
  const groups = groupBy(usable, (r) => spreadBar(labelOf(r), numeric(r)![1]));
  const units = new Set(usable.map((r) => numeric(r)![0]));
  if (units.size > 1) for (const g of groups) g.unit = numeric(usable.find((r) => caseOf(r, name) === g.label)!)![0];
  const label = result.chart?.label ?? [...units].join(", ");
  return [write(`${name}.svg`, barChart({ title: TITLES[name] ?? name, unit: label, ...(result.chart ? { better: result.chart.better } : {}), groups, perGroupScale: units.size > 1 || name === "server" || name === "server-large" || name === "stress" || name === "static" }), name), ...extra];
}

/** The sub-scenario a row belongs to (`case`; some harnesses call it `scenario`). */
function caseOf(r: Row, fallback: string): string {
  return String(r.case ?? r.scenario ?? fallback);
}

/** Column headings of the fields the static and stress harnesses write (bench/README.md, "Result files"). */
const FIELD_LABELS: Record<string, string> = {
  server: "server",
  reqPerSec: "req/s",
  mbPerSec: "MB/s",
  cpuUsPerReq: "server CPU µs/request",
  cpuUsPerRequest: "server CPU µs/request",
  clientCpuUsPerReq: "load client CPU µs/request",
  errors: "errors",
  rssGrowthMb: "RSS growth (MB)",
  rssGrowthFromStartMb: "RSS growth from the fresh server (MB)",
  rssKbPerConn: "RSS per connection (KB)",
  p99MsSpread: "p99 ms (min–max over rounds)",
  p99VsNode: "p99 / node:http's (median of per-round ratios)",
  p50Ms: "p50 ms",
  failures: "failed requests",
  died: "server died",
  serverCpuCores: "server CPU (cores)",
  floodWritesPerS: "flood writes/s",
  floodMBPerS: "flood MB/s",
  floodConnectionsPerS: "flood connections/s",
  rounds: "rounds",
  serverCpuS: "server CPU (s)",
  correct: "body received intact",
  answered: "answered",
  lost: "lost",
  truncated: "truncated",
  announcedCloses: "closes announced (Connection: close)",
  shutdownMs: "shutdown (ms)",
};
/** Display names of the server kinds the stress harness writes. */
const SERVER_NAMES: Record<string, string> = { net: "raw node:net", node: "node:http", "basehttp-wasm": "basehttp wasm", "basehttp-js": "basehttp js" };

/** Markdown tables of a scenario's rows, one per case, with the fields that case's rows have. */
function rowsTable(result: Result): string {
  const rows = result.rows;
  if (!rows.length) return "_No rows._";
  const cases = [...new Set(rows.map((r) => caseOf(r, result.scenario)))];
  return cases
    .map((c) => {
      const list = rows.filter((r) => caseOf(r, result.scenario) === c);
      let keys = [...new Set(list.flatMap((r) => Object.keys(r)))].filter((k) => !["family", "kind", "case", "scenario"].includes(k));
      // p99Ms is the median alone of p99MsSpread.
      if (keys.includes("p99MsSpread")) keys = keys.filter((k) => k !== "p99Ms");
      const label = (k: string): string => (k === "seconds" ? (c.startsWith("upload") ? "wall time (s)" : "time (s)") : FIELD_LABELS[k] ?? k);
      const value = (r: Row, k: string): string => (k === "server" && typeof r.server === "string" ? SERVER_NAMES[r.server] ?? r.server : cell(r[k]));
      return `**${c}**\n\n` + mdTable(keys.map(label), list.map((r) => keys.map((k) => value(r, k))));
    })
    .join("\n\n");
}

function tokenizerTable(result: Result): string {
  const rows = result.rows;
  const cases = [...new Set(rows.map((r) => String(r.case)))];
  const lines = [...new Set(rows.map((r) => `${r.backend}|${r.mode}`))];
  return mdTable(
    ["backend", "mode", ...cases.map((c) => `${c} (ns/request)`)],
    lines.map((l) => {
      const [b, m] = l.split("|");
      return [b!, m!, ...cases.map((c) => cell(rows.find((r) => r.case === c && r.backend === b && r.mode === m)?.nsPerRequest))];
    }),
  );
}

function sweepTable(result: Result): string {
  const out: string[] = [];
  for (const c of ["size", "headers"]) {
    const rows = result.rows.filter((r) => r.case === c);
    const xs = [...new Set(rows.map((r) => r.x as number))];
    const lines = [...new Set(rows.map((r) => `${r.backend}|${r.mode}`))];
    out.push(mdTable(
      [c === "size" ? "ns per request at head size (bytes)" : "ns per request at header fields", ...xs.map(String)],
      lines.map((l) => {
        const [b, m] = l.split("|");
        return [`${b} ${m}`, ...xs.map((x) => cell(med(rows.find((r) => r.x === x && r.backend === b && r.mode === m)?.nsPerRequest)))];
      }),
    ));
  }
  const cross = (result.crossovers as { case: string; a: string; b: string; crossovers: { x: number; aFasterAbove: boolean }[]; ratioFirst: number; ratioLast: number }[] | undefined) ?? [];
  if (cross.length) {
    out.push(mdTable(["sweep", "line a", "line b", "a/b at the first point", "a/b at the last", "sign changes (x: a faster or slower above)"],
      cross.map((c) => [c.case, c.a, c.b, String(c.ratioFirst), String(c.ratioLast), c.crossovers.map((x) => `${fmt(x.x)}: ${x.aFasterAbove ? "faster" : "slower"}`).join(", ") || "none"])));
  }
  return out.join("\n\n");
}

function serverTable(result: Result): string {
  const rows = result.rows;
  const node = (c: string): number | undefined => med(rows.find((r) => r.case === c && r.kind === "node")?.reqPerSec);
  return mdTable(
    ["case", "server", "parser", "req/s", "vs node:http", "server CPU µs/request", "server CPU (cores)", "wrk CPU", "p50 ms", "errors"],
    rows.map((r) => {
      const n = node(String(r.case));
      const v = med(r.reqPerSec);
      return [cell(r.case), cell(r.server), cell(r.parser), cell(r.reqPerSec), n && v && r.kind !== "node" ? times(v / n) : "-", cell(r.cpuUsPerRequest), cell(r.serverCpu), cell(r.wrkCpu), cell(r.latencyP50Ms), cell(r.errors)];
    }),
  );
}

function load(m: Result["machine"]): string {
  return `${m.loadavgBefore?.join(", ") ?? "?"} → ${m.loadavgAfter?.join(", ") ?? "?"}`;
}

/**
 * A result whose durationSeconds is not its run time: static.json and stress.json written before
 * 2026-12-02 put the length of one load run there (--duration, 5 and 4 s); since then they record
 * the run's wall time, with the load run's length as loadSeconds.
 */
function perRunDuration(r: Result): boolean {
  return (r.scenario === "static" || r.scenario === "stress") && r.loadSeconds === undefined;
}

/** The scenario's run time in seconds: the harness's own record, else what bench/run.ts timed around its process. */
export function runSeconds(e: ScenarioEntry): number | undefined {
  const r = e.result;
  if (r && typeof r.durationSeconds === "number" && !perRunDuration(r)) return r.durationSeconds;
  return e.seconds !== undefined ? Math.round(e.seconds * 10) / 10 : undefined;
}

/** Writes REPORT.md and the charts; returns the headline table (for the README). */
export function writeReport(entries: ScenarioEntry[], meta: RunMeta, extraTargets: Target[] = [], dir: URL = RESULTS): { headline: string; report: string } {
  const by = new Map(entries.filter((e) => e.result).map((e) => [e.name, e.result!]));
  const f = new Figures(by);
  const machine = entries.find((e) => e.result)?.result?.machine;
  const parts: string[] = [];
  const when = (iso: string): string => iso.replace("T", " ").slice(0, 16);
  const dates = entries.filter((e) => e.result).map((e) => e.result!.date).sort();
  parts.push(`# Benchmark report\n\n` +
    (meta.reportOnly
      ? `Rendered by \`${meta.command}\` (bench/run.ts, bench/report.ts) from the latest result of each scenario in \`bench/results/\`${dates.length ? `, measured between ${when(dates[0]!)} and ${when(dates.at(-1)!)} UTC` : ""}${meta.quick ? " (some in **quick mode**: fewer and shorter rounds)" : ""}; nothing was measured again. Every figure below comes from those JSON files. `
      : `Generated by \`${meta.command}\` (bench/run.ts) on ${when(meta.date)} UTC${meta.quick ? ", **quick mode** (fewer and shorter rounds)" : ""}, in ${Math.round(meta.durationSeconds)} s. ` +
        `Every figure below comes from the JSON files of this run${entries.some((e) => e.earlier) ? " (except where marked as from an earlier run)" : ""}; ${meta.historyFile ? `the run is kept as \`${meta.historyFile}\`` : "the run's JSON is under `bench/results/`"}. `) +
    `How to read and reproduce it: [bench/README.md](../README.md).`);
  const targets: (Target & { source: string })[] = [
    ...extraTargets.map((t) => ({ ...t, source: "run" })),
    ...entries.flatMap((e) => (e.result?.targets ?? []).map((t) => ({ ...t, source: `${e.name}.json` }))),
  ];
  const order = (t: Target): number => (typeof t.issue === "number" ? t.issue : 99);
  targets.sort((a, b) => order(a) - order(b));
  parts.push(`## In short\n\n${inShort(f, targets, machine)}`);
  const head = headline(f);
  parts.push(`## Headline\n\nMedians of this run; parse times per request (lower is better), requests per second (higher is better).\n\n${head}`);
  parts.push(`## Does WebAssembly pay?\n\nComputed from this run's figures by bench/report.ts.\n\n${doesWasmPay(f)}`);
  const missed = targets.filter((t) => t.met === false);
  const tok = (c: string, backend: string, mode = "full"): number | undefined => f.tok(c, backend, mode)?.median;
  parts.push(`## Targets\n\nEvery target set by the project's issues that this run measures, beside its value (ratios in this one run). The issues: 6, the server's speed and cost per connection, request and upload, and two checks of the source (stress and server scenarios); 8, serving static files (static); 9, the tokenizer's full path (tokenizer); 10, this benchmark itself; "earlier" marks targets set before those issues, kept as a yardstick. Targets of scenarios that failed or did not run are missing, and said so under [The run](#the-run).\n\n` +
    mdTable(["issue", "target", "measured", "wanted", "", "note", "from"], targets.map((t) => [String(t.issue), cell(t.name), t.value === null ? "-" : cell(t.value), cell(t.target), t.met === null ? "not measured" : t.met ? "met" : "**missed** (why: below)", cell(t.note ?? ""), t.source])) +
    (missed.length ? `\n\n### Why the missed targets are missed\n\n${missed.map((t) => `- **${cell(t.name)}** (${cell(t.value)}, wanted ${cell(t.target)}): ${whyMissed(t, tok)}`).join("\n")}` : ""));
  const unrecorded = entries.filter((e) => e.result && perRunDuration(e.result) && runSeconds(e) === undefined);
  parts.push(`## The run\n\n` +
    (machine
      ? `**Machine:** ${machine.cpu}, ${machine.cores} cores${machine.memoryGiB ? `, ${machine.memoryGiB} GiB` : ""}, ${machine.os}, Node ${machine.node}. ` +
        `Shared with other work while it ran: the load average (1, 5, 15 min) of each scenario is given before → after. Figures are medians over rounds with min–max; compare ratios within this run, not absolute figures across machines.\n\n`
      : "") +
    mdTable(["scenario", "status", "run time (s)", "load average before → after", "started (UTC)"], entries.map((e) => [
      e.name,
      e.status === "ok" ? (e.earlier ? "from an earlier run" : "ok") : `${e.status}: ${cell(e.reason ?? "")}`,
      runSeconds(e) !== undefined ? fmt(runSeconds(e)!) : e.result ? "not recorded" : "-",
      e.result?.machine ? load(e.result.machine) : "-",
      e.result ? `${when(e.result.date)}${perRunDuration(e.result) ? " (end)" : ""}` : "-",
    ])) +
    (unrecorded.length
      ? `\n\nRun time not recorded for ${unrecorded.map((e) => e.name).join(" and ")}: ${unrecorded.length > 1 ? "their JSON files were" : "its JSON file was"} written before the harness recorded it (\`durationSeconds\`, ${unrecorded.map((e) => e.result!.durationSeconds).join(" and ")} s, is the length of one load run there, not of the scenario), and ${unrecorded.length > 1 ? "their date is" : "its date is"} when the file was written, at the end of the run.`
      : ""));
  for (const e of entries) {
    parts.push(`## ${e.name}`);
    if (!e.result) {
      parts.push(`Not measured: ${e.status}${e.reason ? `: ${e.reason}` : ""}.`);
      continue;
    }
    const r = e.result;
    const notes: string[] = [];
    if (e.earlier) notes.push(`From an earlier run (${r.date}).`);
    const secs = runSeconds(e);
    notes.push(`${secs !== undefined ? `${fmt(secs)} s` : "Run time not recorded"}${r.quick ? ", quick" : ""}; load average ${r.machine ? load(r.machine) : "not recorded"}.`);
    if (typeof r.note === "string") notes.push(typeof r.warmupSeconds === "number" ? r.note.replace("WARMUP s", `${r.warmupSeconds} s`) : r.note);
    if (typeof r.loadGenerator === "string") {
      notes.push(`Load: \`${r.loadGenerator}\`${typeof r.rounds === "number" ? `, ${r.rounds} rounds` : ""}${typeof r.requestBytes === "number" ? `, ${r.requestBytes}-byte requests` : ""}.`);
    }
    const skipped = r.skipped as { server: string; reason: string }[] | undefined;
    if (skipped?.length) notes.push(`Left out: ${skipped.map((s) => `${s.server} (${s.reason})`).join("; ")}.`);
    parts.push(notes.join(" "));
    parts.push(charts(e.name, r, dir).join("\n\n"));
    parts.push(e.name === "tokenizer" ? tokenizerTable(r) : e.name === "sweep" ? sweepTable(r) : e.name.startsWith("server") ? serverTable(r) : rowsTable(r));
  }
  parts.push(`---\nThe JSON fields are documented in [bench/README.md](../README.md#result-files).`);
  const report = parts.join("\n\n") + "\n";
  writeFileSync(new URL("REPORT.md", dir), report);
  return { headline: head, report };
}

/** The README's headline block, replaced between its markers. */
export function updateReadme(headlineTable: string, meta: RunMeta, machineLine: string): void {
  const file = new URL("../README.md", import.meta.url);
  if (!existsSync(file)) return;
  const text = readFileSync(file, "utf8");
  const start = "<!-- bench:headline -->";
  const end = "<!-- /bench:headline -->";
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  // The run's own JSON is named: a later run of part of the benchmark (--only, bench:server, ...)
  // renders REPORT.md again with its newer figures, so the report may no longer show these.
  const json = meta.historyFile ? `[its JSON](${meta.historyFile}); ` : "";
  const block = `${start}\n${meta.date.slice(0, 10)}, ${machineLine}${meta.quick ? ", quick mode" : ""}; medians of one run of \`${meta.command}\` (${json}[the report](bench/results/REPORT.md) shows the latest result of each scenario, perhaps from a later run):\n\n${headlineTable}\n${end}`;
  writeFileSync(file, text.slice(0, a) + block + text.slice(b + end.length));
}

/** The latest result of each scenario found in bench/results/. */
export function latestResults(): Map<string, Result> {
  const out = new Map<string, Result>();
  if (!existsSync(RESULTS)) return out;
  for (const file of readdirSync(RESULTS)) {
    if (!file.endsWith(".json")) continue;
    try {
      const r = JSON.parse(readFileSync(new URL(file, RESULTS), "utf8")) as Result;
      if (typeof r.scenario === "string" && Array.isArray(r.rows)) out.set(r.scenario, r);
    } catch {
      // not a result file
    }
  }
  return out;
}
