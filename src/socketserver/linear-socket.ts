// Accepted sockets that read straight into a region of memory chosen by the server (for
// HTTPServer, the WASM tokenizer's input region, so a head is scanned where it landed, with no
// copy in), through node:net's `onread` option: no Buffer allocated per read by the runtime and
// no trip through the Readable stream machinery. The socket still emits `data` with each chunk,
// so readers (socket-reader.ts) do not know which kind of socket they read.
// Where the runtime cannot (no `_handle.useUserBuffer`: Deno, Bun; TLS sockets), the accepted
// socket is used as it is, and its `data` events come from the runtime.
// A new connection waits for the check phase (newcomers.ts): the accept, and the first bytes it
// sends, so that the poll phase serves connections already under way first.

import diagnostics from "node:diagnostics_channel";
import net from "node:net";
import { later } from "./newcomers.js";
import type { PeerAddress } from "./peer-address.js";
import { readerEnded, SIGNALS_END } from "./socket-reader.js";

const PAUSED = 1;
/** The connection's first bytes have been handed on: its reads are no longer held. */
const HEARD = 2;
const HELD_ONE = 4;

const NOTHING = new Uint8Array(0);

/** Where reads land. Shared by all sockets of a server: each read is handed out (copied into a
 * Buffer of its own) before the next one, on any socket, can land. */
export interface ReadRegion {
  /** The memory the next read lands in (the same view until the memory behind it grows). */
  view(): Uint8Array;
  /** `input[0, n)` holds what sits at the start of the region now. */
  adopt(input: Uint8Array, n: number): void;
}

/** The part of a libuv stream handle this file uses (node's TCPWrap). */
interface StreamHandle {
  reading: boolean;
  readStart(): number;
  useUserBuffer?: unknown;
}

interface RawSocket {
  _handle: StreamHandle | null;
  server: net.Server | null;
  _server: net.Server | null;
}

/** A socket over an accepted handle, reading into `region`. */
export class LinearSocket extends net.Socket {
  readonly region: ReadRegion;
  /** The connection's client_address while the server serves it: looked up before the handle
   * closes (a reset), if nobody has yet. TCPServer sets it, close_request clears it. */
  peer: PeerAddress | null = null;
  /** While set, each read is dropped where it landed (no Buffer made, no `data`): called with
   * its length; false stops reading. For a connection lingering after its answer (tcp-server.ts).
   * Null on the prototype: an idle connection holds no slot for it. */
  declare discard: ((this: LinearSocket, n: number) => boolean) | null;
  /** PAUSED, HEARD, and the count of reads (and end) held for the check phase (HELD_ONE each). */
  #state = PAUSED;

  constructor(handle: StreamHandle, region: ReadRegion, allowHalfOpen: boolean) {
    super({
      handle,
      allowHalfOpen,
      // Nothing is read before a reader resumes the socket (as with pauseOnConnect).
      pauseOnCreate: true,
      onread: { buffer: region.view, callback: LinearSocket.#onRead },
    } as net.SocketConstructorOpts);
    this.region = region;
  }

  /** Stop reading: the next read is the last until resume() (onRead returns false). */
  override pause(): this {
    this.#state |= PAUSED;
    return super.pause();
  }

  override resume(): this {
    this.#state &= ~PAUSED;
    super.resume();
    // The Readable machinery sees no pushes on this socket, so it may think a read is still
    // under way and not restart the handle: restart it here.
    const handle = (this as unknown as RawSocket)._handle;
    if (handle !== null && !handle.reading && !this.destroyed) {
      handle.reading = true;
      handle.readStart();
    }
    return this;
  }

  /** The end of the stream (node pushes null when the peer ends): the reader is told at once,
   * in place of an `end` listener per socket. */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      // After the bytes still held, if any (a request and its FIN in one go).
      if (this.#state >= HELD_ONE) {
        this.#state += HELD_ONE;
        later(LinearSocket.#deliver, this, null);
      } else readerEnded(this);
    }
    return super.push(chunk, encoding);
  }

