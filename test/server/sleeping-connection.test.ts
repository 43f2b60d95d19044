// A connection that has sent nothing holds only its socket, its handler object and a sleeper
// (src/http/sleeper.ts): the handler is constructed at accept, as CPython does, but its setup()
// and handle() (the reader, writer, request body and request fields they make) wait for the
// connection's first input, end or error, when both are BaseHTTPRequestHandler's own and no
// socket timeout applies. Python's lifecycle still holds for every such connection: setup,
// handle and finish once each; nothing answered or logged when it closes unheard; closed by
// shutdown(); a 408 at the head time limit; served when its first byte comes late. A class that
// overrides setup() or handle(), or sets `timeout`, has setup() run at accept as before.

import net from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { HTTPServer } from "../../src/http/server.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { NEW_READER, type Address } from "../../src/socketserver/request-handler.js";
import { PARSERS, QuietHandler, RawClient, serverPerTest, until } from "./helpers.js";

const current = serverPerTest();
const { start } = current;
// Registered after serverPerTest's hook, so run before it (vitest runs after-hooks as a stack).
afterEach(() => void (QuietHandler.logs.length = 0));

/** A few turns of the event loop (never a timing assertion: nothing is expected to change). */
function turns(): Promise<void> {
  return new Promise((r) => setTimeout(r, 30));
}

/** Handlers made, and lifecycle calls, per test. */
const made: QuietHandler[] = [];
const calls: string[] = [];
afterEach(() => {
  made.length = 0;
  calls.length = 0;
});

/** Overrides neither setup() nor handle(): sleeps until the first input. Its constructor and
 * finish() are user code, and still run (the constructor at accept). */
class Sleepy extends QuietHandler {
  constructor(request: Duplex, client_address: Address, server: HTTPServer) {
    super(request, client_address, server);
    made.push(this);
    calls.push("constructor");
  }
  override finish(): void {
    calls.push("finish");
    super.finish();
  }
  override do_GET(): void {
    calls.push(`GET ${this.path}`);
    this.send_response(200);
    this.send_header("Content-Length", "2");
    this.end_headers();
    this.wfile.write("ok");
  }
}

/** Whether the handler has run setup(): its rfile and connection are made there. */
function setUp(h: QuietHandler): boolean {
  return h.rfile !== undefined && h.connection !== undefined;
}

