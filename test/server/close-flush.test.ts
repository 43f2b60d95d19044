// A connection the server closes after its answer (HTTP/1.0, Connection: close) keeps every
// byte of that answer: the drain deadline (drainTimeout) and byte budget (drainLimit) count
// only once our side has finished writing, so a client that reads slowly, or pauses longer
// than drainTimeout, still receives the whole body. Before, the socket was destroyed
// drainTimeout after end() with our writes still queued, and a slow reader lost the tail
// (one of ten concurrent 1 GiB downloads of `npm run bench` came out short). A peer that never
// reads is cut off once none of our queued bytes has moved for sendTimeout seconds.
// Over real sockets, against both backends.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import type { Duplex } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimpleHTTPRequestHandler } from "../../src/http/simple-handler.js";
import { HTTPServer, type HTTPServerOptions } from "../../src/http/server.js";
import { PARSERS, QuietHandler, serve } from "./helpers.js";

/** Larger than what loopback's kernel buffers hold (a few MiB each way), so most of it waits
 * in the server's own write queue while the client pauses. */
const SIZE = 48 * 1024 * 1024;
const BODY = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i += 4096) BODY.writeUInt32BE(i, i);

/** Writes the whole body at once and returns without waiting for the socket to take it. */
class BigUnawaited extends QuietHandler {
  static answered = 0;
  /** The server side of each connection answered. */
  static sockets: Duplex[] = [];
  override do_GET(): void {
    BigUnawaited.answered++;
    BigUnawaited.sockets.push(this.request);
    this.send_response(200);
    this.send_header("Content-Length", String(SIZE));
    this.end_headers();
    void this.wfile.write(BODY);
  }
}

/** Writes the body in 1 MiB pieces, awaiting the socket's backpressure between them. */
class BigAwaited extends QuietHandler {
  override async do_GET(): Promise<void> {
    this.send_response(200);
    this.send_header("Content-Length", String(SIZE));
    this.end_headers();
    for (let at = 0; at < SIZE; at += 1 << 20) await this.wfile.write(BODY.subarray(at, at + (1 << 20)));
  }
}

class Files extends SimpleHTTPRequestHandler {
  static dir = "";
  constructor(...args: ConstructorParameters<typeof SimpleHTTPRequestHandler>) {
    super(args[0], args[1], args[2], { directory: Files.dir });
  }
  override log_message(): void {}
}

interface Download {
  /** Everything received, head included. */
  received: Buffer;
  /** The connection ended cleanly (FIN), not by a reset. */
  ended: boolean;
}

/** Send `request`, read nothing for `pauseMs` (or until `pause` resolves), then read until
 * the server closes. */
function download(port: number, request: string, pauseMs: number | (() => Promise<void>)): Promise<Download> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    let ended = false;
    const guard = setTimeout(() => reject(new Error("download did not finish")), 20_000);
    socket.pause();
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("end", () => (ended = true));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(guard);
      resolve({ received: Buffer.concat(chunks), ended });
    });
    socket.on("connect", () => {
      socket.write(request);
      if (typeof pauseMs === "number") setTimeout(() => socket.resume(), pauseMs);
      else pauseMs().then(() => socket.resume(), reject);
    });
  });
}

function body(d: Download): Buffer {
  const at = d.received.indexOf("\r\n\r\n");
  expect(at).toBeGreaterThan(0);
  return d.received.subarray(at + 4);
}

/** The whole body arrived, byte for byte, and the connection ended with a FIN. */
function complete(d: Download, expected: Buffer): void {
  const got = body(d);
  expect(got.length).toBe(expected.length);
  expect(got.equals(expected)).toBe(true);
  expect(d.ended).toBe(true);
}

