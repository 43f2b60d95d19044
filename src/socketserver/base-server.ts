// BaseServer (Lib/socketserver.py): the accept-and-dispatch loop, knowing nothing of sockets.
// TCPServer (tcp-server.ts) feeds it accepted connections; it hands each one to a new
// RequestHandlerClass. Connections are served concurrently on the event loop, which is what
// Python's ThreadingMixIn gives; serve_forever/shutdown/handle_request keep Python's contract.

import type { Duplex } from "node:stream";
import { pyRepr } from "../py/format.js";
import { Deferred, type Settled } from "./deferred.js";
import { SLEEP, type Address, type BaseRequestHandler } from "./request-handler.js";

/** BaseServer's method that goes on with a handler that slept until its connection's first
 * input (request-handler.ts SLEEP): setup(), handle(), finish() now. */
export const RESUME: unique symbol = Symbol("resume");

/** A handler class: `new Handler(request, client_address, server)`. */
export type RequestHandlerClass<S extends BaseServer = BaseServer> = new (
  request: Duplex,
  client_address: Address,
  server: S,
) => BaseRequestHandler;

type Pending = [request: Duplex, client_address: Address];

const DONE = Promise.resolve();

function isPromise(value: unknown): value is PromiseLike<void> {
  return typeof (value as PromiseLike<void> | undefined)?.then === "function";
}

/**
 * Base class for servers.
 *
 * For the caller: `serve_forever(poll_interval)`, `shutdown()`, `handle_request()`,
 * `server_close()`, `await using`.
 * May be overridden: `server_bind`, `server_activate`, `handle_timeout`, `verify_request`,
 * `process_request`, `server_close`, `shutdown_request`, `close_request`, `service_actions`,
 * `handle_error`. For subclasses: `finish_request`.
 */
export class BaseServer {
  /** Seconds handle_request() waits for a connection before handle_timeout(); null: forever. */
  declare timeout: number | null;
  static {
    this.prototype.timeout = null;
  }

  server_address: Address;
  RequestHandlerClass: RequestHandlerClass<never>;
  /** Resolves once the server can accept connections; rejects if it cannot (bind errors). */
  ready: Promise<void> = Promise.resolve();

  /** Accepted connections no serve_forever/handle_request has taken yet (Python's backlog). */
  readonly #pending: Pending[] = [];
  #acceptWaiter: ((p: Pending | null) => void) | null = null;
  #shutdownRequest = false;
  #stopLoop: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  /** Connections being served, and who waits for there to be none (shutdown). */
  #active = 0;
  #whenIdle: (() => void)[] = [];
  /** Handlers driven for finish_request(), with the promise it returned (settled once finish()
   * is done); null until the first. The server's own serve_forever path adds none. */
  #awaited: Map<BaseRequestHandler, [resolve: () => void, reject: (error: unknown) => void]> | null = null;
  /** One function for every connection's end, not a closure each. */
  readonly #served = (): void => {
    if (--this.#active === 0) for (const resolve of this.#whenIdle.splice(0)) resolve();
  };

  constructor(server_address: Address, RequestHandlerClass: RequestHandlerClass<never>) {
    this.server_address = server_address;
    this.RequestHandlerClass = RequestHandlerClass;
  }

  /** Called to bind the server. May be overridden. */
  server_bind(): void | Promise<void> {}

  /** Called to activate the server. May be overridden. */
  server_activate(): void | Promise<void> {}

