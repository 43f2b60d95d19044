// The WASM loader: the two binaries of assembly/ (SIMD and scalar), embedded as base64 in the
// generated wasm-binary.ts (scripts/embed-wasm.mjs), decoded once and compiled synchronously at
// import where the runtime allows it (Node, Deno, Bun, workers), else by init() (a browser's main
// thread). No file system, no path, no process.env. wasm.ts drives the instances.

import { NAME_TABLE } from "./names.js";
import { SCALAR_WASM, SIMD_WASM } from "./wasm-binary.js";

/** The two builds of assembly/: with WebAssembly SIMD (128-bit searches) and without. */
export type WasmVariant = "simd" | "scalar";

/** The part of the WebAssembly JS API used here (the tsconfig has no DOM lib, which types it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** A compiled WebAssembly.Module (opaque). */
export interface WasmModule {
  readonly kind?: "WebAssembly.Module";
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Base64 to bytes with what the runtime has: Uint8Array.fromBase64, Buffer, or atob. */
function fromBase64(text: string): Uint8Array {
  const g = globalThis as unknown as {
    Buffer?: { from(s: string, enc: "base64"): Uint8Array };
    atob(s: string): string;
  };
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native !== undefined) return native(text);
  if (g.Buffer !== undefined) return new Uint8Array(g.Buffer.from(text, "base64"));
  const raw = g.atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

const BINARIES: Record<WasmVariant, string> = { simd: SIMD_WASM, scalar: SCALAR_WASM };
const bytesOf = new Map<WasmVariant, Uint8Array>();
const modules = new Map<WasmVariant, WasmModule>();

/** The binary of one variant (decoded once). */
export function wasmBinary(variant: WasmVariant): Uint8Array {
  let bytes = bytesOf.get(variant);
  if (bytes === undefined) {
    bytes = fromBase64(BINARIES[variant]);
    bytesOf.set(variant, bytes);
  }
  return bytes;
}

/** Whether this engine accepts the SIMD binary. */
export const SIMD_SUPPORTED: boolean = WA.validate(wasmBinary("simd"));

/** The variant used when none is named: SIMD where it validates, else scalar. */
export const DEFAULT_WASM_VARIANT: WasmVariant = SIMD_SUPPORTED ? "simd" : "scalar";

/**
 * The compiled module of one variant, compiled once, synchronously. Throws where the runtime
 * refuses synchronous compilation (a browser's main thread): `await init()` first there.
 */
export function wasmModule(variant: WasmVariant): WasmModule {
  let module = modules.get(variant);
  if (module === undefined) {
    try {
      module = new WA.Module(wasmBinary(variant));
    } catch (error) {
      throw new Error(
        `basehttp/tokenizer: this runtime does not compile WebAssembly synchronously here; ` +
          `await init() before creating a WasmTokenizer (${String(error)})`,
        { cause: error },
      );
    }
    modules.set(variant, module);
  }
  return module;
}

/** Whether `variant` is compiled, so `new WasmTokenizer(variant)` works without awaiting. */
export function isReady(variant: WasmVariant = DEFAULT_WASM_VARIANT): boolean {
  return modules.has(variant);
}

/**
 * Compile the variants asynchronously (WebAssembly.compile), for runtimes that refuse
 * synchronous compilation of modules this size (a browser's main thread). Resolves when
 * `new WasmTokenizer(variant)` can be called; elsewhere it resolves at once. Idempotent.
 */
export async function init(variants: readonly WasmVariant[] = [DEFAULT_WASM_VARIANT]): Promise<void> {
  for (const variant of variants) {
    if (!modules.has(variant)) {
      const module = await WA.compile(wasmBinary(variant));
      if (!modules.has(variant)) modules.set(variant, module);
    }
  }
}

/** A fresh instance's exports: functions, the memory, and the layout constants as globals; its
 * common-name table written (names.ts), so its scans find name ids as the twin's do. */
export function wasmExports(variant: WasmVariant): Record<string, unknown> {
  const exports = new WA.Instance(wasmModule(variant), {}).exports;
  const memory = exports["memory"] as WasmMemory;
  new Uint8Array(memory.buffer).set(NAME_TABLE, (exports["namesPtr"] as () => number)());
  return exports;
}

// Synchronous compilation at import where the runtime allows it; elsewhere init() does it.
try {
  wasmModule(DEFAULT_WASM_VARIANT);
} catch {
  // A browser main thread: left to init().
}
