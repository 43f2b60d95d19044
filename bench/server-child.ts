// One server under load for bench/server.bench.ts, in its own process so it has a core and a
// heap to itself: node:http or basehttp (parser wasm or js) with the same hello-world handler.
// Usage: tsx bench/server-child.ts node; prints "PORT <n>" when
// listening and runs until SIGTERM.

import http from "node:http";

const BODY = Buffer.from("Hello, world!");
const kind = process.argv[2] ?? "node";

function ready(port: number): void {
  process.stdout.write(`PORT ${port}\n`);
}

async function serveNode(): Promise<void> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": BODY.length });
    res.end(BODY);
  });
  server.listen(0, "127.0.0.1", () => ready((server.address() as { port: number }).port));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

if (kind === "node") await serveNode();
else throw new Error(`unknown server kind ${kind}`);
