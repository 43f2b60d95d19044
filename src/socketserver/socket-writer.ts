// Buffered writing of one connection, the `wfile` of StreamRequestHandler and of the HTTP
// handler. Small writes are copied into a pending list and go out together (a response's head
// and body, or the answers to a burst of pipelined requests, in one socket write); large writes
// go straight to the socket, and the returned promise carries the socket's backpressure.

import type { Duplex } from "node:stream";
import { BrokenPipeError } from "./errors.js";

/** Writes from this size on are not copied but handed to the socket (after what is pending). */
const DIRECT = 16 * 1024;
/** Pending bytes from which the writer flushes without waiting for the end of the turn. */
const FLUSH_AT = 64 * 1024;

/**
 * The writing side of a connection. `write()` buffers; the buffer is flushed by `flush()`, when
 * it grows past 64 KiB, before the reader waits for the peer, and at the latest at the end of
 * the current event-loop turn (so an async handler's output is never held back).
 */
export class SocketWriter {
  readonly #socket: Duplex;
  #pending: Buffer[] = [];
  #size = 0;
  #scheduled = false;
  #closed = false;
  #drain: Promise<void> | null = null;
  #rejectDrain: ((e: Error) => void) | null = null;
  #resolveDrain: (() => void) | null = null;
  /** Bytes accepted by write() since the connection opened. */
  written = 0;

  constructor(socket: Duplex) {
    this.#socket = socket;
    socket.on("close", this.#onClose);
    socket.on("error", this.#onClose);
    socket.on("drain", this.#onDrain);
  }

  /** True once the peer is gone: write() throws BrokenPipeError. */
  get closed(): boolean {
    return this.#closed || this.#socket.destroyed || this.#socket.writableEnded;
  }

  #onClose = (): void => {
    this.#closed = true;
    this.#pending = [];
    this.#size = 0;
    const reject = this.#rejectDrain;
    this.#drain = this.#rejectDrain = this.#resolveDrain = null;
    reject?.(new BrokenPipeError());
  };

  #onDrain = (): void => {
    const resolve = this.#resolveDrain;
    this.#drain = this.#rejectDrain = this.#resolveDrain = null;
    resolve?.();
  };

  #flushSoon = (): void => {
    this.#scheduled = false;
    if (!this.closed) void this.flush()?.catch(() => undefined);
  };

  /**
   * Queue `data` (a string is written as UTF-8). Returns a promise when the socket asks to slow
   * down (await it before writing more), else undefined. Throws BrokenPipeError once the peer
   * is gone. Large buffers are not copied: do not change them after writing.
   */
  write(data: Uint8Array | string): Promise<void> | undefined {
    if (this.closed) throw new BrokenPipeError();
    if (typeof data === "string") {
      const bytes = Buffer.from(data, "utf8");
      return this.#add(bytes);
    }
    if (data.length >= DIRECT) {
      this.written += data.length;
      this.#send();
      return this.#writeNow(data);
    }
    if (data.length === 0) return undefined;
    return this.#add(Buffer.from(data));
  }

  /** Add a Buffer the writer may keep (a fresh copy or a fresh encoding). */
  #add(bytes: Buffer): Promise<void> | undefined {
    this.written += bytes.length;
    if (bytes.length >= DIRECT) {
      this.#send();
      return this.#writeNow(bytes);
    }
    if (bytes.length === 0) return undefined;
    this.#pending.push(bytes);
    this.#size += bytes.length;
    if (this.#size >= FLUSH_AT) return this.flush();
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushSoon);
    }
    return undefined;
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
    const n = this.#pending.length;
    if (n === 0) return;
    const out = n === 1 ? this.#pending[0]! : Buffer.concat(this.#pending, this.#size);
    this.#pending = [];
    this.#size = 0;
    this.#socket.write(out);
  }

  #writeNow(data: Uint8Array): Promise<void> | undefined {
    return this.#socket.write(data) ? undefined : this.#waitDrain();
  }

  #waitDrain(): Promise<void> {
    if (this.#drain === null) {
      this.#drain = new Promise<void>((resolve, reject) => {
        this.#resolveDrain = resolve;
        this.#rejectDrain = reject;
      });
      // A handler that does not await the promise must not crash the process when the peer goes.
      this.#drain.catch(() => undefined);
    }
    return this.#drain;
  }

  /** Flush, then end the connection (the socket closes once written). */
  close(): void {
    if (this.closed) return;
    this.#send();
    this.#closed = true;
    this.#socket.end();
  }
}
