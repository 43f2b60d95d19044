// BaseHTTPRequestHandler.parse_request (handler.ts): the token table of the head just read
// (src/contract/layout.ts) interpreted as CPython 3.11's parse_request does: the request-line
// words (request-line.ts) into command, path and request_version; close_connection; Expect:
// 100-continue; and for each violation, CPython's answer where it has the check, else answers.ts.

import {
  F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_EXPECT_CONTINUE, T_FLAGS, T_REQUEST_LINE_END,
  T_REQUEST_LINE_START, T_VERSION_MAJOR, T_VERSION_MINOR, T_VIOLATION, T_VIOLATION_AT, T_WORDS,
} from "../contract/layout.js";
import * as V from "../contract/violations.js";
import { VIOLATION_ANSWERS } from "./answers.js";
import type { Connection } from "./connection.js";
import { pyRepr } from "../py/format.js";
import type { BaseHTTPRequestHandler } from "./handler.js";
import { latin1 } from "./latin1.js";
import type { RequestFields } from "./request-fields.js";
import type { RequestLoop } from "./request-loop.js";
import { isPlainRequestLine, requestMethod, requestTarget, requestVersion } from "./request-line.js";

/** parse_request of `h` on the head `loop` has just read; false once the refusal is sent. */
export function parseRequest(h: BaseHTTPRequestHandler, loop: RequestLoop, fields: RequestFields): boolean {
  const c = loop.conn;
  const t = c.table;
  const violation = t[T_VIOLATION]!;
  h.command = null;
  h.request_version = h.default_request_version;
  h.close_connection = true;
  const words = t[T_WORDS]!;
  if (violation === V.V_EMPTY_REQUEST_LINE) {
    h.requestline = "";
    return false;
  }
  if (words === 0) return refuseRequestLine(h, c, violation);
  const src = c.head;
  const s = c.headStart;
  // The request line is decoded only if asked for (log_request, an error answer).
  fields.requestlineFrom(src, s + t[T_REQUEST_LINE_START]!, s + t[T_REQUEST_LINE_END]!);
  if (words >= 3) {
    const version = requestVersion(src, s, t);
    if (violation === V.V_BAD_VERSION) return refuseAsCPython(h, violation, version);
    const major = t[T_VERSION_MAJOR]!;
    if ((major > 1 || (major === 1 && t[T_VERSION_MINOR]! >= 1)) && h.protocol_version >= "HTTP/1.1") {
      h.close_connection = false;
    }
    if (violation === V.V_VERSION_NOT_SUPPORTED) return refuseAsCPython(h, violation, version);
    h.request_version = version;
  }
  if (violation === V.V_BAD_REQUEST_SYNTAX) return refuseAsCPython(h, violation, "");
  const command = requestMethod(src, s, t);
  if (words === 2) {
    h.close_connection = true;
    if (violation === V.V_BAD_HTTP09_METHOD) return refuseAsCPython(h, violation, command);
  }
  let path = requestTarget(src, s, t);
  // Usually the line is its three words with one SP between them: joined, not decoded again.
  if (isPlainRequestLine(src, s, t)) h.requestline = command + " " + path + " " + h.request_version;
  // As CPython 3.11 (gh-87389, CVE-2021-28861): a path starting with `//` reads as a scheme-relative URL
  // (an open redirect once echoed in a Location header); reduced to one `/`.
  if (path.startsWith("//")) path = "/" + path.replace(/^\/+/, "");
  h.command = command;
  h.path = path;
  if (violation !== V.V_NONE) return refuse(h, violation);
  // `headers` is built from this table when first read.
  fields.headersFrom(src, s, t);
  return headerOptions(h, loop, t[T_FLAGS]!);
}

/** Refused inside the request line (bare CR or LF): the version is unknown. */
function refuseRequestLine(h: BaseHTTPRequestHandler, c: Connection, violation: number): false {
  const src = c.head;
  const s = c.headStart;
  // The line starts after the empty lines skipped before it (RFC 9112 §2.2).
  const start = c.table[T_REQUEST_LINE_START]!;
  let end = c.table[T_VIOLATION_AT]!;
  while (end > start && (src[s + end - 1] === 0x0d || src[s + end - 1] === 0x0a)) end--;
  h.requestline = latin1(src, s + start, s + end);
  h.request_version = "";
  return refuse(h, violation);
}

/** A request line refused where CPython has the check, with its message; `word` is the
 * version (V_BAD_VERSION, V_VERSION_NOT_SUPPORTED) or the method (V_BAD_HTTP09_METHOD). */
function refuseAsCPython(h: BaseHTTPRequestHandler, violation: number, word: string): false {
  switch (violation) {
    case V.V_BAD_VERSION:
      // Sent with a status line (CPython 3.11 sends the body alone): request_version "".
      h.request_version = "";
      h.send_error(400, `Bad request version (${pyRepr(word)})`);
      break;
    case V.V_VERSION_NOT_SUPPORTED:
      h.request_version = "";
      h.send_error(505, `Invalid HTTP version (${word.slice(5)})`);
      break;
    case V.V_BAD_REQUEST_SYNTAX:
      h.send_error(400, `Bad request syntax (${pyRepr(h.requestline)})`);
      break;
    default:
      h.send_error(400, `Bad HTTP/0.9 request type (${pyRepr(word)})`);
  }
  return false;
}

/** `Connection: close / keep-alive` and `Expect: 100-continue`; false when handle_expect_100 refused. */
function headerOptions(h: BaseHTTPRequestHandler, loop: RequestLoop, flags: number): boolean {
  if (flags & F_CONNECTION_CLOSE) h.close_connection = true;
  else if (flags & F_CONNECTION_KEEP_ALIVE && h.protocol_version >= "HTTP/1.1") h.close_connection = false;
  if (flags & F_EXPECT_CONTINUE && h.protocol_version >= "HTTP/1.1" && h.request_version >= "HTTP/1.1") {
    loop.expectPending = true;
    if (!h.handle_expect_100()) return false;
    loop.writtenAtStart = loop.conn.writer.written;
  }
  return true;
}

/** Answer a head refused for one of the violations of VIOLATION_ANSWERS, and close. */
function refuse(h: BaseHTTPRequestHandler, violation: number): false {
  const [status, message, explain] = VIOLATION_ANSWERS[violation] ?? [400, "Bad request"];
  h.send_error(status, message, explain);
  return false;
}
