// TCPServer (Lib/socketserver.py) on node:net: binds and listens, and hands each accepted
// socket to BaseServer's dispatch. Node binds and listens in one step, so server_bind() does
// both and server_activate() is a hook; bind errors reject `ready`.

import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { BaseServer, type RequestHandlerClass } from "./base-server.js";
import { acceptInto, LinearSocket, type ReadRegion } from "./linear-socket.js";
import { later } from "./newcomers.js";
import { PeerAddress } from "./peer-address.js";
import { onSocketError } from "./socket-reader.js";
import type { Address } from "./request-handler.js";

/** How often lingering connections are looked at (progress of our answer, deadlines). */
const LINGER_SWEEP_MS = 250;

function ignore(): void {}

/** A connection closing after close_request. While our side still has bytes to send (the
 * "sending" phase) it is cut off only when none of them has moved for `sendMs`; once our side
 * has finished writing ('finish'), it drains for at most `drainMs` and `budget` bytes. */
interface Linger {
  deadline: number;
  /** Bytes the peer may still send (reset when our side finishes). */
  budget: number;
  readonly limit: number;
  readonly drainMs: number;
  readonly sendMs: number;
  /** Our side has finished writing: everything we wrote is with the kernel, FIN queued. */
  finished: boolean;
  /** Our bytes not yet taken by the kernel, at the last look (sending phase). */
  unsent: number;
}

/** Connections lingering after close_request: one sweep for all of them, not a timer and a
 * closure per connection. */
const lingering = new Map<Duplex, Linger>();
let lingerSweep: NodeJS.Timeout | null = null;

interface WriteQueue {
  _handle?: { writeQueueSize?: number } | null;
}

/** Our bytes still to go: the stream's queue, plus what libuv holds of the write in flight
 * (which falls as the peer reads, where the stream's count falls only per whole write). */
function unsent(request: Duplex): number {
  const queued = (request as unknown as WriteQueue)._handle?.writeQueueSize;
  return request.writableLength + (typeof queued === "number" ? queued : 0);
}

/**
 * Keep `request` until our answer is all sent (cut off only if none of it moves for
 * `sendSeconds`), then drain it (read and drop what the peer still sends, so our answer is not
 * lost to a reset) for at most `bytes` and `drainSeconds`; then destroy it. Destroying a socket
 * whose writes have finished loses nothing: the kernel still delivers what it holds.
 */
function linger(request: Duplex, bytes: number, drainSeconds: number, sendSeconds: number): void {
  const now = Date.now();
  // Nothing of ours left in the stream (what it wrote is with the kernel).
  const finished = request.writableLength === 0;
  const entry: Linger = {
    deadline: now + (finished ? drainSeconds : sendSeconds) * 1000,
    budget: bytes,
    limit: bytes,
    drainMs: drainSeconds * 1000,
    sendMs: sendSeconds * 1000,
    finished,
    unsent: finished ? 0 : unsent(request),
  };
  if (finished && !(entry.drainMs > 0)) {
    request.destroy();
    return;
  }
  lingering.set(request, entry);
  if (!finished) request.on("finish", sent);
  // A socket reading into linear memory drops what arrives where it lands (no Buffer each).
  if (request instanceof LinearSocket) request.discard = discarded;
  else request.on("data", drained);
  request.on("close", forget);
  request.resume();
  if (lingerSweep === null) {
    lingerSweep = setInterval(sweepLingering, LINGER_SWEEP_MS);
    lingerSweep.unref();
  }
}

/** Our side has finished writing: the drain begins, with its full budget of bytes and time. */
function sent(this: Duplex): void {
  const entry = lingering.get(this);
  if (entry === undefined || entry.finished) return;
  if (!(entry.drainMs > 0)) {
    lingering.delete(this);
    this.destroy();
    return;
  }
  entry.finished = true;
  entry.budget = entry.limit;
  entry.deadline = Date.now() + entry.drainMs;
  this.resume();
}

/** `n` bytes arrived on a lingering connection: false when it is to be read no more. Past the
 * byte budget, a connection whose answer is sent is cut off (a peer that keeps sending garbage
 * after an error answer costs little); one still sending is no longer read until it has (the
 * peer waits, our answer goes on). */
