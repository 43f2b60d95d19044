// What a connection does only when it must (src/socketserver/peer-address.ts, the writer's
// TCP_NODELAY, the idle wait of handler.ts): client_address looked up when first read and
// still equal to the peer's address, wherever it is read (log lines, handle_error, after a
// reset); Nagle's algorithm turned off before the second write only; and Python's handler
// lifecycle (setup, handle, finish) kept for connections that send nothing, or send late.

import net from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { HTTPServer } from "../../src/http/server.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { PeerAddress } from "../../src/socketserver/peer-address.js";
import type { Address } from "../../src/socketserver/request-handler.js";
import { PARSERS, QuietHandler, RawClient, reply, serverPerTest, until } from "./helpers.js";

const current = serverPerTest();
const { start } = current;

/** Send a request, then reset the connection (RST) while the handler still holds it; gives the
 * client's local port (what client_address names). */
async function requestThenReset(port: number): Promise<number> {
  const client = await RawClient.connect(port);
  const local = client.socket.localPort!;
  client.send("GET / HTTP/1.0\r\n\r\n");
  await new Promise((r) => setTimeout(r, 30));
  client.socket.resetAndDestroy();
  await client.closed;
  await new Promise((r) => setTimeout(r, 30));
  return local;
}

describe("PeerAddress", () => {
  /** A socket whose peer lookups are counted. */
  function peer(): { remoteAddress: string; remotePort: number; lookups: number } {
    const s = { lookups: 0 } as { remoteAddress: string; remotePort: number; lookups: number };
    Object.defineProperty(s, "remoteAddress", { get: () => (s.lookups++, "10.1.2.3") });
    Object.defineProperty(s, "remotePort", { get: () => 4321 });
    return s;
  }

  it("looks the peer up once, on the first element read, in any form", () => {
    for (const read of [
      (a: PeerAddress) => a[0],
      (a: PeerAddress) => a[1],
      (a: PeerAddress) => [...a],
      (a: PeerAddress) => JSON.stringify(a),
      (a: PeerAddress) => a.slice(),
      (a: PeerAddress) => inspect(a),
      (a: PeerAddress) => String(a),
    ]) {
      const s = peer();
      const a = new PeerAddress(s);
      expect(s.lookups).toBe(0);
      expect(Array.isArray(a) && a.length === 2 && 0 in a).toBe(true);
      read(a);
      expect(s.lookups).toBe(1);
      expect([a[0], a[1], JSON.stringify(a), inspect(a), Object.keys(a)]).toEqual(["10.1.2.3", 4321, '["10.1.2.3",4321]', "[ '10.1.2.3', 4321 ]", ["0", "1"]]);
      expect(a).toEqual(["10.1.2.3", 4321]);
      expect(s.lookups).toBe(1);
    }
  });

  it("takes assignments, and settle() looks up at once", () => {
    const s = peer();
    const a = new PeerAddress(s);
    a[1] = 80;
    expect([...a]).toEqual(["10.1.2.3", 80]);
    const b = new PeerAddress(peer());
    b.settle();
    expect(Object.keys(b)).toEqual(["0", "1"]);
    expect(b.map((x) => typeof x)).toEqual(["string", "number"]);
    expect(b.map((x) => x) instanceof PeerAddress).toBe(false);
  });

  it("once settled is a plain [host, port] of its own: settle() again does nothing, no lookup", () => {
    const s = peer();
    const a = new PeerAddress(s);
    a.settle();
    a.settle();
    a[0] = "10.9.9.9";
    expect(s.lookups).toBe(1);
    expect([Array.isArray(a), a.length, a[0], a[1], inspect(a), JSON.stringify(a)]).toEqual([
      true, 2, "10.9.9.9", 4321, "[ '10.9.9.9', 4321 ]", '["10.9.9.9",4321]',
    ]);
    expect(Object.getOwnPropertyDescriptor(a, 1)).toEqual({ value: 4321, writable: true, enumerable: true, configurable: true });
    expect(a).toEqual(["10.9.9.9", 4321]);
  });
});

