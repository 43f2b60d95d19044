// The fast path of assembly/scan.ts, as fastRequestLine and fastFieldLine are the twin's
// (src/tokenizer/js.ts): ordinary lines not searched yet are read once, without the LF search of
// the reference steps. The request line: three words and HTTP/1.1 or HTTP/1.0. Field lines: with
// SIMD, the walk of assembly/walk.ts (the head's control bytes as 64-bit masks); without, each
// line's name and value searched once. Anything unusual (a refused byte, a line at a limit,
// whitespace to trim, a version other than 1.0 and 1.1, empty lines before the request line) stops
// the fast path with nothing written for that line, and the reference steps take it: the
// violation, its offset and the order of the checks stay theirs.

import {
  MAX_HEADER_LINE, MAX_HEADER_LINES, MAX_REQUEST_LINE, T_HEADER_COUNT, T_METHOD_LEN, T_METHOD_OFF,
  T_REQUEST_LINE_END, T_TARGET_LEN, T_TARGET_OFF, T_VERSION_LEN, T_VERSION_MAJOR, T_VERSION_MINOR,
  T_VERSION_OFF, T_WORDS, OUTCOME_NEED_MORE,
} from "./layout";
import { endOfHead, field } from "./fields";
import { findControl, findNonTchar, findWordEnd } from "./search";
import { base, byteAt, getSlot, isWhite, setSlot } from "./state";
import { walkFields } from "./walk";

const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const COLON: u32 = 0x3a;
/** "HTTP/1.1" and "HTTP/1.0" as little-endian u64. */
const HTTP_1_1: u64 = 0x312e312f50545448;
const HTTP_1_0: u64 = 0x302e312f50545448;

/** The request line at rs when it is three words ending in HTTP/1.1 or HTTP/1.0 and CRLF below
 * `limit`: its slots written as requestLine and version write them; returns where the next line
 * starts, or 0 (nothing written) for the reference steps. */
export function fastRequestLine(rs: i32, limit: i32): i32 {
  const end = limit - rs < MAX_REQUEST_LINE ? limit : rs + MAX_REQUEST_LINE;
  if (ASC_FEATURE_SIMD) {
    const next = blockRequestLine(rs, end);
    if (next > 0) return next;
  }
  let words = 0;
  let methodOff = 0;
  let methodLen = 0;
  let targetOff = 0;
  let targetLen = 0;
  let lastOff = 0;
  let lastLen = 0;
  let i = rs;
  let b: u32 = 0;
  while (true) {
    while (i < end && isWhite((b = byteAt(i)))) i++;
    if (i >= end || b == LF) return 0;
    if (b == CR) break;
    const w = i;
    i = findWordEnd(i + 1, end);
    lastOff = w;
    lastLen = i - w;
    if (++words == 1) {
      methodOff = w;
      methodLen = lastLen;
    } else if (words == 2) {
      targetOff = w;
      targetLen = lastLen;
    } else if (words > 3) {
      return 0;
    }
  }
  // i < end is the first CR; the line ends there only when LF follows below `end`.
  if (words != 3 || lastLen != 8 || i + 1 >= end || byteAt(i + 1) != LF) return 0;
  const v = load<u64>(base + <usize>lastOff);
  if (v != HTTP_1_1 && v != HTTP_1_0) return 0;
  setSlot(T_METHOD_OFF, methodOff);
  setSlot(T_METHOD_LEN, methodLen);
  setSlot(T_TARGET_OFF, targetOff);
  setSlot(T_TARGET_LEN, targetLen);
  setSlot(T_WORDS, 3);
  setSlot(T_REQUEST_LINE_END, i);
  setSlot(T_VERSION_OFF, lastOff);
  setSlot(T_VERSION_LEN, 8);
  setSlot(T_VERSION_MAJOR, 1);
  setSlot(T_VERSION_MINOR, v == HTTP_1_1 ? 1 : 0);
  return i + 2;
}

/**
 * Header field lines from ls on, as many as are ordinary: returns where the first line it leaves
 * to the reference steps starts (ls itself when it takes none), or -1 when the scan ended (the
 * blank line, or a violation from `field`; the outcome is in the table).
 *
 * SIMD: walkFields (assembly/walk.ts). Without SIMD, each line's value is searched for its first
 * control byte, which must be the CR of its CRLF.
 */
