// The package entry as a user meets it: `import ... from "basehttp"` resolved through
// package.json "exports" to the built dist/, in a plain Node process (no TypeScript, no build step).

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function runNode(code: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, encoding: "utf8" });
}

describe("package entry", () => {
  it("exports the server classes to plain JavaScript (docs.test.ts checks every name against docs/API.md)", () => {
    const out = runNode(`
      import * as m from "basehttp";
      console.log(JSON.stringify(Object.keys(m).sort()));
    `);
    const names: string[] = JSON.parse(out);
    for (const name of ["HTTPServer", "ThreadingHTTPServer", "BaseHTTPRequestHandler",
      "SimpleHTTPRequestHandler", "CGIHTTPRequestHandler", "HTTPStatus", "HTTPSServer"]) {
      expect(names).toContain(name);
    }
  });

  it("loads from CommonJS: require() of the three entries on a Node with require(esm), else ERR_REQUIRE_ESM (README, docs/API.md)", () => {
    const out = execFileSync(process.execPath, ["--input-type=commonjs", "-e", `
      const result = {};
      for (const entry of ["basehttp", "basehttp/tokenizer", "basehttp/tokenizer/js"]) {
        try {
          const m = require(entry);
          result[entry] = typeof (m.HTTPServer ?? m.parseRequestHead);
        } catch (error) {
          result[entry] = error.code;
        }
      }
      let head = null;
      if (result["basehttp/tokenizer"] === "function") {
        const r = require("basehttp/tokenizer").parseRequestHead(new TextEncoder().encode("GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n"));
        head = [r.kind, r.method, r.headers];
      }
      console.log(JSON.stringify({ result, head }));
    `], { cwd: root, encoding: "utf8" });
    const { result, head } = JSON.parse(out) as { result: Record<string, string>; head: unknown };
    const expected = process.features.require_module ? "function" : "ERR_REQUIRE_ESM";
    expect(result).toEqual({ basehttp: expected, "basehttp/tokenizer": expected, "basehttp/tokenizer/js": expected });
    expect(head).toEqual(process.features.require_module ? ["head", "GET", [["Host", "a"]]] : null);
  });

  it("instantiates the WebAssembly tokenizer at import and serves a request with no step from the user", () => {
    const out = runNode(`
      import net from "node:net";
      import { HTTPServer, BaseHTTPRequestHandler, HTTPStatus } from "basehttp";
      class H extends BaseHTTPRequestHandler {
        do_GET() {
          this.send_response(HTTPStatus.OK);
          this.send_header("Content-Length", "2");
          this.end_headers();
          this.wfile.write("ok");
        }
        log_message() {}
      }
      const httpd = new HTTPServer(["127.0.0.1", 0], H);
      await httpd.ready;
      void httpd.serve_forever();
      const [host, port] = httpd.server_address;
      const reply = await new Promise((resolve, reject) => {
        const chunks = [];
        const s = net.connect(port, host, () => s.end("GET / HTTP/1.0\\r\\n\\r\\n"));
        s.on("data", (c) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks).toString("latin1"))).on("error", reject);
      });
      await httpd.shutdown();
      httpd.server_close();
      console.log(JSON.stringify(reply));
    `);
    const reply: string = JSON.parse(out);
    expect(reply.startsWith("HTTP/1.0 200 OK\r\n")).toBe(true);
    expect(reply).toContain("\r\nServer: BaseHTTP/0.6 Node.js/");
    expect(reply.endsWith("\r\n\r\nok")).toBe(true);
  });
});
