// basehttp/tokenizer: the WebAssembly tokenizer as a library, for Node, Deno, Bun, browsers and
// workers. The binaries are embedded (wasm-binary.ts); nothing reads the file system. Where the
// runtime compiles synchronously the module is ready at import; elsewhere (a browser's main
// thread) `await init()` first. docs/API.md documents every name.

import { makeParseRequestHead, type ParseRequestHead } from "./head.js";
import { WasmTokenizer, type WasmVariant } from "./wasm.js";

export * from "./common.js";
export { DEFAULT_WASM_VARIANT, SIMD_SUPPORTED, WasmTokenizer, init, isReady } from "./wasm.js";
export type { WasmVariant } from "./wasm.js";

/**
 * A parseRequestHead with a WasmTokenizer of its own (`variant`: "simd" or "scalar"; default
 * SIMD where it validates), made on its first call. Each parser keeps one linear memory.
 */
export function createParseRequestHead(variant?: WasmVariant): ParseRequestHead {
  return makeParseRequestHead(() => {
    const tok = new WasmTokenizer(variant);
    return {
      // The table is read in linear memory, in place (no copy out of WebAssembly memory).
      scanFresh: (bytes, start, end, headLimit) => tok.scanFresh(bytes, start, end, headLimit),
      get table() {
        return tok.memoryTable;
      },
      base: tok.memoryTableBase,
    };
  });
}

/**
 * Parse one request head with the WASM backend (the default variant: SIMD where it validates):
 * `{ kind: "head", method, target, version, headers, length }`, `{ kind: "need-more" }` or
 * `{ kind: "violation", code, name, rfc, status, at }`. Each call scans `bytes` afresh.
 */
export const parseRequestHead: ParseRequestHead = createParseRequestHead();
