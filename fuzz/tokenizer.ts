// `npm run fuzz:tokenizer`: the tokenizer backends against the js twin, in process (no sockets),
// on heads biased to the SIMD kernel's edges (assembly/fast.ts, walk.ts): words, names, colons, CR and LF
// on every lane of a 16-byte block and a 64-byte mask (lengths around 16/32/48/64), heads padded
// to end at a block edge or one off, common names one byte off (case-fold neighbours, '@', '[').
// Each input goes to every backend whole, at a start > 0 with bytes after `end`, after a scan that
// left ':' and CRLF in linear memory past the input, fed one byte at a time (a quarter of the
// inputs; a growing buffer and a new buffer per call, vs js fed the same), in random chunks, and
// through scanFresh (the server's path, read in linear memory). Any slot that differs is a finding.
//
//   npm run fuzz:tokenizer                          60 s, seed 1
//   npm run fuzz:tokenizer -- --seconds 600 --seed 7
//   npm run fuzz:tokenizer -- --inputs 300          stop after 300 inputs (test/fuzz runs 300 of seed 1)
// Exit status 1 when anything was found (the first 30 are printed).

import { fileURLToPath } from "node:url";
import { HEADER_SLOTS, MAX_HEADERS, T_HEADER_COUNT, T_HEADERS, T_OUTCOME } from "../src/contract/layout.js";
import { newTable } from "../src/contract/table.js";
import type { Tokenizer } from "../src/contract/tokenizer.js";
import { COMMON_HEADER_NAMES } from "../src/tokenizer/intern.js";
import { allTokenizers } from "../src/tokenizer/select.js";
import { tableDiff } from "../test/tokenizer/cases.case.js";
import { harnessArgs } from "../bench/args.js";

interface TokenizerFuzzResult {
  inputs: number;
  scans: number;
  outcomes: { head: number; more: number; violation: number };
  findings: string[];
  seconds: number;
}

const TCH = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const INTERESTING = [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x7f, 0x80, 0xff, 0x2c, 0x0b, 0x40, 0x5b, 0x60, 0x7b, 0x2f, 0x1f, 0x21, 0x7e, 0x41, 0x5a, 0x61, 0x7a, 0x2d];
const LENGTHS = [0, 1, 2, 7, 8, 9, 13, 14, 15, 16, 17, 18, 29, 30, 31, 32, 33, 34, 45, 46, 47, 48, 49, 50, 62, 63, 64, 65, 66];
const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const show = (b: Uint8Array) => JSON.stringify(Buffer.from(b).toString("latin1"));

/** Run for `seconds` or `inputs` inputs, whichever ends first; the same seed gives the same inputs.
 * `backends`: what is compared with the js twin (default: the other backends of allTokenizers). */
