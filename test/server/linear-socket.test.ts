// Both ways bytes reach a connection: read straight into the WASM tokenizer's memory
// (src/socketserver/linear-socket.ts, net.Socket's `onread`) and the runtime's `data` events
// (the fallback of Deno, Bun and TLS). The same requests must get the same answers on both,
// including heads split across reads, pipelined heads, bodies and input backpressure.

import net from "node:net";
import stream from "node:stream";
import v8 from "node:v8";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newTable } from "../../src/contract/table.js";
import { HTTPServer } from "../../src/http/server.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { acceptInto, LinearSocket, type ReadRegion } from "../../src/socketserver/linear-socket.js";
import { later, NEWCOMERS_PER_TURN } from "../../src/socketserver/newcomers.js";
import { SocketReader } from "../../src/socketserver/socket-reader.js";
import { WasmTokenizer } from "../../src/tokenizer/wasm.js";
import { QuietHandler, RawClient, serverPerTest, splitResponses, until } from "./helpers.js";

/** Sockets read through `data` events even with the WASM tokenizer. */
class DataEventServer extends HTTPServer {
  protected override readRegion(): ReadRegion | null {
    return null;
  }
}

/** The socket class of each connection served, to prove which path ran. */
const seen: string[] = [];
/** The server side of the last connection served. */
let lastSocket: import("node:stream").Duplex | null = null;

class Echo extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  override do_GET(): void {
    seen.push(this.request instanceof LinearSocket ? "linear" : "data");
    lastSocket = this.request;
    const body = Buffer.from(`${this.path} ${this.headers.get("X-Tag") ?? ""}`);
    this.send_response(200);
    this.send_header("Content-Length", String(body.length));
    this.end_headers();
    this.wfile.write(body);
  }
  /** Reads the body in 64 KiB reads, slowly enough to make the socket pause, and answers its
   * length and a checksum. */
  override async do_POST(): Promise<void> {
    let n = 0;
    let sum = 0;
    for (;;) {
      const chunk = await this.rfile.read(65536);
      if (chunk.length === 0) break;
      n += chunk.length;
      for (let i = 0; i < chunk.length; i += 4099) sum = (sum + chunk[i]! * (i + 1)) % 1_000_003;
      if (n % (1 << 20) < 65536) await new Promise((r) => setTimeout(r, 1));
    }
    const body = Buffer.from(`${n} ${sum}`);
    this.send_response(200);
    this.send_header("Content-Length", String(body.length));
    this.end_headers();
    this.wfile.write(body);
  }
}

/** The checksum do_POST computes, over the same bytes read in 64 KiB pieces. */
function checksum(data: Buffer): number {
  let sum = 0;
  for (let at = 0; at < data.length; at += 65536) {
    const chunk = data.subarray(at, at + 65536);
    for (let i = 0; i < chunk.length; i += 4099) sum = (sum + chunk[i]! * (i + 1)) % 1_000_003;
  }
  return sum;
}

// Registered before serverPerTest's hook, so run after it, once the server is stopped.
afterEach(() => void (seen.length = 0));
const current = serverPerTest();

/** Echo served by a `Server` for this test. */
function start(Server: typeof HTTPServer, parser: "wasm" | "js" = "wasm"): Promise<number> {
  return current.start(Echo as RequestHandlerClass<never>, { parser }, Server);
}

const PATHS = [
  { name: "read into WASM memory (onread)", Server: HTTPServer, expected: "linear" },
  { name: "data events (fallback)", Server: DataEventServer, expected: "data" },
] as const;