describe.each(PARSERS)("a connection that has sent nothing (%s)", (parser) => {
  it("holds a handler made at accept, but no setup() and no connection objects until its first byte", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await turns();
    const handler = made[0]!;
    expect(setUp(handler)).toBe(false);
    // In the registry (for its head time limit and shutdown) as a sleeper.
    expect(current.server.connections.size).toBe(1);
    client.send("GET /late HTTP/1.0\r\n\r\n");
    const all = (await client.all()).toString("latin1");
    expect(all).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(all.endsWith("\r\n\r\nok")).toBe(true);
    expect(setUp(handler)).toBe(true);
    expect(made.length).toBe(1);
    await until(() => calls.includes("finish"));
    expect(calls).toEqual(["constructor", "GET /late", "finish"]);
    expect(current.server.connections.size).toBe(0);
  });

  it("a first byte sent late, then the rest of the head: served, then the next request on the same handler", async () => {
    const port = await start(class extends Sleepy { override protocol_version = "HTTP/1.1"; } as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await turns();
    client.send("G");
    await until(() => setUp(made[0]!));
    client.send("ET /one HTTP/1.1\r\n\r\n");
    await client.responses(1);
    client.send("GET /two HTTP/1.1\r\nConnection: close\r\n\r\n");
    const all = (await client.all()).toString("latin1");
    expect(all.match(/HTTP\/1\.1 200 OK/g)?.length).toBe(2);
    await until(() => calls.includes("finish"));
    expect(calls).toEqual(["constructor", "GET /one", "GET /two", "finish"]);
  });

  it("empty lines first (RFC 9112 §2.2), then a request: served", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    client.send("\r\n\r\n");
    await until(() => setUp(made[0]!));
    client.send("GET /after HTTP/1.0\r\n\r\n");
    expect((await client.all()).toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(calls).toContain("GET /after");
  });

  it("closing without a byte: setup, handle and finish run, nothing is answered or logged, the socket is closed", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    client.socket.end();
    expect((await client.all()).length).toBe(0);
    await until(() => calls.includes("finish"));
    expect(calls).toEqual(["constructor", "finish"]);
    expect(setUp(made[0]!)).toBe(true);
    expect(QuietHandler.logs).toEqual([]);
    await until(() => current.server.connections.size === 0);
  });

  it("reset without a byte: finish runs, nothing logged, the server serves on", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    client.socket.resetAndDestroy();
    await until(() => calls.includes("finish"));
    expect(QuietHandler.logs).toEqual([]);
    const next = await RawClient.connect(port);
    next.send("GET / HTTP/1.0\r\n\r\n");
    expect((await next.all()).toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
  });

  it("shutdown() closes it without an answer, and resolves", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await turns();
    await current.server.shutdown();
    expect((await client.all()).length).toBe(0);
    expect(calls).toEqual(["constructor", "finish"]);
    expect(QuietHandler.logs).toEqual([]);
  });

  it("server_close() after shutdown() leaves nothing open; a connection accepted and never served is closed", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await current.server.shutdown();
    current.server.server_close();
    expect((await client.all()).length).toBe(0);
  });

  it("the head time limit still applies: 408 after headTimeout, logged, then closed", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser, headTimeout: 0.1 });
    const client = await RawClient.connect(port);
    const all = (await client.all()).toString("latin1");
    expect(all).toMatch(/^HTTP\/1\.0 408 Request Timeout\r\n/);
    expect(QuietHandler.logs).toEqual(['code 408, message Request Timeout', '"" 408 -']);
    expect(calls).toEqual(["constructor", "finish"]);
  });

  it("headTimeout 0: no time limit, the connection sleeps on until it speaks", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser, headTimeout: 0 });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await turns();
    expect(setUp(made[0]!)).toBe(false);
    client.send("GET / HTTP/1.0\r\n\r\n");
    expect((await client.all()).toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
  });

  it("garbage as the first bytes: the 400 answer, as from an awake connection", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    client.send("\x01\x02 nonsense\r\n\r\n");
    const all = (await client.all()).toString("latin1");
    // A two-word line reads as HTTP/0.9: CPython's error page, without a status line.
    expect(all).toContain("<p>Error code: 400</p>");
    expect(calls).toEqual(["constructor", "finish"]);
  });

  it("with the server's hooks overridden (verify_request, process_request), it sleeps all the same and is served", async () => {
    const hooks: string[] = [];
    class Hooked extends HTTPServer {
      override verify_request(request: Duplex, client_address: Address): boolean {
        hooks.push("verify_request");
        return super.verify_request(request, client_address);
      }
      override process_request(request: Duplex, client_address: Address): Promise<void> {
        hooks.push("process_request");
        return super.process_request(request, client_address);
      }
    }
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser }, Hooked);
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await turns();
    // The hooks ran at accept, as in CPython; the handler sleeps.
    expect(hooks).toEqual(["verify_request", "process_request"]);
    expect(setUp(made[0]!)).toBe(false);
    client.send("GET /hooked HTTP/1.0\r\n\r\n");
    expect((await client.all()).toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    await until(() => calls.includes("finish"));
    expect(calls).toEqual(["constructor", "GET /hooked", "finish"]);
  });

  it("handle_request() serves a connection whose first byte comes late", async () => {
    const server = new HTTPServer(["127.0.0.1", 0], Sleepy as RequestHandlerClass<never>, { parser });
    try {
      await server.ready;
      const port = server.server_address[1];
      const client = await RawClient.connect(port);
      const served = server.handle_request();
      await until(() => made.length === 1);
      await turns();
      expect(setUp(made[0]!)).toBe(false);
      client.send("GET / HTTP/1.0\r\n\r\n");
      await served;
      expect((await client.all()).toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    } finally {
      await server.shutdown();
      server.server_close();
    }
  });
});

