// Empty lines (CRLF) before a request line, over a real socket (docs/API.md, "Request parsing";
// RFC 9112 §2.2): up to 8 are skipped, so a client that ends a body with an extra CRLF keeps
// its connection and its pipeline; a connection that sends only empty lines gets no answer;
// a ninth closes the connection without an answer, as CPython does on the first. The
// tokenizer side is test/tokenizer/fixtures/empty-lines.md. Against every tokenizer backend.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { PARSERS, QuietHandler, RawClient, exchange, serve, serverPerTest, type Running } from "./helpers.js";

/** Echoes what it saw: the request line (raw and decoded) and the body. */
class Echo extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  #answer(body: string): void {
    const text = `${JSON.stringify(Buffer.from(this.raw_requestline).toString("latin1"))} ${this.requestline} [${body}]`;
    this.send_response(200);
    this.send_header("Content-Length", Buffer.byteLength(text, "latin1"));
    this.end_headers();
    this.wfile.write(Buffer.from(text, "latin1"));
  }
  override do_GET(): void {
    this.#answer("");
  }
  override async do_POST(): Promise<void> {
    const n = Number(this.headers.get("Content-Length") ?? 0);
    const body = await this.rfile.read(n);
    this.#answer(Buffer.from(body).toString("latin1"));
  }
}

const POST_WITH_CRLF = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\r\n";

describe.each(PARSERS)("empty lines before a request line (%s)", (parser: ParserName) => {
  /** The server of a test that needs its own handler class or limits (stopped after it). */
  const own = serverPerTest();
  let srv: Running;
  let idle: Running;
  beforeAll(async () => {
    srv = await serve(Echo, { parser });
    // Idle connections are closed fast; a head may take long.
    idle = await serve(Echo, { parser, keepAliveTimeout: 0.2, headTimeout: 60 });
  });
  afterAll(async () => {
    await srv.stop();
    await idle.stop();
  });

  it("a POST whose body is followed by an extra CRLF keeps its pipeline", async () => {
    const client = await RawClient.connect(srv.port);
    client.send(POST_WITH_CRLF + "GET /b HTTP/1.1\r\n\r\n" + POST_WITH_CRLF + "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n");
    const responses = await client.responses(4);
    await client.all();
    expect(responses.map((r) => r.body.toString("latin1"))).toEqual([
      '"POST /a HTTP/1.1\\r\\n" POST /a HTTP/1.1 [hello]',
      '"GET /b HTTP/1.1\\r\\n" GET /b HTTP/1.1 []',
      '"POST /a HTTP/1.1\\r\\n" POST /a HTTP/1.1 [hello]',
      '"GET /c HTTP/1.1\\r\\n" GET /c HTTP/1.1 []',
    ]);
  });

  it("the extra CRLF may arrive in its own packet, and so may the next request", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    await client.responses(1);
    client.send("\r\n");
    await new Promise((r) => setTimeout(r, 20));
    client.send("\r");
    await new Promise((r) => setTimeout(r, 20));
    client.send("\nGET /b HTTP/1.1\r\n\r\n");
    const [, second] = await client.responses(2);
    expect(second!.body.toString("latin1")).toBe('"GET /b HTTP/1.1\\r\\n" GET /b HTTP/1.1 []');
    client.close();
  });

  it("eight empty lines are skipped; requestline and raw_requestline leave them out", async () => {
    const raw = await exchange(srv.port, "\r\n".repeat(8) + "GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n"GET \/x HTTP\/1\.1\\r\\n" GET \/x HTTP\/1\.1 \[\]$/);
  });

  it("a connection that sends only empty lines and closes gets no answer", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("\r\n\r\n\r\n");
    client.socket.end();
    expect((await client.all()).length).toBe(0);
  });

  it("after a request, empty lines and the end of the stream get no further answer", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("GET /a HTTP/1.1\r\n\r\n\r\n\r\n");
    client.socket.end();
    const all = await client.all();
    expect(all.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*"GET \/a HTTP\/1\.1\\r\\n" GET \/a HTTP\/1\.1 \[\]$/);
  });

  it("a ninth empty line closes the connection without an answer, as CPython does on the first", async () => {
    const raw = await exchange(srv.port, "\r\n".repeat(9) + "GET / HTTP/1.1\r\n\r\n");
    expect(raw.length).toBe(0);
  });

  it("between pipelined requests, a ninth empty line ends the connection after the answers before it", async () => {
    const raw = await exchange(srv.port, "GET /a HTTP/1.1\r\n\r\n" + "\r\n".repeat(9) + "GET /never HTTP/1.1\r\n\r\n");
    const text = raw.toString("latin1");
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
    expect(text).not.toContain("never");
  });

  it("a line of SP before a request line is not skipped: closed without an answer", async () => {
    const raw = await exchange(srv.port, "\r\n \r\nGET / HTTP/1.1\r\n\r\n");
    expect(raw.length).toBe(0);
  });

  it("a bare LF before a request line is still 400 Bare LF", async () => {
    const raw = await exchange(srv.port, "\r\n\nGET / HTTP/1.1\r\n\r\n");
    expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.[01] 400 Bare LF in request head\r\n/);
  });

  it("empty lines after a request begin no head: the keep-alive limit closes the connection, silently (no 408)", async () => {
    const client = await RawClient.connect(idle.port);
    client.send(POST_WITH_CRLF);
    const all = await client.all();
    const text = all.toString("latin1");
    expect(text.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(text).toContain("[hello]");
    expect(text).not.toContain("408");
  });

  it("an empty line cut after its CR (CR and LF in separate reads) still begins no head: no 408", async () => {
    // Found by npm run fuzz: a CR read alone was taken for the start of a head, so the head
    // limit (answered 408) ran instead of the keep-alive one, depending on how TCP cut the bytes.
    const port = await own.start(Echo, { parser, keepAliveTimeout: 0.3, headTimeout: 0.6 });
    const client = await RawClient.connect(port);
    client.send("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\r");
    await client.until((b) => b.includes("[hello]"), "the answer");
    await new Promise((r) => setTimeout(r, 100));
    client.send("\n");
    const text = (await client.all()).toString("latin1");
    expect(text.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(text).not.toContain("408");
  });

  it("a CR alone after a request, then silence: closed at the keep-alive limit without an answer", async () => {
    const port = await own.start(Echo, { parser, keepAliveTimeout: 0.3, headTimeout: 0.6 });
    const client = await RawClient.connect(port);
    client.send("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    await client.until((b) => b.includes("[hello]"), "the answer");
    client.send("\r");
    const text = (await client.all()).toString("latin1");
    expect(text.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
    expect(text).not.toContain("408");
  });
});