describe.each(PARSERS)("client_address, looked up when read (%s)", (parser) => {
  it("equals the peer's [host, port] as an array: elements, JSON, spread, inspect, equality", async () => {
    const seen: unknown[] = [];
    class Reads extends QuietHandler {
      override do_GET(): void {
        const a = this.client_address;
        const [host, port] = a;
        seen.push(Array.isArray(a), a.length, host, port, JSON.stringify(a), [...a], inspect(a), a.slice(0));
        seen.push(a);
        reply(this);
      }
    }
    const port = await start(Reads as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    const local = client.socket.localPort!;
    client.send("GET / HTTP/1.0\r\n\r\n");
    await client.all();
    expect(seen.slice(0, 8)).toEqual([true, 2, "127.0.0.1", local, `["127.0.0.1",${local}]`, ["127.0.0.1", local], `[ '127.0.0.1', ${local} ]`, ["127.0.0.1", local]]);
    expect(seen[8]).toEqual(["127.0.0.1", local]);
  });

  it("is what log lines show (address_string), byte for byte as before", async () => {
    QuietHandler.logs.length = 0;
    class Logs extends QuietHandler {
      override do_GET(): void {
        reply(this);
      }
      override log_message(format: string, ...args: unknown[]): void {
        QuietHandler.logs.push(`${this.address_string()} ${format.replace(/%s/g, () => String(args.shift()))}`);
      }
    }
    const port = await start(Logs as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /x HTTP/1.0\r\n\r\n");
    await client.all();
    expect(QuietHandler.logs).toEqual(['127.0.0.1 "GET /x HTTP/1.0" 200 -']);
  });

  it("can be assigned, element by element or whole, as Python code may", async () => {
    const seen: unknown[] = [];
    class Assigns extends QuietHandler {
      override do_GET(): void {
        this.client_address[0] = "10.0.0.1";
        seen.push([...this.client_address]);
        this.client_address = ["10.0.0.2", 1];
        seen.push(this.address_string());
        reply(this);
      }
    }
    const port = await start(Assigns as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    const local = client.socket.localPort!;
    client.send("GET / HTTP/1.0\r\n\r\n");
    await client.all();
    expect(seen).toEqual([["10.0.0.1", local], "10.0.0.2"]);
  });

  it("read first after the peer reset the connection is [\"\", 0]: the kernel no longer knows the peer (as node's remoteAddress)", async () => {
    let reset!: () => void;
    const wasReset = new Promise<void>((resolve) => (reset = resolve));
    const seen: unknown[] = [];
    class Late extends QuietHandler {
      override async do_GET(): Promise<void> {
        await wasReset;
        await new Promise((r) => setTimeout(r, 20));
        seen.push(this.request.destroyed, [...this.client_address]);
      }
    }
    const port = await start(Late as RequestHandlerClass<never>, { parser });
    const local = await requestThenReset(port);
    reset();
    await current.server.shutdown();
    // Read before the reset (the request log line does, as soon as the answer begins), it is
    // kept; sockets read through `data` events (the js parser, TLS) look it up at accept.
    expect(seen).toEqual([true, parser === "wasm" ? ["", 0] : ["127.0.0.1", local]]);
  });

  it("read once before a reset is kept after it", async () => {
    let reset!: () => void;
    const wasReset = new Promise<void>((resolve) => (reset = resolve));
    const seen: unknown[] = [];
    class Early extends QuietHandler {
      override async do_GET(): Promise<void> {
        const host = this.client_address[0];
        await wasReset;
        await new Promise((r) => setTimeout(r, 20));
        seen.push(host, this.request.destroyed, [...this.client_address]);
      }
    }
    const port = await start(Early as RequestHandlerClass<never>, { parser });
    const local = await requestThenReset(port);
    reset();
    await current.server.shutdown();
    expect(seen).toEqual(["127.0.0.1", true, ["127.0.0.1", local]]);
  });

  it("kept by the handler (this.client_address) and read after the connection closed, is the peer's", async () => {
    const kept: Address[] = [];
    class Keeps extends QuietHandler {
      override do_GET(): void {
        kept.push(this.client_address);
        reply(this);
      }
    }
    const port = await start(Keeps as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    const local = client.socket.localPort!;
    client.send("GET / HTTP/1.0\r\n\r\n");
    await client.all();
    await current.server.shutdown();
    await new Promise((r) => setTimeout(r, 20));
    expect(kept).toEqual([["127.0.0.1", local]]);
  });

  it("is what handle_error and verify_request receive", async () => {
    const got: Address[] = [];
    class Throws extends QuietHandler {
      override do_GET(): void {
        throw new Error("boom");
      }
    }
    class Recording extends HTTPServer {
      override verify_request(_request: unknown, client_address: Address): boolean {
        got.push(client_address);
        return true;
      }
      override handle_error(_request: unknown, client_address: Address): void {
        got.push(client_address);
      }
    }
    const port = await start(Throws as RequestHandlerClass<never>, { parser }, Recording);
    const client = await RawClient.connect(port);
    const local = client.socket.localPort!;
    client.send("GET / HTTP/1.0\r\n\r\n");
    await client.all();
    expect(got).toEqual([["127.0.0.1", local], ["127.0.0.1", local]]);
  });
});

describe.each(PARSERS)("TCP_NODELAY (disable_nagle_algorithm), set before the second write (%s)", (parser) => {
  /** The setNoDelay calls each connection's socket got. */
  const calls: boolean[][] = [];
  class Spied extends QuietHandler {
    override protocol_version = "HTTP/1.1";
    override setup(): void {
      const socket = this.request as net.Socket;
      const mine: boolean[] = [];
      calls.push(mine);
      const original = socket.setNoDelay;
      socket.setNoDelay = (on?: boolean) => {
        mine.push(on ?? true);
        return original.call(socket, on);
      };
      super.setup();
    }
    override do_GET(): void {
      reply(this);
    }
  }
  afterEach(() => void (calls.length = 0));

  it("is not set on a connection answered once (one write), set once on one answered twice", async () => {
    const port = await start(Spied as RequestHandlerClass<never>, { parser });
    const once = await RawClient.connect(port);
    once.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect((await once.all()).toString("latin1")).toMatch(/^HTTP\/1\.1 200 .*ok$/s);
    const twice = await RawClient.connect(port);
    twice.send("GET / HTTP/1.1\r\n\r\n");
    await twice.responses(1);
    twice.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    await twice.all();
    expect(calls).toEqual([[], [true]]);
  });

  it("is never set when disable_nagle_algorithm is false", async () => {
    class Nagle extends Spied {
      override disable_nagle_algorithm = false;
    }
    const port = await start(Nagle as RequestHandlerClass<never>, { parser });
    const c = await RawClient.connect(port);
    c.send("GET / HTTP/1.1\r\n\r\n");
    await c.responses(1);
    c.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    await c.all();
    expect(calls).toEqual([[]]);
  });
});

describe.each(PARSERS)("waiting for a request without a suspended chain (%s)", (parser) => {
  /** Lifecycle calls per connection, in order. */
  const calls: string[] = [];
  class Lifecycle extends QuietHandler {
    override protocol_version = "HTTP/1.1";
    override setup(): void {
      calls.push("setup");
      super.setup();
    }
    override handle(): Promise<void> | undefined {
      calls.push("handle");
      return super.handle();
    }
    override finish(): void {
      calls.push("finish");
      super.finish();
    }
    override do_GET(): void {
      calls.push(`GET ${this.path}`);
      reply(this);
    }
  }
  afterEach(() => void (calls.length = 0));

  it("a connection that closes without sending a byte: setup, handle and finish called once, nothing answered", async () => {
    const port = await start(Lifecycle as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await until(() => calls.length >= 2);
    client.socket.end();
    expect((await client.all()).length).toBe(0);
    await until(() => calls.includes("finish"));
    expect(calls).toEqual(["setup", "handle", "finish"]);
  });

  it("a first byte sent late, and each request after an idle pause, are served on the same handler", async () => {
    const port = await start(Lifecycle as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    await new Promise((r) => setTimeout(r, 50));
    client.send("G");
    await new Promise((r) => setTimeout(r, 30));
    client.send("ET /one HTTP/1.1\r\n\r\n");
    await client.responses(1);
    await new Promise((r) => setTimeout(r, 30));
    client.send("GET /two HTTP/1.1\r\nConnection: close\r\n\r\n");
    const all = await client.all();
    expect(all.toString("latin1").match(/HTTP\/1\.1 200/g)?.length).toBe(2);
    await until(() => calls.includes("finish"));
    expect(calls).toEqual(["setup", "handle", "GET /one", "GET /two", "finish"]);
  });

  it("a silent first connection still gets 408 at the head time limit", async () => {
    const port = await start(Lifecycle as RequestHandlerClass<never>, { parser, headTimeout: 0.1 });
    const client = await RawClient.connect(port);
    const all = (await client.all()).toString("latin1");
    expect(all).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("an idle connection is closed at the keep-alive limit, and by shutdown", async () => {
    const port = await start(Lifecycle as RequestHandlerClass<never>, { parser, keepAliveTimeout: 0.1 });
    const a = await RawClient.connect(port);
    a.send("GET / HTTP/1.1\r\n\r\n");
    await a.responses(1);
    await a.all();
    const b = await RawClient.connect(port);
    b.send("GET / HTTP/1.1\r\n\r\n");
    await b.responses(1);
    void current.server.shutdown();
    await b.all();
    expect(calls.filter((c) => c === "finish").length).toBe(2);
  });

  it("headers and raw_requestline read after the connection went idle are its own, while other connections reuse the token tables", async () => {
    const handlers: QuietHandler[] = [];
    class Keeps extends Lifecycle {
      override do_GET(): void {
        handlers.push(this);
        super.do_GET();
      }
    }
    const port = await start(Keeps as RequestHandlerClass<never>, { parser });
    const a = await RawClient.connect(port);
    a.send("GET /a HTTP/1.1\r\nX-Who: first\r\nX-Extra: 1\r\n\r\n");
    await a.responses(1);
    // a is idle now; other connections take tables, fill and give them back.
    for (let i = 0; i < 3; i++) {
      const b = await RawClient.connect(port);
      b.send(`GET /b${i} HTTP/1.1\r\nX-Who: other ${i}\r\nX-Other: ${"o".repeat(40)}\r\nX-More: 2\r\n\r\n`);
      await b.responses(1);
      b.close();
    }
    const first = handlers[0]!;
    expect(first.headers.get("X-Who")).toBe("first");
    expect([...first.headers.keys()]).toEqual(["X-Who", "X-Extra"]);
    expect(first.headers.size).toBe(2);
    expect(Buffer.from(first.raw_requestline).toString("latin1")).toBe("GET /a HTTP/1.1\r\n");
    expect(first.requestline).toBe("GET /a HTTP/1.1");
    a.send("GET /a2 HTTP/1.1\r\nX-Who: again\r\n\r\n");
    await a.responses(2);
    expect(first.headers.get("X-Who")).toBe("again");
    a.close();
  });
});
