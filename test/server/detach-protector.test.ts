// A server on the WASM parser keeps V8's ArrayBufferDetaching protector: its tokenizer's linear
// memory starts big enough for the socket read region (asconfig.json initialMemory), so serving
// ordinary requests never calls memory.grow, which detaches the old buffer and, once anything in
// the process has been detached, makes every typed-array access in optimised code (node's Buffer
// code in streams and net included) check for detachment, for the rest of the process. The
// built package in a plain Node process with --trace-protector-invalidation (no tsx: its
// es-module-lexer grows a WASM memory of its own); a control run shows the flag does print here.

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WasmTokenizer } from "../../src/tokenizer/wasm.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const INVALIDATED = /Invalidating protector cell ArrayBufferDetaching/g;

/** Serve keep-alive, pipelined, one-per-connection and body-carrying requests with `parser`;
 * with `control`, grow a WebAssembly.Memory afterwards. Resolves to the child's stdout+stderr. */
function serveTraced(parser: "wasm" | "js", control: boolean): Promise<string> {
  const code = `
    import net from "node:net";
    import { HTTPServer, BaseHTTPRequestHandler } from "basehttp";
    class H extends BaseHTTPRequestHandler {
      protocol_version = "HTTP/1.1";
      async answer() {
        const body = this.command === "POST" ? await this.rfile.read() : Buffer.from("ok");
        this.send_response(200);
        this.send_header("Content-Length", String(body.length));
        this.end_headers();
        this.wfile.write(body);
      }
      do_GET() { return this.answer(); }
      do_POST() { return this.answer(); }
      log_message() {}
    }
    const server = new HTTPServer(["127.0.0.1", 0], H, { parser: ${JSON.stringify(parser)} });
    await server.ready;
    void server.serve_forever(0.05);
    const port = server.server_address[1];
    /** Write each of \`writes\` on one connection; resolve when \`answers\` answers have come. */
    const exchange = (writes, answers) => new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      let text = "";
      socket.setEncoding("latin1");
      socket.on("data", (c) => {
        text += c;
        if ((text.match(/HTTP\\/1\\.1 200 /g) ?? []).length === answers) { socket.end(); resolve(text); }
      });
      socket.on("error", reject);
      for (const w of writes) socket.write(w);
    });
    const get = "GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n";
    const body = "b".repeat(200000);
    const chunked = "POST / HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n" +
      "10000\\r\\n" + "c".repeat(65536) + "\\r\\n" + "5\\r\\nhello\\r\\n0\\r\\n\\r\\n";
    await exchange([get, get, get], 3);
    await exchange([get + get + get], 3);
    for (let i = 0; i < 3; i++) await exchange([get], 1);
    const posted = await exchange(["POST / HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 200000\\r\\n\\r\\n", body, get], 2);
    if (!posted.includes(body)) throw new Error("body not echoed");
    const decoded = await exchange([chunked], 1);
    if (!decoded.includes("Content-Length: 65541")) throw new Error("chunked body not decoded");
    await server.shutdown();
    server.server_close();
    ${control ? "new WebAssembly.Memory({ initial: 1 }).grow(1);" : ""}
    process.stderr.write("SERVED\\n");
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--trace-protector-invalidation", "--input-type=module", "-e", code],
      { cwd: root, encoding: "utf8", timeout: 15000 },
      (error, stdout, stderr) => (error ? reject(error) : resolve(stdout + stderr)),
    );
  });
}

describe("V8's ArrayBufferDetaching protector in a serving process", () => {
  it("is kept by a server on the WASM parser (no memory.grow for the read region)", async () => {
    const out = await serveTraced("wasm", false);
    expect(out).toContain("SERVED");
    expect(out.match(INVALIDATED)).toBeNull();
  });

  it("is kept by a server on the js parser", async () => {
    const out = await serveTraced("js", false);
    expect(out).toContain("SERVED");
    expect(out.match(INVALIDATED)).toBeNull();
  });

  it("control: the flag prints the invalidation when a WebAssembly.Memory grows in that process", async () => {
    const out = await serveTraced("wasm", true);
    expect(out).toContain("SERVED");
    expect(out.match(INVALIDATED)).toHaveLength(1);
  });
});

describe("a new WasmTokenizer's memory", () => {
  it("holds the socket read region without growing (the buffer is not replaced)", () => {
    const tok = new WasmTokenizer();
    const before = tok.memoryTable.buffer;
    const region = tok.readRegion.view();
    expect(region.length).toBe(65536);
    expect(tok.memoryTable.buffer).toBe(before);
    expect(region.buffer).toBe(before);
  });

  it("is two 64 KiB pages: not more for a tokenizer used alone", () => {
    expect(new WasmTokenizer().memoryTable.buffer.byteLength).toBe(2 * 65536);
  });
});
