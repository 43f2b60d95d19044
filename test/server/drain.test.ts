// Bounded drain after an error answer (docs/API.md): a connection the server closes
// is drained so its answer is not lost to a reset, but for at most `drainLimit` bytes and
// `drainTimeout` seconds (HTTPServer options); then it is cut off. A peer that keeps sending
// garbage after a 400 costs the server little. Against both backends.

import net from "node:net";
import { describe, expect, it } from "vitest";
import { HTTPServer } from "../../src/http/server.js";
import { PARSERS, QuietHandler, serve, splitResponses } from "./helpers.js";

const BAD_HEAD = "GET / HTTP/1.1\r\nNoColonHere\r\n\r\n";

interface Outcome {
  received: Buffer;
  /** Bytes the client managed to write. */
  sent: number;
  /** The server ended its side before the connection went away. */
  ended: boolean;
}

/** Send a refused head, then `next()` every `every` ms until the connection is gone, and
 * collect what comes back. The client keeps writing: a connection the server destroyed after
 * ending its side shows only through a write that meets a reset. */
function session(port: number, next: () => Buffer, every: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    const out: Outcome = { received: Buffer.alloc(0), sent: 0, ended: false };
    let open = true;
    socket.on("data", (d: Buffer) => (out.received = Buffer.concat([out.received, d])));
    socket.on("end", () => (out.ended = true));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      open = false;
      resolve(out);
    });
    socket.on("connect", () => {
      socket.write(BAD_HEAD);
      const pump = (): void => {
        if (!open) return;
        const chunk = next();
        socket.write(chunk);
        out.sent += chunk.length;
        setTimeout(pump, every);
      };
      setTimeout(pump, every);
    });
  });
}

function the400(received: Buffer): void {
  const answers = splitResponses(received);
  expect(answers.map((a) => a.statusLine)).toEqual(["HTTP/1.0 400 Header field line without colon"]);
  expect(answers[0]!.body.length).toBe(Number(answers[0]!.header("Content-Length")));
}

for (const parser of PARSERS) {
  describe(`draining after an error answer (${parser})`, () => {
    it("cuts off a peer that keeps sending garbage once it has sent drainLimit bytes", async () => {
      // drainTimeout is far beyond the test's own time limit: only the byte budget can end this.
      const srv = await serve(QuietHandler, { parser, drainLimit: 16 * 1024, drainTimeout: 600 });
      try {
        const garbage = Buffer.alloc(4096, "x");
        const out = await session(srv.port, () => garbage, 0);
        the400(out.received);
        expect(out.sent).toBeGreaterThan(16 * 1024);
      } finally {
        await srv.stop();
      }
    });

    it("cuts off a peer that trickles bytes once drainTimeout has passed", async () => {
      // drainLimit is far beyond what the trickle sends: only the time budget can end this.
      const srv = await serve(QuietHandler, { parser, drainLimit: 1 << 30, drainTimeout: 0.2 });
      try {
        const out = await session(srv.port, () => Buffer.from("z"), 20);
        the400(out.received);
        expect(out.ended).toBe(true);
      } finally {
        await srv.stop();
      }
    });

    it("serves another connection byte for byte while one drains garbage (a dropped read lands in the memory heads are read into)", async () => {
      class Path extends QuietHandler {
        override protocol_version = "HTTP/1.1";
        override do_GET(): void {
          this.send_response(200);
          this.send_header("Content-Length", String(this.path.length));
          this.end_headers();
          this.wfile.write(this.path);
        }
      }
      const srv = await serve(Path as never, { parser, drainLimit: 512 * 1024, drainTimeout: 600 });
      try {
        const draining = session(srv.port, () => Buffer.alloc(4096, "x"), 1);
        const paths = Array.from({ length: 30 }, (_, i) => `/p${i}-${"q".repeat(i * 7)}`);
        const received = await new Promise<Buffer>((resolve, reject) => {
          const socket = net.connect({ port: srv.port, host: "127.0.0.1" });
          const got: Buffer[] = [];
          socket.on("data", (d: Buffer) => got.push(d));
          socket.on("error", reject);
          socket.on("close", () => resolve(Buffer.concat(got)));
          let i = 0;
          const next = (): void => {
            const last = i === paths.length - 1;
            socket.write(`GET ${paths[i]} HTTP/1.1\r\nHost: x\r\n${last ? "Connection: close\r\n" : ""}\r\n`);
            if (++i < paths.length) setTimeout(next, 2);
          };
          socket.on("connect", next);
        });
        expect(splitResponses(received).map((a) => a.body.toString("latin1"))).toEqual(paths);
        const out = await draining;
        expect(splitResponses(out.received).map((a) => a.statusLine)).toEqual(["HTTP/1.1 400 Header field line without colon"]);
        expect(out.sent).toBeGreaterThan(512 * 1024);
      } finally {
        await srv.stop();
      }
    });

    it("does not lose the answer when the peer sent more than the budget with the bad head", async () => {
      const srv = await serve(QuietHandler, { parser });
      try {
        let first = true;
        const big = Buffer.alloc(1024 * 1024, "y");
        const out = await session(srv.port, () => (first ? ((first = false), big) : Buffer.from("z")), 20);
        the400(out.received);
      } finally {
        await srv.stop();
      }
    });
  });
}

describe("drain options", () => {
  it("default to 64 KiB and 2 seconds, and refuse what is not a size or a duration", () => {
    const server = new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false });
    expect([server.drainLimit, server.drainTimeout]).toEqual([64 * 1024, 2]);
    const custom = new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false, drainLimit: 0, drainTimeout: 0.5 });
    expect([custom.drainLimit, custom.drainTimeout]).toEqual([0, 0.5]);
    for (const bad of [{ drainLimit: -1 }, { drainLimit: 1.5 }, { drainTimeout: -1 }, { drainTimeout: Number.NaN }]) {
      expect(() => new HTTPServer(["127.0.0.1", 0], QuietHandler, { bind_and_activate: false, ...bad })).toThrow(RangeError);
    }
  });
});
