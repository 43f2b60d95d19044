// A connection that has sent nothing yet holds only its socket, its handler object and this
// sleeper: BaseHTTPRequestHandler (handler.ts [SLEEP]) makes its per-connection objects
// (connection.ts's reader, the writer, the request body, the request fields) when the first
// input comes, not at accept. The handler object itself is made at accept as in CPython, so a
// subclass's constructor and fields run then; only setup() and handle() wait, and only when both
// are the library's own (no user code runs in them: the wait is invisible), with no socket
// timeout to arm. The first bytes, the peer's end or an error wake the sleeper: BaseServer then
// runs setup(), handle() and finish() as it would have at accept, and the reader made by setup()
// takes the input that woke it. The server's time limit for a first head (headTimeout, counted
// from accept) and its shutdown reach the sleeper through the connection registry, and wake it
// to go on exactly as an idle connection would (a 408 after headTimeout, a silent close on
// shutdown).

import { RESUME, type BaseServer } from "../socketserver/base-server.js";
import type { BaseRequestHandler, StreamRequestHandler } from "../socketserver/request-handler.js";
import { AWAKE, readerOf, sleepOn, type Sleeper } from "../socketserver/socket-reader.js";
import type { ConnectionRegistry, Live } from "./registry.js";

/** What sleep() needs of the server (HTTPServer's limits), when it has them. */
interface SleepLimits {
  readonly headTimeout?: number;
  readonly connections?: ConnectionRegistry;
}

/** A handler waiting for its connection's first input; in its server's registry for the head
 * time limit and shutdown. */
class HandlerSleeper implements Sleeper, Live {
  liveNext: Live | null = null;
  livePrevious: Live | null = null;
  #awake = false;

  constructor(
    readonly handler: BaseRequestHandler,
    readonly connections: ConnectionRegistry | null,
    public deadline: number,
  ) {}

  /** Input, end or error: the handler's setup() and handle() run now (setup() makes the reader
   * that takes the input). */
  [AWAKE](): void {
    // Once: if setup() failed (no reader took the socket), later events find the sleeper again.
    if (this.#awake) return;
    this.#awake = true;
    this.connections?.delete(this);
    const handler = this.handler;
    (handler.server as BaseServer)[RESUME](handler);
  }

  /** The head time limit passed with nothing received: woken, then expired as its connection. */
  expire(): void {
    this.#woken()?.expire();
  }

  /** The server shuts down: woken, then drained as its connection. */
  drain(closeIdle: boolean): void {
    this.#woken()?.drain(closeIdle);
  }

  /** Wake the handler (it goes idle waiting for its first head, as at accept); its connection. */
  #woken(): Live | undefined {
    const socket = this.handler.request;
    this[AWAKE]();
    const reader = readerOf(socket) as Partial<Live> | undefined;
    return reader !== undefined && typeof reader.expire === "function" ? (reader as Live) : undefined;
  }
}

/** The methods whose being the library's own lets a handler sleep. */
interface Sleepy extends StreamRequestHandler {
  handle_one_request(): unknown;
}

/** Let `handler` sleep until its connection sends its first bytes, ends or fails, when its
 * setup(), handle() and handle_one_request() are those of `own` (BaseHTTPRequestHandler's
 * prototype) and no socket timeout applies (a class `timeout` is armed by setup() at accept);
 * false, and nothing done, else. */
export function sleep(handler: Sleepy, own: Sleepy): boolean {
  if (handler.setup !== own.setup || handler.handle !== own.handle || handler.handle_one_request !== own.handle_one_request) return false;
  // A socket already gone would send no event to wake it: set up at once, as before.
  if ((handler.timeout !== null && handler.timeout !== undefined) || handler.request.destroyed) return false;
  const limits = handler.server as SleepLimits | null;
  const connections = limits?.connections ?? null;
  const seconds = limits?.headTimeout ?? 0;
  const deadline = seconds > 0 && Number.isFinite(seconds) ? Date.now() + seconds * 1000 : 0;
  const sleeper = new HandlerSleeper(handler, connections, deadline);
  connections?.add(sleeper);
  sleepOn(handler.request, sleeper);
  return true;
}
