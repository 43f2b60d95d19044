// The TypeScript twin of assembly/: the same head tokenizer, line by line, over the caller's
// own bytes (no copy). Its reference steps are the readable spec of the algorithm; assembly/scan.ts
// follows them step for step, and the differential test holds the two tables equal on every input.
// A fast path (fastRequestLine, fastFieldLine, with js-search.ts) reads an ordinary line once and
// leaves anything unusual to the reference steps; js-fields.ts stores and interprets the fields.

import { TCHAR } from "../contract/charclass.js";
import * as layout from "../contract/layout.js";
import type { Tokenizer } from "../contract/tokenizer.js";
import * as V from "../contract/violations.js";
import { formatDateJs } from "./date-js.js";
import { bytes, field, violate } from "./js-fields.js";
import { crlfAt, fieldNameEnd, fieldValueEnd, findLF, wordEnd } from "./js-search.js";

// Module-local copies of the layout: V8 reads an imported binding again at every use, which
// costs as much as the byte test itself in a hot loop.
const {
  F_CHUNKED, F_CHUNKED_NOT_LAST, F_HAS_TRANSFER_ENCODING, F_HTTP09, MAX_EMPTY_LINES, MAX_HEADER_LINE, MAX_HEADER_LINES,
  MAX_REQUEST_LINE, OUTCOME_NEED_MORE, T_FLAGS, T_HEADER_COUNT, T_LINE_START, T_METHOD_LEN,
  T_METHOD_OFF, T_OUTCOME, T_REQUEST_LINE_END, T_REQUEST_LINE_START, T_SCAN_POS, T_TARGET_LEN,
  T_TARGET_OFF, T_TE_AT, T_VERSION_LEN, T_VERSION_MAJOR, T_VERSION_MINOR, T_VERSION_OFF, T_WORDS,
  VERSION_NUMBER_CAP,
} = layout;
const TOKEN = TCHAR;

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

const HTTP_SLASH = bytes("HTTP/");

/**
 * Scan the head of input[s, s+n) with the state in t; offsets written are relative to s.
 * Each complete line is handled once; an incomplete line is searched for its LF only, and the
 * search resumes at T_SCAN_POS next time (a byte-at-a-time client costs O(n) in total).
 */