describe.each(PARSERS)("user code in setup() or handle() runs at accept, as in CPython (%s)", (parser) => {
  it.each([
    ["setup()", class extends Sleepy { override setup(): void { calls.push("setup"); super.setup(); } }, ["constructor", "setup"]],
    ["handle()", class extends Sleepy { override handle(): Promise<void> | undefined { calls.push("handle"); return super.handle(); } }, ["constructor", "handle"]],
    // Called once the first head is there; setup() ran at accept all the same.
    ["handle_one_request()", class extends Sleepy { override handle_one_request(): Promise<void> | undefined { calls.push("handle_one_request"); return super.handle_one_request(); } }, ["constructor"]],
    ["a socket timeout (class variable timeout)", class extends Sleepy { override timeout = 30; }, ["constructor"]],
  ])("a class overriding %s: set up before any byte arrives", async (_what, Handler, before) => {
    const port = await start(Handler as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => made.length === 1 && setUp(made[0]!));
    await turns();
    expect(calls).toEqual(before);
    client.send("GET /x HTTP/1.0\r\n\r\n");
    expect((await client.all()).toString("latin1")).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    await until(() => calls.includes("finish"));
    expect(calls).toContain("GET /x");
  });

  it("a server-speaks-first handle(): its greeting goes out before the client sends anything", async () => {
    class Greeter extends Sleepy {
      override handle(): Promise<void> | undefined {
        this.wfile.write("220 hello\r\n");
        void this.wfile.flush();
        return super.handle();
      }
    }
    const port = await start(Greeter as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await client.until((b) => b.toString("latin1").startsWith("220 hello\r\n"), "the greeting");
    client.send("GET / HTTP/1.0\r\n\r\n");
    expect((await client.all()).toString("latin1")).toMatch(/^220 hello\r\nHTTP\/1\.0 200 OK\r\n/);
  });
});

describe.each(PARSERS)("a failure when the sleeper wakes (%s)", (parser) => {
  it("setup() failing at the first byte: handle_error once, the connection closed, later events wake nothing", async () => {
    const errors: unknown[] = [];
    class Recording extends HTTPServer {
      override handle_error(_request: Duplex, _client_address: Address, error?: unknown): void {
        errors.push(error);
      }
    }
    class Failing extends Sleepy {
      // The reader setup() makes (an internal hook, not one of the methods that decide sleeping).
      override [NEW_READER](): never {
        calls.push("new reader");
        throw new Error("no reader");
      }
    }
    const port = await start(Failing as RequestHandlerClass<never>, { parser }, Recording);
    const client = await RawClient.connect(port);
    await until(() => made.length === 1);
    await turns();
    expect(calls).toEqual(["constructor"]);
    client.send("GET / HTTP/1.0\r\n\r\n");
    expect((await client.all()).length).toBe(0);
    await turns();
    expect(calls).toEqual(["constructor", "new reader"]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["no reader"]);
  });
});

describe("what a silent connection holds", () => {
  it("many silent connections: each has its handler, none is set up; all are served once they speak", async () => {
    const port = await start(Sleepy as RequestHandlerClass<never>, { parser: "wasm" });
    const clients = await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(port)));
    await until(() => made.length === 50);
    await turns();
    expect(made.filter(setUp).length).toBe(0);
    expect(current.server.connections.size).toBe(50);
    for (const c of clients) c.send("GET / HTTP/1.0\r\n\r\n");
    const answers = await Promise.all(clients.map((c) => c.all()));
    expect(answers.every((a) => a.toString("latin1").startsWith("HTTP/1.0 200 OK\r\n"))).toBe(true);
    expect(made.filter(setUp).length).toBe(50);
    await until(() => current.server.connections.size === 0);
    // A raw socket to the same server, for good measure: net.connect and nothing else.
    const raw = net.connect(port, "127.0.0.1");
    await new Promise((r) => raw.once("connect", r));
    await until(() => made.length === 51);
    raw.destroy();
  });
});
