// examples/connect-proxy.ts: node:http's client opens a tunnel through the example proxy
// (CONNECT, then raw bytes) to a second basehttp server and gets that server's answer.
// Imports "basehttp" as the example does (the built package: npm test builds first).

import http from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseHTTPRequestHandler, HTTPServer } from "basehttp";
import { ConnectProxyHandler } from "../../examples/connect-proxy.js";

class Origin extends BaseHTTPRequestHandler {
  override protocol_version = "HTTP/1.1";
  override do_GET(): void {
    const body = `origin saw ${this.path}`;
    this.send_response(200);
    this.send_header("Content-Length", body.length);
    this.end_headers();
    this.wfile.write(body);
  }
  override log_message(): void {}
}

class QuietProxy extends ConnectProxyHandler {
  override log_message(): void {}
}

async function start(Handler: typeof BaseHTTPRequestHandler): Promise<[HTTPServer, Promise<void>]> {
  const server = new HTTPServer(["127.0.0.1", 0], Handler);
  await server.ready;
  return [server, server.serve_forever(0.05)];
}

/** CONNECT through the proxy with node:http's client; the tunnel socket and the answer's head. */
function connect(proxyPort: number, target: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: proxyPort, method: "CONNECT", path: target });
    req.on("connect", (res, socket) => resolve({ status: res.statusCode!, socket }));
    req.on("response", (res) => resolve({ status: res.statusCode!, socket: res.socket }));
    req.on("error", reject);
    req.end();
  });
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString("latin1")));
    socket.on("end", () => resolve(got));
    socket.on("error", reject);
  });
}

describe("examples/connect-proxy.ts", () => {
  const servers: [HTTPServer, Promise<void>][] = [];
  let proxyPort = 0;
  let originPort = 0;
  beforeAll(async () => {
    servers.push(await start(QuietProxy), await start(Origin));
    proxyPort = servers[0]![0].server_port;
    originPort = servers[1]![0].server_port;
  });
  afterAll(async () => {
    for (const [server, loop] of servers) {
      await server.shutdown();
      server.server_close();
      await loop;
    }
  });

  it("tunnels a request to a second server and relays its answer", async () => {
    const { status, socket } = await connect(proxyPort, `127.0.0.1:${originPort}`);
    expect(status).toBe(200);
    const answer = readAll(socket);
    socket.write("GET /through/the/tunnel HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n");
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith("\r\n\r\norigin saw /through/the/tunnel")).toBe(true);
  });

  it("carries several requests over one tunnel, then closes when the client ends", async () => {
    const { socket } = await connect(proxyPort, `127.0.0.1:${originPort}`);
    const answer = readAll(socket);
    socket.write("GET /1 HTTP/1.1\r\nHost: o\r\n\r\nGET /2 HTTP/1.1\r\nHost: o\r\n\r\n");
    await new Promise((r) => setTimeout(r, 50));
    socket.end();
    const text = await answer;
    expect(text.match(/origin saw \/\d/g)).toEqual(["origin saw /1", "origin saw /2"]);
  });

  it("answers 502 when the target cannot be reached, and 400 for a target that is not host:port", async () => {
    const closed = new HTTPServer(["127.0.0.1", 0], Origin);
    await closed.ready;
    const port = closed.server_port;
    closed.server_close();
    expect((await connect(proxyPort, `127.0.0.1:${port}`)).status).toBe(502);
    expect((await connect(proxyPort, "no-port-here")).status).toBe(400);
  });
});
