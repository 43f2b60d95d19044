// Buffered, pull-driven reading of one connection, the `rfile` of StreamRequestHandler and the
// byte source under the HTTP layer (src/http/connection.ts scans heads in place, src/http/body.ts
// reads bodies). The socket's chunks are queued as they arrive and handed out whole and in
// order, never copied here; the socket is paused while too many bytes wait unread. The cursor
// into the current chunk is private: readers consume through ByteSource's methods
// (byte-source.ts, which also holds the read/readline core) or skip() after a scan in place.

import type { Duplex } from "node:stream";
import { lines, read, readline, type ByteSource } from "./byte-source.js";
import { TimeoutError } from "./errors.js";
import { wakeNow, wakeSoon, type Wakeable } from "./wake.js";

export { WAKE, type Wakeable } from "./wake.js";

const EMPTY = Buffer.alloc(0);
/** Bytes queued unread before the socket is paused (input backpressure). */
const HIGH_WATER = 256 * 1024;
const LF = 0x0a;

const PAUSED = 1;
const ENDED = 2;
const DETACHED = 4;

/** The reader of a socket, kept on the socket for the listeners below; before the reader is
 * made, the sleeper that makes it (sleepOn). */
const READER = Symbol("reader");

/** What a socket leads to before its reader exists: a handler asleep until the connection's
 * first input (BaseServer, request-handler.ts SLEEP). `[AWAKE]()` is called once, at the first
 * input, end of stream or error, and must make the socket's reader (its setup() runs), which then
 * gets that input. */
export interface Sleeper {
  [AWAKE](): void;
}

export const AWAKE: unique symbol = Symbol("awake");

interface ReadSocket extends Duplex {
  [READER]?: SocketReader | Sleeper;
}

/** On a socket class that hands its reads to readerData() and calls readerEnded() when its
 * peer ends or it is destroyed without an error (LinearSocket): the reader adds no `data`, `end`
 * or `close` listener (no listener call, no arguments array per read; no registration). */
export const CALLS_READER: unique symbol = Symbol("calls reader");

/** The peer of `socket` ended (for sockets with CALLS_READER; set by SocketReader). */
export let readerEnded: (socket: Duplex) => void;

/** `chunk` was read on `socket` (for sockets with CALLS_READER): to its reader, if it has one
 * (set by SocketReader). */
export let readerData: (socket: Duplex, chunk: Buffer) => void;

/** The error listener of a connection: given to it at accept (TCPServer) so that an error
 * before any reader exists cannot crash the process, then the reader's (set by SocketReader). */
export let onSocketError: (this: Duplex, error: Error) => void;

/** Let `sleeper` stand for the reader of `socket` until its first input, end or error, which
 * wake it (`[AWAKE]`): the socket reads, through the same listeners as a reader's (set by
 * SocketReader). */
export let sleepOn: (socket: Duplex, sleeper: Sleeper) => void;

/** The reader of `socket`, if it has one (a sleeper is not woken). */
export let readerOf: (socket: Duplex) => SocketReader | undefined;

/**
 * The reading side of a connection. The current chunk's unread bytes are `chunk[offset, end)`;
 * they are consumed through the ByteSource methods, or in place (a scanner reads them and calls
 * `skip`); `takeChunk()` hands out whole chunks. A chunk is never written to: views stay valid.
 */
export class SocketReader implements ByteSource {
  #buf: Buffer = EMPTY;
  #pos = 0;
  #end = 0;
  /** Flushed just before waiting for the peer (the connection's writer), so a peer that waits
   * for an answer (100 Continue, a pipelined response) gets it before we wait for it. */
  beforeWait: { flush(): unknown } | null = null;

  readonly #socket: Duplex;
  /** Chunks received and not yet current: the oldest, then the others (an array only while
   * more than one waits: an idle connection holds none). */
  #next: Buffer | null = null;
  #later: Buffer[] | null = null;
  /** Bytes in them. */
  #queued = 0;
  /** PAUSED, ENDED, DETACHED: one field. */
  #flags = 0;
  #error: Error | null = null;
  /** Who waits for input: wait()'s resolve, or onInput()'s target (woken at once by data, else in a tick). */
  #waiter: (() => void) | Wakeable | null = null;