  /** `n` bytes landed at the start of the region: copy them out and hand them on (or drop them).
   * A connection's first bytes (and any behind them) are held for the check phase. */
  static #onRead(this: LinearSocket, n: number): boolean {
    const region = this.region;
    const discard = this.discard;
    if (discard !== null) {
      // What the region held is overwritten and adopted by no one.
      region.adopt(NOTHING, 0);
      return discard.call(this, n) && !this.paused;
    }
    const view = region.view();
    const chunk = Buffer.allocUnsafe(n);
    chunk.set(n === view.length ? view : view.subarray(0, n), 0);
    region.adopt(chunk, n);
    const state = this.#state;
    if ((state & HEARD) === 0 || state >= HELD_ONE) {
      this.#state = state + HELD_ONE;
      later(LinearSocket.#deliver, this, chunk);
    } else this.emit("data", chunk);
    return !this.paused;
  }

  /** A held read (`chunk`) or end (null) of `socket`, in the check phase: handed on now. */
  static #deliver(socket: LinearSocket, chunk: Buffer | null): void {
    socket.#state = (socket.#state - HELD_ONE) | HEARD;
    if (socket.destroyed || socket.discard !== null) return;
    if (chunk === null) readerEnded(socket);
    else socket.emit("data", chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.peer?.settle();
    this.peer = null;
    super._destroy(error, callback);
  }

  static {
    (this.prototype as { [SIGNALS_END]?: boolean })[SIGNALS_END] = true;
    this.prototype.discard = null;
  }

  /** Whether pause() is in force. */
  get paused(): boolean {
    return (this.#state & PAUSED) !== 0;
  }
}

interface ListenHandle {
  onconnection: (this: ListenHandle, error: number, client?: StreamHandle) => void;
}

interface RawServer {
  _handle: ListenHandle | null;
  _connections: number;
  maxConnections?: number;
}

/** Where node:net tells subscribers about accepted sockets; published as node:net does. */
const serverSocketChannel = diagnostics.channel("net.server.socket");

/**
 * Make the listening `server` create each accepted socket as a LinearSocket reading into
 * `region`, paused (as with pauseOnConnect), in place of node:net's own socket: one socket
 * object per connection, not one made and one re-made. False, and nothing changed, where the
 * runtime has no such listening handle (Deno, Bun); a socket whose handle cannot read into a
 * chosen buffer, or a server with maxConnections, goes through node:net as before.
 */
export function acceptInto(server: net.Server, region: ReadRegion, allowHalfOpen: boolean): boolean {
  const raw = server as unknown as RawServer;
  const listener = raw._handle;
  if (listener === null || listener === undefined || typeof listener.onconnection !== "function") return false;
  const nodeOnConnection = listener.onconnection;
  const acceptor: Acceptor = { server, region, allowHalfOpen };
  listener.onconnection = function onconnection(error, client) {
    if (error || client === undefined || typeof client.useUserBuffer !== "function" || raw.maxConnections) {
      nodeOnConnection.call(this, error, client);
      return;
    }
    later(accept, acceptor, client);
  };
  return true;
}

interface Acceptor {
  readonly server: net.Server;
  readonly region: ReadRegion;
  readonly allowHalfOpen: boolean;
}

/** An accepted handle, in the check phase: its socket made and handed to the server (closed
 * unserved if the server stopped listening meanwhile). */
function accept({ server, region, allowHalfOpen }: Acceptor, client: StreamHandle): void {
  if (!server.listening) {
    (client as unknown as { close(): void }).close();
    return;
  }
  const socket = new LinearSocket(client, region, allowHalfOpen);
  // As node:net's onconnection: the server counts its connections down when each closes.
  (server as unknown as RawServer)._connections++;
  const s = socket as unknown as RawSocket;
  s.server = s._server = server;
  server.emit("connection", socket);
  if (serverSocketChannel.hasSubscribers) serverSocketChannel.publish({ socket });
}
