// What basehttp/tokenizer (index.ts, WASM) and basehttp/tokenizer/js (js-index.ts, the twin)
// both export: the token-table layout and its helpers for the streaming API, the violation
// codes with their RFC sections, the intern tables, and the decoded API's types. No node: import.

export * from "../contract/layout.js";
export * from "../contract/violations.js";
export { contentLength, newTable, resetTable } from "../contract/table.js";
export type { ParserName, Tokenizer } from "../contract/tokenizer.js";
export { COMMON_HEADER_NAMES, KNOWN_METHODS, KNOWN_VERSIONS, headerName, internHeaderName, internMethod, internVersion } from "./intern.js";
export { latin1 } from "./latin1.js";
export { NEED_MORE, decodeHead } from "./head.js";
export type { NeedMore, ParseOptions, ParseRequestHead, ParseResult, RequestHead, Violation } from "./head.js";
