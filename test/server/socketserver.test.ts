// socketserver's contract on node:net (Lib/socketserver.py): ready and bind errors,
// handle_request and its timeout, serve_forever/shutdown (in-flight requests finish, idle
// connections close, nothing received is lost), verify_request, handle_error,
// StreamRequestHandler's rfile/wfile, `await using`. HTTP cases run on every backend.

import net from "node:net";
import { describe, expect, it, vi } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { HTTPServer, ThreadingHTTPServer, type HTTPServerOptions } from "../../src/http/server.js";
import { BaseServer } from "../../src/socketserver/base-server.js";
import { BaseRequestHandler, StreamRequestHandler, type Address } from "../../src/socketserver/request-handler.js";
import { TCPServer } from "../../src/socketserver/tcp-server.js";
import { PARSERS, QuietHandler, RawClient, exchange, serve, splitResponses } from "./helpers.js";

/** Echo lines back, upper-cased, until the client ends. */
class UpperEcho extends StreamRequestHandler {
  override async handle(): Promise<void> {
    for await (const line of this.rfile) this.wfile.write(line.toString().toUpperCase());
  }
}

async function tcp(Handler: typeof BaseRequestHandler): Promise<TCPServer> {
  const server = new TCPServer(["127.0.0.1", 0], Handler);
  await server.ready;
  return server;
}

