// TCPServer (Lib/socketserver.py) on node:net: binds and listens, and hands each accepted
// socket to BaseServer's dispatch. Node binds and listens in one step, so server_bind() does
// both and server_activate() is a hook; bind errors reject `ready`.

import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { BaseServer, type RequestHandlerClass } from "./base-server.js";
import { acceptInto, LinearSocket, type ReadRegion } from "./linear-socket.js";
import { isPeerDone, linger } from "./linger.js";
import { later } from "./newcomers.js";
import { PeerAddress } from "./peer-address.js";
import { onSocketError } from "./socket-reader.js";
import type { Address } from "./request-handler.js";

function ignore(): void {}

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
   * `drainTimeout` seconds, both counted from when our side has finished writing. No drain when
   * the peer will send nothing more (linger.ts peerDone: a client that asked for the close,
   * RFC 9112 §9.6, all it sent read): closed as soon as our FIN is sent, as node:http does. */
  override close_request(request: Duplex): void {
    // Served: an address nobody read is not looked up when the socket closes.
    if (request instanceof LinearSocket) request.peer = null;
    if (request.destroyed) return;
    linger(request, this.drainLimit, isPeerDone(request) ? 0 : this.drainTimeout, this.sendTimeout);
  }

  /** Stop listening; connections accepted but never served are closed. */
  override server_close(): void {
    super.server_close();
    this.#listening = false;
    if (this.socket.listening) this.socket.close();
    for (const [request] of this.take_pending()) request.destroy();
  }
}
