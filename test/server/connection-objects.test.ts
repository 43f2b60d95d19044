// What a connection is made of (issue 6): the HTTP connection is the socket's reader (one object,
// made through StreamRequestHandler's NEW_READER), rfile and wfile stay distinct objects, live
// connections are listed without a hash set entry each, and answers made at once go out without
// an end-of-turn flush being scheduled (while an async do_ method's output still goes out at the
// end of the turn, before it settles).

import net from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestBody } from "../../src/http/body.js";
import { Connection } from "../../src/http/connection.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { NEW_READER, StreamRequestHandler, type Address } from "../../src/socketserver/request-handler.js";
import { SocketReader } from "../../src/socketserver/socket-reader.js";
import { SocketWriter } from "../../src/socketserver/socket-writer.js";
import { TCPServer } from "../../src/socketserver/tcp-server.js";
import { PARSERS, QuietHandler, RawClient, reply, serverPerTest } from "./helpers.js";

const current = serverPerTest();
// Registered after serverPerTest's hook, so run before it (vitest runs after-hooks as a stack).
afterEach(() => void vi.restoreAllMocks());

describe.each(PARSERS)("a connection's objects (%s)", (parser) => {
  it("one reader per connection, the Connection itself; rfile is the body over it, wfile the writer", async () => {
    const made: SocketReader[] = [];
    const seen: unknown[][] = [];
    class Records extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override [NEW_READER](socket: Duplex, writer: SocketWriter): Connection {
        const reader = super[NEW_READER](socket, writer);
        made.push(reader);
        return reader;
      }
      override do_GET(): void {
        seen.push([this.rfile, this.wfile]);
        reply(this);
      }
    }
    const port = await current.start(Records as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(2);
    expect(made.length).toBe(1);
    expect(made[0]).toBeInstanceOf(Connection);
    expect(made[0]).toBeInstanceOf(SocketReader);
    const [rfile, wfile] = seen[0]!;
    expect(rfile).toBeInstanceOf(RequestBody);
    expect(wfile).toBeInstanceOf(SocketWriter);
    expect(rfile).not.toBe(made[0]);
    expect(seen[1]).toEqual([rfile, wfile]);
    // Not a thenable: awaiting the reader (or returning it from an async function) must not hang.
    expect(typeof (made[0] as unknown as { then?: unknown }).then).toBe("undefined");
    client.close();
  });

  it("the registry lists live connections and lets each go when it closes, in any order", async () => {
    const port = await current.start(QuietHandler as RequestHandlerClass<never>, { parser });
    const registry = current.server.connections;
    const clients = await Promise.all([1, 2, 3, 4].map(() => RawClient.connect(port)));
    await vi.waitFor(() => expect(registry.size).toBe(4));
    // The middle ones first, then the last one added, then the first.
    for (const [i, left] of [[1, 3], [2, 2], [3, 1], [0, 0]] as const) {
      clients[i]!.close();
      await vi.waitFor(() => expect(registry.size).toBe(left));
    }
  });

  it("the deadline sweep still reaches every listed connection: idle ones are closed", async () => {
    const port = await current.start(QuietHandler as RequestHandlerClass<never>, { parser, headTimeout: 0.05 });
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.connect(port)));
    clients[1]!.close();
    // The others sent nothing: their head time limit passes and the server closes them.
    await Promise.all([clients[0]!.all(), clients[2]!.all()]);
    await vi.waitFor(() => expect(current.server.connections.size).toBe(0));
  });
});

/** setImmediate calls made from the writer (src/socketserver/socket-writer.ts). */
function writerImmediates(): { count(): number } {
  let n = 0;
  const original = globalThis.setImmediate;
  vi.spyOn(globalThis, "setImmediate").mockImplementation(((fn: (...a: unknown[]) => void, ...args: unknown[]) => {
    if (/socket-writer/.test(new Error().stack ?? "")) n++;
    return original(fn, ...args);
  }) as typeof setImmediate);
  return { count: () => n };
}

describe("the writer's end-of-turn flush", () => {
  it("is not scheduled for answers made at once, keep-alive or closing", async () => {
    class Sync extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        reply(this);
      }
    }
    const port = await current.start(Sync as RequestHandlerClass<never>);
    const client = await RawClient.connect(port);
    client.send("GET /0 HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(1);
    const immediates = writerImmediates();
    client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(2);
    client.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    const all = await client.all();
    expect(all.toString("latin1").match(/HTTP\/1.1 200/g)?.length).toBe(4);
    expect(immediates.count()).toBe(0);
  });

  it("still sends what an async do_ method wrote before it awaits, while it is pending", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    class Async extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override async do_GET(): Promise<void> {
        reply(this);
        // Pending until the client has the answer: without the flush, a deadlock (test timeout).
        await released;
      }
    }
    const port = await current.start(Async as RequestHandlerClass<never>);
    const client = await RawClient.connect(port);
    const immediates = writerImmediates();
    client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
    const [answer] = await client.responses(1);
    expect(answer!.status).toBe(200);
    expect(immediates.count()).toBeGreaterThan(0);
    release();
    client.send("GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    release();
    const all = await client.all();
    expect(all.toString("latin1").match(/HTTP\/1.1 200/g)?.length).toBe(2);
  });
});

