// The byte searches the lines go through, vectorised: the end-of-line LF, the end of a
// request-line word, the end of a field name, the field-value control-byte check. One source,
// two binaries: ASC_FEATURE_SIMD (a compile-time constant) picks v128 (i8x16.eq + bitmask + ctz)
// or SWAR over u64 (uWebSockets' HttpParser.h; bit tricks from
// https://graphics.stanford.edu/~seander/bithacks.html#ZeroInWord). Each may read up to 15
// bytes past `end`: the loader keeps 16 bytes of padding after the input.

import { base, byteAt } from "./state";
import { TCHAR } from "./tables";

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** Has a zero byte (exact for the lowest one: no borrow reaches below it). */
// @ts-ignore: decorator
@inline function zeroBytes(x: u64): u64 {
  return (x - ONES) & ~x & HIGHS;
}

/** A field-value byte refused by RFC 9110 §5.5: a control other than HTAB, or DEL. */
// @ts-ignore: decorator
@inline export function isControl(b: u32): bool {
  return b < 0x20 ? b != 0x09 : b == 0x7f;
}

/** Offset of the first LF in [pos, end), or -1. */
export function findLF(pos: i32, end: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    const lf = i8x16.splat(0x0a);
    for (; pos < end; pos += 16) {
      const mask = i8x16.bitmask(i8x16.eq(v128.load(base + <usize>pos), lf));
      if (mask != 0) return first(pos + ctz(mask), end);
    }
  } else {
    for (; pos < end; pos += 8) {
      const bits = zeroBytes(load<u64>(base + <usize>pos) ^ 0x0a0a0a0a0a0a0a0a);
      if (bits != 0) return first(pos + <i32>(ctz(bits) >> 3), end);
    }
  }
  return -1;
}

// @ts-ignore: decorator
@inline function first(at: i32, end: i32): i32 {
  return at < end ? at : -1;
}

/** Offset of the first control byte (isControl) in [pos, end), or -1. */
export function findControl(pos: i32, end: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    const space = i8x16.splat(0x20);
    const tab = i8x16.splat(0x09);
    const del = i8x16.splat(0x7f);
    for (; pos < end; pos += 16) {
      const v = v128.load(base + <usize>pos);
      const bad = v128.or(v128.andnot(i8x16.lt_u(v, space), i8x16.eq(v, tab)), i8x16.eq(v, del));
      const mask = i8x16.bitmask(bad);
      if (mask != 0) return first(pos + ctz(mask), end);
    }
    return -1;
  } else {
    for (; pos + 8 <= end; pos += 8) {
      if (suspect(load<u64>(base + <usize>pos))) {
        const at = controlIn(pos, pos + 8);
        if (at >= 0) return at;
      }
    }
    return controlIn(pos, end);
  }
}

/** Some byte below 0x20 or equal to 0x7f (no false negatives; HTAB and borrows give false positives). */
// @ts-ignore: decorator
@inline function suspect(x: u64): bool {
  return (((x - 0x2020202020202020) & ~x & HIGHS) | zeroBytes(x ^ 0x7f7f7f7f7f7f7f7f)) != 0;
}

function controlIn(pos: i32, end: i32): i32 {
  for (; pos < end; pos++) if (isControl(byteAt(pos))) return pos;
  return -1;
}

/** Offset of the first SP, HTAB, CR or LF in [pos, end), or `end`: where a request-line word ends
 * (a complete line has no LF before its end; the fast path, assembly/fast.ts, stops there too). */
export function findWordEnd(pos: i32, end: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    const space = i8x16.splat(0x20);
    const tab = i8x16.splat(0x09);
    const cr = i8x16.splat(0x0d);
    const lf = i8x16.splat(0x0a);
    for (; pos < end; pos += 16) {
      const v = v128.load(base + <usize>pos);
      const hit = v128.or(v128.or(i8x16.eq(v, space), i8x16.eq(v, tab)), v128.or(i8x16.eq(v, cr), i8x16.eq(v, lf)));
      const mask = i8x16.bitmask(hit);
      if (mask != 0) return min(pos + ctz(mask), end);
    }
  } else {
    for (; pos < end; pos += 8) {
      const x = load<u64>(base + <usize>pos);
      // The lowest flagged byte of each term is exact, so the lowest of their union is too.
      const bits = zeroBytes(x ^ 0x2020202020202020) | zeroBytes(x ^ 0x0909090909090909) | zeroBytes(x ^ 0x0d0d0d0d0d0d0d0d) |
        zeroBytes(x ^ 0x0a0a0a0a0a0a0a0a);
      if (bits != 0) return min(pos + <i32>(ctz(bits) >> 3), end);
    }
  }
  return end;
}

/** tchar (RFC 9110 §5.6.2) from the TCHAR table. */
// @ts-ignore: decorator
@inline export function isTchar(b: u32): bool {
  return load<u8>(TCHAR + <usize>b) != 0;
}

/** Offset of the first byte in [pos, end) that is not a tchar, or `end`: where a field name ends.
 * SIMD: the TCHAR table as two 16-entry nibble tables, one bit per high nibble 2 to 7 (rows of
 * TCHAR), looked up with i8x16.swizzle: a byte is a tchar when lo[b & 15] & hi[b >> 4] != 0. */
export function findNonTchar(pos: i32, end: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    const lo = i8x16(0x3a, 0x3f, 0x3e, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3e, 0x3e, 0x3d, 0x15, 0x34, 0x15, 0x3d, 0x1c);
    const hi = i8x16(0, 0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
    const nibble = i8x16.splat(0x0f);
    const zero = i8x16.splat(0);
    for (; pos < end; pos += 16) {
      const v = v128.load(base + <usize>pos);
      const classes = v128.and(i8x16.swizzle(lo, v128.and(v, nibble)), i8x16.swizzle(hi, i8x16.shr_u(v, 4)));
      const mask = i8x16.bitmask(i8x16.eq(classes, zero));
      if (mask != 0) return min(pos + ctz(mask), end);
    }
    return end;
  } else {
    while (pos < end && isTchar(byteAt(pos))) pos++;
    return pos;
  }
}
