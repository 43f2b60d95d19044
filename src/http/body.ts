// The request body as the handler's `rfile`: bounded by Content-Length, or decoded from
// `Transfer-Encoding: chunked` (RFC 9112 §7.1) as the bytes arrive, never reading past the
// body's end, so the next pipelined request stays intact. Reads straight from the connection's
// SocketReader (zero-copy views); handler.ts resets it per request and discards leftovers.

import type { ReadableFile } from "../socketserver/request-handler.js";
import { join, lines, type SocketReader } from "../socketserver/socket-reader.js";
import { ConnectionResetError } from "../socketserver/errors.js";
import { ChunkedEncodingError } from "./errors.js";

export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
export const BODY_CHUNKED = 2;

/** Longest chunk-size line, extensions included (its CRLF excluded). */
const CHUNK_LINE_LIMIT = 4096;
/** All chunk extensions of one body together (as llhttp since CVE-2024-22019: extensions
 * are parsed and dropped, so a body made of extensions must not cost unbounded work). */
const CHUNK_EXT_TOTAL = 16 * 1024;
/** The trailer section of a chunked body, read and dropped. */
const TRAILER_LIMIT = 64 * 1024;
/** Hex digits of a chunk size: 13 keep it below 2**52. */
const CHUNK_SIZE_DIGITS = 13;

const EMPTY = Buffer.alloc(0);
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;

const SIZE = 0;
const DATA = 1;
const DATA_END = 2;
const DONE = 3;

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/**
 * `rfile` of BaseHTTPRequestHandler: `await read(n?)`, `await readline(limit?)`, async
 * iteration over lines; all stop at the end of the request body. A peer that closes the
 * connection before the body ends makes them throw ConnectionResetError; a malformed chunked
 * body, ChunkedEncodingError.
 */
export class RequestBody implements ReadableFile {
  readonly #reader: SocketReader;
  #mode = BODY_NONE;
  /** LENGTH: body bytes left; CHUNKED: bytes left in the current chunk. */
  #remaining = 0;
  #state = DONE;
  #extBytes = 0;
  #started = false;

  constructor(reader: SocketReader) {
    this.#reader = reader;
  }

  /** Start a new request's body. */
  reset(mode: number, length = 0): void {
    this.#mode = mode;
    this.#remaining = mode === BODY_LENGTH ? length : 0;
    this.#state = mode === BODY_CHUNKED ? SIZE : DONE;
    this.#extBytes = 0;
    this.#started = false;
  }

  /** Whether any of the body has been read. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether the whole body has been read. */
  get done(): boolean {
    return this.#mode === BODY_CHUNKED ? this.#state === DONE : this.#remaining === 0;
  }