describe("StreamRequestHandler's reader", () => {
  it("is a plain SocketReader from NEW_READER: rfile and wfile distinct, not thenables", async () => {
    const seen: unknown[] = [];
    class Echo extends StreamRequestHandler {
      override async handle(): Promise<void> {
        seen.push(this.rfile, this.wfile);
        const line = await this.rfile.readline();
        this.wfile.write(line);
      }
    }
    const server = new TCPServer(["127.0.0.1", 0], Echo as RequestHandlerClass<never>);
    await server.ready;
    const loop = server.serve_forever(0.05);
    try {
      const got = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(server.server_address[1], "127.0.0.1", () => socket.write("hello\n"));
        let text = "";
        socket.on("data", (d: Buffer) => (text += d.toString()));
        socket.on("close", () => resolve(text));
        socket.on("error", reject);
      });
      expect(got).toBe("hello\n");
      expect(seen[0]).toBeInstanceOf(SocketReader);
      expect(seen[0]).not.toBeInstanceOf(Connection);
      expect(seen[1]).toBeInstanceOf(SocketWriter);
      expect(typeof (seen[0] as { then?: unknown }).then).toBe("undefined");
    } finally {
      await server.shutdown();
      server.server_close();
      await loop;
    }
  });
});

/** A TCPServer whose finish_request is overridden (the promise path), recording what happens. */
function promisePathServer(Handler: RequestHandlerClass<never>, calls: string[]): TCPServer {
  class Overrides extends TCPServer {
    override async finish_request(request: Duplex, client_address: Address): Promise<void> {
      calls.push("finish_request");
      try {
        await super.finish_request(request, client_address);
        calls.push("finish_request resolved");
      } catch (error) {
        calls.push(`finish_request rejected ${String(error)}`);
        throw error;
      }
    }
    override handle_error(_request: Duplex, _client_address: Address, error?: unknown): void {
      calls.push(`handle_error ${String(error)}`);
    }
  }
  return new Overrides(["127.0.0.1", 0], Handler);
}

/** Connect, send a line, and wait for the server to close. */
function poke(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write("x\n"));
    let text = "";
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
  });
}

describe("finish_request (the promise path, built on the server's callbacks)", () => {
  it("resolves once setup, handle and finish (each may be async) are done, in order", async () => {
    const calls: string[] = [];
    class Steps extends StreamRequestHandler {
      override async setup(): Promise<void> {
        await Promise.resolve();
        calls.push("setup");
        super.setup();
      }
      override async handle(): Promise<void> {
        calls.push("handle");
        this.wfile.write(await this.rfile.readline());
      }
      override async finish(): Promise<void> {
        await new Promise((r) => setTimeout(r, 5));
        calls.push("finish");
        super.finish();
      }
    }
    const server = promisePathServer(Steps as RequestHandlerClass<never>, calls);
    await server.ready;
    const loop = server.serve_forever(0.05);
    try {
      expect(await poke(server.server_address[1])).toBe("x\n");
      await vi.waitFor(() => expect(calls).toContain("finish_request resolved"));
      expect(calls).toEqual(["finish_request", "setup", "handle", "finish", "finish_request resolved"]);
    } finally {
      await server.shutdown();
      server.server_close();
      await loop;
    }
  });

  it("rejects with setup()'s error without finish(); with finish()'s when both handle() and finish() fail", async () => {
    for (const [failing, expected] of [
      ["setup", ["finish_request", "finish_request rejected Error: setup", "handle_error Error: setup"]],
      ["both", ["finish_request", "handle", "finish", "finish_request rejected Error: finish", "handle_error Error: finish"]],
    ] as const) {
      const calls: string[] = [];
      class Fails extends StreamRequestHandler {
        override setup(): void {
          if (failing === "setup") throw new Error("setup");
          super.setup();
        }
        override handle(): void {
          calls.push("handle");
          throw new Error("handle");
        }
        override finish(): void {
          calls.push("finish");
          super.finish();
          throw new Error("finish");
        }
      }
      const server = promisePathServer(Fails as RequestHandlerClass<never>, calls);
      await server.ready;
      const loop = server.serve_forever(0.05);
      try {
        await poke(server.server_address[1]);
        await vi.waitFor(() => expect(calls.some((c) => c.startsWith("handle_error"))).toBe(true));
        expect(calls).toEqual(expected);
      } finally {
        await server.shutdown();
        server.server_close();
        await loop;
      }
    }
  });

  it("handle_request() serves an HTTP keep-alive connection through it, and resolves after finish()", async () => {
    const calls: string[] = [];
    class Keeps extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        calls.push(`GET ${this.path}`);
        reply(this);
      }
      override finish(): void {
        calls.push("finish");
        super.finish();
      }
    }
    const { HTTPServer } = await import("../../src/http/server.js");
    const server = new HTTPServer(["127.0.0.1", 0], Keeps as RequestHandlerClass<never>);
    await server.ready;
    try {
      const served = server.handle_request().then(() => calls.push("handle_request resolved"));
      const client = await RawClient.connect(server.server_address[1]);
      client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
      await client.responses(1);
      expect(calls).toEqual(["GET /1"]);
      client.send("GET /2 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
      await client.all();
      await served;
      expect(calls).toEqual(["GET /1", "GET /2", "finish", "handle_request resolved"]);
    } finally {
      server.server_close();
    }
  });
});
