// The two kinds of complete line, step for step as src/tokenizer/js.ts: the request line
// (words, version, CPython 3.11's parse_request checks in its order) and a header field line
// (name, value, and the framing/Connection/Expect fields the server needs without strings).

import {
  CONTENT_LENGTH_LIMIT, F_CHUNKED, F_CHUNKED_NOT_LAST, F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE,
  F_EXPECT_CONTINUE, F_HAS_CONTENT_LENGTH, F_HAS_TRANSFER_ENCODING, F_HTTP09,
  F_SEEN_CONNECTION, F_SEEN_EXPECT, HEADER_NAME_ID, HEADER_SLOTS, OUTCOME_NEED_MORE, T_CL_HI, T_CL_LO, T_FLAGS,
  T_HEADER_COUNT, T_HEADERS, T_LINE_START, T_METHOD_LEN, T_OUTCOME, T_SCAN_POS, T_METHOD_OFF, T_REQUEST_LINE_END, T_TARGET_LEN,
  T_TARGET_OFF, T_TE_AT, T_VERSION_LEN, T_VERSION_MAJOR, T_VERSION_MINOR, T_VERSION_OFF, T_WORDS,
  V_BAD_HTTP09_METHOD, V_BAD_REQUEST_SYNTAX, V_BAD_VERSION, V_BARE_CR, V_EMPTY_REQUEST_LINE,
  V_HEADER_CONTROL_CHAR, V_INVALID_CONTENT_LENGTH, V_INVALID_HEADER_NAME, V_MISSING_COLON,
  V_OBS_FOLD, V_REPEATED_CONTENT_LENGTH, V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH,
  V_TRANSFER_ENCODING_NOT_CHUNKED, V_VERSION_NOT_SUPPORTED, V_WHITESPACE_BEFORE_COLON, VERSION_NUMBER_CAP,
} from "./layout";
import { nameId } from "./names";
import { findControl, findNonTchar, findWordEnd } from "./search";
import { base, byteAt, getSlot, isWhite, setSlot, violate } from "./state";
import {
  CHUNKED, CLOSE, CONNECTION, CONTENT_LENGTH, CONTINUE_100, EXPECT, HTTP_SLASH, KEEP_ALIVE,
  SPECIAL_LENGTHS, TRANSFER_ENCODING,
} from "./tables";

const CR: u32 = 0x0d;
const COLON: u32 = 0x3a;

/** The digit value of `b`, or a value above 9. */
// @ts-ignore: decorator
@inline function digit(b: u32): u32 {
  return b - 0x30;
}

/** ASCII case-insensitive comparison of input [at, at+len) with a lower-case word (at most 32
 * bytes). SIMD: 16 bytes at a time as (b | 0x20) == w, which is exact here: every byte of the
 * words (letters, '-', digits) has 0x20 set, and the only other bytes it would take for one of
 * them (CR for '-', controls for digits) are in no field name or value that gets here. */
function equalsLower(at: i32, len: i32, word: usize, wordLen: i32): bool {
  if (len != wordLen) return false;
  if (ASC_FEATURE_SIMD) {
    const p = base + <usize>at;
    const low = i8x16.splat(0x20);
    let m = i8x16.bitmask(i8x16.eq(v128.or(v128.load(p), low), v128.load(word)));
    if (len <= 16) return ((m | (0xffff << len)) & 0xffff) == 0xffff;
    if (m != 0xffff) return false;
    m = i8x16.bitmask(i8x16.eq(v128.or(v128.load(p + 16), low), v128.load(word + 16)));
    return ((m | (0xffff << (len - 16))) & 0xffff) == 0xffff;
  }
  for (let i = 0; i < len; i++) {
    const b = byteAt(at + i);
    if ((b - 0x41 < 26 ? b | 0x20 : b) != <u32>load<u8>(word + <usize>i)) return false;
  }
  return true;
}

/** The request line [rs, end): words split on runs of SP/HTAB, then version, word count, HTTP/0.9.
 * js.ts walks it byte by byte; here each word's end is found by findWordEnd, which also stops
 * at a CR, so the same words are recorded before the same BARE_CR as there. */
