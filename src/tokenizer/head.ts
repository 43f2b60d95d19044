// The decoded tokenizer API: parseRequestHead(bytes) scans a head with one backend and hands
// back strings (method, target, version, headers as [name, value] pairs in arrival order), the
// head length, "need more", or the violation with its RFC section. Methods, versions and header
// names are interned (intern.ts, the server's own path; common names by the id the scan found,
// names.ts); the rest of the head is decoded once,
// as one ISO-8859-1 string, and the target and values are slices of it. Shared by
// basehttp/tokenizer (WASM) and basehttp/tokenizer/js (the twin). No node: import.

import {
  HEADER_NAME_ID, HEADER_SLOTS, OUTCOME_NEED_MORE, OUTCOME_VIOLATION, T_HEADER_COUNT, T_HEADERS,
  T_METHOD_LEN, T_METHOD_OFF, T_TARGET_LEN, T_TARGET_OFF, T_VERSION_LEN, T_VERSION_MAJOR, T_VERSION_MINOR,
  T_VERSION_OFF, T_VIOLATION, T_VIOLATION_AT, T_WORDS,
} from "../contract/layout.js";
import { VIOLATION_NAMES, VIOLATION_RFC, VIOLATION_STATUS } from "../contract/violations.js";
import { internHeaderName, internMethod, internVersion, NAME_BY_ID } from "./intern.js";
import { latin1Head } from "./latin1.js";

/** A complete request head, decoded. */
export interface RequestHead {
  readonly kind: "head";
  /** The method as sent (case-sensitive, RFC 9110 §9.1); a known method is a constant string. */
  readonly method: string;
  /** The request target as received (ISO-8859-1 decoded, not percent-decoded). */
  readonly target: string;
  /** The HTTP-version word; "HTTP/0.9" for a two-word request line (`GET /path`). */
  readonly version: string;
  /** Header fields as [name, value] in arrival order, names as received (common and repeated
   * names interned), values without leading and trailing whitespace. */
  readonly headers: [name: string, value: string][];
  /** Bytes of the head from `start`, request line to the blank line's CRLF included: the body
   * or the next pipelined request starts at `start + length`. */
  readonly length: number;
}

/** The head is not complete in the bytes given: call again with more. */
export interface NeedMore {
  readonly kind: "need-more";
}

/** The head breaks a rule; nothing of it should be processed. */
export interface Violation {
  readonly kind: "violation";
  /** The V_* code (basehttp/tokenizer's violation constants). */
  readonly code: number;
  /** Its symbolic name, e.g. "BARE_LF". */
  readonly name: string;
  /** The rule, e.g. "RFC 9112 §2.2". */
  readonly rfc: string;
  /** The status basehttp's server answers it with (0: the connection is closed without one). */
  readonly status: number;
  /** Offset from `start` of the byte the violation was found at. */
  readonly at: number;
}

export type ParseResult = RequestHead | NeedMore | Violation;

/** The one "need more" answer (frozen, shared). */
export const NEED_MORE: NeedMore = Object.freeze({ kind: "need-more" });

export interface ParseOptions {
  /** First byte of the head in `bytes` (default 0). */
  start?: number;
  /** End of the bytes received (default bytes.length). */
  end?: number;
  /** Largest head accepted, in bytes (default 1 MiB); beyond it, violation HEAD_TOO_LARGE. */
  headLimit?: number;
}

export type ParseRequestHead = (bytes: Uint8Array, options?: ParseOptions) => ParseResult;

/** The version string of a two-word (HTTP/0.9) request line. */
const HTTP09 = "HTTP/0.9";
const HTTP11 = "HTTP/1.1";
const HTTP10 = "HTTP/1.0";
const GET = "GET";
// decodeHead and knownVersion read the token table at literal slot numbers (layout.ts): V8 folds
// `t[b + 5]` into the address, while a module-level constant is a context slot that its optimised
// code loads and checks for the temporal dead zone at every use. This guard keeps the literals
// honest.
if (
  T_METHOD_OFF !== 5 || T_METHOD_LEN !== 6 || T_TARGET_OFF !== 7 || T_TARGET_LEN !== 8 || T_VERSION_OFF !== 9 ||
  T_VERSION_LEN !== 10 || T_VERSION_MAJOR !== 11 || T_VERSION_MINOR !== 12 || T_WORDS !== 13 || T_HEADER_COUNT !== 18 ||
  T_HEADERS !== 21 || HEADER_SLOTS !== 5 || HEADER_NAME_ID !== 4
) {
  throw new Error("src/tokenizer/head.ts: the token table layout changed");
}

