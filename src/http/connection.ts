// The byte plumbing under one HTTP connection: finds each request head with the tokenizer
// (src/contract/tokenizer.ts) in the bytes as they arrive, scanning in place when a head fits
// in the received chunk and in a fresh growable buffer when it spans chunks; and the time
// limits (head, keep-alive idle, body discard), checked by one sweep per server.

import { T_REQUEST_LINE_START, T_SCAN_POS } from "../contract/layout.js";
import { newTable, resetTable } from "../contract/table.js";
import type { Tokenizer } from "../contract/tokenizer.js";
import type { SocketReader } from "../socketserver/socket-reader.js";
import type { SocketWriter } from "../socketserver/socket-writer.js";
import { TimeoutError } from "../socketserver/errors.js";

/** readHead() results besides a head length (> 0) and OUTCOME_VIOLATION (-1). */
export const HEAD_EOF = -10;
export const HEAD_TIMEOUT = -11;

const WAIT_NONE = 0;
const WAIT_IDLE = 1;
const WAIT_HEAD = 2;
const WAIT_DISCARD = 3;

const EMPTY = Buffer.alloc(0);
const INITIAL_HEAD_BUFFER = 4096;

/** After a need-more scan: nothing received but empty lines skipped before a request line. */
function onlyEmptyLines(t: Int32Array): boolean {
  return t[T_SCAN_POS] === t[T_REQUEST_LINE_START];
}

/** Thrown into a connection's reader when one of its time limits passes, or on shutdown. */
class Expired extends Error {
  constructor(readonly kind: number) {
    super("connection time limit");
  }
}

/** What a handler needs from its server to run a connection (HTTPServer provides it). */
export interface ConnectionLimits {
  readonly tokenizer: Tokenizer;
  /** Bytes a request head may take. */
  readonly headLimit: number;
  /** Seconds a request head may take to arrive. */
  readonly headTimeout: number;
  /** Seconds an idle keep-alive connection is kept. */
  readonly keepAliveTimeout: number;
  readonly connections?: ConnectionRegistry;
}

/** One HTTP connection's reading state. Created by BaseHTTPRequestHandler.setup(). */
export class Connection {
  readonly reader: SocketReader;
  readonly writer: SocketWriter;
  /** The token table of the current head. Two tables take turns, head by head, so the table
   * of the previous head stays intact while the next one is read: a handler's lazily built
   * `headers` (handler.ts) can still be made from it until the head after next. */
  table: Int32Array = newTable();
  /** The table the next head is read into: the one before the current. */
  spare: Int32Array = newTable();
  /** The bytes holding the current head, and where in them it starts. */
  head: Buffer = EMPTY;
  headStart = 0;
  /** Date.now() after which the current wait has lasted too long; 0 when not waiting. */
  deadline = 0;

  readonly #limits: ConnectionLimits;
  #kind = WAIT_NONE;
  #heads = 0;
  #draining = false;
  #idle = false;

  constructor(reader: SocketReader, writer: SocketWriter, limits: ConnectionLimits) {
    this.reader = reader;
    this.writer = writer;
    this.#limits = limits;
    // Anything the peer may be waiting for goes out before we wait for the peer.
    reader.beforeWait = () => void writer.flush();
  }

  /**
   * The next request head: its length (> 0; the reader is then past it), OUTCOME_VIOLATION
   * (the table says why), HEAD_EOF (the peer closed, went idle too long, or the server shuts
   * down: close silently) or HEAD_TIMEOUT (answer 408). Synchronous when the head is already
   * received (pipelining). Throws TimeoutError when the handler's socket timeout struck.
   */
  readHead(): number | Promise<number> {
    const r = this.reader;
    const t = this.spare;
    this.spare = this.table;
    this.table = t;
    resetTable(t);
    if (r.pos < r.end) {
      const outcome = this.#limits.tokenizer.scan(r.buf, r.pos, r.end, t, this.#limits.headLimit);
      if (outcome !== 0) return this.#found(r.buf, r.pos, outcome);
    }
    return this.#readHeadSlow();
  }

