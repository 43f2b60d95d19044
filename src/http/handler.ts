// BaseHTTPRequestHandler (Lib/http/server.py): every method of Python's class, in its order,
// each short. The machinery beside it: request-loop.ts (handle's loop over the connection's
// heads, connection.ts), parse-request.ts (the token table read as CPython 3.11's
// parse_request), request-fields.ts (headers and requestline made when read), head-text.ts
// (response-head text). Bodies are read through body.ts; the server (server.ts) supplies the
// tokenizer and the limits.

import { DEFAULT_HEAD_LIMIT } from "../contract/layout.js";
import { tokenizerFor } from "../tokenizer/select.js";
import { StreamRequestHandler, type WritableFile } from "../socketserver/request-handler.js";
import type { SocketReader } from "../socketserver/socket-reader.js";
import { SocketWriter } from "../socketserver/socket-writer.js";
import { DEFAULT_ERROR_CONTENT_TYPE, DEFAULT_ERROR_MESSAGE, errorPage } from "./answers.js";
import { RequestBody } from "./body.js";
import { Connection, type ConnectionLimits } from "./connection.js";
import { httpDate, logDateTimeString, MONTHNAME, WEEKDAYNAME } from "./date.js";
import { escapeControl, percentFormat } from "../py/format.js";
import { connectionOption, invalidHeader, statusLine, unsafeHeadText, versionString } from "./head-text.js";
import { HTTPMessage } from "./message.js";
import { parseRequest } from "./parse-request.js";
import { RequestFields, type MessageClass } from "./request-fields.js";
import { RequestLoop } from "./request-loop.js";
import type { HTTPServer } from "./server.js";
import { responses } from "./status.js";

export type { MessageClass } from "./request-fields.js";

/** Limits for a handler run outside HTTPServer (a plain TCPServer, or socketless tests). */
const DEFAULT_LIMITS: ConnectionLimits = {
  tokenizer: tokenizerFor("wasm"),
  headLimit: DEFAULT_HEAD_LIMIT,
  headTimeout: 60,
  keepAliveTimeout: 5,
};

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
    p.weekdayname = WEEKDAYNAME;
    p.monthname = MONTHNAME;
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
  /** Python's _headers_buffer, as one ISO-8859-1 string. */
  #headerBuffer = "";
  /** The connection's request loop, from setup(). */
  #loop: RequestLoop | null = null;
  #limits: ConnectionLimits = DEFAULT_LIMITS;

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
    return this.#fields.rawRequestline(this.#loop?.conn);
  }

  set raw_requestline(value: Uint8Array) {
    this.#fields.setRawRequestline(value);
  }

  override setup(): void {
    super.setup();
    const reader = this.rfile as unknown as SocketReader;
    const server = this.server as Partial<ConnectionLimits> | null;
    if (server && server.tokenizer) this.#limits = server as ConnectionLimits;
    const conn = new Connection(reader, this.wfile, this.#limits);
    this.#limits.connections?.add(conn);
    // The loop empties the header buffer at each request and before an error answer.
    this.#loop = new RequestLoop(this, conn, this.#fields, () => void (this.#headerBuffer = ""));
    this.rfile = new RequestBody(reader);
  }

  override finish(): void {
    if (this.#loop === null) return;
    const c = this.#loop.conn;
    this.#limits.connections?.delete(c);
    c.writer.flush();
    c.reader.detach();
  }

  /**
   * Interpret the request head (the token table) as CPython 3.11's parse_request: fill
   * `command`, `path`, `request_version`, `headers`, decide `close_connection`, honour
   * `Expect: 100-continue`. On a refused head the error answer is sent and false returned.
   */
  parse_request(): boolean {
    return parseRequest(this, this.#loop!, this.#fields);
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

  /** Read, parse and dispatch one request. You should not need to override it. */
  async handle_one_request(): Promise<void> {
    const pending = this.#loop!.one();
    if (pending !== undefined) await pending;
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
    const loop = this.#loop!;
    do {
      const pending = loop.one();
      if (pending !== undefined) await pending;
    } while (!this.close_connection);
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

  /** Buffer the status line only (nothing for an HTTP/0.9 request). */
  send_response_only(code: number, message?: string | null): void {
    if (code === 100 && this.#loop !== null) this.#loop.expectPending = false;
    if (this.request_version === "HTTP/0.9") return;
    const text = message ?? this.responses[code]?.[0] ?? "";
    this.#headerBuffer += statusLine(this.protocol_version, code, text);
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

  /** The current local time for log lines, `23/Nov/2026 19:30:47`, months named by `monthname`
   * as in CPython (`weekdayname` is kept for Python code; CPython 3.11 no longer reads it). */
  log_date_time_string(): string {
    return logDateTimeString(undefined, this.monthname);
  }

  /** The client host, without name lookup. */
  address_string(): string {
    return String(this.client_address[0]);
  }
}
