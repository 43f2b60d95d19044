// basehttp/tokenizer/js: the TypeScript twin of the WASM tokenizer as a library. The same token
// tables byte for byte, the same decoded API, no WebAssembly and no node: import.
// docs/API.md documents every name.

import { makeParseRequestHead, tableScanner, type ParseRequestHead } from "./head.js";
import { JsTokenizer } from "./js.js";

export * from "./common.js";
export { JsTokenizer } from "./js.js";

/**
 * Parse one request head with the twin: `{ kind: "head", method, target, version, headers,
 * length }`, `{ kind: "need-more" }` or `{ kind: "violation", code, name, rfc, status, at }`.
 */
export const parseRequestHead: ParseRequestHead = createParseRequestHead();

/** A parseRequestHead with a JsTokenizer and a token table of its own. */
export function createParseRequestHead(): ParseRequestHead {
  return makeParseRequestHead(() => tableScanner(new JsTokenizer()));
}
