// The tokenizer backends under test, found by name. Until src/tokenizer/select.ts exists this
// holds the TypeScript twin alone; then it is select.ts's allTokenizers() (wasm-simd, wasm-scalar, js).

import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { JsTokenizer } from "../../src/tokenizer/js.js";

export function allBackends(): Tokenizer[] {
  return [new JsTokenizer()];
}

export function backend(name: string): Tokenizer {
  const tok = allBackends().find((t) => t.name === name);
  if (!tok) throw new Error(`no tokenizer backend named ${name}`);
  return tok;
}
