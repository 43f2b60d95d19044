// HTTPServer and ThreadingHTTPServer (Lib/http/server.py): a TCPServer that knows its name and
// port, picks the request-head tokenizer (WASM or its TypeScript twin) and carries the limits
// every connection runs under (head size, head time, keep-alive idle time; the drain and send
// limits of a closing connection are TCPServer's class variables, set from the options), the
// connection registry that sweeps them, and SimpleHTTPRequestHandler's small-file cache.

import { DEFAULT_HEAD_LIMIT } from "../contract/layout.js";
import type { ParserName, Tokenizer } from "../contract/tokenizer.js";
import { tokenizerFor } from "../tokenizer/select.js";
import type { RequestHandlerClass } from "../socketserver/base-server.js";
import type { Address } from "../socketserver/request-handler.js";
import type { ReadRegion } from "../socketserver/linear-socket.js";
import { TCPServer } from "../socketserver/tcp-server.js";
import { WasmTokenizer } from "../tokenizer/wasm.js";
import type { ConnectionLimits } from "./connection.js";
import { ConnectionRegistry } from "./registry.js";
import { DEFAULT_FILE_CACHE_SIZE, FileCache } from "./simple/file-cache.js";

export interface HTTPServerOptions {
  /** Request-head tokenizer: "wasm" (default) or "js", the TypeScript twin. */
  parser?: ParserName;
  /** Bytes a request head may take (default 1 MiB); past it: 431. */
  headLimit?: number;
  /** Seconds a request head may take to arrive (default 60); past it: 408 and close. 0: no limit. */
  headTimeout?: number;
  /** Seconds a keep-alive connection may stay idle between requests (default 5). 0: no limit. */
  keepAliveTimeout?: number;
  /** Bytes a connection the server closes (after an error answer, or at its end) may still send
   * before it is cut off (default 64 KiB): they are read and dropped, so the answer is not lost
   * to a reset. */
  drainLimit?: number;
  /** Seconds that draining may last (default 2), counted once our answer is all sent. 0: none,
   * the connection is destroyed as soon as our answer is sent. */
  drainTimeout?: number;
  /** Seconds a connection the server closes may go without the peer taking any of our answer
   * still queued for it (default 60); then it is cut off, so a peer that never reads is not
   * kept forever. 0: cut off at the first look (every 250 ms) without progress. */
  sendTimeout?: number;
  /**
   * Bytes of small files SimpleHTTPRequestHandler keeps in memory (default 32 MiB; files up to
   * 2 MiB each), each validated against the disk on every hit. 0: no cache.
   */
  fileCacheSize?: number;
  /** As Python's bind_and_activate (default true). */
  bind_and_activate?: boolean;
}

function seconds(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new RangeError(`${what} must be a number of seconds >= 0`);
  }
  return value;
}

/**
 * The HTTP server: `new HTTPServer([host, port], Handler, options?)`, then `await ready` and
 * `serve_forever()`. Sets `server_name` and `server_port` once bound (the host as given or
 * bound: no name lookup).
 */
export class HTTPServer extends TCPServer implements ConnectionLimits {
  static {
    this.prototype.allow_reuse_address = true;
  }

  server_name = "";
  server_port = 0;
  readonly tokenizer: Tokenizer;
  readonly headLimit: number;
  readonly headTimeout: number;
  readonly keepAliveTimeout: number;
  readonly connections: ConnectionRegistry;
  /** The small-file cache of SimpleHTTPRequestHandler (null when fileCacheSize is 0). */
  readonly fileCache: FileCache | null;

  constructor(
    server_address: Address,
    RequestHandlerClass: RequestHandlerClass<never>,
    options: HTTPServerOptions | boolean = {},
  ) {
    const opts: HTTPServerOptions = typeof options === "boolean" ? { bind_and_activate: options } : options;
    // Every option checked before super(): TCPServer's constructor binds and listens (in a
    // microtask), which a throw after it would leave running with no object to close it.
    const tokenizer = tokenizerFor(opts.parser ?? "wasm");
    const headLimit = opts.headLimit ?? DEFAULT_HEAD_LIMIT;
    if (!Number.isInteger(headLimit) || headLimit < 1) throw new RangeError("headLimit must be a positive integer");
    const headTimeout = seconds(opts.headTimeout, 60, "headTimeout");
    const keepAliveTimeout = seconds(opts.keepAliveTimeout, 5, "keepAliveTimeout");
    const drainTimeout = opts.drainTimeout === undefined ? undefined : seconds(opts.drainTimeout, 2, "drainTimeout");
    const sendTimeout = opts.sendTimeout === undefined ? undefined : seconds(opts.sendTimeout, 60, "sendTimeout");
    if (opts.drainLimit !== undefined && (!Number.isInteger(opts.drainLimit) || opts.drainLimit < 0)) {
      throw new RangeError("drainLimit must be an integer >= 0");
    }
    const cacheSize = opts.fileCacheSize ?? DEFAULT_FILE_CACHE_SIZE;
    const fileCache = cacheSize === 0 ? null : new FileCache(cacheSize);
    super(server_address, RequestHandlerClass, opts.bind_and_activate ?? true);
    this.tokenizer = tokenizer;
    this.headLimit = headLimit;
    this.headTimeout = headTimeout;
    this.keepAliveTimeout = keepAliveTimeout;
    if (drainTimeout !== undefined) this.drainTimeout = drainTimeout;
    if (sendTimeout !== undefined) this.sendTimeout = sendTimeout;
    if (opts.drainLimit !== undefined) this.drainLimit = opts.drainLimit;
    this.connections = new ConnectionRegistry(headTimeout, keepAliveTimeout);
    this.fileCache = fileCache;
  }

  /** Sockets read straight into the WASM tokenizer's input region, where heads are scanned. */
  protected override readRegion(): ReadRegion | null {
    return this.tokenizer instanceof WasmTokenizer ? this.tokenizer.readRegion : null;
  }

  /** Bind, then record the name and port. */
  override async server_bind(): Promise<void> {
    await super.server_bind();
    const [host, port] = this.server_address;
    this.server_name = host;
    this.server_port = port;
  }

  /** Connections close once idle; requests already received are answered first. */
  override drain_connections(): void {
    this.connections.drain();
  }
}

/** As Python's: every connection is already served concurrently, so only the name differs. */
export class ThreadingHTTPServer extends HTTPServer {
  daemon_threads = true;
}
