// The chunked transfer coding (RFC 9112 §7.1) decoded as the bytes arrive: the second parser
// that decides where a request ends, so the place where chunked smuggling would happen. Every
// framing rule is strict, each with its reason beside it; whatever breaks one is a
// ChunkedEncodingError, which the handler answers 400 before closing the connection. It never
// reads past the body's last CRLF, so a pipelined request after it stays intact.
// Literate fixtures: test/chunked/fixtures/*.md.

import { TCHAR } from "../contract/charclass.js";
import type { ByteSource } from "../socketserver/byte-source.js";
import { join } from "../socketserver/byte-source.js";
import { ConnectionResetError } from "../socketserver/errors.js";
import { ChunkedEncodingError } from "./errors.js";

/** Longest chunk-size line, extensions included (its CRLF excluded). */
const CHUNK_LINE_LIMIT = 4096;
/** All chunk extensions of one body together (as llhttp since CVE-2024-22019: extensions
 * are parsed and dropped, so a body made of extensions must not cost unbounded work). */
const CHUNK_EXT_TOTAL = 16 * 1024;
/** The trailer section of a chunked body, read and dropped. */
const TRAILER_LIMIT = 64 * 1024;
/** Hex digits of a chunk size: 13 keep it below 2**52. */
const CHUNK_SIZE_DIGITS = 13;

const HTAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const DQUOTE = 0x22;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** Where the decoder is: in a chunk-size line, inside chunk-data, at the CR then the LF that
 * end chunk-data, in the trailer section, or past the body's end. */
const SIZE = 0;
const DATA = 1;
const DATA_CR = 2;
const DATA_LF = 3;
const TRAILERS = 4;
const DONE = 5;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/** Control bytes other than HTAB (RFC 9110 §5.5): never in a chunk line or a trailer field. */
function isControl(b: number): boolean {
  return (b < 0x20 && b !== HTAB) || b === 0x7f;
}

/** BWS = *( SP / HTAB ) (RFC 9110 §5.6.3): the index of the first byte past it. */
function skipBWS(line: Uint8Array, i: number): number {
  while (i < line.length && (line[i] === SP || line[i] === HTAB)) i++;
  return i;
}

/** 1*tchar (RFC 9110 §5.6.2) from `i`: the index past it (`i` when there is none). */
function skipToken(line: Uint8Array, i: number): number {
  while (i < line.length && TCHAR[line[i]!] === 1) i++;
  return i;
}

/** quoted-string (RFC 9110 §5.6.4) opening at `line[i]`: the index past its closing quote, or
 * -1. qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text; quoted-pair = "\" ( HTAB / SP /
 * VCHAR / obs-text ). */
function skipQuoted(line: Uint8Array, i: number): number {
  for (i++; i < line.length; i++) {
    const b = line[i]!;
    if (b === DQUOTE) return i + 1;
    if (b === BACKSLASH) {
      i++;
      if (i === line.length || isControl(line[i]!)) return -1;
    } else if (isControl(b)) return -1;
  }
  return -1;
}

/**
 * The chunk-data of one chunked body as a ByteSource over the connection's bytes: available()
 * reads the framing (size lines, the CRLF after data, the trailer section) as it comes and says
 * how many data bytes can be taken now; 0 once the body has ended. `reset()` starts a new body.
 * A peer that closes inside the body makes it throw ConnectionResetError.
 *
 * Framing is read synchronously while its bytes are there, one state step per byte or line
 * piece, so that a body split anywhere is decoded the same (test/chunked replays every fixture
 * split at every byte); only a wait for the peer makes a promise. Chunk data is never looked
 * at: take() hands out views of the received bytes.
 */
export class ChunkedDecoder implements ByteSource {
  readonly #source: ByteSource;
  #state = DONE;
  /** Data bytes left in the current chunk. */
  #remaining = 0;
  /** Bytes of chunk extensions seen in this body. */
  #extBytes = 0;
  /** Bytes of the trailer section so far. */
  #trailerBytes = 0;
  /** The pieces of a framing line split across reads (null while none is pending), their size. */
  #parts: Buffer[] | null = null;
  #got = 0;

  constructor(source: ByteSource) {
    this.#source = source;
  }

  /** Start a new body at the first chunk-size line. */
  reset(): void {
    this.#state = SIZE;
    this.#remaining = 0;
    this.#extBytes = 0;
    this.#trailerBytes = 0;
    this.#parts = null;
    this.#got = 0;
  }

  /** Whether the body has ended (last-chunk and trailer section read). */
  get done(): boolean {
    return this.#state === DONE;
  }

  available(): number | Promise<number> {
    const src = this.#source;
    for (;;) {
      const state = this.#state;
      if (state === DONE) return 0;
      const a = src.available();
      if (typeof a !== "number") return this.#after(a);
      if (a === 0) throw new ConnectionResetError();
      switch (state) {
        case DATA:
          return a < this.#remaining ? a : this.#remaining;
        // RFC 9112 §7.1: chunk-data is followed by CRLF, exactly.
        case DATA_CR:
          if (src.takeByte() !== CR) throw new ChunkedEncodingError("Chunk data not followed by CRLF");
          this.#state = DATA_LF;
          break;
        case DATA_LF:
          if (src.takeByte() !== LF) throw new ChunkedEncodingError("Chunk data not followed by CRLF");
          this.#state = SIZE;
          break;
        case SIZE: {
          const line = this.#linePiece(a, CHUNK_LINE_LIMIT);
          if (line !== null) this.#sizeLine(line);
          break;
        }
        default: {
          const line = this.#linePiece(a, TRAILER_LIMIT);
          if (line !== null) this.#trailer(line);
        }
      }
    }
  }