const SHORT: HTTPServerOptions = { drainTimeout: 0.2 };
const GET_10 = "GET /big HTTP/1.0\r\n\r\n";
const GET_11_CLOSE = "GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "basehttp-close-flush-"));
  writeFileSync(join(dir, "big.bin"), BODY);
  // Cached whole and written in one go (at most 2 MiB per file is cached).
  writeFileSync(join(dir, "small.bin"), BODY.subarray(0, 2 * 1024 * 1024));
  Files.dir = dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const parser of PARSERS) {
  describe(`closing after the answer keeps every byte of it (${parser})`, () => {
    it("a client pausing longer than drainTimeout gets a body written at once (HTTP/1.0)", async () => {
      const srv = await serve(BigUnawaited, { parser, ...SHORT });
      try {
        complete(await download(srv.port, GET_10, 1000), BODY);
      } finally {
        await srv.stop();
      }
    });

    it("the same with HTTP/1.1 and Connection: close", async () => {
      const srv = await serve(BigUnawaited, { parser, ...SHORT });
      try {
        complete(await download(srv.port, GET_11_CLOSE, 1000), BODY);
      } finally {
        await srv.stop();
      }
    });

    it("drainTimeout 0 closes once the answer is sent, not before", async () => {
      const srv = await serve(BigUnawaited, { parser, drainTimeout: 0 });
      try {
        complete(await download(srv.port, GET_10, 1000), BODY);
      } finally {
        await srv.stop();
      }
    });

    it("a peer sending past drainLimit while the answer is queued stops being read, and is not cut off before it is sent", async () => {
      const srv = await serve(BigUnawaited, { parser, drainLimit: 16 * 1024, drainTimeout: 0.2 });
      try {
        const socket = net.connect({ port: srv.port, host: "127.0.0.1" });
        socket.on("error", () => undefined);
        socket.pause();
        await new Promise((r) => socket.on("connect", r));
        const count = BigUnawaited.sockets.length;
        socket.write(GET_10);
        socket.write(Buffer.alloc(1024 * 1024, "g"));
        while (BigUnawaited.sockets.length === count) await new Promise((r) => setTimeout(r, 20));
        const served = BigUnawaited.sockets[count]!;
        await new Promise((r) => setTimeout(r, 600));
        // Past the budget and still sending: kept, not read further.
        expect(served.destroyed).toBe(false);
        expect(served.writableFinished).toBe(false);
        expect((served as net.Socket).isPaused()).toBe(true);
        socket.resume();
        await new Promise((r) => served.once("close", r));
        // Destroyed only once our side had finished writing (then, over budget, cut off).
        expect(served.writableFinished).toBe(true);
        socket.destroy();
      } finally {
        await srv.stop();
      }
    });

    it("a body written with backpressure, and a drainLimit of 0", async () => {
      const srv = await serve(BigAwaited, { parser, ...SHORT, drainLimit: 0 });
      try {
        complete(await download(srv.port, GET_10, 1000), BODY);
      } finally {
        await srv.stop();
      }
    });

    it("a large file and a cached one from SimpleHTTPRequestHandler", async () => {
      const srv = await serve(Files, { parser, ...SHORT });
      try {
        const [big, small] = await Promise.all([
          download(srv.port, "GET /big.bin HTTP/1.0\r\n\r\n", 1000),
          download(srv.port, "GET /small.bin HTTP/1.0\r\n\r\n", 1000),
        ]);
        complete(big, BODY);
        complete(small, BODY.subarray(0, 2 * 1024 * 1024));
      } finally {
        await srv.stop();
      }
    });
  });
}

describe("close_request without end() (a subclass that skips shutdown_request's end)", () => {
  it("still waits for the queued answer to leave, then closes", async () => {
    class NoEnd extends HTTPServer {
      override shutdown_request(request: Duplex): void {
        this.close_request(request);
      }
    }
    const server = new NoEnd(["127.0.0.1", 0], BigUnawaited, { drainTimeout: 0.2 });
    await server.ready;
    const loop = server.serve_forever(0.05);
    try {
      complete(await download(server.server_port, GET_10, 1000), BODY);
    } finally {
      await server.shutdown();
      server.server_close();
      await loop;
    }
  });
});

describe("a peer that never reads the answer", () => {
  it("is cut off once none of the queued answer has moved for sendTimeout seconds", async () => {
    const srv = await serve(BigUnawaited, { sendTimeout: 0.3, drainTimeout: 0.2 });
    try {
      // The client reads nothing until the server has let the connection go (with the default
      // sendTimeout of 60 s this would outlast the download's guard); what it then finds is
      // what the kernel held, a part of the body at most.
      const connections = (): Promise<number> =>
        new Promise((r, j) => srv.server.socket.getConnections((e, n) => (e ? j(e) : r(n))));
      const gone = async (): Promise<void> => {
        while ((await connections()) > 0) await new Promise((r) => setTimeout(r, 50));
      };
      const before = BigUnawaited.answered;
      const d = await download(srv.port, GET_10, async () => {
        while (BigUnawaited.answered === before) await new Promise((r) => setTimeout(r, 20));
        await gone();
      });
      expect(body(d).length).toBeLessThan(SIZE);
    } finally {
      await srv.stop();
    }
  });

  it("sendTimeout defaults to 60 seconds and refuses what is not a duration", () => {
    expect(new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false }).sendTimeout).toBe(60);
    expect(new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false, sendTimeout: 1.5 }).sendTimeout).toBe(1.5);
    for (const bad of [-1, Number.NaN]) {
      expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false, sendTimeout: bad })).toThrow(RangeError);
    }
  });
});
