// The state of one scan call: where the request's bytes sit in linear memory, and the token
// table (a fixed region the loader copies the caller's Int32Array into, or scanHead zeroes for a
// new head, and back out of).
// Every other assembly/ file reads input bytes and table slots through these helpers.

import { OUTCOME_VIOLATION, T_OUTCOME, T_VIOLATION, T_VIOLATION_AT } from "./layout";
import { TABLE } from "./tables";

/** Address of the request's first byte (input offset 0). The loader may have copied only the
 * bytes from offset `staged` on, so this address can lie below the input region (it wraps). */
export let base: usize = 0;
/** First input offset present in memory; no byte below it is ever read. */
export let staged: i32 = 0;

export function setInput(address: usize, first: i32): void {
  base = address;
  staged = first;
}

/** The input byte at offset `off` (off >= staged). */
// @ts-ignore: decorator
@inline export function byteAt(off: i32): u32 {
  return load<u8>(base + <usize>off);
}

/** SP or HTAB: the whitespace of the request line and around field values (RFC 9110 §5.6.3). */
// @ts-ignore: decorator
@inline export function isWhite(b: u32): bool {
  return b == 0x20 || b == 0x09;
}

// @ts-ignore: decorator
@inline export function getSlot(slot: i32): i32 {
  return load<i32>(TABLE + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline export function setSlot(slot: i32, value: i32): void {
  store<i32>(TABLE + (<usize>slot << 2), value);
}

/** Record a violation at input offset `at`; as js.ts, the resume slots are left as they were. */
export function violate(code: i32, at: i32): i32 {
  setSlot(T_VIOLATION, code);
  setSlot(T_VIOLATION_AT, at);
  setSlot(T_OUTCOME, OUTCOME_VIOLATION);
  return OUTCOME_VIOLATION;
}