export function scanHead(input: Uint8Array, s: number, n: number, t: Int32Array, headLimit: number): number {
  const limit = n < headLimit ? n : headLimit;
  let pos = t[T_SCAN_POS]!;
  let lineStart = t[T_LINE_START]!;
  // The request line starts at rs, after the empty lines skipped so far; lineStart === rs while
  // it is the line being read.
  let rs = t[T_REQUEST_LINE_START]!;
  for (;;) {
    // A line not searched yet goes through the fast path first; anything unusual there comes
    // back here, to the reference steps below.
    if (pos === lineStart && pos < limit) {
      const next = lineStart === rs ? fastRequestLine(input, s, rs, limit, t) : fastFieldLine(input, s, lineStart, limit, t);
      if (next > 0) {
        lineStart = next;
        pos = next;
        continue;
      }
      if (next < 0) return t[T_OUTCOME]!;
    }
    const maxLine = lineStart === rs ? MAX_REQUEST_LINE : MAX_HEADER_LINE;
    const lf = pos < limit ? findLF(input, s + pos, s + limit) - s : -1;
    if (lf < 0) {
      if (limit - lineStart > maxLine) return violate(t, tooLong(lineStart === rs), lineStart + maxLine);
      if (n > headLimit) return violate(t, V.V_HEAD_TOO_LARGE, headLimit);
      t[T_SCAN_POS] = limit;
      t[T_LINE_START] = lineStart;
      t[T_OUTCOME] = OUTCOME_NEED_MORE;
      return OUTCOME_NEED_MORE;
    }
    const lineEnd = lf + 1;
    if (lineEnd - lineStart > maxLine) return violate(t, tooLong(lineStart === rs), lineStart + maxLine);
    // RFC 9112 §2.2: a line ends in CRLF; a bare LF is refused (parsers that accept it disagree
    // with those that do not about where a message ends: request smuggling).
    if (lf === lineStart || input[s + lf - 1] !== CR) return violate(t, V.V_BARE_LF, lf);
    const contentEnd = lf - 1;
    if (lineStart === rs) {
      // RFC 9112 §2.2: empty lines before the request line SHOULD be ignored (a client may end
      // a body with an extra CRLF); a few are, one more closes the connection as CPython does.
      if (contentEnd === lineStart && rs < 2 * MAX_EMPTY_LINES) {
        t[T_REQUEST_LINE_START] = rs = lineEnd;
        lineStart = pos = lineEnd;
        continue;
      }
      const rc = requestLine(input, s, rs, contentEnd, t);
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

function tooLong(requestLine: boolean): number {
  return requestLine ? V.V_REQUEST_LINE_TOO_LONG : V.V_HEADER_LINE_TOO_LONG;
}

function endOfHead(t: Int32Array, lineEnd: number): number {
  const flags = t[T_FLAGS]!;
  // RFC 9112 §6.3 (4): a request whose final transfer coding is not chunked has no reliable
  // length; the server must answer 400 and close. Nor has one that applies chunked twice (§6.1).
  if ((flags & F_HAS_TRANSFER_ENCODING) !== 0 && (flags & (F_CHUNKED | F_CHUNKED_NOT_LAST)) !== F_CHUNKED) {
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
function fastRequestLine(input: Uint8Array, s: number, rs: number, limit: number, t: Int32Array): number {
  const end = s + (limit - rs < MAX_REQUEST_LINE ? limit : rs + MAX_REQUEST_LINE);
  let words = 0;
  let methodOff = 0;
  let methodLen = 0;
  let targetOff = 0;
  let targetLen = 0;
  let lastOff = 0;
  let lastLen = 0;
  let i = s + rs;
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
  // No words (an empty line, to be skipped or refused) is the reference steps' too.
  if (words === 0 || crlfAt(input, i, end) < 0) return 0;
  t[T_METHOD_OFF] = methodOff;
  t[T_METHOD_LEN] = methodLen;
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
 * The request line [rs, end): words split on runs of SP/HTAB (API.md), then CPython 3.11's
 * parse_request checks in its order: version (when 3+ words), word count, HTTP/0.9 method.
 */
function requestLine(input: Uint8Array, s: number, rs: number, end: number, t: Int32Array): number {
  let words = 0;
  let wordStart = -1;
  let lastOff = 0;
  let lastLen = 0;
  for (let i = rs; i <= end; i++) {
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
  if (words === 0) return violate(t, V.V_EMPTY_REQUEST_LINE, t[T_REQUEST_LINE_START]!);
  if (words >= 3) {
    t[T_VERSION_OFF] = lastOff;
    t[T_VERSION_LEN] = lastLen;
    const rc = version(input, s, lastOff, lastLen, t);
    if (rc !== OUTCOME_NEED_MORE) return rc;
  }
  if (words > 3 || words < 2) return violate(t, V.V_BAD_REQUEST_SYNTAX, t[T_REQUEST_LINE_START]!);
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
  // RFC 9112 §5.1: a field line is `field-name ":" OWS field-value OWS`; one with no colon is
  // refused, not guessed at (a line a proxy and we would split differently).
  if (i === ce) return violate(t, V.V_MISSING_COLON, ce);
  const c = input[s + i]!;
  if (c !== COLON) {
    // RFC 9112 §5.1: no whitespace between name and colon (CVE-2019-16276, CVE-2019-16869 smuggling).
    if (c === SP || c === HTAB) return violate(t, V.V_WHITESPACE_BEFORE_COLON, i);
    if (c === CR) return violate(t, V.V_BARE_CR, i);
    if (c < 0x20 || c === 0x7f) return violate(t, V.V_HEADER_CONTROL_CHAR, i);
    return violate(t, V.V_INVALID_HEADER_NAME, i);
  }
  // RFC 9110 §5.1: field-name = token, so at least one tchar before the colon.
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
