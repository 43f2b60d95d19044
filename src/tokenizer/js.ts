// The TypeScript twin of assembly/: the same head tokenizer, line by line, over the caller's
// own bytes (no copy). Its reference steps are the readable spec of the algorithm; assembly/scan.ts
// follows them step for step, and the differential test holds the two tables equal on every input.
// A fast path (fastRequestLine, fastFieldLine, with js-search.ts) reads an ordinary line once and
// leaves anything unusual to the reference steps.

import { TCHAR } from "../contract/charclass.js";
import * as layout from "../contract/layout.js";
import type { Tokenizer } from "../contract/tokenizer.js";
import * as V from "../contract/violations.js";
import { formatDateJs } from "./date-js.js";
import { crlfAt, fieldNameEnd, fieldValueEnd, findLF, wordEnd } from "./js-search.js";

// Module-local copies of the layout: V8 reads an imported binding again at every use, which
// costs as much as the byte test itself in a hot loop.
const {
  CONTENT_LENGTH_LIMIT, F_CHUNKED, F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE,
  F_EXPECT_CONTINUE, F_HAS_CONTENT_LENGTH, F_HAS_TRANSFER_ENCODING, F_HTTP09,
  F_SEEN_CONNECTION, F_SEEN_EXPECT, HEADER_SLOTS, MAX_HEADER_LINE, MAX_HEADER_LINES,
  MAX_REQUEST_LINE, OUTCOME_NEED_MORE, OUTCOME_VIOLATION, T_CL_HI, T_CL_LO, T_FLAGS,
  T_HEADER_COUNT, T_HEADERS, T_LINE_START, T_METHOD_LEN, T_METHOD_OFF, T_OUTCOME,
  T_REQUEST_LINE_END, T_SCAN_POS, T_TARGET_LEN, T_TARGET_OFF, T_TE_AT, T_VERSION_LEN,
  T_VERSION_MAJOR, T_VERSION_MINOR, T_VERSION_OFF, T_VIOLATION, T_VIOLATION_AT, T_WORDS,
  VERSION_NUMBER_CAP,
} = layout;
const TOKEN = TCHAR;

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** Lower-case names of the fields the tokenizer interprets, as bytes. */
const CONTENT_LENGTH = bytes("content-length");
const TRANSFER_ENCODING = bytes("transfer-encoding");
const CONNECTION = bytes("connection");
const EXPECT = bytes("expect");
const CLOSE = bytes("close");
const KEEP_ALIVE = bytes("keep-alive");
const CONTINUE_100 = bytes("100-continue");
const CHUNKED = bytes("chunked");
const HTTP_SLASH = bytes("HTTP/");

