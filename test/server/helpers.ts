// Shared test plumbing for the tests that run a server (test/server, and test/http and
// test/compat for PARSERS and serve): the backends every behaviour runs against (PARSERS), a
// server on 127.0.0.1 port 0 (serve(), or serverPerTest() for one stopped after each test),
// waits that fail instead of hanging (guard(), until()), raw net clients (exact bytes in, exact
// bytes out), a socketless handler harness over an in-memory Duplex, and independent oracles:
// an HTTP/1.x response splitter and CPython's error page. Not a test file itself.

import net from "node:net";
import { Duplex } from "node:stream";
import { afterEach, expect } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { BaseHTTPRequestHandler } from "../../src/http/handler.js";
import { HTTPServer, type HTTPServerOptions } from "../../src/http/server.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";

/** Every backend each behaviour runs against. */
export const PARSERS: ParserName[] = ["wasm", "js"];

export const FIXED_DATE = "Sun, 06 Nov 1994 08:49:37 GMT";
/** How long a test waits for the server before failing (never a timing assertion). */
const GUARD_MS = 8000;

/** A handler that logs into `logs` instead of stderr and sends a fixed Date. */
export class QuietHandler extends BaseHTTPRequestHandler {
  static logs: string[] = [];
  override log_message(format: string, ...args: unknown[]): void {
    QuietHandler.logs.push(format.replace(/%s|%d/g, () => String(args.shift())));
  }
  override date_time_string(timestamp?: number): string {
    return timestamp === undefined ? FIXED_DATE : super.date_time_string(timestamp);
  }
}

/** Answer 200 with `body` (UTF-8) and its Content-Length. */
export function reply(h: BaseHTTPRequestHandler, body = "ok"): void {
  h.send_response(200);
  h.send_header("Content-Length", Buffer.byteLength(body));
  h.end_headers();
  h.wfile.write(body);
}

export interface Running {
  server: HTTPServer;
  port: number;
  stop(): Promise<void>;
}

/** Start `Handler` on 127.0.0.1:0 (a `Server`, HTTPServer by default) with serve_forever running. */
export async function serve(
  Handler: RequestHandlerClass<never>,
  options: HTTPServerOptions = {},
  Server: typeof HTTPServer = HTTPServer,
): Promise<Running> {
  const server = new Server(["127.0.0.1", 0], Handler, options);
  await server.ready;
  const loop = server.serve_forever(0.05);
  return {
    server,
    port: server.server_port,
    async stop() {
      await server.shutdown();
      server.server_close();
      await loop;
    },
  };
}

/** A server per test, for the tests of a file (or a describe block) that each start their own.
 * Call it once at the top: it registers an afterEach hook that stops the server the test
 * started (shutdown, server_close), if any. */
interface ServerPerTest {
  /** Start `Handler` for this test as serve() does; gives its port. */
  start(Handler: RequestHandlerClass<never>, options?: HTTPServerOptions, Server?: typeof HTTPServer): Promise<number>;
  /** The server this test started. */
  readonly server: HTTPServer;
}

export function serverPerTest(): ServerPerTest {
  let running: Running | null = null;
  afterEach(async () => {
    const stopping = running;
    running = null;
    await stopping?.stop();
  });
  return {
    async start(Handler, options = {}, Server = HTTPServer) {
      running = await serve(Handler, options, Server);
      return running.port;
    },
    get server() {
      if (running === null) throw new Error("no server was started in this test");
      return running.server;
    },
  };
}

/** `promise`, or a rejection naming `what` after GUARD_MS: a test that waits fails, it does not hang. */
export function guard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), GUARD_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Wait until `done()` holds, polling every 5 ms, and fail the test if it still does not after
 * about 4 s (a guard, never a timing assertion). */
export async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 800 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

/** A raw TCP client recording every byte received. */
export class RawClient {
  readonly socket: net.Socket;
  readonly closed: Promise<void>;
  #listeners: (() => void)[] = [];
  #received = Buffer.alloc(0);
  #pending: Buffer[] = [];

