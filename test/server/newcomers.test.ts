// New connections wait for the event loop's check phase (src/socketserver/newcomers.ts): the
// accept and, for sockets read into WASM memory, the first bytes. A keep-alive connection that
// is already being served is answered first, even while many new connections send garbage in
// the same turn of the loop; and what waits is still served, in order, or closed if the server
// closed meanwhile. Ordering only: no timing is asserted.

import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { later, newcomersWaiting, NEWCOMERS_PER_TURN } from "../../src/socketserver/newcomers.js";
import { QuietHandler, RawClient, serverPerTest, splitResponses } from "./helpers.js";

/** What the server did, in order: `GET <path>` per request served, `error <code>` per refusal. */
const order: string[] = [];

class Recorder extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  override do_GET(): void {
    order.push(`GET ${this.path}`);
    const body = Buffer.from(this.path);
    this.send_response(200);
    this.send_header("Content-Length", String(body.length));
    this.end_headers();
    this.wfile.write(body);
  }
  override log_error(format: string, ...args: unknown[]): void {
    order.push(`error ${String(args[0])}`);
    super.log_error(format, ...args);
  }
}

const clients: RawClient[] = [];
// Registered before serverPerTest's hook, so run after it, once the server is stopped.
afterEach(() => {
  order.length = 0;
  QuietHandler.logs.length = 0;
});
const current = serverPerTest();
// Registered after it, so run before it: the clients close first.
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

/** Recorder served for this test. */
function start(parser: "wasm" | "js"): Promise<number> {
  return current.start(Recorder as RequestHandlerClass<never>, { parser });
}

async function connect(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

/** Every connection opened so far has been accepted and handed to its handler. */
async function allAccepted(count: number): Promise<void> {
  await vi.waitFor(async () => {
    const open = await new Promise<number>((resolve, reject) =>
      current.server.socket.getConnections((error, n) => (error ? reject(error) : resolve(n))),
    );
    expect(open).toBe(count);
    expect(newcomersWaiting()).toBe(0);
  });
  // A turn more: the last batch's handlers have started.
  await new Promise((r) => setImmediate(r));
}

const GARBAGE = "\x01\x02 not a request\r\n\r\n";

describe("new connections wait behind connections being served", () => {
  it("a keep-alive request is answered before the garbage that arrived with it", async () => {
    const port = await start("wasm");
    const served = await connect(port);
    served.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    await served.responses(1);
    const flood = await Promise.all(Array.from({ length: 3 * NEWCOMERS_PER_TURN }, () => connect(port)));
    await allAccepted(flood.length + 1);
    order.length = 0;
    // In one go, garbage first: the server finds all of it readable in the same turn.
    for (const c of flood) c.send(GARBAGE);
    served.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
    const answers = await Promise.all(flood.map((c) => c.all()));
    const second = await served.responses(2);
    expect(second[1]!.status).toBe(200);
    expect(second[1]!.body.toString()).toBe("/second");
    for (const a of answers) expect(splitResponses(a)[0]!.status).toBe(400);
    // Every garbage connection got its 400, and the keep-alive request came first.
    expect(order[0]).toBe("GET /second");
    expect(order.slice(1)).toEqual(flood.map(() => "error 400"));
  });

  it.each(["wasm", "js"] as const)("many new connections at once are all served, in order of arrival (%s)", async (parser) => {
    const port = await start(parser);
    const n = 4 * NEWCOMERS_PER_TURN + 3;
    const all = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const c = await connect(port);
        c.send(`GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
        return (await c.responses(1))[0]!;
      }),
    );
    expect(all.map((r) => r.body.toString())).toEqual(Array.from({ length: n }, (_, i) => `/${i}`));
    expect(order.length).toBe(n);
  });

  it("a request and the client's end in one go: answered, then closed (wasm)", async () => {
    const port = await start("wasm");
    const got = await Promise.all(
      Array.from({ length: 2 * NEWCOMERS_PER_TURN }, async (_, i) => {
        const c = await connect(port);
        c.socket.end(`GET /end${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
        return splitResponses(await c.all());
      }),
    );
    got.forEach((responses, i) => {
      expect(responses.length).toBe(1);
      expect(responses[0]!.body.toString()).toBe(`/end${i}`);
    });
  });

  it.each(["wasm", "js"] as const)("a connection accepted while the server closes is closed unserved (%s)", async (parser) => {
    const port = await start(parser);
    const server = current.server;
    // Close the server right after the accept, before the accepted connection's turn comes.
    const handle = (server.socket as unknown as { _handle: { onconnection: (...a: unknown[]) => void } })._handle;
    const accept = handle.onconnection;
    handle.onconnection = function (this: unknown, ...a: unknown[]) {
      accept.apply(this, a);
      server.server_close();
    };
    const client = net.connect(port, "127.0.0.1");
    client.on("error", () => undefined);
    client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let received = 0;
    client.on("data", (d: Buffer) => void (received += d.length));
    await new Promise((r) => client.on("close", r));
    expect(received).toBe(0);
    expect(order).toEqual([]);
  });
});

describe("the newcomers queue", () => {
  /** Resolves once the queue has run dry. */
  async function drained(): Promise<void> {
    await vi.waitFor(() => expect(newcomersWaiting()).toBe(0));
  }

  it("runs NEWCOMERS_PER_TURN jobs a turn, in order, and is reused from its start once empty", async () => {
    const ran: number[] = [];
    const job = (i: number, log: number[]): void => void log.push(i);
    for (let i = 0; i < 3 * NEWCOMERS_PER_TURN; i++) later(job, i, ran);
    expect(newcomersWaiting()).toBe(3 * NEWCOMERS_PER_TURN);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(Array.from({ length: NEWCOMERS_PER_TURN }, (_, i) => i));
    await drained();
    expect(ran.length).toBe(3 * NEWCOMERS_PER_TURN);
    // A second burst after the queue emptied: the same order, nothing of the first run again.
    for (let i = 100; i < 105; i++) later(job, i, ran);
    await drained();
    expect(ran.slice(3 * NEWCOMERS_PER_TURN)).toEqual([100, 101, 102, 103, 104]);
  });

  it("keeps the order when a queue that never empties is moved to its front, jobs queued by jobs last", async () => {
    const ran: number[] = [];
    const n = 3000;
    // More than 1,024 jobs run before the queue empties: what is left moves to the front.
    const job = (i: number, log: number[]): void => {
      log.push(i);
      if (i === 1500) later(job, n, log);
    };
    for (let i = 0; i < n; i++) later(job, i, ran);
    await drained();
    expect(ran).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
  });

  it("runs the other jobs of a batch when one throws", async () => {
    const ran: string[] = [];
    const thrown: unknown[] = [];
    const onError = (error: unknown): void => void thrown.push(error);
    process.on("uncaughtException", onError);
    try {
      later(() => ran.push("a"), null, null);
      later(() => {
        throw new Error("job failed");
      }, null, null);
      later(() => ran.push("c"), null, null);
      await drained();
      await vi.waitFor(() => expect(thrown.length).toBe(1));
    } finally {
      process.off("uncaughtException", onError);
    }
    expect(ran).toEqual(["a", "c"]);
    expect((thrown[0] as Error).message).toBe("job failed");
  });
});
