// The seam: one interface, two backends (assembly/ compiled to WASM, and src/tokenizer/js.ts).
// Both fill the same token table (src/contract/layout.ts) with the same numbers for every
// input; the server above reads only the table and the caller's own bytes.

/** Which implementation a server runs: `"wasm"` (default) or `"js"`, the TypeScript twin. */
export type ParserName = "wasm" | "js";

export interface Tokenizer {
  /** `"wasm-simd"`, `"wasm-scalar"` or `"js"`. */
  readonly name: string;
  /**
   * Tokenise one request head that starts at `input[start]`, with `input[start, end)` received
   * so far. `table` (TABLE_SLOTS long, zeroed by `resetTable` before each new head) carries the
   * resume state between calls for the same head, so bytes already searched are not searched
   * again: when more bytes arrive, call again with the same `start`, a larger `end`, the same table.
   * Returns `table[T_OUTCOME]`: the head length (> 0), 0 for "need more", or OUTCOME_VIOLATION.
   * No byte at or beyond `start + headLimit` is ever looked at.
   *
   * Contract with the caller: bytes of `input` below `end` are never changed after being passed
   * (appending beyond `end` is fine); the WASM backend relies on it to copy each byte once.
   */
  scan(input: Uint8Array, start: number, end: number, table: Int32Array, headLimit: number): number;
  /** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for whole seconds since the epoch. */
  formatDate(seconds: number): string;
}
