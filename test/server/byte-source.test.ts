// join() of the read core (src/socketserver/byte-source.ts): the pieces of one read become one
// Buffer, a view when they lie one after the other in the same memory (a bulk transfer's reads in
// a slab, linear-socket.ts), a copy otherwise. available() of the socket reader and of a
// Content-Length body: a number while bytes are received, a promise only for a wait.

import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { BODY_LENGTH, RequestBody } from "../../src/http/body.js";
import { join, read } from "../../src/socketserver/byte-source.js";
import { ConnectionResetError, TimeoutError } from "../../src/socketserver/errors.js";
import { SocketReader } from "../../src/socketserver/socket-reader.js";

class Feed extends Duplex {
  override _read(): void {}
  override _write(_chunk: unknown, _enc: string, done: () => void): void {
    done();
  }
}

describe("join", () => {
  // Memory of its own, not the pool that Buffer.concat takes its result from.
  const slab = Buffer.from(new ArrayBuffer(10)).fill("abcdefghij");

  it("adjacent pieces of one buffer: a view over them, no copy", () => {
    const joined = join([slab.subarray(1, 3), slab.subarray(3, 4), slab.subarray(4, 8)], 7);
    expect(joined.toString()).toBe("bcdefgh");
    expect(joined.buffer).toBe(slab.buffer);
    expect(joined.byteOffset).toBe(slab.byteOffset + 1);
  });

  it("pieces with a gap, out of order, or in other buffers: a copy", () => {
    for (const parts of [
      [slab.subarray(0, 2), slab.subarray(3, 5)],
      [slab.subarray(2, 4), slab.subarray(0, 2)],
      [slab.subarray(0, 2), Buffer.from("cd")],
    ]) {
      const joined = join(parts, 4);
      expect(joined.toString()).toBe(Buffer.concat(parts).toString());
      expect(joined.buffer).not.toBe(slab.buffer);
    }
  });

  it("one piece: itself (a Buffer view of a Uint8Array)", () => {
    const piece = slab.subarray(2, 5);
    expect(join([piece], 3)).toBe(piece);
    const u = new Uint8Array(slab.buffer, slab.byteOffset, 4);
    const b = join([u], 4);
    expect(Buffer.isBuffer(b)).toBe(true);
    expect(b.buffer).toBe(slab.buffer);
  });

  it("read() over chunks that arrived one after the other in one buffer returns a view", async () => {
    const feed = new Feed();
    const reader = new SocketReader(feed);
    feed.push(slab.subarray(0, 4));
    feed.push(slab.subarray(4, 10));
    const got = await read(reader, 8);
    expect(got.toString()).toBe("abcdefgh");
    expect(got.buffer).toBe(slab.buffer);
    expect((await read(reader, 2)).toString()).toBe("ij");
  });
});

/** The Feed's pushes have been handed on as `data` (the stream emits them on a later tick). */
const arrived = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

describe("available(): a promise only while nothing has arrived", () => {
  it("SocketReader: a chunk already received is made current at once; a wait makes a promise; 0 at the end", async () => {
    const feed = new Feed();
    const reader = new SocketReader(feed);
    feed.push(Buffer.from("ab"));
    feed.push(Buffer.from("cde"));
    await arrived();
    expect(reader.available()).toBe(2);
    expect(reader.take(2).toString()).toBe("ab");
    // The second chunk is queued: current without waiting.
    expect(reader.available()).toBe(3);
    expect(reader.take(3).toString()).toBe("cde");
    const waiting = reader.available();
    expect(waiting).toBeInstanceOf(Promise);
    feed.push(Buffer.from("fg"));
    expect(await waiting).toBe(2);
    expect(reader.take(2).toString()).toBe("fg");
    const end = reader.available();
    feed.push(null);
    expect(await end).toBe(0);
    expect(reader.available()).toBe(0);
  });

  it("SocketReader: after the handler's timeout struck, available() throws it and read() rejects with it", async () => {
    const reader = new SocketReader(new Feed());
    reader.fail(new TimeoutError());
    expect(() => reader.available()).toThrow(TimeoutError);
    await expect(read(reader, 4)).rejects.toBeInstanceOf(TimeoutError);
  });

  it("a Content-Length body: bytes queued behind the current chunk are available at once; the peer's end inside it is a reset", async () => {
    const feed = new Feed();
    const reader = new SocketReader(feed);
    const body = new RequestBody(reader);
    body.reset(BODY_LENGTH, 8);
    feed.push(Buffer.from("abc"));
    feed.push(Buffer.from("defg"));
    await arrived();
    expect(body.available()).toBe(3);
    expect(body.take(3).toString()).toBe("abc");
    expect(body.available()).toBe(4);
    expect(body.take(4).toString()).toBe("defg");
    const waiting = body.available();
    expect(waiting).toBeInstanceOf(Promise);
    feed.push(null);
    await expect(waiting).rejects.toBeInstanceOf(ConnectionResetError);
    expect(() => body.available()).toThrow(ConnectionResetError);
    await expect(body.read()).rejects.toBeInstanceOf(ConnectionResetError);
  });

  it("a Content-Length body stops at its length: the next request's bytes stay with the reader", async () => {
    const feed = new Feed();
    const reader = new SocketReader(feed);
    const body = new RequestBody(reader);
    body.reset(BODY_LENGTH, 4);
    feed.push(Buffer.from("ab"));
    feed.push(Buffer.from("cdGET"));
    expect((await body.read(65536)).toString()).toBe("abcd");
    expect(body.available()).toBe(0);
    expect((await read(reader, 3)).toString()).toBe("GET");
  });
});
