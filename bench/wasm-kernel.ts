// The WASM kernel alone, for bench/tokenizer.bench.ts: the scanHead export of its own instance
// on bytes staged once into linear memory, so the figure leaves out what WasmTokenizer.scan adds
// (the copy into memory, the table copied in and out). Also checks its table against the twin's.

import assert from "node:assert/strict";
import { T_HEADER_COUNT, T_HEADERS, HEADER_SLOTS } from "../src/contract/layout.js";
import { newTable, resetTable } from "../src/contract/table.js";
import { scanHead as scanHeadJs } from "../src/tokenizer/js.js";
import { wasmExports, type WasmVariant } from "../src/tokenizer/wasm.js";

interface KernelExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  scanHead(address: number, first: number, n: number, headLimit: number, fresh: number): number;
  tablePtr(): number;
  inputPtr(): number;
}

const HEAD_LIMIT = 1024 * 1024;
/** Bytes past the input the v128/u64 searches may read (src/tokenizer/wasm.ts PAD). */
const PAD = 16;

/** A function scanning every head in `bytes` (staged now, once) with the bare export. */
export function wasmKernel(variant: WasmVariant, bytes: Uint8Array): () => void {
  const x = wasmExports(variant) as unknown as KernelExports;
  const input = x.inputPtr();
  const need = input + bytes.length + PAD - x.memory.buffer.byteLength;
  if (need > 0) x.memory.grow(Math.ceil(need / 65536));
  new Uint8Array(x.memory.buffer).set(bytes, input);
  const slots = new Int32Array(x.memory.buffer);
  const t = x.tablePtr() >> 2;
  const n = bytes.length;
  const scanHead = x.scanHead;
  const scanAll = (): void => {
    for (let s = 0; s < n; ) {
      // Zeroed in JavaScript, as resetTable zeroes the caller's table in copy+scan (`fresh` 0).
      slots.fill(0, t, t + T_HEADERS);
      const len = scanHead(input + s, 0, n - s, HEAD_LIMIT, 0);
      if (len <= 0) throw new Error(`wasm-${variant} kernel: outcome ${len} at ${s}`);
      s += len;
    }
  };
  // The kernel's table after the first head must equal the twin's, slot for slot.
  slots.fill(0, t, t + T_HEADERS);
  scanHead(input, 0, n, HEAD_LIMIT, 0);
  const twin = newTable();
  resetTable(twin);
  scanHeadJs(bytes, 0, n, twin, HEAD_LIMIT);
  const used = T_HEADERS + twin[T_HEADER_COUNT]! * HEADER_SLOTS;
  assert.deepEqual(Array.from(slots.subarray(t, t + used)), Array.from(twin.subarray(0, used)), `wasm-${variant} kernel table`);
  return scanAll;
}
