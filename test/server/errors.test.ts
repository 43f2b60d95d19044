// Failures that must cost one request or one connection, never the server: handler
// exceptions (500 and handle_error), unsafe headers, clients vanishing mid-head or mid-body,
// the handler's socket timeout. Over real sockets, against every tokenizer backend.

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { ValueError } from "../../src/py/errors.js";
import { ConnectionResetError } from "../../src/socketserver/errors.js";
import { PARSERS, QuietHandler, RawClient, errorPage, exchange, serve, splitResponses, type Running } from "./helpers.js";

const seen: unknown[] = [];

class Failing extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  override do_GET(): void {
    this.send_response(200);
    this.send_header("Content-Length", 2);
    this.end_headers();
    this.wfile.write("ok");
  }
  do_THROW(): void {
    throw new Error("sync failure");
  }
  async do_REJECT(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    throw new Error("async failure");
  }
  do_HALF(): void {
    this.send_response(200);
    this.send_header("Content-Length", 10);
    this.end_headers();
    this.wfile.write("half");
    throw new Error("failure after the head");
  }
  do_BUFFERED(): void {
    this.send_response(200);
    throw new Error("failure with the head still buffered");
  }
  do_SPLIT(): void {
    this.send_response(200);
    this.send_header("X-Injected", "a\r\nSet-Cookie: evil=1");
    this.end_headers();
  }
  override async do_POST(): Promise<void> {
    try {
      await this.rfile.read();
    } catch (error) {
      seen.push(error);
      throw error;
    }
    this.do_GET();
  }
}

describe.each(PARSERS)("handler failures (%s)", (parser: ParserName) => {
  let srv: Running;
  const errors: unknown[] = [];
  beforeAll(async () => {
    srv = await serve(Failing, { parser });
    srv.server.handle_error = (_request, _address, error) => {
      errors.push(error);
    };
  });
  afterAll(async () => {
    await srv.stop();
  });
  afterEach(() => {
    errors.length = 0;
    seen.length = 0;
  });

  const page500 = errorPage(500, "Internal Server Error", "Server got itself in trouble");

  it.each(["THROW", "REJECT", "BUFFERED", "SPLIT"])("answers 500 when do_%s fails before sending anything", async (method) => {
    const raw = await exchange(srv.port, `${method} / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n\r\n`);
    const [res, ...rest] = splitResponses(raw);
    expect(res!.statusLine).toBe("HTTP/1.1 500 Internal Server Error");
    expect(res!.header("Connection")).toBe("close");
    expect(res!.body.toString()).toBe(page500);
    expect(rest).toEqual([]);
    expect(errors.length).toBe(1);
    expect(String(errors[0])).toMatch(method === "SPLIT" ? /ValueError: Invalid header/ : /failure/);
    expect((await exchange(srv.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).toString()).toMatch(/\r\n\r\nok$/);
  });

  it("closes without a 500 when the handler fails after sending", async () => {
    const raw = await exchange(srv.port, "HALF / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*Content-Length: 10\r\n\r\nhalf$/);
    expect(errors.length).toBe(1);
  });

  it("costs only the connection when the client leaves mid-head", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Partial: ");
    await new Promise((r) => setTimeout(r, 20));
    client.close();
    await client.closed;
    expect((await exchange(srv.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).toString()).toMatch(/ok$/);
    expect(errors).toEqual([]);
  });

  it("costs only the connection when the client leaves mid-body", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part");
    await new Promise((r) => setTimeout(r, 20));
    client.socket.end();
    await client.all();
    await vi.waitFor(() => expect(seen.length).toBe(1));
    expect(seen[0]).toBeInstanceOf(ConnectionResetError);
    expect(errors).toEqual([]);
    expect((await exchange(srv.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).toString()).toMatch(/ok$/);
  });

  it("survives a client resetting the connection mid-body", async () => {
    const client = await RawClient.connect(srv.port);
    client.send("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly part");
    await new Promise((r) => setTimeout(r, 20));
    client.socket.resetAndDestroy();
    await client.closed;
    await vi.waitFor(() => expect(seen.length).toBe(1));
    expect((await exchange(srv.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n")).toString()).toMatch(/ok$/);
  });

  it("logs a handler timeout and closes the connection (handler class variable timeout)", async () => {
    const logs: string[] = [];
    class Slow extends Failing {
      override timeout = 0.2;
      override log_message(format: string, ...args: unknown[]): void {
        logs.push(format.replace("%s", String(args[0])));
      }
    }
    const slow = await serve(Slow, { parser });
    const client = await RawClient.connect(slow.port);
    client.send("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nstalled");
    const all = await client.all();
    await slow.stop();
    expect(all.length).toBe(0);
    expect(logs).toEqual(["Request timed out: TimeoutError('timed out')"]);
  });
});

/** A small deterministic PRNG (mulberry32), so a failure names its seed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["GET", "POST", " ", "\t", "/", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "\r\n", "\r", "\n", ":", "Host",
  "Content-Length", "Transfer-Encoding", "chunked", "Expect", "100-continue", "Connection", "close", "0", "5", "\x00", "\xff", "a"];

describe.each(PARSERS)("random input never stops the server (%s)", (parser: ParserName) => {
  it("answers or closes 150 random requests, then serves a good one", async () => {
    const srv = await serve(Failing, { parser, headTimeout: 0.3 });
    const random = prng(parser === "wasm" ? 1 : 2);
    for (let batch = 0; batch < 15; batch++) {
      await Promise.all(Array.from({ length: 10 }, async () => {
        let input = "";
        const n = 1 + Math.floor(random() * 40);
        for (let i = 0; i < n; i++) input += PIECES[Math.floor(random() * PIECES.length)];
        const client = await RawClient.connect(srv.port);
        client.send(Buffer.from(input, "latin1"));
        client.socket.end();
        await client.all();
      }));
    }
    const raw = await exchange(srv.port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    await srv.stop();
    expect(raw.toString()).toMatch(/\r\n\r\nok$/);
  });
});

describe("send_header and send_response refuse unsafe text", () => {
  it.each([
    ["CR in a value", "X-A", "a\rb"],
    ["LF in a value", "X-A", "a\nb"],
    ["NUL in a value", "X-A", "a\0b"],
    ["CR in a name", "X-A\r", "v"],
    ["LF in a name", "X-A\n", "v"],
    ["NUL in a name", "X\0A", "v"],
    ["a character beyond ISO-8859-1", "X-A", "€"],
  ])("throws ValueError for %s", (_name, keyword, value) => {
    const handler = new QuietHandler(null as never, ["127.0.0.1", 1], null as never);
    handler.request_version = "HTTP/1.1";
    expect(() => handler.send_header(keyword, value)).toThrow(ValueError);
    expect(() => handler.send_header(keyword, value)).toThrow(/Invalid header/);
  });

  // README "Other decisions", Responses: the reason phrase as send_header's names and values.
  it.each([
    ["CR", "OK\rX: y"],
    ["LF", "OK\nX: y"],
    ["CRLF", "OK\r\nX: y"],
    ["NUL", "O\0K"],
    ["a character beyond U+00FF", "OK \u0100"],
  ])("send_response_only throws ValueError for %s in the reason phrase", (_name, phrase) => {
    const handler = new QuietHandler(null as never, ["127.0.0.1", 1], null as never);
    handler.request_version = "HTTP/1.1";
    expect(() => handler.send_response_only(200, phrase)).toThrow(ValueError);
    expect(() => handler.send_response_only(200, phrase)).toThrow(/Invalid reason phrase/);
  });
});