  // One listener function per event for every socket, not closures per connection: each finds
  // the reader on its socket (`this`).
  static {
    onSocketError = function (this: ReadSocket, error: Error): void {
      const reader = SocketReader.#of(this);
      if (reader !== undefined) reader.#onError(error);
    };
    readerEnded = (socket: ReadSocket) => {
      const reader = SocketReader.#of(socket);
      if (reader !== undefined) reader.#onEnd();
    };
    readerData = (socket: ReadSocket, chunk: Buffer) => {
      const reader = SocketReader.#of(socket);
      if (reader !== undefined) reader.#onData(chunk);
    };
    readerOf = (socket: ReadSocket) => {
      const reader = socket[READER];
      return reader !== undefined && #flags in reader ? reader : undefined;
    };
    sleepOn = (socket: ReadSocket, sleeper: Sleeper) => {
      socket[READER] = sleeper;
      SocketReader.#listen(socket);
      socket.resume();
    };
  }

  /** The reader of `socket`; a sleeper there is woken first (it makes the reader). */
  static #of(socket: ReadSocket): SocketReader | undefined {
    const reader = socket[READER];
    if (reader === undefined || #flags in reader) return reader;
    reader[AWAKE]();
    const made = socket[READER];
    return made !== undefined && #flags in made ? made : undefined;
  }

  /** The `data`, `end` and `close` listeners (on a socket that does not call the reader
   * itself) and the error listener (unless TCPServer gave it at accept). */
  static #listen(socket: Duplex): void {
    if ((socket as { [CALLS_READER]?: boolean })[CALLS_READER] !== true) {
      socket.on("data", SocketReader.#dataListener);
      socket.on("end", SocketReader.#endListener);
      socket.on("close", SocketReader.#endListener);
    }
    if (socket.listenerCount("error", onSocketError) === 0) socket.on("error", onSocketError);
  }

  static #dataListener(this: ReadSocket, chunk: Buffer): void {
    readerData(this, chunk);
  }

  static #endListener(this: ReadSocket): void {
    readerEnded(this);
  }

  /** The reader of `socket`: it reads from now on (a socket a sleeper had is listened to and
   * reading already). */
  constructor(socket: Duplex) {
    this.#socket = socket;
    const slept = (socket as ReadSocket)[READER] !== undefined;
    (socket as ReadSocket)[READER] = this;
    if (slept) return;
    SocketReader.#listen(socket);
    socket.resume();
  }

  /** Why reading stopped early: a socket error, TimeoutError, or a reason given to fail(). */
  get error(): Error | null {
    return this.#error;
  }

  /** True once the peer has ended, reset or been failed, and nothing more will arrive. */
  get done(): boolean {
    return (this.#flags & ENDED) !== 0 || this.#error !== null;
  }

  #onData(chunk: Buffer): void {
    if (this.#flags & DETACHED || chunk.length === 0) return;
    if (this.#next === null) this.#next = chunk;
    else (this.#later ??= []).push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > HIGH_WATER && !(this.#flags & PAUSED)) {
      this.#flags |= PAUSED;
      this.#socket.pause();
    }
    const waiter = this.#waiter;
    // A connection idle between requests is served in this data event; other waits (and ends,
    // errors, time limits, which can come from inside a sweep over the connections) in a tick.
    if (waiter !== null && typeof waiter !== "function") {
      this.#waiter = null;
      wakeNow(waiter);
    } else this.#notify();
  }

  #onEnd(): void {
    this.#flags |= ENDED;
    this.#notify();
  }

  #onError(error: Error): void {
    if (this.#error === null) this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const waiter = this.#waiter;
    if (waiter === null) return;
    this.#waiter = null;
    if (typeof waiter === "function") waiter();
    // As a resolved wait() resumes its caller: after the event that brought the input.
    else wakeSoon(waiter);
  }

  /** The current chunk, whose bytes from `offset` to `end` are received and unread (to scan
   * them in place; then `skip` what was used). */
  get chunk(): Buffer {
    return this.#buf;
  }

  get offset(): number {
    return this.#pos;
  }

  get end(): number {
    return this.#end;
  }

  /** Received bytes not yet consumed in the current chunk. */
  get buffered(): number {
    return this.#end - this.#pos;
  }

  /** Whether any received byte is unconsumed, in the current chunk or queued behind it. */
  get received(): boolean {
    return this.#pos < this.#end || this.#next !== null;
  }

  /** Consume `n` bytes of the current chunk (`n <= buffered`). */
  skip(n: number): void {
    this.#pos += n;
  }

  /** The unread rest of the current chunk, else the next received chunk, consumed whole;
   * `null` when none will come (end of stream, error, fail()), `undefined` when none has arrived
   * yet (then `await wait()`). */
  takeChunk(): Buffer | null | undefined {
    if (this.#pos < this.#end) {
      const rest = this.#buf.subarray(this.#pos, this.#end);
      this.#pos = this.#end;
      return rest;
    }
    return this.#nextChunk();
  }

  /** Make `bytes` the current chunk again, all unread: what the caller took with takeChunk()
   * (or assembled from such chunks) and did not consume. */
  putBack(bytes: Buffer): void {
    this.#buf = bytes;
    this.#pos = 0;
    this.#end = bytes.length;
  }

  #nextChunk(): Buffer | null | undefined {
    const chunk = this.#next;
    if (chunk !== null) {
      const later = this.#later;
      if (later === null) this.#next = null;
      else {
        this.#next = later.shift()!;
        if (later.length === 0) this.#later = null;
      }
      this.#queued -= chunk.length;
      if (this.#flags & PAUSED && this.#queued <= HIGH_WATER / 2) {
        this.#flags &= ~PAUSED;
        this.#socket.resume();
      }
      return chunk;
    }
    return this.done ? null : undefined;
  }