  /** Body bytes readable now without waiting, at least 1; 0 at the end of the body. */
  #available(): number | Promise<number> {
    const r = this.#reader;
    if (this.#mode === BODY_CHUNKED) {
      if (this.#state === DATA && r.pos < r.end) return Math.min(this.#remaining, r.end - r.pos);
      return this.#chunkedAvailable();
    }
    if (this.#remaining === 0) return 0;
    if (r.pos < r.end) return Math.min(this.#remaining, r.end - r.pos);
    return this.#lengthAvailable();
  }

  async #lengthAvailable(): Promise<number> {
    const r = this.#reader;
    if (!(await r.fill())) throw new ConnectionResetError();
    return Math.min(this.#remaining, r.end - r.pos);
  }

  /** Consume `n` bytes (n <= what #available() said) and return them as a view. */
  #take(n: number): Buffer {
    const r = this.#reader;
    const view = r.buf.subarray(r.pos, r.pos + n);
    r.pos += n;
    this.#remaining -= n;
    this.#started = true;
    if (this.#mode === BODY_CHUNKED && this.#remaining === 0) this.#state = DATA_END;
    return view;
  }

  async #chunkedAvailable(): Promise<number> {
    const r = this.#reader;
    for (;;) {
      switch (this.#state) {
        case SIZE: {
          this.#started = true;
          const size = this.#chunkSize(await this.#line(CHUNK_LINE_LIMIT));
          if (size === 0) {
            await this.#trailers();
            this.#state = DONE;
            return 0;
          }
          this.#remaining = size;
          this.#state = DATA;
          break;
        }
        case DATA:
          if (!(await r.fill())) throw new ConnectionResetError();
          return Math.min(this.#remaining, r.end - r.pos);
        case DATA_END:
          // RFC 9112 §7.1: chunk-data is followed by CRLF, exactly.
          for (const expected of [CR, LF]) {
            if (!(await r.fill())) throw new ConnectionResetError();
            if (r.buf[r.pos] !== expected) throw new ChunkedEncodingError("Chunk data not followed by CRLF");
            r.pos++;
          }
          this.#state = SIZE;
          break;
        default:
          return 0;
      }
    }
  }

  /** One CRLF-terminated line of the chunked framing, without its CRLF; at most `limit` bytes. */
  async #line(limit: number): Promise<Buffer> {
    const r = this.#reader;
    const parts: Uint8Array[] = [];
    let got = 0;
    for (;;) {
      if (!(await r.fill())) throw new ConnectionResetError();
      const lf = r.buf.indexOf(LF, r.pos);
      const stop = lf >= 0 && lf < r.end ? lf : r.end;
      got += stop - r.pos;
      if (got > limit + 1) throw new ChunkedEncodingError("Chunk line too long");
      parts.push(r.buf.subarray(r.pos, stop));
      if (stop < r.end) {
        r.pos = stop + 1;
        break;
      }
      r.pos = r.end;
    }
    const line = join(parts, got);
    // RFC 9112 §2.2 and §7.1: lines end in CRLF; a bare LF or CR is refused (smuggling).
    if (line.length === 0 || line[line.length - 1] !== CR) throw new ChunkedEncodingError("Bare LF in chunked body");
    const content = line.subarray(0, line.length - 1);
    if (content.indexOf(CR) >= 0) throw new ChunkedEncodingError("Bare CR in chunked body");
    if (content.length > limit) throw new ChunkedEncodingError("Chunk line too long");
    return content;
  }

  /** chunk-size [ chunk-ext ] (RFC 9112 §7.1.1): 1*HEXDIG, then nothing or BWS ";" ... */
  #chunkSize(line: Buffer): number {
    let i = 0;
    let size = 0;
    for (; i < line.length; i++) {
      const d = hexValue(line[i]!);
      if (d < 0) break;
      if (i >= CHUNK_SIZE_DIGITS) throw new ChunkedEncodingError("Chunk size too large");
      size = size * 16 + d;
    }
    if (i === 0) throw new ChunkedEncodingError("Invalid chunk size");
    if (i < line.length) {
      let j = i;
      while (j < line.length && (line[j] === SP || line[j] === HTAB)) j++;
      if (j === line.length || line[j] !== 0x3b) throw new ChunkedEncodingError("Invalid chunk size");
      for (let k = j; k < line.length; k++) {
        const b = line[k]!;
        // RFC 9110 §5.5 / §5.6.4: no control bytes other than HTAB in extensions.
        if ((b < 0x20 && b !== HTAB) || b === 0x7f) throw new ChunkedEncodingError("Invalid chunk extension");
      }
      this.#extBytes += line.length - i;
      if (this.#extBytes > CHUNK_EXT_TOTAL) throw new ChunkedEncodingError("Chunk extensions too long");
    }
    return size;
  }

  /** The trailer section (RFC 9112 §7.1.2), read up to its blank line and dropped. */
  async #trailers(): Promise<void> {
    let total = 0;
    for (;;) {
      const line = await this.#line(TRAILER_LIMIT);
      if (line.length === 0) return;
      total += line.length + 2;
      if (total > TRAILER_LIMIT) throw new ChunkedEncodingError("Trailer section too large");
      const first = line[0]!;
      if (first === SP || first === HTAB || line.indexOf(0x3a) <= 0) throw new ChunkedEncodingError("Invalid trailer field");
      for (const b of line) {
        if ((b < 0x20 && b !== HTAB) || b === 0x7f) throw new ChunkedEncodingError("Invalid trailer field");
      }
    }
  }

  /** Up to `n` body bytes; the rest of the body when `n` is omitted or negative. Fewer than
   * `n` only at the end of the body. As Python's `rfile.read`. */
  async read(n = -1): Promise<Buffer> {
    if (n === 0) return EMPTY;
    const parts: Buffer[] = [];
    let got = 0;
    while (n < 0 || got < n) {
      let a = this.#available();
      if (typeof a !== "number") a = await a;
      if (a === 0) break;
      const k = n < 0 ? a : Math.min(a, n - got);
      parts.push(this.#take(k));
      got += k;
    }
    return join(parts, got);
  }

  /** Up to `n` body bytes, waiting only while none are received (Python's `read1`): what a
   * relay such as a CGI script's stdin needs, bytes passed on as they arrive. Empty at the end. */
  async read1(n = -1): Promise<Buffer> {
    if (n === 0) return EMPTY;
    let a = this.#available();
    if (typeof a !== "number") a = await a;
    if (a === 0) return EMPTY;
    return this.#take(n < 0 ? a : Math.min(a, n));
  }

  /** One line of the body with its LF; at most `limit` bytes; shorter at the end of the body. */
  async readline(limit = -1): Promise<Buffer> {
    const r = this.#reader;
    const parts: Buffer[] = [];
    let got = 0;
    while (limit < 0 || got < limit) {
      let a = this.#available();
      if (typeof a !== "number") a = await a;
      if (a === 0) break;
      if (limit >= 0) a = Math.min(a, limit - got);
      const lf = r.buf.indexOf(LF, r.pos);
      const found = lf >= 0 && lf < r.pos + a;
      const k = found ? lf + 1 - r.pos : a;
      parts.push(this.#take(k));
      got += k;
      if (found) break;
    }
    return join(parts, got);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return lines(this);
  }

  /** Read and drop the rest of the body: true when done, false when it holds more than
   * `limit` bytes, is malformed, or the peer went away (the connection must then close). */
  async discard(limit: number): Promise<boolean> {
    if (this.#mode === BODY_LENGTH && this.#remaining > limit) return false;
    let total = 0;
    try {
      for (;;) {
        let a = this.#available();
        if (typeof a !== "number") a = await a;
        if (a === 0) return true;
        total += a;
        if (total > limit) return false;
        this.#take(a);
      }
    } catch {
      return false;
    }
  }
}
