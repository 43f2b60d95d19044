// A library server for the Deno and Bun smoke tests: HTTPServer from the built package entry
// (dist/index.js) with a handler answering GET and echoing POST bodies, HTTP/1.1 keep-alive.
// Prints "listening PORT" once bound; exits when it receives SIGTERM (the test sends it).
import { BaseHTTPRequestHandler, HTTPServer } from "../../dist/index.js";

class Echo extends BaseHTTPRequestHandler {
  protocol_version = "HTTP/1.1";
  do_GET() {
    const body = `GET ${this.path} via ${this.headers.get("Host", "?")}\n`;
    this.send_response(200);
    this.send_header("Content-Length", String(body.length));
    this.end_headers();
    this.wfile.write(body);
  }
  async do_POST() {
    const data = await this.rfile.read();
    this.send_response(200);
    this.send_header("Content-Length", String(data.length));
    this.end_headers();
    this.wfile.write(data);
  }
  log_message() {}
}

const httpd = new HTTPServer(["127.0.0.1", 0], Echo, { parser: globalThis.process?.argv?.[2] === "js" ? "js" : "wasm" });
await httpd.ready;
console.log(`listening ${httpd.server_address[1]}`);
process.on("SIGTERM", () => {
  void httpd.shutdown().then(() => {
    httpd.server_close();
    process.exit(0);
  });
});
await httpd.serve_forever();
