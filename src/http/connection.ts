// The byte plumbing under one HTTP connection: the socket's reader (a SocketReader, one object
// with the state below), which finds each request head with the tokenizer
// (src/contract/tokenizer.ts) in the bytes as they arrive, scanning in place when a head fits
// in the received chunk and in a fresh growable buffer when it spans chunks, and hands it up as
// one RequestHead; and the time limits (head, keep-alive idle, body discard), checked by one
// sweep per server. BaseHTTPRequestHandler (handler.ts) makes one per connection in setup().

import { DEFAULT_HEAD_LIMIT, T_REQUEST_LINE_START, T_SCAN_POS, T_VIOLATION } from "../contract/layout.js";
import { newTable, resetTable } from "../contract/table.js";
import type { Tokenizer } from "../contract/tokenizer.js";
import type { Duplex } from "node:stream";
import { SocketReader, type Wakeable } from "../socketserver/socket-reader.js";
import type { SocketWriter } from "../socketserver/socket-writer.js";
import { TimeoutError } from "../socketserver/errors.js";
import { peerDone } from "../socketserver/linger.js";
import { tokenizerFor } from "../tokenizer/select.js";
import type { RequestBody } from "./body.js";
import type { ConnectionRegistry, Live } from "./registry.js";

const WAIT_NONE = 0;
const WAIT_IDLE = 1;
const WAIT_HEAD = 2;
const WAIT_DISCARD = 3;

const HAD_HEAD = 1;
const HEAD_TIMED_OUT = 2;
const DRAINING = 4;
const CLOSE_IDLE = 8;
const IDLE = 16;
const EXPECT_PENDING = 32;
const PEER_CLOSES = 64;

const INITIAL_HEAD_BUFFER = 4096;
/** A request body left unread up to this size is read and dropped to keep the connection. */
const DISCARD_LIMIT = 1024 * 1024;

/** Token tables no connection holds, for the next head of any connection: an idle connection
 * gives its two back, so it holds none (each is 1.7 KB outside the heap). */
const freeTables: Int32Array[] = [];
const FREE_TABLES_KEPT = 64;

function takeTable(): Int32Array {
  return freeTables.pop() ?? newTable();
}

function giveTable(table: Int32Array | null): void {
  if (table !== null && freeTables.length < FREE_TABLES_KEPT) freeTables.push(table);
}

/** After a need-more scan of `bytes` from `start`: nothing received but empty lines skipped
 * before a request line (RFC 9112 §2.2), the last one perhaps cut after its CR (a CRLF split
 * across two reads is still an empty line, not the start of a head). */
function onlyEmptyLines(t: Int32Array, bytes: Uint8Array, start: number): boolean {
  const pending = t[T_SCAN_POS]! - t[T_REQUEST_LINE_START]!;
  return pending === 0 || (pending === 1 && bytes[start + t[T_REQUEST_LINE_START]!] === 0x0d);
}

/** Thrown into a connection's reader when one of its time limits passes, or on shutdown. */
class Expired extends Error {
  constructor(readonly kind: number) {
    super("connection time limit");
  }
}

/**
 * One request head as received: `bytes[start, start + length)`, tokenised into `table`
 * (src/contract/layout.ts; offsets relative to `start`). `length` is 0 when the tokenizer
 * refused the head; `violation` says why.
 */
export class RequestHead {
  constructor(
    readonly bytes: Buffer,
    readonly start: number,
    readonly length: number,
    readonly table: Int32Array,
  ) {}

