// Closing without waiting for the peer's FIN (issue 6; README "Draining before a close"): when
// the CLIENT asked for the close (`Connection: close`, or HTTP/1.0 without keep-alive; RFC 9112
// §9.6: such a client MUST NOT send further requests), its body was read whole and nothing more
// was received, the server ends its side once the answer is written and closes the socket when
// that FIN is sent, with no drain. Every other close keeps the bounded drain (drain.test.ts):
// error answers, closes the server chose, an unread body, bytes past the request.
//
// The clients here keep their own side open (allowHalfOpen, no end()) and the servers drain for
// up to 600 s: a server that waited for the peer's FIN would never close these connections, and
// the test would fail at its guard, not at a timing assertion.

import net from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HTTPServer, type HTTPServerOptions } from "../../src/http/server.js";
import { lingeringCount } from "../../src/socketserver/linger.js";
import { guard, PARSERS, QuietHandler, splitResponses } from "./helpers.js";

const BIG = 6 * 1024 * 1024;
const BIG_BODY = Buffer.alloc(BIG, "b");

/** Answers GET with "hello" (a larger answer for /big), POST after reading its body whole unless
 * the path is /unread, and 404 for /missing (an error answer, by send_error). */
class Hello extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  override async do_GET(): Promise<void> {
    if (this.path === "/missing") return this.send_error(404);
    const body = this.path === "/big" ? BIG_BODY : Buffer.from("hello");
    this.send_response(200);
    this.send_header("Content-Length", String(body.length));
    this.end_headers();
    for (let at = 0; at < body.length; at += 1 << 20) await this.wfile.write(body.subarray(at, at + (1 << 20)));
  }
  override async do_POST(): Promise<void> {
    if (this.path !== "/unread") await this.rfile.read(Number(this.headers.get("Content-Length")));
    this.send_response(200);
    this.send_header("Content-Length", "2");
    this.end_headers();
    this.wfile.write("ok");
  }
}

/** The same, as an HTTP/1.0 server (the default protocol_version): it closes after every request. */
class Hello10 extends Hello {
  override protocol_version = "HTTP/1.0";
}

interface Closing {
  /** Entries the lingering list gained in close_request: 0 when closed without a drain. */
  lingered: number;
  /** Resolves when the server's socket is closed. */
  closed: Promise<void>;
}

/** An HTTPServer that records, for each connection it closes, whether it lingered. */
class Recording extends HTTPServer {
  readonly closing: Closing[] = [];
  override close_request(request: Duplex): void {
    const before = lingeringCount();
    const closed = request.destroyed ? Promise.resolve() : new Promise<void>((resolve) => request.once("close", () => resolve()));
    super.close_request(request);
    this.closing.push({ lingered: lingeringCount() - before, closed });
  }
}

interface Seen {
  received: Buffer;
  /** The server's FIN arrived ('end'). */
  ended: boolean;
  error: NodeJS.ErrnoException | null;
}

/** A client that keeps its side open: it never ends, so only the server can close. */
class Client {
  readonly socket: net.Socket;
  readonly seen: Seen = { received: Buffer.alloc(0), ended: false, error: null };
  readonly #chunks: Buffer[] = [];
  readonly ended: Promise<void>;
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    this.socket.on("data", (d: Buffer) => this.#chunks.push(d));
    this.socket.on("error", (e: NodeJS.ErrnoException) => (this.seen.error ??= e));
    this.ended = new Promise((resolve) => this.socket.once("end", () => {
      this.seen.ended = true;
      resolve();
    }));
    this.closed = new Promise((resolve) => this.socket.once("close", () => resolve()));
  }

