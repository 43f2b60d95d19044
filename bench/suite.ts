// The candidates of the in-process benchmarks (tokenizer.bench.ts, sweep.bench.ts), and their
// tasks: each candidate in each mode it offers, batched to about 32 KB per timed call.

import type { Tokenizer } from "../src/contract/tokenizer.js";
import { allTokenizers } from "../src/tokenizer/select.js";
import { WasmTokenizer } from "../src/tokenizer/wasm.js";
import { createParseRequestHead as wasmParseRequestHead } from "../src/tokenizer/index.js";
import { createParseRequestHead as jsParseRequestHead } from "../src/tokenizer/js-index.js";
import { decodedCandidate, httpParserJsCandidate, llhttpCandidate, tokenizerCandidate, type Candidate, type Sink } from "./candidates.js";
import { llhttpWasmAvailable, llhttpWasmCandidate } from "./llhttp-wasm.js";
import { batched, type Timed } from "./timing.js";
import { wasmKernel } from "./wasm-kernel.js";

/** Defeats dead-code elimination: everything the consumers read is summed here. */
let acc = 0;
const sink: Sink = (method, target, version, host, cl, conn) => {
  acc += method.length + target.length + version.length + host.length + cl + conn.length;
};

/**
 * A basehttp backend. full: through the decoded API (basehttp/tokenizer's parseRequestHead, a
 * parser of its own per variant; basehttp/tokenizer/js's for the twin): method, target, version
 * and every field as strings, then the consumer step the peers get. copy+scan and kernel: the
 * token table, no strings (the WASM kernel also on bytes staged once).
 */
function basehttpCandidate(tok: Tokenizer): Candidate {
  const wasm = tok instanceof WasmTokenizer ? tok : undefined;
  const table = tokenizerCandidate(tok, wasm ? (bytes: Buffer) => wasmKernel(wasm.variant, bytes) : undefined);
  const decoded = decodedCandidate(tok.name, wasm ? wasmParseRequestHead(wasm.variant) : jsParseRequestHead());
  return {
    name: tok.name,
    family: "basehttp",
    prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]) {
      return { ...table.prepare(bytes, sink, variants), full: decoded.prepare(bytes, sink, variants).full };
    },
  };
}

/** Every candidate: the basehttp backends, then the peers (llhttp-wasm making every field a string, as the full path does). */
export function allCandidates(): Candidate[] {
  const loaded = allTokenizers().map(basehttpCandidate);
  const peers: Candidate[] = [llhttpCandidate()];
  for (const v of ["simd", "scalar"] as const) {
    if (llhttpWasmAvailable(v)) peers.push(llhttpWasmCandidate(v, true));
    else console.log(`llhttp-wasm ${v}: not available (is the undici devDependency installed?)`);
  }
  peers.push(httpParserJsCandidate());
  return [...loaded, ...peers];
}

/** The tasks of one buffer: each candidate in each mode it offers. */
export function tasksFor(
  bytes: Buffer, requests: number, candidates: readonly Candidate[], modes = ["full", "copy+scan", "kernel"], variants?: readonly Buffer[],
): Timed[] {
  const out: Timed[] = [];
  for (const c of candidates) {
    const p = c.prepare(bytes, sink, variants);
    const byMode: Record<string, (() => void) | undefined> = { full: p.full, "copy+scan": p.copyScan, kernel: p.kernel };
    for (const mode of modes) {
      const fn = byMode[mode];
      if (!fn) continue;
      const { run, batch } = batched(fn, bytes.length);
      out.push({ backend: c.name, mode, run, perCall: batch * requests, samples: [] });
    }
  }
  return out;
}

/** Read by nobody; keeps what the consumers made alive to the optimiser. */
export function checksum(): number {
  return acc;
}