describe("TCPServer and BaseServer", () => {
  it("binds port 0 and reports the address actually bound", async () => {
    const server = await tcp(UpperEcho);
    const [host, port] = server.server_address;
    expect(host).toBe("127.0.0.1");
    expect(port).toBeGreaterThan(0);
    expect(server.RequestHandlerClass).toBe(UpperEcho);
    server.server_close();
  });

  it("rejects ready on EADDRINUSE", async () => {
    const first = await tcp(UpperEcho);
    const second = new TCPServer(["127.0.0.1", first.server_address[1]], UpperEcho);
    await expect(second.ready).rejects.toMatchObject({ code: "EADDRINUSE" });
    first.server_close();
  });

  it("serves a StreamRequestHandler: rfile lines in, wfile out", async () => {
    const server = await tcp(UpperEcho);
    const loop = server.serve_forever(0.05);
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(server.server_address[1], "127.0.0.1", () => socket.end("one\ntwo\n"));
      let out = "";
      socket.on("data", (d) => (out += d));
      socket.on("close", () => resolve(out));
    });
    expect(raw).toBe("ONE\nTWO\n");
    await server.shutdown();
    await loop;
    server.server_close();
  });

  it("handle_request serves exactly one connection, completely", async () => {
    const server = await tcp(UpperEcho);
    const port = server.server_address[1];
    const a = net.connect(port, "127.0.0.1");
    const b = net.connect(port, "127.0.0.1");
    let aOut = "";
    let bOut = "";
    a.on("data", (d) => (aOut += d));
    b.on("data", (d) => (bOut += d));
    a.write("first\n");
    b.write("second\n");
    const handled = server.handle_request();
    await new Promise((r) => setTimeout(r, 50));
    a.end();
    b.end();
    await handled;
    await new Promise((r) => setTimeout(r, 50));
    // One of the two was served; the other waits in the queue until the next handle_request.
    expect([aOut, bOut].sort()).toEqual(["", aOut || bOut].sort());
    await server.handle_request();
    await new Promise((r) => setTimeout(r, 50));
    expect([aOut, bOut].sort()).toEqual(["FIRST\n", "SECOND\n"]);
    server.server_close();
  });

  it("handle_request calls handle_timeout when no connection comes within timeout", async () => {
    let timedOut = 0;
    class Timed extends TCPServer {
      override timeout = 0.05;
      override handle_timeout(): void {
        timedOut++;
      }
    }
    const server = new Timed(["127.0.0.1", 0], UpperEcho);
    await server.ready;
    await server.handle_request();
    expect(timedOut).toBe(1);
    server.server_close();
  });

  it("verify_request refusing closes the connection unanswered", async () => {
    class Picky extends TCPServer {
      override verify_request(): boolean {
        return false;
      }
    }
    const server = new Picky(["127.0.0.1", 0], UpperEcho);
    await server.ready;
    const loop = server.serve_forever(0.05);
    const client = await RawClient.connect(server.server_address[1]);
    client.send("hello\n");
    expect((await client.all()).length).toBe(0);
    await server.shutdown();
    await loop;
    server.server_close();
  });

  it("handle_error gets the exception and the server goes on", async () => {
    const errors: [Address, unknown][] = [];
    let calls = 0;
    class Flaky extends StreamRequestHandler {
      override handle(): void {
        if (calls++ === 0) throw new Error("boom");
        this.wfile.write("fine");
      }
    }
    class Recording extends TCPServer {
      override handle_error(_request: unknown, client_address: Address, error?: unknown): void {
        errors.push([client_address, error]);
      }
    }
    const server = new Recording(["127.0.0.1", 0], Flaky);
    await server.ready;
    const loop = server.serve_forever(0.05);
    const first = await RawClient.connect(server.server_address[1]);
    await first.all();
    const second = await RawClient.connect(server.server_address[1]);
    expect((await second.all()).toString()).toBe("fine");
    expect(errors.length).toBe(1);
    expect(errors[0]![0][0]).toBe("127.0.0.1");
    expect(String(errors[0]![1])).toBe("Error: boom");
    await server.shutdown();
    await loop;
    server.server_close();
  });

  it("handle_error's default writes the stack between dashes to stderr", () => {
    const chunks: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((c: string) => chunks.push(c) > 0) as typeof process.stderr.write;
    try {
      new BaseServer(["127.0.0.1", 0], UpperEcho).handle_error(null as never, ["127.0.0.1", 5555], new Error("boom"));
    } finally {
      process.stderr.write = write;
    }
    const text = chunks.join("");
    expect(text.startsWith(`${"-".repeat(40)}\nException occurred during processing of request from ('127.0.0.1', 5555)\nError: boom\n`)).toBe(true);
    expect(text.endsWith(`\n${"-".repeat(40)}\n`)).toBe(true);
  });

  it("serve_forever resolves after shutdown, even one called right after it", async () => {
    const server = await tcp(UpperEcho);
    const loop = server.serve_forever(0.01);
    await server.shutdown();
    await loop;
    server.server_close();
  });

  it("calls service_actions every poll_interval", async () => {
    let actions = 0;
    class Busy extends TCPServer {
      override service_actions(): void {
        actions++;
      }
    }
    const server = new Busy(["127.0.0.1", 0], UpperEcho);
    await server.ready;
    const loop = server.serve_forever(0.01);
    await new Promise((r) => setTimeout(r, 100));
    await server.shutdown();
    await loop;
    server.server_close();
    expect(actions).toBeGreaterThan(0);
  });

  it("await using shuts down and closes", async () => {
    let port: number;
    {
      await using server = new TCPServer(["127.0.0.1", 0], UpperEcho);
      await server.ready;
      port = server.server_address[1];
      void server.serve_forever(0.05);
    }
    await expect(RawClient.connect(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe.each(PARSERS)("HTTPServer lifecycle (%s)", (parser: ParserName) => {
  it("sets server_name and server_port; ThreadingHTTPServer is the same server", async () => {
    const server = new ThreadingHTTPServer(["127.0.0.1", 0], QuietHandler, { parser });
    await server.ready;
    expect(server).toBeInstanceOf(HTTPServer);
    expect(server.server_name).toBe("127.0.0.1");
    expect(server.server_port).toBe(server.server_address[1]);
    expect(server.allow_reuse_address).toBe(true);
    server.server_close();
  });

  it("shutdown lets in-flight requests finish, answers what was received, closes idle connections", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    class Gated extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override async do_GET(): Promise<void> {
        if (this.path === "/slow") {
          entered();
          await gate;
        }
        this.send_response(200);
        this.send_header("Content-Length", this.path.length);
        this.end_headers();
        this.wfile.write(this.path);
      }
    }
    const srv = await serve(Gated, { parser });
    const idle = await RawClient.connect(srv.port);
    idle.send("GET /idle HTTP/1.1\r\n\r\n");
    await idle.responses(1);
    const busy = await RawClient.connect(srv.port);
    busy.send("GET /slow HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\nGET /last HTTP/1.1\r\n\r\n");
    await inside;
    let stopped = false;
    const stopping = srv.stop().then(() => (stopped = true));
    await idle.all();
    expect(stopped).toBe(false);
    release();
    await stopping;
    const all = await busy.all();
    expect(splitResponses(all).map((r) => r.body.toString())).toEqual(["/slow", "/next", "/last"]);
  });

  it("handle_request serves one HTTP connection, keep-alive requests included", async () => {
    class Keep extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        this.send_response(200);
        this.send_header("Content-Length", 1);
        this.end_headers();
        this.wfile.write("k");
      }
    }
    const server = new HTTPServer(["127.0.0.1", 0], Keep, { parser });
    await server.ready;
    const done = server.handle_request();
    const raw = await exchange(server.server_port, "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    await done;
    server.server_close();
    expect(splitResponses(raw).length).toBe(2);
  });

  it("validates its options", () => {
    expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, { parser: "nope" as ParserName, bind_and_activate: false })).toThrow(TypeError);
    expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, { headLimit: 0, bind_and_activate: false })).toThrow(RangeError);
    expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, { headTimeout: -1, bind_and_activate: false })).toThrow(RangeError);
    for (const bad of [{ headLimit: 1.5 }, { headTimeout: Number.NaN }, { keepAliveTimeout: -1 }, { keepAliveTimeout: Number.NaN }, { fileCacheSize: -1 }]) {
      expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false, ...bad }), JSON.stringify(bad)).toThrow(RangeError);
    }
  });

  it("binds nothing when an option is invalid (the constructor throws before TCPServer's binds and listens)", async () => {
    const bind = vi.spyOn(HTTPServer.prototype, "server_bind");
    try {
      const bad: HTTPServerOptions[] = [{ parser: "nope" as ParserName }, { headLimit: 0 }, { headTimeout: -1 }, { keepAliveTimeout: Number.NaN },
        { drainLimit: -1 }, { drainTimeout: -1 }, { sendTimeout: Number.NaN }, { fileCacheSize: 1.5 }];
      for (const options of bad) expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, options), JSON.stringify(options)).toThrow();
      await new Promise((r) => setImmediate(r));
      expect(bind).not.toHaveBeenCalled();
    } finally {
      bind.mockRestore();
    }
  });
});
