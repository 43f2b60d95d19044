// Every error path of docs/API.md's request parsing, over a real socket: the exact bytes of
// the answer (status line, headers, error page), that the connection is closed after it, and
// that the server goes on serving another connection. Against every tokenizer backend.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { FIXED_DATE, PARSERS, QuietHandler, RawClient, errorPage, exchange, serve, serverPerTest, type Running } from "./helpers.js";

class Handler extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  override do_GET(): void {
    const body = `ok ${this.path}`;
    this.send_response(200);
    this.send_header("Content-Length", body.length);
    this.end_headers();
    this.wfile.write(body);
  }
}

const SERVER = `Server: BaseHTTP/0.6 Node.js/${process.versions.node}\r\n`;

/** The exact answer send_error gives with a status line. */
function answer(code: number, reason: string, message: string, explain: string): string {
  const page = errorPage(code, message, explain);
  return (
    `HTTP/1.1 ${code} ${reason}\r\n${SERVER}Date: ${FIXED_DATE}\r\nConnection: close\r\n` +
    `Content-Type: text/html;charset=utf-8\r\nContent-Length: ${Buffer.byteLength(page)}\r\n\r\n${page}`
  );
}

/** send_error with a message that is also the reason phrase. */
function refused(code: number, message: string, explain: string): string {
  return answer(code, message, message, explain);
}

const BAD = "Bad request syntax or unsupported method";
const GOOD = "GET / HTTP/1.1\r\nHost: x\r\n";

/** [name, request bytes, exact answer ("" for none); the connection always closes]. */
const CASES: [string, string, string][] = [
  ["414 for a request line over 65,536 bytes", `GET /${"a".repeat(65536)} HTTP/1.1\r\n\r\n`,
    answer(414, "Request-URI Too Long", "Request-URI Too Long", "URI is too long")],
  ["431 Line too long for a header line over 65,536 bytes", `${GOOD}X-Long: ${"b".repeat(65536)}\r\n\r\n`,
    refused(431, "Line too long", "got more than 65536 bytes when reading header line")],
  ["431 Too many headers from 100 header fields on", `${GOOD}${"X-A: 1\r\n".repeat(99)}\r\n`,
    refused(431, "Too many headers", "got more than 100 headers")],
  ["400 Bad request version", "GET / HTTP/x\r\nHost: x\r\n\r\n",
    refused(400, "Bad request version ('HTTP/x')", BAD)],
  ["505 for HTTP/2.0, with a status line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
    refused(505, "Invalid HTTP version (2.0)", "Cannot fulfill request")],
  ["400 Bad request syntax for four words", "GET / x HTTP/1.1\r\nHost: x\r\n\r\n",
    refused(400, "Bad request syntax ('GET / x HTTP/1.1')", BAD)],
  ["400 Bad request syntax for one word, body only (HTTP/0.9, as CPython)", "GET\r\n\r\n",
    errorPage(400, "Bad request syntax ('GET')", BAD)],
  ["400 Bad HTTP/0.9 request type, body only", "POST /x\r\n\r\n",
    errorPage(400, "Bad HTTP/0.9 request type ('POST')", BAD)],
  ["501 for a method without do_ method", "SPAM / HTTP/1.1\r\nHost: x\r\n\r\n",
    refused(501, "Unsupported method ('SPAM')", "Server does not support this operation")],
  ["nothing for a request line of SP and HTAB only", " \t\r\nGET / HTTP/1.1\r\n\r\n", ""],
  ["nothing for a ninth empty line before a request line", "\r\n".repeat(9) + "GET / HTTP/1.1\r\n\r\n", ""],
  ["400 for whitespace between a header name and its colon", `${GOOD}X-A : 1\r\n\r\n`,
    refused(400, "Whitespace between header field name and colon", "RFC 9112 section 5.1: no whitespace before the colon")],
  ["400 for whitespace before the first header", "GET / HTTP/1.1\r\n Host: x\r\n\r\n",
    refused(400, "Header line starting with whitespace", "RFC 9112 sections 5.2 and 2.2: no obsolete line folding, no whitespace before the first field")],
  ["400 for obs-fold", `${GOOD}X-A: 1\r\n 2\r\n\r\n`,
    refused(400, "Header line starting with whitespace", "RFC 9112 sections 5.2 and 2.2: no obsolete line folding, no whitespace before the first field")],
  ["400 for a bare CR in a header", `${GOOD}X-A: 1\r2\r\n\r\n`,
    refused(400, "Bare CR in request head", "RFC 9112 section 2.2: CR is allowed only before LF")],
  ["400 for a bare LF ending a header line", `${GOOD}X-A: 1\n\r\n`,
    refused(400, "Bare LF in request head", "RFC 9112 section 2.2: lines end with CRLF")],
  ["400 for NUL in a header value", `${GOOD}X-A: 1\x002\r\n\r\n`,
    refused(400, "Control character in header field", "RFC 9110 section 5.5: field values hold no control characters")],
  ["400 for another control byte in a header value", `${GOOD}X-A: 1\x1b2\r\n\r\n`,
    refused(400, "Control character in header field", "RFC 9110 section 5.5: field values hold no control characters")],
  ["400 for an invalid token character in a header name", `${GOOD}X(A): 1\r\n\r\n`,
    refused(400, "Invalid header field name", "RFC 9110 section 5.1: a field name is a token")],
  ["400 for an empty header name", `${GOOD}: 1\r\n\r\n`,
    refused(400, "Invalid header field name", "RFC 9110 section 5.1: a field name is a token")],
  ["400 for a header line without a colon", `${GOOD}X-A 1\r\n\r\n`,
    refused(400, "Whitespace between header field name and colon", "RFC 9112 section 5.1: no whitespace before the colon")],
  ["400 for a header line without a colon or space", `${GOOD}X-A\r\n\r\n`,
    refused(400, "Header field line without colon", "RFC 9112 section 5: name, colon, value")],
  ["400 for conflicting Content-Length", `${GOOD}Content-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
    refused(400, "Repeated Content-Length", "RFC 9112 section 6.3: several Content-Length fields are refused")],
  ["400 for repeated Content-Length", `${GOOD}Content-Length: 1\r\nContent-Length: 1\r\n\r\na`,
    refused(400, "Repeated Content-Length", "RFC 9112 section 6.3: several Content-Length fields are refused")],
  ["400 for a malformed Content-Length", `${GOOD}Content-Length: 1x\r\n\r\n`,
    refused(400, "Invalid Content-Length", "RFC 9110 section 8.6: Content-Length is 1*DIGIT")],
  ["400 for a signed Content-Length", `${GOOD}Content-Length: +1\r\n\r\nx`,
    refused(400, "Invalid Content-Length", "RFC 9110 section 8.6: Content-Length is 1*DIGIT")],
  ["400 for Transfer-Encoding with Content-Length", `${GOOD}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n`,
    refused(400, "Transfer-Encoding with Content-Length", "RFC 9112 section 6.3: a request may not carry both")],
  ["400 for a Transfer-Encoding not ending in chunked", `${GOOD}Transfer-Encoding: chunked, gzip\r\n\r\n`,
    refused(400, "Transfer-Encoding not ending in chunked", "RFC 9112 section 6.3: the final transfer coding must be chunked")],
  ["400 for chunked applied twice (two Transfer-Encoding fields)", `${GOOD}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    refused(400, "Transfer-Encoding not ending in chunked", "RFC 9112 section 6.3: the final transfer coding must be chunked")],
  ["400 for a bare LF ending the request line", "GET / HTTP/1.1\nHost: x\r\n\r\n",
    answer(400, "Bare LF in request head", "Bare LF in request head", "RFC 9112 section 2.2: lines end with CRLF")],
];

