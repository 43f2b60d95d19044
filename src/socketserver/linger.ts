// The lingering close of TCPServer.close_request (tcp-server.ts): a connection the server closes
// is kept until our answer is all sent, then drained (what the peer still sends is read and
// dropped, so our answer is not lost to a reset) within a byte and a time budget, then
// destroyed. One sweep looks at every lingering connection; each one's state is an entry the
// socket points to, and the entries form a list (no Map entry, no timer, no closure per
// connection). A socket reading into WASM memory (linear-socket.ts) drops its reads where they
// land and leaves the list when destroyed (no `close` listener); other sockets through `data`
// and `close` listeners. A connection whose client asked for the close and will send nothing
// more (peerDone, set by the HTTP layer) is not drained: it is destroyed once our FIN is sent.

import type { Duplex } from "node:stream";

/** How often lingering connections are looked at (progress of our answer, deadlines). */
const LINGER_SWEEP_MS = 250;

/** Where a lingering socket keeps its entry. */
const ENTRY: unique symbol = Symbol("linger entry");

/** What linger() needs of a socket that reads into linear memory (LinearSocket): a read-drop
 * hook and a destroy hook, both null while unset. */
interface DroppingSocket extends Duplex {
  discard: ((this: DroppingSocket, n: number) => boolean) | null;
  whenDestroyed: ((this: DroppingSocket) => void) | null;
}

/** Set on a socket whose peer will send nothing more (peerDone). */
const PEER_DONE: unique symbol = Symbol("peer done");

type Lingering = Duplex & { [ENTRY]?: Linger | null; [PEER_DONE]?: boolean };

/** Mark `socket` as one whose peer will send nothing more: it asked for the close (RFC 9112
 * §9.6: a client that sent `close` MUST NOT send further requests) and everything it sent was
 * read. TCPServer.close_request then closes it without a drain (the HTTP layer sets it). */
export function peerDone(socket: Duplex): void {
  (socket as Lingering)[PEER_DONE] = true;
}

/** Whether peerDone() marked `socket`. */
export function isPeerDone(socket: Duplex): boolean {
  return (socket as Lingering)[PEER_DONE] === true;
}

function destroyThis(this: Duplex): void {
  this.destroy();
}

/** Destroy `request` once its FIN is sent: at once when its writing has finished (or was never
 * ended: close_request without shutdown_request, where the close itself sends the FIN), else on
 * 'finish', which comes once the shutdown is done. Destroying before it would drop the pending
 * shutdown, as node:http's destroySoon() knows. Closing a socket with nothing unread sends a FIN,
 * not a reset (RFC 9293 §3.6.1: a reset only for received data left unread, or data arriving
 * after the close; Linux tcp_close does so). */
function destroyWhenSent(request: Duplex): void {
  if (request.writableFinished || !request.writableEnded) request.destroy();
  else request.on("finish", destroyThis);
}

/** A connection closing after close_request. While our side still has bytes to send (the
 * "sending" phase) it is cut off only when none of them has moved for `sendMs`; once our side
 * has finished writing ('finish'), it drains for at most `drainMs` and `budget` bytes. */
class Linger {
  /** The entries linked before and after this one. */
  previous: Linger | null = null;
  next: Linger | null = null;

  constructor(
    readonly socket: Lingering,
    public deadline: number,
    /** Bytes the peer may still send (reset when our side finishes). */
    public budget: number,
    readonly limit: number,
    readonly drainMs: number,
    readonly sendMs: number,
    /** Our side has finished writing: everything we wrote is with the kernel, FIN queued. */
    public finished: boolean,
    /** Our bytes not yet taken by the kernel, at the last look (sending phase). */
    public unsent: number,
  ) {}
}

let first: Linger | null = null;
let lingerSweep: NodeJS.Timeout | null = null;

/** Connections lingering now (for tests). */
export function lingeringCount(): number {
  let n = 0;
  for (let e = first; e !== null; e = e.next) n++;
  return n;
}

