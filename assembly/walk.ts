// The SIMD walk over header field lines (fastFields in assembly/fast.ts, with SIMD): the head's
// hits (control bytes, CR and LF among them, HTAB and bytes above 0x7f) as 64-bit masks, walked
// line after line, so that an ordinary line's end is one ctz away and its value needs no search of
// its own. Everything an ordinary line `name: value` needs is in one loop (walkLines) that calls
// nothing and keeps few values: the colon and the name id from one 16-byte vector, the OWS from
// two loads, the slots through one pointer, Connection's flags inline. A line that needs a call
// (another field special() interprets, a name of 1 to 3 or of 16 or more bytes) steps out of it
// to walkFields, and the loop starts again after it; anything unusual stops the walk with nothing
// written for that line, and the reference steps (assembly/scan.ts) take it, so violations, their
// offsets and the order of the checks stay theirs. (A call in the loop made V8 spill the loop's values on every line;
// bench/NOTES.md, session 10, has the measurements.)

import {
  HEADER_NAME_ID, HEADER_SLOTS, MAX_HEADER_LINE, MAX_HEADER_LINES, MAX_NAME_ID, NAME_BLOCK_AT, NAME_BLOCK_IDS_AT,
  F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_SEEN_CONNECTION, NAME_BLOCK_CONNECTION, OUTCOME_NEED_MORE, T_FLAGS,
  T_HEADER_COUNT, T_HEADERS,
} from "./layout";
import { endOfHead, maybeSpecial, putField, special } from "./fields";
import { fieldLine } from "./fast";
import { nameBlockSlot, NAME_SPECIAL } from "./names";
import { base, getSlot, setSlot } from "./state";
import { CLOSE, KEEP_ALIVE, NAMES, TABLE } from "./tables";

const SP: u32 = 0x20;
/** The colon, read from memory so that walkLines builds its splat once a call: V8 builds a
 * constant splat again at every use, three instructions a line. */
const COLON = memory.data<u8>([0x3a]);

/** walkLines' result when it stepped out at a line (the exit* globals say which and why). */
const STEP: i32 = -2;
// The line walkLines stepped out at: start, CR, colon, value start, and the name id with its
// NAME_SPECIAL flag (0: a name of 4 to 15 bytes with no id; NO_ID_SHORT: a name of 1 to 3 bytes,
// its id not looked up yet; NO_COLON: no colon in the first 16 bytes).
let exitLs: i32 = 0;
let exitCr: i32 = 0;
let exitColon: i32 = 0;
let exitVs: i32 = 0;
let exitEntry: i32 = 0;
const NO_ID_SHORT: i32 = -2;
const NO_COLON: i32 = -1;

/**
 * Header field lines from ls on, as many as are ordinary: returns where the first line it leaves
 * to the reference steps starts (ls itself when it takes none), or -1 when the scan ended (the
 * blank line, or a violation; the outcome is in the table).
 */
export function walkFields(ls: i32, limit: i32): i32 {
  while (true) {
    const next = walkLines(ls, limit);
    if (next != STEP) return next;
    ls = exitLs;
    const cr = exitCr;
    const entry = exitEntry;
    if (entry == NO_COLON || entry == NO_ID_SHORT) {
      // A name of 16 bytes or more (no colon in the first 16), or of 1 to 3 (the loop looks up
      // no id for these: the key would need masks): fieldLine's steps.
      const rc = fieldLine(ls, cr);
      if (rc < 0) return -1;
      if (rc == 0) return ls;
    } else {
      const colon = exitColon;
      const nl = colon - ls;
      const vs = exitVs;
      // A name with an id, or with none that the loop found to be tchars only (RFC 9110
      // §5.6.2), and special() may interpret.
      if ((entry & NAME_SPECIAL) != 0 || maybeSpecial(ls, nl)) {
        if (special(ls, nl, vs, cr - vs) != OUTCOME_NEED_MORE) return -1;
      }
      putField(getSlot(T_HEADER_COUNT), ls, nl, vs, cr - vs, entry & (NAME_SPECIAL - 1));
    }
    ls = cr + 2;
    if (ls >= limit) return ls;
  }
}

/**
 * The loop of walkFields: the ordinary lines from ls on whose name has 4 to 15 bytes and is not
 * one special() interprets (Connection aside), taken here; returns as walkFields does, or STEP at
 * a line it leaves to walkFields (the exit* globals). The field count is kept as the next field's
 * slot address and written back on every way out (stop).
 */