function discarded(this: Duplex, n: number): boolean {
  const entry = lingering.get(this);
  if (entry === undefined) return true;
  entry.budget -= n;
  if (entry.budget >= 0) return true;
  if (entry.finished) {
    lingering.delete(this);
    this.destroy();
  } else {
    this.pause();
  }
  return false;
}

function drained(this: Duplex, chunk: Uint8Array): void {
  discarded.call(this, chunk.length);
}

function forget(this: Duplex): void {
  lingering.delete(this);
}

function sweepLingering(): void {
  const now = Date.now();
  for (const [request, entry] of lingering) {
    if (!entry.finished) {
      const left = unsent(request);
      if (left === 0) {
        // All written, and no 'finish' to come (close_request without end()).
        sent.call(request);
        continue;
      }
      if (left !== entry.unsent) {
        // Some of our answer moved: the peer is reading.
        entry.unsent = left;
        entry.deadline = now + entry.sendMs;
        continue;
      }
    }
    if (now >= entry.deadline) {
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
 * once our answer is all sent, before it is cut off), `sendTimeout` (seconds a connection the
 * server closes may go without taking any of the answer still queued for it, before it is cut
 * off: a peer that never reads). HTTPServer takes the three as options.
 */
export class TCPServer extends BaseServer {
  declare allow_reuse_address: boolean;
  declare request_queue_size: number;
  declare drainLimit: number;
  declare drainTimeout: number;
  declare sendTimeout: number;
  static {
    this.prototype.allow_reuse_address = false;
    this.prototype.request_queue_size = 511;
    this.prototype.drainLimit = 64 * 1024;
    this.prototype.drainTimeout = 2;
    this.prototype.sendTimeout = 60;
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
      // An error on a connection no handler has taken yet must not crash the process; the
      // same function then tells the connection's reader, if it gets one.
      socket.on("error", onSocketError);
      // A LinearSocket comes in the check phase already (newcomers.ts); node:net's own sockets
      // are handed on there too, after the reads of connections under way.
      if (socket instanceof LinearSocket) this.enqueue_request(socket, this.#clientAddress(socket));
      else later(TCPServer.#accepted, this, socket);
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

  /** A socket node:net accepted, in the check phase: handed on, or closed if the server was
   * closed meanwhile. */
  static #accepted(server: TCPServer, socket: net.Socket): void {
    if (server.#listening) server.enqueue_request(socket, server.#clientAddress(socket));
    else socket.destroy();
  }

  /**
   * client_address of an accepted socket. A socket read into WASM memory looks its peer up only
   * when the address is first read (peer-address.ts): once the connection is served, an address
   * never read is not looked up. So it is looked up at once when it goes to a server hook a
   * subclass overrides, which may keep it to read after the connection closed.
   */
  #clientAddress(socket: net.Socket): Address {
    const base = BaseServer.prototype;
    if (
      socket instanceof LinearSocket &&
      this.verify_request === base.verify_request &&
      this.process_request === base.process_request &&
      this.finish_request === base.finish_request &&
      this.handle_error === base.handle_error
    ) {
      return (socket.peer = new PeerAddress(socket)) as unknown as Address;
    }
    return [socket.remoteAddress ?? "", socket.remotePort ?? 0];
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

  /** Close once our answer is all sent (never dropping our own queued bytes; a peer that
   * takes none of them for `sendTimeout` seconds is cut off), after letting the peer's remaining
   * bytes drain (so the answer is not lost to a reset): at most `drainLimit` bytes for at most
   * `drainTimeout` seconds, both counted from when our side has finished writing. */
  override close_request(request: Duplex): void {
    // Served: an address nobody read is not looked up when the socket closes.
    if (request instanceof LinearSocket) request.peer = null;
    if (request.destroyed) return;
    linger(request, this.drainLimit, this.drainTimeout, this.sendTimeout);
  }

  /** Stop listening; connections accepted but never served are closed. */
  override server_close(): void {
    super.server_close();
    this.#listening = false;
    if (this.socket.listening) this.socket.close();
    for (const [request] of this.take_pending()) request.destroy();
  }
}
