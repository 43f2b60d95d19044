// The first example of Python's BaseHTTPServer documentation: build a server on port 8000
// and serve forever. `npx tsx examples/run.ts` (a port as the first argument overrides 8000).
// BaseHTTPRequestHandler implements no method, so every request gets a 501.

import { BaseHTTPRequestHandler, HTTPServer, type Address } from "basehttp";

async function run(server_class = HTTPServer, handler_class = BaseHTTPRequestHandler): Promise<void> {
  const server_address: Address = ["", Number(process.argv[2] ?? 8000)];
  const httpd = new server_class(server_address, handler_class);
  await httpd.ready;
  await httpd.serve_forever();
}

await run();
