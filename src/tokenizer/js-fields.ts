// The TypeScript twin's field interpretation (assembly/fields.ts's special and the slot writes):
// a valid header field line into the token table, with the framing, Connection and Expect fields
// the server reads without strings; and violate(), shared with js.ts.

import * as layout from "../contract/layout.js";
import * as V from "../contract/violations.js";
import { nameId } from "./names.js";

// Module-local copies of the layout (see js.ts).
const {
  CONTENT_LENGTH_LIMIT, F_CHUNKED, F_CHUNKED_NOT_LAST, F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_EXPECT_CONTINUE,
  F_HAS_CONTENT_LENGTH, F_HAS_TRANSFER_ENCODING, F_SEEN_CONNECTION, F_SEEN_EXPECT, HEADER_SLOTS,
  OUTCOME_NEED_MORE, OUTCOME_VIOLATION, T_CL_HI, T_CL_LO, T_FLAGS, T_HEADER_COUNT, T_HEADERS, T_OUTCOME,
  T_TE_AT, T_VIOLATION, T_VIOLATION_AT,
} = layout;

const SP = 0x20;
const HTAB = 0x09;

/** Lower-case names of the fields the tokenizer interprets, as bytes. */
const CONTENT_LENGTH = bytes("content-length");
const TRANSFER_ENCODING = bytes("transfer-encoding");
const CONNECTION = bytes("connection");
const EXPECT = bytes("expect");
const CLOSE = bytes("close");
const KEEP_ALIVE = bytes("keep-alive");
const CONTINUE_100 = bytes("100-continue");
const CHUNKED = bytes("chunked");

export function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** ASCII case-insensitive comparison of input[at, at+len) with a lower-case word. */
function equalsLower(input: Uint8Array, at: number, len: number, word: Uint8Array): boolean {
  if (len !== word.length) return false;
  for (let i = 0; i < len; i++) {
    const b = input[at + i]!;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== word[i]) return false;
  }
  return true;
}

export function violate(t: Int32Array, code: number, at: number): number {
  t[T_VIOLATION] = code;
  t[T_VIOLATION_AT] = at;
  t[T_OUTCOME] = OUTCOME_VIOLATION;
  return OUTCOME_VIOLATION;
}

/** A valid field line: what the server reads without strings (special), then its slots, the
 * name id (HEADER_NAME_ID) last. */
export function field(input: Uint8Array, s: number, no: number, nl: number, vo: number, vl: number, t: Int32Array): number {
  const rc = special(input, s, no, nl, vo, vl, t);
  if (rc !== OUTCOME_NEED_MORE) return rc;
  const count = t[T_HEADER_COUNT]!;
  const h = T_HEADERS + count * HEADER_SLOTS;
  t[h] = no;
  t[h + 1] = nl;
  t[h + 2] = vo;
  t[h + 3] = vl;
  t[h + 4] = nameId(input, s + no, nl);
  t[T_HEADER_COUNT] = count + 1;
  return OUTCOME_NEED_MORE;
}

/** The fields the server needs without making strings: framing, Connection, Expect. */
function special(input: Uint8Array, s: number, no: number, nl: number, vo: number, vl: number, t: Int32Array): number {
  // Content-Length, Connection, Transfer-Encoding, Expect: any other first letter is none of them.
  const first = input[s + no]! | 0x20;
  if (first !== 0x63 && first !== 0x74 && first !== 0x65) return OUTCOME_NEED_MORE;
  let flags = t[T_FLAGS]!;
  if (equalsLower(input, s + no, nl, CONTENT_LENGTH)) {
    // RFC 9112 §6.3 (5): repeated or conflicting Content-Length is unrecoverable (CVE-2019-20445).
    if (flags & F_HAS_CONTENT_LENGTH) return violate(t, V.V_REPEATED_CONTENT_LENGTH, no);
    // RFC 9112 §6.3 (3): Transfer-Encoding with Content-Length is a smuggling vector (CVE-2019-15605 class).
    if (flags & F_HAS_TRANSFER_ENCODING) return violate(t, V.V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH, no);
    // RFC 9110 §8.6: Content-Length = 1*DIGIT.
    if (vl === 0) return violate(t, V.V_INVALID_CONTENT_LENGTH, vo);
    let value = 0;
    for (let k = 0; k < vl; k++) {
      const d = input[s + vo + k]! - 0x30;
      if (d < 0 || d > 9) return violate(t, V.V_INVALID_CONTENT_LENGTH, vo + k);
      value = value * 10 + d;
      if (value >= CONTENT_LENGTH_LIMIT) return violate(t, V.V_INVALID_CONTENT_LENGTH, vo + k);
    }
    t[T_CL_HI] = Math.floor(value / 4294967296);
    t[T_CL_LO] = value % 4294967296 | 0;
    flags |= F_HAS_CONTENT_LENGTH;
  } else if (equalsLower(input, s + no, nl, TRANSFER_ENCODING)) {
    // RFC 9112 §6.3 (3): the other order of the check above (CVE-2019-15605 class).
    if (flags & F_HAS_CONTENT_LENGTH) return violate(t, V.V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH, no);
    // The final coding is the last list element of the last field (RFC 9112 §6.1).
    let e = vo + vl;
    let b = e;
    while (b > vo && input[s + b - 1] !== 0x2c) b--;
    // RFC 9112 §6.1: chunked is applied once, last. A field after one that ended in chunked, or
    // chunked among this field's earlier elements, puts it before the final coding.
    if (flags & F_CHUNKED || (b > vo && listHasChunked(input, s, vo, b - 1))) flags |= F_CHUNKED_NOT_LAST;
    while (b < e && (input[s + b] === SP || input[s + b] === HTAB)) b++;
    while (e > b && (input[s + e - 1] === SP || input[s + e - 1] === HTAB)) e--;
    flags |= F_HAS_TRANSFER_ENCODING;
    flags = equalsLower(input, s + b, e - b, CHUNKED) ? flags | F_CHUNKED : flags & ~F_CHUNKED;
    t[T_TE_AT] = vo;
  } else if (equalsLower(input, s + no, nl, CONNECTION)) {
    // CPython looks at the first Connection field only, compared whole.
    if ((flags & F_SEEN_CONNECTION) === 0) {
      flags |= F_SEEN_CONNECTION;
      if (equalsLower(input, s + vo, vl, CLOSE)) flags |= F_CONNECTION_CLOSE;
      else if (equalsLower(input, s + vo, vl, KEEP_ALIVE)) flags |= F_CONNECTION_KEEP_ALIVE;
    }
  } else if (equalsLower(input, s + no, nl, EXPECT)) {
    if ((flags & F_SEEN_EXPECT) === 0) {
      flags |= F_SEEN_EXPECT;
      if (equalsLower(input, s + vo, vl, CONTINUE_100)) flags |= F_EXPECT_CONTINUE;
    }
  }
  t[T_FLAGS] = flags;
  return OUTCOME_NEED_MORE;
}

/** Whether a list element of input[a, z) (split on commas, OWS trimmed) is `chunked`. */
function listHasChunked(input: Uint8Array, s: number, a: number, z: number): boolean {
  for (let i = a; i <= z; ) {
    let j = i;
    while (j < z && input[s + j] !== 0x2c) j++;
    let x = i;
    let y = j;
    while (x < y && (input[s + x] === SP || input[s + x] === HTAB)) x++;
    while (y > x && (input[s + y - 1] === SP || input[s + y - 1] === HTAB)) y--;
    if (equalsLower(input, s + x, y - x, CHUNKED)) return true;
    i = j + 1;
  }
  return false;
}
