// BaseHTTPRequestHandler (Lib/http/server.py): reads each request head through the tokenizer
// seam (connection.ts), interprets the token table as CPython 3.11's parse_request does,
// dispatches to do_<COMMAND>, and writes responses with Python's header buffering. Bodies are
// read through body.ts; the server (server.ts) supplies the tokenizer and the limits.

import {
  DEFAULT_HEAD_LIMIT, F_CHUNKED, F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_EXPECT_CONTINUE,
  F_HAS_CONTENT_LENGTH, F_HAS_TRANSFER_ENCODING, OUTCOME_VIOLATION, T_FLAGS, T_REQUEST_LINE_END,
  T_VERSION_MAJOR, T_VERSION_MINOR, T_VIOLATION, T_VIOLATION_AT, T_WORDS,
} from "../contract/layout.js";
import { contentLength } from "../contract/table.js";
import * as V from "../contract/violations.js";
import { tokenizerFor } from "../tokenizer/select.js";
import { isDisconnect, TimeoutError } from "../socketserver/errors.js";
import { StreamRequestHandler, type WritableFile } from "../socketserver/request-handler.js";
import type { SocketReader } from "../socketserver/socket-reader.js";
import { SocketWriter } from "../socketserver/socket-writer.js";
import { DEFAULT_ERROR_CONTENT_TYPE, DEFAULT_ERROR_MESSAGE, errorPage, VIOLATION_ANSWERS } from "./answers.js";
import { BODY_CHUNKED, BODY_LENGTH, BODY_NONE, RequestBody } from "./body.js";
import { Connection, HEAD_EOF, HEAD_TIMEOUT, type ConnectionLimits } from "./connection.js";
import { httpDate, logDateTimeString } from "./date.js";
import { ChunkedEncodingError } from "./errors.js";
import { escapeControl, percentFormat, pyRepr } from "./format.js";
import { connectionOption, invalidHeader, statusLine, unsafeHeadText, versionString } from "./head-text.js";
import { HTTPMessage } from "./message.js";
import { RequestFields, type MessageClass } from "./request-fields.js";
import {
  handlerMethodName, isPlainRequestLine, requestMethod, requestTarget, requestVersion,
} from "./request-line.js";
import type { HTTPServer } from "./server.js";
import { responses } from "./status.js";

/** A request body left unread up to this size is read and dropped to keep the connection. */
const DISCARD_LIMIT = 1024 * 1024;

/** Limits for a handler run outside HTTPServer (a plain TCPServer, or socketless tests). */
const DEFAULT_LIMITS: ConnectionLimits = {
  tokenizer: tokenizerFor("wasm"),
  headLimit: DEFAULT_HEAD_LIMIT,
  headTimeout: 60,
  keepAliveTimeout: 5,
};

export type { MessageClass } from "./request-fields.js";