/** The bounds parseRequestHead scans, [start, end) of `bytes`; throws RangeError outside it.
 * (The throw is a function of its own, so that this one is small enough for V8 to inline into
 * every parseRequestHead: a call less per head.) */
export function checkBounds(start: number, end: number, length: number): void {
  if (!(start >= 0 && start <= end && end <= length)) boundsError(start, end, length);
}

function boundsError(start: number, end: number, length: number): never {
  throw new RangeError(`parseRequestHead: need 0 <= start <= end <= bytes.length, got ${start}, ${end}, ${length}`);
}

/**
 * What parseRequestHead answers for a scan's `outcome` whose token table is at `table[base]`.
 * Each entry (index.ts, js-index.ts) has a parseRequestHead of its own that calls this, so that
 * a process running both backends gives neither a call site shared with the other (V8 keeps one
 * set of type feedback per function literal).
 */
export function resultOf(outcome: number, bytes: Uint8Array, start: number, table: Int32Array, base: number): ParseResult {
  if (outcome > 0) return decodeHead(bytes, start, table, base, outcome);
  if (outcome === OUTCOME_NEED_MORE) return NEED_MORE;
  if (outcome !== OUTCOME_VIOLATION) throw new Error(`parseRequestHead: unexpected outcome ${outcome}`);
  const code = table[base + T_VIOLATION]!;
  return {
    kind: "violation",
    code,
    name: VIOLATION_NAMES[code]!,
    rfc: VIOLATION_RFC[code]!,
    status: VIOLATION_STATUS[code]!,
    at: table[base + T_VIOLATION_AT]!,
  };
}

/**
 * The strings of the complete head of `length` bytes at bytes[start] described by the token
 * table `t` from slot `b`.
 * The head is decoded once; the target and the values are substrings of it (V8 and JSC make
 * longer ones as slices, no copy), known words come from the intern tables.
 */
export function decodeHead(bytes: Uint8Array, start: number, t: Int32Array, b: number, length: number): RequestHead {
  const text = latin1Head(bytes, start, start + length);
  // GET is recognised on the decoded text: a string's characters are read without the check that
  // V8 adds to every typed-array read once any ArrayBuffer in the process has been detached (a
  // WebAssembly memory.grow does it).
  const methodOff = t[b + 5]!; // T_METHOD_OFF
  const methodLen = t[b + 6]!; // T_METHOD_LEN
  const method = methodLen === 3 && text.charCodeAt(methodOff) === 0x47 && text.charCodeAt(methodOff + 1) === 0x45 &&
      text.charCodeAt(methodOff + 2) === 0x54
    ? GET
    : internMethod(bytes, start + methodOff, methodLen);
  const targetOff = t[b + 7]!; // T_TARGET_OFF
  const target = text.substring(targetOff, targetOff + t[b + 8]!); // T_TARGET_LEN
  const version = t[b + 13] === 2 ? HTTP09 : knownVersion(bytes, start, t, b); // T_WORDS
  const count = t[b + 18]!; // T_HEADER_COUNT
  const headers = new Array<[string, string]>(count);
  // Each field: HEADER_SLOTS (5) slots from T_HEADERS (21): name off, name len, value off, value
  // len, name id (HEADER_NAME_ID). The id first: a common name is taken by it, and its offset
  // and length are not read.
  for (let i = 0, h = b + 21; i < count; i++, h += 5) {
    const id = t[h + 4]!;
    const name = id !== 0 ? NAME_BY_ID[id]! : internHeaderName(bytes, start + t[h]!, t[h + 1]!);
    const valueOff = t[h + 2]!;
    headers[i] = [name, text.substring(valueOff, valueOff + t[h + 3]!)];
  }
  return { kind: "head", method, target, version, headers, length };
}

/** The version word of a complete head: the scan checked it is `HTTP/` DIGITS `.` DIGITS and
 * parsed the numbers, so 8 bytes with 1 and 1 (or 0) are exactly HTTP/1.1 (HTTP/1.0). */
function knownVersion(bytes: Uint8Array, start: number, t: Int32Array, b: number): string {
  const len = t[b + 10]!; // T_VERSION_LEN
  if (len === 8 && t[b + 11] === 1) { // T_VERSION_MAJOR
    const minor = t[b + 12]; // T_VERSION_MINOR
    if (minor === 1) return HTTP11;
    if (minor === 0) return HTTP10;
  }
  return internVersion(bytes, start + t[b + 9]!, len); // T_VERSION_OFF
}
