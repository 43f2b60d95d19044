// basehttp/tokenizer/js: the TypeScript twin of the WASM tokenizer as a library. The same token
// tables byte for byte, the same decoded API, no WebAssembly and no node: import.
// docs/API.md documents every name.

import { DEFAULT_HEAD_LIMIT } from "../contract/layout.js";
import { newTable, resetTable } from "../contract/table.js";
import { checkBounds, resultOf, type ParseOptions, type ParseRequestHead, type ParseResult } from "./head.js";
import { JsTokenizer } from "./js.js";

export * from "./common.js";
export { JsTokenizer } from "./js.js";

const HEAD_LIMIT: number = DEFAULT_HEAD_LIMIT;

/** A parseRequestHead with a JsTokenizer and a token table of its own. */
export function createParseRequestHead(): ParseRequestHead {
  const tok = new JsTokenizer();
  const table = newTable();
  return function parseRequestHead(bytes: Uint8Array, options?: ParseOptions): ParseResult {
    const start = options?.start ?? 0;
    const end = options?.end ?? bytes.length;
    checkBounds(start, end, bytes.length);
    resetTable(table);
    const outcome = tok.scan(bytes, start, end, table, options?.headLimit ?? HEAD_LIMIT);
    return resultOf(outcome, bytes, start, table, 0);
  };
}

/**
 * Parse one request head with the twin: `{ kind: "head", method, target, version, headers,
 * length }`, `{ kind: "need-more" }` or `{ kind: "violation", code, name, rfc, status, at }`.
 */
export const parseRequestHead: ParseRequestHead = createParseRequestHead();