export function requestLine(rs: i32, end: i32): i32 {
  let words = 0;
  let lastOff = 0;
  let lastLen = 0;
  let i = rs;
  while (true) {
    while (i < end && isWhite(byteAt(i))) i++;
    if (i >= end) break;
    const wordEnd = findWordEnd(i, end);
    // RFC 9112 §2.2: a CR anywhere but before LF is refused (bare CR, request smuggling).
    if (wordEnd < end && byteAt(wordEnd) == CR) return violate(V_BARE_CR, wordEnd);
    words++;
    if (words == 1) {
      setSlot(T_METHOD_OFF, i);
      setSlot(T_METHOD_LEN, wordEnd - i);
    } else if (words == 2) {
      setSlot(T_TARGET_OFF, i);
      setSlot(T_TARGET_LEN, wordEnd - i);
    }
    lastOff = i;
    lastLen = wordEnd - i;
    i = wordEnd;
  }
  setSlot(T_WORDS, words);
  setSlot(T_REQUEST_LINE_END, end);
  if (words == 0) return violate(V_EMPTY_REQUEST_LINE, rs);
  if (words >= 3) {
    setSlot(T_VERSION_OFF, lastOff);
    setSlot(T_VERSION_LEN, lastLen);
    const rc = version(lastOff, lastLen);
    if (rc != OUTCOME_NEED_MORE) return rc;
  }
  if (words > 3 || words < 2) return violate(V_BAD_REQUEST_SYNTAX, rs);
  if (words == 2) return http09();
  return OUTCOME_NEED_MORE;
}

/** A two-word request line is HTTP/0.9, which has only GET (CPython 3.11 parse_request). */
function http09(): i32 {
  const m = getSlot(T_METHOD_OFF);
  if (getSlot(T_METHOD_LEN) != 3 || byteAt(m) != 0x47 || byteAt(m + 1) != 0x45 || byteAt(m + 2) != 0x54) {
    return violate(V_BAD_HTTP09_METHOD, getSlot(T_METHOD_OFF));
  }
  setSlot(T_VERSION_MAJOR, 0);
  setSlot(T_VERSION_MINOR, 9);
  setSlot(T_FLAGS, getSlot(T_FLAGS) | F_HTTP09);
  return OUTCOME_NEED_MORE;
}

/** `HTTP/` 1*10DIGIT `.` 1*10DIGIT, as CPython 3.11 accepts it; 2.0 and above are 505. */
function version(off: i32, len: i32): i32 {
  if (len < 8) return violate(V_BAD_VERSION, off);
  let i = 0;
  for (; i < 5; i++) if (byteAt(off + i) != <u32>load<u8>(HTTP_SLASH + <usize>i)) return violate(V_BAD_VERSION, off);
  let major: i64 = 0;
  let minor: i64 = 0;
  let digits = 0;
  for (; i < len; i++) {
    const d = digit(byteAt(off + i));
    if (d > 9) break;
    if (++digits > 10) return violate(V_BAD_VERSION, off);
    major = min<i64>(major * 10 + d, VERSION_NUMBER_CAP);
  }
  if (digits == 0 || i == len || byteAt(off + i) != 0x2e) return violate(V_BAD_VERSION, off);
  digits = 0;
  for (i++; i < len; i++) {
    const d = digit(byteAt(off + i));
    if (d > 9) return violate(V_BAD_VERSION, off);
    if (++digits > 10) return violate(V_BAD_VERSION, off);
    minor = min<i64>(minor * 10 + d, VERSION_NUMBER_CAP);
  }
  if (digits == 0) return violate(V_BAD_VERSION, off);
  setSlot(T_VERSION_MAJOR, <i32>major);
  setSlot(T_VERSION_MINOR, <i32>minor);
  if (major >= 2) return violate(V_VERSION_NOT_SUPPORTED, off);
  return OUTCOME_NEED_MORE;
}

/** One header field line [ls, ce) (CRLF excluded): field-name ":" OWS field-value OWS. */
export function headerLine(ls: i32, ce: i32): i32 {
  // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace before the first field): refused, 400.
  if (isWhite(byteAt(ls))) return violate(V_OBS_FOLD, ls);
  const i = findNonTchar(ls, ce);
  // RFC 9112 §5.1: `field-name ":" OWS field-value OWS`; a line with no colon is refused.
  if (i == ce) return violate(V_MISSING_COLON, ce);
  if (byteAt(i) != COLON) return badNameByte(i);
  // RFC 9110 §5.1: field-name = token, at least one tchar before the colon.
  if (i == ls) return violate(V_INVALID_HEADER_NAME, ls);
  let vs = i + 1;
  while (vs < ce && isWhite(byteAt(vs))) vs++;
  // RFC 9110 §5.5: field-value bytes are VCHAR, obs-text, SP and HTAB; CR, LF, NUL and the other
  // controls are refused.
  const bad = findControl(vs, ce);
  if (bad >= 0) return violate(byteAt(bad) == CR ? V_BARE_CR : V_HEADER_CONTROL_CHAR, bad);
  let ve = ce;
  while (ve > vs && isWhite(byteAt(ve - 1))) ve--;
  return field(ls, i - ls, vs, ve - vs);
}