describe.each(PARSERS)("request parsing errors over the socket (%s)", (parser: ParserName) => {
  /** The server of a test that needs its own handler class or limits (stopped after it). */
  const own = serverPerTest();
  let srv: Running;
  beforeAll(async () => {
    srv = await serve(Handler, { parser, headLimit: 256 * 1024 });
  });
  afterAll(async () => {
    await srv.stop();
  });

  it.each(CASES)("%s, then closes", async (_name, input, expected) => {
    const raw = await exchange(srv.port, Buffer.from(input, "latin1"));
    expect(raw.toString("latin1")).toBe(expected);
    // Another connection is served as usual.
    const next = await exchange(srv.port, "GET /next HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(next.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok \/next$/);
  });

  it("accepts 99 header fields", async () => {
    const raw = await exchange(srv.port, `GET / HTTP/1.1\r\n${"X-A: 1\r\n".repeat(98)}Connection: close\r\n\r\n`);
    expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it("answers HTTP/0.9 GET at once with the body alone, without waiting for headers", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("GET /old\r\n");
    expect((await client.all()).toString("latin1")).toBe("ok /old");
  });

  it("collapses a path starting with // to one /", async () => {
    const raw = await exchange(srv.port, "GET //a//b HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(raw.toString("latin1")).toMatch(/\r\n\r\nok \/a\/\/b$/);
  });

  it("trims SP/HTAB around header values and splits the request line on SP/HTAB runs", async () => {
    class Echo extends QuietHandler {
      override do_GET(): void {
        const body = `[${this.command}][${this.path}][${this.request_version}][${this.headers.get("x-a")}]`;
        this.send_response(200);
        this.end_headers();
        this.wfile.write(body);
      }
    }
    const port = await own.start(Echo, { parser });
    const raw = await exchange(port, "GET \t /p\t HTTP/1.0 \r\nX-A: \t v 1 \t\r\n\r\n");
    expect(raw.toString("latin1")).toMatch(/\r\n\r\n\[GET\]\[\/p\]\[HTTP\/1\.0\]\[v 1\]$/);
  });

  it("answers a head over the head limit with 431", async () => {
    const port = await own.start(Handler, { parser, headLimit: 1024 });
    const raw = await exchange(port, `${GOOD}${"X-A: 12345678\r\n".repeat(100 - 2).slice(0, 2000)}\r\n\r\n`);
    expect(raw.toString("latin1")).toBe(
      refused(431, "Request head too large", "The request head exceeds the server's limit"),
    );
  });

  it("does not extend headTimeout for a head that trickles in (slowloris)", async () => {
    const port = await own.start(Handler, { parser, headTimeout: 0.3 });
    const client = await RawClient.connect(port);
    const trickle = setInterval(() => {
      if (!client.socket.destroyed) client.send("X");
    }, 20);
    client.send("GET / HTTP/1.1\r\nX-Slow: ");
    const raw = await client.all();
    clearInterval(trickle);
    expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("answers a head not complete within headTimeout with 408 and closes", async () => {
    const port = await own.start(Handler, { parser, headTimeout: 0.2 });
    const client = await RawClient.connect(port);
    client.send("GET / HTTP/1.1\r\nHost: x\r\n");
    const raw = await client.all();
    const served = await exchange(port, "GET /after HTTP/1.1\r\nConnection: close\r\n\r\n");
    const page = errorPage(408, "Request Timeout", "Request timed out; try again later");
    expect(raw.toString("latin1")).toBe(
      `HTTP/1.1 408 Request Timeout\r\n${SERVER}Date: ${FIXED_DATE}\r\nConnection: close\r\n` +
        `Content-Type: text/html;charset=utf-8\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
    );
    expect(served.toString("latin1")).toMatch(/ok \/after$/);
  });
});
