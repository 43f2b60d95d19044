// BaseHTTPRequestHandler without a network: raw bytes in through an in-memory Duplex, bytes out.
// Ports CPython 3.11 test_httpservers.BaseHTTPRequestHandlerTestCase, each test naming the
// CPython test it mirrors, against every tokenizer backend.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { BaseHTTPRequestHandler } from "../../src/http/handler.js";
import { HTTPServer } from "../../src/http/server.js";
import { PARSERS, readlines, socketless, FakeSocket } from "../server/helpers.js";

const DATA = "<html><body>Data</body></html>\r\n";

/** CPython's SocketlessRequestHandler: HTTP/1.1, a do_GET that records being called. */
class SocketlessRequestHandler extends BaseHTTPRequestHandler {
  override protocol_version = "HTTP/1.1";
  get_called = false;
  override do_GET(): void {
    this.get_called = true;
    this.send_response(200);
    this.send_header("Content-Type", "text/html");
    this.end_headers();
    this.wfile.write(Buffer.from(DATA));
  }
  override log_message(): void {}
}

class RejectingSocketlessRequestHandler extends SocketlessRequestHandler {
  override handle_expect_100(): boolean {
    this.send_error(417);
    return false;
  }
}

/** CPython's AuditableBytesIO: counts the writes that reach wfile. */
class AuditableWfile {
  datas: Buffer[] = [];
  write(data: Uint8Array | string): undefined {
    this.datas.push(Buffer.from(data as Uint8Array));
    return undefined;
  }
  flush(): undefined {
    return undefined;
  }
  get closed(): boolean {
    return false;
  }
  get numWrites(): number {
    return this.datas.length;
  }
  getData(): string {
    return Buffer.concat(this.datas).toString("latin1");
  }
}

