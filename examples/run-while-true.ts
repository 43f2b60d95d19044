// The second example of Python's BaseHTTPServer documentation: a server that runs until a
// condition fails, one request at a time with handle_request(). Here keep_running() allows
// three requests (or the count given as the first argument) on port 8000 (or the port given as
// the second). `npx tsx examples/run-while-true.ts [COUNT [PORT]]`.

import { BaseHTTPRequestHandler, HTTPServer, type Address } from "basehttp";

let remaining = Number(process.argv[2] ?? 3);

/** Tested initially and after each request: the server goes on while it returns true. */
function keep_running(): boolean {
  return remaining-- > 0;
}

async function run_while_true(server_class = HTTPServer, handler_class = BaseHTTPRequestHandler): Promise<void> {
  const server_address: Address = ["", Number(process.argv[3] ?? 8000)];
  const httpd = new server_class(server_address, handler_class);
  await httpd.ready;
  while (keep_running()) {
    await httpd.handle_request();
  }
  httpd.server_close();
}

await run_while_true();
