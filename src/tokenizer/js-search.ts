// The byte searches of the TypeScript twin (src/tokenizer/js.ts), as assembly/search.ts is for
// the WASM side: the end-of-line LF for the reference steps; for the fast path, where a
// request-line word, a field name and a field value end, each answering "not here" (-1 or `end`)
// on anything unusual. All read only input[from, end); the long ones test 8 bytes at a time as two
// 32-bit words (SWAR; https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord).

import { TCHAR } from "../contract/charclass.js";

// Module-local copies: V8 reads an imported binding again at every use, even in a hot loop.
const TOKEN = TCHAR;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const DEL = 0x7f;

/** Below this many bytes to `end`, a search goes byte by byte: on a short input (a minimal
 * request) the view below, made for each new buffer, and the word loop cost more than they save. */
const SHORT = 128;

/**
 * A DataView over the last input's ArrayBuffer (made again only when the buffer changes) and
 * the input's byteOffset: input[i] is at byteOffset + i in the view. Both are remembered with
 * the input, as `buffer` and `byteOffset` are calls that cost more than this identity check
 * (the last input and its buffer stay referenced until another input comes).
 */
let viewInput: Uint8Array | undefined;
let viewOf: ArrayBufferLike | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));
let viewBase = 0;

function useView(input: Uint8Array): void {
  viewInput = input;
  viewBase = input.byteOffset;
  const buffer = input.buffer;
  if (buffer !== viewOf) {
    viewOf = buffer;
    view = new DataView(buffer);
  }
}

/** Bytes past `to` that the native indexOf may search before a bounded loop is cheaper. */
const SEARCH_SLACK = 4096;

/**
 * The index of the first LF in input[from, to), or -1. TypedArray#indexOf runs natively but
 * cannot stop at `to`: when much lies beyond `to` (a preallocated buffer), it could search that
 * again on every call, so a bounded loop takes over there.
 */
export function findLF(input: Uint8Array, from: number, to: number): number {
  if (input.length - to <= SEARCH_SLACK) {
    const i = input.indexOf(LF, from);
    return i >= 0 && i < to ? i : -1;
  }
  for (let i = from; i < to; i++) if (input[i] === LF) return i;
  return -1;
}

/** i when input[i, i+2) is CRLF below `end`, else -1. */
export function crlfAt(input: Uint8Array, i: number, end: number): number {
  return input[i] === CR && i + 1 < end && input[i + 1] === LF ? i : -1;
}

/** A byte that ends the fast scan of a field value: one that RFC 9110 §5.5 refuses there (a
 * control other than HTAB, or DEL), CR among them. */
function valueStop(b: number): boolean {
  return b < 0x20 ? b !== HTAB : b === DEL;
}

/**
 * The CR of the CRLF that ends a field line whose value starts at `from`, when every byte
 * before it is a field-value byte (VCHAR, obs-text, SP, HTAB) and the LF is below `end`; else -1.
 * Eight bytes at a time: a word pair with some byte below 0x20, 0x7f or above (obs-text, rare)
 * is then looked at byte by byte, and the search goes on after it when all its bytes are fine.
 */
export function fieldValueEnd(input: Uint8Array, from: number, end: number): number {
  let i = from;
  if (end - i >= SHORT && end <= input.length) {
    if (input !== viewInput) useView(input);
    const d = view;
    const base = viewBase;
    for (;;) {
      for (const last = end - 8; i <= last; i += 8) {
        const x = d.getInt32(base + i, true);
        const y = d.getInt32(base + i + 4, true);
        // The lowest such byte sets its own high bit in one of the terms: no borrow or carry
        // reaches it from the bytes below.
        if ((((x - 0x20202020) | x | (x + 0x01010101) | (y - 0x20202020) | y | (y + 0x01010101)) & 0x80808080) !== 0) break;
      }
      const next = i + 8 < end ? i + 8 : end;
      for (; i < next; i++) if (valueStop(input[i]!)) return crlfAt(input, i, end);
      if (i >= end) return -1;
    }
  }
  for (; i < end; i++) if (valueStop(input[i]!)) return crlfAt(input, i, end);
  return -1;
}

/** The first SP, HTAB, CR or LF in [from, end), or `end`: where a request-line word ends. */
export function wordEnd(input: Uint8Array, from: number, end: number): number {
  let i = from;
  if (end - i >= SHORT && end <= input.length) {
    if (input !== viewInput) useView(input);
    const d = view;
    const base = viewBase;
    for (;;) {
      for (const last = end - 8; i <= last; i += 8) {
        const x = d.getInt32(base + i, true);
        const y = d.getInt32(base + i + 4, true);
        // Some byte at or below 0x20 (the other controls are word bytes, looked at one by one).
        if ((((x - 0x21212121) & ~x) | ((y - 0x21212121) & ~y)) & 0x80808080) break;
      }
      const next = i + 8 < end ? i + 8 : end;
      for (; i < next; i++) if (wordStop(input[i]!)) return i;
      if (i >= end) return end;
    }
  }
  for (; i < end; i++) if (wordStop(input[i]!)) return i;
  return end;
}

function wordStop(b: number): boolean {
  return b <= SP && (b === SP || b === HTAB || b === CR || b === LF);
}

/** The first byte in [from, end) that is not a tchar (RFC 9110 §5.6.2), or `end`. */
export function fieldNameEnd(input: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end && TOKEN[input[i]!] === 1) i++;
  return i;
}