/** A valid field line: what the server reads without strings (special), then its slots, the
 * name id (HEADER_NAME_ID) last. */
// @ts-ignore: decorator
@inline export function field(no: i32, nl: i32, vo: i32, vl: i32): i32 {
  if (maybeSpecial(no, nl)) {
    const rc = special(no, nl, vo, vl);
    if (rc != OUTCOME_NEED_MORE) return rc;
  }
  return plainField(no, nl, vo, vl);
}

/** Whether the name at [no, no + nl) may be one special() interprets: Content-Length,
 * Transfer-Encoding, Connection, Expect have no other length and first letter (as the twin's
 * first-letter filter), looked up without a branch in SPECIAL_LENGTHS. */
// @ts-ignore: decorator
@inline export function maybeSpecial(no: i32, nl: i32): bool {
  const lengths = load<u32>(SPECIAL_LENGTHS + (<usize>(byteAt(no) & 0x1f) << 2));
  return (<u32>(nl < 32) & (lengths >> <u32>nl)) != 0;
}

/** The slots of a field line special() has nothing to say about (or has taken). */
// @ts-ignore: decorator
@inline export function plainField(no: i32, nl: i32, vo: i32, vl: i32): i32 {
  return putField(getSlot(T_HEADER_COUNT), no, nl, vo, vl, nameId(no, nl));
}

/** Field line `count` (the table holds `count` before it): name [no, +nl), value [vo, +vl),
 * name id `id`; the count becomes count + 1. plainField and the SIMD walk's steps write a field
 * here; the walk's loop (assembly/walk.ts walkLines) writes the same five slots through a
 * pointer, and the count when it stops. */
// @ts-ignore: decorator
@inline export function putField(count: i32, no: i32, nl: i32, vo: i32, vl: i32, id: i32): i32 {
  const h = T_HEADERS + count * HEADER_SLOTS;
  setSlot(h, no);
  setSlot(h + 1, nl);
  setSlot(h + 2, vo);
  setSlot(h + 3, vl);
  setSlot(h + HEADER_NAME_ID, id);
  setSlot(T_HEADER_COUNT, count + 1);
  return OUTCOME_NEED_MORE;
}

/** The name ends at `i` on a byte that is neither tchar nor colon. */
function badNameByte(i: i32): i32 {
  const c = byteAt(i);
  // RFC 9112 §5.1: no whitespace between name and colon (CVE-2019-16276, CVE-2019-16869 smuggling).
  if (isWhite(c)) return violate(V_WHITESPACE_BEFORE_COLON, i);
  if (c == CR) return violate(V_BARE_CR, i);
  if (c < 0x20 || c == 0x7f) return violate(V_HEADER_CONTROL_CHAR, i);
  return violate(V_INVALID_HEADER_NAME, i);
}

/** The fields the server needs without making strings: framing, Connection, Expect. */
export function special(no: i32, nl: i32, vo: i32, vl: i32): i32 {
  let flags = getSlot(T_FLAGS);
  if (equalsLower(no, nl, CONTENT_LENGTH, 14)) {
    return contentLength(no, vo, vl, flags);
  } else if (equalsLower(no, nl, TRANSFER_ENCODING, 17)) {
    return transferEncoding(no, vo, vl, flags);
  } else if (equalsLower(no, nl, CONNECTION, 10)) {
    // CPython looks at the first Connection field only, compared whole.
    if ((flags & F_SEEN_CONNECTION) == 0) {
      flags |= F_SEEN_CONNECTION;
      if (equalsLower(vo, vl, CLOSE, 5)) flags |= F_CONNECTION_CLOSE;
      else if (equalsLower(vo, vl, KEEP_ALIVE, 10)) flags |= F_CONNECTION_KEEP_ALIVE;
    }
  } else if (equalsLower(no, nl, EXPECT, 6)) {
    if ((flags & F_SEEN_EXPECT) == 0) {
      flags |= F_SEEN_EXPECT;
      if (equalsLower(vo, vl, CONTINUE_100, 12)) flags |= F_EXPECT_CONTINUE;
    }
  }
  setSlot(T_FLAGS, flags);
  return OUTCOME_NEED_MORE;
}