  /** Resolves when a chunk arrives, the stream ends, or fail() is called. */
  wait(): Promise<void> {
    void this.beforeWait?.flush();
    if (this.#next !== null || this.done) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** wait() without a promise, for a connection idle between requests: false when a chunk has
   * been received, the stream has ended or failed (nothing to wait for); else true, and
   * `wake[WAKE]()` is called once when one of those happens: inside the `data` event for input,
   * in a process.nextTick for the end of the stream, an error or fail(). */
  onInput(wake: Wakeable): boolean {
    void this.beforeWait?.flush();
    if (this.#pos < this.#end || this.#next !== null || this.done) return false;
    this.#waiter = wake;
    return true;
  }

  /** Whether an onInput() callback waits for input. */
  get sleeping(): boolean {
    const waiter = this.#waiter;
    return waiter !== null && typeof waiter !== "function";
  }

  /** Make the next received chunk current once the current one is consumed (no wait): true
   * when unread bytes are then current. */
  fill(): boolean {
    if (this.#pos < this.#end) return true;
    const chunk = this.#nextChunk();
    if (!chunk) return false;
    this.putBack(chunk);
    return true;
  }

  /** Stop reading: no more chunks are handed out; a pending wait() resolves. */
  fail(reason: Error): void {
    if (this.#error === null) this.#error = reason;
    this.#next = this.#later = null;
    this.#queued = 0;
    this.#notify();
  }

  /** The connection is done with: arriving bytes are dropped, the socket flows to its end, and
   * it no longer leads to this reader (a lingering socket keeps none of the connection alive). */
  detach(): void {
    const paused = this.#flags & PAUSED;
    this.#flags = (this.#flags & ENDED) | DETACHED;
    (this.#socket as ReadSocket)[READER] = undefined;
    if (typeof this.#waiter !== "function") this.#waiter = null;
    this.#next = this.#later = null;
    this.#queued = 0;
    this.#buf = EMPTY;
    this.#pos = this.#end = 0;
    if (paused) this.#socket.resume();
  }

  // ByteSource: the core of read/readline (byte-source.ts) over the received chunks.

  /** Bytes of the current chunk unread, else the next chunk's once it arrives; 0 at the end of
   * the stream. Throws TimeoutError when the handler's socket timeout struck. */
  available(): number | Promise<number> {
    const n = this.#end - this.#pos;
    if (n > 0) return n;
    // A chunk already received is made current at once: a promise only for a wait.
    const chunk = this.#nextChunk();
    if (chunk) {
      this.putBack(chunk);
      return chunk.length;
    }
    if (chunk === null) return this.#ended();
    return this.#arrival();
  }

  /** 0 at the end of the stream; the handler's socket timeout is thrown instead. */
  #ended(): number {
    if (this.#error instanceof TimeoutError) throw this.#error;
    return 0;
  }

  /** available() once a chunk arrives, the stream ends or fails. */
  async #arrival(): Promise<number> {
    await this.wait();
    return this.available();
  }

  take(n: number): Buffer {
    const start = this.#pos;
    this.#pos = start + n;
    return this.#buf.subarray(start, start + n);
  }

  takeLine(n: number): Buffer {
    const start = this.#pos;
    const lf = this.#buf.indexOf(LF, start);
    const stop = lf >= 0 && lf < start + n ? lf + 1 : start + n;
    this.#pos = stop;
    return this.#buf.subarray(start, stop);
  }

  takeByte(): number {
    return this.#buf[this.#pos++]!;
  }

  /** Up to `n` bytes (all until the end of the stream when `n` is omitted or negative); fewer
   * only at the end of the stream. As Python's `rfile.read`. */
  read(n = -1): Promise<Buffer> {
    return read(this, n);
  }

  /** One line with its LF, at most `limit` bytes; shorter at the end of the stream. */
  readline(limit = -1): Promise<Buffer> {
    return readline(this, limit);
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return lines(this);
  }
}
