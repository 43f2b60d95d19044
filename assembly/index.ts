// The WASM module's exports, and nothing else: the scan entry, the date formatter, where the
// fixed regions are (the name table among them), and the layout constants (test/tokenizer/layout.test.ts holds them equal to
// src/contract/). Loaded by src/tokenizer/wasm.ts; no imports, no runtime, no strings.

import { DATE_BUF, NAMES, TABLE } from "./tables";

export { scanHead } from "./scan";
export { formatDate } from "./date";
export * from "./layout";

/** The token table region (TABLE_SLOTS i32). */
export function tablePtr(): usize {
  return TABLE;
}

/** The common-name table region (NAME_TABLE_BYTES), which the loader fills. */
export function namesPtr(): usize {
  return NAMES;
}

/** The formatted date region. */
export function datePtr(): usize {
  return DATE_BUF;
}

/** The input region: from here to the end of memory, minus 16 bytes of padding for overreads. */
export function inputPtr(): usize {
  return (__heap_base + 15) & ~15;
}