function verifyExpectedHeaders(headers: string[]): void {
  for (const field of ["Server: ", "Date: ", "Content-Type: "]) {
    expect(headers.filter((h) => h.startsWith(field)).length).toBe(1);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(PARSERS)("BaseHTTPRequestHandler socketless (%s)", (parser: ParserName) => {
  const server = new HTTPServer(["127.0.0.1", 0], SocketlessRequestHandler, { parser, bind_and_activate: false });
  const send = <H extends BaseHTTPRequestHandler>(input: string, Handler: new (...a: ConstructorParameters<typeof BaseHTTPRequestHandler>) => H) =>
    socketless(Handler, input, server);

  it("logs control characters escaped (test_unprintable_not_logged)", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const handler = new BaseHTTPRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], null as never);
    handler.log_message("/foo");
    handler.log_message("/\x1bbar\x00\x1b");
    handler.log_message("/spam %s.", "a");
    handler.log_message("/spam %s.", "\x1b\x7f\x9f\xa0beans");
    handler.log_message('"GET /foo\\b"ar\x07 HTTP/1.0"');
    const lines = write.mock.calls.map((c) => String(c[0]));
    const stderr = lines.join("");
    expect(stderr).not.toContain("\x1b");
    expect(stderr).not.toContain("\x00");
    expect(lines[0]).toContain("/foo");
    expect(lines[1]).toContain("/\\x1bbar\\x00\\x1b");
    expect(lines[2]).toContain("/spam a.");
    expect(lines[3]).toContain("/spam \\x1b\\x7f\\x9f\xa0beans.");
    expect(lines[4]).toContain('"GET /foo\\\\b"ar\\x07 HTTP/1.0"');
    for (const line of lines) expect(line).toMatch(/^127\.0\.0\.1 - - \[\d\d\/[A-Z][a-z]{2}\/\d{4} \d\d:\d\d:\d\d\] .*\n$/);
  });

  it("answers HTTP/1.1 (test_http_1_1)", async () => {
    const { handler, output } = await send("GET / HTTP/1.1\r\n\r\n", SocketlessRequestHandler);
    const result = readlines(output);
    expect(result[0]).toBe("HTTP/1.1 200 OK\r\n");
    verifyExpectedHeaders(result.slice(1, -1));
    expect(handler.get_called).toBe(true);
    expect(result.at(-1)).toBe(DATA);
    expect(handler.requestline).toBe("GET / HTTP/1.1");
    expect(handler.command).toBe("GET");
    expect(handler.path).toBe("/");
    expect(handler.request_version).toBe("HTTP/1.1");
    expect(handler.headers.items()).toEqual([]);
    expect(Buffer.from(handler.raw_requestline).toString("latin1")).toBe("GET / HTTP/1.1\r\n");
    expect(handler.close_connection).toBe(false);
  });

  it("answers HTTP/1.0 (test_http_1_0)", async () => {
    const { handler, output } = await send("GET / HTTP/1.0\r\n\r\n", SocketlessRequestHandler);
    const result = readlines(output);
    expect(result[0]).toBe("HTTP/1.1 200 OK\r\n");
    verifyExpectedHeaders(result.slice(1, -1));
    expect(result.at(-1)).toBe(DATA);
    expect(handler.request_version).toBe("HTTP/1.0");
    expect(handler.headers.items()).toEqual([]);
  });

  it("answers HTTP/0.9 with the body alone (test_http_0_9)", async () => {
    const { handler, output } = await send("GET / HTTP/0.9\r\n\r\n", SocketlessRequestHandler);
    expect(readlines(output)).toEqual([DATA]);
    expect(handler.get_called).toBe(true);
  });

  it("refuses a request line with four words (test_extra_space)", async () => {
    const { handler, output } = await send("GET /spaced out HTTP/1.1\r\nHost: dummy\r\n\r\n", SocketlessRequestHandler);
    const result = readlines(output);
    expect(result[0]).toBe("HTTP/1.1 400 Bad request syntax ('GET /spaced out HTTP/1.1')\r\n");
    verifyExpectedHeaders(result.slice(1, result.indexOf("\r\n")));
    expect(handler.get_called).toBe(false);
  });

  it("ignores Expect: 100-continue from HTTP/1.0 (test_with_continue_1_0)", async () => {
    const { handler, output } = await send("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", SocketlessRequestHandler);
    const result = readlines(output);
    expect(result[0]).toBe("HTTP/1.1 200 OK\r\n");
    verifyExpectedHeaders(result.slice(1, -1));
    expect(result.at(-1)).toBe(DATA);
    expect(handler.headers.items()).toEqual([["Expect", "100-continue"]]);
  });

  it("sends 100 Continue to HTTP/1.1 (test_with_continue_1_1)", async () => {
    const { handler, output } = await send("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", SocketlessRequestHandler);
    const result = readlines(output);
    expect(result[0]).toBe("HTTP/1.1 100 Continue\r\n");
    expect(result[1]).toBe("\r\n");
    expect(result[2]).toBe("HTTP/1.1 200 OK\r\n");
    verifyExpectedHeaders(result.slice(2, -1));
    expect(result.at(-1)).toBe(DATA);
    expect(handler.requestline).toBe("GET / HTTP/1.1");
    expect(handler.headers.items()).toEqual([["Expect", "100-continue"]]);
  });

  it("writes send_error's head in one write and its body in another (test_header_buffering_of_send_error)", () => {
    const handler = new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], null as never);
    const output = new AuditableWfile();
    handler.wfile = output as never;
    handler.request_version = "HTTP/1.1";
    handler.requestline = "";
    handler.command = null;
    handler.send_error(418);
    expect(output.numWrites).toBe(2);
  });

  it("buffers send_response_only until end_headers (test_header_buffering_of_send_response_only)", () => {
    const handler = new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], null as never);
    const output = new AuditableWfile();
    handler.wfile = output as never;
    handler.request_version = "HTTP/1.1";
    handler.send_response_only(418);
    expect(output.numWrites).toBe(0);
    handler.end_headers();
    expect(output.numWrites).toBe(1);
  });

  it("buffers send_header until end_headers (test_header_buffering_of_send_header)", () => {
    const handler = new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], null as never);
    const output = new AuditableWfile();
    handler.wfile = output as never;
    handler.request_version = "HTTP/1.1";
    handler.send_header("Foo", "foo");
    handler.send_header("bar", "bar");
    expect(output.numWrites).toBe(0);
    handler.end_headers();
    expect(output.getData()).toBe("Foo: foo\r\nbar: bar\r\n\r\n");
    expect(output.numWrites).toBe(1);
  });

  it("gives a wfile of its own a copy of a repeated head: changing it changes no later head", () => {
    const handler = new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], null as never);
    const received: Uint8Array[] = [];
    handler.wfile = { write: (data: Uint8Array) => void received.push(data), flush: () => undefined, closed: false } as never;
    handler.request_version = "HTTP/1.1";
    for (let i = 0; i < 3; i++) {
      handler.send_header("Foo", "foo");
      handler.end_headers();
      // The wfile scribbles over what it got.
      const got = received.at(-1)!;
      expect(Buffer.from(got).toString("latin1")).toBe("Foo: foo\r\n\r\n");
      got.fill(0x21);
    }
  });

  it("sends 100 Continue before the answer (test_header_unbuffered_when_continue)", async () => {
    const { output } = await send("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", SocketlessRequestHandler);
    const result = output.toString("latin1").split("\r\n");
    expect(result.slice(0, 3)).toEqual(["HTTP/1.1 100 Continue", "", "HTTP/1.1 200 OK"]);
  });

  it("lets handle_expect_100 refuse (test_with_continue_rejected)", async () => {
    const { handler, output } = await send("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", RejectingSocketlessRequestHandler);
    const result = readlines(output);
    expect(result[0]).toBe("HTTP/1.1 417 Expectation Failed\r\n");
    verifyExpectedHeaders(result.slice(1, -1));
    expect(handler.get_called).toBe(false);
    expect(result.slice(1, -1).filter((r) => r === "Connection: close\r\n").length).toBe(1);
  });

  it("answers a request line over 65536 bytes with 414 (test_request_length)", async () => {
    const { handler, output } = await send("GET " + "x".repeat(65537), SocketlessRequestHandler);
    expect(readlines(output)[0]).toBe("HTTP/1.1 414 Request-URI Too Long\r\n");
    expect(handler.get_called).toBe(false);
    expect(typeof handler.requestline).toBe("string");
  });

  it("answers a header line over 65536 bytes with 431 (test_header_length)", async () => {
    const { handler, output } = await send("GET / HTTP/1.1\r\nX-Foo: bar" + "r".repeat(65537) + "\r\n\r\n", SocketlessRequestHandler);
    expect(readlines(output)[0]).toBe("HTTP/1.1 431 Line too long\r\n");
    expect(handler.get_called).toBe(false);
    expect(handler.requestline).toBe("GET / HTTP/1.1");
  });

  it("answers 101 headers with 431 (test_too_many_headers)", async () => {
    const { handler, output } = await send("GET / HTTP/1.1\r\n" + "X-Foo: bar\r\n".repeat(101) + "\r\n", SocketlessRequestHandler);
    expect(readlines(output)[0]).toBe("HTTP/1.1 431 Too many headers\r\n");
    expect(handler.get_called).toBe(false);
    expect(handler.requestline).toBe("GET / HTTP/1.1");
  });

  it("HTML-escapes the request line in the error page (test_html_escape_on_error)", async () => {
    // CPython's input ends without CRLF and relies on EOF ending the line; a head is complete
    // here only with its blank line (an unterminated head at EOF closes silently).
    const { output } = await send('<script>alert("hello")</script> / HTTP/1.1\r\n\r\n', SocketlessRequestHandler);
    expect(output.toString("latin1")).toContain('&lt;script&gt;alert("hello")&lt;/script&gt;');
  });

  it("calls handle_one_request until close_connection (test_close_connection)", async () => {
    const handler = new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], null as never);
    for (const values of [[true], [false, false, true]]) {
      const closeValues = values[Symbol.iterator]();
      handler.handle_one_request = async () => {
        const next = closeValues.next();
        if (next.done) throw new Error("called once too often");
        handler.close_connection = next.value;
      };
      await handler.handle();
      expect(closeValues.next().done).toBe(true);
    }
  });

  it("formats timestamps as IMF-fixdate (test_date_time_string)", () => {
    const handler = new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], server);
    handler.setup();
    const now = Date.now() / 1000;
    // V8's toUTCString is IMF-fixdate too (RFC 9110 §5.6.7): an oracle independent of the handler.
    expect(handler.date_time_string(now)).toBe(new Date(Math.floor(now) * 1000).toUTCString());
    expect(handler.date_time_string(784111777)).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
    handler.finish();
  });

  it("names the month of log lines by monthname, which a subclass may override", () => {
    class Localised extends SocketlessRequestHandler {
      override monthname = [null, "jan", "fév", "mar", "avr", "mai", "jui", "jul", "aoû", "sep", "oct", "nov", "déc"];
    }
    vi.useFakeTimers();
    vi.setSystemTime(new Date(2026, 1, 3, 4, 5, 6));
    try {
      const handler = new Localised(new FakeSocket(""), ["127.0.0.1", 1337], server);
      expect(handler.log_date_time_string()).toBe("03/fév/2026 04:05:06");
      expect(new SocketlessRequestHandler(new FakeSocket(""), ["127.0.0.1", 1337], server).log_date_time_string()).toBe(
        "03/Feb/2026 04:05:06",
      );
    } finally {
      vi.useRealTimers();
    }
  });
});
