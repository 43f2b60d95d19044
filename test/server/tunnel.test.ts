// Tunnels (README "Tunnels"): after a CONNECT head, or after a handler sent 101 Switching
// Protocols, rfile and wfile are the raw connection: bytes as they come until the peer ends its
// side, never parsed as HTTP, and the connection closes when the handler returns. A CONNECT
// that declares content is 400 and close (RFC 9110 §9.3.6). Against both backends.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARSERS, QuietHandler, RawClient, exchange, serve, splitResponses, type Running } from "./helpers.js";

/** Every do_ method called, in order, across connections. */
const calls: string[] = [];

class TunnelHandler extends QuietHandler {
  override protocol_version = "HTTP/1.1";

  /** A tunnel that echoes what arrives, upper-cased, read with read1. */
  override async do_CONNECT(): Promise<void> {
    calls.push(`CONNECT ${this.path}`);
    this.send_response(200, "Connection Established");
    this.end_headers();
    for (;;) {
      const chunk = await this.rfile.read1(4096);
      if (chunk.length === 0) break;
      this.wfile.write(chunk.toString("latin1").toUpperCase());
    }
    this.wfile.write("<EOF>");
  }

  /** `Upgrade: lines` switches to a protocol that answers each line with its length. */
  override async do_GET(): Promise<void> {
    calls.push(`GET ${this.path}`);
    if (this.headers.get("Upgrade") !== "lines") {
      this.send_response(200);
      this.send_header("Content-Length", 2);
      this.end_headers();
      this.wfile.write("ok");
      return;
    }
    this.send_response(101);
    this.send_header("Upgrade", "lines");
    this.send_header("Connection", "Upgrade");
    this.end_headers();
    for await (const line of this.rfile) this.wfile.write(`${line.length}\n`);
    this.wfile.write("<EOF>");
  }

  /** Reads the whole tunnel with read(): it ends only when the peer ends. */
  override async do_POST(): Promise<void> {
    calls.push(`POST ${this.path}`);
    this.send_response(101);
    this.end_headers();
    const all = await this.rfile.read();
    this.wfile.write(`read ${all.length}: ${all.toString("latin1")}`);
  }
}

/** What the server sends after the answer's head, once the client ended its side. */
async function tunnel(port: number, head: string, ...pieces: string[]): Promise<{ answer: string; after: string }> {
  const client = await RawClient.connect(port);
  client.send(head);
  await client.until((b) => b.includes("\r\n\r\n"), "the answer's head");
  for (const piece of pieces) {
    client.send(piece);
    await new Promise((r) => setTimeout(r, 5));
  }
  client.socket.end();
  const raw = (await client.all()).toString("latin1");
  const split = raw.indexOf("\r\n\r\n") + 4;
  return { answer: raw.slice(0, split), after: raw.slice(split) };
}

for (const parser of PARSERS) {
  describe(`tunnels (${parser})`, () => {
    let srv: Running;
    beforeAll(async () => {
      srv = await serve(TunnelHandler, { parser });
    });
    afterAll(() => srv.stop());

    it("answers the smuggling example of issue 7 once: CONNECT with Content-Length is 400 and close", async () => {
      calls.length = 0;
      const raw = await exchange(
        srv.port,
        "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nContent-Length: 10\r\n\r\nblarfcicleGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n",
      );
      const answers = splitResponses(raw);
      expect(answers.map((r) => r.statusLine)).toEqual(["HTTP/1.1 400 CONNECT with content"]);
      expect(answers[0]!.header("Connection")).toBe("close");
      expect(calls).toEqual([]);
    });

    it("refuses a CONNECT with Transfer-Encoding the same way", async () => {
      calls.length = 0;
      const raw = await exchange(
        srv.port,
        "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n",
      );
      expect(splitResponses(raw).map((r) => r.statusLine)).toEqual(["HTTP/1.1 400 CONNECT with content"]);
      expect(calls).toEqual([]);
    });

    it("hands the bytes after a CONNECT head to rfile raw, HTTP included, until the peer ends", async () => {
      calls.length = 0;
      const { answer, after } = await tunnel(
        srv.port,
        "CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n",
        "GET /not-parsed HTTP/1.1\r\n\r\n",
        "hello",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n/);
      expect(after).toBe("GET /NOT-PARSED HTTP/1.1\r\n\r\nHELLO<EOF>");
      expect(calls).toEqual(["CONNECT example.org:443"]);
    });

    it("treats bytes sent with the CONNECT head, in the same packet, as tunnel bytes", async () => {
      const client = await RawClient.connect(srv.port);
      client.send("CONNECT h:1 HTTP/1.1\r\n\r\nearly bytes");
      await client.until((b) => b.includes("EARLY BYTES"), "the early bytes echoed");
      client.socket.end();
      expect((await client.all()).toString("latin1")).toMatch(/\r\n\r\nEARLY BYTES<EOF>$/);
    });

    it("makes rfile the raw connection after a 101 answer: async iteration gives lines as they come", async () => {
      calls.length = 0;
      const { answer, after } = await tunnel(
        srv.port,
        "GET /upgrade HTTP/1.1\r\nUpgrade: lines\r\nConnection: Upgrade\r\n\r\n",
        "abc\n",
        "GET /never HTTP/1.1\r\n\r\n",
        "tail",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      expect(after).toBe("4\n21\n2\n4\n<EOF>");
      expect(calls).toEqual(["GET /upgrade"]);
    });

    it("lets rfile.read() after a 101 answer read until the peer ends its side", async () => {
      const { after } = await tunnel(srv.port, "POST /up HTTP/1.1\r\n\r\n", "one ", "two");
      expect(after).toBe("read 7: one two");
    });

    it("closes the connection when the tunnel's handler returns, whatever Connection said", async () => {
      calls.length = 0;
      const client = await RawClient.connect(srv.port);
      client.send("GET /upgrade HTTP/1.1\r\nUpgrade: lines\r\nConnection: keep-alive\r\n\r\n");
      await client.until((b) => b.includes("\r\n\r\n"), "the 101");
      client.socket.end("x\n");
      const raw = (await client.all()).toString("latin1");
      expect(raw.endsWith("2\n<EOF>")).toBe(true);
      expect(calls).toEqual(["GET /upgrade"]);
    });

    it("serves keep-alive requests as before when no tunnel is made", async () => {
      const raw = await exchange(srv.port, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n");
      expect(splitResponses(raw).map((r) => r.body.toString())).toEqual(["ok", "ok"]);
    });
  });
}

describe("CONNECT without do_CONNECT", () => {
  it("is answered 501 once, and what follows its head is never parsed", async () => {
    const srv = await serve(QuietHandler);
    try {
      const raw = await exchange(srv.port, "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\nGET / HTTP/1.1\r\n\r\n");
      expect(splitResponses(raw).map((r) => r.status)).toEqual([501]);
    } finally {
      await srv.stop();
    }
  });
});
