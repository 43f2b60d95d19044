// The WASM side repeats the token-table layout and the violation codes (assembly/layout.ts); this
// holds every number equal to src/contract/ in both binaries, so a slot renumbered on one side
// only fails here instead of as a wrong header or status code in the server.

import { describe, expect, test } from "vitest";
import * as layout from "../../src/contract/layout.js";
import * as violations from "../../src/contract/violations.js";
import { SIMD_SUPPORTED, wasmExports, wasmModule, type WasmModule, type WasmVariant } from "../../src/tokenizer/wasm.js";

/** WebAssembly.Module.imports (the tsconfig has no DOM lib, which types it). */
const moduleImports = (globalThis as unknown as {
  WebAssembly: { Module: { imports(module: WasmModule): unknown[] } };
}).WebAssembly.Module.imports;

/** Every numeric constant of the TypeScript contract, by name. */
const CONSTANTS: Array<[string, number]> = [...Object.entries(layout), ...Object.entries(violations)].filter(
  (entry): entry is [string, number] => typeof entry[1] === "number",
);

/** The exported globals of an instance (functions and the memory aside), as numbers. */
function globals(exports: Record<string, unknown>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === "object" && value !== null && "value" in value && !("buffer" in value)) {
      out.set(name, Number((value as { value: number | bigint }).value));
    }
  }
  return out;
}

test("Node 20 validates the SIMD binary (wasm-simd is the default backend)", () => {
  expect(SIMD_SUPPORTED).toBe(true);
});

const variants: WasmVariant[] = ["simd", "scalar"];

describe.each(variants)("tokenizer %s binary", (variant) => {
  const exports = wasmExports(variant);
  const wasm = globals(exports);

  test("imports nothing (no env.abort) and exports its memory", () => {
    expect(moduleImports(wasmModule(variant))).toEqual([]);
    expect(exports["memory"]).toBeDefined();
    expect(typeof exports["scanHead"]).toBe("function");
    expect(typeof exports["formatDate"]).toBe("function");
  });

  test.each(CONSTANTS)("%s = %d", (name, value) => {
    expect(wasm.get(name)).toBe(value);
  });

  test("exports no layout constant the TypeScript contract lacks", () => {
    const known = new Set(CONSTANTS.map(([name]) => name));
    expect([...wasm.keys()].filter((name) => !known.has(name))).toEqual([]);
  });

  test("the table, name-table, date and input regions do not overlap and are 16-byte aligned", () => {
    const table = (exports["tablePtr"] as () => number)();
    const names = (exports["namesPtr"] as () => number)();
    const date = (exports["datePtr"] as () => number)();
    const input = (exports["inputPtr"] as () => number)();
    const regions: Array<[number, number]> = [[table, layout.TABLE_SLOTS * 4], [names, layout.NAME_TABLE_BYTES], [date, 48]];
    for (const [at] of [...regions, [input, 0]]) expect(at % 16).toBe(0);
    for (const [i, [a, n]] of regions.entries()) {
      for (const [b, m] of regions.slice(i + 1)) expect(a + n <= b || b + m <= a).toBe(true);
      expect(input).toBeGreaterThanOrEqual(a + n);
    }
  });
});