  #found(buf: Buffer, start: number, outcome: number): number {
    this.head = buf;
    this.headStart = start;
    if (outcome > 0) this.reader.pos = start + outcome;
    this.#disarm();
    this.#heads++;
    return outcome;
  }

  async #readHeadSlow(): Promise<number> {
    const r = this.reader;
    const t = this.table;
    const { tokenizer, headLimit } = this.#limits;
    let acc: Buffer | null = null;
    let accEnd = 0;
    if (r.pos < r.end) {
      // A head begun in the current chunk continues in a fresh buffer of its own (the chunk's
      // earlier bytes may belong to a previous request's headers, which must stay intact).
      accEnd = r.end - r.pos;
      acc = Buffer.allocUnsafe(Math.max(INITIAL_HEAD_BUFFER, accEnd * 2));
      acc.set(r.buf.subarray(r.pos, r.end), 0);
      r.pos = r.end;
      resetTable(t);
      tokenizer.scan(acc, 0, accEnd, t, headLimit);
      this.#arm(onlyEmptyLines(t) ? this.#waitKind() : WAIT_HEAD);
    } else {
      this.#arm(this.#waitKind());
    }
    for (;;) {
      const chunk = r.takeChunk();
      if (chunk === undefined) {
        // Empty lines skipped before a request line (RFC 9112 §2.2) begin no request.
        const idle = acc === null || onlyEmptyLines(t);
        if (idle && this.#draining) return this.#end(HEAD_EOF);
        this.#idle = idle;
        await r.wait();
        this.#idle = false;
        continue;
      }
      if (chunk === null) {
        const error = r.error;
        if (error instanceof TimeoutError) throw error;
        const timedOut = error instanceof Expired && error.kind === WAIT_HEAD;
        return this.#end(timedOut ? HEAD_TIMEOUT : HEAD_EOF);
      }
      let outcome: number;
      if (acc === null) {
        outcome = tokenizer.scan(chunk, 0, chunk.length, t, headLimit);
        if (outcome !== 0) {
          r.buf = chunk;
          r.pos = 0;
          r.end = chunk.length;
          return this.#found(chunk, 0, outcome);
        }
        this.#headBegun(t);
        // Same bytes from the same start: the table's resume state carries over to the copy.
        accEnd = chunk.length;
        acc = Buffer.allocUnsafe(Math.max(INITIAL_HEAD_BUFFER, accEnd * 2));
        acc.set(chunk, 0);
        continue;
      }
      if (accEnd + chunk.length > acc.length) {
        const bigger = Buffer.allocUnsafe(Math.max(acc.length * 2, accEnd + chunk.length));
        bigger.set(acc.subarray(0, accEnd), 0);
        acc = bigger;
      }
      acc.set(chunk, accEnd);
      accEnd += chunk.length;
      outcome = tokenizer.scan(acc, 0, accEnd, t, headLimit);
      if (outcome !== 0) {
        r.buf = acc;
        r.pos = 0;
        r.end = accEnd;
        return this.#found(acc, 0, outcome);
      }
      this.#headBegun(t);
    }
  }

  /** Before a head: the head time limit on a new connection, the keep-alive one after a request. */
  #waitKind(): number {
    return this.#heads === 0 ? WAIT_HEAD : WAIT_IDLE;
  }

  /** Bytes of a head arrived: an idle connection is now waiting for a head (not for empty lines). */
  #headBegun(t: Int32Array): void {
    if (this.#kind === WAIT_IDLE && !onlyEmptyLines(t)) this.#arm(WAIT_HEAD);
  }

  #end(result: number): number {
    this.#disarm();
    return result;
  }

  #arm(kind: number): void {
    this.#kind = kind;
    const seconds = kind === WAIT_IDLE ? this.#limits.keepAliveTimeout : this.#limits.headTimeout;
    this.deadline = seconds > 0 && Number.isFinite(seconds) ? Date.now() + seconds * 1000 : 0;
  }

  #disarm(): void {
    this.#kind = WAIT_NONE;
    this.deadline = 0;
  }

  /** Limit the wait for a request body being discarded (as for a head). */
  armDiscard(): void {
    this.#arm(WAIT_DISCARD);
  }

  disarm(): void {
    this.#disarm();
  }

  /** The deadline passed: stop the wait (the connection then closes, after a 408 for a head). */
  expire(): void {
    const kind = this.#kind;
    this.#disarm();
    this.reader.fail(new Expired(kind));
  }

  /** The server shuts down: close when idle between requests; requests received are served. */
  drain(): void {
    this.#draining = true;
    if (this.#idle) this.reader.fail(new Expired(WAIT_IDLE));
  }

  /** Whether drain() was called. */
  get draining(): boolean {
    return this.#draining;
  }
}

/** A server's live connections: one timer sweeps their deadlines; shutdown drains them. */
export class ConnectionRegistry {
  readonly #connections = new Set<Connection>();
  readonly #interval: number;
  #timer: NodeJS.Timeout | null = null;

  /** `limits`: the time limits in seconds; the sweep runs a few times per shortest one. */
  constructor(...limits: number[]) {
    const finite = limits.filter((s) => s > 0 && Number.isFinite(s));
    const shortest = finite.length > 0 ? Math.min(...finite) * 1000 : 1000;
    this.#interval = Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
  }

  get size(): number {
    return this.#connections.size;
  }

  add(connection: Connection): void {
    this.#connections.add(connection);
    if (this.#timer === null) {
      this.#timer = setInterval(this.#sweep, this.#interval);
      this.#timer.unref();
    }
  }

  delete(connection: Connection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #sweep = (): void => {
    const now = Date.now();
    for (const c of this.#connections) if (c.deadline !== 0 && now >= c.deadline) c.expire();
  };

  /** Close every connection once it is idle. */
  drain(): void {
    for (const c of this.#connections) c.drain();
  }
}
