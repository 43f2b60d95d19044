// The tokenizer backends under test, found by name in src/tokenizer/select.ts's
// allTokenizers() (wasm-simd, wasm-scalar, js), so every test file runs what the server runs.

import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { allTokenizers } from "../../src/tokenizer/select.js";

export function allBackends(): Tokenizer[] {
  return allTokenizers();
}

export function backend(name: string): Tokenizer {
  const tok = allBackends().find((t) => t.name === name);
  if (!tok) throw new Error(`no tokenizer backend named ${name} (have ${allBackends().map((t) => t.name).join(", ")})`);
  return tok;
}
