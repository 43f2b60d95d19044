// bench/loadgen.c, the load client of bench/static.bench.ts: it counts an answer only when it is
// whole and right (status 200, the body length expected), keeps HTTP/1.1 connections open and
// opens a new connection after an answer that closes. Real sockets on 127.0.0.1, runs of 0.3 s;
// nothing about speed is asserted.

import net from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { compileLoadgen, runLoadgen } from "../../bench/loadgen.js";

let binary: string;
const servers: net.Server[] = [];

beforeAll(() => {
  binary = compileLoadgen();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server calling `answer` for each complete request head; returns its port and the connections it saw. */
async function serve(answer: (socket: net.Socket) => void): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let seen = "";
    socket.on("data", (chunk) => {
      seen += chunk.toString("latin1");
      while (seen.includes("\r\n\r\n")) {
        seen = seen.slice(seen.indexOf("\r\n\r\n") + 4);
        answer(socket);
      }
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

const BODY = Buffer.alloc(300_000, 7);

describe("bench/loadgen.c", () => {
  it("counts HTTP/1.0 answers read to their Content-Length, a new connection for each", async () => {
    const s = await serve((socket) => socket.end(Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n`), BODY])));
    const r = await runLoadgen(binary, s.port, "/f", 2, 0.3, BODY.length);
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.bytes).toBeGreaterThanOrEqual(r.requests * BODY.length);
    expect(s.connections()).toBeGreaterThanOrEqual(r.requests);
  });

  it("keeps HTTP/1.1 connections open between answers", async () => {
    const s = await serve((socket) => socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n`), BODY])));
    const r = await runLoadgen(binary, s.port, "/f", 2, 1, BODY.length);
    expect(r.errors).toBe(0);
    // More answers than connections: some connection carried two or more (on a loaded machine a
    // run may get only a few answers through, so no more is asked).
    expect(r.requests).toBeGreaterThan(2);
    expect(s.connections()).toBe(2);
  });

  it("reads an answer without Content-Length to the end of the connection", async () => {
    const s = await serve((socket) => socket.end(Buffer.concat([Buffer.from("HTTP/1.0 200 OK\r\n\r\n"), BODY])));
    const r = await runLoadgen(binary, s.port, "/f", 2, 0.3, BODY.length);
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(0);
  });

  it("counts a short body, a long body and another status as errors, never as answers", async () => {
    const short = await serve((socket) => socket.end(Buffer.from("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n12345")));
    const r1 = await runLoadgen(binary, short.port, "/f", 2, 0.3, 10);
    expect(r1.requests).toBe(0);
    expect(r1.errors).toBeGreaterThan(0);

    const wrong = await serve((socket) => socket.end(Buffer.from("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n12345")));
    const r2 = await runLoadgen(binary, wrong.port, "/f", 2, 0.3, 10);
    expect(r2.requests).toBe(0);
    expect(r2.errors).toBeGreaterThan(0);

    const missing = await serve((socket) => socket.end(Buffer.from("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")));
    const r3 = await runLoadgen(binary, missing.port, "/f", 2, 0.3, 0);
    expect(r3.requests).toBe(0);
    expect(r3.errors).toBeGreaterThan(0);
  });

  it("counts refused connections as errors", async () => {
    const s = await serve(() => {});
    const port = s.port;
    await new Promise((r) => servers.pop()!.close(r));
    const r = await runLoadgen(binary, port, "/f", 1, 0.2, 0);
    expect(r.requests).toBe(0);
    expect(r.errors).toBeGreaterThan(0);
  });
});
