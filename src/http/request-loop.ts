// The request loop under BaseHTTPRequestHandler.handle and handle_one_request (handler.ts), one
// per connection: read the next head (connection.ts), call parse_request and do_<COMMAND>, wait
// only for what has not happened yet (the socket draining, the head arriving, an async do_
// method), drop what a handler left of the body (body.ts), and turn a failure into an answer.
// A request whose head has arrived and whose handler answers synchronously takes no promise.

import { F_CHUNKED, F_HAS_CONTENT_LENGTH, F_HAS_TRANSFER_ENCODING, OUTCOME_VIOLATION, T_FLAGS, T_VIOLATION } from "../contract/layout.js";
import { contentLength } from "../contract/table.js";
import * as V from "../contract/violations.js";
import { isDisconnect, TimeoutError } from "../socketserver/errors.js";
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE } from "./body.js";
import { HEAD_EOF, HEAD_TIMEOUT, type Connection } from "./connection.js";
import { ChunkedEncodingError } from "./errors.js";
import { pyRepr } from "../py/format.js";
import type { BaseHTTPRequestHandler } from "./handler.js";
import type { RequestFields } from "./request-fields.js";
import { handlerMethodName } from "./request-line.js";

/** A request body left unread up to this size is read and dropped to keep the connection. */
const DISCARD_LIMIT = 1024 * 1024;

/** One connection's request loop; created by BaseHTTPRequestHandler.setup(). */
export class RequestLoop {
  readonly conn: Connection;
  /** `Expect: 100-continue` received and no 100 sent yet. */
  expectPending = false;
  /** writer.written when the response began (a 500 is possible while nothing went out). */
  writtenAtStart = 0;
  readonly #handler: BaseHTTPRequestHandler;
  readonly #fields: RequestFields;
  /** Empties the handler's header buffer (a new request, or an error answer replacing a half-made head). */
  readonly #clearHead: () => void;

  constructor(handler: BaseHTTPRequestHandler, conn: Connection, fields: RequestFields, clearHead: () => void) {
    this.#handler = handler;
    this.conn = conn;
    this.#fields = fields;
    this.#clearHead = clearHead;
  }

  /** Read, parse and dispatch one request: undefined when it was served synchronously. */
  one(): Promise<void> | undefined {
    let outcome: number | Promise<number>;
    try {
      // A client that sends requests without reading the answers waits here, not in memory.
      const backedUp = this.conn.writer.drained();
      if (backedUp !== undefined) return this.#oneLater(backedUp);
      outcome = this.#readHead();
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
    if (typeof outcome !== "number") return this.#oneLater(outcome);
    return this.#serve(outcome);
  }

  /** one() once the socket has drained and the head has arrived. */
  async #oneLater(waitFor: Promise<void> | Promise<number>): Promise<void> {
    let outcome: number;
    try {
      let got = await waitFor;
      if (typeof got !== "number") {
        const head = this.#readHead();
        got = typeof head === "number" ? head : await head;
      }
      outcome = got;
    } catch (error) {
      this.#failed(error);
      return;
    }
    const pending = this.#serve(outcome);
    if (pending !== undefined) await pending;
  }

  #readHead(): number | Promise<number> {
    // The next head is read into the table of the head before this one.
    this.#fields.release(this.conn.spare, this.#handler);
    return this.conn.readHead();
  }

  /** Parse and dispatch the head just read; a promise while an async handler runs. */
  #serve(outcome: number): Promise<void> | undefined {
    const h = this.#handler;
    let result: unknown;
    try {
      // A new request: no head buffered, no 100 owed, no body until the head says so.
      this.#clearHead();
      this.#fields.setRawRequestline(null);
      this.expectPending = false;
      this.writtenAtStart = this.conn.writer.written;
      h.rfile.reset(BODY_NONE);
      if (outcome === HEAD_EOF) {
        h.close_connection = true;
        return undefined;
      }
      if (outcome === HEAD_TIMEOUT || (outcome === OUTCOME_VIOLATION && this.conn.table[T_VIOLATION] === V.V_REQUEST_LINE_TOO_LONG)) {
        h.requestline = "";
        h.request_version = "";
        h.command = "";
        h.send_error(outcome === HEAD_TIMEOUT ? 408 : 414);
        h.close_connection = true;
        return undefined;
      }
      if (!h.parse_request()) return undefined;
      this.#bodyFraming();
      const method = (h as unknown as Record<string, unknown>)[handlerMethodName(h.command!)];
      if (typeof method !== "function") {
        h.send_error(501, `Unsupported method (${pyRepr(h.command!)})`);
        return undefined;
      }
      result = method.call(h);
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
    if (result instanceof Promise) return this.#settle(result);
    if (!h.close_connection && !h.rfile.done) return this.#dropBody();
    return undefined;
  }

  /** `rfile` bounded as the head frames the body (RFC 9112 §6.3). */
  #bodyFraming(): void {
    const table = this.conn.table;
    const flags = table[T_FLAGS]!;
    const body = this.#handler.rfile;
    if (flags & F_HAS_TRANSFER_ENCODING) body.reset(flags & F_CHUNKED ? BODY_CHUNKED : BODY_NONE);
    else if (flags & F_HAS_CONTENT_LENGTH) body.reset(BODY_LENGTH, contentLength(table));
  }

  /** Wait for an async do_ method, then drop what it left of the body. */
  async #settle(result: Promise<unknown>): Promise<void> {
    try {
      await result;
    } catch (error) {
      this.#failed(error);
      return;
    }
    const h = this.#handler;
    if (!h.close_connection && !h.rfile.done) await this.#dropBody();
  }

  /** A request failed: answer what can be answered, and let the server see real errors. */
  #failed(error: unknown): void {
    const h = this.#handler;
    h.close_connection = true;
    if (error instanceof TimeoutError) {
      h.log_error("Request timed out: %s", `TimeoutError(${pyRepr(error.message)})`);
      return;
    }
    if (isDisconnect(error)) return;
    const nothingSent = this.conn.writer.written === this.writtenAtStart && !h.wfile.closed;
    if (nothingSent) {
      this.#clearHead();
      const bad = error instanceof ChunkedEncodingError;
      try {
        h.send_error(bad ? 400 : 500, bad ? (error as Error).message : undefined);
      } catch {
        // The error answer itself failed (the peer left): nothing more to do.
      }
      if (bad) return;
    } else if (error instanceof ChunkedEncodingError) return;
    throw error;
  }

  /** Read and drop what the handler left of the body, or give up the connection. */
  async #dropBody(): Promise<void> {
    const h = this.#handler;
    const body = h.rfile;
    if (body.done) return;
    // RFC 9110 §10.1.1: a client still waiting for 100 Continue may never send the body.
    if (this.expectPending && !body.started) {
      h.close_connection = true;
      return;
    }
    const c = this.conn;
    c.armDiscard();
    const ok = await body.discard(DISCARD_LIMIT);
    c.disarm();
    if (!ok) h.close_connection = true;
  }
}
