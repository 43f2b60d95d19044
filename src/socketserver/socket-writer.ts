// Buffered writing of one connection, the `wfile` of StreamRequestHandler and of the HTTP
// handler. Small writes are copied into staging memory shared by every connection and go out
// together (a response's head and body, or the answers to a burst of pipelined requests, in one
// socket write of one view, without a Buffer per write); large writes go straight to the
// socket, and the returned promise carries the socket's backpressure.

import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { BrokenPipeError } from "./errors.js";

/** Writes from this size on are not copied but handed to the socket (after what is pending). */
const DIRECT = 16 * 1024;
/** Pending bytes from which the writer flushes without waiting for the end of the turn. */
const FLUSH_AT = 64 * 1024;
/** Staging memory, shared by all writers. Bytes handed to a socket are never written over: a
 * full slab is left to the sockets still sending from it and a new one taken. A socket that
 * cannot send keeps its slab alive, so the slab is not much larger than what a blocked socket
 * holds anyway (its 16 KiB high-water mark and more). */
const SLAB_SIZE = 64 * 1024;

const SCHEDULED = 1;
const CLOSED = 2;
const SENT = 4;
const NO_DELAY = 8;

interface StagingBuffer extends Buffer {
  latin1Write(text: string, offset: number, length: number): number;
}

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE) as StagingBuffer;
/** End of the bytes written into `slab`. */
let slabUsed = 0;
/** The writer whose pending bytes end at slabUsed (it may append in place), or null. */
let slabOwner: SocketWriter | null = null;

/** Writers with bytes pending, flushed together at the end of the event-loop turn: the first
 * `dirtyCount` of a kept array (only the count goes back to 0, so marking allocates nothing). */
const dirty: (SocketWriter | null)[] = [];
let dirtyCount = 0;
let flushScheduled = false;
/** Runs of handlers under way (holdFlushes): writers are marked dirty, the flush is not scheduled. */
let holding = 0;

/** Flush one writer at the end of the turn (set by SocketWriter, which keeps the means private). */
let flushLater: (writer: SocketWriter) => void;
/** Whether `writer` still has bytes pending; if not, it is no longer marked dirty. */
let stillDirty: (writer: SocketWriter) => boolean;

function flushDirty(): void {
  flushScheduled = false;
  // A writer marked while these are flushed is appended and flushed in this same pass.
  for (let i = 0; i < dirtyCount; i++) {
    const writer = dirty[i]!;
    dirty[i] = null;
    flushLater(writer);
  }
  dirtyCount = 0;
}

/**
 * A synchronous run of handlers begins (the reader waking connections that received input):
 * writes made during it schedule no end-of-turn flush. A handler that answers at once has its
 * answer sent before the run is over (finish(), or before its connection waits for the peer),
 * so the flush (a setImmediate per turn) would find nothing to send. Pair with releaseFlushes().
 */
export function holdFlushes(): void {
  holding++;
}

/** The run is over: writers that still hold bytes (a handler waiting on a promise) are flushed
 * at the end of the turn, as without the hold. */
export function releaseFlushes(): void {
  if (--holding > 0 || flushScheduled || dirtyCount === 0) return;
  let kept = 0;
  for (let i = 0; i < dirtyCount; i++) {
    const writer = dirty[i]!;
    dirty[i] = null;
    if (stillDirty(writer)) dirty[kept++] = writer;
  }
  dirtyCount = kept;
  if (kept > 0) {
    flushScheduled = true;
    setImmediate(flushDirty);
  }
}

/**
 * The writing side of a connection. `write()` buffers; the buffer is flushed by `flush()`, when
 * it grows past 64 KiB, before the reader waits for the peer, and at the latest at the end of
 * the current event-loop turn (so an async handler's output is never held back).
 */
