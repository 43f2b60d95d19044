// TCPServer (Lib/socketserver.py) on node:net: binds and listens, and hands each accepted
// socket to BaseServer's dispatch. Node binds and listens in one step, so server_bind() does
// both and server_activate() is a hook; bind errors reject `ready`.

import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { BaseServer, type RequestHandlerClass } from "./base-server.js";
import { acceptInto, type ReadRegion } from "./linear-socket.js";
import type { Address } from "./request-handler.js";

/** How often lingering connections past their time are looked for. */
const LINGER_SWEEP_MS = 250;

function ignore(): void {}

/** A connection draining after close_request: when it is cut off, and the bytes it may still send. */
interface Linger {
  deadline: number;
  budget: number;
}

/** Connections draining after close_request: one sweep for all of them, not a timer and a
 * closure per connection. */
const lingering = new Map<Duplex, Linger>();
let lingerSweep: NodeJS.Timeout | null = null;

/** Drain `request` (read and drop what the peer still sends, so our answer is not lost to a
 * reset) for at most `bytes` and `seconds`; then destroy it. */
function linger(request: Duplex, bytes: number, seconds: number): void {
  lingering.set(request, { deadline: Date.now() + seconds * 1000, budget: bytes });
  request.on("data", drained);
  request.on("close", forget);
  if (lingerSweep === null) {
    lingerSweep = setInterval(sweepLingering, LINGER_SWEEP_MS);
    lingerSweep.unref();
  }
}

/** Bytes arrived on a draining connection: past its byte budget it is cut off (a peer that
 * keeps sending garbage after an error answer costs little). */
function drained(this: Duplex, chunk: Uint8Array): void {
  const linger = lingering.get(this);
  if (linger === undefined) return;
  linger.budget -= chunk.length;
  if (linger.budget < 0) {
    lingering.delete(this);
    this.destroy();
  }
}

function forget(this: Duplex): void {
  lingering.delete(this);
}

function sweepLingering(): void {
  const now = Date.now();
  for (const [request, { deadline }] of lingering) {
    if (now >= deadline) {
      lingering.delete(request);
      request.destroy();
    }
  }
  if (lingering.size === 0 && lingerSweep !== null) {
    clearInterval(lingerSweep);
    lingerSweep = null;
  }
}

/**
 * A TCP server: `new TCPServer([host, port], Handler)`; `await server.ready` for the bound
 * address in `server_address` (port 0 picks a free port; host "" means all IPv4 interfaces).
 *
 * Class variables: `allow_reuse_address` (kept for Python code: libuv always sets SO_REUSEADDR
 * on a listening TCP socket), `request_queue_size` (listen backlog), `drainLimit` and
 * `drainTimeout` (how much a connection the server closes may still send, in bytes and seconds,
 * before it is cut off; HTTPServer takes them as options).
 */
export class TCPServer extends BaseServer {
  declare allow_reuse_address: boolean;
  declare request_queue_size: number;
  declare drainLimit: number;
  declare drainTimeout: number;
  static {
    this.prototype.allow_reuse_address = false;
    this.prototype.request_queue_size = 511;
    this.prototype.drainLimit = 64 * 1024;
    this.prototype.drainTimeout = 2;
  }

  /** The listening socket. */
  readonly socket: net.Server;
  #listening = false;

  constructor(server_address: Address, RequestHandlerClass: RequestHandlerClass<never>, bind_and_activate = true) {
    super([server_address[0], server_address[1]], RequestHandlerClass);
    // allowHalfOpen: a client that half-closes after its request still gets the answer (the
    // handler sees end of stream, as in Python); shutdown_request ends our side.
    this.socket = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    this.socket.on("connection", (socket: net.Socket) => {
      // An error on a connection no handler has taken yet must not crash the process.
      socket.on("error", ignore);
      this.enqueue_request(socket, [socket.remoteAddress ?? "", socket.remotePort ?? 0]);
    });
    this.socket.on("error", (error: Error) => {
      if (this.#listening) process.stderr.write(`${error.stack ?? error}\n`);
    });
    if (bind_and_activate) {
      // After the subclass constructors, so their fields (options, class variables) are set.
      this.ready = Promise.resolve().then(async () => {
        try {
          await this.server_bind();
          await this.server_activate();
        } catch (error) {
          this.server_close();
          throw error;
        }
      });
      this.ready.catch(ignore);
    }
  }

  /**
   * Where accepted sockets read into (linear-socket.ts), or null: the runtime's own buffers and
   * `data` events. For subclasses (HTTPServer reads into its WASM tokenizer's memory).
   */
  protected readRegion(): ReadRegion | null {
    return null;
  }

  /** Bind and listen; `server_address` becomes the address actually bound. May be extended. */
  override async server_bind(): Promise<void> {
    const [host, port] = this.server_address;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        this.socket.off("listening", onListening);
        reject(error);
      };
      const onListening = (): void => {
        this.socket.off("error", onError);
        resolve();
      };
      this.socket.once("error", onError);
      this.socket.once("listening", onListening);
      this.socket.listen({ host: host === "" ? "0.0.0.0" : host, port, backlog: this.request_queue_size });
    });
    this.#listening = true;
    const region = this.readRegion();
    if (region !== null) acceptInto(this.socket, region, true);
    const bound = this.socket.address() as AddressInfo;
    this.server_address = [bound.address, bound.port];
  }

  /** End our side of the connection (Python's shutdown(SHUT_WR)), then close_request(). */
  override shutdown_request(request: Duplex): void {
    if (!request.destroyed && !request.writableEnded) request.end();
    this.close_request(request);
  }

  /** Let the peer's remaining bytes drain (so our answer is not lost to a reset), at most
   * `drainLimit` bytes for at most `drainTimeout` seconds, then close. */
  override close_request(request: Duplex): void {
    if (request.destroyed) return;
    if (!(this.drainTimeout > 0)) {
      request.destroy();
      return;
    }
    request.resume();
    linger(request, this.drainLimit, this.drainTimeout);
  }

  /** Stop listening; connections accepted but never served are closed. */
  override server_close(): void {
    super.server_close();
    this.#listening = false;
    if (this.socket.listening) this.socket.close();
    for (const [request] of this.take_pending()) request.destroy();
  }
}