  /**
   * Serve connections until shutdown(); resolves then. Each accepted connection is served
   * concurrently. `poll_interval` (seconds) is how often service_actions() runs.
   */
  serve_forever(poll_interval = 0.5): Promise<void> {
    if (this.#loop !== null) return Promise.reject(new Error("serve_forever() is already running"));
    // The loop is registered before the first await, so a shutdown() right after stops it.
    const stopped = new Promise<void>((resolve) => {
      this.#stopLoop = resolve;
    });
    const loop = (async () => {
      let timer: NodeJS.Timeout | null = null;
      try {
        await this.ready;
        if (!this.#shutdownRequest) {
          timer = setInterval(() => this.service_actions(), Math.max(1, poll_interval * 1000));
          timer.unref();
          while (this.#pending.length > 0) this.#start(...this.#pending.shift()!);
          await stopped;
        }
      } finally {
        if (timer !== null) clearInterval(timer);
        this.#shutdownRequest = false;
        this.#stopLoop = null;
        this.#loop = null;
      }
    })();
    this.#loop = loop;
    return loop;
  }

  /**
   * Stop the serve_forever() loop, then wait for the connections being served: each finishes
   * the request it is on (and those already received), idle ones are closed. Resolves when all
   * are done. The listening socket stays open until server_close().
   */
  async shutdown(): Promise<void> {
    const loop = this.#loop;
    if (loop !== null) {
      this.#shutdownRequest = true;
      this.#stopLoop?.();
    }
    // At once: an answer being made now already says that the connection closes after it.
    this.drain_connections();
    if (loop !== null) await loop.catch(() => undefined);
    if (this.#active > 0) await new Promise<void>((resolve) => this.#whenIdle.push(resolve));
  }

  /** Ask the connections being served to close once idle. Called by shutdown(); HTTPServer overrides. */
  drain_connections(): void {}

  /** Called by the serve_forever() loop every poll_interval. May be overridden. */
  service_actions(): void {}

  /**
   * Accept one connection and serve it completely; when none arrives within `timeout` seconds,
   * call handle_timeout() instead.
   */
  async handle_request(): Promise<void> {
    await this.ready;
    let next = this.#pending.shift() ?? null;
    if (next === null) next = await this.#nextConnection(this.timeout);
    if (next === null) return this.handle_timeout();
    await this.#dispatch(next);
  }

  #nextConnection(timeout: number | null): Promise<Pending | null> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      this.#acceptWaiter = (p) => {
        if (timer !== null) clearTimeout(timer);
        this.#acceptWaiter = null;
        resolve(p);
      };
      if (timeout !== null && timeout !== undefined) {
        timer = setTimeout(() => this.#acceptWaiter?.(null), Math.max(0, timeout * 1000));
      }
    });
  }

  /** Called by the transport (TCPServer) for each accepted connection. */
  protected enqueue_request(request: Duplex, client_address: Address): void {
    if (this.#acceptWaiter !== null) this.#acceptWaiter([request, client_address]);
    else if (this.#loop !== null && !this.#shutdownRequest) this.#start(request, client_address);
    else this.#pending.push([request, client_address]);
  }

  /** Connections accepted and not yet served; server_close() drops them. */
  protected take_pending(): Pending[] {
    return this.#pending.splice(0);
  }

  /** Python's _handle_request_noblock: verify, process, and handle any error. */
  #dispatch([request, client_address]: Pending): Promise<void> {
    const run = this.#serve(request, client_address);
    this.#active++;
    void run.then(this.#served, this.#served);
    return run;
  }

  /** #dispatch for serve_forever, which waits for no connection: when process_request and
   * finish_request are BaseServer's, the handler is driven here on callbacks (as finish_request
   * drives it, without its promise), and a handler waiting on callbacks (a Deferred from
   * handle()) costs no promise; else #dispatch. */
  #start(request: Duplex, client_address: Address): void {
    const base = BaseServer.prototype;
    if (this.process_request !== base.process_request || this.finish_request !== base.finish_request) {
      void this.#dispatch([request, client_address]);
      return;
    }
    this.#active++;
    let handler: BaseRequestHandler;
    try {
      if (!this.verify_request(request, client_address)) {
        this.shutdown_request(request);
        return this.#served();
      }
    } catch {
      // As #dispatch's rejected run, which serve_forever does not wait for.
      return this.#served();
    }
    try {
      const Handler = this.RequestHandlerClass as unknown as RequestHandlerClass<this>;
      handler = new Handler(request, client_address, this);
    } catch (error) {
      return this.#end(request, client_address, error, true);
    }
    this.#setup(handler, true);
  }

  /** Drive `handler`: setup(), handle(), finish() (always after handle(), as Python's
   * try/finally), then #settled; a failing setup() goes to #settled at once. A handler may
   * sleep until its connection's first input instead (`mayWait`; SLEEP): then [RESUME]. */
  #setup(handler: BaseRequestHandler, mayWait: boolean): void {
    try {
      if (mayWait && handler[SLEEP]()) return;
      const setup = handler.setup();
      if (isPromise(setup)) {
        setup.then(() => this.#handle(handler), (error: unknown) => this.#settled(handler, handler.request, error, true));
        return;
      }
    } catch (error) {
      return this.#settled(handler, handler.request, error, true);
    }
    this.#handle(handler);
  }

  /** A handler that slept (SLEEP) is woken by its connection's first input, end or error, or
   * by its server (a time limit, shutdown): driven from setup() on, now. */
  [RESUME](handler: BaseRequestHandler): void {
    this.#setup(handler, false);
  }

  /** handle(), then #finish. */
  #handle(handler: BaseRequestHandler): void {
    let handled: void | Promise<void>;
    try {
      handled = handler.handle();
    } catch (error) {
      return this.#finish(handler, error, true);
    }
    if (handled instanceof Deferred) handled.listen(BaseServer.#handled as Settled, handler);
    else if (isPromise(handled)) {
      handled.then(() => this.#finish(handler, undefined, false), (error: unknown) => this.#finish(handler, error, true));
    } else this.#finish(handler, undefined, false);
  }

  /** A Deferred from handle() settled: one function for every connection, not closures. */
  static #handled(handler: BaseRequestHandler, error: unknown, failed: boolean): void {
    (handler.server as BaseServer).#finish(handler, error, failed);
  }

  /** finish() (always, as Python's try/finally), then #settled. */
  #finish(handler: BaseRequestHandler, error: unknown, failed: boolean): void {
    const request = handler.request;
    let finished: void | Promise<void>;
    try {
      finished = handler.finish();
    } catch (finishError) {
      return this.#settled(handler, request, finishError, true);
    }
    if (isPromise(finished)) {
      finished.then(
        () => this.#settled(handler, request, error, failed),
        (finishError: unknown) => this.#settled(handler, request, finishError, true),
      );
    } else this.#settled(handler, request, error, failed);
  }

