// Accepted sockets that read straight into a region of memory chosen by the server (for
// HTTPServer, the WASM tokenizer's input region, so a head is scanned where it landed, with no
// copy in), through node:net's `onread` option: no Buffer allocated per read by the runtime and
// no trip through the Readable stream machinery. Each chunk goes to the socket's reader
// (socket-reader.ts) by a direct call, not a `data` event (no listener per connection, no
// arguments array per read); `data` is still emitted when someone else listens.
// Where the runtime cannot (no `_handle.useUserBuffer`: Deno, Bun; TLS sockets), the accepted
// socket is used as it is, and its `data` events come from the runtime.
// A new connection waits for the check phase (newcomers.ts): the accept, and the first bytes it
// sends, so that the poll phase serves connections already under way first; once a second read
// comes while its first bytes wait, it reads no more (what follows waits in the kernel, not
// copied out read by read).
// A lingering connection whose answer is sent is closed on its peer's end there too.

import diagnostics from "node:diagnostics_channel";
import net from "node:net";
import { later } from "./newcomers.js";
import type { PeerAddress } from "./peer-address.js";
import { CALLS_READER, readerData, readerEnded } from "./socket-reader.js";

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
  /** While set, called once when the socket is destroyed (a lingering connection leaves the
   * lingering list, linger.ts, without a `close` listener). Null on the prototype. */
  declare whenDestroyed: ((this: LinearSocket) => void) | null;
  /** The Buffer of its own the next read lands in, during a bulk transfer (see #onRead); null
   * (on the prototype: no slot per idle connection) while reads land in the region. */
  declare bulk: Buffer | null;
  /** PAUSED, HEARD, and the count of reads (and end) held for the check phase (HELD_ONE each). */
  #state = PAUSED;

  constructor(handle: StreamHandle, region: ReadRegion, allowHalfOpen: boolean) {
    super({
      handle,
      allowHalfOpen,
      // Nothing is read before a reader resumes the socket (as with pauseOnConnect).
      pauseOnCreate: true,
      onread: { buffer: landing(region), callback: LinearSocket.#onRead },
      // node:net's Socket sets these three on its copy of the options (the values it sets);
      // given here, its stores find the fields and add none. Each field it adds to that copy
      // makes a map of its own per socket (the copy's map does not keep transitions), and
      // every later read of the copy in the stream constructors then misses V8's inline
      // caches: ~30 runtime lookups per connection (bench/NOTES.md, session 7, ka3).
      emitClose: false,
      autoDestroy: true,
      decodeStrings: false,
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
    this.#readOn();
    return this;
  }

  /** Restart the handle's reads, if stopped (by pause(), or while a read was held). */
  #readOn(): void {
    const handle = (this as unknown as RawSocket)._handle;
    if (handle !== null && !handle.reading && !this.destroyed) {
      handle.reading = true;
      handle.readStart();
    }
  }

  /** The end of the stream (node pushes null when the peer ends): the reader is told at once,
   * in place of an `end` listener per socket. */
  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      if (this.discard !== null && this.writableFinished) {
        // Lingering with our answer all sent (linger.ts): the peer's end closes it, as node's
        // end of stream would (in a tick, through 'end'), but in the check phase with the
        // newcomers, not in the poll phase before the reads of connections under way. libuv
        // stopped reading at the end; the handle stays marked as reading so that node's
        // read(0) after this push does not start it again.
        const handle = (this as unknown as RawSocket)._handle;
        if (handle !== null) handle.reading = true;
        later(LinearSocket.#close, this, null);
        return false;
      }
      // After the bytes still held, if any (a request and its FIN in one go).
      if (this.#state >= HELD_ONE) {
        this.#state += HELD_ONE;
        later(LinearSocket.#deliver, this, null);
      } else readerEnded(this);
    }
    return super.push(chunk, encoding);
  }

  /**
   * `n` bytes landed in `landed`: the region (copied out into a Buffer of their own, as the
   * region is shared) or the socket's bulk landing; or dropped. A connection's first bytes (and
   * any behind them) are held for the check phase.
   *
   * A read that fills its buffer says a bulk transfer (a large body) is under way: the next read
   * then lands outside the region, right after this one in a slab of 1 MiB (a new slab when
   * less than a region's worth is left), and is handed on without a copy, as node:http's reads
   * are; consecutive reads are then adjacent in memory, so a read() that spans them is a view
   * too (byte-source.ts join()). A bulk read that does not fill its landing ends the burst: it is
   * copied out (no slab stays pinned by the last chunk of an idle connection) and the next read
   * lands in the region again.
   */
  static #onRead(this: LinearSocket, n: number, landed: Uint8Array): boolean {
    const region = this.region;
    const discard = this.discard;
    const view = region.view();
    let chunk: Buffer | null = null;
    let full = n === view.length;
    let slab: ArrayBuffer | null = null;
    if (landed === this.bulk) {
      this.bulk = null;
      full = n === landed.length;
      if (full) slab = landed.buffer as ArrayBuffer;
      if (discard === null) {
        if (full) chunk = Buffer.from(slab!, landed.byteOffset, n);
        else {
          chunk = Buffer.allocUnsafe(n);
          chunk.set(landed.subarray(0, n), 0);
        }
      }
    } else if (discard !== null) {
      // What the region held is overwritten and adopted by no one.
      region.adopt(NOTHING, 0);
    } else {
      chunk = Buffer.allocUnsafe(n);
      chunk.set(full ? view : view.subarray(0, n), 0);
      region.adopt(chunk, n);
    }
    if (chunk === null) return discard!.call(this, n) && !this.paused;
    const state = this.#state;
    const held = (state & HEARD) === 0 || state >= HELD_ONE;
    if (held) {
      this.#state = state + HELD_ONE;
      later(LinearSocket.#deliver, this, chunk);
    } else handOn(this, chunk);
    if (full && !this.destroyed) {
      let at = slab === null ? SLAB : landed.byteOffset + n;
      if (SLAB - at < view.length) {
        if (!primed) primeAllocator();
        slab = Buffer.allocUnsafeSlow(SLAB).buffer as ArrayBuffer;
        at = 0;
      }
      nextLanding = this.bulk = Buffer.from(slab!, at, Math.min(BULK_READ, SLAB - at));
    }
    // A second read while one is held (or a held read that filled its landing: more is waiting)
    // stops reading until #deliver has handed them on: what the peer sends meanwhile (a garbage
    // flooder writes on) waits in the kernel and is read in one go then, not read and copied out
    // read by read, each a job of its own, while the connection waits its turn. The first held
    // read does not: it is usually handed on in the check phase of the same turn, before any more
    // comes, and a stop there costs libuv's watcher a restart, two epoll_ctl calls (a failing
    // EPOLL_CTL_ADD then a MOD, as the fd stays in the epoll set) per new connection.
    return (!held || (state < HELD_ONE && !full)) && !this.paused;
  }

  /** A held read (`chunk`) or end (null) of `socket`, in the check phase: handed on now, and
   * reading goes on (a lingering socket's linger() restarted it already). */
  static #deliver(socket: LinearSocket, chunk: Buffer | null): void {
    const state = (socket.#state = (socket.#state - HELD_ONE) | HEARD);
    if (socket.destroyed || socket.discard !== null) return;
    if (chunk === null) readerEnded(socket);
    else {
      handOn(socket, chunk);
      if (state < HELD_ONE && (socket.#state & PAUSED) === 0) socket.#readOn();
    }
  }

  /** A lingering socket whose peer ended, in the check phase: closed (unless it is already). */
  static #close(socket: LinearSocket): void {
    if (!socket.destroyed) socket.destroy();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The reader learns of the close here, in place of a `close` listener; after an error from
    // the `error` event that follows.
    if (error === null || error === undefined) readerEnded(this);
    this.peer?.settle();
    this.peer = null;
    const destroyed = this.whenDestroyed;
    if (destroyed !== null) {
      this.whenDestroyed = null;
      destroyed.call(this);
    }
    super._destroy(error, callback);
  }

  static {
    (this.prototype as { [CALLS_READER]?: boolean })[CALLS_READER] = true;
    this.prototype.discard = null;
    this.prototype.whenDestroyed = null;
    this.prototype.bulk = null;
  }

  /** Whether pause() is in force. */
  get paused(): boolean {
    return (this.#state & PAUSED) !== 0;
  }
}

/** A read of `socket`, to its reader, then as `data` to any listener (none, usually). */
function handOn(socket: LinearSocket, chunk: Buffer): void {
  readerData(socket, chunk);
  if (socket.listenerCount("data") !== 0) socket.emit("data", chunk);
}

/** A bulk transfer's reads land one after the other in slabs of this size, each read at most
 * BULK_READ bytes, while at least a region's worth of the slab is left. */
const SLAB = 1 << 20;
const BULK_READ = 256 * 1024;

/**
 * Slabs are freed by the GC, tens of MB at a time, and glibc's malloc gives memory freed at the
 * top of its heap back to the kernel once it exceeds M_TRIM_THRESHOLD (128 KiB at first, twice
 * the mmap threshold later; mallopt(3)): the next slabs then land in pages the kernel must
 * fault in and zero, ~15-19k faults per 512 MiB upload, most of the kernel time that made a
 * chunked upload slower than node:http's (bench/NOTES.md, session 6). glibc raises both
 * thresholds by itself when a block it had mapped on its own is freed (the mmap threshold to
 * that block's size, at most 32 MiB on 64-bit; the trim threshold to twice that): the first bulk
 * transfer of the process allocates one such block of PRIMER bytes and drops it, so that once
 * the GC has freed it, a burst of freed slabs stays in the heap for the next ones (up to 60 MiB
 * kept free instead of returned). The block is never written: none of its pages becomes
 * resident. Other allocators ignore it.
 */
const PRIMER = 30 << 20;
let primed = false;

function primeAllocator(): void {
  primed = true;
  Buffer.allocUnsafeSlow(PRIMER);
}

/** Whether the first bulk transfer has primed the allocator (for tests). */
export function allocatorPrimed(): boolean {
  return primed;
}

/** Where the read after the one #onRead is handling lands, when not in the region: node asks
 * the socket's `buffer` function (landing()) for it right after #onRead returns. */
let nextLanding: Buffer | null = null;

const landings = new WeakMap<ReadRegion, () => Uint8Array>();

/** The `onread.buffer` function of the sockets reading into `region` (one per region, not per
 * socket): the buffer #onRead chose for the socket's next read, else the region. */
function landing(region: ReadRegion): () => Uint8Array {
  let f = landings.get(region);
  if (f === undefined) {
    f = () => {
      const own = nextLanding;
      if (own === null) return region.view();
      nextLanding = null;
      return own;
    };
    landings.set(region, f);
  }
  return f;
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
