// The common-name table both scans match header field names against while they read a head
// (layout: NAME_* in src/contract/layout.ts): the twin reads it here, the WASM loader writes
// NAME_TABLE into each instance's memory (assembly/names.ts reads it there). One builder, one
// hash, so both backends give every field the same name id (HEADER_NAME_ID): 1 + the index of
// its name in COMMON_HEADER_NAMES when the bytes are exactly that name, else 0. The decoded API
// and the server then take the interned string by index, comparing no bytes. No node: import.

import {
  MAX_NAME_ID, MAX_NAME_ID_LEN, NAME_BLOCK_AT, NAME_BLOCK_IDS_AT, NAME_BLOCK_SPECIAL, NAME_BLOCK_CONNECTION, NAME_BLOCK_MULTIPLIER, NAME_BLOCK_SHIFT,
  NAME_ENTRIES_AT, NAME_ENTRY_BYTES, NAME_HASH_SHIFT, NAME_HASH_SLOTS, NAME_TABLE_BYTES,
} from "../contract/layout.js";
import { TCHAR } from "../contract/charclass.js";
import { COMMON_HEADER_NAMES } from "./intern.js";

// Module-local copies (V8 reads an imported binding through a cell at every use).
const SHIFT: number = NAME_HASH_SHIFT;
const MASK: number = NAME_HASH_SLOTS - 1;
const ENTRY: number = NAME_ENTRY_BYTES;
const LONGEST: number = MAX_NAME_ID_LEN;

/** The slot a name of `len` bytes with these first, middle (at len >> 1) and last bytes hashes to.
 * assembly/names.ts computes the same (u32 multiplication wraps as Math.imul). */
function nameSlot(len: number, first: number, mid: number, last: number): number {
  return Math.imul(len ^ (first << 8) ^ (mid << 16) ^ (last << 24), 0x9e3779b1) >>> SHIFT;
}

/** The NAME_BLOCK slot of a name of 1 to 15 bytes (assembly/names.ts nameBlockSlot computes the
 * same from the input for names of 4 to 15 bytes, the ones the WASM walk looks up there): its first and last four bytes as little-endian u32 (for fewer than four bytes,
 * the name's bytes both times), the second rotated by 16, xored. */
export function nameBlockSlot(name: string): number {
  const len = name.length;
  const word = (at: number, n: number): number => {
    let w = 0;
    for (let i = 0; i < n; i++) w |= name.charCodeAt(at + i) << (8 * i);
    return w >>> 0;
  };
  const k1 = word(0, len < 4 ? len : 4);
  const k2 = word(len < 4 ? 0 : len - 4, len < 4 ? len : 4);
  const key = (k1 ^ ((k2 << 16) | (k2 >>> 16))) >>> 0;
  return Math.imul(key, NAME_BLOCK_MULTIPLIER) >>> NAME_BLOCK_SHIFT;
}

/** The names the scan interprets (special() in assembly/fields.ts, js-fields.ts), compared in
 * any letter case: a common name spelled so is flagged NAME_BLOCK_SPECIAL (and Connection also
 * NAME_BLOCK_CONNECTION, which the WASM walk interprets without special()). */
const SPECIAL_NAMES = ["content-length", "transfer-encoding", "connection", "expect"];

/** The table as WASM memory holds it (NAME_TABLE_BYTES). */
export const NAME_TABLE: Uint8Array = new Uint8Array(NAME_TABLE_BYTES);
/** Its hash slots (ids) and its entries, as the twin reads them. */
const SLOTS = new Uint16Array(NAME_HASH_SLOTS);
const ENTRIES = NAME_TABLE.subarray(NAME_ENTRIES_AT);

if (COMMON_HEADER_NAMES.length > MAX_NAME_ID) throw new Error("names.ts: more common names than name ids");
COMMON_HEADER_NAMES.forEach((name, index) => {
  const id = index + 1;
  const len = name.length;
  if (len < 1 || len > LONGEST) throw new Error(`names.ts: ${JSON.stringify(name)} does not fit an entry`);
  // The WASM walk (assembly/walk.ts walkLines) takes a name with an id as valid without
  // reading its bytes as tchars (RFC 9110 §5.6.2): every common name must be tchars only.
  for (let i = 0; i < len; i++) {
    if (TCHAR[name.charCodeAt(i)] !== 1) throw new Error(`names.ts: ${JSON.stringify(name)} is not a token`);
  }
  const e = id * ENTRY;
  for (let i = 0; i < len; i++) ENTRIES[e + i] = name.charCodeAt(i);
  ENTRIES[e + ENTRY - 1] = len;
  let slot = nameSlot(len, name.charCodeAt(0), name.charCodeAt(len >> 1), name.charCodeAt(len - 1));
  while (SLOTS[slot] !== 0) slot = (slot + 1) & MASK;
  SLOTS[slot] = id;
  NAME_TABLE[2 * slot] = id & 0xff;
  NAME_TABLE[2 * slot + 1] = id >> 8;
  if (len <= 15) {
    // The WASM walk's table: the name and its colon in its slot, which no other name may take
    // (pick another NAME_BLOCK_MULTIPLIER in both layout files if a new name collides).
    const b = nameBlockSlot(name);
    const ids = NAME_BLOCK_IDS_AT + 2 * b;
    if (NAME_TABLE[ids] !== 0) throw new Error(`names.ts: ${JSON.stringify(name)} collides in the NAME_BLOCK table`);
    for (let i = 0; i < len; i++) NAME_TABLE[NAME_BLOCK_AT + 16 * b + i] = name.charCodeAt(i);
    NAME_TABLE[NAME_BLOCK_AT + 16 * b + len] = 0x3a;
    const lower = name.toLowerCase();
    const flagged = id | (SPECIAL_NAMES.includes(lower) ? NAME_BLOCK_SPECIAL : 0) | (lower === "connection" ? NAME_BLOCK_CONNECTION : 0);
    NAME_TABLE[ids] = flagged & 0xff;
    NAME_TABLE[ids + 1] = flagged >> 8;
  }
});

/** The name id of the field name input[at, at + len) (len >= 1), 0 when it is no common name. */
export function nameId(input: Uint8Array, at: number, len: number): number {
  if (len > LONGEST) return 0;
  let slot = nameSlot(len, input[at]!, input[at + (len >> 1)]!, input[at + len - 1]!);
  for (;;) {
    const id = SLOTS[slot]!;
    if (id === 0) return 0;
    const e = id * ENTRY;
    if (ENTRIES[e + ENTRY - 1] === len) {
      let i = 0;
      while (i < len && input[at + i] === ENTRIES[e + i]) i++;
      if (i === len) return id;
    }
    slot = (slot + 1) & MASK;
  }
}
