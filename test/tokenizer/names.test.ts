// Name ids: both scans match each field name against the common-name table
// (src/tokenizer/names.ts; the WASM loader writes the same table into linear memory) and write
// 1 + its index in COMMON_HEADER_NAMES into HEADER_NAME_ID when the bytes are exactly that name.

import { describe, expect, test } from "vitest";
import {
  HEADER_NAME_ID, HEADER_SLOTS, MAX_NAME_ID, NAME_BLOCK_AT, NAME_BLOCK_CONNECTION, NAME_BLOCK_IDS_AT, NAME_BLOCK_SLOTS,
  NAME_BLOCK_SPECIAL, NAME_TABLE_BYTES, T_HEADER_COUNT, T_HEADERS,
} from "../../src/contract/layout.js";
import { newTable } from "../../src/contract/table.js";
import { COMMON_HEADER_NAMES } from "../../src/tokenizer/intern.js";
import { NAME_TABLE, nameBlockSlot, nameId } from "../../src/tokenizer/names.js";
import * as wasmEntry from "../../src/tokenizer/index.js";
import * as jsEntry from "../../src/tokenizer/js-index.js";
import { wasmExports } from "../../src/tokenizer/wasm.js";
import { allBackends } from "./backends.js";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** One head per name, `Name: v` between two other fields (Content-Length gets a number,
 * Transfer-Encoding `chunked`, so that no head is refused). */
function heads(names: readonly string[]): Uint8Array[] {
  return names.map((n) => {
    const lower = n.toLowerCase();
    const v = lower === "content-length" ? "0" : lower === "transfer-encoding" ? "chunked" : "v";
    return bytes(`GET / HTTP/1.1\r\nX-Before: a\r\n${n}: ${v}\r\nX-After: b\r\n\r\n`);
  });
}

function ids(tok: { scan(b: Uint8Array, s: number, e: number, t: Int32Array, l: number): number }, head: Uint8Array): number[] {
  const t = newTable();
  expect(tok.scan(head, 0, head.length, t, 1 << 20)).toBe(head.length);
  expect(t[T_HEADER_COUNT]).toBe(3);
  // The fields around it are no common names.
  expect([t[T_HEADERS + HEADER_NAME_ID], t[T_HEADERS + 2 * HEADER_SLOTS + HEADER_NAME_ID]]).toEqual([0, 0]);
  return [t[T_HEADERS + HEADER_SLOTS + HEADER_NAME_ID]!];
}

/** Names that are not common ones but share a length, first/last bytes or a prefix with one. */
const NEAR_MISSES = COMMON_HEADER_NAMES.flatMap((n) => [
  n.toUpperCase() === n ? n.toLowerCase() + "x" : n.toUpperCase(),
  n.slice(0, -1) + (n.endsWith("z") ? "y" : "z"),
  "z" + n.slice(1),
  n + "-",
  n.slice(0, -1),
]).filter((n) => n.length > 0 && !COMMON_HEADER_NAMES.includes(n));

describe.each(allBackends().map((t) => [t.name, t] as const))("%s", (_name, tok) => {
  test("every common name gets 1 + its index, byte for byte", () => {
    const got = heads(COMMON_HEADER_NAMES).flatMap((h) => ids(tok, h));
    expect(got).toEqual(COMMON_HEADER_NAMES.map((_, i) => i + 1));
  });

  test("near misses (other case, one byte off, a byte more or less) get 0", () => {
    expect(NEAR_MISSES.length).toBeGreaterThan(4 * COMMON_HEADER_NAMES.length);
    const got = heads(NEAR_MISSES).flatMap((h) => ids(tok, h));
    expect(got).toEqual(NEAR_MISSES.map(() => 0));
  });

  test("names longer than an entry get 0", () => {
    expect(ids(tok, heads(["Access-Control-Request-Headers" + "x".repeat(40)])[0]!)).toEqual([0]);
  });
});

test("the twin's nameId agrees with the list, and the list fills at most the table's ids", () => {
  expect(COMMON_HEADER_NAMES.length).toBeLessThanOrEqual(MAX_NAME_ID);
  for (const [i, n] of COMMON_HEADER_NAMES.entries()) expect(nameId(bytes(`:${n}:`), 1, n.length)).toBe(i + 1);
});

test("a WASM instance holds the twin's table in memory", () => {
  for (const variant of ["simd", "scalar"] as const) {
    const x = wasmExports(variant) as { memory: { buffer: ArrayBuffer }; namesPtr(): number };
    expect(new Uint8Array(x.memory.buffer, x.namesPtr(), NAME_TABLE_BYTES)).toEqual(NAME_TABLE);
  }
});

test("parseRequestHead gives every common name as its interned string in both entries", () => {
  for (const m of [wasmEntry, jsEntry]) {
    const got = heads(COMMON_HEADER_NAMES).flatMap((h) => {
      const r = m.parseRequestHead(h);
      if (r.kind !== "head") throw new Error(r.kind);
      return [r.headers[1]![0]];
    });
    expect(got).toEqual(COMMON_HEADER_NAMES);
  }
});

test("the WASM walk's NAME_BLOCK table: each common name of 1 to 15 bytes and its colon alone in its slot, special() names and Connection flagged", () => {
  const short = COMMON_HEADER_NAMES.filter((n) => n.length <= 15);
  const slots = short.map(nameBlockSlot);
  expect(new Set(slots).size).toBe(short.length);
  const flagged: string[] = [];
  const connection: string[] = [];
  for (const [k, n] of short.entries()) {
    const e = NAME_BLOCK_AT + 16 * slots[k]!;
    expect(String.fromCharCode(...NAME_TABLE.subarray(e, e + 16))).toBe(`${n}:`.padEnd(16, "\0"));
    const id = NAME_TABLE[NAME_BLOCK_IDS_AT + 2 * slots[k]!]! | (NAME_TABLE[NAME_BLOCK_IDS_AT + 2 * slots[k]! + 1]! << 8);
    expect(id & (NAME_BLOCK_SPECIAL - 1)).toBe(COMMON_HEADER_NAMES.indexOf(n) + 1);
    if (id & NAME_BLOCK_SPECIAL) flagged.push(n);
    if (id & NAME_BLOCK_CONNECTION) connection.push(n);
  }
  expect(flagged.sort()).toEqual(["Connection", "Content-Length", "Expect", "connection", "content-length", "expect"]);
  // The walk takes these itself (special()'s Connection branch inline); both are flagged special too.
  expect(connection.sort()).toEqual(["Connection", "connection"]);
  // Every other slot is empty: a name can only match its own entry.
  let used = 0;
  for (let s = 0; s < NAME_BLOCK_SLOTS; s++) if (NAME_TABLE[NAME_BLOCK_IDS_AT + 2 * s] !== 0) used++;
  expect(used).toBe(short.length);
});
