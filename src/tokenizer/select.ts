// Picks a tokenizer backend by name: the server asks for "wasm" (default) or "js"; tests and
// benchmarks ask for every backend at once. The Node server's side of the tokenizer: it reads
// BASEHTTP_WASM=simd|scalar (the public basehttp/tokenizer entry reads no environment). One instance per backend, shared by all connections
// (a scan is synchronous, and the table carries each connection's state).

import type { ParserName, Tokenizer } from "../contract/tokenizer.js";
import { JsTokenizer } from "./js.js";
import { DEFAULT_WASM_VARIANT, SIMD_SUPPORTED, WasmTokenizer, type WasmVariant } from "./wasm.js";

/** The WASM variant the server runs: BASEHTTP_WASM=simd|scalar when set, else SIMD where it validates. */
function serverWasmVariant(): WasmVariant {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  const forced = env?.["BASEHTTP_WASM"];
  return forced === "simd" || forced === "scalar" ? forced : DEFAULT_WASM_VARIANT;
}
const SERVER_VARIANT = serverWasmVariant();

const wasmTokenizers = new Map<WasmVariant, WasmTokenizer>();
let jsTokenizer: JsTokenizer | undefined;

function wasm(variant: WasmVariant): WasmTokenizer {
  let tokenizer = wasmTokenizers.get(variant);
  if (tokenizer === undefined) {
    tokenizer = new WasmTokenizer(variant);
    wasmTokenizers.set(variant, tokenizer);
  }
  return tokenizer;
}

function js(): JsTokenizer {
  return (jsTokenizer ??= new JsTokenizer());
}

/** The backend a server runs for `parser: name`. */
export function tokenizerFor(name: ParserName): Tokenizer {
  if (name === "wasm") return wasm(SERVER_VARIANT);
  if (name === "js") return js();
  throw new TypeError(`unknown parser ${JSON.stringify(name)}: expected "wasm" or "js"`);
}

/** Every backend this engine runs: wasm-simd (when SIMD validates), wasm-scalar, js. */
export function allTokenizers(): Tokenizer[] {
  const all: Tokenizer[] = SIMD_SUPPORTED ? [wasm("simd")] : [];
  all.push(wasm("scalar"), js());
  return all;
}
