// HTTPServer + BaseHTTPRequestHandler over real sockets on 127.0.0.1: ports of CPython 3.11
// test_httpservers.BaseHTTPServerTestCase and RequestHandlerLoggingTestCase (each test names
// the one it mirrors), raw bytes in and out, against every tokenizer backend.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { BaseHTTPRequestHandler } from "../../src/http/handler.js";
import { FIXED_DATE, PARSERS, QuietHandler, RawClient, errorPage, exchange, serve, splitResponses, type Running } from "./helpers.js";

/** CPython's BaseHTTPServerTestCase.request_handler. */
class RequestHandler extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  override default_request_version = "HTTP/1.1";
  do_TEST(): void {
    this.send_response(204);
    this.send_header("Content-Type", "text/html");
    this.send_header("Connection", "close");
    this.end_headers();
  }
  do_KEEP(): void {
    this.send_response(204);
    this.send_header("Content-Type", "text/html");
    this.send_header("Connection", "keep-alive");
    this.end_headers();
  }
  do_KEYERROR(): void {
    this.send_error(999);
  }
  do_NOTFOUND(): void {
    this.send_error(404);
  }
  do_EXPLAINERROR(): void {
    this.send_error(999, "Short Message", "This is a long \n explanation");
  }
  do_CUSTOM(): void {
    this.send_response(999);
    this.send_header("Content-Type", "text/html");
    this.send_header("Connection", "close");
    this.end_headers();
  }
  do_LATINONEHEADER(): void {
    this.send_response(999);
    this.send_header("X-Special", "Dängerous Mind");
    this.send_header("Connection", "close");
    this.end_headers();
    this.wfile.write(this.headers.get("x-special-incoming")!);
  }
  do_SEND_ERROR(): void {
    this.send_error(Number(this.path.slice(1)));
  }
  override do_HEAD(): void {
    this.send_error(Number(this.path.slice(1)));
  }
}

/** One request (as http.client writes it) and its response. */
async function request(port: number, head: string): Promise<ReturnType<typeof splitResponses>[number]> {
  const isHead = head.startsWith("HEAD ");
  const raw = await exchange(port, head);
  const [res] = splitResponses(raw, () => isHead);
  expect(res).toBeDefined();
  return res!;
}