/**
 * HTTP request handler base class. Subclass it and define `do_GET()`, `do_POST()`, ... (sync
 * or async): for a request `SPAM` the server calls `do_SPAM()` with no arguments, after filling
 * `command`, `path`, `request_version`, `headers`; the body is read from `rfile`, the response
 * written with `send_response`, `send_header`, `end_headers` and `wfile.write`.
 *
 * Class variables, overridable by a subclass field or on the prototype: `server_version`,
 * `sys_version`, `error_message_format`, `error_content_type`, `protocol_version`,
 * `default_request_version`, `MessageClass`, `responses`, `timeout`.
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
    p.weekdayname = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    p.monthname = [null, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    p.disable_nagle_algorithm = true;
  }

  declare server: HTTPServer;
  declare rfile: RequestBody;
  declare wfile: SocketWriter;

  /** The request method (`GET`); null until the request line is understood. */
  command: string | null = null;
  path = "";
  request_version = "";
  close_connection = true;

  /** headers, requestline and raw_requestline, made when first read. */
  readonly #fields = new RequestFields();

  #conn: Connection | null = null;
  #limits: ConnectionLimits = DEFAULT_LIMITS;
  /** Python's _headers_buffer, as one ISO-8859-1 string. */
  #headerBuffer = "";
  /** `Expect: 100-continue` received and no 100 sent yet. */
  #expectPending = false;
  /** writer.written when the response began (a 500 is possible while nothing went out). */
  #writtenAtStart = 0;

  /**
   * The request headers (a `MessageClass`), built on first access: a handler that never reads
   * them does not pay for them. Until a request's headers are understood, those of the
   * previous request (undefined before the first).
   */
  get headers(): HTTPMessage {
    return this.#fields.headers(this);
  }

  set headers(value: HTTPMessage) {
    this.#fields.setHeaders(value);
  }

  /** The request line without its CRLF, decoded (ISO-8859-1) on first access. */
  get requestline(): string {
    return this.#fields.requestline();
  }

  set requestline(value: string) {
    this.#fields.setRequestline(value);
  }

  /** The request line as received, with its CRLF. */
  get raw_requestline(): Uint8Array {
    return this.#fields.rawRequestline(this.#conn ?? undefined);
  }

  set raw_requestline(value: Uint8Array) {
    this.#fields.setRawRequestline(value);
  }

  override setup(): void {
    super.setup();
    const reader = this.rfile as unknown as SocketReader;
    const server = this.server as Partial<ConnectionLimits> | null;
    if (server && server.tokenizer) this.#limits = server as ConnectionLimits;
    this.#conn = new Connection(reader, this.wfile, this.#limits);
    this.#limits.connections?.add(this.#conn);
    this.rfile = new RequestBody(reader);
  }

  override finish(): void {
    const c = this.#conn;
    if (c === null) return;
    this.#limits.connections?.delete(c);
    c.writer.flush();
    c.reader.detach();
  }

  /** Handle requests until `close_connection` is true. You should not need to override it. */
  override async handle(): Promise<void> {
    this.close_connection = true;
    if (this.handle_one_request !== BaseHTTPRequestHandler.prototype.handle_one_request) {
      await this.handle_one_request();
      while (!this.close_connection) await this.handle_one_request();
      return;
    }
    // The same loop without a promise per request: a request whose head is already received
    // and whose handler answers synchronously (pipelining) is served without waiting.
    do {
      const pending = this.#handleOne();
      if (pending !== undefined) await pending;
    } while (!this.close_connection);
  }

  /** Read, parse and dispatch one request. You should not need to override it. */
  async handle_one_request(): Promise<void> {
    const pending = this.#handleOne();
    if (pending !== undefined) await pending;
  }

  /** handle_one_request: undefined when the request was served synchronously. */
  #handleOne(): Promise<void> | undefined {
    const c = this.#conn!;
    let outcome: number | Promise<number>;
    try {
      // A client that sends requests without reading the answers waits here, not in memory.
      const backedUp = c.writer.drained();
      if (backedUp !== undefined) return this.#handleOneLater(c, backedUp);
      outcome = this.#readHead(c);
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
    if (typeof outcome !== "number") return this.#handleOneLater(c, outcome);
    return this.#serve(c, outcome);
  }

  /** handle_one_request once the socket has drained and the head has arrived. */
  async #handleOneLater(c: Connection, waitFor: Promise<void> | Promise<number>): Promise<void> {
    let outcome: number;
    try {
      let got = await waitFor;
      if (typeof got !== "number") {
        const head = this.#readHead(c);
        got = typeof head === "number" ? head : await head;
      }
      outcome = got;
    } catch (error) {
      this.#failed(error);
      return;
    }
    const pending = this.#serve(c, outcome);
    if (pending !== undefined) await pending;
  }

  #readHead(c: Connection): number | Promise<number> {
    // The next head is read into the table of the head before this one.
    this.#fields.release(c.spare, this);
    return c.readHead();
  }

  /** Parse and dispatch the head just read; a promise while an async handler runs. */
  #serve(c: Connection, outcome: number): Promise<void> | undefined {
    let result: unknown;
    try {
      this.#headerBuffer = "";
      this.#fields.setRawRequestline(null);
      this.#expectPending = false;
      this.#writtenAtStart = c.writer.written;
      this.rfile.reset(BODY_NONE);
      if (outcome === HEAD_EOF) {
        this.close_connection = true;
        return undefined;
      }
      if (outcome === HEAD_TIMEOUT || (outcome === OUTCOME_VIOLATION && c.table[T_VIOLATION] === V.V_REQUEST_LINE_TOO_LONG)) {
        this.requestline = "";
        this.request_version = "";
        this.command = "";
        this.send_error(outcome === HEAD_TIMEOUT ? 408 : 414);
        this.close_connection = true;
        return undefined;
      }
      if (!this.parse_request()) return undefined;
      const flags = c.table[T_FLAGS]!;
      if (flags & F_HAS_TRANSFER_ENCODING) this.rfile.reset(flags & F_CHUNKED ? BODY_CHUNKED : BODY_NONE);
      else if (flags & F_HAS_CONTENT_LENGTH) this.rfile.reset(BODY_LENGTH, contentLength(c.table));
      const method = (this as unknown as Record<string, unknown>)[handlerMethodName(this.command!)];
      if (typeof method !== "function") {
        this.send_error(501, `Unsupported method (${pyRepr(this.command!)})`);
        return undefined;
      }
      result = method.call(this);
    } catch (error) {
      this.#failed(error);
      return undefined;
    }
    if (result instanceof Promise) return this.#settle(c, result);
    if (!this.close_connection && !this.rfile.done) return this.#dropBody(c);
    return undefined;
  }

  /** Wait for an async do_ method, then drop what it left of the body. */
  async #settle(c: Connection, result: Promise<unknown>): Promise<void> {
    try {
      await result;
    } catch (error) {
      this.#failed(error);
      return;
    }
    if (!this.close_connection && !this.rfile.done) await this.#dropBody(c);
  }

  /** A request failed: answer what can be answered, and let the server see real errors. */
  #failed(error: unknown): void {
    this.close_connection = true;
    if (error instanceof TimeoutError) {
      this.log_error("Request timed out: %s", `TimeoutError(${pyRepr(error.message)})`);
      return;
    }
    if (isDisconnect(error)) return;
    const nothingSent = this.#conn!.writer.written === this.#writtenAtStart && !this.wfile.closed;
    if (nothingSent) {
      this.#headerBuffer = "";
      const bad = error instanceof ChunkedEncodingError;
      try {
        this.send_error(bad ? 400 : 500, bad ? (error as Error).message : undefined);
      } catch {
        // The error answer itself failed (the peer left): nothing more to do.
      }
      if (bad) return;
    } else if (error instanceof ChunkedEncodingError) return;
    throw error;
  }

  /** Read and drop what the handler left of the body, or give up the connection. */
  async #dropBody(c: Connection): Promise<void> {
    const body = this.rfile;
    if (body.done) return;
    // RFC 9110 §10.1.1: a client still waiting for 100 Continue may never send the body.
    if (this.#expectPending && !body.started) {
      this.close_connection = true;
      return;
    }
    c.armDiscard();
    const ok = await body.discard(DISCARD_LIMIT);
    c.disarm();
    if (!ok) this.close_connection = true;
  }

  /**
   * Interpret the request head (the token table) as CPython 3.11's parse_request: fill
   * `command`, `path`, `request_version`, `headers`, decide `close_connection`, honour
   * `Expect: 100-continue`. On a refused head the error answer is sent and false returned.
   */
  parse_request(): boolean {
    const c = this.#conn!;
    const t = c.table;
    const violation = t[T_VIOLATION]!;
    this.command = null;
    this.request_version = this.default_request_version;
    this.close_connection = true;
    const words = t[T_WORDS]!;
    if (violation === V.V_EMPTY_REQUEST_LINE) {
      this.requestline = "";
      return false;
    }
    const src = c.head;
    const s = c.headStart;
    if (words === 0) {
      // Refused inside the request line (bare CR or LF): the version is unknown.
      let end = t[T_VIOLATION_AT]!;
      while (end > 0 && (src[s + end - 1] === 0x0d || src[s + end - 1] === 0x0a)) end--;
      this.requestline = src.toString("latin1", s, s + end);
      this.request_version = "";
      return this.#refuse(violation);
    }
    // The request line is decoded only if asked for (log_request, an error answer).
    this.#fields.requestlineFrom(src, s, s + t[T_REQUEST_LINE_END]!);
    if (words >= 3) {
      const version = requestVersion(src, s, t);
      if (violation === V.V_BAD_VERSION) {
        // Sent with a status line (CPython 3.11 sends the body alone): request_version "".
        this.request_version = "";
        this.send_error(400, `Bad request version (${pyRepr(version)})`);
        return false;
      }
      const major = t[T_VERSION_MAJOR]!;
      if ((major > 1 || (major === 1 && t[T_VERSION_MINOR]! >= 1)) && this.protocol_version >= "HTTP/1.1") {
        this.close_connection = false;
      }
      if (violation === V.V_VERSION_NOT_SUPPORTED) {
        this.request_version = "";
        this.send_error(505, `Invalid HTTP version (${version.slice(5)})`);
        return false;
      }
      this.request_version = version;
    }
    if (violation === V.V_BAD_REQUEST_SYNTAX) {
      this.send_error(400, `Bad request syntax (${pyRepr(this.requestline)})`);
      return false;
    }
    const command = requestMethod(src, s, t);
    if (words === 2) {
      this.close_connection = true;
      if (violation === V.V_BAD_HTTP09_METHOD) {
        this.send_error(400, `Bad HTTP/0.9 request type (${pyRepr(command)})`);
        return false;
      }
    }
    let path = requestTarget(src, s, t);
    // Usually the line is its three words with one SP between them: joined, not decoded again.
    if (isPlainRequestLine(src, s, t)) this.requestline = command + " " + path + " " + this.request_version;
    // As CPython 3.11 (gh-87389, CVE-2021-28861): a path starting with `//` reads as a scheme-relative URL
    // (an open redirect once echoed in a Location header); reduced to one `/`.
    if (path.startsWith("//")) path = "/" + path.replace(/^\/+/, "");
    this.command = command;
    this.path = path;
    if (violation !== V.V_NONE) return this.#refuse(violation);
    // `headers` is built from this table when first read.
    this.#fields.headersFrom(src, s, t);
    const flags = t[T_FLAGS]!;
    if (flags & F_CONNECTION_CLOSE) this.close_connection = true;
    else if (flags & F_CONNECTION_KEEP_ALIVE && this.protocol_version >= "HTTP/1.1") this.close_connection = false;
    if (flags & F_EXPECT_CONTINUE && this.protocol_version >= "HTTP/1.1" && this.request_version >= "HTTP/1.1") {
      this.#expectPending = true;
      if (!this.handle_expect_100()) return false;
      this.#writtenAtStart = c.writer.written;
    }
    return true;
  }

  /** Answer a head refused for one of the violations of VIOLATION_ANSWERS, and close. */
  #refuse(violation: number): false {
    const [status, message, explain] = VIOLATION_ANSWERS[violation] ?? [400, "Bad request"];
    this.send_error(status, message, explain);
    return false;
  }

  /**
   * Decide what to do with `Expect: 100-continue`: the default sends `100 Continue` and
   * returns true. Override to refuse (send an error and return false), e.g. for an upload that
   * is too large or unauthorised.
   */
  handle_expect_100(): boolean {
    this.send_response_only(100);
    this.end_headers();
    return true;
  }

  /**
   * Send and log a complete error answer: status line, Server, Date, `Connection: close`, and
   * unless the status forbids a body, `error_message_format` filled in (HTML-escaped) with
   * Content-Type and Content-Length. No body for HEAD. The connection closes after it.
   */
  send_error(code: number, message?: string | null, explain?: string | null): void {
    const [shortmsg, longmsg] = this.responses[code] ?? ["???", "???"];
    const msg = message ?? shortmsg;
    this.log_error("code %d, message %s", code, msg);
    this.send_response(code, msg);
    this.send_header("Connection", "close");
    const body = errorPage(this.error_message_format, code, msg, explain ?? longmsg);
    if (body !== null) {
      this.send_header("Content-Type", this.error_content_type);
      this.send_header("Content-Length", String(body.length));
    }
    this.end_headers();
    if (this.command !== "HEAD" && body !== null && body.length > 0) this.wfile.write(body);
  }

  /** Log the request, buffer the status line, then the Server and Date headers. */
  send_response(code: number, message?: string | null): void {
    this.log_request(code);
    this.send_response_only(code, message);
    this.send_header("Server", this.version_string());
    this.send_header("Date", this.date_time_string());
  }

  /** Buffer the status line only (nothing for an HTTP/0.9 request). */
  send_response_only(code: number, message?: string | null): void {
    if (code === 100) this.#expectPending = false;
    if (this.request_version === "HTTP/0.9") return;
    const text = message ?? this.responses[code]?.[0] ?? "";
    this.#headerBuffer += statusLine(this.protocol_version, code, text);
  }

  /**
   * Buffer a header line. Throws ValueError for CR, LF or NUL in the name or value (response
   * splitting) or characters beyond ISO-8859-1. `Connection: close` / `keep-alive` set
   * `close_connection`, as in CPython.
   */
  send_header(keyword: string, value: string | number): void {
    const v = typeof value === "string" ? value : String(value);
    if (unsafeHeadText(keyword) || unsafeHeadText(v)) invalidHeader(keyword, v);
    if (this.request_version !== "HTTP/0.9") this.#headerBuffer += keyword + ": " + v + "\r\n";
    const close = connectionOption(keyword, v);
    if (close !== undefined) this.close_connection = close;
  }

  /** End the header block and write it out (one write with the status line). */
  end_headers(): Promise<void> | undefined {
    if (this.request_version === "HTTP/0.9") return undefined;
    this.#headerBuffer += "\r\n";
    return this.flush_headers();
  }

  /** Write the buffered status line and headers to wfile. */
  flush_headers(): Promise<void> | undefined {
    const head = this.#headerBuffer;
    if (head === "") return undefined;
    this.#headerBuffer = "";
    const out: WritableFile = this.wfile;
    // The connection's own writer encodes the head straight into its staging memory.
    if (out instanceof SocketWriter) return out.writeLatin1(head);
    return out.write(Buffer.from(head, "latin1"));
  }

  /** Log an accepted request (called by send_response). */
  log_request(code: number | string = "-", size: number | string = "-"): void {
    this.log_message('"%s" %s %s', this.requestline, String(code), String(size));
  }

  /** Log an error (by default through log_message). */
  log_error(format: string, ...args: unknown[]): void {
    this.log_message(format, ...args);
  }

  /**
   * Write `format % args` to stderr after the client address and the time, control
   * characters escaped as CPython 3.11 does. Override to log elsewhere.
   */
  log_message(format: string, ...args: unknown[]): void {
    const message = percentFormat(format, args);
    process.stderr.write(`${this.address_string()} - - [${this.log_date_time_string()}] ${escapeControl(message)}\n`);
  }

  /** `server_version sys_version`, the Server header. */
  version_string(): string {
    return versionString(this.server_version, this.sys_version);
  }

  /** IMF-fixdate for `timestamp` (seconds since the epoch) or now (cached per second). */
  date_time_string(timestamp?: number): string {
    return httpDate(this.#limits.tokenizer, timestamp);
  }

  /** The current local time for log lines: `23/Nov/2026 19:30:47`. */
  log_date_time_string(): string {
    return logDateTimeString();
  }

  /** The client host, without name lookup. */
  address_string(): string {
    return String(this.client_address[0]);
  }
}