  /** The violation code (src/contract/violations.ts) that refused the head; V_NONE (0) if none. */
  get violation(): number {
    return this.table[T_VIOLATION]!;
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

/** Limits for a handler run outside HTTPServer (a plain TCPServer, or socketless tests). */
export const STANDALONE_LIMITS: ConnectionLimits = {
  tokenizer: tokenizerFor("wasm"),
  headLimit: DEFAULT_HEAD_LIMIT,
  headTimeout: 60,
  keepAliveTimeout: 5,
};

/** One HTTP connection: the reader of its socket (this object; the handler's rfile is the
 * request body over it) and its writer, the head being read, the time limits, and what the
 * current request owes (a 100 Continue, whether any answer went out). */
export class Connection extends SocketReader implements Live {
  readonly writer: SocketWriter;
  readonly limits: ConnectionLimits;
  /** Date.now() after which the current wait has lasted too long; 0 when not waiting. */
  deadline = 0;
  /** The connections added to the registry before and after this one (registry.ts). */
  liveNext: Live | null = null;
  livePrevious: Live | null = null;
  /** `Expect: 100-continue` received and no 100 sent yet. */
  get expectPending(): boolean {
    return (this.#flags & EXPECT_PENDING) !== 0;
  }

  set expectPending(value: boolean) {
    if (value) this.#flags |= EXPECT_PENDING;
    else this.#flags &= ~EXPECT_PENDING;
  }

  /** The client asked to close after the current request (`Connection: close`, or HTTP/1.0
   * without keep-alive) and no error answer went out: see close(). */
  get peerCloses(): boolean {
    return (this.#flags & PEER_CLOSES) !== 0;
  }

  set peerCloses(value: boolean) {
    if (value) this.#flags |= PEER_CLOSES;
    else this.#flags &= ~PEER_CLOSES;
  }

  /** Two token tables take turns, head by head, so the table of the previous head stays intact
   * while the next one is read: `headers` made lazily (request-fields.ts) can still be built
   * from it until the head after next. Taken when a head is read, given back when idle (null). */
  #table: Int32Array | null = null;
  #nextTable: Int32Array | null = null;
  /** writer.written when the current answer began. */
  #writtenAtStart = 0;
  #kind = WAIT_NONE;
  /** HAD_HEAD, HEAD_TIMED_OUT, DRAINING, CLOSE_IDLE, IDLE, EXPECT_PENDING, PEER_CLOSES: one field. */
  #flags = 0;

  /** The connection of a handler reading `socket` and writing through `writer`, run under
   * `server`'s limits when it has them (HTTPServer), else STANDALONE_LIMITS; registered for its
   * deadlines. */
  constructor(socket: Duplex, writer: SocketWriter, server: unknown) {
    super(socket);
    this.writer = writer;
    const limits = server as Partial<ConnectionLimits> | null;
    this.limits = limits?.tokenizer ? (limits as ConnectionLimits) : STANDALONE_LIMITS;
    this.limits.connections?.add(this);
    // Anything the peer may be waiting for goes out before we wait for the peer.
    this.beforeWait = writer;
  }

  /** The handler is done: deregister, send what is buffered, drop what still arrives. When the
   * client asked for the close, the last body was read whole (`bodyDone`) and nothing more has
   * arrived, `socket` is marked to be closed without a drain (linger.ts peerDone): RFC 9112 §9.6,
   * a client that sent `close` MUST NOT send further requests (§9.3: HTTP/1.0 without keep-alive
   * closes likewise). Anything else (an error answer, a close the server chose, a body left
   * unread, bytes past the request) is drained by TCPServer.close_request. */
  close(socket: Duplex, bodyDone: boolean): void {
    if (this.#flags & PEER_CLOSES && bodyDone && !this.received) peerDone(socket);
    this.limits.connections?.delete(this);
    giveTable(this.#table);
    giveTable(this.#nextTable);
    this.#table = this.#nextTable = null;
    this.writer.flush();
    this.detach();
  }

  /** A new request begins: no 100 owed, nothing of its answer sent. */
  beginRequest(): void {
    this.#flags &= ~(EXPECT_PENDING | PEER_CLOSES);
    this.#writtenAtStart = this.writer.written;
  }

  /** The answer so far (after a 100 Continue, if any) is empty, and the socket can take one. */
  get nothingSent(): boolean {
    return this.writer.written === this.#writtenAtStart && !this.writer.closed;
  }

  /** What was sent so far (a 100 Continue) is not part of the answer: it starts here. */
  markAnswerStart(): void {
    this.#writtenAtStart = this.writer.written;
  }

  /** Whether the last readHead() gave null because a head took longer than headTimeout. */
  get headTimedOut(): boolean {
    return (this.#flags & HEAD_TIMED_OUT) !== 0;
  }

  /** The table the next head will be read into (that of the head before the current one);
   * null when it will be a free one. */
  get nextTable(): Int32Array | null {
    return this.#nextTable;
  }

  /** Nothing of a next request received, the stream not over, the server not closing idle
   * connections: the connection can go idle(). */
  get quiet(): boolean {
    return !this.received && !this.done && !(this.#flags & CLOSE_IDLE);
  }

  /**
   * Between requests, when nothing of the next one has arrived: give the token tables back
   * (the handler has let go of the last head), arm the idle (or first head's) time limit, and
   * return true: `wake[WAKE]()` is called once input comes, the peer leaves or a limit passes;
   * then handle_one_request reads the head as usual. False, and nothing done, when bytes are
   * already received, the stream is over, or the server shuts down.
   */
  idle(wake: Wakeable): boolean {
    if (!this.quiet || !this.onInput(wake)) return false;
    giveTable(this.#table);
    giveTable(this.#nextTable);
    this.#table = this.#nextTable = null;
    this.#arm(this.#waitKind());
    return true;
  }

  /** readHead(), once the writer has drained: a client that sends requests without reading the
   * answers waits here, not in memory. */
  nextHead(): RequestHead | null | Promise<RequestHead | null> {
    const backedUp = this.writer.drained();
    return backedUp === undefined ? this.readHead() : backedUp.then(() => this.readHead());
  }

  /**
   * The next request head, complete or refused (the reader is then past a complete one); null
   * when the connection is to close: the peer closed, stayed idle too long, the server shuts
   * down, or a head took too long to arrive (then `headTimedOut`, answered 408). Synchronous
   * when the head is already received (pipelining). Throws TimeoutError when the handler's
   * socket timeout struck.
   */
  readHead(): RequestHead | null | Promise<RequestHead | null> {
    const t = this.#nextTable ?? takeTable();
    this.#nextTable = this.#table;
    this.#table = t;
    resetTable(t);
    if (this.fill()) {
      const outcome = this.limits.tokenizer.scan(this.chunk, this.offset, this.end, t, this.limits.headLimit);
      if (outcome !== 0) return this.#found(this.chunk, this.offset, outcome);
    }
    return this.#readHeadSlow();
  }

  #found(bytes: Buffer, start: number, outcome: number): RequestHead {
    if (outcome > 0) this.skip(outcome);
    this.#disarm();
    this.#flags |= HAD_HEAD;
    return new RequestHead(bytes, start, outcome > 0 ? outcome : 0, this.#table!);
  }

  async #readHeadSlow(): Promise<RequestHead | null> {
    const r = this as SocketReader;
    const t = this.#table!;
    const { tokenizer, headLimit } = this.limits;
    // A head begun in the current chunk continues in a fresh buffer of its own (the chunk's
    // earlier bytes may belong to a previous request's headers, which must stay intact): its
    // rest comes first from takeChunk() and is scanned again from a reset table.
    let acc: Buffer | null = null;
    let accEnd = 0;
    // Bytes received before (scanned by readHead) begin a head, unless they are only empty lines.
    this.#arm(r.buffered > 0 && !onlyEmptyLines(t, r.chunk, r.offset) ? WAIT_HEAD : this.#waitKind());
    resetTable(t);
    for (;;) {
      const chunk = r.takeChunk();
      if (chunk === undefined) {
        // Empty lines skipped before a request line (RFC 9112 §2.2) begin no request.
        const idle = acc === null || onlyEmptyLines(t, acc, 0);
        if (idle && this.#flags & CLOSE_IDLE) return this.#end();
        if (idle) this.#flags |= IDLE;
        await r.wait();
        this.#flags &= ~IDLE;
        continue;
      }
      if (chunk === null) {
        const error = r.error;
        if (error instanceof TimeoutError) throw error;
        if (error instanceof Expired && error.kind === WAIT_HEAD) this.#flags |= HEAD_TIMED_OUT;
        else this.#flags &= ~HEAD_TIMED_OUT;
        return this.#end();
      }
      let outcome: number;
      if (acc === null) {
        outcome = tokenizer.scan(chunk, 0, chunk.length, t, headLimit);
        if (outcome !== 0) {
          r.putBack(chunk);
          return this.#found(chunk, 0, outcome);
        }
        this.#headBegun(t, chunk);
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
        r.putBack(acc.subarray(0, accEnd));
        return this.#found(acc, 0, outcome);
      }
      this.#headBegun(t, acc);
    }
  }

  /** Before a head: the head time limit on a new connection, the keep-alive one after a request. */
  #waitKind(): number {
    return this.#flags & HAD_HEAD ? WAIT_IDLE : WAIT_HEAD;
  }

  /** Bytes of a head arrived: an idle connection is now waiting for a head (not for empty lines). */
  #headBegun(t: Int32Array, bytes: Uint8Array): void {
    if (this.#kind === WAIT_IDLE && !onlyEmptyLines(t, bytes, 0)) this.#arm(WAIT_HEAD);
  }

  #end(): null {
    this.#disarm();
    return null;
  }

  #arm(kind: number): void {
    this.#kind = kind;
    const seconds = kind === WAIT_IDLE ? this.limits.keepAliveTimeout : this.limits.headTimeout;
    this.deadline = seconds > 0 && Number.isFinite(seconds) ? Date.now() + seconds * 1000 : 0;
  }

  #disarm(): void {
    this.#kind = WAIT_NONE;
    this.deadline = 0;
  }

  /** Whether the connection can serve another request after one whose body is `body`: not
   * after a tunnel; after a body left unread only once it is dropped, which a client still
   * waiting for `100 Continue` may never send (RFC 9110 §10.1.1). */
  keepAfter(body: RequestBody): boolean | Promise<boolean> {
    if (body.tunnel) return false;
    if (body.done) return true;
    if (this.expectPending && !body.started) return false;
    return this.#discard(body);
  }

  /** Read and drop the rest of `body`, within the head time limit: true when the connection
   * can go on, false when the body was too large, malformed or cut short. */
  async #discard(body: RequestBody): Promise<boolean> {
    this.#arm(WAIT_DISCARD);
    const ok = await body.discard(DISCARD_LIMIT);
    this.#disarm();
    return ok;
  }

  /** The deadline passed: stop the wait (the connection then closes, after a 408 for a head). */
  expire(): void {
    const kind = this.#kind;
    this.#disarm();
    this.fail(new Expired(kind));
  }

  /** The server shuts down: answers say that the connection closes, requests received are
   * served; with `closeIdle`, it closes when idle between requests. */
  drain(closeIdle: boolean): void {
    this.#flags |= DRAINING;
    if (!closeIdle) return;
    this.#flags |= CLOSE_IDLE;
    if (this.#flags & IDLE || this.sleeping) this.fail(new Expired(WAIT_IDLE));
  }

  /** Whether drain() was called. */
  get draining(): boolean {
    return (this.#flags & DRAINING) !== 0;
  }
}
