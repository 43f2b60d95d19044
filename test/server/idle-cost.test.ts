// What an idle connection costs, and the server's two ways of driving a handler
// (src/socketserver/base-server.ts): with BaseServer's own process_request and finish_request it
// drives setup/handle/finish on callbacks, and a handler waiting between requests (handle()
// returning a Deferred, src/socketserver/deferred.ts) costs no promise; with either overridden,
// the overrides run as in Python. Both keep setup(), handle() and finish() once each.

import { createHook } from "node:async_hooks";
import net from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HTTPServer } from "../../src/http/server.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { Deferred } from "../../src/socketserver/deferred.js";
import type { Address } from "../../src/socketserver/request-handler.js";
import { PARSERS, QuietHandler, RawClient, reply, serverPerTest } from "./helpers.js";

const { start } = serverPerTest();
// Registered after serverPerTest's hook, so run before it (vitest runs after-hooks as a stack).
afterEach(() => void vi.restoreAllMocks());

/** Records each lifecycle call, in order, per handler. */
class Lifecycle extends QuietHandler {
  static calls: string[] = [];
  override protocol_version = "HTTP/1.1";
  override setup(): void {
    Lifecycle.calls.push("setup");
    super.setup();
  }
  override finish(): void {
    Lifecycle.calls.push("finish");
    super.finish();
  }
  override do_GET(): void {
    Lifecycle.calls.push(`GET ${this.path}`);
    reply(this);
  }
}

describe("Deferred", () => {
  it("settles its listener once, with no promise, and makes one when awaited", async () => {
    const seen: unknown[] = [];
    const listener = (arg: string, error: unknown, failed: boolean): void => void seen.push([arg, error, failed]);
    const d = new Deferred();
    expect(d.wait()).toBe(d);
    d.listen(listener, "a");
    d.done();
    d.done();
    d.fail(new Error("late"));
    expect(seen).toEqual([["a", undefined, false]]);
    await expect(d).resolves.toBeUndefined();
    // Listened after it settled: called at once.
    d.listen(listener, "b");
    expect(seen[1]).toEqual(["b", undefined, false]);
  });

  it("rejects: the listener and a promise asked for both see the error; unawaited, fail() throws", async () => {
    const boom = new Error("boom");
    const seen: unknown[] = [];
    const d = new Deferred();
    d.wait();
    d.listen((arg: number, error: unknown, failed: boolean) => void seen.push([arg, error, failed]), 1);
    const caught = d.catch((e: unknown) => e);
    const finished = vi.fn();
    const after = d.finally(finished).catch(() => undefined);
    d.fail(boom);
    expect(seen).toEqual([[1, boom, true]]);
    expect(await caught).toBe(boom);
    await after;
    expect(finished).toHaveBeenCalledTimes(1);
    await expect(d.then(() => "no")).rejects.toBe(boom);
    expect(() => new Deferred().fail(boom)).toThrow(boom);
    expect(new Deferred().done()).toBeUndefined();
    expect(String(d)).toBe("[object Deferred]");
  });

  it("one promise while pending, however often asked; a listener and then() both see the end", async () => {
    const order: string[] = [];
    const d = new Deferred();
    d.wait();
    const p1 = d.then(() => void order.push("then 1"));
    d.listen((arg: string) => void order.push(arg), "listener");
    d.listen((arg: string) => void order.push(arg), "second listener");
    const p2 = d.then(() => void order.push("then 2"));
    expect(order).toEqual([]);
    d.done();
    await Promise.all([p1, p2]);
    expect(order.sort()).toEqual(["listener", "second listener", "then 1", "then 2"]);
  });
});