function unlink(entry: Linger): void {
  const socket = entry.socket;
  if (socket[ENTRY] !== entry) return;
  socket[ENTRY] = null;
  const { previous, next } = entry;
  if (previous === null) first = next;
  else previous.next = next;
  if (next !== null) next.previous = previous;
  entry.previous = entry.next = null;
}

interface WriteQueue {
  _handle?: { writeQueueSize?: number } | null;
}

/** Our bytes still to go: the stream's queue, plus what libuv holds of the write in flight
 * (which falls as the peer reads, where the stream's count falls only per whole write). */
function unsent(request: Duplex): number {
  const queued = (request as unknown as WriteQueue)._handle?.writeQueueSize;
  return request.writableLength + (typeof queued === "number" ? queued : 0);
}

/** Whether `request` drops its reads where they land (a LinearSocket). */
function dropsReads(request: Duplex): request is DroppingSocket {
  return "discard" in request && "whenDestroyed" in request;
}

/**
 * Keep `request` until our answer is all sent (cut off only if none of it moves for
 * `sendSeconds`), then drain it (read and drop what the peer still sends, so our answer is not
 * lost to a reset) for at most `bytes` and `drainSeconds`; then destroy it. Destroying a socket
 * whose writes have finished loses nothing: the kernel still delivers what it holds.
 */
export function linger(request: Duplex, bytes: number, drainSeconds: number, sendSeconds: number): void {
  // Nothing of ours left in the stream (what it wrote is with the kernel).
  const finished = request.writableLength === 0;
  const drainMs = drainSeconds * 1000;
  if (finished && !(drainMs > 0)) {
    destroyWhenSent(request);
    return;
  }
  const socket = request as Lingering;
  const old = socket[ENTRY];
  if (old !== undefined && old !== null) unlink(old);
  const entry = new Linger(
    socket,
    Date.now() + (finished ? drainMs : sendSeconds * 1000),
    bytes,
    bytes,
    drainMs,
    sendSeconds * 1000,
    finished,
    finished ? 0 : unsent(request),
  );
  socket[ENTRY] = entry;
  entry.next = first;
  if (first !== null) first.previous = entry;
  first = entry;
  if (!finished) request.on("finish", sent);
  if (dropsReads(request)) {
    // It drops what arrives where it lands (no Buffer each), and says when it is destroyed.
    request.discard = discarded;
    request.whenDestroyed = forget;
  } else {
    request.on("data", drained);
    request.on("close", forget);
  }
  request.resume();
  if (lingerSweep === null) {
    lingerSweep = setInterval(sweepLingering, LINGER_SWEEP_MS);
    lingerSweep.unref();
  }
}

/** Our side has finished writing: the drain begins, with its full budget of bytes and time. */
function sent(this: Lingering): void {
  const entry = this[ENTRY];
  if (entry === undefined || entry === null || entry.finished) return;
  if (!(entry.drainMs > 0)) {
    unlink(entry);
    destroyWhenSent(this);
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
function discarded(this: Lingering, n: number): boolean {
  const entry = this[ENTRY];
  if (entry === undefined || entry === null) return true;
  entry.budget -= n;
  if (entry.budget >= 0) return true;
  if (entry.finished) {
    unlink(entry);
    this.destroy();
  } else {
    this.pause();
  }
  return false;
}

function drained(this: Lingering, chunk: Uint8Array): void {
  discarded.call(this, chunk.length);
}

function forget(this: Lingering): void {
  const entry = this[ENTRY];
  if (entry !== undefined && entry !== null) unlink(entry);
}

function sweepLingering(): void {
  const now = Date.now();
  let next: Linger | null;
  for (let entry = first; entry !== null; entry = next) {
    next = entry.next;
    const request = entry.socket;
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
      unlink(entry);
      request.destroy();
    }
  }
  if (first === null && lingerSweep !== null) {
    clearInterval(lingerSweep);
    lingerSweep = null;
  }
}
