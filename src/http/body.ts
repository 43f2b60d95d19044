// The request body as the handler's `rfile`, framed as the head says (RFC 9112 §6.3): bounded by
// Content-Length, decoded from `Transfer-Encoding: chunked` (chunked.ts), nothing, or after a
// CONNECT head or a 101 answer the raw connection (a tunnel, read until the peer ends it). It
// never reads past the body's end, so the next pipelined request stays intact. Reads are views
// of the connection's SocketReader; the read/readline core is byte-source.ts's, shared with it.
// The handler (handler.ts) frames it per request and discards what a do_ method left.

import { F_CHUNKED, F_HAS_CONTENT_LENGTH, F_HAS_TRANSFER_ENCODING, T_FLAGS } from "../contract/layout.js";
import { contentLength } from "../contract/table.js";
import { lines, read, read1, readline, type ByteSource } from "../socketserver/byte-source.js";
import { ConnectionResetError } from "../socketserver/errors.js";
import type { ReadableFile } from "../socketserver/request-handler.js";
import type { SocketReader } from "../socketserver/socket-reader.js";
import { ChunkedDecoder } from "./chunked.js";

export const BODY_NONE = 0;
export const BODY_LENGTH = 1;
const BODY_CHUNKED = 2;
/** The raw connection: every byte until the peer ends its side. */
export const BODY_TUNNEL = 3;

/**
 * `rfile` of BaseHTTPRequestHandler: `await read(n?)`, `await read1(n?)`, `await
 * readline(limit?)`, async iteration over lines; all stop at the end of the request body. A peer
 * that closes the connection before the body ends makes them throw ConnectionResetError; a
 * malformed chunked body, ChunkedEncodingError.
 */
export class RequestBody implements ReadableFile, ByteSource {
  readonly #reader: SocketReader;
  /** Made for the first chunked body (most connections never see one). */
  #decoder: ChunkedDecoder | null = null;
  #mode = BODY_NONE;
  /** BODY_LENGTH: body bytes left. */
  #remaining = 0;
  #started = false;

  constructor(reader: SocketReader) {
    this.#reader = reader;
  }

  /** Start a new request's body: `mode` as the head frames it, `length` for BODY_LENGTH. */
  reset(mode: number, length = 0): void {
    this.#mode = mode;
    this.#remaining = mode === BODY_LENGTH ? length : 0;
    this.#started = false;
    if (mode === BODY_CHUNKED) (this.#decoder ??= new ChunkedDecoder(this.#reader)).reset();
  }

  /** Frame the body of a request with this method and head (RFC 9112 §6.3); false for a
   * CONNECT that declares content, which must be refused (RFC 9110 §9.3.6: CONNECT has no
   * content, the tunnel follows its head; one that declares content would be framed one way
   * here and another by a proxy in front: smuggling). */
  frame(command: string, table: Int32Array): boolean {
    const flags = table[T_FLAGS]!;
    if (command === "CONNECT") {
      if (flags & (F_HAS_CONTENT_LENGTH | F_HAS_TRANSFER_ENCODING)) return false;
      this.reset(BODY_TUNNEL);
    } else if (flags & F_HAS_TRANSFER_ENCODING) this.reset(flags & F_CHUNKED ? BODY_CHUNKED : BODY_NONE);
    else if (flags & F_HAS_CONTENT_LENGTH) this.reset(BODY_LENGTH, contentLength(table));
    return true;
  }

  /** Whether the connection has become a tunnel (CONNECT, or a 101 answer sent). */
  get tunnel(): boolean {
    return this.#mode === BODY_TUNNEL;
  }

  /** Whether any of the body has been read. */
  get started(): boolean {
    return this.#started;
  }

  /** Whether the whole body has been read (a tunnel ends only with the connection). */
  get done(): boolean {
    switch (this.#mode) {
      case BODY_CHUNKED:
        return this.#decoder!.done;
      case BODY_TUNNEL:
        return false;
      default:
        return this.#remaining === 0;
    }
  }

  // ByteSource, over the reader as the framing allows.

  available(): number | Promise<number> {
    switch (this.#mode) {
      case BODY_LENGTH: {
        if (this.#remaining === 0) return 0;
        const a = this.#reader.available();
        if (typeof a !== "number") return this.#lengthAvailable(a);
        if (a === 0) throw new ConnectionResetError();
        return Math.min(this.#remaining, a);
      }
      case BODY_CHUNKED:
        this.#started = true;
        return this.#decoder!.available();
      case BODY_TUNNEL:
        return this.#reader.available();
      default:
        return 0;
    }
  }

  /** BODY_LENGTH's available() once bytes have arrived (the peer's end inside the body: a reset). */
  async #lengthAvailable(arrival: Promise<number>): Promise<number> {
    if ((await arrival) === 0) throw new ConnectionResetError();
    return this.available();
  }

  take(n: number): Buffer {
    return this.#took(this.#mode === BODY_CHUNKED ? this.#decoder!.take(n) : this.#reader.take(n));
  }

  takeLine(n: number): Buffer {
    return this.#took(this.#mode === BODY_CHUNKED ? this.#decoder!.takeLine(n) : this.#reader.takeLine(n));
  }

  takeByte(): number {
    return this.take(1)[0]!;
  }

  #took(data: Buffer): Buffer {
    this.#started = true;
    if (this.#mode === BODY_LENGTH) this.#remaining -= data.length;
    return data;
  }

  /** Up to `n` body bytes; the rest of the body when `n` is omitted or negative. Fewer than
   * `n` only at the end of the body. As Python's `rfile.read`. */
  read(n = -1): Promise<Buffer> {
    return read(this, n);
  }

  /** Up to `n` body bytes, waiting only while none are received (Python's `read1`): what a
   * relay such as a CGI script's stdin or a tunnel needs. Empty at the end. */
  read1(n = -1): Promise<Buffer> {
    return read1(this, n);
  }

  /** One line of the body with its LF; at most `limit` bytes; shorter at the end of the body. */
  readline(limit = -1): Promise<Buffer> {
    return readline(this, limit);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return lines(this);
  }

  /** Read and drop the rest of the body: true when done, false when it holds more than
   * `limit` bytes, is malformed, or the peer went away (the connection must then close). */
  async discard(limit: number): Promise<boolean> {
    if (this.#mode === BODY_TUNNEL) return false;
    if (this.#mode === BODY_LENGTH && this.#remaining > limit) return false;
    let total = 0;
    try {
      for (;;) {
        let a = this.available();
        if (typeof a !== "number") a = await a;
        if (a === 0) return true;
        total += a;
        if (total > limit) return false;
        this.take(a);
      }
    } catch {
      return false;
    }
  }
}
