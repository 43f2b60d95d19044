// Accepted sockets that read straight into a region of memory chosen by the server (for
// HTTPServer, the WASM tokenizer's input region, so a head is scanned where it landed, with no
// copy in), through node:net's `onread` option: no Buffer allocated per read by the runtime and
// no trip through the Readable stream machinery. The socket still emits `data` with each chunk,
// so readers (socket-reader.ts) do not know which kind of socket they read.
// Where the runtime cannot (no `_handle.useUserBuffer`: Deno, Bun; TLS sockets), the accepted
// socket is used as it is, and its `data` events come from the runtime.

import net from "node:net";

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

/** A socket re-wrapped around an accepted handle, reading into `region`. */
export class LinearSocket extends net.Socket {
  readonly region: ReadRegion;
  #paused = true;

  constructor(handle: StreamHandle, region: ReadRegion, allowHalfOpen: boolean) {
    super({
      handle,
      allowHalfOpen,
      // Nothing is read before a reader resumes the socket (as with pauseOnConnect).
      pauseOnCreate: true,
      onread: { buffer: region.view, callback: onRead },
    } as net.SocketConstructorOpts);
    this.region = region;
  }

  /** Stop reading: the next read is the last until resume() (onRead returns false). */
  override pause(): this {
    this.#paused = true;
    return super.pause();
  }

  override resume(): this {
    this.#paused = false;
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

  /** Whether pause() is in force. */
  get paused(): boolean {
    return this.#paused;
  }
}

/** `n` bytes landed at the start of the region: copy them out and hand them on. */
function onRead(this: LinearSocket, n: number): boolean {
  const region = this.region;
  const view = region.view();
  const chunk = Buffer.allocUnsafe(n);
  chunk.set(n === view.length ? view : view.subarray(0, n), 0);
  region.adopt(chunk, n);
  this.emit("data", chunk);
  return !this.paused;
}

/**
 * The accepted `socket` (paused, from a server with `pauseOnConnect`) re-wrapped to read into
 * `region`; `socket` itself when the runtime cannot. The old socket object is dropped.
 */
export function readInto(socket: net.Socket, region: ReadRegion, allowHalfOpen: boolean): net.Socket {
  const raw = socket as unknown as RawSocket;
  const handle = raw._handle;
  if (handle === null || handle === undefined || typeof handle.useUserBuffer !== "function" || socket.destroyed) return socket;
  const linear = new LinearSocket(handle, region, allowHalfOpen);
  const wrapped = linear as unknown as RawSocket;
  // The server counts its connections down when this socket closes (server.close() waits).
  wrapped.server = raw.server;
  wrapped._server = raw._server;
  raw._handle = null;
  raw.server = raw._server = null;
  return linear;
}
