// Helpers over the token table that every reader shares: allocation, reset, Content-Length.

import { T_CL_HI, T_CL_LO, T_HEADERS, TABLE_SLOTS } from "./layout.js";

/** A zeroed table, ready for a new head. */
export function newTable(): Int32Array {
  return new Int32Array(TABLE_SLOTS);
}

/** Zero the state slots so the table can take a new head (header slots are overwritten). */
export function resetTable(table: Int32Array): void {
  table.fill(0, 0, T_HEADERS);
}

/** The Content-Length value stored in the table. */
export function contentLength(table: Int32Array): number {
  return table[T_CL_HI]! * 4294967296 + (table[T_CL_LO]! >>> 0);
}
