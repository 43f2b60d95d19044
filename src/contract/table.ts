// Helpers over the token table that every reader shares: allocation, reset, Content-Length.

import { T_CL_HI, T_CL_LO, T_HEADERS, TABLE_SLOTS } from "./layout.js";

/** A zeroed table, ready for a new head. */
export function newTable(): Int32Array {
  return new Int32Array(TABLE_SLOTS);
}

// resetTable zeroes the state slots as straight-line stores: `fill(0, 0, T_HEADERS)` costs a
// builtin call with range checks, several times as much, once per request head.
if (T_HEADERS !== 21) throw new Error("src/contract/table.ts: the token table layout changed");

/** Zero the state slots so the table can take a new head (header slots are overwritten). */
export function resetTable(table: Int32Array): void {
  table[0] = table[1] = table[2] = table[3] = table[4] = table[5] = table[6] = 0;
  table[7] = table[8] = table[9] = table[10] = table[11] = table[12] = table[13] = 0;
  table[14] = table[15] = table[16] = table[17] = table[18] = table[19] = table[20] = 0;
}

/** The Content-Length value stored in the table. */
export function contentLength(table: Int32Array): number {
  return table[T_CL_HI]! * 4294967296 + (table[T_CL_LO]! >>> 0);
}
