// BaseHTTPRequestHandler (Lib/http/server.py), its methods in Python's order, the request path top
// down: handle() loops over handle_one_request(), which takes the next head from the connection
// (connection.ts), calls parse_request(), frames rfile (body.ts), calls do_<COMMAND> and drops what
// it left of the body. Beside: request-fields.ts (headers made when read), answers.ts (refusals).

import type { Duplex } from "node:stream";
import { F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_EXPECT_CONTINUE, T_FLAGS, T_REQUEST_LINE_END,
  T_REQUEST_LINE_START, T_VERSION_MAJOR, T_VERSION_MINOR, T_WORDS } from "../contract/layout.js";
import * as V from "../contract/violations.js";
import { escapeControl, percentFormat, pyRepr } from "../py/format.js";
import { isDisconnect, TimeoutError } from "../socketserver/errors.js";
import { NEW_READER, SLEEP, StreamRequestHandler } from "../socketserver/request-handler.js";
import { WAKE } from "../socketserver/socket-reader.js";
import type { SocketWriter } from "../socketserver/socket-writer.js";
import { CONNECT_WITH_CONTENT, DEFAULT_ERROR_CONTENT_TYPE, DEFAULT_ERROR_MESSAGE, errorBody, refusal, UNKNOWN_STATUS } from "./answers.js";
import { BODY_NONE, BODY_TUNNEL, RequestBody } from "./body.js";
import { Connection, STANDALONE_LIMITS, type RequestHead } from "./connection.js";
import { httpDate, logDateTimeString, MONTHNAME, WEEKDAYNAME } from "./date.js";
import { ChunkedEncodingError } from "./errors.js";
import { connectionOption, HeadBuffer, headerLine, statusLine, versionString } from "./head-text.js";
import { HTTPMessage } from "./message.js";
import { RequestFields, type MessageClass } from "./request-fields.js";
import { handlerMethodName, isPlainRequestLine, plainRequestLine, refusedRequestLine, requestMethod, requestTarget, requestVersion } from "./request-line.js";
import type { HTTPServer } from "./server.js";
import { sleep } from "./sleeper.js";
import { responses } from "./status.js";

/**
 * HTTP request handler base class. Define `do_GET()`, `do_POST()`, ... (sync or async): for a
 * request `SPAM` the server calls `do_SPAM()` after filling `command`, `path`, `request_version`,
 * `headers`; the body comes from `rfile`, the answer goes out through `send_response`,
 * `send_header`, `end_headers` and `wfile.write`. Class variables (subclass field or prototype):
 * `server_version`, `sys_version`, `error_message_format`, `error_content_type`, `protocol_version`,
 * `default_request_version`, `MessageClass`, `responses`, `timeout`, `weekdayname`, `monthname`.
 */
export class BaseHTTPRequestHandler extends StreamRequestHandler {
  declare server_version: string;
  declare sys_version: string;
  declare error_message_format: string;
  declare error_content_type: string;
  declare protocol_version: string;
  declare default_request_version: string;
  declare MessageClass: MessageClass;
  declare responses: Readonly<Record<number, readonly [string, string]>>;
  declare weekdayname: readonly string[];
  declare monthname: readonly (string | null)[];
  static {
    const p = this.prototype;
    p.server_version = "BaseHTTP/0.6";
    p.sys_version = `Node.js/${process.versions.node}`;
    p.error_message_format = DEFAULT_ERROR_MESSAGE;
    p.error_content_type = DEFAULT_ERROR_CONTENT_TYPE;
    p.protocol_version = "HTTP/1.0";
    p.default_request_version = "HTTP/0.9";
    p.MessageClass = HTTPMessage;
    p.responses = responses;
    p.weekdayname = WEEKDAYNAME;
    p.monthname = MONTHNAME;
    p.disable_nagle_algorithm = true;
  }

  declare server: HTTPServer;
  declare rfile: RequestBody;
  declare wfile: SocketWriter;

