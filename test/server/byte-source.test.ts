// join() of the read core (src/socketserver/byte-source.ts): the pieces of one read become one
// Buffer, a view when they lie one after the other in the same memory (a bulk transfer's reads in
// a slab, linear-socket.ts), a copy otherwise.

import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { join, read } from "../../src/socketserver/byte-source.js";
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