describe.each(PARSERS)("an idle keep-alive connection (%s)", (parser) => {
  it("waits with no promise: the server listens to handle()'s Deferred, nobody calls then()", async () => {
    const then = vi.spyOn(Deferred.prototype, "then");
    const listen = vi.spyOn(Deferred.prototype, "listen");
    Lifecycle.calls = [];
    const port = await start(Lifecycle as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(1);
    client.send("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(2);
    expect(listen).toHaveBeenCalledTimes(1);
    client.close();
    await client.closed;
    // The server's side of the close ends after the client has seen it.
    await vi.waitFor(() => expect(Lifecycle.calls).toEqual(["setup", "GET /1", "GET /2", "finish"]));
    expect(then).not.toHaveBeenCalled();
  });

  it("creates no promise from one request to the next when do_GET answers at once", async () => {
    const port = await start(Lifecycle as RequestHandlerClass<never>, { parser });
    // A client on callbacks only.
    const socket = net.connect(port, "127.0.0.1");
    const requests = 20;
    let promises = 0;
    let counting = false;
    // Only promises made by the server's code count (the test runner makes its own meanwhile).
    const hook = createHook({
      init(_id, type) {
        if (counting && type === "PROMISE" && /[\\/]src[\\/]/.test(new Error().stack ?? "")) promises++;
      },
    }).enable();
    try {
      await new Promise<void>((resolve, reject) => {
        let answered = 0;
        let got = "";
        socket.on("error", reject);
        socket.on("data", (d: Buffer) => {
          got += d.toString("latin1");
          if (!got.endsWith("ok")) return;
          got = "";
          // The first request makes the connection's objects; count from the second on.
          if (++answered === 1) counting = true;
          if (answered === requests) {
            counting = false;
            resolve();
          } else setTimeout(() => socket.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n"), 1);
        });
        socket.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
      });
    } finally {
      hook.disable();
      socket.destroy();
    }
    expect(promises).toBe(0);
  });

  it("keeps headers unread across the wait: made from the head's bytes scanned again", async () => {
    let kept: QuietHandler | null = null;
    class Keeps extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        kept = this;
        reply(this);
      }
    }
    const port = await start(Keeps as RequestHandlerClass<never>, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /h HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\nX-Long: " + "v".repeat(300) + "\r\n\r\n");
    await client.responses(1);
    // Let the connection go idle (its token tables back in the pool) before headers is first read.
    await new Promise((r) => setTimeout(r, 20));
    const h = kept!.headers;
    expect([h.get("host"), h.get_all("X-A"), h.get("content-length"), h.get("x-long")?.length, h.size]).toEqual(["h", ["1", "2"], "0", 300, 5]);
    expect(kept!.requestline).toBe("GET /h HTTP/1.1");
    expect(Buffer.from(kept!.raw_requestline).toString("latin1")).toBe("GET /h HTTP/1.1\r\n");
    client.close();
  });
});

describe("handlers and servers that override the lifecycle", () => {
  it("an async handle() override that awaits super.handle() still serves, setup/finish once", async () => {
    Lifecycle.calls = [];
    class Wraps extends Lifecycle {
      override async handle(): Promise<void> {
        Lifecycle.calls.push("handle");
        await super.handle();
        Lifecycle.calls.push("handled");
      }
    }
    const port = await start(Wraps as RequestHandlerClass<never>);
    const client = await RawClient.connect(port);
    client.send("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(1);
    client.send("GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    await client.all();
    await vi.waitFor(() => expect(Lifecycle.calls).toEqual(["setup", "handle", "GET /a", "GET /b", "handled", "finish"]));
  });

  it("overridden finish_request and process_request are called, and the connection is served", async () => {
    const calls: string[] = [];
    Lifecycle.calls = [];
    class Overrides extends HTTPServer {
      override process_request(request: Duplex, client_address: Address): Promise<void> {
        calls.push("process_request");
        return super.process_request(request, client_address);
      }
      override async finish_request(request: Duplex, client_address: Address): Promise<void> {
        calls.push(`finish_request ${client_address[0]}`);
        await super.finish_request(request, client_address);
        calls.push("finished");
      }
      override shutdown_request(request: Duplex): void {
        calls.push("shutdown_request");
        super.shutdown_request(request);
      }
    }
    const port = await start(Lifecycle as RequestHandlerClass<never>, {}, Overrides);
    const client = await RawClient.connect(port);
    client.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(1);
    client.send("GET /y HTTP/1.0\r\n\r\n");
    await client.all();
    await vi.waitFor(() => expect(calls).toEqual(["process_request", "finish_request 127.0.0.1", "finished", "shutdown_request"]));
    expect(Lifecycle.calls).toEqual(["setup", "GET /x", "GET /y", "finish"]);
  });

  it("a handler failing after its wait reaches handle_error once, after finish()", async () => {
    const errors: unknown[] = [];
    Lifecycle.calls = [];
    class Fails extends Lifecycle {
      override do_GET(): void {
        if (this.path === "/boom") throw new RangeError("boom");
        super.do_GET();
      }
    }
    class Records extends HTTPServer {
      override handle_error(_request: Duplex, client_address: Address, error?: unknown): void {
        Lifecycle.calls.push("handle_error");
        errors.push([client_address[0], error]);
      }
    }
    const port = await start(Fails as RequestHandlerClass<never>, {}, Records);
    const client = await RawClient.connect(port);
    client.send("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n");
    await client.responses(1);
    client.send("GET /boom HTTP/1.1\r\nHost: h\r\n\r\n");
    const answers = await client.responses(2);
    await client.all();
    await vi.waitFor(() => expect(Lifecycle.calls).toEqual(["setup", "GET /ok", "finish", "handle_error"]));
    expect(answers[1]!.status).toBe(500);
    expect(errors.length).toBe(1);
    expect(String((errors[0] as unknown[])[1])).toBe("RangeError: boom");
  });
});
