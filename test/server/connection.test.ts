// One connection's life over a real socket: keep-alive as CPython decides it, pipelining (in
// order, in few socket writes), request bodies (Content-Length, chunked, unread bodies
// discarded or the connection closed), 100 Continue, and the keep-alive idle limit.

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { PARSERS, QuietHandler, RawClient, exchange, serve, serverPerTest, splitResponses, type Running } from "./helpers.js";

/** Echoes what it read of the body: how is chosen by the path. */
class Echo extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  static writes = 0;

  override setup(): void {
    const socket = this.request;
    const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
    (socket as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
      Echo.writes++;
      return write(...a);
    };
    super.setup();
  }

  reply(body: string | Buffer): void {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    this.send_response(200);
    this.send_header("Content-Length", bytes.length);
    this.end_headers();
    this.wfile.write(bytes);
  }

  override do_GET(): void {
    this.reply(`got ${this.path}`);
  }

  override async do_POST(): Promise<void> {
    if (this.path === "/ignore") return this.reply("ignored");
    if (this.path === "/read3") return this.reply(await this.rfile.read(3));
    if (this.path === "/lines") {
      const lines: string[] = [];
      for await (const line of this.rfile) lines.push(JSON.stringify(line.toString()));
      return this.reply(lines.join(","));
    }
    if (this.path === "/readline") {
      const first = await this.rfile.readline();
      const limited = await this.rfile.readline(2);
      const rest = await this.rfile.read();
      return this.reply(`${JSON.stringify(first.toString())}|${limited}|${rest}`);
    }
    this.reply(await this.rfile.read());
  }
}