  /** Every byte received so far (chunks joined on read, not per chunk: an 8 MiB answer
   * arriving in small reads would otherwise be copied quadratically). */
  get received(): Buffer {
    if (this.#pending.length > 0) {
      this.#received = Buffer.concat([this.#received, ...this.#pending]);
      this.#pending = [];
    }
    return this.#received;
  }

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#pending.push(d);
      for (const l of this.#listeners.splice(0)) l();
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.on("close", () => {
      for (const l of this.#listeners.splice(0)) l();
      resolve();
    }));
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  send(data: string | Uint8Array): void {
    this.socket.write(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  /** Resolves with everything received once `done(received)` holds. */
  until(done: (received: Buffer) => boolean, what = "data"): Promise<Buffer> {
    const check = (resolve: (b: Buffer) => void, reject: (e: Error) => void): void => {
      if (done(this.received)) resolve(this.received);
      else if (this.socket.destroyed || this.socket.readableEnded) reject(new Error(`closed before ${what}`));
      else this.#listeners.push(() => check(resolve, reject));
    };
    return guard(new Promise(check), what);
  }

  /** Wait for `n` complete responses (parsed as for requests that are not HEAD). */
  async responses(n: number): Promise<Response[]> {
    await this.until((b) => splitResponses(b).length >= n, `${n} responses`);
    return splitResponses(this.received).slice(0, n);
  }

  /** Everything received until the server closes the connection. */
  async all(): Promise<Buffer> {
    await guard(this.closed, "the server to close the connection");
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Open a connection, send the pieces (each as its own write, after the previous one left),
 * and return everything received until the server closes. */
export async function exchange(port: number, ...pieces: (string | Uint8Array)[]): Promise<Buffer> {
  const client = await RawClient.connect(port);
  for (const piece of pieces) {
    client.send(piece);
    await new Promise((r) => setTimeout(r, 5));
  }
  return client.all();
}

export interface Response {
  raw: Buffer;
  statusLine: string;
  status: number;
  headers: [string, string][];
  header(name: string): string | undefined;
  body: Buffer;
}

/** Split complete HTTP/1.x responses: body by Content-Length (none: the rest, if closed). */
export function splitResponses(buf: Buffer, noBody: (status: number) => boolean = () => false): Response[] {
  const out: Response[] = [];
  let at = 0;
  while (at < buf.length) {
    const headEnd = buf.indexOf("\r\n\r\n", at, "latin1");
    if (headEnd < 0) break;
    const lines = buf.toString("latin1", at, headEnd).split("\r\n");
    const statusLine = lines[0]!;
    const headers = lines.slice(1).map((l): [string, string] => {
      const i = l.indexOf(":");
      return [l.slice(0, i), l.slice(i + 1).trim()];
    });
    const header = (name: string): string | undefined =>
      headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const status = Number(statusLine.split(" ")[1]);
    const bodyStart = headEnd + 4;
    const cl = header("Content-Length");
    const len = noBody(status) || status < 200 || status === 204 || status === 304 ? 0 : cl === undefined ? buf.length - bodyStart : Number(cl);
    if (bodyStart + len > buf.length) break;
    out.push({ raw: buf.subarray(at, bodyStart + len), statusLine, status, headers, header, body: buf.subarray(bodyStart, bodyStart + len) });
    at = bodyStart + len;
  }
  return out;
}

/** CPython's DEFAULT_ERROR_MESSAGE filled in, as send_error sends it. */
export function errorPage(code: number, message: string, explain: string): string {
  return `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: ${code}</p>
        <p>Message: ${message}.</p>
        <p>Error code explanation: ${code} - ${explain}.</p>
    </body>
</html>
`;
}

/** An in-memory connection for socketless handler tests: `input` then end of stream. */
export class FakeSocket extends Duplex {
  readonly writes: Buffer[] = [];
  remoteAddress = "127.0.0.1";
  constructor(input: string | Uint8Array, end = true) {
    super({
      read() {},
      write: (chunk: Buffer, _enc, cb) => {
        this.writes.push(chunk);
        cb();
      },
    });
    this.push(typeof input === "string" ? Buffer.from(input, "latin1") : input);
    if (end) this.push(null);
  }
  get output(): Buffer {
    return Buffer.concat(this.writes);
  }
}

/** Run `Handler` socketless on `input`: setup(), one handle_one_request(), finish(). */
export async function socketless<H extends BaseHTTPRequestHandler>(
  Handler: new (...a: ConstructorParameters<typeof BaseHTTPRequestHandler>) => H,
  input: string | Uint8Array,
  server: unknown = null,
): Promise<{ handler: H; output: Buffer; socket: FakeSocket }> {
  const socket = new FakeSocket(input);
  const handler = new Handler(socket, ["127.0.0.1", 1337], server as never);
  handler.setup();
  await handler.handle_one_request();
  handler.finish();
  await new Promise((r) => setImmediate(r));
  return { handler, output: socket.output, socket };
}

/** The lines of `output` with their line ends, as Python's BytesIO.readlines(). */
export function readlines(output: Buffer): string[] {
  return output.toString("latin1").split(/(?<=\n)/).filter((l) => l.length > 0);
}
