// Turns the results of one `npm run bench` (bench/results/<scenario>.json) into
// bench/results/REPORT.md with one SVG chart per scenario in bench/results/charts/, the headline
// table (also copied into the README), the targets of issues 6, 8, 9 and 10 beside their
// values, and "Does WebAssembly pay?", every sentence of which is computed from the figures.
// `npm run bench:report` regenerates the report from the JSON files without measuring.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
  return mdTable(["", ...cols], rows);
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
    out.push(
      `**The parser alone, yes.** On the 703-byte Firefox request, with the strings a server needs, basehttp's WASM (SIMD) takes ${fmt(w.median)} ns and its TypeScript twin ${fmt(j.median)} ns: ` +
        `WASM needs ${times(w.median / j.median)} the twin's time` +
        (ll ? `, ${times(w.median / ll.median)} the time of Node's native llhttp binding (${fmt(ll.median)} ns)` : "") +
        (lw ? ` and ${times(w.median / lw.median)} that of llhttp compiled to WASM as undici ships it (${fmt(lw.median)} ns)` : "") +
        "." +
        (wk && jk ? ` The scanning kernels alone: ${fmt(wk.median)} ns against ${fmt(jk.median)} (${times(wk.median / jk.median)}).` : ""),
    );
    verdicts.push(w.median < j.median ? "the parser alone: yes" : "the parser alone: no");
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
  for (const [scenario, tokCase, heads] of [["server", "minimal", "hello"], ["server-large", "large-25-headers", "2 KB heads"]] as const) {
    const pw = f.tok(tokCase, "wasm-simd")?.median;
    const pj = f.tok(tokCase, "js")?.median;
    for (const c of HELLO_CASES) {
      const rw = f.server(scenario, c, "basehttp-wasm");
      const rj = f.server(scenario, c, "basehttp-js");
      if (!rw || !rj) continue;
      const a = rw.reqPerSec as Sp;
      const b = rj.reqPerSec as Sp;
      const overlap = a.min <= b.max && b.min <= a.max;
      const cpu = (rw.cpuUsPerRequest as Sp).median * 1000; // ns
      const share = pw !== undefined ? pw / cpu : undefined;
      const diff = pw !== undefined && pj !== undefined ? (pj - pw) / cpu : undefined;
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

/** Markdown tables of a scenario's rows, one per case, with the fields that case's rows have. */
function rowsTable(result: Result): string {
  const rows = result.rows;
  if (!rows.length) return "_No rows._";
  const cases = [...new Set(rows.map((r) => caseOf(r, result.scenario)))];
  return cases
    .map((c) => {
      const list = rows.filter((r) => caseOf(r, result.scenario) === c);
      const keys = [...new Set(list.flatMap((r) => Object.keys(r)))].filter((k) => !["family", "kind", "case", "scenario"].includes(k));
      return `**${c}**\n\n` + mdTable(keys, list.map((r) => keys.map((k) => cell(r[k]))));
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

/** Writes REPORT.md and the charts; returns the headline table (for the README). */
export function writeReport(entries: ScenarioEntry[], meta: RunMeta, extraTargets: Target[] = [], dir: URL = RESULTS): { headline: string; report: string } {
  const by = new Map(entries.filter((e) => e.result).map((e) => [e.name, e.result!]));
  const f = new Figures(by);
  const machine = entries.find((e) => e.result)?.result?.machine;
  const parts: string[] = [];
  parts.push(`# Benchmark report\n\nGenerated by \`${meta.command}\` (bench/run.ts) on ${meta.date.replace("T", " ").slice(0, 16)} UTC${meta.quick ? ", **quick mode** (fewer and shorter rounds)" : ""}, in ${Math.round(meta.durationSeconds)} s. ` +
    `Every figure below comes from the JSON files of this run${entries.some((e) => e.earlier) ? " (except where marked as from an earlier run)" : ""}; ${meta.historyFile ? `the run is kept as \`${meta.historyFile}\`` : "the run's JSON is under `bench/results/`"}. ` +
    `How to read and reproduce it: [bench/README.md](../README.md).`);
  if (machine) {
    parts.push(`**Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}. ` +
      `Shared with other work while it ran: the load average (1, 5, 15 min) of each scenario is given before → after. Figures are medians over rounds with min–max; compare ratios within this run, not absolute figures across machines.`);
  }
  parts.push(mdTable(["scenario", "status", "seconds", "load average before → after", "date"], entries.map((e) => [
    e.name,
    e.status === "ok" ? (e.earlier ? "from an earlier run" : "ok") : `${e.status}: ${cell(e.reason ?? "")}`,
    e.result?.durationSeconds !== undefined ? String(e.result.durationSeconds) : e.seconds !== undefined ? String(Math.round(e.seconds)) : "-",
    e.result?.machine ? load(e.result.machine) : "-",
    e.result ? e.result.date.slice(0, 16).replace("T", " ") : "-",
  ])));
  const head = headline(f);
  parts.push(`## Headline\n\nMedians of this run; parse times per request (lower is better), requests per second (higher is better).\n\n${head}`);
  parts.push(`## Does WebAssembly pay?\n\nComputed from this run's figures by bench/report.ts.\n\n${doesWasmPay(f)}`);
  const targets: (Target & { source: string })[] = [
    ...extraTargets.map((t) => ({ ...t, source: "run" })),
    ...entries.flatMap((e) => (e.result?.targets ?? []).map((t) => ({ ...t, source: `${e.name}.json` }))),
  ];
  const order = (t: Target): number => (typeof t.issue === "number" ? t.issue : 99);
  targets.sort((a, b) => order(a) - order(b));
  parts.push(`## Targets\n\nEvery target set by issues 6, 8, 9 and 10 that this run measures, beside its value (ratios in this one run). Targets of scenarios that failed or did not run are missing, and said so above.\n\n` +
    mdTable(["issue", "target", "measured", "wanted", "", "note", "from"], targets.map((t) => [String(t.issue), cell(t.name), t.value === null ? "-" : cell(t.value), cell(t.target), t.met === null ? "not measured" : t.met ? "met" : "**missed**", cell(t.note ?? ""), t.source])));
  for (const e of entries) {
    parts.push(`## ${e.name}`);
    if (!e.result) {
      parts.push(`Not measured: ${e.status}${e.reason ? `: ${e.reason}` : ""}.`);
      continue;
    }
    const r = e.result;
    const notes: string[] = [];
    if (e.earlier) notes.push(`From an earlier run (${r.date}).`);
    notes.push(`${r.durationSeconds ?? "?"} s${r.quick ? ", quick" : ""}; load average ${r.machine ? load(r.machine) : "not recorded"}.`);
    if (typeof r.note === "string") notes.push(r.note);
    if (typeof r.loadGenerator === "string") notes.push(`Load: \`${r.loadGenerator}\`, ${String(r.rounds)} rounds, ${String(r.requestBytes)}-byte requests.`);
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
  const block = `${start}\n${meta.date.slice(0, 10)}, ${machineLine}${meta.quick ? ", quick mode" : ""}; medians of one run of \`${meta.command}\` ([full report](bench/results/REPORT.md)):\n\n${headlineTable}\n${end}`;
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