describe.each(PATHS)("$name", ({ Server, expected }) => {
  it("serves pipelined heads, in one write and split at every few bytes", async () => {
    const port = await start(Server);
    const c = await RawClient.connect(port);
    const heads = [1, 2, 3].map((i) => `GET /p${i} HTTP/1.1\r\nHost: x\r\nX-Tag: t${i}\r\n\r\n`).join("");
    c.send(heads);
    const bytes = Buffer.from(heads, "latin1");
    for (let at = 0; at < bytes.length; at += 7) {
      c.send(bytes.subarray(at, at + 7));
      await new Promise((r) => setTimeout(r, 1));
    }
    const answers = await c.responses(6);
    expect(answers.map((a) => a.body.toString())).toEqual(["/p1 t1", "/p2 t2", "/p3 t3", "/p1 t1", "/p2 t2", "/p3 t3"]);
    expect(new Set(seen)).toEqual(new Set([expected]));
    c.close();
  });

  it("reads a head larger than one read (128 KiB of header fields)", async () => {
    const port = await start(Server);
    const c = await RawClient.connect(port);
    const fields = Array.from({ length: 64 }, (_, i) => `X-F${i}: ${"v".repeat(2040)}\r\n`).join("");
    c.send(`GET /big HTTP/1.1\r\nHost: x\r\n${fields}X-Tag: last\r\n\r\n`);
    const [answer] = await c.responses(1);
    expect(answer!.body.toString()).toBe("/big last");
    c.close();
  });

  it("delivers a 8 MiB body, Content-Length and chunked, intact through socket pauses", async () => {
    const port = await start(Server);
    const body = Buffer.alloc(8 << 20);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 11)) & 0xff;
    const c = await RawClient.connect(port);
    c.send(`POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
    c.send(body);
    const framed: Buffer[] = [];
    for (let at = 0; at < body.length; at += 100_000) {
      const part = body.subarray(at, at + 100_000);
      framed.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n"));
    }
    c.send(`POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`);
    c.send(Buffer.concat([...framed, Buffer.from("0\r\n\r\n")]));
    await c.until((b) => splitResponses(b).length >= 2, "two answers");
    const answers = splitResponses(c.received).map((a) => a.body.toString());
    expect(answers).toEqual([`${body.length} ${checksum(body)}`, `${body.length} ${checksum(body)}`]);
    c.close();
  });
});

describe("which sockets read into WASM memory", () => {
  it("the js parser's server reads through data events", async () => {
    const port = await start(HTTPServer, "js");
    const c = await RawClient.connect(port);
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await c.responses(1);
    expect(seen).toEqual(["data"]);
    c.close();
  });

  it("a server without a listening handle (another runtime) keeps its own sockets", () => {
    const region: ReadRegion = new WasmTokenizer().readRegion;
    const notListening = net.createServer();
    expect(acceptInto(notListening, region, true)).toBe(false);
  });

  it("a server with maxConnections gets node:net's sockets, and its limit", async () => {
    class Limited extends HTTPServer {
      override async server_bind(): Promise<void> {
        this.socket.maxConnections = 5;
        await super.server_bind();
      }
    }
    const port = await start(Limited);
    const c = await RawClient.connect(port);
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await c.responses(1);
    expect(seen).toEqual(["data"]);
    c.close();
  });

  it("the WASM region: a read adopted as staged is scanned without a copy in", () => {
    const tokenizer = new WasmTokenizer();
    const view = tokenizer.readRegion.view();
    expect(view.length).toBe(65536);
    const head = Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "latin1");
    view.set(head, 0);
    const chunk = Buffer.from(head);
    tokenizer.readRegion.adopt(chunk, chunk.length);
    const table = newTable();
    const before = tokenizer.copiedBytes;
    expect(tokenizer.scan(chunk, 0, chunk.length, table, 1 << 20)).toBe(head.length);
    expect(tokenizer.copiedBytes).toBe(before);
    // Another input is copied as before.
    const other = Buffer.from(head);
    expect(tokenizer.scan(other, 0, other.length, newTable(), 1 << 20)).toBe(head.length);
    expect(tokenizer.copiedBytes).toBe(before + head.length);
  });
});

/** What a test of an accepted LinearSocket gets: the socket, the client connected to it, the
 * region's `landed` memory and the lengths the region was told to adopt. */
interface Accepted {
  socket: LinearSocket;
  client: net.Socket;
  landed: Uint8Array;
  adopted: number[];
}

/** A raw server whose sockets read into a region of `size` bytes: `body` runs with the first
 * accepted socket and its client; both closed after. */
async function withAccepted(size: number, body: (accepted: Accepted) => Promise<void>): Promise<void> {
  const landed = new Uint8Array(size);
  const adopted: number[] = [];
  const region: ReadRegion = { view: () => landed, adopt: (_input, n) => void adopted.push(n) };
  const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  const accepted = new Promise<LinearSocket>((resolve) => srv.once("connection", resolve));
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  expect(acceptInto(srv, region, true)).toBe(true);
  const client = net.connect((srv.address() as net.AddressInfo).port, "127.0.0.1");
  try {
    await body({ socket: await accepted, client, landed, adopted });
  } finally {
    client.destroy();
    srv.close();
  }
}

describe("bulk reads (a large body): outside the region, without a copy", () => {
  it("after a read that fills the region, reads land one after the other in 1 MiB slabs and are handed on as they landed", async () => {
    await withAccepted(1024, async ({ socket, client, landed, adopted }) => {
      // 16 MiB: the kernel hands out reads of 256 KiB only once its receive buffer has grown
      // (autotuning, after the first MiB or so at ~94 KiB a read here), later on a loaded machine.
      const sent = Buffer.alloc(16 << 20);
      for (let i = 0; i < sent.length; i++) sent[i] = (i * 13 + (i >> 9)) & 0xff;
      const chunks: Buffer[] = [];
      let got = 0;
      const all = new Promise<void>((resolve) => {
        socket.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          got += chunk.length;
          if (got === sent.length) resolve();
        });
      });
      socket.resume();
      client.write(sent);
      await all;
      expect(Buffer.concat(chunks).equals(sent)).toBe(true);
      // Reads into the region are copied out into Buffers of their own (adopted); the reads after a
      // full one land in a slab, and those that fill their landing (at most 256 KiB) are handed on
      // as views of it, each right after the previous one; the others are copied out.
      const bulk = chunks.filter((c) => c.buffer.byteLength === 1 << 20);
      expect(bulk.length).toBeGreaterThan(0);
      expect(adopted.length).toBeLessThan(chunks.length);
      expect(adopted.every((n) => n > 0)).toBe(true);
      for (const c of bulk) expect(c.length === 256 * 1024 || c.byteOffset + c.length === 1 << 20).toBe(true);
      for (let i = 1; i < chunks.length; i++) {
        const [a, b] = [chunks[i - 1]!, chunks[i]!];
        // Slab views follow one another; copies out are Node's pooled Buffers (8-byte aligned).
        if (a.buffer === b.buffer && b.buffer.byteLength === 1 << 20) expect(b.byteOffset).toBe(a.byteOffset + a.length);
        // A slab view follows only a full read: of the region, or of the slab.
        if (b.buffer.byteLength === 1 << 20 && a.buffer !== b.buffer) expect(a.length === landed.length || a.buffer.byteLength === 1 << 20).toBe(true);
      }
      // A short read (it may still land in the slab) sends the next one back to the region.
      const small = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      client.write("tail");
      expect((await small).toString()).toBe("tail");
      const next = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      client.write("next");
      expect((await next).toString()).toBe("next");
      expect(adopted.at(-1)).toBe(4);
    });
  });

  it("the first bulk transfer primes the allocator; reads that fit the region do not", async () => {
    // A fresh copy of the module: no socket of it has filled a region yet.
    vi.resetModules();
    const fresh = await import("../../src/socketserver/linear-socket.js");
    const landed = new Uint8Array(4096);
    const region: ReadRegion = { view: () => landed, adopt: () => {} };
    const srv = net.createServer({ pauseOnConnect: true });
    const accepted = new Promise<LinearSocket>((resolve) => srv.once("connection", resolve));
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    expect(fresh.acceptInto(srv, region, true)).toBe(true);
    const client = net.connect((srv.address() as net.AddressInfo).port, "127.0.0.1");
    try {
      const socket = await accepted;
      expect(socket).toBeInstanceOf(fresh.LinearSocket);
      const small = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      socket.resume();
      client.write("a small request");
      expect((await small).toString()).toBe("a small request");
      expect(fresh.allocatorPrimed()).toBe(false);
      let got = 0;
      const all = new Promise<void>((resolve) => {
        socket.on("data", (chunk: Buffer) => {
          got += chunk.length;
          if (got === 4 << 20) resolve();
        });
      });
      client.write(Buffer.alloc(4 << 20, "x"));
      await all;
      expect(fresh.allocatorPrimed()).toBe(true);
    } finally {
      client.destroy();
      srv.close();
    }
  });

  it("a bulk read dropped by discard leaves the region alone", async () => {
    await withAccepted(16, async ({ socket, client, adopted }) => {
      const first = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      socket.resume();
      client.write(Buffer.alloc(16, "a"));
      expect((await first).length).toBe(16);
      // The next read lands in a slab: dropped there, counted, the region not told.
      let counted = 0;
      const dropped = new Promise<void>((resolve) => {
        socket.discard = (n) => {
          counted += n;
          if (counted === 100) resolve();
          return true;
        };
      });
      client.write(Buffer.alloc(100, "b"));
      await dropped;
      expect(adopted).toEqual([16]);
    });
  });
});

describe("reads handed to the reader", () => {
  it("by a call, not a data listener; a data event only for other listeners, after the reader", async () => {
    await withAccepted(64, async ({ socket, client }) => {
      const ends = socket.listenerCount("end");
      const reader = new SocketReader(socket);
      // The reader listens for neither `data`, `end` nor `close` (only `error`).
      expect(socket.listenerCount("data")).toBe(0);
      expect(socket.listenerCount("end")).toBe(ends);
      expect(socket.listenerCount("close")).toBe(0);
      client.write("first");
      expect((await reader.read(5)).toString()).toBe("first");
      const order: string[] = [];
      const event = new Promise<Buffer>((resolve) =>
        socket.once("data", (chunk: Buffer) => {
          order.push(`event, reader has it: ${reader.received}`);
          resolve(chunk);
        }),
      );
      client.write("second");
      expect((await event).toString()).toBe("second");
      expect((await reader.read(6)).toString()).toBe("second");
      // The reader had the chunk when the event came.
      expect(order).toEqual(["event, reader has it: true"]);
      client.end();
      expect((await reader.read()).length).toBe(0);
      expect(reader.done).toBe(true);
    });
  });

  it("a socket destroyed here, without an error, ends its reader's wait", async () => {
    await withAccepted(64, async ({ socket }) => {
      const reader = new SocketReader(socket);
      const read = reader.read(10);
      socket.destroy();
      expect((await read).length).toBe(0);
      expect(reader.done).toBe(true);
      expect(reader.error).toBe(null);
    });
  });

  it("a detached reader no longer hears its socket: nothing of it is kept alive by a lingering socket", async () => {
    await withAccepted(64, async ({ socket, client }) => {
      const reader = new SocketReader(socket);
      client.write("first");
      expect((await reader.read(5)).toString()).toBe("first");
      reader.detach();
      const others: string[] = [];
      socket.on("data", (chunk: Buffer) => void others.push(chunk.toString()));
      client.write("later");
      await vi.waitFor(() => expect(others).toEqual(["later"]));
      // Neither the read nor an error reaches the reader through the socket any more.
      socket.destroy(new Error("after"));
      await new Promise((r) => setImmediate(r));
      expect(reader.error).toBe(null);
      expect(reader.buffered).toBe(0);
    });
  });

  it("a socket destroyed with an error gives its reader the error", async () => {
    await withAccepted(64, async ({ socket }) => {
      const reader = new SocketReader(socket);
      const read = reader.read(10);
      const failure = new Error("boom");
      socket.destroy(failure);
      expect((await read).length).toBe(0);
      expect(reader.done).toBe(true);
      expect(reader.error).toBe(failure);
    });
  });
});

/** What a socket has read so far, and whether its handle is still reading. */
interface ReadState {
  bytesRead: number;
  reading: boolean;
}

function readState(socket: net.Socket): ReadState {
  const handle = (socket as unknown as { _handle: { reading: boolean } })._handle;
  return { bytesRead: socket.bytesRead, reading: handle.reading };
}

/** The chunks `socket` delivers, its read state at the first one, and a promise of all of `expected`. */
function recordReads(socket: net.Socket, expected: string): { chunks: string[]; atFirst: ReadState[]; all: Promise<void> } {
  const chunks: string[] = [];
  const atFirst: ReadState[] = [];
  const all = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      if (chunks.length === 0) atFirst.push(readState(socket));
      chunks.push(chunk.toString());
      if (chunks.join("") === expected) resolve();
    });
  });
  return { chunks, atFirst, all };
}

describe("a new connection's first bytes, held for the check phase", () => {
  it("stop its reads until they are handed on: what follows waits in the kernel, then comes in order", async () => {
    await withAccepted(4, async ({ socket, client }) => {
      const { chunks, atFirst, all } = recordReads(socket, "12345678");
      socket.resume();
      client.write("12345678");
      await all;
      // The first read (4 bytes, the region's size) was held: no other read until it was handed on.
      expect(atFirst).toEqual([{ bytesRead: 4, reading: false }]);
      expect(chunks[0]).toBe("1234");
    });
  });

  it("a first read that does not fill the region leaves the socket reading (no watcher restart)", async () => {
    await withAccepted(64, async ({ socket, client }) => {
      const atFirst = new Promise<ReadState>((resolve) => socket.once("data", () => resolve(readState(socket))));
      socket.resume();
      client.write("12");
      expect(await atFirst).toEqual({ bytesRead: 2, reading: true });
    });
  });

  it("a second read while the first is held stops the reads; both come in order, then reading goes on", async () => {
    await withAccepted(64, async ({ socket, client }) => {
      const { chunks, atFirst, all } = recordReads(socket, "123456");
      // NEWCOMERS_PER_TURN jobs that queue themselves again until "12" has been read: when it
      // is, they are the batch ahead of its delivery, and the first of them sends "34", which
      // is read (and held) in the next poll phase, before "12" is handed on.
      let sent = false;
      const blocker = (): void => {
        if (socket.bytesRead === 0) later(blocker, null, null);
        else if (!sent) {
          sent = true;
          client.write("34");
        }
      };
      for (let i = 0; i < NEWCOMERS_PER_TURN; i++) later(blocker, null, null);
      socket.resume();
      client.write("12");
      await until(() => chunks.length === 2);
      expect(atFirst).toEqual([{ bytesRead: 4, reading: false }]);
      expect(chunks).toEqual(["12", "34"]);
      // Handed on: reading again.
      client.write("56");
      await all;
    });
  });

  it("a pause() by the reader while the first read is held is kept", async () => {
    await withAccepted(4, async ({ socket, client }) => {
      const first = new Promise<Buffer>((resolve) =>
        socket.once("data", (chunk: Buffer) => {
          socket.pause();
          resolve(chunk);
        }),
      );
      socket.resume();
      client.write("12345678");
      expect((await first).toString()).toBe("1234");
      await new Promise((r) => client.write("", () => setImmediate(r)));
      await new Promise((r) => setTimeout(r, 20));
      expect(socket.bytesRead).toBe(4);
      const rest = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      socket.resume();
      expect((await rest).toString()).toBe("5678");
    });
  });
});

describe("discarding reads (a connection lingering after its answer)", () => {
  it("the peer's end closes a socket whose answer is sent, without an end event", async () => {
    await withAccepted(64, async ({ socket, client }) => {
      let ends = 0;
      socket.on("end", () => void ends++);
      socket.discard = () => true;
      socket.resume();
      await new Promise<void>((resolve) => socket.end(resolve));
      expect(socket.writableFinished).toBe(true);
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      client.end();
      await closed;
      expect(socket.destroyed).toBe(true);
      expect(ends).toBe(0);
    });
  });

  it("the peer's end while our answer is still going out does not close it", async () => {
    await withAccepted(64, async ({ socket, client }) => {
      const ended = new Promise<void>((resolve) => socket.once("end", () => resolve()));
      socket.discard = () => true;
      socket.resume();
      client.end();
      // Our side never ended: the end of the stream comes as node gives it, the socket stays.
      await ended;
      expect(socket.destroyed).toBe(false);
      expect(socket.writable).toBe(true);
      socket.destroy();
    });
  });

  it("drops each read where it landed: counted, no data event, the region's staged bytes let go", async () => {
    await withAccepted(64, async ({ socket, client, adopted }) => {
      let counted = 0;
      let events = 0;
      socket.on("data", () => void events++);
      const all = new Promise<void>((resolve) => {
        socket.discard = (n) => {
          counted += n;
          if (counted === 1000) resolve();
          return true;
        };
      });
      socket.resume();
      client.write(Buffer.alloc(1000, "g"));
      await all;
      expect(events).toBe(0);
      // Every read told the region that what it held is no one's (64-byte reads: 16 of them).
      expect(adopted.length).toBeGreaterThanOrEqual(16);
      expect(adopted.every((n) => n === 0)).toBe(true);
      // Without discard, reads are handed on as before.
      socket.discard = null;
      const chunk = new Promise<Buffer>((resolve) => socket.once("data", resolve));
      client.write("after");
      expect((await chunk).toString()).toBe("after");
    });
  });

  it("stops reading when the discard callback says so, until resumed", async () => {
    await withAccepted(4, async ({ socket, client }) => {
      let reads = 0;
      let first!: () => void;
      const stopped = new Promise<void>((resolve) => (first = resolve));
      socket.discard = () => {
        reads++;
        first();
        return false;
      };
      socket.resume();
      client.write("12345678");
      await stopped;
      // The rest waits in the kernel: a round trip with the client shows no other read.
      await new Promise((r) => client.write("", () => setImmediate(r)));
      await new Promise((r) => setTimeout(r, 20));
      expect(reads).toBe(1);
      const rest = new Promise<void>((resolve) => {
        socket.discard = () => {
          reads++;
          if (reads === 2) resolve();
          return true;
        };
      });
      socket.resume();
      await rest;
      expect(reads).toBe(2);
    });
  });
});

describe("closing", () => {
  it("a connection the peer keeps open after the answer is cut off by the lingering sweep", { timeout: 15_000 }, async () => {
    const port = await start(HTTPServer);
    const c = await RawClient.connect(port);
    // allowHalfOpen: the client's side stays open after the server's FIN, as a peer that never closes.
    c.socket.allowHalfOpen = true;
    const ended = new Promise<void>((resolve) => c.socket.once("end", () => resolve()));
    c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await ended;
    expect(splitResponses(c.received).map((a) => a.body.toString())).toEqual(["/x "]);
    // The peer never closes: the server's socket is destroyed by the sweep, not left open.
    const serverSide = lastSocket!;
    await new Promise<void>((resolve) => (serverSide.destroyed ? resolve() : serverSide.once("close", () => resolve())));
    expect(serverSide.destroyed).toBe(true);
    c.close();
  });
});

describe("graceful shutdown", () => {
  it("an answer made while the server shuts down says Connection: close, and the connection closes", async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class Slow extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override async do_GET(): Promise<void> {
        started();
        await gate;
        this.send_response(200);
        this.send_header("Content-Length", "2");
        this.end_headers();
        this.wfile.write("ok");
      }
    }
    const httpd = new HTTPServer(["127.0.0.1", 0], Slow as RequestHandlerClass<never>);
    await httpd.ready;
    const loop = httpd.serve_forever(0.05);
    const c = await RawClient.connect(httpd.server_port);
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await running;
    const down = httpd.shutdown();
    release();
    const [answer] = await c.responses(1);
    expect(answer!.header("Connection")).toBe("close");
    expect(answer!.body.toString()).toBe("ok");
    await c.all();
    await down;
    httpd.server_close();
    await loop;
  });
});

describe("the socket's stream options", () => {
  /** Two sockets accepted into a region, each with the options object node:net's Socket passed
   * on to stream.Duplex (its own copy of what it was given, after its own stores). */
  async function acceptedWithOptions(): Promise<{ sockets: LinearSocket[]; options: object[] }> {
    const options: object[] = [];
    const Duplex = stream.Duplex;
    const spy = function (this: stream.Duplex, o: object): unknown {
      if (this instanceof LinearSocket) options.push(o);
      return Duplex.call(this, o as stream.DuplexOptions);
    };
    spy.prototype = Duplex.prototype;
    const landed = new Uint8Array(1024);
    const region: ReadRegion = { view: () => landed, adopt: () => undefined };
    const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    const sockets: LinearSocket[] = [];
    const two = new Promise<void>((resolve) => srv.on("connection", (s: LinearSocket) => void (sockets.push(s) === 2 && resolve())));
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    acceptInto(srv, region, true);
    const port = (srv.address() as net.AddressInfo).port;
    (stream as { Duplex: unknown }).Duplex = Object.assign(spy, Duplex);
    const clients = [net.connect(port, "127.0.0.1"), net.connect(port, "127.0.0.1")];
    try {
      await two;
    } finally {
      (stream as { Duplex: unknown }).Duplex = Duplex;
      for (const c of clients) c.destroy();
      for (const s of sockets) s.destroy();
      srv.close();
    }
    return { sockets, options };
  }

  it("are node:net's own: autoDestroy, no close emitted by the stream, strings not decoded, half-open as asked", async () => {
    const { sockets } = await acceptedWithOptions();
    const plain = new net.Socket({ allowHalfOpen: true });
    type States = { _readableState: Record<string, unknown>; _writableState: Record<string, unknown>; allowHalfOpen: boolean };
    const flags = (s: net.Socket): unknown[] => {
      const { _readableState: r, _writableState: w, allowHalfOpen } = s as unknown as States;
      return [r.autoDestroy, r.emitClose, w.autoDestroy, w.emitClose, w.decodeStrings, r.objectMode, w.objectMode, allowHalfOpen];
    };
    expect(flags(sockets[0]!)).toEqual(flags(plain));
    expect(flags(sockets[0]!)).toEqual([true, false, true, false, false, false, false, true]);
    plain.destroy();
  });

  it("node:net's copy of them has the same hidden class for every socket: its stores add no property", async () => {
    // A property node:net adds to its copy makes a new V8 map per socket (the copy's map keeps
    // no transitions), and each read of the copy in the stream constructors then misses V8's
    // inline caches (~30 runtime lookups per connection).
    v8.setFlagsFromString("--allow-natives-syntax");
    const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: object, b: object) => boolean;
    const { options } = await acceptedWithOptions();
    expect(options.length).toBe(2);
    expect(haveSameMap(options[0]!, options[1]!)).toBe(true);
  });
});
