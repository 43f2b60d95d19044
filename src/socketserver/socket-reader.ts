// Buffered, pull-driven reading of one connection, the `rfile` of StreamRequestHandler and the
// byte source under the HTTP layer (src/http/connection.ts scans heads in place, src/http/body.ts
// reads bodies). The socket's chunks are queued as they arrive and handed out whole and in
// order, never copied here; the socket is paused while too many bytes wait unread.

import type { Duplex } from "node:stream";
import { TimeoutError } from "./errors.js";

const EMPTY = Buffer.alloc(0);
/** Bytes queued unread before the socket is paused (input backpressure). */
const HIGH_WATER = 256 * 1024;
const LF = 0x0a;

/**
 * The reading side of a connection. `buf[pos, end)` is the current chunk's unread part; callers
 * consume by advancing `pos`, and take the next chunk with `takeChunk()` (or `fill()`). A chunk
 * is never written to: views handed out stay valid.
 */
export class SocketReader {
  /** The current chunk; bytes [pos, end) are received and unread. */
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;
  /** Called just before waiting for the peer: the writer flushes there, so a peer that waits
   * for an answer (100 Continue, a pipelined response) gets it before we wait for it. */
  beforeWait: (() => void) | null = null;

  readonly #socket: Duplex;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #paused = false;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #detached = false;

  constructor(socket: Duplex) {
    this.#socket = socket;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
    socket.on("error", this.#onError);
    socket.resume();
  }

  /** Why reading stopped early: a socket error, TimeoutError, or a reason given to fail(). */
  get error(): Error | null {
    return this.#error;
  }

  /** True once the peer has ended, reset or been failed, and nothing more will arrive. */
  get done(): boolean {
    return this.#ended || this.#error !== null;
  }

  #onData = (chunk: Buffer): void => {
    if (this.#detached || chunk.length === 0) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    this.#notify();
  };

  #onEnd = (): void => {
    this.#ended = true;
    this.#notify();
  };

  #onError = (error: Error): void => {
    if (this.#error === null) this.#error = error;
    this.#notify();
  };

  #notify(): void {
    const wake = this.#wake;
    if (wake !== null) {
      this.#wake = null;
      wake();
    }
  }

  /** The next received chunk, `null` when none will come (end of stream, error, fail()),
   * `undefined` when none has arrived yet (then `await wait()`). */
  takeChunk(): Buffer | null | undefined {
    if (this.#queue.length > 0) {
      const chunk = this.#queue.shift()!;
      this.#queued -= chunk.length;
      if (this.#paused && this.#queued <= HIGH_WATER / 2) {
        this.#paused = false;
        this.#socket.resume();
      }
      return chunk;
    }
    return this.done ? null : undefined;
  }

  /** Resolves when a chunk arrives, the stream ends, or fail() is called. */
  wait(): Promise<void> {
    this.beforeWait?.();
    if (this.#queue.length > 0 || this.done) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Stop reading: no more chunks are handed out; a pending wait() resolves. */
  fail(reason: Error): void {
    if (this.#error === null) this.#error = reason;
    this.#queue.length = 0;
    this.#queued = 0;
    this.#notify();
  }

  /** The connection is done with: arriving bytes are dropped, the socket flows to its end. */
  detach(): void {
    this.#detached = true;
    this.#queue.length = 0;
    this.#queued = 0;
    this.buf = EMPTY;
    this.pos = this.end = 0;
    if (this.#paused) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  /** Make `buf[pos, end)` non-empty: true, or false at the end of the stream.
   * Throws TimeoutError when the handler's socket timeout struck. */
  fill(): boolean | Promise<boolean> {
    if (this.pos < this.end) return true;
    return this.#fillSlow();
  }

  async #fillSlow(): Promise<boolean> {
    for (;;) {
      const chunk = this.takeChunk();
      if (chunk) {
        this.buf = chunk;
        this.pos = 0;
        this.end = chunk.length;
        return true;
      }
      if (chunk === null) {
        if (this.#error instanceof TimeoutError) throw this.#error;
        return false;
      }
      await this.wait();
    }
  }

  /** Up to `n` bytes (all until the end of the stream when `n` is omitted or negative); fewer
   * only at the end of the stream. As Python's `rfile.read`. */
  async read(n = -1): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (n < 0 || got < n) {
      if (!(await this.fill())) break;
      const take = n < 0 ? this.end - this.pos : Math.min(n - got, this.end - this.pos);
      parts.push(this.buf.subarray(this.pos, this.pos + take));
      this.pos += take;
      got += take;
    }
    return join(parts, got);
  }

  /** One line with its LF, at most `limit` bytes; shorter at the end of the stream. */
  async readline(limit = -1): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    let got = 0;
    while (limit < 0 || got < limit) {
      if (!(await this.fill())) break;
      let stop = this.end;
      if (limit >= 0 && stop - this.pos > limit - got) stop = this.pos + (limit - got);
      const lf = this.buf.indexOf(LF, this.pos);
      const found = lf >= 0 && lf < stop;
      if (found) stop = lf + 1;
      parts.push(this.buf.subarray(this.pos, stop));
      got += stop - this.pos;
      this.pos = stop;
      if (found) break;
    }
    return join(parts, got);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return lines(this);
  }
}

/** Python's iteration over a file: readline() until it returns nothing. */
export async function* lines(file: { readline(): Promise<Buffer> }): AsyncGenerator<Buffer> {
  for (;;) {
    const line = await file.readline();
    if (line.length === 0) return;
    yield line;
  }
}

/** One Buffer from the pieces; no copy when there is a single piece. */
export function join(parts: Uint8Array[], total: number): Buffer {
  if (parts.length === 0) return EMPTY;
  if (parts.length === 1) {
    const p = parts[0]!;
    return Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  }
  return Buffer.concat(parts, total);
}
