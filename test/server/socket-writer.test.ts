// SocketWriter (src/socketserver/socket-writer.ts): writes of many connections interleaved,
// through the staging memory they share, must reach each socket whole and in order, and bytes
// already handed to a socket must never change afterwards (the socket may still be sending them).

import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { BrokenPipeError } from "../../src/socketserver/errors.js";
import { SocketWriter } from "../../src/socketserver/socket-writer.js";
import { FakeSocket } from "./helpers.js";

/** A deterministic generator (xorshift32), so a failure replays. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Peer {
  socket: FakeSocket;
  writer: SocketWriter;
  /** Every byte written, as the peer must receive it. */
  expected: Buffer[];
  /** Copies of what the socket was handed, taken when handed. */
  snapshots: Buffer[];
}

function peer(): Peer {
  const socket = new FakeSocket("", false);
  const p: Peer = { socket, writer: new SocketWriter(socket), expected: [], snapshots: [] };
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
  (socket as unknown as { write: (chunk: Buffer) => boolean }).write = (chunk: Buffer) => {
    p.snapshots.push(Buffer.from(chunk));
    return write(chunk);
  };
  return p;
}

describe("SocketWriter", () => {
  it("keeps interleaved writes of several connections whole, in order and unchanged once handed over", async () => {
    const next = rng(20261125);
    const peers = [peer(), peer(), peer()];
    let total = 0;
    // Well past the staging memory's size several times over, in writes of every kind.
    while (total < 1_200_000) {
      const p = peers[Math.floor(next() * peers.length)]!;
      const kind = next();
      const size = next() < 0.05 ? 16 * 1024 + Math.floor(next() * 20_000) : Math.floor(next() * 3000);
      let bytes: Buffer;
      if (kind < 0.4) {
        const written = Buffer.alloc(size);
        for (let i = 0; i < size; i++) written[i] = Math.floor(next() * 256);
        bytes = Buffer.from(written);
        p.writer.write(written);
        // A small write is copied: changing the caller's buffer afterwards changes nothing.
        if (size < 16 * 1024) written.fill(0x55);
      } else if (kind < 0.7) {
        bytes = Buffer.alloc(size);
        for (let i = 0; i < size; i++) bytes[i] = Math.floor(next() * 256);
        p.writer.writeLatin1(bytes.toString("latin1"));
      } else {
        let text = "";
        for (let i = 0; i < size / 4; i++) text += String.fromCodePoint(Math.floor(next() * 0x2fff) + 1);
        p.writer.write(text);
        bytes = Buffer.from(text, "utf8");
      }
      p.expected.push(bytes);
      total += bytes.length;
      if (next() < 0.1) p.writer.flush();
    }
    await new Promise((r) => setImmediate(r));
    for (const p of peers) {
      const want = Buffer.concat(p.expected);
      expect(Buffer.concat(p.snapshots).equals(want)).toBe(true);
      // What the socket holds now is still what it was handed.
      expect(p.socket.output.equals(want)).toBe(true);
      expect(p.writer.written).toBe(want.length);
    }
  });

  it.each(["bytes", "latin1", "utf8"] as const)("stays whole over many turns of the staging memory, writing %s", async (kind) => {
    const p = peer();
    for (let i = 0; i < 1500; i++) {
      // 997 bytes, a prime: the end of the staging memory falls inside a write.
      const bytes = Buffer.alloc(997, 0x41 + (i % 26));
      bytes.writeUInt32BE(i, 0);
      if (kind === "bytes") p.writer.write(bytes);
      else if (kind === "latin1") p.writer.writeLatin1(bytes.toString("latin1"));
      else {
        bytes.fill(0x61 + (i % 26), 0, 4);
        p.writer.write(bytes.toString("utf8"));
      }
      p.expected.push(bytes);
    }
    p.writer.flush();
    await new Promise((r) => setImmediate(r));
    const want = Buffer.concat(p.expected);
    expect(Buffer.concat(p.snapshots).equals(want)).toBe(true);
    expect(p.socket.output.equals(want)).toBe(true);
  });

  it("sends a head and a small body written together in one socket write", () => {
    const p = peer();
    p.writer.writeLatin1("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    p.writer.write(Buffer.from("hello"));
    expect(p.snapshots).toEqual([]);
    p.writer.flush();
    expect(p.snapshots.map((b) => b.toString("latin1"))).toEqual(["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"]);
  });

  it("sends a head and a large body in one writev, the body not copied", () => {
    const batches: Buffer[][] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        batches.push([chunk]);
        cb();
      },
      writev(chunks: { chunk: Buffer }[], cb) {
        batches.push(chunks.map((c) => c.chunk));
        cb();
      },
    });
    const writer = new SocketWriter(socket);
    const body = Buffer.alloc(64 * 1024, 0x61);
    const head = "HTTP/1.0 200 OK\r\nContent-Length: 65536\r\n\r\n";
    writer.writeLatin1(head);
    writer.write(body);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((b) => b.length)).toEqual([head.length, 65536]);
    expect(batches[0]![1]).toBe(body);
    // Without a head pending, a large write goes alone.
    writer.write(body);
    expect(batches).toHaveLength(2);
  });

  it("flushes by itself at the end of the event-loop turn", async () => {
    const p = peer();
    p.writer.write("x");
    const q = peer();
    q.writer.writeLatin1("y");
    await new Promise((r) => setImmediate(r));
    expect(p.socket.output.toString()).toBe("x");
    expect(q.socket.output.toString()).toBe("y");
  });

  it("throws BrokenPipeError once the peer is gone, and drops what was pending", () => {
    const p = peer();
    p.writer.writeLatin1("pending");
    p.socket.destroy();
    p.socket.emit("close");
    expect(() => p.writer.writeLatin1("more")).toThrow(BrokenPipeError);
    expect(() => p.writer.write("more")).toThrow(BrokenPipeError);
    const q = peer();
    q.writer.writeLatin1("after");
    q.writer.flush();
    expect(q.socket.output.toString()).toBe("after");
  });
});