  /** The handler is done: finish_request's promise settles, or (serve_forever's own path) #end. */
  #settled(handler: BaseRequestHandler, request: Duplex, error: unknown, failed: boolean): void {
    const awaited = this.#awaited?.get(handler);
    if (awaited !== undefined) {
      this.#awaited!.delete(handler);
      return failed ? awaited[1](error) : awaited[0]();
    }
    // An address nobody read is not looked up for a connection served without failure.
    this.#end(request, failed ? handler.client_address : null, error, failed);
  }

  /** The connection is served: shutdown_request(), or after a failure handle_error() first. */
  #end(request: Duplex, client_address: Address | null, error: unknown, failed: boolean): void {
    try {
      if (!failed) {
        try {
          return this.shutdown_request(request);
        } catch (shutdownError) {
          error = shutdownError;
        }
      }
      this.handle_error(request, client_address!, error);
      this.shutdown_request(request);
    } catch {
      // As #dispatch's rejected run, which serve_forever does not wait for.
    } finally {
      this.#served();
    }
  }

  // #serve and process_request chain promises, not awaits, and finish_request drives the handler
  // on the callbacks above: a connection waiting for its next request holds no suspended frame
  // here (BaseHTTPRequestHandler's handle() waits on a callback, see src/http/handler.ts).
  #serve(request: Duplex, client_address: Address): Promise<void> {
    try {
      if (!this.verify_request(request, client_address)) {
        this.shutdown_request(request);
        return DONE;
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const failed = (error: unknown): void => {
      this.handle_error(request, client_address, error);
      this.shutdown_request(request);
    };
    try {
      const run = this.process_request(request, client_address);
      return isPromise(run) ? run.then(undefined, failed) : DONE;
    } catch (error) {
      failed(error);
      return DONE;
    }
  }

  /** Called when no connection arrives within `timeout`. May be overridden. */
  handle_timeout(): void | Promise<void> {}

  /** Return false to refuse the connection (it is closed unanswered). May be overridden. */
  verify_request(_request: Duplex, _client_address: Address): boolean {
    return true;
  }

  /** Serve the connection, then close it. May be overridden. */
  process_request(request: Duplex, client_address: Address): Promise<void> {
    // A chained step, not an async function: one suspended frame less per open connection.
    return this.finish_request(request, client_address).then(() => this.shutdown_request(request));
  }

  /** Create the handler and drive it: setup(), await handle(), finish() (always, as Python's
   * try/finally). The same callbacks as serve_forever's own path, with a promise at the end. */
  finish_request(request: Duplex, client_address: Address): Promise<void> {
    let handler: BaseRequestHandler;
    try {
      const Handler = this.RequestHandlerClass as unknown as RequestHandlerClass<this>;
      handler = new Handler(request, client_address, this);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      (this.#awaited ??= new Map()).set(handler, [resolve, reject]);
      this.#setup(handler, true);
    });
  }

  /** Called to shut down and close one connection. May be overridden. */
  shutdown_request(request: Duplex): void {
    this.close_request(request);
  }

  /** Called to clean up one connection. May be overridden. */
  close_request(_request: Duplex): void {}

  /**
   * Handle an error raised while serving a connection: the stack goes to stderr, the server
   * carries on. May be overridden. (`error` is what Python finds in sys.exc_info().)
   */
  handle_error(_request: Duplex, client_address: Address, error?: unknown): void {
    const line = "-".repeat(40);
    const where = client_address ? `(${pyRepr(String(client_address[0]))}, ${client_address[1]})` : "None";
    const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    process.stderr.write(
      `${line}\nException occurred during processing of request from ${where}\n${stack}\n${line}\n`,
    );
  }

  /** Clean up the server: stops serve_forever() if it runs. May be overridden. */
  server_close(): void {
    this.#shutdownRequest = this.#loop !== null;
    this.#stopLoop?.();
    this.#acceptWaiter?.(null);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.shutdown();
    this.server_close();
  }
}
