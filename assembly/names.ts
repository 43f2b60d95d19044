// Field names matched against the common-name table while the head is scanned, as
// src/tokenizer/names.ts does for the twin (same hash, same probing, same table: the loader
// writes that module's NAME_TABLE into NAMES). The id goes into the header's HEADER_NAME_ID slot.

import {
  MAX_NAME_ID_LEN, NAME_BLOCK_SPECIAL, NAME_BLOCK_MULTIPLIER, NAME_BLOCK_SHIFT, NAME_ENTRIES_AT, NAME_ENTRY_BYTES,
  NAME_HASH_SHIFT, NAME_HASH_SLOTS,
} from "./layout";
import { base } from "./state";
import { NAMES } from "./tables";

/** The name id of the field name at input [no, no + nl) (nl >= 1), 0 when it is no common name. */
// @ts-ignore: decorator
@inline export function nameId(no: i32, nl: i32): i32 {
  if (nl > MAX_NAME_ID_LEN) return 0;
  const at = base + <usize>no;
  const key: u32 = (<u32>nl) ^ (<u32>load<u8>(at) << 8) ^ (<u32>load<u8>(at + <usize>(nl >> 1)) << 16) ^ (<u32>load<u8>(at + <usize>(nl - 1)) << 24);
  let slot = <i32>((key * <u32>0x9e3779b1) >> <u32>NAME_HASH_SHIFT);
  while (true) {
    const id = <i32>load<u16>(NAMES + (<usize>slot << 1));
    if (id == 0) return 0;
    const e = NAMES + <usize>NAME_ENTRIES_AT + <usize>id * NAME_ENTRY_BYTES;
    if (<i32>load<u8>(e + NAME_ENTRY_BYTES - 1) == nl && sameBytes(at, e, nl)) return id;
    slot = (slot + 1) & (NAME_HASH_SLOTS - 1);
  }
}

/** Whether the `len` bytes (1 to 31) at `a` equal those at `e`. Reads up to 16 bytes past a + len
 * (the input's padding covers it) and 32 at `e` (one entry). */
// @ts-ignore: decorator
@inline function sameBytes(a: usize, e: usize, len: i32): bool {
  if (ASC_FEATURE_SIMD) {
    let m = i8x16.bitmask(i8x16.eq(v128.load(a), v128.load(e)));
    if (len <= 16) return ((m | (0xffff << len)) & 0xffff) == 0xffff;
    if (m != 0xffff) return false;
    m = i8x16.bitmask(i8x16.eq(v128.load(a + 16), v128.load(e + 16)));
    return ((m | (0xffff << (len - 16))) & 0xffff) == 0xffff;
  } else {
    for (let k = 0; k < len; k += 8) {
      let x = load<u64>(a + <usize>k) ^ load<u64>(e + <usize>k);
      const rest = len - k;
      if (rest < 8) x &= (<u64>1 << (<u64>rest << 3)) - 1;
      if (x != 0) return false;
    }
    return true;
  }
}

/** Set in a NAME_BLOCK entry's id when special() interprets the name (layout.ts). */
export const NAME_SPECIAL: i32 = NAME_BLOCK_SPECIAL;

/** SIMD: the NAME_BLOCK slot of a name of 4 to 15 bytes at `at` (src/tokenizer/names.ts
 * nameBlockSlot computes the same for the table): its first and last four bytes as u32, the
 * second rotated by 16, xored, times NAME_BLOCK_MULTIPLIER (not the length, three instructions a
 * line: no two common names share those eight bytes, and an entry's colon lane tells a name of
 * another length from it). The walk
 * (assembly/walk.ts) compares the entry there with the name's 16 bytes: an entry holds the name
 * and its colon, so lanes 0 to nl all equal only for that very name (a shorter entry has its colon
 * where the name has a tchar, a longer one a tchar where the name has its colon). No probing, no
 * dependent length load. Shorter names (whose key would need masks) go to nameId. */
// @ts-ignore: decorator
@inline export function nameBlockSlot(at: usize, nl: i32): usize {
  const key = load<u32>(at) ^ rotl<u32>(load<u32>(at + <usize>nl - 4), 16);
  return <usize>((key * <u32>NAME_BLOCK_MULTIPLIER) >> <u32>NAME_BLOCK_SHIFT);
}