  // Request methods declared type-only (no code emitted: the do_ lookup finds only a subclass's),
  // so they autocomplete and `override do_GET()` type-checks. Others (do_SPAM) work undeclared.
  do_GET?(): void | Promise<void>; do_HEAD?(): void | Promise<void>; do_POST?(): void | Promise<void>;
  do_PUT?(): void | Promise<void>; do_DELETE?(): void | Promise<void>; do_OPTIONS?(): void | Promise<void>;
  do_PATCH?(): void | Promise<void>; do_CONNECT?(): void | Promise<void>; do_TRACE?(): void | Promise<void>;

  /** The request method (`GET`); null until the request line is understood. */
  command: string | null = null;
  path = "";
  request_version = "";
  close_connection = true;

  /** headers, requestline and raw_requestline, made when first read; what handle() returns while it waits (made when first used: #lazyFields). */
  #fields: RequestFields | null = null;
  /** Python's _headers_buffer: the lines of the head (ISO-8859-1 text) until flush_headers(); made when first used (#lazyHeadBuffer). */
  #headerBuffer: HeadBuffer | null = null;
  /** The connection (from setup()) and the head being served, which parse_request reads. */
  #conn: Connection | null = null;
  #head: RequestHead | null = null;

  /** The request headers (a `MessageClass`), built on first access: a handler that never reads
   * them does not pay for them. Until a request's headers are understood, those of the
   * previous request (undefined before the first). */
  get headers(): HTTPMessage { return this.#lazyFields.headers(this); }
  set headers(value: HTTPMessage) { this.#lazyFields.setHeaders(value); }
  /** The request line without its CRLF, decoded (ISO-8859-1) on first access. */
  get requestline(): string { return this.#lazyFields.requestline(); }
  set requestline(value: string) { this.#lazyFields.setRequestline(value); }
  /** The request line as received, with its CRLF. */
  get raw_requestline(): Uint8Array { return this.#lazyFields.rawRequestline(this.#head); }
  set raw_requestline(value: Uint8Array) { this.#lazyFields.setRawRequestline(value); }

  /** The socket is read by the connection (one object, made by StreamRequestHandler's setup());
   * rfile is the request body over it. */
  override setup(): void { super.setup(); this.rfile = new RequestBody((this.#conn = this.rfile as unknown as Connection)); }
  get #lazyFields(): RequestFields { return (this.#fields ??= new RequestFields()); }
  get #lazyHeadBuffer(): HeadBuffer { return (this.#headerBuffer ??= new HeadBuffer()); }

  /** setup() and handle() wait for the connection's first input when no user code runs in them (sleeper.ts). */
  override [SLEEP](): boolean { return sleep(this, BaseHTTPRequestHandler.prototype); }

  override [NEW_READER](socket: Duplex, writer: SocketWriter): Connection { return new Connection(socket, writer, this.server); }

  override finish(): void {
    this.#settle();
    this.#conn?.close(this.request, this.rfile instanceof RequestBody && this.rfile.done);
  }

  /** Let go of the head's token table (the connection reuses it), keeping what is still lazy. */
  #settle(): void { this.#lazyFields.settle(this.#head, (this.#conn?.limits ?? STANDALONE_LIMITS).tokenizer); this.#head = null; }

  /** Interpret the request head (its token table) as CPython 3.11's parse_request: fill `command`,
   * `path`, `request_version`, `headers`, decide `close_connection`, honour `Expect:
   * 100-continue`. On a refused head the error answer is sent and false returned. */
  parse_request(): boolean {
    const { bytes: src, start: s, table: t, violation } = this.#head!;
    this.command = null;
    this.request_version = this.default_request_version;
    this.close_connection = true;
    const words = t[T_WORDS]!;
    if (violation === V.V_EMPTY_REQUEST_LINE) {
      this.requestline = "";
      return false;
    }
    if (words === 0) {
      // Refused inside the request line (bare CR or LF): the version is unknown.
      this.requestline = refusedRequestLine(src, s, t);
      this.request_version = "";
      return this.#refuse(violation);
    }
    // The request line is decoded only if asked for (log_request, an error answer).
    this.#lazyFields.requestlineFrom(src, s + t[T_REQUEST_LINE_START]!, s + t[T_REQUEST_LINE_END]!);
    if (words >= 3) {
      const version = requestVersion(src, s, t);
      const major = t[T_VERSION_MAJOR]!;
      // Version errors go out with a status line (CPython 3.11 sends the body alone).
      if (violation === V.V_BAD_VERSION) return this.#refuse(violation, version, "");
      if ((major > 1 || (major === 1 && t[T_VERSION_MINOR]! >= 1)) && this.protocol_version >= "HTTP/1.1") {
        this.close_connection = false;
      }
      if (violation === V.V_VERSION_NOT_SUPPORTED) return this.#refuse(violation, version, "");
      this.request_version = version;
    }
    if (violation === V.V_BAD_REQUEST_SYNTAX) return this.#refuse(violation, this.requestline);
    const command = requestMethod(src, s, t);
    if (words === 2) {
      this.close_connection = true;
      if (violation === V.V_BAD_HTTP09_METHOD) return this.#refuse(violation, command);
    }
    let path = requestTarget(src, s, t);
    // Usually the line is its three words with one SP between them: joined, not decoded again.
    if (isPlainRequestLine(src, s, t)) this.requestline = plainRequestLine(command, path, this.request_version);
    // As CPython 3.11 (gh-87389, CVE-2021-28861): a path starting with `//` reads as a
    // scheme-relative URL (an open redirect once echoed in a Location header); reduced to one `/`.
    if (path.startsWith("//")) path = "/" + path.replace(/^\/+/, "");
    this.command = command;
    this.path = path;
    if (violation !== V.V_NONE) return this.#refuse(violation);
    // `headers` is built from this table when first read.
    this.#lazyFields.headersFrom(src, s, this.#head!.length, t);
    const flags = t[T_FLAGS]!;
    // RFC 9112 §9.6, §9.3: this client sends nothing after this request (no drain: Connection.close).
    if (flags & F_CONNECTION_CLOSE || (this.request_version === "HTTP/1.0" && !(flags & F_CONNECTION_KEEP_ALIVE))) this.close_connection = this.#conn!.peerCloses = true;
    else if (flags & F_CONNECTION_KEEP_ALIVE && this.protocol_version >= "HTTP/1.1") this.close_connection = false;
    if (flags & F_EXPECT_CONTINUE && this.protocol_version >= "HTTP/1.1" && this.request_version >= "HTTP/1.1") {
      this.#conn!.expectPending = true;
      if (!this.handle_expect_100()) return false;
      this.#conn!.markAnswerStart();
    }
    return true;
  }

  /** Answer a refused head as answers.ts says, with `version` as request_version; false. */
  #refuse(violation: number, word = "", version = this.request_version): false {
    const answer = refusal(violation, word); // read by index: destructuring made an iterator per refusal
    this.request_version = version;
    this.send_error(answer[0], answer[1], answer[2]);
    return false;
  }

  /** Decide what to do with `Expect: 100-continue`: the default sends `100 Continue` and returns
   * true. Override to refuse (send an error and return false), e.g. an upload too large. */
  handle_expect_100(): boolean {
    this.send_response_only(100);
    this.end_headers();
    return true;
  }

  /** Read, parse and dispatch one request. Undefined when it was served at once (its head had
   * arrived and do_<COMMAND> returned no promise), else a promise; an override may be async. */
  handle_one_request(): Promise<void> | undefined {
    const conn = this.#conn!;
    let head: RequestHead | null | Promise<RequestHead | null>;
    try {
      // The next head goes into the table of the one before: headers not yet made from it are now.
      this.#lazyFields.release(conn.nextTable, this);
      head = conn.nextHead();
    } catch (error) { return this.#failed(error); }
    return head instanceof Promise ? this.#later(head, this.#serve) : this.#serve(head);
  }

  /** `next(await pending)`, a failure answered as in handle_one_request. */
  async #later<T>(pending: Promise<T>, next: (value: T) => Promise<void> | undefined): Promise<void> {
    let value: T;
    try { value = await pending; } catch (error) { return this.#failed(error); }
    await next.call(this, value);
  }

  /** Parse and dispatch `head` (null: close silently); a promise while an async do_ method runs. */
  #serve(head: RequestHead | null): Promise<void> | undefined {
    let result: unknown;
    try {
      // A new request: no head buffered, no body until the head says so.
      this.#headerBuffer?.clear();
      this.#lazyFields.setRawRequestline(null);
      this.#conn!.beginRequest();
      this.rfile.reset(BODY_NONE);
      // null: close (the peer left, or went idle); after a 408 when the head took too long.
      if (head === null) return this.#conn!.headTimedOut ? this.#unknownRequest(408) : void (this.close_connection = true);
      this.#head = head;
      if (head.violation === V.V_REQUEST_LINE_TOO_LONG) return this.#unknownRequest(414);
      if (!this.parse_request()) return undefined;
      if (!this.rfile.frame(this.command!, head.table)) return void this.send_error(...CONNECT_WITH_CONTENT);
      const method = (this as unknown as Record<string, unknown>)[handlerMethodName(this.command!)];
      if (typeof method !== "function") return void this.send_error(501, `Unsupported method (${pyRepr(this.command!)})`);
      result = method.call(this);
    } catch (error) {
      return this.#failed(error);
    }
    return result instanceof Promise ? this.#later(result, this.#endRequest) : this.#endRequest();
  }

  /** Answer `code` to a request never understood (414, 408): no request line, no version. */
  #unknownRequest(code: number): undefined {
    this.requestline = this.request_version = this.command = "";
    this.send_error(code);
    return undefined;
  }

  /** After do_<COMMAND>: go on once what it left of the body is dropped (never after a tunnel). */
  #endRequest(): Promise<void> | undefined {
    if (this.close_connection) return undefined;
    const keep = this.#conn!.keepAfter(this.rfile);
    if (typeof keep !== "boolean") return keep.then((k) => void (this.close_connection = !k));
    this.close_connection = !keep;
    return undefined;
  }

  /** A request failed: answer what can be answered, and let the server see real errors. */
  #failed(error: unknown): undefined {
    this.close_connection = true;
    if (error instanceof TimeoutError) {
      this.log_error("Request timed out: %s", `TimeoutError(${pyRepr(error.message)})`);
    } else if (!isDisconnect(error)) {
      const bad = error instanceof ChunkedEncodingError;
      if (this.#conn!.nothingSent) {
        this.#headerBuffer?.clear();
        // If the error answer itself fails (the peer left), there is nothing more to do.
        try { this.send_error(bad ? 400 : 500, bad ? error.message : undefined); } catch { /* gone */ }
      }
      if (!bad) throw error;
    }
    return undefined;
  }

  /** Handle requests until `close_connection` is true. You should not need to override it.
   * Undefined when every request was served at once, else a promise (made only when awaited). */
  override handle(): Promise<void> | undefined {
    this.close_connection = true;
    return this.#loop(this.#lazyFields);
  }

  /** handle()'s loop on callbacks: a connection waiting for a request holds no call chain, no
   * promise, no token table; its reader wakes the handler ([WAKE]) when input comes. */
  #loop(run: RequestFields): Promise<void> | undefined {
    const conn = this.#conn;
    try {
      do {
        if (conn !== null && conn.quiet) {
          this.#settle();
          if (conn.idle(this)) return run.wait();
        }
        // No promise when the request was served at once (pipelining): no wait for the next.
        const pending = this.handle_one_request();
        if (pending !== undefined) {
          pending.then(() => void (this.close_connection ? run.done() : this.#loop(run)), (error: unknown) => void run.fail(error));
          return run.wait();
        }
      } while (!this.close_connection);
    } catch (error) {
      return run.fail(error);
    }
    return run.done();
  }

  /** Input came for a connection idle between requests: the loop goes on. */
  [WAKE](): void { void this.#loop(this.#lazyFields); }
  /** Send and log a complete error answer: status line, Server, Date, `Connection: close`, and
   * unless the status forbids a body, `error_message_format` filled in (HTML-escaped) with
   * Content-Type and Content-Length. No body for HEAD. The connection closes after it. */
  send_error(code: number, message?: string | null, explain?: string | null): void {
    const known = this.responses[code] ?? UNKNOWN_STATUS;
    const msg = message ?? known[0];
    this.log_error("code %d, message %s", code, msg);
    this.send_response(code, msg);
    this.send_header("Connection", "close");
    const body = errorBody(this.error_message_format, code, msg, explain ?? known[1]);
    const length = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.length;
    if (body !== null) {
      this.send_header("Content-Type", this.error_content_type);
      this.send_header("Content-Length", String(length));
    }
    this.end_headers();
    if (this.command !== "HEAD" && body !== null && length > 0) this.wfile.write(body);
  }

  /** Log the request, buffer the status line, then the Server and Date headers. */
  send_response(code: number, message?: string | null): void {
    this.log_request(code);
    this.send_response_only(code, message);
    this.send_header("Server", this.version_string());
    this.send_header("Date", this.date_time_string());
  }

  /** Buffer a header line. Throws ValueError for CR, LF or NUL in the name or value (response
   * splitting) or characters beyond ISO-8859-1. `Connection: close` / `keep-alive` set
   * `close_connection`, as in CPython. */
  send_header(keyword: string, value: string | number): void {
    const v = typeof value === "string" ? value : String(value);
    const line = headerLine(keyword, v);
    if (this.request_version !== "HTTP/0.9") this.#lazyHeadBuffer.append(line);
    const close = connectionOption(keyword, v);
    if (close !== undefined) this.close_connection = close;
  }

  /** Buffer the status line only (nothing for an HTTP/0.9 request). */
  send_response_only(code: number, message?: string | null): void {
    if (code === 100 && this.#conn !== null) this.#conn.expectPending = false;
    // After 101 Switching Protocols the connection is a tunnel: rfile reads the raw bytes.
    else if (code === 101 && this.rfile instanceof RequestBody) this.rfile.reset(BODY_TUNNEL);
    else if (code >= 400 && this.#conn !== null) this.#conn.peerCloses = false; // drained (API.md)
    if (this.request_version === "HTTP/0.9") return;
    const text = message ?? this.responses[code]?.[0] ?? "";
    this.#lazyHeadBuffer.append(statusLine(this.protocol_version, code, text));
  }

  /** End the header block and write it out (one write with the status line). */
  end_headers(): Promise<void> | undefined {
    if (this.request_version === "HTTP/0.9") return undefined;
    // Shutting down, nothing more received: say the connection closes (RFC 9112 §9.6), so no request is sent to be lost.
    const c = this.#conn;
    if (!this.close_connection && c?.draining && !c.received && !/\r\nconnection:/i.test(this.#lazyHeadBuffer.text())) this.send_header("Connection", "close");
    this.#lazyHeadBuffer.append("\r\n");
    return this.flush_headers();
  }

  /** Write the buffered status line and headers to wfile. */
  flush_headers(): Promise<void> | undefined { return this.#headerBuffer?.flushTo(this.wfile); }


  /** Log an accepted request (called by send_response). */
  log_request(code: number | string = "-", size: number | string = "-"): void {
    this.log_message('"%s" %s %s', this.requestline, String(code), String(size));
  }

  /** Log an error (by default through log_message). */
  log_error(format: string, ...args: unknown[]): void { this.log_message(format, ...args); }

  /** Write `format % args` to stderr after the client address and the time, control characters
   * escaped as CPython 3.11 does. Override to log elsewhere. */
  log_message(format: string, ...args: unknown[]): void {
    const message = percentFormat(format, args);
    process.stderr.write(`${this.address_string()} - - [${this.log_date_time_string()}] ${escapeControl(message)}\n`);
  }

  /** `server_version sys_version`, the Server header. */
  version_string(): string { return versionString(this.server_version, this.sys_version); }

  /** IMF-fixdate for `timestamp` (seconds since the epoch) or now (cached per second). */
  date_time_string(timestamp?: number): string {
    return httpDate((this.#conn?.limits ?? STANDALONE_LIMITS).tokenizer, timestamp);
  }

  /** The current local time for log lines, `23/Nov/2026 19:30:47`, months named by `monthname`
   * as in CPython (`weekdayname` is kept for Python code; CPython 3.11 no longer reads it). */
  log_date_time_string(): string {
    return logDateTimeString(undefined, this.monthname);
  }

  /** The client host, without name lookup. */
  address_string(): string { return String(this.client_address[0]); }
}
