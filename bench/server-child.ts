// One server under load for bench/server.bench.ts, in its own process so it has a core and a
// heap to itself: node:http or basehttp (parser wasm or js) with the same hello-world handler.
// Usage: tsx bench/server-child.ts node|basehttp-wasm|basehttp-js; prints "PORT <n> PARSER
// <backend>" when listening and runs until SIGTERM.

import http from "node:http";

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

async function serveBasehttp(parser: "wasm" | "js"): Promise<void> {
  const { HTTPServer } = await import("../src/http/server.js");
  const { BaseHTTPRequestHandler } = await import("../src/http/handler.js");
  class Hello extends BaseHTTPRequestHandler {
    override protocol_version = "HTTP/1.1";
    do_GET(): void {
      this.send_response(200);
      this.send_header("Content-Type", "text/plain");
      this.send_header("Content-Length", String(BODY.length));
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
else if (kind === "basehttp-wasm") await serveBasehttp("wasm");
else if (kind === "basehttp-js") await serveBasehttp("js");
else throw new Error(`unknown server kind ${kind}`);