export function fuzzTokenizers(opts: { seconds: number; seed: number; inputs?: number; backends?: Tokenizer[] }): TokenizerFuzzResult {
  let state = opts.seed >>> 0;
  const rnd = (): number => {
    state = (state + 0x6d2b79f5) >>> 0; // mulberry32
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ri = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]): T => a[ri(a.length)]!;
  const len = () => (rnd() < 0.7 ? pick(LENGTHS) : ri(90));
  const word = (n: number, alpha = TCH) => {
    let s = "";
    for (let i = 0; i < n; i++) s += alpha[ri(alpha.length)];
    return s;
  };
  const name = (): string => {
    if (rnd() >= 0.45) return word(len() % 22);
    let n = pick(COMMON_HEADER_NAMES);
    const q = rnd();
    if (q < 0.15) n = n.toUpperCase();
    else if (q < 0.3) n = n.toLowerCase();
    else if (q < 0.55) {
      const i = ri(n.length);
      const c = n.charCodeAt(i);
      const b = pick([c ^ 0x20, c + 1, c - 1, 0x40, 0x5b, 0x60, 0x7b, 0x3a, 0x20, 0x09, 0x00, 0x7f, 0x80, 0xff, 0x2f, 0x2d]);
      n = n.slice(0, i) + String.fromCharCode(b & 0xff) + n.slice(i + 1);
    } else if (q < 0.65) n = n.slice(0, ri(n.length + 1));
    else if (q < 0.72) n += word(1 + ri(3));
    return n;
  };
  const value = () => rnd() < 0.2
    ? pick(["chunked", "close", "keep-alive", "100-continue", "5", "0", "gzip, chunked", "Chunked", "CLOSE", "Keep-Alive"])
    : word(len(), TCH + "\"(),/:;<=>?@[\\]{} ");
  const ows = () => (rnd() < 0.75 ? pick(["", " "]) : pick(["  ", "\t", " \t", "\t ", "   "]));
  const head = (): string => {
    let s = rnd() < 0.05 ? pick(["\r\n", "\r\n\r\n", " ", "\n"]) : "";
    const m = rnd() < 0.5 ? pick(["GET", "POST", "HEAD", "M-SEARCH", "get"]) : word(1 + (len() % 40));
    const t = "/" + word(len(), TCH + "/?=&%:@[]");
    const v = rnd() < 0.9 ? pick(["HTTP/1.1", "HTTP/1.0"]) : pick(["HTTP/1.2", "HTTP/2.0", "HTTP/1.10", "HTTP/1.1x", "http/1.1", "HTTP/0.9", "HTTP/1.", ""]);
    const sp = () => (rnd() < 0.92 ? " " : pick(["  ", "\t", " \t"]));
    s += `${m}${sp()}${t}${v ? sp() + v : ""}\r\n`;
    for (let i = ri(8); i > 0; i--) {
      s += rnd() < 0.03 ? pick([" folded\r\n", "\tx\r\n", "NoColon\r\n", "Name : v\r\n", ":v\r\n"]) : `${name()}:${ows()}${value()}${ows()}\r\n`;
    }
    return rnd() < 0.9 ? s + "\r\n" : s;
  };
  const mutate = (b: Uint8Array): Uint8Array => {
    const a = Array.from(b);
    for (let k = rnd() < 0.5 ? 0 : 1 + ri(3); k > 0; k--) {
      const at = ri(a.length + 1);
      const byte = rnd() < 0.8 ? pick(INTERESTING) : ri(256);
      const op = ri(3);
      if (op === 0) a.splice(at, 0, byte);
      else if (op === 1) a.splice(at, 1);
      else if (at < a.length) a[at] = byte;
    }
    return Uint8Array.from(a);
  };
  /** A pad field after the request line, so the head ends at a block edge, one off, or a block on. */
  const padToEdge = (input: Uint8Array): Uint8Array => {
    const s = Buffer.from(input).toString("latin1");
    const want = Math.ceil(s.length / 16) * 16 + pick([-1, 0, 0, 1, 15, 16]);
    const i = s.indexOf("\r\n");
    if (i <= 0 || want <= s.length) return input;
    return latin1(s.slice(0, i + 2) + "X-P: " + "p".repeat(Math.max(0, want - s.length - 7)) + "\r\n" + s.slice(i + 2));
  };

  const backends = allTokenizers();
  const js = backends.find((t) => t.name === "js")!;
  const others = opts.backends ?? backends.filter((t) => t !== js);
  const poisons = [latin1(`GET / HTTP/1.1\r\n${"Host:a\r\n:".repeat(60)}\r\n\r\n`), new Uint8Array(2048).fill(0x3a)];
  for (let i = 1; i + 1 < poisons[1]!.length; i += 7) poisons[1]![i] = 0x0d, poisons[1]![i + 1] = 0x0a;
  const whole = (tok: Tokenizer, input: Uint8Array, hl: number) => {
    const t = newTable();
    tok.scan(input, 0, input.length, t, hl);
    return t;
  };
  const r: TokenizerFuzzResult = { inputs: 0, scans: 0, outcomes: { head: 0, more: 0, violation: 0 }, findings: [], seconds: 0 };
  const find = (what: string, input: Uint8Array, hl: number, diff: string[]) => {
    if (diff.length) r.findings.push(`${what}, headLimit ${hl}, input ${show(input)}: ${diff.join("; ")}`);
    return diff.length > 0;
  };

  const t0 = Date.now();
  const maxInputs = opts.inputs ?? Infinity;
  while (r.inputs < maxInputs && Date.now() - t0 < opts.seconds * 1000 && r.findings.length < 200) {
    r.inputs++;
    let input = mutate(latin1(head()));
    if (rnd() < 0.3 && input.length > 0) input = padToEdge(input);
    const n = input.length;
    const hl = rnd() < 0.8 ? 65536 : 1 + ri(n + 20);
    const everyByte = rnd() < 0.25;
    const ref = whole(js, input, hl);
    const o = ref[T_OUTCOME]!;
    r.outcomes[o > 0 ? "head" : o === 0 ? "more" : "violation"]++;
    for (const tok of others) {
      whole(tok, pick(poisons), 1 << 20);
      find(`${tok.name} whole`, input, hl, tableDiff(ref, whole(tok, input, hl)));
      const pre = ri(20);
      const after = latin1(pick([":\r\n", "\r\n\r\n", ": x\r\n", "\n", "a:b\r\n\r\n"]));
      const buf = new Uint8Array(pre + n + after.length).fill(0x3a, 0, pre);
      buf.set(input, pre);
      buf.set(after, pre + n);
      let t = newTable();
      tok.scan(buf, pre, pre + n, t, hl);
      find(`${tok.name} at start ${pre}`, input, hl, tableDiff(ref, t));
      r.scans += 3;
      if (everyByte) {
        for (const grow of [true, false]) {
          t = newTable();
          const tj = newTable();
          for (let e = 1; e <= n; e++) {
            const src = grow ? buf : buf.slice(0, pre + e);
            const rj = js.scan(src, pre, pre + e, tj, hl);
            const rc = tok.scan(src, pre, pre + e, t, hl);
            r.scans += 2;
            if (find(`${tok.name} fed byte by byte (${grow ? "growing buffer" : "new buffers"}), at ${e}`, input, hl, tableDiff(tj, t))) break;
            if (find(`${tok.name} fed byte by byte, return value at ${e}`, input, hl, rc === rj ? [] : [`${rc} vs ${rj}`])) break;
            if (rc !== 0) break;
          }
          find(`${tok.name} fed byte by byte (${grow ? "growing buffer" : "new buffers"}), final`, input, hl, tableDiff(ref, t, true));
        }
      } else {
        const cuts = [ri(n + 1), ri(n + 1), ri(n + 1)].sort((a, b) => a - b);
        t = newTable();
        for (const e of [...cuts, n]) {
          r.scans++;
          if (tok.scan(buf, pre, pre + e, t, hl) !== 0) break;
        }
        find(`${tok.name} cut at ${cuts}`, input, hl, tableDiff(ref, t, true));
      }
      const w = tok as Partial<{ scanFresh(i: Uint8Array, s: number, e: number, hl: number): number; memoryTable: Int32Array; memoryTableBase: number }>;
      if (w.scanFresh) {
        w.scanFresh(buf, pre, pre + n, hl);
        r.scans++;
        const mt = w.memoryTable!;
        const b0 = w.memoryTableBase!;
        const diff: string[] = [];
        const to = T_HEADERS + Math.min(ref[T_HEADER_COUNT]!, MAX_HEADERS) * HEADER_SLOTS;
        for (let i = 0; i < to; i++) if (mt[b0 + i] !== ref[i]) diff.push(`slot ${i}: ${ref[i]} vs ${mt[b0 + i]}`);
        find(`${tok.name} scanFresh`, input, hl, diff);
      }
    }
  }
  r.seconds = (Date.now() - t0) / 1000;
  return r;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = harnessArgs(import.meta.url, [], ["--seconds", "--seed", "--inputs"]);
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seed = Number(option("--seed") ?? 1);
  const r = fuzzTokenizers({ seconds: Number(option("--seconds") ?? 60), seed, inputs: option("--inputs") === undefined ? undefined : Number(option("--inputs")) });
  for (const f of r.findings.slice(0, 30)) console.log(`FINDING ${f}`);
  console.log(`fuzz:tokenizer seed ${seed}: ${r.inputs} inputs (${r.outcomes.head} heads, ${r.outcomes.more} need-more, ${r.outcomes.violation} violations), ${r.scans} scans, ${r.seconds.toFixed(0)} s, ${r.findings.length} findings`);
  process.exit(r.findings.length ? 1 : 0);
}
