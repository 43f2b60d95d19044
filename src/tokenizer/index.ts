// basehttp/tokenizer: the WebAssembly tokenizer as a library, for Node, Deno, Bun, browsers and
// workers. The binaries are embedded (wasm-binary.ts); nothing reads the file system. Where the
// runtime compiles synchronously the module is ready at import; elsewhere (a browser's main
// thread) `await init()` first. docs/API.md documents every name.

import { DEFAULT_HEAD_LIMIT } from "../contract/layout.js";
import { checkBounds, resultOf, type ParseOptions, type ParseRequestHead, type ParseResult } from "./head.js";
import { WasmTokenizer, type WasmVariant } from "./wasm.js";

export * from "./common.js";
export { DEFAULT_WASM_VARIANT, SIMD_SUPPORTED, WasmTokenizer, init, isReady } from "./wasm.js";
export type { WasmVariant } from "./wasm.js";

const HEAD_LIMIT: number = DEFAULT_HEAD_LIMIT;

/**
 * A parseRequestHead with a WasmTokenizer of its own (`variant`: "simd" or "scalar"; default
 * SIMD where it validates), made on its first call. Each parser keeps one linear memory; the
 * token table is read there, in place (no copy out of WebAssembly memory).
 */
export function createParseRequestHead(variant?: WasmVariant): ParseRequestHead {
  let tok: WasmTokenizer | undefined;
  return function parseRequestHead(bytes: Uint8Array, options?: ParseOptions): ParseResult {
    const start = options?.start ?? 0;
    const end = options?.end ?? bytes.length;
    checkBounds(start, end, bytes.length);
    tok ??= new WasmTokenizer(variant);
    const outcome = tok.scanFresh(bytes, start, end, options?.headLimit ?? HEAD_LIMIT);
    return resultOf(outcome, bytes, start, tok.memoryTable, tok.memoryTableBase);
  };
}

/**
 * Parse one request head with the WASM backend (the default variant: SIMD where it validates):
 * `{ kind: "head", method, target, version, headers, length }`, `{ kind: "need-more" }` or
 * `{ kind: "violation", code, name, rfc, status, at }`. Each call scans `bytes` afresh.
 */
export const parseRequestHead: ParseRequestHead = createParseRequestHead();