describe.each(PARSERS)("keep-alive and pipelining (%s)", (parser: ParserName) => {
  /** The server of a test that serves a handler class of its own (stopped after it). */
  const own = serverPerTest();
  let srv: Running;
  beforeAll(async () => {
    srv = await serve(Echo, { parser });
  });
  afterAll(async () => {
    await srv.stop();
  });

  it.each([
    ["HTTP/1.1", "", false],
    ["HTTP/1.1", "Connection: close\r\n", true],
    ["HTTP/1.0", "", true],
    ["HTTP/1.0", "Connection: keep-alive\r\n", false],
    ["HTTP/1.1", "Connection: CLOSE\r\n", true],
  ])("%s %s-> closes: %s (protocol_version HTTP/1.1)", async (version, header, closes) => {
    const client = await RawClient.connect(srv.port);
    client.send(`GET /a ${version}\r\n${header}\r\n`);
    await client.responses(1);
    if (closes) {
      await client.all();
    } else {
      client.send("GET /b HTTP/1.1\r\n\r\n");
      const [, second] = await client.responses(2);
      expect(second!.body.toString()).toBe("got /b");
      client.close();
    }
  });

  it("closes after every response with protocol_version HTTP/1.0 (CPython's default)", async () => {
    class OneShot extends QuietHandler {
      override do_GET(): void {
        this.send_response(200);
        this.end_headers();
        this.wfile.write("x");
      }
    }
    const port = await own.start(OneShot, { parser });
    const raw = await exchange(port, "GET / HTTP/1.1\r\n\r\nGET /second HTTP/1.1\r\n\r\n");
    expect(splitResponses(raw).length).toBe(1);
    expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
  });

  it("answers 16 pipelined requests in order, in few socket writes", async () => {
    const client = await RawClient.connect(srv.port);
    const before = Echo.writes;
    let burst = "";
    for (let i = 0; i < 16; i++) burst += `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`;
    client.send(burst);
    const responses = await client.responses(16);
    expect(responses.map((r) => r.body.toString())).toEqual(Array.from({ length: 16 }, (_, i) => `got /${i}`));
    expect(Echo.writes - before).toBeLessThanOrEqual(2);
    client.close();
  });

  it("serves a request whose head arrives one byte at a time", async () => {
    const head = "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const raw = await exchange(srv.port, ...head.split(""));
    expect(raw.toString("latin1")).toMatch(/got \/slow$/);
  });

  it("answers a client that half-closes after its requests, even from an async handler", async () => {
    class Later extends Echo {
      override async do_GET(): Promise<void> {
        await new Promise((r) => setTimeout(r, 20));
        this.reply(`later ${this.path}`);
      }
    }
    const port = await own.start(Later, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    client.socket.end();
    const all = await client.all();
    expect(splitResponses(all).map((r) => r.body.toString())).toEqual(["later /1", "later /2"]);
  });

  it("closes an idle keep-alive connection after keepAliveTimeout, silently", async () => {
    const port = await own.start(Echo, { parser, keepAliveTimeout: 0.2 });
    const client = await RawClient.connect(port);
    client.send("GET /a HTTP/1.1\r\n\r\n");
    const all = await client.all();
    expect(splitResponses(all).length).toBe(1);
    expect(all.toString("latin1")).toMatch(/got \/a$/);
  });
});

describe.each(PARSERS)("request bodies (%s)", (parser: ParserName) => {
  /** The server of a test that serves a handler class of its own (stopped after it). */
  const own = serverPerTest();
  let srv: Running;
  beforeAll(async () => {
    srv = await serve(Echo, { parser });
  });
  afterAll(async () => {
    await srv.stop();
  });

  async function post(path: string, headers: string, ...body: string[]): Promise<string[]> {
    const raw = await exchange(srv.port, `POST ${path} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`, ...body);
    return splitResponses(raw).map((r) => `${r.status} ${r.body.toString("latin1")}`);
  }

  it("reads a Content-Length body, never past it", async () => {
    const raw = await exchange(srv.port, "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(splitResponses(raw).map((r) => r.body.toString())).toEqual(["hello", "got /next"]);
  });

  it("reads a body that arrives in pieces", async () => {
    expect(await post("/", "Content-Length: 11\r\n", "hel", "lo wo", "rld")).toEqual(["200 hello world"]);
  });

  it("read(n) returns n bytes", async () => {
    expect(await post("/read3", "Content-Length: 5\r\n", "ab", "cde")).toEqual(["200 abc"]);
  });

  it("readline(limit) and read() stop at the body's end", async () => {
    expect(await post("/readline", "Content-Length: 9\r\n", "one\nt", "wo\nx")).toEqual(['200 "one\\n"|tw|o\nx']);
  });

  it("iterates over the body's lines", async () => {
    expect(await post("/lines", "Content-Length: 8\r\n", "a\nbb\n", "ccc")).toEqual(['200 "a\\n","bb\\n","ccc"']);
  });

  it("decodes a chunked body with extensions and trailers", async () => {
    const body = "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";
    expect(await post("/", "Transfer-Encoding: chunked\r\n", body)).toEqual(["200 hello world"]);
  });

  it("decodes a chunked body sent one byte at a time", async () => {
    const body = "3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n";
    expect(await post("/", "Transfer-Encoding: chunked\r\n", ...body.split(""))).toEqual(["200 abc0123456789"]);
  });

  it.each([
    ["an invalid chunk size", "zz\r\nabc\r\n0\r\n\r\n", "Invalid chunk size"],
    ["a chunk size line ending in a bare LF", "3\nabc\r\n0\r\n\r\n", "Bare LF in chunked body"],
    ["chunk data not followed by CRLF", "3\r\nabcX\r\n0\r\n\r\n", "Chunk data not followed by CRLF"],
    ["a chunk size too large", "fffffffffffffff\r\n", "Chunk size too large"],
    ["an overlong chunk extension", `1;${"e".repeat(5000)}\r\na\r\n0\r\n\r\n`, "Chunk line too long"],
    ["too many chunk extensions", `${`1;${"e".repeat(1000)}\r\na\r\n`.repeat(20)}0\r\n\r\n`, "Chunk extensions too long"],
    // RFC 9112 §7.1.1 (issue 7): a chunk extension is `;` token [ `=` token / quoted-string ].
    ["a chunk extension without a name", "2;\r\nab\r\n0\r\n\r\n", "Invalid chunk extension"],
    ["an unterminated quoted chunk extension", '5;a="x\r\nhello\r\n0\r\n\r\n', "Invalid chunk extension"],
  ])("answers 400 and closes for %s", async (_name, body, message) => {
    expect(await post("/", "Transfer-Encoding: chunked\r\n", body)).toEqual([
      expect.stringMatching(new RegExp(`^400 [^]*<p>Message: ${message}\\.</p>`)),
    ]);
  });

  it("discards an unread body so it is never parsed as a request", async () => {
    const smuggled = "GET /smuggled HTTP/1.1\r\n\r\n";
    const raw = await exchange(
      srv.port,
      `POST /ignore HTTP/1.1\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}` +
        "POST /ignore HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\nGET /smuggled HTTP/1.1\r\n\r\n\r\n0\r\n\r\n" +
        "GET /real HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    expect(splitResponses(raw).map((r) => r.body.toString())).toEqual(["ignored", "ignored", "got /real"]);
  });

  it("closes the connection after the answer when an unread body is over 1 MiB", async () => {
    const client = await RawClient.connect(srv.port);
    client.send(`POST /ignore HTTP/1.1\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\nGET /never HTTP/1.1\r\n\r\n`);
    const all = await client.all();
    expect(splitResponses(all).map((r) => r.body.toString())).toEqual(["ignored"]);
  });

  it("sends 100 Continue before reading the body", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\nConnection: close\r\n\r\n");
    await client.until((b) => b.includes("\r\n\r\n"), "100 Continue");
    expect(client.received.toString("latin1")).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    client.send("data");
    const all = (await client.all()).toString("latin1");
    expect(all).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\ndata$/);
  });

  it("closes instead of waiting for a body the client holds back for 100 Continue", async () => {
    class Refuse extends Echo {
      override handle_expect_100(): boolean {
        return true;
      }
    }
    const port = await own.start(Refuse, { parser });
    const client = await RawClient.connect(port);
    client.send("POST /ignore HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    const all = await client.all();
    expect(splitResponses(all).map((r) => r.body.toString())).toEqual(["ignored"]);
  });

  it("writes a large body with backpressure, whole", async () => {
    class Big extends QuietHandler {
      override async do_GET(): Promise<void> {
        const piece = Buffer.alloc(64 * 1024, 0x61);
        this.send_response(200);
        this.send_header("Content-Length", 128 * piece.length);
        this.end_headers();
        for (let i = 0; i < 128; i++) await this.wfile.write(piece);
      }
    }
    const port = await own.start(Big, { parser });
    const raw = await exchange(port, "GET / HTTP/1.1\r\n\r\n");
    const [res] = splitResponses(raw);
    expect(res!.body.length).toBe(8 * 1024 * 1024);
    expect(res!.body.every((b) => b === 0x61)).toBe(true);
  });

  it("stops reading pipelined requests while the client does not read the answers", async () => {
    let served = 0;
    class Heavy extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        served++;
        const body = Buffer.alloc(1024 * 1024, 0x62);
        this.send_response(200);
        this.send_header("Content-Length", body.length);
        this.end_headers();
        this.wfile.write(body);
      }
    }
    const port = await own.start(Heavy, { parser });
    const client = await RawClient.connect(port);
    client.socket.pause();
    client.send("GET / HTTP/1.1\r\n\r\n".repeat(64));
    await vi.waitFor(() => expect(served).toBeGreaterThan(1));
    await new Promise((r) => setTimeout(r, 200));
    // 64 MiB of answers cannot sit in socket buffers: the server waits for the client.
    expect(served).toBeLessThan(64);
    client.close();
  });

  it("writes strings as UTF-8", async () => {
    class Utf8 extends QuietHandler {
      override do_GET(): void {
        this.send_response(200);
        this.end_headers();
        this.wfile.write("é€😀");
      }
    }
    const port = await own.start(Utf8, { parser });
    const raw = await exchange(port, "GET / HTTP/1.0\r\n\r\n");
    expect(splitResponses(raw)[0]!.body.toString("utf8")).toBe("é€😀");
  });
});