export class SocketWriter {
  static {
    flushLater = (writer) => {
      writer.#flags &= ~SCHEDULED;
      if (!writer.closed) void writer.flush()?.catch(() => undefined);
    };
    stillDirty = (writer) => {
      if (writer.#size > 0 && !writer.closed) return true;
      writer.#flags &= ~SCHEDULED;
      return false;
    };
  }

  readonly #socket: Duplex;
  /** Pending bytes outside the open region, in order (views of earlier slabs, rarely more than one). */
  #pending: Buffer | Buffer[] | null = null;
  /** Start in `slab` of this writer's open region, which ends at slabUsed; valid while slabOwner is this. */
  #regionStart = 0;
  /** Pending bytes in all, the open region included. */
  #size = 0;
  /** SCHEDULED, CLOSED, SENT (a socket write made), NO_DELAY (TCP_NODELAY wanted): one field. */
  #flags = 0;
  /** While the socket asks to slow down: settles on its `drain` (or rejects when it closes). */
  #drain: Promise<void> | null = null;
  /** Bytes accepted by write() since the connection opened. */
  written = 0;

  /** Listens to the socket only while waiting for it to drain: an idle connection's writer
   * holds no listener and no closure. */
  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  /** Turn Nagle's algorithm off (TCP_NODELAY) before the socket's second write: until then
   * nothing is in flight for it to wait on, so a connection that answers once and closes never
   * pays for the socket option (disable_nagle_algorithm). */
  noDelay(): void {
    this.#flags |= NO_DELAY;
    if (this.#flags & SENT) this.#applyNoDelay();
  }

  /** A socket write is made: TCP_NODELAY before the second, if wanted. */
  #sent(): void {
    if (!(this.#flags & SENT)) this.#flags |= SENT;
    else if (this.#flags & NO_DELAY) this.#applyNoDelay();
  }

  #applyNoDelay(): void {
    this.#flags &= ~NO_DELAY;
    (this.#socket as Partial<Socket>).setNoDelay?.(true);
  }

  /** True once the peer is gone: write() throws BrokenPipeError. */
  get closed(): boolean {
    return (this.#flags & CLOSED) !== 0 || this.#socket.destroyed || this.#socket.writableEnded;
  }

  /**
   * Queue `data` (a string is written as UTF-8). Returns a promise when the socket asks to slow
   * down (await it before writing more), else undefined. Throws BrokenPipeError once the peer
   * is gone. Large buffers are not copied: do not change them after writing.
   */
  write(data: Uint8Array | string): Promise<void> | undefined {
    if (this.closed) throw new BrokenPipeError();
    if (typeof data === "string") {
      const most = data.length * 3;
      if (most >= DIRECT) return this.#writeOwn(Buffer.from(data, "utf8"));
      const at = this.#room(most);
      return this.#appended(slab.write(data, at, most, "utf8"));
    }
    const n = data.length;
    if (n >= DIRECT) {
      this.written += n;
      if (this.#size === 0) return this.#writeNow(data);
      // A head (or other bytes) pending before a large body: both in one writev, not two writes.
      const socket = this.#socket;
      socket.cork();
      this.#send();
      const pending = this.#writeNow(data);
      socket.uncork();
      return pending;
    }
    if (n === 0) return undefined;
    // #room may take a new slab: read `slab` after it.
    const at = this.#room(n);
    slab.set(data, at);
    return this.#appended(n);
  }

  /** Queue `text` as ISO-8859-1 (one byte per character, all below U+0100): a response head. */
  writeLatin1(text: string): Promise<void> | undefined {
    if (this.closed) throw new BrokenPipeError();
    const n = text.length;
    if (n >= DIRECT) return this.#writeOwn(Buffer.from(text, "latin1"));
    if (n === 0) return undefined;
    const at = this.#room(n);
    return this.#appended(slab.latin1Write(text, at, n));
  }

  /** Queue a fresh Buffer nobody else holds (no copy when large). */
  #writeOwn(bytes: Buffer): Promise<void> | undefined {
    if (bytes.length < DIRECT) return this.write(bytes);
    this.written += bytes.length;
    this.#send();
    return this.#writeNow(bytes);
  }

  /**
   * Make this writer the owner of the bytes at the end of the slab, with room for `n` more;
   * returns where they go. The caller writes them and then calls #appended.
   */
  #room(n: number): number {
    if (slabOwner !== this) {
      if (slabOwner !== null) slabOwner.#closeRegion();
      if (slabUsed + n > SLAB_SIZE) newSlab();
      slabOwner = this;
      this.#regionStart = slabUsed;
    } else if (slabUsed + n > SLAB_SIZE) {
      this.#closeRegion();
      newSlab();
      slabOwner = this;
      this.#regionStart = 0;
    }
    return slabUsed;
  }

  /** `n` bytes were written at the end of this writer's region. */
  #appended(n: number): Promise<void> | undefined {
    slabUsed += n;
    this.written += n;
    this.#size += n;
    if (this.#size >= FLUSH_AT) return this.flush();
    if (!(this.#flags & SCHEDULED)) {
      this.#flags |= SCHEDULED;
      dirty[dirtyCount++] = this;
      if (!flushScheduled && holding === 0) {
        flushScheduled = true;
        setImmediate(flushDirty);
      }
    }
    return undefined;
  }

  /** Stop appending in place: the open region becomes a pending view. */
  #closeRegion(): void {
    if (this.#regionStart < slabUsed) {
      const view = slab.subarray(this.#regionStart, slabUsed);
      const pending = this.#pending;
      if (pending === null) this.#pending = view;
      else if (Array.isArray(pending)) pending.push(view);
      else this.#pending = [pending, view];
    }
    slabOwner = null;
  }

  /** Send what is pending. Returns a promise when the socket asks to slow down. */
  flush(): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.#send();
    return this.#socket.writableNeedDrain ? this.#waitDrain() : undefined;
  }

  /** A promise while the socket holds more unsent bytes than it likes, else undefined. */
  drained(): Promise<void> | undefined {
    return !this.closed && this.#socket.writableNeedDrain ? this.#waitDrain() : undefined;
  }

  #send(): void {
    if (slabOwner === this) this.#closeRegion();
    const pending = this.#pending;
    if (pending === null) return;
    const out = Array.isArray(pending) ? Buffer.concat(pending, this.#size) : pending;
    this.#pending = null;
    this.#size = 0;
    this.#sent();
    this.#socket.write(out);
  }

  #writeNow(data: Uint8Array): Promise<void> | undefined {
    this.#sent();
    return this.#socket.write(data) ? undefined : this.#waitDrain();
  }

  #waitDrain(): Promise<void> {
    if (this.#drain !== null) return this.#drain;
    const socket = this.#socket;
    const drain = new Promise<void>((resolve, reject) => {
      const settle = (gone: boolean): void => {
        socket.off("drain", onDrain);
        socket.off("close", onClose);
        socket.off("error", onClose);
        this.#drain = null;
        if (!gone) return resolve();
        this.#flags |= CLOSED;
        this.#pending = null;
        this.#size = 0;
        if (slabOwner === this) slabOwner = null;
        reject(new BrokenPipeError());
      };
      const onDrain = (): void => settle(false);
      const onClose = (): void => settle(true);
      if (socket.destroyed) return settle(true);
      socket.on("drain", onDrain);
      socket.on("close", onClose);
      socket.on("error", onClose);
    });
    // A handler that does not await the promise must not crash the process when the peer goes.
    drain.catch(() => undefined);
    // settle() may already have run (a destroyed socket): keep #drain for a pending wait only.
    if (!(this.#flags & CLOSED)) this.#drain = drain;
    return drain;
  }

  /** Flush, then end the connection (the socket closes once written). */
  close(): void {
    if (this.closed) return;
    this.#send();
    this.#flags |= CLOSED;
    this.#socket.end();
  }
}

/** Leave the full slab to the sockets sending from it and stage in a new one. */
function newSlab(): void {
  slab = Buffer.allocUnsafeSlow(SLAB_SIZE) as StagingBuffer;
  slabUsed = 0;
}
