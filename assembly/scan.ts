// The head tokenizer's driver, step for step as scanHead in src/tokenizer/js.ts: ordinary lines
// not searched yet go through the fast path (assembly/fast.ts); the reference steps find each
// other line's LF, resuming where the last call stopped (picohttpparser's slowloris-safe habit),
// and hand each complete line to assembly/fields.ts once. Offsets are input-relative; the state
// lives in the token table (assembly/tables.ts TABLE), the bytes at `base` (assembly/state.ts).

import {
  F_HTTP09, MAX_EMPTY_LINES, MAX_HEADER_LINE, MAX_HEADER_LINES, MAX_REQUEST_LINE, OUTCOME_NEED_LINE,
  OUTCOME_NEED_MORE, T_FLAGS, T_HEADER_COUNT, T_LINE_START, T_HEADERS, T_OUTCOME, T_REQUEST_LINE_START,
  T_SCAN_POS, V_BARE_LF, V_HEAD_TOO_LARGE, V_HEADER_LINE_TOO_LONG, V_REQUEST_LINE_TOO_LONG, V_TOO_MANY_HEADERS,
} from "./layout";
import { fastFields, fastRequestLine } from "./fast";
import { done, endOfHead, headerLine, requestLine } from "./fields";
import { findLF } from "./search";
import { byteAt, getSlot, setInput, setSlot, staged, violate } from "./state";
import { TABLE } from "./tables";

/**
 * Scan the head of input [0, n) with the state in TABLE. `address` is where input offset 0 is
 * (or would be) in memory, `first` the first offset actually there. `fresh` nonzero: a new head,
 * whose zeroed state the loader did not copy in (TABLE's state slots are zeroed here).
 * Returns T_OUTCOME, or OUTCOME_NEED_LINE, with nothing written, when a complete line starts
 * below `first`.
 */
export function scanHead(address: usize, first: i32, n: i32, headLimit: i32, fresh: i32): i32 {
  setInput(address, first);
  if (fresh) resetState();
  const limit = n < headLimit ? n : headLimit;
  let pos = getSlot(T_SCAN_POS);
  let lineStart = getSlot(T_LINE_START);
  // The request line starts at rs, after the empty lines skipped so far; lineStart == rs while
  // it is the line being read.
  let rs = getSlot(T_REQUEST_LINE_START);
  while (true) {
    // A line not searched yet goes through the fast path first (assembly/fast.ts); anything
    // unusual there comes back here, to the reference steps below.
    if (pos == lineStart && pos < limit && lineStart >= staged) {
      if (lineStart == rs) {
        const next = fastRequestLine(rs, limit);
        if (next > 0) {
          lineStart = next;
          pos = next;
          continue;
        }
      } else {
        // The reference steps take the line the fast path stopped at, here and now.
        const next = fastFields(lineStart, limit);
        if (next < 0) return getSlot(T_OUTCOME);
        lineStart = next;
        pos = next;
      }
    }
    const maxLine = lineStart == rs ? MAX_REQUEST_LINE : MAX_HEADER_LINE;
    const lf = pos < limit ? findLF(pos, limit) : -1;
    if (lf < 0) {
      // Limits (RFC 9112 §3 and §5, RFC 9110 §5.4, RFC 6585 §5): a request line over its limit is
      // 414, a field line or a head over theirs 431, as CPython answers them; bounded memory
      // for a peer that never sends its line's end.
      if (limit - lineStart > maxLine) return violate(tooLong(lineStart == rs), lineStart + maxLine);
      if (n > headLimit) return violate(V_HEAD_TOO_LARGE, headLimit);
      return done(limit, lineStart, OUTCOME_NEED_MORE);
    }
    const lineEnd = lf + 1;
    if (lineEnd - lineStart > maxLine) return violate(tooLong(lineStart == rs), lineStart + maxLine);
    if (lineStart < staged) return needLine();
    // RFC 9112 §2.2: a line ends in CRLF; a bare LF is refused (parsers that accept it disagree
    // with those that do not about where a message ends: request smuggling).
    if (lf == lineStart || byteAt(lf - 1) != 0x0d) return violate(V_BARE_LF, lf);
    const contentEnd = lf - 1;
    if (lineStart == rs) {
      // RFC 9112 §2.2: empty lines before the request line SHOULD be ignored (a client may end
      // a body with an extra CRLF); a few are, one more closes the connection as CPython does.
      if (contentEnd == lineStart && rs < 2 * MAX_EMPTY_LINES) {
        rs = lineEnd;
        setSlot(T_REQUEST_LINE_START, rs);
        lineStart = lineEnd;
        pos = lineEnd;
        continue;
      }
      const rc = requestLine(rs, contentEnd);
      if (rc != OUTCOME_NEED_MORE) return rc;
      if (getSlot(T_FLAGS) & F_HTTP09) return done(lineEnd, lineEnd, lineEnd);
    } else {
      // CPython reads at most 100 lines after the request line, the blank line included.
      if (getSlot(T_HEADER_COUNT) + 1 > MAX_HEADER_LINES) return violate(V_TOO_MANY_HEADERS, lineStart);
      if (contentEnd == lineStart) return endOfHead(lineEnd);
      const rc = headerLine(lineStart, contentEnd);
      if (rc != OUTCOME_NEED_MORE) return rc;
    }
    lineStart = lineEnd;
    pos = lineEnd;
  }
}

// @ts-ignore: decorator
@inline function tooLong(requestLine: bool): i32 {
  return requestLine ? V_REQUEST_LINE_TOO_LONG : V_HEADER_LINE_TOO_LONG;
}

/** Zero the state slots, as resetTable (src/contract/table.ts) does to the caller's table:
 * T_HEADERS slots, 84 bytes, in straight-line stores (a loop cost ~60 instructions a head). */
// @ts-ignore: decorator
@inline function resetState(): void {
  if (T_HEADERS != 21) ERROR("scan.ts resetState: T_HEADERS is not 21 slots any more");
  if (ASC_FEATURE_SIMD) {
    const zero = i64x2.splat(0);
    v128.store(TABLE, zero, 0);
    v128.store(TABLE, zero, 16);
    v128.store(TABLE, zero, 32);
    v128.store(TABLE, zero, 48);
    v128.store(TABLE, zero, 64);
  } else {
    for (let k: usize = 0; k < 80; k += 8) store<u64>(TABLE + k, 0);
  }
  store<u32>(TABLE, 0, 80);
}

/** Only the first line of a call can start below `staged`, so nothing has been written yet. */
function needLine(): i32 {
  return OUTCOME_NEED_LINE;
}
