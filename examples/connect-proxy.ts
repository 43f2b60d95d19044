// A small CONNECT proxy (RFC 9110 §9.3.6) written as the Python manual writes handlers: do_CONNECT
// opens a TCP connection to the request target (`host:port`), answers 200, then relays bytes
// both ways. After a CONNECT head `rfile` and `wfile` are the raw client connection, so the relay
// is rfile → upstream and upstream → wfile; the connection closes when do_CONNECT returns.
//
//   npx tsx examples/connect-proxy.ts 8080
//   curl -p -x http://127.0.0.1:8080 http://example.org/
//
// No access control: anyone who reaches the port can open connections anywhere. Listen on
// loopback only, or check `this.client_address` and the target in do_CONNECT.

import { once } from "node:events";
import net from "node:net";
import { pathToFileURL } from "node:url";
import { BaseHTTPRequestHandler, ThreadingHTTPServer, type Address } from "basehttp";

/** `host:port` or `[v6 address]:port`. */
const TARGET = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\[\]]+)):(\d{1,5})$/;

export class ConnectProxyHandler extends BaseHTTPRequestHandler {
  override protocol_version = "HTTP/1.1";

  override async do_CONNECT(): Promise<void> {
    const m = TARGET.exec(this.path);
    const port = m ? Number(m[3]) : 0;
    if (!m || port < 1 || port > 65535) return this.send_error(400, "CONNECT target is host:port");
    const upstream = net.connect(port, m[1] ?? m[2]);
    try {
      await once(upstream, "connect");
    } catch (error) {
      return this.send_error(502, `Cannot reach ${this.path}: ${(error as Error).message}`);
    }
    upstream.on("error", () => undefined);
    this.send_response(200, "Connection Established");
    this.end_headers();
    // Upstream to client, while the client's bytes go upstream below. Each side's end is passed
    // on: when the server ends, so does our side towards the client (Python's SHUT_WR).
    const down = (async () => {
      try {
        for await (const chunk of upstream) await this.wfile.write(chunk as Buffer);
      } catch {
        // Upstream reset: the tunnel ends.
      }
      await this.wfile.flush();
      this.connection.end();
    })();
    for (;;) {
      const chunk = await this.rfile.read1(65536);
      if (chunk.length === 0) break;
      if (!upstream.write(chunk)) await once(upstream, "drain");
    }
    // The client ended its side: so does our side towards the server.
    upstream.end();
    await down;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const address: Address = ["127.0.0.1", Number(process.argv[2] ?? 8080)];
  const httpd = new ThreadingHTTPServer(address, ConnectProxyHandler);
  await httpd.ready;
  console.log(`CONNECT proxy on ${httpd.server_name}:${httpd.server_port}`);
  await httpd.serve_forever();
}
