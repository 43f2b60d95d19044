// One server under stress for bench/stress.ts, in its own process (forked with an IPC channel
// and --expose-gc): a raw node:net server, node:http, or basehttp (parser wasm or js), all with
// the same routes: GET / answers "Hello, world!"; GET /slow answers it 5 ms later; POST /upload
// reads the body (node:http: `data` events; basehttp: `await rfile.read(65536)` until empty)
// and answers the byte count. The parent asks by message for RSS, CPU time, peak RSS during an
// upload and a graceful shutdown.

import http from "node:http";
import net from "node:net";
import { pathToFileURL } from "node:url";

const BODY = Buffer.from("Hello, world!");
const HELLO_CLOSE = Buffer.from(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, world!",
);
const HELLO_KEEP = Buffer.from("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!");
// `basehttp-wasm@DIR`: the basehttp of another checkout (DIR/src), e.g. main beside a branch.
const [kind = "node", checkout] = (process.argv[2] ?? "node").split("@");
const SRC = checkout === undefined ? new URL("../src/", import.meta.url) : pathToFileURL(`${checkout}/src/`);
/** Seconds an idle keep-alive connection is kept: long enough to count 10,000 of them. */
const IDLE_SECONDS = 120;

type Shutdown = () => Promise<void>;
let shutdown: Shutdown = async () => {};

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) for (let i = 0; i < 3; i++) g();
}

/** RSS sampled every 10 ms between peak-start and peak-stop (upload memory growth). */
let peak = 0;
let sampler: NodeJS.Timeout | null = null;

process.on("message", (m: { cmd: string }) => {
  const reply = (msg: object): void => void process.send!({ cmd: m.cmd, ...msg });
  switch (m.cmd) {
    case "rss":
      gc();
      // Twice, a turn apart: connection close callbacks and finalizers settle in between.
      setTimeout(() => {
        gc();
        reply({ rss: process.memoryUsage().rss });
      }, 200);
      break;
    case "cpu": {
      const u = process.cpuUsage();
      reply({ cpu: (u.user + u.system) / 1e6 });
      break;
    }
    case "peak-start":
      gc();
      peak = process.memoryUsage().rss;
      reply({ rss: peak });
      sampler = setInterval(() => {
        const rss = process.memoryUsage().rss;
        if (rss > peak) peak = rss;
      }, 10);
      break;
    case "peak-stop":
      if (sampler) clearInterval(sampler);
      reply({ peak: Math.max(peak, process.memoryUsage().rss) });
      break;
    case "exit":
      // A normal exit, so that --cpu-prof writes its profile (stress.ts --cpu-prof).
      process.exit(0);
      break;
    case "shutdown": {
      const t = performance.now();
      void shutdown().then(() => reply({ ms: performance.now() - t }));
      break;
    }
  }
});

function ready(port: number, parser: string): void {
  process.send!({ cmd: "ready", port, parser });
}

/** The connection-per-request ceiling: answers each head with a fixed response, no parsing. */
function serveRaw(): void {
  const server = net.createServer((socket) => {
    socket.on("error", () => undefined);
    socket.on("data", (d: Buffer) => {
      const close = d.includes("onnection: close") || d.includes("onnection: Close");
      if (close) socket.end(HELLO_CLOSE);
      else socket.write(HELLO_KEEP);
    });
  });
  server.listen(0, "127.0.0.1", () => ready((server.address() as net.AddressInfo).port, "none"));
}

function serveNode(): void {
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
      res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": BODY.length });
      res.end(BODY);
    };
    if (req.url === "/slow") setTimeout(answer, 5);
    else answer();
  });
  server.keepAliveTimeout = IDLE_SECONDS * 1000;
  server.listen(0, "127.0.0.1", () => ready((server.address() as net.AddressInfo).port, "llhttp"));
  shutdown = () =>
    new Promise<void>((resolve) => {
      // Node 19+: close() stops accepting and closes idle connections; busy ones finish their
      // request but stay open, so idle ones are closed again until none is left.
      const sweep = setInterval(() => server.closeIdleConnections(), 5);
      server.close(() => {
        clearInterval(sweep);
        resolve();
      });
    });
}

async function serveBasehttp(parser: "wasm" | "js"): Promise<void> {
  const { HTTPServer } = (await import(new URL("http/server.js", SRC).href)) as typeof import("../src/http/server.js");
  const { BaseHTTPRequestHandler } = (await import(new URL("http/handler.js", SRC).href)) as typeof import("../src/http/handler.js");
  class Stress extends BaseHTTPRequestHandler {
    override protocol_version = "HTTP/1.1";
    #hello(): void {
      this.send_response(200);
      this.send_header("Content-Type", "text/plain");
      this.send_header("Content-Length", String(BODY.length));
      this.end_headers();
      this.wfile.write(BODY);
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
    override log_message(): void {}
  }
  const httpd = new HTTPServer(["127.0.0.1", 0], Stress, { parser, keepAliveTimeout: IDLE_SECONDS });
  await httpd.ready;
  ready(httpd.server_address[1], httpd.tokenizer.name);
  shutdown = () => httpd.shutdown();
  await httpd.serve_forever();
}

if (kind === "net") serveRaw();
else if (kind === "node") serveNode();
else if (kind === "basehttp-wasm") await serveBasehttp("wasm");
else if (kind === "basehttp-js") await serveBasehttp("js");
else throw new Error(`unknown server kind ${kind}`);