function walkLines(ls: i32, limit: i32): i32 {
  const b = base;
  // The next field's slots; the count is derived from it when the loop ends (stop).
  let slots = TABLE + (<usize>(T_HEADERS + getSlot(T_HEADER_COUNT) * HEADER_SLOTS) << 2);
  // Hits are taken below `last`: a CR at limit - 1 has no LF below `limit` and is left to the
  // reference steps either way, so a CR found here always has its next byte in the input.
  const last = limit - 1;
  const colon16 = i8x16.splat(load<u8>(COLON));
  // The field limit (CPython reads at most 100 lines after the request line, the blank line
  // included) is checked once a window: no more than 10 lines end in one (an ordinary line has
  // at least 7 bytes), and past field MAX_HEADER_LINES - 16 the reference steps take them.
  if (slots > SLOTS_LAST_WINDOW) return stop(slots, ls);
  let wpos = ls;
  let word = ls < last ? hitWord(b, ls, last) : 0;
  while (true) {
    if (word == 0) {
      do {
        wpos += 64;
        // The line limit: a CR in this window ends a line of at most MAX_HEADER_LINE bytes.
        if (wpos >= last || wpos - ls > MAX_HEADER_LINE - 66 || slots > SLOTS_LAST_WINDOW) return stop(slots, ls);
        word = hitWord(b, wpos, last);
        // The LF of a CR at the end of the last window is at wpos: not this line's end (taken
        // for it, its CRLF test would stop the walk at a line the reference steps then take).
        if (ls > wpos) word &= <u64>-1 << <u64>(ls - wpos);
      } while (word == 0);
    }
    const cr = wpos + <i32>ctz(word);
    // The first hit must be the CR of a CRLF.
    if (load<u16>(b + <usize>cr) != 0x0a0d) return stop(slots, ls);
    if (cr == ls) {
      stop(slots, ls);
      endOfHead(cr + 2);
      return -1;
    }
    // The name's colon in the 16 bytes at ls (ctz of an empty mask is 32: nl 32).
    const at = b + <usize>ls;
    const name = v128.load(at);
    const colons = i8x16.bitmask(i8x16.eq(name, colon16));
    const nl = <i32>ctz(colons);
    // Names of 1 to 3 bytes and of 16 or more step out; a colon at ls or past the CR stops.
    if (<u32>(nl - 4) > 11) {
      if (nl == 32) return step(slots, ls, cr, 0, 0, NO_COLON);
      if (nl == 0 || ls + nl > cr) return stop(slots, ls);
      return step(slots, ls, cr, ls + nl, 0, NO_ID_SHORT);
    }
    // A colon past the CR (on a later line) puts the CR and LF among the name's lanes: no entry
    // matches them and they are not tchars, so the checks below stop the walk there.
    const colon = ls + nl;
    // One SP at most after the colon, none before the CR (else the reference steps trim OWS).
    // A byte that is SP is not the CR, so it lies below it.
    const after = <u32>load<u16>(b + <usize>colon, 1);
    if (after == 0x2020) return stop(slots, ls);
    const vs = colon + 1 + <i32>((after & 0xff) == SP);
    // An SP before the CR (an empty value after one SP, `name: `, among them) is the
    // reference steps' to trim.
    if (<u32>load<u8>(b + <usize>cr - 1) == SP) return stop(slots, ls);
    // The name id: the NAME_BLOCK entry in the name's slot, whose lanes 0 to nl (the name and
    // its colon) equal the line's only for that very name (assembly/names.ts).
    const slot = nameBlockSlot(at, nl);
    const m = <u32>i8x16.bitmask(i8x16.eq(name, v128.load(NAMES + <usize>NAME_BLOCK_AT + (slot << 4))));
    // Lanes 0 to nl: the colon's bit and those below it.
    const want = colons ^ (colons - 1);
    let entry = 0;
    if ((m & want) == want) {
      entry = <i32>load<u16>(NAMES + <usize>NAME_BLOCK_IDS_AT + (slot << 1));
      if (entry > MAX_NAME_ID) {
        if ((entry & NAME_BLOCK_CONNECTION) == 0) return step(slots, ls, cr, colon, vs, entry);
        // Connection: special()'s branch for it (assembly/fields.ts), here without a call.
        // CPython looks at the first Connection field only, its value compared whole, in any
        // case (equalsLower's SIMD test: (b | 0x20) == w on the value's lanes).
        let flags = getSlot(T_FLAGS);
        if ((flags & F_SEEN_CONNECTION) == 0) {
          flags |= F_SEEN_CONNECTION;
          const vl = cr - vs;
          const v = v128.or(v128.load(b + <usize>vs), i8x16.splat(0x20));
          if (vl == 5 && (i8x16.bitmask(i8x16.eq(v, v128.load(CLOSE))) & 0x1f) == 0x1f) {
            flags |= F_CONNECTION_CLOSE;
          } else if (vl == 10 && (i8x16.bitmask(i8x16.eq(v, v128.load(KEEP_ALIVE))) & 0x3ff) == 0x3ff) {
            flags |= F_CONNECTION_KEEP_ALIVE;
          }
          setSlot(T_FLAGS, flags);
        }
        entry &= MAX_NAME_ID;
      }
    } else {
      // No id: the name must be tchars (RFC 9110 §5.6.2), lanes 0 to nl - 1 of the vector (a
      // common name is, src/tokenizer/names.ts checks), or the reference steps refuse it; one
      // special() may interpret steps out.
      if ((nonTchars(name) & (want >> 1)) != 0) return stop(slots, ls);
      if (maybeSpecial(ls, nl)) return step(slots, ls, cr, colon, vs, 0);
    }
    // putField's slots; the count is written when the loop ends.
    store<i32>(slots, ls, 0);
    store<i32>(slots, nl, 4);
    store<i32>(slots, vs, 8);
    store<i32>(slots, cr - vs, 12);
    store<i32>(slots, entry, HEADER_NAME_ID << 2);
    slots += HEADER_SLOTS << 2;
    ls = cr + 2;
    // The CR's and the LF's bits (the LF's is in the next window when the CR's is bit 63).
    word &= word - 1;
    word &= word - 1;
  }
}

