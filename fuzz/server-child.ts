// One server under the fuzzer (fuzz/run.ts), in its own process so a crash, a hang or a leak
// shows as that process's: node:http, or basehttp with the wasm or the js tokenizer. Every
// server runs the same echo handler: it reads the whole request body, reports what it saw
// (method, target, version, body bytes) to the parent over IPC, keyed by the client's port,
// and answers 200 with the same facts in an X-Echo header (a fixed Date, so two basehttp
// answers can be compared byte for byte).
// Usage: node --import tsx fuzz/server-child.ts node|wasm|js (with an IPC channel).

import http from "node:http";
import type { AddressInfo } from "node:net";

import { BODY_IDLE_TIMEOUT_S, HEAD_TIMEOUT_S, KEEP_ALIVE_TIMEOUT_S, type ChildMessage, type EchoRecord } from "./protocol.js";

const kind = process.argv[2] ?? "node";
const errors: string[] = [];

function send(message: ChildMessage): void {
  process.send!(message);
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function echoHeader(rec: EchoRecord): string {
  return Buffer.from(JSON.stringify([rec.method, rec.target, rec.version, rec.body])).toString("base64");
}

async function serveNode(): Promise<void> {
  const server = http.createServer(
    { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_S * 1000, headersTimeout: HEAD_TIMEOUT_S * 1000, requestTimeout: 4000, connectionsCheckingInterval: 250 },
    (req, res) => {
      // What the request is, taken now: the socket's address is gone once it is destroyed.
      const base = {
        port: req.socket.remotePort ?? 0, host: req.socket.remoteAddress ?? "", method: req.method ?? "", target: req.url ?? "",
        version: `HTTP/${req.httpVersion}`, headers: pairs(req.rawHeaders), line: "", client: String(req.headers["x-client"] ?? ""),
      };
      const parts: Buffer[] = [];
      let sent = false;
      req.on("data", (d: Buffer) => parts.push(d));
      req.on("error", () => undefined);
      req.on("end", () => {
        sent = true;
        const rec: EchoRecord = { ...base, body: Buffer.concat(parts).toString("base64") };
        send({ type: "rec", rec });
        res.writeHead(200, { "X-Echo": echoHeader(rec), "Content-Length": 0 });
        res.end();
      });
      // node:http parsed the whole request but the connection died before the handler read it
      // (a parse error further on in the same read, or the client's end): node accepted it.
      req.on("close", () => {
        if (!sent && req.complete) send({ type: "rec", rec: { ...base, body: Buffer.concat(parts).toString("base64"), partial: true } });
      });
    },
  );
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  server.listen(0, "127.0.0.1", () => send({ type: "ready", port: (server.address() as AddressInfo).port }));
}

async function serveBasehttp(parser: "wasm" | "js"): Promise<void> {
  const { HTTPServer } = await import("../src/http/server.js");
  const { BaseHTTPRequestHandler } = await import("../src/http/handler.js");
  class Echo extends BaseHTTPRequestHandler {
    override protocol_version = "HTTP/1.1";
    override log_message(): void {}
    override date_time_string(): string {
      return "Sun, 06 Nov 1994 08:49:37 GMT";
    }
    /** Every method is served (API.md keeps CPython's: any method with a do_ method). */
    override parse_request(): boolean {
      if (!super.parse_request()) return false;
      const self = this as unknown as Record<string, unknown>;
      const name = "do_" + this.command;
      if (typeof self[name] !== "function") self[name] = this.echo;
      return true;
    }
    async echo(): Promise<void> {
      const body = Buffer.from(await this.rfile.read());
      const words = this.requestline.split(/[ \t]+/).filter((w) => w !== "");
      const rec: EchoRecord = {
        host: (this.client_address as [string, number])[0], port: (this.client_address as [string, number])[1], method: this.command ?? "", target: words[1] ?? "",
        version: this.request_version, body: body.toString("base64"),
        line: this.requestline, client: this.headers?.get("X-Client") ?? "", headers: this.headers ? [...this.headers.items()].map(([k, v]) => [k, v] as [string, string]) : [],
      };
      send({ type: "rec", rec });
      this.send_response(200);
      this.send_header("X-Echo", echoHeader(rec));
      this.send_header("Content-Length", "0");
      this.end_headers();
      // HTTP/0.9: no head went out; the facts go in the body.
      if (this.request_version === "HTTP/0.9") this.wfile.write(Buffer.from(echoHeader(rec)));
    }
  }
  // A body that stops arriving is limited only by the handler's socket timeout (CPython's
  // StreamRequestHandler.timeout, None by default): set, so a held connection ends.
  Echo.prototype.timeout = BODY_IDLE_TIMEOUT_S;
  const server = new HTTPServer(["127.0.0.1", 0], Echo, { parser, headTimeout: HEAD_TIMEOUT_S, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_S });
  await server.ready;
  server.handle_error = (_request: unknown, _address: unknown, error?: unknown) => {
    errors.push(String(error instanceof Error ? error.stack : error));
  };
  void server.serve_forever(0.05);
  send({ type: "ready", port: server.server_port });
}

process.on("message", (m: { type: string; id: number; gc?: boolean }) => {
  if (m.type !== "sync") return;
  if (m.gc) (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();
  send({ type: "sync", id: m.id, heapUsed: mem.heapUsed, rss: mem.rss, errors: errors.splice(0) });
});
process.on("disconnect", () => process.exit(0));
process.on("uncaughtException", (e) => {
  process.stderr.write(`fuzz server ${kind}: uncaught ${e.stack}\n`);
  process.exit(70);
});

if (kind === "node") await serveNode();
else await serveBasehttp(kind === "js" ? "js" : "wasm");