export function fastFields(ls: i32, limit: i32): i32 {
  if (ASC_FEATURE_SIMD) {
    return walkFields(ls, limit);
  } else {
    while (ls < limit) {
      const end = limit - ls < MAX_HEADER_LINE ? limit : ls + MAX_HEADER_LINE;
      const name = findNonTchar(ls, end);
      const cr = findControl(name, end);
      if (cr < 0 || byteAt(cr) != CR || cr + 1 >= end || byteAt(cr + 1) != LF) return ls;
      const rc = fieldLine(ls, cr);
      if (rc < 0) return -1;
      if (rc == 0) return ls;
      ls = cr + 2;
    }
    return ls;
  }
}

/**
 * The line [ls, cr), which holds no control byte and ends in CRLF: the blank line (the head ends),
 * or an ordinary field line `name: value` (one SP at most after the colon, none before the CR).
 * 1 when taken, 0 to leave it to the reference steps (nothing written), -1 when the scan ended.
 * Also the SIMD walk's step for names it does not look up itself (assembly/walk.ts).
 */
// @ts-ignore: decorator
@inline export function fieldLine(ls: i32, cr: i32): i32 {
  // CPython reads at most 100 lines after the request line, the blank line included.
  if (getSlot(T_HEADER_COUNT) + 1 > MAX_HEADER_LINES) return 0;
  if (cr == ls) {
    endOfHead(cr + 2);
    return -1;
  }
  const colon = findNonTchar(ls, cr);
  if (colon == ls || colon == cr || byteAt(colon) != COLON) return 0;
  let vs = colon + 1;
  let c = byteAt(vs);
  if (c == 0x20) c = byteAt(++vs);
  if (vs < cr && isWhite(c)) return 0;
  if (cr > vs && isWhite(byteAt(cr - 1))) return 0;
  return field(ls, colon - ls, vs, cr - vs) == OUTCOME_NEED_MORE ? 1 : -1;
}

/** SIMD: the request line at rs when it is `method SP target SP HTTP/1.x CRLF`, one SP between
 * the words and no byte at or below SP, nor above 0x7f, in method or target (below `end`): its
 * slots written as the loop of fastRequestLine writes them; returns where the next line starts,
 * or 0 (nothing written) for that loop. Each word's end is one block search for a byte <= SP. */
function blockRequestLine(rs: i32, end: i32): i32 {
  // The input base in a local: V8 reloads a global at every use.
  const b = base;
  const sp1 = nextLow(b, rs, end);
  if (sp1 == rs || sp1 >= end || load<u8>(b + <usize>sp1) != 0x20) return 0;
  const sp2 = nextLow(b, sp1 + 1, end);
  // sp2 + 9 is the CR, sp2 + 10 its LF, which must lie below `end`.
  if (sp2 == sp1 + 1 || sp2 + 10 >= end || load<u8>(b + <usize>sp2) != 0x20) return 0;
  const v = load<u64>(b + <usize>sp2, 1);
  if ((v != HTTP_1_1 && v != HTTP_1_0) || load<u16>(b + <usize>sp2, 9) != 0x0a0d) return 0;
  setSlot(T_METHOD_OFF, rs);
  setSlot(T_METHOD_LEN, sp1 - rs);
  setSlot(T_TARGET_OFF, sp1 + 1);
  setSlot(T_TARGET_LEN, sp2 - sp1 - 1);
  setSlot(T_WORDS, 3);
  setSlot(T_REQUEST_LINE_END, sp2 + 9);
  setSlot(T_VERSION_OFF, sp2 + 1);
  setSlot(T_VERSION_LEN, 8);
  setSlot(T_VERSION_MAJOR, 1);
  setSlot(T_VERSION_MINOR, v == HTTP_1_1 ? 1 : 0);
  return sp2 + 11;
}

/** Offset of the first byte in [pos, end) that is SP, a control byte or above 0x7f (signed below
 * 0x21), or `end`. Reads 16-byte blocks that start below `end` (the padding covers the rest). */
// @ts-ignore: decorator
@inline function nextLow(b: usize, pos: i32, end: i32): i32 {
  const bound = i8x16.splat(0x21);
  for (; pos < end; pos += 16) {
    const m = i8x16.bitmask(i8x16.lt_s(v128.load(b + <usize>pos), bound));
    if (m != 0) return min(pos + ctz(m), end);
  }
  return end;
}