function contentLength(no: i32, vo: i32, vl: i32, flags: i32): i32 {
  // RFC 9112 §6.3 (5): repeated or conflicting Content-Length is unrecoverable (CVE-2019-20445).
  if (flags & F_HAS_CONTENT_LENGTH) return violate(V_REPEATED_CONTENT_LENGTH, no);
  // RFC 9112 §6.3 (3): Transfer-Encoding with Content-Length is a smuggling vector (CVE-2019-15605 class).
  if (flags & F_HAS_TRANSFER_ENCODING) return violate(V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH, no);
  // RFC 9110 §8.6: Content-Length = 1*DIGIT.
  if (vl == 0) return violate(V_INVALID_CONTENT_LENGTH, vo);
  let value: i64 = 0;
  for (let k = 0; k < vl; k++) {
    const d = digit(byteAt(vo + k));
    if (d > 9) return violate(V_INVALID_CONTENT_LENGTH, vo + k);
    value = value * 10 + d;
    if (value >= CONTENT_LENGTH_LIMIT) return violate(V_INVALID_CONTENT_LENGTH, vo + k);
  }
  setSlot(T_CL_HI, <i32>(value >> 32));
  setSlot(T_CL_LO, <i32>value);
  setSlot(T_FLAGS, flags | F_HAS_CONTENT_LENGTH);
  return OUTCOME_NEED_MORE;
}

function transferEncoding(no: i32, vo: i32, vl: i32, flags: i32): i32 {
  // RFC 9112 §6.3 (3): the other order of the check in contentLength (CVE-2019-15605 class).
  if (flags & F_HAS_CONTENT_LENGTH) return violate(V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH, no);
  // The final coding is the last list element of the last field (RFC 9112 §6.1).
  let e = vo + vl;
  let b = e;
  while (b > vo && byteAt(b - 1) != 0x2c) b--;
  // RFC 9112 §6.1: chunked is applied once, last. A field after one that ended in chunked, or
  // chunked among this field's earlier elements, puts it before the final coding.
  if (flags & F_CHUNKED || (b > vo && listHasChunked(vo, b - 1))) flags |= F_CHUNKED_NOT_LAST;
  while (b < e && isWhite(byteAt(b))) b++;
  while (e > b && isWhite(byteAt(e - 1))) e--;
  flags |= F_HAS_TRANSFER_ENCODING;
  flags = equalsLower(b, e - b, CHUNKED, 7) ? flags | F_CHUNKED : flags & ~F_CHUNKED;
  setSlot(T_TE_AT, vo);
  setSlot(T_FLAGS, flags);
  return OUTCOME_NEED_MORE;
}

/** Whether a list element of input [a, z) (split on commas, OWS trimmed) is `chunked`. */
function listHasChunked(a: i32, z: i32): bool {
  for (let i = a; i <= z; ) {
    let j = i;
    while (j < z && byteAt(j) != 0x2c) j++;
    let x = i;
    let y = j;
    while (x < y && isWhite(byteAt(x))) x++;
    while (y > x && isWhite(byteAt(y - 1))) y--;
    if (equalsLower(x, y - x, CHUNKED, 7)) return true;
    i = j + 1;
  }
  return false;
}

/** Save the resume state and the outcome. */
export function done(scanPos: i32, lineStart: i32, outcome: i32): i32 {
  setSlot(T_SCAN_POS, scanPos);
  setSlot(T_LINE_START, lineStart);
  setSlot(T_OUTCOME, outcome);
  return outcome;
}

/** The blank line ends the head at lineEnd (RFC 9112 §2.1). */
export function endOfHead(lineEnd: i32): i32 {
  const flags = getSlot(T_FLAGS);
  // RFC 9112 §6.3 (4): a request whose final transfer coding is not chunked has no reliable
  // length; the server must answer 400 and close. Nor has one that applies chunked twice (§6.1).
  if ((flags & F_HAS_TRANSFER_ENCODING) != 0 && (flags & (F_CHUNKED | F_CHUNKED_NOT_LAST)) != F_CHUNKED) {
    return violate(V_TRANSFER_ENCODING_NOT_CHUNKED, getSlot(T_TE_AT));
  }
  return done(lineEnd, lineEnd, lineEnd);
}