describe.each(PARSERS)("BaseHTTPServerTestCase over sockets (%s)", (parser: ParserName) => {
  let srv: Running;
  beforeAll(async () => {
    srv = await serve(RequestHandler, { parser });
  });
  afterAll(async () => {
    await srv.stop();
  });

  it("answers a method without do_ method with 501 (test_command)", async () => {
    const raw = await exchange(srv.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const page = errorPage(501, "Unsupported method ('GET')", "Server does not support this operation");
    expect(raw.toString("latin1")).toBe(
      "HTTP/1.1 501 Unsupported method ('GET')\r\n" +
        `Server: BaseHTTP/0.6 Node.js/${process.versions.node}\r\nDate: ${FIXED_DATE}\r\n` +
        `Connection: close\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: ${page.length}\r\n\r\n` +
        page,
    );
  });

  it("refuses a request line ending in a bare LF (test_request_line_trimming: intended difference, CPython accepts LF)", async () => {
    const res = await request(srv.port, "XYZBOGUS / HTTP/1.1\n\r\n");
    expect(res.statusLine).toBe("HTTP/1.1 400 Bare LF in request head");
  });

  it.each([
    ["FUBAR", "test_version_bogus"],
    ["HTTP/9.9.9", "test_version_digits"],
    ["HTTP/-9_9_9.+9_9_9", "test_version_signs_and_underscores"],
    ["HTTP/909876543210.0", "test_major_version_number_too_long"],
    ["HTTP/1.909876543210", "test_minor_version_number_too_long"],
  ])("answers version %s with 400 (%s)", async (version) => {
    const res = await request(srv.port, `GET / ${version}\r\nHost: x\r\n\r\n`);
    expect(res.statusLine).toBe(`HTTP/1.1 400 Bad request version ('${version}')`);
  });

  it("answers a two-word GET as HTTP/0.9 (test_version_none_get)", async () => {
    const res = await request(srv.port, "GET / \r\nHost: x\r\n\r\n");
    expect(res.status).toBe(501);
  });

  it("refuses a two-word request that is not GET (test_version_none)", async () => {
    const res = await request(srv.port, "CUSTOM / \r\nHost: x\r\n\r\n");
    expect(res.statusLine).toBe("HTTP/1.1 400 Bad HTTP/0.9 request type ('CUSTOM')");
  });

  it("answers HTTP/9.9 with 505 (test_version_invalid)", async () => {
    const res = await request(srv.port, "GET / HTTP/9.9\r\nHost: x\r\n\r\n");
    expect(res.statusLine).toBe("HTTP/1.1 505 Invalid HTTP version (9.9)");
  });

  it("refuses a one-word request line (test_send_blank)", async () => {
    const res = await request(srv.port, " / \r\nHost: x\r\n\r\n");
    expect(res.statusLine).toBe("HTTP/1.1 400 Bad request syntax (' / ')");
  });

  it("honours Connection: close (test_header_close)", async () => {
    const res = await request(srv.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(res.status).toBe(501);
  });

  it("honours Connection: keep-alive (test_header_keep_alive)", async () => {
    const res = await request(srv.port, "GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n");
    expect(res.status).toBe(501);
  });

  it("dispatches to do_TEST (test_handler)", async () => {
    const res = await request(srv.port, "TEST / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(res.status).toBe(204);
  });

  it("keeps the connection after Connection: keep-alive (test_return_header_keep_alive)", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("KEEP / HTTP/1.1\r\nHost: x\r\n\r\n");
    const [keep] = await client.responses(1);
    expect(keep!.header("Connection")).toBe("keep-alive");
    client.send("TEST / HTTP/1.1\r\nHost: x\r\n\r\n");
    const all = await client.all();
    expect(splitResponses(all).map((r) => r.status)).toEqual([204, 204]);
  });

  it("sends ??? for an unknown status (test_internal_key_error)", async () => {
    const res = await request(srv.port, "KEYERROR / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(res.statusLine).toBe("HTTP/1.1 999 ???");
    expect(res.body.toString()).toBe(errorPage(999, "???", "???"));
  });

  it("sends a custom status (test_return_custom_status)", async () => {
    const res = await request(srv.port, "CUSTOM / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(res.statusLine).toBe("HTTP/1.1 999 ");
  });

  it("sends the explanation given (test_return_explain_error)", async () => {
    const res = await request(srv.port, "EXPLAINERROR / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(res.status).toBe(999);
    expect(Number(res.header("Content-Length"))).toBeGreaterThan(0);
    expect(res.body.toString()).toBe(errorPage(999, "Short Message", "This is a long \n explanation"));
  });

  it("reads and writes ISO-8859-1 headers (test_latin1_header)", async () => {
    const raw = await exchange(srv.port, Buffer.from("LATINONEHEADER / HTTP/1.1\r\nX-Special-Incoming: Ärger mit Unicode\r\n\r\n", "latin1"));
    const headEnd = raw.indexOf("\r\n\r\n");
    expect(raw.subarray(0, headEnd).includes(Buffer.from("X-Special: Dängerous Mind", "latin1"))).toBe(true);
    expect(raw.subarray(headEnd + 4).toString("utf8")).toBe("Ärger mit Unicode");
  });

  it("gives error pages a Content-Length (test_error_content_length)", async () => {
    const res = await request(srv.port, "NOTFOUND / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(res.status).toBe(404);
    expect(Number(res.header("Content-Length"))).toBe(res.body.length);
    expect(res.body.toString()).toBe(errorPage(404, "Not Found", "Nothing matches the given URI"));
  });

  it.each([204, 304, 102, 205, 101])("sends no body for status %i (test_send_error)", async (code) => {
    const raw = await exchange(srv.port, `SEND_ERROR /${code} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const text = raw.toString("latin1");
    expect(text.startsWith(`HTTP/1.1 ${code} `)).toBe(true);
    expect(text).not.toMatch(/Content-Length|Content-Type|Transfer-Encoding/);
    expect(text.endsWith("\r\n\r\n")).toBe(true);
  });

  it.each([200, 204, 304, 205, 101])("sends no body to HEAD for status %i (test_head_via_send_error)", async (code) => {
    const raw = await exchange(srv.port, `HEAD /${code} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const text = raw.toString("latin1");
    expect(text.startsWith(`HTTP/1.1 ${code} `)).toBe(true);
    expect(text.endsWith("\r\n\r\n")).toBe(true);
    if (code === 200) {
      expect(Number(/Content-Length: (\d+)/.exec(text)![1])).toBeGreaterThan(0);
      expect(text).toContain("Content-Type: text/html");
    } else {
      expect(text).not.toMatch(/Content-Length|Content-Type/);
    }
  });
});

/** CPython's RequestHandlerLoggingTestCase.request_handler: logs to stderr. */
class LoggingHandler extends BaseHTTPRequestHandler {
  override protocol_version = "HTTP/1.1";
  override default_request_version = "HTTP/1.1";
  override do_GET(): void {
    this.send_response(200);
    this.end_headers();
  }
  do_ERROR(): void {
    this.send_error(404, "File not found");
  }
}

describe.each(PARSERS)("RequestHandlerLoggingTestCase (%s)", (parser: ParserName) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function logged(head: string): Promise<string> {
    const srv = await serve(LoggingHandler, { parser });
    const lines: string[] = [];
    const real = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (String(chunk).startsWith("127.0.0.1 - - [")) {
        lines.push(String(chunk));
        return true;
      }
      return real(chunk, ...(rest as []));
    });
    const client = await RawClient.connect(srv.port);
    client.send(head);
    await client.responses(1);
    client.close();
    await srv.stop();
    return lines.join("");
  }

  it("logs a request (test_get)", async () => {
    const err = await logged("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(err).toMatch(/^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4} \d\d:\d\d:\d\d\] "GET \/ HTTP\/1\.1" 200 -\n$/);
  });

  it("logs an error, then the request (test_err)", async () => {
    const lines = (await logged("ERROR / HTTP/1.1\r\nHost: x\r\n\r\n")).split("\n");
    expect(lines[0]!.endsWith("code 404, message File not found")).toBe(true);
    expect(lines[1]!.endsWith('"ERROR / HTTP/1.1" 404 -')).toBe(true);
  });
});