/** Where the slots of field MAX_HEADER_LINES - 16 are: with the next field's slots beyond them,
 * the walk takes no more windows (the reference steps take the lines from there). */
const SLOTS_LAST_WINDOW: usize = TABLE + (<usize>(T_HEADERS + (MAX_HEADER_LINES - 16) * HEADER_SLOTS) << 2);

/** The lanes of v that hold no tchar, one bit each: findNonTchar's nibble tables
 * (assembly/search.ts), on a vector already loaded. */
// @ts-ignore: decorator
@inline function nonTchars(v: v128): u32 {
  const lo = i8x16(0x3a, 0x3f, 0x3e, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3e, 0x3e, 0x3d, 0x15, 0x34, 0x15, 0x3d, 0x1c);
  const hi = i8x16(0, 0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
  const classes = v128.and(i8x16.swizzle(lo, v128.and(v, i8x16.splat(0x0f))), i8x16.swizzle(hi, i8x16.shr_u(v, 4)));
  return i8x16.bitmask(i8x16.eq(classes, i8x16.splat(0)));
}

/** Leave walkLines at ls (for the reference steps, or the end of the input), writing the field
 * count that `slots` stands for. */
// @ts-ignore: decorator
@inline function stop(slots: usize, ls: i32): i32 {
  setSlot(T_HEADER_COUNT, <i32>((slots - TABLE - (<usize>T_HEADERS << 2)) / (HEADER_SLOTS << 2)));
  return ls;
}

/** Leave walkLines for walkFields to take the line [ls, cr). */
// @ts-ignore: decorator
@inline function step(slots: usize, ls: i32, cr: i32, colon: i32, vs: i32, entry: i32): i32 {
  stop(slots, ls);
  exitLs = ls;
  exitCr = cr;
  exitColon = colon;
  exitVs = vs;
  exitEntry = entry;
  return STEP;
}

/** The hits of input [pos, pos + 64) below `limit` (pos < limit), one bit each: the control
 * bytes (isControl: CR and LF among them), and HTAB and the bytes above 0x7f, which an ordinary
 * line has not (a line with one is left to the reference steps). Reads
 * 16-byte blocks that start below `limit` (the input's padding covers the rest). */
// @ts-ignore: decorator
@inline function hitWord(b: usize, pos: i32, limit: i32): u64 {
  const p = b + <usize>pos;
  const rest = limit - pos;
  // A whole window (most of them) without the tests.
  if (rest >= 64) {
    return <u64>hits16(p) | (<u64>hits16(p + 16) << 16) | (<u64>hits16(p + 32) << 32) | (<u64>hits16(p + 48) << 48);
  }
  let m = <u64>hits16(p);
  if (rest > 16) m |= <u64>hits16(p + 16) << 16;
  if (rest > 32) m |= <u64>hits16(p + 32) << 32;
  if (rest > 48) m |= <u64>hits16(p + 48) << 48;
  return m & ((<u64>1 << <u64>rest) - 1);
}

/** The hits of the 16 bytes at p: b + 1 (wrapping) below 0x21 as a signed byte, which is b below
 * 0x20, DEL (0x80) and b above 0x7f (0x81 to 0xff, and 0x00 for 0xff). */
// @ts-ignore: decorator
@inline function hits16(p: usize): u32 {
  return i8x16.bitmask(i8x16.lt_s(i8x16.add(v128.load(p), i8x16.splat(1)), i8x16.splat(0x21)));
}