  /** available() again once bytes have arrived (the peer's end inside the body: a reset). */
  async #after(arrival: Promise<number>): Promise<number> {
    if ((await arrival) === 0) throw new ConnectionResetError();
    return this.available();
  }

  take(n: number): Buffer {
    return this.#took(this.#source.take(n));
  }

  takeLine(n: number): Buffer {
    return this.#took(this.#source.takeLine(n));
  }

  takeByte(): number {
    const b = this.#source.takeByte();
    if (--this.#remaining === 0) this.#state = DATA_CR;
    return b;
  }

  #took(data: Buffer): Buffer {
    this.#remaining -= data.length;
    if (this.#remaining === 0) this.#state = DATA_CR;
    return data;
  }

  /** Take the next piece of a CRLF-terminated framing line of at most `limit` bytes (`a` bytes
   * readable): the line without its CRLF once its LF has come, else null. */
  #linePiece(a: number, limit: number): Buffer | null {
    const got = this.#got;
    const part = this.#source.takeLine(Math.min(a, limit + 2 - got));
    const ended = part[part.length - 1] === LF;
    let line = part;
    if (got > 0 || !ended) {
      (this.#parts ??= []).push(part);
      this.#got = got + part.length;
      if (!ended) {
        if (this.#got >= limit + 2) throw new ChunkedEncodingError("Chunk line too long");
        return null;
      }
      line = join(this.#parts, this.#got);
      this.#parts = null;
      this.#got = 0;
    }
    // RFC 9112 §2.2 and §7.1: lines end in CRLF; a bare LF or CR is refused (smuggling: a
    // parser that takes either as a line end reads different chunks).
    if (line.length < 2 || line[line.length - 2] !== CR) throw new ChunkedEncodingError("Bare LF in chunked body");
    const content = line.subarray(0, line.length - 2);
    if (content.indexOf(CR) >= 0) throw new ChunkedEncodingError("Bare CR in chunked body");
    if (content.length > limit) throw new ChunkedEncodingError("Chunk line too long");
    return content;
  }

  /** A chunk-size line read: the chunk's data follows, or the trailer section (last-chunk). */
  #sizeLine(line: Buffer): void {
    const size = this.#chunkSize(line);
    this.#remaining = size;
    this.#state = size === 0 ? TRAILERS : DATA;
  }

  /** chunk-size [ chunk-ext ] (RFC 9112 §7.1, §7.1.1): 1*HEXDIG, then
   * *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] ), nothing else. */
  #chunkSize(line: Buffer): number {
    let i = 0;
    let size = 0;
    for (; i < line.length; i++) {
      const d = hexValue(line[i]!);
      if (d < 0) break;
      // A size past 2**52 would lose digits in a double: two parsers would disagree on it.
      if (i >= CHUNK_SIZE_DIGITS) throw new ChunkedEncodingError("Chunk size too large");
      size = size * 16 + d;
    }
    if (i === 0) throw new ChunkedEncodingError("Invalid chunk size");
    if (i === line.length) return size;
    // Only an extension may follow the size: `5 x`, `5x`, `0x5`, `-1` are refused.
    if (line[skipBWS(line, i)] !== SEMICOLON) throw new ChunkedEncodingError("Invalid chunk size");
    this.#extBytes += line.length - i;
    if (this.#extBytes > CHUNK_EXT_TOTAL) throw new ChunkedEncodingError("Chunk extensions too long");
    this.#extensions(line, i);
    return size;
  }

  /** Check the chunk extensions from `line[i]` (read and dropped, as no extension is known).
   * Quotes must close and names must be tokens: where parsers disagree on a chunk line, one of
   * them sees data where the other sees framing. */
  #extensions(line: Buffer, i: number): void {
    while (i < line.length) {
      i = skipBWS(line, i);
      if (line[i] !== SEMICOLON) throw new ChunkedEncodingError("Invalid chunk extension");
      const name = skipBWS(line, i + 1);
      i = skipToken(line, name);
      if (i === name) throw new ChunkedEncodingError("Invalid chunk extension");
      const eq = skipBWS(line, i);
      if (line[eq] !== EQUALS) continue;
      const value = skipBWS(line, eq + 1);
      i = line[value] === DQUOTE ? skipQuoted(line, value) : skipToken(line, value);
      if (i <= value) throw new ChunkedEncodingError("Invalid chunk extension");
    }
  }

  /** One line of the trailer section (RFC 9112 §7.1.2), checked and dropped; the blank line
   * ends the body. */
  #trailer(line: Buffer): void {
    if (line.length === 0) {
      this.#state = DONE;
      return;
    }
    this.#trailerBytes += line.length + 2;
    if (this.#trailerBytes > TRAILER_LIMIT) throw new ChunkedEncodingError("Trailer section too large");
    const first = line[0]!;
    // RFC 9112 §5.2: no obs-fold; §5.1: a field line is name ":" value.
    if (first === SP || first === HTAB || line.indexOf(COLON) <= 0) throw new ChunkedEncodingError("Invalid trailer field");
    for (const b of line) if (isControl(b)) throw new ChunkedEncodingError("Invalid trailer field");
  }
}
