// ISO-8859-1 decoding of request bytes (byte n → U+00nn), as Python decodes request heads: the
// one decoder for the server (src/http/message.ts, request-line.ts) and the decoded tokenizer API
// (head.ts). Short strings are built in JavaScript; longer ones by Node's (and Bun's) native
// latin1Slice where there is one, else by String.fromCharCode over chunks (Deno, browsers). No
// node: import, so it loads in every runtime.

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/** Node's own ISO-8859-1 decoder (never TextDecoder("latin1"), which is windows-1252), when the
 * runtime has a Buffer global that carries it. */
const nativeLatin1Slice = (globalThis as unknown as { Buffer?: { prototype: { latin1Slice?: Latin1Slice } } }).Buffer
  ?.prototype.latin1Slice;
/** Bytes per String.fromCharCode.apply call (argument count stays far below engine limits). */
const CHUNK = 4096;

const chr = String.fromCharCode;

/**
 * `source[start, end)` as an ISO-8859-1 string. Up to 8 bytes the string is made with
 * String.fromCharCode, which for 0-255 gives the same code points as latin1Slice, without the
 * call into C++ (about 3x faster here on 1 to 8 bytes; from about 10 bytes the native call wins).
 */
export function latin1(source: Uint8Array, start: number, end: number): string {
  const s = start;
  const b = source;
  switch (end - s) {
    case 0:
      return "";
    case 1:
      return chr(b[s]!);
    case 2:
      return chr(b[s]!, b[s + 1]!);
    case 3:
      return chr(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return chr(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return chr(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return chr(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return chr(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return chr(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    default:
      return latin1Long(source, start, end);
  }
}

/**
 * The same string for a whole request head (decodeHead): a head has more than 8 bytes, so this
 * goes straight to the native decoder where there is one. Small enough for V8 to inline into
 * its caller, which `latin1` with its switch is not: one call less per head.
 */
export function latin1Head(source: Uint8Array, start: number, end: number): string {
  return nativeLatin1Slice !== undefined && end - start > 8 ? nativeLatin1Slice.call(source, start, end) : latin1(source, start, end);
}

function latin1Long(source: Uint8Array, start: number, end: number): string {
  if (nativeLatin1Slice !== undefined) return nativeLatin1Slice.call(source, start, end);
  return latin1Portable(source, start, end);
}

/** The same string without a native decoder. */
export function latin1Portable(source: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let at = start; at < end; at += CHUNK) {
    const part = source.subarray(at, at + CHUNK < end ? at + CHUNK : end);
    out += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}
