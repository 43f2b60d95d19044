// socketserver's request handlers (Lib/socketserver.py): BaseRequestHandler, the per-connection
// object the server creates and drives (setup, handle, finish), and StreamRequestHandler, which
// gives it Python's rfile/wfile over the socket. src/http/handler.ts builds on the latter.

import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import type { BaseServer } from "./base-server.js";
import { TimeoutError } from "./errors.js";
import { PeerAddress } from "./peer-address.js";
import { SocketReader } from "./socket-reader.js";
import { SocketWriter } from "./socket-writer.js";

/** StreamRequestHandler's method that makes the reader of a connection. */
export const NEW_READER: unique symbol = Symbol("new reader");

/** A handler's method the server calls in place of setup() (base-server.ts): true when the
 * handler sleeps until its connection's first input instead, and then has the server run
 * setup(), handle() and finish() as usual (BaseServer[RESUME]). */
export const SLEEP: unique symbol = Symbol("sleep");

/** `(host, port)`. */
export type Address = [host: string, port: number];

/** What rfile offers, as Python's binary file: read, readline, iteration over lines. */
export interface ReadableFile extends AsyncIterable<Buffer> {
  read(n?: number): Promise<Buffer>;
  readline(limit?: number): Promise<Buffer>;
}

/** What wfile offers: buffered writes (strings as UTF-8), backpressure as a returned promise. */
export interface WritableFile {
  write(data: Uint8Array | string): Promise<void> | undefined;
  flush(): Promise<void> | undefined;
}

/**
 * Base class for request handlers: one instance per connection.
 *
 * The server creates it as `new Handler(request, client_address, server)` and then calls
 * `setup()`, `await handle()` and, whatever happens, `finish()` (Python does the same from the
 * constructor; here the server drives it because `handle()` is asynchronous).
 *
 * May be overridden: `setup`, `handle`, `finish` (each may return a promise).
 */
export class BaseRequestHandler {
  /** The connection: a node:net Socket (any Duplex in socketless tests). */
  request: Duplex;
  server: BaseServer;
  #client_address: Address;

  constructor(request: Duplex, client_address: Address, server: BaseServer) {
    this.request = request;
    this.#client_address = client_address;
    this.server = server;
  }

  /** `[host, port]` of the peer. Accepted into WASM memory, it is looked up when first read
   * (peer-address.ts): here, or an element of what the server passed to the constructor. */
  get client_address(): Address {
    const address = this.#client_address;
    if (address instanceof PeerAddress) address.settle();
    return address;
  }

  set client_address(value: Address) {
    this.#client_address = value;
  }

  /** Called before handle(). */
  setup(): void | Promise<void> {}

  /** Whether setup() waits for the connection's first input (see SLEEP): never, here. A handler
   * whose user code cannot tell (src/http/handler.ts) defers its per-connection objects so. */
  [SLEEP](): boolean {
    return false;
  }

  /** Serve the connection. */
  handle(): void | Promise<void> {}

  /** Called after handle(), even when it threw. */
  finish(): void | Promise<void> {}
}

/**
 * A handler over a stream socket, with `rfile` (buffered reads) and `wfile` (buffered writes,
 * flushed by finish()).
 *
 * Class variables (overridable by a subclass field or on the prototype): `timeout` (seconds
 * without traffic before reads fail with TimeoutError; null: none), `disable_nagle_algorithm`.
 */
export class StreamRequestHandler extends BaseRequestHandler {
  declare timeout: number | null;
  declare disable_nagle_algorithm: boolean;
  static {
    this.prototype.timeout = null;
    this.prototype.disable_nagle_algorithm = false;
  }

  /** The socket, as Python's `self.connection`. */
  connection!: Duplex;
  rfile!: ReadableFile;
  wfile!: WritableFile;

  override setup(): void {
    const socket = this.request;
    this.connection = socket;
    const writer = new SocketWriter(socket);
    const reader = this[NEW_READER](socket, writer);
    const net = socket as Partial<Socket>;
    if (this.timeout !== null && this.timeout !== undefined && net.setTimeout) {
      net.setTimeout(this.timeout * 1000, () => {
        const error = new TimeoutError();
        reader.fail(error);
        if (socket.writableNeedDrain) socket.destroy(error);
      });
    }
    // Applied before the writer's second socket write (nothing is in flight before it).
    if (this.disable_nagle_algorithm && net.setNoDelay) writer.noDelay();
    this.rfile = reader;
    this.wfile = writer;
  }

  /** The reader setup() makes for rfile: a subclass may make its own kind, which then is the
   * one object reading the socket (BaseHTTPRequestHandler's connection). */
  [NEW_READER](socket: Duplex, _writer: SocketWriter): SocketReader {
    return new SocketReader(socket);
  }

  override finish(): void {
    this.wfile.flush();
    if (this.rfile instanceof SocketReader) this.rfile.detach();
  }
}
