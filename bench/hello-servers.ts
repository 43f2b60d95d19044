// The servers that `npm run bench:server` (server-child.ts) and `npm run stress`
// (stress-server.ts) put under load, defined once so that both harnesses time the same code:
// node:http, basehttp (parser wasm or js) and a raw node:net server, all with the same routes.
// GET / answers "Hello, world!" (200, Content-Type, Content-Length; `Connection: close` when the
// request asked for it); GET /slow answers it 5 ms later; POST /upload reads the body (node:http:
// `data` events; basehttp: `await rfile.read(65536)` until empty) and answers the byte count.
// A kind `basehttp-wasm@DIR` (or `basehttp-js@DIR`) serves the basehttp of another checkout
// DIR (its src/, through tsx): before and after in one run.

import http from "node:http";
import net from "node:net";
import { pathToFileURL } from "node:url";

const HELLO_BODY = Buffer.from("Hello, world!");
/** Seconds an idle keep-alive connection is kept: long enough to count 10,000 of them (stress). */
const IDLE_SECONDS = 120;

interface Served {
  port: number;
  /** The request parser that really runs: llhttp, wasm-simd, wasm, js, none. */
  parser: string;
  /** Graceful shutdown: stop accepting, answer what was received, close. */
  shutdown(): Promise<void>;
}

/** Starts the server `kind` (node, net, basehttp-wasm, basehttp-js, with @DIR for another checkout) on 127.0.0.1. */
export async function serve(kind: string): Promise<Served> {
  const [name = "node", checkout] = kind.split("@");
  if (name === "node") return serveNode();
  if (name === "net") return serveNet();
  if (name === "basehttp-wasm" || name === "basehttp-js") {
    const src = checkout === undefined ? new URL("../src/", import.meta.url) : pathToFileURL(`${checkout}/src/`);
    return serveBasehttp(name === "basehttp-wasm" ? "wasm" : "js", src);
  }
  throw new Error(`unknown server kind ${kind}`);
}

function listening(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

async function serveNode(): Promise<Served> {
  const server = http.createServer((req, res) => {
    if (req.method === "POST") {
      let n = 0;
      req.on("data", (chunk: Buffer) => void (n += chunk.length));
      req.on("end", () => {
        const body = String(n);
        res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": body.length });
        res.end(body);
      });
      return;
    }
    const answer = (): void => {
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": HELLO_BODY.length });
      res.end(HELLO_BODY);
    };
    if (req.url === "/slow") setTimeout(answer, 5);
    else answer();
  });
  server.keepAliveTimeout = IDLE_SECONDS * 1000;
  const port = await listening(server);
  return {
    port,
    parser: "llhttp",
    shutdown: () =>
      new Promise<void>((resolve) => {
        // Node 19+: close() stops accepting and closes idle connections; busy ones finish their
        // request but stay open, so idle ones are closed again until none is left.
        const sweep = setInterval(() => server.closeIdleConnections(), 5);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
      }),
  };
}

/**
 * The ceiling: what node:net costs with no HTTP work beyond finding each head's end (and, for
 * one request per connection, the `Connection: close` it carries). All answers to one read go
 * out in one write.
 */
async function serveNet(): Promise<Served> {
  const head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n";
  const KEEP = Buffer.from(head + "\r\nHello, world!", "latin1");
  const CLOSE = Buffer.from(head + "Connection: close\r\n\r\nHello, world!", "latin1");
  const END = Buffer.from("\r\n\r\n");
  const CLOSE_FIELD = Buffer.from("\r\nConnection: close\r\n");
  const server = net.createServer((sock) => {
    let rest: Buffer | undefined;
    sock.setNoDelay(true);
    sock.on("data", (chunk: Buffer) => {
      const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
      let pos = 0;
      let answers = 0;
      let close = false;
      for (let end; (end = buf.indexOf(END, pos)) >= 0; pos = end + 4) {
        answers++;
        const c = buf.indexOf(CLOSE_FIELD, pos);
        if (c >= 0 && c < end + 2) {
          close = true;
          break;
        }
      }
      rest = pos < buf.length ? buf.subarray(pos) : undefined;
      if (close) sock.end(answers === 1 ? CLOSE : Buffer.concat([...Array<Buffer>(answers - 1).fill(KEEP), CLOSE]));
      else if (answers === 1) sock.write(KEEP);
      else if (answers > 1) sock.write(Buffer.concat(Array<Buffer>(answers).fill(KEEP)));
    });
    sock.on("error", () => sock.destroy());
  });
  const port = await listening(server);
  return { port, parser: "none", shutdown: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function serveBasehttp(parser: "wasm" | "js", src: URL): Promise<Served> {
  const { HTTPServer } = (await import(new URL("http/server.js", src).href)) as typeof import("../src/http/server.js");
  const { BaseHTTPRequestHandler } = (await import(new URL("http/handler.js", src).href)) as typeof import("../src/http/handler.js");
  class Hello extends BaseHTTPRequestHandler {
    override protocol_version = "HTTP/1.1";
    #hello(): void {
      this.send_response(200);
      this.send_header("Content-Type", "text/plain");
      this.send_header("Content-Length", String(HELLO_BODY.length));
      if (this.close_connection) this.send_header("Connection", "close");
      this.end_headers();
      this.wfile.write(HELLO_BODY);
    }
    override do_GET(): void | Promise<void> {
      if (this.path === "/slow") return new Promise((resolve) => setTimeout(() => resolve(this.#hello()), 5));
      this.#hello();
    }
    override async do_POST(): Promise<void> {
      let n = 0;
      for (;;) {
        const chunk = await this.rfile.read(65536);
        if (chunk.length === 0) break;
        n += chunk.length;
      }
      const body = String(n);
      this.send_response(200);
      this.send_header("Content-Type", "text/plain");
      this.send_header("Content-Length", String(body.length));
      this.end_headers();
      this.wfile.write(body);
    }
    /** node:http logs nothing per request; neither does the server under test. */
    override log_message(): void {}
  }
  const httpd = new HTTPServer(["127.0.0.1", 0], Hello, { parser, keepAliveTimeout: IDLE_SECONDS });
  await httpd.ready;
  void httpd.serve_forever();
  return { port: httpd.server_address[1], parser: httpd.tokenizer.name, shutdown: () => httpd.shutdown() };
}