function bytes(s: string): Uint8Array {
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

function violate(t: Int32Array, code: number, at: number): number {
  t[T_VIOLATION] = code;
  t[T_VIOLATION_AT] = at;
  t[T_OUTCOME] = OUTCOME_VIOLATION;
  return OUTCOME_VIOLATION;
}

/**
 * Scan the head of input[s, s+n) with the state in t; offsets written are relative to s.
 * Each complete line is handled once; an incomplete line is searched for its LF only, and the
 * search resumes at T_SCAN_POS next time (a byte-at-a-time client costs O(n) in total).
 */
export function scanHead(input: Uint8Array, s: number, n: number, t: Int32Array, headLimit: number): number {
  const limit = n < headLimit ? n : headLimit;
  let pos = t[T_SCAN_POS]!;
  let lineStart = t[T_LINE_START]!;
  for (;;) {
    // A line not searched yet goes through the fast path first; anything unusual there comes
    // back here, to the reference steps below.
    if (pos === lineStart && pos < limit) {
      const next = lineStart === 0 ? fastRequestLine(input, s, limit, t) : fastFieldLine(input, s, lineStart, limit, t);
      if (next > 0) {
        lineStart = next;
        pos = next;
        continue;
      }
      if (next < 0) return t[T_OUTCOME]!;
    }
    const maxLine = lineStart === 0 ? MAX_REQUEST_LINE : MAX_HEADER_LINE;
    const lf = pos < limit ? findLF(input, s + pos, s + limit) - s : -1;
    if (lf < 0) {
      if (limit - lineStart > maxLine) return violate(t, tooLong(lineStart), lineStart + maxLine);
      if (n > headLimit) return violate(t, V.V_HEAD_TOO_LARGE, headLimit);
      t[T_SCAN_POS] = limit;
      t[T_LINE_START] = lineStart;
      t[T_OUTCOME] = OUTCOME_NEED_MORE;
      return OUTCOME_NEED_MORE;
    }
    const lineEnd = lf + 1;
    if (lineEnd - lineStart > maxLine) return violate(t, tooLong(lineStart), lineStart + maxLine);
    // RFC 9112 §2.2: a line ends in CRLF; a bare LF is refused (parsers that accept it disagree
    // with those that do not about where a message ends: request smuggling).
    if (lf === lineStart || input[s + lf - 1] !== CR) return violate(t, V.V_BARE_LF, lf);
    const contentEnd = lf - 1;
    if (lineStart === 0) {
      const rc = requestLine(input, s, contentEnd, t);
      if (rc !== OUTCOME_NEED_MORE) return rc;
      if (t[T_FLAGS]! & F_HTTP09) return done(t, lineEnd);
    } else {
      // CPython reads at most 100 lines after the request line, the blank line included.
      if (t[T_HEADER_COUNT]! + 1 > MAX_HEADER_LINES) return violate(t, V.V_TOO_MANY_HEADERS, lineStart);
      if (contentEnd === lineStart) return endOfHead(t, lineEnd);
      const rc = headerLine(input, s, lineStart, contentEnd, t);
      if (rc !== OUTCOME_NEED_MORE) return rc;
    }
    lineStart = lineEnd;
    pos = lineEnd;
  }
}

function tooLong(lineStart: number): number {
  return lineStart === 0 ? V.V_REQUEST_LINE_TOO_LONG : V.V_HEADER_LINE_TOO_LONG;
}

function endOfHead(t: Int32Array, lineEnd: number): number {
  const flags = t[T_FLAGS]!;
  // RFC 9112 §6.3 (4): a request whose final transfer coding is not chunked has no reliable
  // length; the server must answer 400 and close.
  if ((flags & F_HAS_TRANSFER_ENCODING) !== 0 && (flags & F_CHUNKED) === 0) {
    return violate(t, V.V_TRANSFER_ENCODING_NOT_CHUNKED, t[T_TE_AT]!);
  }
  return done(t, lineEnd);
}

/** The head is complete: its length is the outcome, and where a further call would resume. */
function done(t: Int32Array, lineEnd: number): number {
  t[T_SCAN_POS] = lineEnd;
  t[T_LINE_START] = lineEnd;
  t[T_OUTCOME] = lineEnd;
  return lineEnd;
}

/**
 * The fast path for the request line, when it has not been searched yet: one pass over its
 * bytes finds the words and the CRLF. Returns where the next line starts; 0 to leave the line
 * to the reference steps (a bare CR or LF, no CRLF below the limits); -1 when the outcome is in t.
 */
function fastRequestLine(input: Uint8Array, s: number, limit: number, t: Int32Array): number {
  const end = s + (limit < MAX_REQUEST_LINE ? limit : MAX_REQUEST_LINE);
  let words = 0;
  let methodOff = 0;
  let methodLen = 0;
  let targetOff = 0;
  let targetLen = 0;
  let lastOff = 0;
  let lastLen = 0;
  let i = s;
  for (;;) {
    let b = 0;
    while (i < end && ((b = input[i]!) === SP || b === HTAB)) i++;
    if (i >= end || b === LF) return 0;
    if (b === CR) break;
    const w = i;
    i = wordEnd(input, i + 1, end);
    lastOff = w - s;
    lastLen = i - w;
    if (++words === 1) {
      methodOff = lastOff;
      methodLen = lastLen;
    } else if (words === 2) {
      targetOff = lastOff;
      targetLen = lastLen;
    }
  }
  if (crlfAt(input, i, end) < 0) return 0;
  if (words >= 1) {
    t[T_METHOD_OFF] = methodOff;
    t[T_METHOD_LEN] = methodLen;
  }
  if (words >= 2) {
    t[T_TARGET_OFF] = targetOff;
    t[T_TARGET_LEN] = targetLen;
  }
  const lineEnd = i + 2 - s;
  // Three words ending in HTTP/1.0 or HTTP/1.1 (nearly every request): what requestLineWords
  // and version would write, without their general loops.
  const v = s + lastOff;
  if (words === 3 && lastLen === 8 && input[v] === 0x48 && input[v + 1] === 0x54 && input[v + 2] === 0x54 &&
      input[v + 3] === 0x50 && input[v + 4] === 0x2f && input[v + 5] === 0x31 && input[v + 6] === 0x2e &&
      (input[v + 7] === 0x31 || input[v + 7] === 0x30)) {
    t[T_WORDS] = 3;
    t[T_REQUEST_LINE_END] = i - s;
    t[T_VERSION_OFF] = lastOff;
    t[T_VERSION_LEN] = 8;
    t[T_VERSION_MAJOR] = 1;
    t[T_VERSION_MINOR] = input[v + 7]! - 0x30;
    return lineEnd;
  }
  if (requestLineWords(input, s, i - s, t, words, lastOff, lastLen) !== OUTCOME_NEED_MORE) return -1;
  if (t[T_FLAGS]! & F_HTTP09) {
    done(t, lineEnd);
    return -1;
  }
  return lineEnd;
}

/**
 * The fast path for a header field line (or the blank line) at ls, not searched yet: the name,
 * then the value's bytes checked while its CRLF is sought. Returns as fastRequestLine does; the
 * reference steps get every line with a refused byte, and every line at a limit, so the
 * violation, its offset and the order of the checks are theirs.
 */
function fastFieldLine(input: Uint8Array, s: number, ls: number, limit: number, t: Int32Array): number {
  if (t[T_HEADER_COUNT]! + 1 > MAX_HEADER_LINES) return 0;
  const a = s + ls;
  const end = s + (limit - ls < MAX_HEADER_LINE ? limit : ls + MAX_HEADER_LINE);
  const colon = fieldNameEnd(input, a, end);
  if (colon === a) {
    if (crlfAt(input, a, end) < 0) return 0;
    endOfHead(t, ls + 2);
    return -1;
  }
  if (colon >= end || input[colon] !== COLON) return 0;
  const cr = fieldValueEnd(input, colon + 1, end);
  if (cr < 0) return 0;
  let vs = colon + 1;
  while (vs < cr && (input[vs] === SP || input[vs] === HTAB)) vs++;
  let ve = cr;
  while (ve > vs && (input[ve - 1] === SP || input[ve - 1] === HTAB)) ve--;
  if (field(input, s, ls, colon - a, vs - s, ve - vs, t) !== OUTCOME_NEED_MORE) return -1;
  return cr + 2 - s;
}

/**
 * The request line [0, end): words split on runs of SP/HTAB (API.md), then CPython 3.11's
 * parse_request checks in its order: version (when 3+ words), word count, HTTP/0.9 method.
 */
function requestLine(input: Uint8Array, s: number, end: number, t: Int32Array): number {
  let words = 0;
  let wordStart = -1;
  let lastOff = 0;
  let lastLen = 0;
  for (let i = 0; i <= end; i++) {
    const b = i < end ? input[s + i]! : SP;
    if (b === SP || b === HTAB) {
      if (wordStart >= 0) {
        words++;
        const len = i - wordStart;
        if (words === 1) {
          t[T_METHOD_OFF] = wordStart;
          t[T_METHOD_LEN] = len;
        } else if (words === 2) {
          t[T_TARGET_OFF] = wordStart;
          t[T_TARGET_LEN] = len;
        }
        lastOff = wordStart;
        lastLen = len;
        wordStart = -1;
      }
    } else {
      // RFC 9112 §2.2: a CR anywhere but before LF is refused (bare CR, request smuggling).
      if (b === CR) return violate(t, V.V_BARE_CR, i);
      if (wordStart < 0) wordStart = i;
    }
  }
  return requestLineWords(input, s, end, t, words, lastOff, lastLen);
}

/** The checks on the request line's words, once they are in t (method, target) and the arguments. */
function requestLineWords(input: Uint8Array, s: number, end: number, t: Int32Array, words: number, lastOff: number, lastLen: number): number {
  t[T_WORDS] = words;
  t[T_REQUEST_LINE_END] = end;
  if (words === 0) return violate(t, V.V_EMPTY_REQUEST_LINE, 0);
  if (words >= 3) {
    t[T_VERSION_OFF] = lastOff;
    t[T_VERSION_LEN] = lastLen;
    const rc = version(input, s, lastOff, lastLen, t);
    if (rc !== OUTCOME_NEED_MORE) return rc;
  }
  if (words > 3 || words < 2) return violate(t, V.V_BAD_REQUEST_SYNTAX, 0);
  if (words === 2) {
    const m = s + t[T_METHOD_OFF]!;
    if (t[T_METHOD_LEN] !== 3 || input[m]! !== 0x47 || input[m + 1]! !== 0x45 || input[m + 2]! !== 0x54) {
      return violate(t, V.V_BAD_HTTP09_METHOD, t[T_METHOD_OFF]!);
    }
    t[T_VERSION_MAJOR] = 0;
    t[T_VERSION_MINOR] = 9;
    t[T_FLAGS] = t[T_FLAGS]! | F_HTTP09;
  }
  return OUTCOME_NEED_MORE;
}

/** `HTTP/` 1*10DIGIT `.` 1*10DIGIT, as CPython 3.11 accepts it; 2.0 and above are 505. */
function version(input: Uint8Array, s: number, off: number, len: number, t: Int32Array): number {
  let i = 0;
  if (len < 8) return violate(t, V.V_BAD_VERSION, off);
  for (; i < 5; i++) if (input[s + off + i] !== HTTP_SLASH[i]) return violate(t, V.V_BAD_VERSION, off);
  let major = 0;
  let minor = 0;
  let digits = 0;
  for (; i < len; i++) {
    const d = input[s + off + i]! - 0x30;
    if (d < 0 || d > 9) break;
    if (++digits > 10) return violate(t, V.V_BAD_VERSION, off);
    major = major * 10 + d;
    if (major > VERSION_NUMBER_CAP) major = VERSION_NUMBER_CAP;
  }
  if (digits === 0 || i === len || input[s + off + i] !== 0x2e) return violate(t, V.V_BAD_VERSION, off);
  digits = 0;
  for (i++; i < len; i++) {
    const d = input[s + off + i]! - 0x30;
    if (d < 0 || d > 9) return violate(t, V.V_BAD_VERSION, off);
    if (++digits > 10) return violate(t, V.V_BAD_VERSION, off);
    minor = minor * 10 + d;
    if (minor > VERSION_NUMBER_CAP) minor = VERSION_NUMBER_CAP;
  }
  if (digits === 0) return violate(t, V.V_BAD_VERSION, off);
  t[T_VERSION_MAJOR] = major;
  t[T_VERSION_MINOR] = minor;
  if (major >= 2) return violate(t, V.V_VERSION_NOT_SUPPORTED, off);
  return OUTCOME_NEED_MORE;
}

/** One header field line [ls, ce) (CRLF excluded): field-name ":" OWS field-value OWS. */
function headerLine(input: Uint8Array, s: number, ls: number, ce: number, t: Int32Array): number {
  const first = input[s + ls]!;
  // RFC 9112 §5.2 (obs-fold) and §2.2 (whitespace before the first field): refused, 400.
  if (first === SP || first === HTAB) return violate(t, V.V_OBS_FOLD, ls);
  let i = ls;
  while (i < ce && TOKEN[input[s + i]!] === 1) i++;
  if (i === ce) return violate(t, V.V_MISSING_COLON, ce);
  const c = input[s + i]!;
  if (c !== COLON) {
    // RFC 9112 §5.1: no whitespace between name and colon (CVE-2019-16276, CVE-2019-16869 smuggling).
    if (c === SP || c === HTAB) return violate(t, V.V_WHITESPACE_BEFORE_COLON, i);
    if (c === CR) return violate(t, V.V_BARE_CR, i);
    if (c < 0x20 || c === 0x7f) return violate(t, V.V_HEADER_CONTROL_CHAR, i);
    return violate(t, V.V_INVALID_HEADER_NAME, i);
  }
  if (i === ls) return violate(t, V.V_INVALID_HEADER_NAME, ls);
  const nameLen = i - ls;
  let vs = i + 1;
  while (vs < ce && (input[s + vs] === SP || input[s + vs] === HTAB)) vs++;
  // RFC 9110 §5.5: field-value bytes are VCHAR, obs-text, SP and HTAB; CR, LF, NUL and the other
  // controls are refused.
  for (let k = vs; k < ce; k++) {
    const b = input[s + k]!;
    if (b < 0x20 ? b !== HTAB : b === 0x7f) {
      return violate(t, b === CR ? V.V_BARE_CR : V.V_HEADER_CONTROL_CHAR, k);
    }
  }
  let ve = ce;
  while (ve > vs && (input[s + ve - 1] === SP || input[s + ve - 1] === HTAB)) ve--;
  return field(input, s, ls, nameLen, vs, ve - vs, t);
}

/** A valid field line: what the server reads without strings (special), then its slots. */
function field(input: Uint8Array, s: number, no: number, nl: number, vo: number, vl: number, t: Int32Array): number {
  const rc = special(input, s, no, nl, vo, vl, t);
  if (rc !== OUTCOME_NEED_MORE) return rc;
  const count = t[T_HEADER_COUNT]!;
  const h = T_HEADERS + count * HEADER_SLOTS;
  t[h] = no;
  t[h + 1] = nl;
  t[h + 2] = vo;
  t[h + 3] = vl;
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
    if (flags & F_HAS_CONTENT_LENGTH) return violate(t, V.V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH, no);
    // The final coding is the last list element of the last field (RFC 9112 §6.1).
    let e = vo + vl;
    let b = e;
    while (b > vo && input[s + b - 1] !== 0x2c) b--;
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

/** The TypeScript backend. */
export class JsTokenizer implements Tokenizer {
  readonly name = "js";
  scan(input: Uint8Array, start: number, end: number, table: Int32Array, headLimit: number): number {
    return scanHead(input, start, end - start, table, headLimit);
  }
  formatDate(seconds: number): string {
    return formatDateJs(seconds);
  }
}
