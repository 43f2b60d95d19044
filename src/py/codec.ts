// UTF-8 with Python's error handlers (strict, replace, surrogatepass, surrogateescape), so
// file names and URL paths round-trip as in CPython: os.fsdecode/os.fsencode for names that
// are not valid UTF-8, and urllib.parse's quote/unquote. Used by src/http/simple/*; part of
// the Python leaf (src/py), which imports nothing from the layers above it.

export type DecodeErrors = "strict" | "replace" | "surrogatepass" | "surrogateescape";
export type EncodeErrors = "strict" | "surrogatepass" | "surrogateescape";

/** Python's UnicodeDecodeError / UnicodeEncodeError (both ValueErrors). */
export class UnicodeError extends Error {
  override name = "UnicodeError";
}

const replacingDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Length of the valid UTF-8 sequence at `i` (0 when invalid); `surrogates` admits ED A0-BF xx. */
function sequenceLength(b: Uint8Array, i: number, surrogates: boolean): number {
  const b0 = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, surrogates ? 0xbf : 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** `bytes.decode("utf-8", errors)`. */
export function utf8Decode(bytes: Uint8Array, errors: DecodeErrors = "strict"): string {
  if (errors === "replace") return replacingDecoder.decode(bytes);
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    const len = sequenceLength(bytes, i, errors === "surrogatepass");
    if (len === 1) {
      out += String.fromCharCode(b0);
    } else if (len === 2) {
      out += String.fromCharCode(((b0 & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
    } else if (len === 3) {
      out += String.fromCharCode(((b0 & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
    } else if (len === 4) {
      const cp = ((b0 & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      out += String.fromCodePoint(cp);
    } else if (errors === "surrogateescape") {
      out += String.fromCharCode(0xdc00 + b0);
      i += 1;
      continue;
    } else {
      throw new UnicodeError(`'utf-8' codec can't decode byte 0x${b0.toString(16).padStart(2, "0")} in position ${i}`);
    }
    i += len;
  }
  return out;
}

/** `s.encode("utf-8", errors)`: lone surrogates throw (strict), are encoded as 3 bytes
 * (surrogatepass), or, for U+DC80-U+DCFF, become the byte they escape (surrogateescape). */
export function utf8Encode(s: string, errors: EncodeErrors = "strict"): Uint8Array {
  if (!/[\ud800-\udfff]/.test(s)) return Buffer.from(s, "utf8");
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      if (errors === "surrogateescape" && c >= 0xdc80 && c <= 0xdcff) {
        out.push(c - 0xdc00);
        continue;
      }
      if (errors !== "surrogatepass") {
        const where = `character '\\u${c.toString(16)}' in position ${i}`;
        throw new UnicodeError(`'utf-8' codec can't encode ${where}: surrogates not allowed`);
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** os.fsdecode on a UTF-8 POSIX system: undecodable bytes become U+DC80-U+DCFF. */
export function fsdecode(name: Uint8Array): string {
  return utf8Decode(name, "surrogateescape");
}

/** os.fsencode: the inverse of fsdecode. Throws UnicodeError for other lone surrogates. */
export function fsencode(name: string): Uint8Array {
  return utf8Encode(name, "surrogateescape");
}
