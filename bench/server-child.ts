// One server under load for bench/server.bench.ts, in its own process so it has a core and a
// heap to itself: node:http, basehttp (parser wasm or js) with the same hello-world handler, or
// the ceiling: a raw node:net server writing a fixed answer per request head.
// Usage: tsx bench/server-child.ts node|basehttp-wasm|basehttp-js|net; prints
// "PORT <n> PARSER <backend>" when listening and runs until SIGTERM.
// A request with `Connection: close` gets `Connection: close` and the connection is closed.

import http from "node:http";
import net from "node:net";

const BODY = Buffer.from("Hello, world!");
const kind = process.argv[2] ?? "node";

/** Tells bench/server.bench.ts where to send load and which request parser really runs. */
function ready(port: number, parser: string): void {
  process.stdout.write(`PORT ${port} PARSER ${parser}\n`);
}

async function serveNode(): Promise<void> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": BODY.length });
    res.end(BODY);
  });
  server.listen(0, "127.0.0.1", () => ready((server.address() as { port: number }).port, "llhttp"));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

/**
 * The ceiling: what node:net costs with no HTTP work beyond finding each head's end (and, for
 * one request per connection, the `Connection: close` it carries). All answers to one read go
 * out in one write.
 */
function serveNet(): void {
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
  server.listen(0, "127.0.0.1", () => ready((server.address() as { port: number }).port, "none"));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

async function serveBasehttp(parser: "wasm" | "js"): Promise<void> {
  const { HTTPServer } = await import("../src/http/server.js");
  const { BaseHTTPRequestHandler } = await import("../src/http/handler.js");
  class Hello extends BaseHTTPRequestHandler {
    override protocol_version = "HTTP/1.1";
    override do_GET(): void {
      this.send_response(200);
      this.send_header("Content-Type", "text/plain");
      this.send_header("Content-Length", String(BODY.length));
      if (this.close_connection) this.send_header("Connection", "close");
      this.end_headers();
      this.wfile.write(BODY);
    }
    /** node:http logs nothing per request; neither does the server under test. */
    override log_message(): void {}
  }
  const httpd = new HTTPServer(["127.0.0.1", 0], Hello, { parser });
  await httpd.ready;
  ready(httpd.server_address[1], httpd.tokenizer.name);
  process.on("SIGTERM", () => {
    void httpd.shutdown().then(() => {
      httpd.server_close();
      process.exit(0);
    });
  });
  await httpd.serve_forever();
}

if (kind === "node") await serveNode();
else if (kind === "net") serveNet();
else if (kind === "basehttp-wasm") await serveBasehttp("wasm");
else if (kind === "basehttp-js") await serveBasehttp("js");
else throw new Error(`unknown server kind ${kind}`);