  get received(): Buffer {
    return (this.seen.received = Buffer.concat(this.#chunks));
  }
}

for (const parser of PARSERS) {
  describe(`closing when the client asked for it (${parser})`, () => {
    let server: Recording;
    let loop: Promise<void>;
    const clients: Client[] = [];

    async function start(Handler: typeof Hello, options: HTTPServerOptions = {}): Promise<void> {
      server = new Recording(["127.0.0.1", 0], Handler, { parser, drainTimeout: 600, ...options });
      await server.ready;
      loop = server.serve_forever(0.05);
    }

    function connect(): Client {
      const client = new Client(server.server_port);
      clients.push(client);
      return client;
    }

    /** Send `request` on a new connection and wait until the server has closed it (its socket). */
    async function served(request: string | Buffer): Promise<{ client: Client; closing: Closing }> {
      const client = connect();
      client.socket.write(request);
      await guard(client.ended, "the server's FIN");
      await guard(new Promise<void>((resolve) => {
        const look = (): void => void (server.closing.length > 0 ? resolve() : setTimeout(look, 5));
        look();
      }), "close_request");
      const closing = server.closing.shift()!;
      return { client, closing };
    }

    beforeEach(() => {
      clients.length = 0;
    });

    afterEach(async () => {
      for (const c of clients) c.socket.destroy();
      await server.shutdown();
      server.server_close();
      await loop;
    });

    it("Connection: close: the whole answer, then FIN; the server closes without waiting for the client's FIN", async () => {
      await start(Hello);
      const { client, closing } = await served("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      expect(closing.lingered).toBe(0);
      // Closed while the client still holds its side open: no drain waited for its FIN.
      await guard(closing.closed, "the server's socket to close");
      const answers = splitResponses(client.received);
      expect(answers.map((a) => [a.status, a.body.toString()])).toEqual([[200, "hello"]]);
      expect(client.seen.ended).toBe(true);
      // The close sent nothing more: a FIN, no reset (RFC 9293 §3.6.1, nothing was left unread).
      client.socket.end();
      await guard(client.closed, "the client to close");
      expect(client.seen.error).toBeNull();
      expect(lingeringCount()).toBe(0);
    });

    it("HTTP/1.0 without keep-alive: the same", async () => {
      await start(Hello);
      const { client, closing } = await served("GET / HTTP/1.0\r\n\r\n");
      expect(closing.lingered).toBe(0);
      await guard(closing.closed, "the server's socket to close");
      expect(splitResponses(client.received).map((a) => [a.statusLine, a.body.toString()])).toEqual([["HTTP/1.1 200 OK", "hello"]]);
      client.socket.end();
      await guard(client.closed, "the client to close");
      expect(client.seen.error).toBeNull();
    });

    it("a body read whole: no drain; a body left unread: drained", async () => {
      await start(Hello);
      const post = (path: string): string => `POST ${path} HTTP/1.1\r\nConnection: close\r\nContent-Length: 10\r\n\r\n0123456789`;
      const read = await served(post("/read"));
      expect(read.closing.lingered).toBe(0);
      expect(splitResponses(read.client.received).map((a) => a.body.toString())).toEqual(["ok"]);
      const unread = await served(post("/unread"));
      expect(unread.closing.lingered).toBe(1);
      expect(splitResponses(unread.client.received).map((a) => a.body.toString())).toEqual(["ok"]);
      // The drain ends at the client's FIN.
      unread.client.socket.end();
      await guard(unread.closing.closed, "the drained socket to close");
      expect(unread.client.seen.error).toBeNull();
    });

    it("an error answer is drained, even when the client asked for the close", async () => {
      await start(Hello);
      const { client, closing } = await served("GET /missing HTTP/1.1\r\nConnection: close\r\n\r\n");
      expect(closing.lingered).toBe(1);
      expect(splitResponses(client.received).map((a) => a.status)).toEqual([404]);
      client.socket.end();
      await guard(closing.closed, "the drained socket to close");
      expect(lingeringCount()).toBe(0);
    });

    it("a refused head is drained", async () => {
      await start(Hello);
      const { client, closing } = await served("GET / HTTP/1.1\r\nConnection: close\r\nNoColon\r\n\r\n");
      expect(closing.lingered).toBe(1);
      expect(splitResponses(client.received).map((a) => a.status)).toEqual([400]);
      client.socket.end();
      await guard(closing.closed, "the drained socket to close");
    });

    it("a close the server chose is drained: HTTP/1.0 server, HTTP/1.1 client; HTTP/1.0 keep-alive refused", async () => {
      await start(Hello10);
      // The client did not ask to close: it may be pipelining, so what it still sends is drained.
      for (const request of ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"]) {
        const { client, closing } = await served(request);
        expect(closing.lingered).toBe(1);
        expect(splitResponses(client.received).map((a) => a.body.toString())).toEqual(["hello"]);
        client.socket.end();
        await guard(closing.closed, "the drained socket to close");
        expect(client.seen.error).toBeNull();
      }
    });

    it("bytes already received past the request are drained, and the answer arrives without a reset", async () => {
      await start(Hello);
      const { client, closing } = await served("GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET /again HTTP/1.1\r\n\r\n");
      expect(closing.lingered).toBe(1);
      expect(splitResponses(client.received).map((a) => a.body.toString())).toEqual(["hello"]);
      client.socket.end();
      await guard(closing.closed, "the drained socket to close");
      expect(client.seen.error).toBeNull();
    });

    it("pipelined requests where the last says close: every answer arrives, then FIN, no drain", async () => {
      await start(Hello);
      const { client, closing } = await served(
        "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nConnection: close\r\n\r\n",
      );
      expect(closing.lingered).toBe(0);
      expect(splitResponses(client.received).map((a) => a.body.toString())).toEqual(["hello", "ok", "hello"]);
      client.socket.end();
      await guard(client.closed, "the client to close");
      expect(client.seen.error).toBeNull();
    });

    it("a client that sends more after Connection: close meets a reset once the server has closed; the server goes on", async () => {
      await start(Hello);
      const { client, closing } = await served("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
      expect(closing.lingered).toBe(0);
      await guard(closing.closed, "the server's socket to close");
      expect(splitResponses(client.received).map((a) => a.body.toString())).toEqual(["hello"]);
      // Misbehaving (RFC 9112 §9.6): the kernel answers bytes for a closed socket with a reset,
      // which the client's next writes meet.
      await guard(new Promise<void>((resolve) => {
        const pump = (): void => {
          if (client.socket.destroyed) return resolve();
          client.socket.write("GET /more HTTP/1.1\r\n\r\n");
          setTimeout(pump, 10);
        };
        pump();
      }), "the reset");
      expect(["ECONNRESET", "EPIPE"]).toContain(client.seen.error?.code);
      expect(splitResponses(client.received).map((a) => a.body.toString())).toEqual(["hello"]);
      // The server goes on: another connection is answered.
      const next = await served("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
      expect(splitResponses(next.client.received).map((a) => a.body.toString())).toEqual(["hello"]);
      expect(lingeringCount()).toBe(0);
    });

    it("a large answer to a slow reader that asked for the close arrives whole", async () => {
      // Small kernel buffers would not change the outcome; the client reads nothing at first.
      await start(Hello, { sendTimeout: 60 });
      const client = connect();
      client.socket.pause();
      client.socket.write("GET /big HTTP/1.1\r\nConnection: close\r\n\r\n");
      // Read slowly: a chunk at a time, a turn apart. The handler waits on its writes' backpressure
      // and the close waits for the rest of the answer to leave.
      const drip = setInterval(() => {
        client.socket.resume();
        setImmediate(() => client.socket.pause());
      }, 2);
      try {
        await guard(client.ended, "the server's FIN");
      } finally {
        clearInterval(drip);
      }
      const answers = splitResponses(client.received);
      expect(answers.length).toBe(1);
      expect(answers[0]!.body.length).toBe(BIG);
      expect(answers[0]!.body.equals(BIG_BODY)).toBe(true);
      expect(server.closing.length).toBe(1);
      await guard(server.closing[0]!.closed, "the server's socket to close");
      client.socket.end();
      await guard(client.closed, "the client to close");
      expect(client.seen.error).toBeNull();
      expect(lingeringCount()).toBe(0);
    });
  });
}
