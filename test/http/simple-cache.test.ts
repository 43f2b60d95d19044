// The fast file path of SimpleHTTPRequestHandler: small files answered from the server's
// in-memory cache (src/http/simple/file-cache.ts), validated against the disk on every hit, and
// large files streamed in large reads with at most two buffers (FileSource.sendTo).

import { mkdtemp, open, rename, rm, unlink, utimes, writeFile } from "node:fs/promises";
import { statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTPServer, type HTTPServerOptions } from "../../src/http/server.js";
import { SimpleHTTPRequestHandler } from "../../src/http/simple-handler.js";
import { CHECKED, FileCache, MAX_ROUTES, type CachedFile } from "../../src/http/simple/file-cache.js";
import { FileSource, STREAM_CHUNK_SIZE } from "../../src/http/simple/files.js";
import { serve } from "../server/helpers.js";
import { exchangeRaw, parseResponses, request } from "./simple-client.js";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "basehttp-cache-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function withServer(
  fileCacheSize: number | undefined,
  body: (port: number, server: HTTPServer) => Promise<void>,
): Promise<void> {
  class Handler extends SimpleHTTPRequestHandler {
    override directory = root;
    override log_message(): void {}
  }
  await serving(Handler, { fileCacheSize }, body);
}

/** `Handler` served by a `Server` (js parser) on 127.0.0.1 while `body` runs. */
async function serving(
  Handler: typeof SimpleHTTPRequestHandler,
  options: HTTPServerOptions,
  body: (port: number, server: HTTPServer) => Promise<void>,
  Server = HTTPServer,
): Promise<void> {
  const running = await serve(Handler, { parser: "js", ...options }, Server);
  try {
    await body(running.port, running.server);
  } finally {
    await running.stop();
  }
}

describe("the small-file cache", () => {
  it("serves a file from memory and fresh again once it changes on disk, even with the same size and mtime", async () => {
    await writeFile(join(root, "a.txt"), "version 1\n");
    await withServer(undefined, async (port, server) => {
      expect((await request(port, "/a.txt")).body.toString()).toBe("version 1\n");
      expect(server.fileCache!.size).toBe(1);
      const second = await request(port, "/a.txt");
      expect(second.body.toString()).toBe("version 1\n");
      expect(second.header("Content-Length")).toBe("10");
      // Same size, mtime put back: the ctime still moves, so the entry is stale.
      const before = statSync(join(root, "a.txt"));
      await writeFile(join(root, "a.txt"), "version 2\n");
      await utimes(join(root, "a.txt"), before.atime, before.mtime);
      expect((await request(port, "/a.txt")).body.toString()).toBe("version 2\n");
      // Replaced by rename (another inode).
      await writeFile(join(root, "a.tmp"), "version 3, longer\n");
      await rename(join(root, "a.tmp"), join(root, "a.txt"));
      const third = await request(port, "/a.txt");
      expect(third.body.toString()).toBe("version 3, longer\n");
      expect(third.header("Content-Length")).toBe("18");
      await unlink(join(root, "a.txt"));
      expect((await request(port, "/a.txt")).status).toBe(404);
      expect(server.fileCache!.size).toBe(0);
    });
  });

  it("answers Range, If-None-Match, If-Modified-Since and HEAD from a cached file as from disk", async () => {
    await writeFile(join(root, "abc.txt"), "abcdefghijklmnopqrstuvwxyz");
    await withServer(undefined, async (port) => {
      const first = await request(port, "/abc.txt");
      const etag = first.header("ETag")!;
      const range = await request(port, "/abc.txt", { headers: { Range: "bytes=2-4" } });
      expect([range.status, range.body.toString(), range.header("Content-Range")]).toEqual([206, "cde", "bytes 2-4/26"]);
      expect((await request(port, "/abc.txt", { headers: { Range: "bytes=30-" } })).status).toBe(416);
      expect((await request(port, "/abc.txt", { headers: { "If-None-Match": etag } })).status).toBe(304);
      const ims = first.header("Last-Modified")!;
      expect((await request(port, "/abc.txt", { headers: { "If-Modified-Since": ims } })).status).toBe(304);
      const head = await request(port, "/abc.txt", { method: "HEAD" });
      expect([head.status, head.header("Content-Length"), head.body.length]).toEqual([200, "26", 0]);
      expect(head.headerList.map(([k]) => k)).toEqual(first.headerList.map(([k]) => k));
    });
  });

  it("serves a directory's index.html from the cache only for a URL ending in /", async () => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(root, "site"));
    await writeFile(join(root, "site", "index.html"), "<p>home</p>");
    await withServer(undefined, async (port) => {
      expect((await request(port, "/site/")).body.toString()).toBe("<p>home</p>");
      expect((await request(port, "/site/")).body.toString()).toBe("<p>home</p>");
      const redirect = await request(port, "/site");
      expect([redirect.status, redirect.header("Location")]).toEqual([301, "/site/"]);
      await unlink(join(root, "site", "index.html"));
      await writeFile(join(root, "site", "index.htm"), "<p>htm</p>");
      expect((await request(port, "/site/")).body.toString()).toBe("<p>htm</p>");
    });
  });

  it("stays within its bound in bytes, least recently used out first; 0 turns it off", async () => {
    for (const n of [1, 2, 3]) await writeFile(join(root, `f${n}.bin`), Buffer.alloc(400, n));
    await withServer(1000, async (port, server) => {
      const cache = server.fileCache!;
      await request(port, "/f1.bin");
      await request(port, "/f2.bin");
      await request(port, "/f1.bin");
      await request(port, "/f3.bin");
      expect(cache.bytes).toBe(800);
      // f2 was the least recently used.
      expect(cache.get(root + "\0" + join(root, "f2.bin"), join(root, "f2.bin"))).toBeUndefined();
      expect(cache.get(root + "\0" + join(root, "f1.bin"), join(root, "f1.bin"))?.bytes).toEqual(Buffer.alloc(400, 1));
    });
    await writeFile(join(root, "big.bin"), Buffer.alloc(5000, 7));
    await withServer(1000, async (port, server) => {
      const r = await request(port, "/big.bin");
      expect([r.status, r.body.length]).toEqual([200, 5000]);
      expect(server.fileCache!.size).toBe(0);
    });
    await withServer(0, async (port, server) => {
      expect(server.fileCache).toBeNull();
      expect((await request(port, "/f1.bin")).body).toEqual(Buffer.alloc(400, 1));
    });
  });

  it("keeps exact Content-Lengths on one keep-alive connection mixing cached, streamed and listed answers", async () => {
    await writeFile(join(root, "k.txt"), "keep\n");
    await writeFile(join(root, "large.bin"), Buffer.alloc(3 * 1024 * 1024, 9));
    class Keep extends SimpleHTTPRequestHandler {
      override directory = root;
      override protocol_version = "HTTP/1.1";
      override log_message(): void {}
    }
    await serving(Keep, { fileCacheSize: 1024 * 1024 }, async (port) => {
      const req = (p: string, extra = "") => `GET ${p} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
      const raw = await exchangeRaw(port,
        req("/k.txt") + req("/large.bin") + req("/k.txt") + req("/") + req("/k.txt", "Connection: close\r\n"));
      const rs = parseResponses(raw);
      expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      for (const r of rs) expect(r.body.length).toBe(Number(r.header("Content-Length")));
      expect(rs[1]!.body.equals(Buffer.alloc(3 * 1024 * 1024, 9))).toBe(true);
      expect(rs[4]!.body.toString()).toBe("keep\n");
    });
  });

  it("keeps a cached file's ETag and Last-Modified, but asks an overridden date_time_string and a changed extensions_map on every hit", async () => {
    await writeFile(join(root, "memo.zzq"), "memo\n");
    let stamp = 0;
    class Own extends SimpleHTTPRequestHandler {
      override directory = root;
      override log_message(): void {}
      override date_time_string(timestamp?: number): string {
        return timestamp === undefined ? super.date_time_string() : `stamp ${++stamp}`;
      }
    }
    class Plain extends SimpleHTTPRequestHandler {
      override directory = root;
      override log_message(): void {}
    }
    Plain.prototype.extensions_map = { ...SimpleHTTPRequestHandler.prototype.extensions_map };
    for (const [Handler, own] of [[Own, true], [Plain, false]] as const) {
      await serving(Handler, {}, async (port) => {
        const first = await request(port, "/memo.zzq");
        const second = await request(port, "/memo.zzq");
        expect(second.header("ETag")).toBe(first.header("ETag"));
        if (own) {
          expect([first.header("Last-Modified"), second.header("Last-Modified")]).toEqual(["stamp 1", "stamp 2"]);
        } else {
          expect(second.header("Last-Modified")).toBe(first.header("Last-Modified"));
          expect(second.header("Last-Modified")).toBe(new Date(Math.floor(statSync(join(root, "memo.zzq")).mtimeMs / 1000) * 1000).toUTCString());
          expect(second.header("Content-Type")).toBe("application/octet-stream");
          Plain.prototype.extensions_map[".zzq"] = "text/x-memo";
          expect((await request(port, "/memo.zzq")).header("Content-Type")).toBe("text/x-memo");
        }
      });
    }
  });
});

/** The end of the current event-loop turn. */
const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Make the server's cache wait for the end of the turn on its next hits (FileCache.batching). */
async function batching(server: HTTPServer): Promise<void> {
  server.fileCache!.hit();
  server.fileCache!.hit();
  await endOfTurn();
  expect(server.fileCache!.batching).toBe(true);
}

describe("the small-file cache, one stat() per file and event-loop turn", () => {
  for (const batched of [false, true]) {
    it(`answers requests arriving together, and every one after a change fresh (${batched ? "checks at the end of the turn" : "a stat each"})`, async () => {
      await writeFile(join(root, "t.txt"), "turn 1\n");
      await withServer(undefined, async (port, server) => {
        const cache = server.fileCache!;
        let checks = 0;
        const check = cache.check.bind(cache);
        cache.check = (...args) => void (checks++, check(...args));
        expect((await request(port, "/t.txt")).body.toString()).toBe("turn 1\n");
        if (batched) await batching(server);
        const together = await Promise.all(Array.from({ length: 20 }, () => request(port, "/t.txt")));
        expect(together.map((r) => r.body.toString())).toEqual(Array(20).fill("turn 1\n"));
        if (batched) await batching(server);
        await writeFile(join(root, "t.txt"), "turn 2, longer\n");
        const after = await Promise.all(Array.from({ length: 20 }, () => request(port, "/t.txt")));
        expect(after.map((r) => [r.status, r.body.toString(), r.header("Content-Length")]))
          .toEqual(Array(20).fill([200, "turn 2, longer\n", "15"]));
        expect(cache.size).toBe(1);
        if (batched) expect(checks).toBeGreaterThanOrEqual(2);
      });
    });

    it(`fails a cached answer whose handler throws as the slow path does: 500, handle_error told (${batched ? "checked at the end of the turn" : "stat at once"})`, async () => {
      await writeFile(join(root, "boom.txt"), "boom\n");
      let throwing = false;
      class Boom extends SimpleHTTPRequestHandler {
        override directory = root;
        override log_message(): void {}
        override guess_type(path: string): string {
          if (throwing) throw new Error("no type");
          return super.guess_type(path);
        }
      }
      const errors: unknown[] = [];
      class Quiet extends HTTPServer {
        override handle_error(_request: unknown, _address: unknown, error?: unknown): void {
          errors.push(error);
        }
      }
      await serving(Boom, {}, async (port, server) => {
        expect((await request(port, "/boom.txt")).status).toBe(200);
        expect(server.fileCache!.size).toBe(1);
        if (batched) await batching(server);
        throwing = true;
        expect((await request(port, "/boom.txt")).status).toBe(500);
        expect(errors.map((e) => (e as Error).message)).toEqual(["no type"]);
      }, Quiet);
    });
  }

  it("waits for the end of the turn once a turn had several hits: pipelined requests on one connection", async () => {
    await writeFile(join(root, "p.txt"), "piped\n");
    class Keep extends SimpleHTTPRequestHandler {
      override directory = root;
      override protocol_version = "HTTP/1.1";
      override log_message(): void {}
    }
    await serving(Keep, {}, async (port, server) => {
      expect((await request(port, "/p.txt")).status).toBe(200);
      expect(server.fileCache!.batching).toBe(false);
      const req = (extra = "") => `GET /p.txt HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
      const rs = parseResponses(await exchangeRaw(port, req() + req() + req("Connection: close\r\n")));
      expect(rs.map((r) => r.body.toString())).toEqual(["piped\n", "piped\n", "piped\n"]);
      // Three hits in one turn: the next ones wait for one stat at the end of their turn.
      expect(server.fileCache!.batching).toBe(true);
    });
  });
});

describe("FileCache", () => {
  it("refuses a negative or fractional bound, and files larger than its per-file limit", () => {
    expect(() => new FileCache(-1)).toThrow(RangeError);
    expect(() => new FileCache(1.5)).toThrow(RangeError);
    const cache = new FileCache(100, 10);
    expect(cache.accepts(10)).toBe(true);
    expect(cache.accepts(11)).toBe(false);
  });

  it("remembers routes per directory up to MAX_ROUTES, then starts over; clear() forgets them", () => {
    const cache = new FileCache(100);
    const route = (n: number) => ({ file: `/d/f${n}`, fsPath: `/d/f${n}`, key: `/d\0/d/f${n}` });
    for (let n = 0; n < MAX_ROUTES; n++) cache.remember("/d", `/f${n}`, route(n));
    cache.remember("/e", "/f0", route(0));
    expect(cache.route("/d", "/f0")).toEqual(route(0));
    expect(cache.route("/d", `/f${MAX_ROUTES - 1}`)).toEqual(route(MAX_ROUTES - 1));
    expect(cache.route("/d", "/other")).toBeUndefined();
    // Remembering a known URL again does not start over; a new one past the bound does.
    cache.remember("/d", "/f1", route(1));
    expect(cache.route("/d", "/f0")).toEqual(route(0));
    cache.remember("/d", "/new", route(9));
    expect(cache.route("/d", "/f0")).toBeUndefined();
    expect(cache.route("/d", "/new")).toEqual(route(9));
    expect(cache.route("/e", "/f0")).toEqual(route(0));
    cache.clear();
    expect(cache.route("/e", "/f0")).toBeUndefined();
  });

  it("evicts the least recently used entry: a hit on the oldest saves it", () => {
    const path = join(root, "lru.txt");
    writeFileSync(path, "x");
    const st = statSync(path);
    const cache = new FileCache(3);
    for (const k of ["a", "b", "c"]) cache.set(k, st, Buffer.from("x"));
    expect(cache.get("a", path)?.bytes.toString()).toBe("x"); // the oldest: moved to the end
    cache.set("d", st, Buffer.from("x")); // evicts b, the least recently used
    expect(cache.get("b", path)).toBeUndefined();
    expect(["a", "c", "d"].map((k) => cache.get(k, path) !== undefined)).toEqual([true, true, true]);
  });

  it("drops an entry whose file is gone", async () => {
    const path = join(root, "gone.txt");
    await writeFile(path, "x");
    const cache = new FileCache(100);
    cache.set("k", statSync(path), Buffer.from("x"));
    expect(cache.get("k", path)?.bytes.toString()).toBe("x");
    await unlink(path);
    expect(cache.get("k", path)).toBeUndefined();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });

  it("check(): one stat() at the end of the turn for every waiter, taken after the calls", async () => {
    const path = join(root, "check.txt");
    writeFileSync(path, "one");
    const cache = new FileCache(100);
    cache.set("k", statSync(path), Buffer.from("one"));
    const seen: (string | undefined)[] = [];
    const waiter = { [CHECKED]: (entry: CachedFile | undefined) => void seen.push(entry?.bytes.toString()) };
    cache.check("k", path, waiter);
    cache.check("k", path, waiter);
    cache.check("missing", path, waiter);
    expect(seen).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["one", "one", undefined]);
    // A change made after check() was called, in the same turn, is seen: the stat comes later.
    seen.length = 0;
    cache.check("k", path, waiter);
    writeFileSync(path, "two!");
    cache.check("k", path, waiter);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([undefined, undefined]);
    expect([cache.size, cache.peek("k")]).toEqual([0, undefined]);
  });

  it("batching: on after a turn with several hits, off after one with a single hit; turns without hits change nothing", async () => {
    const cache = new FileCache(100);
    expect(cache.batching).toBe(false);
    cache.hit();
    cache.hit();
    expect(cache.batching).toBe(false);
    await endOfTurn();
    expect(cache.batching).toBe(true);
    await endOfTurn();
    expect(cache.batching).toBe(true);
    cache.hit();
    await endOfTurn();
    expect(cache.batching).toBe(false);
  });

  it("check(): a file removed before the end of the turn drops its entry", async () => {
    const path = join(root, "check-gone.txt");
    writeFileSync(path, "x");
    const cache = new FileCache(100);
    cache.set("g", statSync(path), Buffer.from("x"));
    const seen: (CachedFile | undefined)[] = [];
    cache.check("g", path, { [CHECKED]: (entry: CachedFile | undefined) => void seen.push(entry) });
    unlinkSync(path);
    await endOfTurn();
    expect(seen).toEqual([undefined]);
    expect(cache.bytes).toBe(0);
  });
});

describe("FileSource.sendTo", () => {
  const SIZE = STREAM_CHUNK_SIZE * 4 + 123;
  let path: string;
  let data: Buffer;
  beforeAll(async () => {
    path = join(root, "stream.bin");
    data = Buffer.alloc(SIZE);
    for (let i = 0; i < SIZE; i++) data[i] = (i * 7 + (i >> 9)) & 0xff;
    await writeFile(path, data);
  });

  it("sends the bytes [start, end] in large reads through two buffers when the writer asks to wait", async () => {
    const handle = await open(path);
    const seen = new Set<ArrayBufferLike>();
    const out: Buffer[] = [];
    await new FileSource(handle, 100, SIZE - 1).sendTo({
      write(chunk) {
        seen.add(chunk.buffer);
        out.push(Buffer.from(chunk)); // a copy: the buffer is read into again
        return Promise.resolve();
      },
    });
    await handle.close();
    expect(Buffer.concat(out).equals(data.subarray(100))).toBe(true);
    expect(out[0]!.length).toBe(STREAM_CHUNK_SIZE);
    expect(seen.size).toBe(2);
  });

  it("takes a fresh buffer when a write returns no promise (the socket may still hold it)", async () => {
    const handle = await open(path);
    const out: Uint8Array[] = [];
    await new FileSource(handle, 0, SIZE - 1).sendTo({
      write(chunk) {
        out.push(chunk); // kept, not copied: must never be read into again
        return undefined;
      },
    });
    await handle.close();
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });

  it("marks a file that shrank as truncated, and lets a failed write end the copy", async () => {
    const small = join(root, "shrink.bin");
    await writeFile(small, Buffer.alloc(STREAM_CHUNK_SIZE * 2, 1));
    const handle = await open(small);
    const source = new FileSource(handle, 0, STREAM_CHUNK_SIZE * 3 - 1);
    await source.sendTo({ write: () => Promise.resolve() });
    expect(source.truncated).toBe(true);
    const failing = new FileSource(handle, 0, STREAM_CHUNK_SIZE * 2 - 1);
    await expect(failing.sendTo({ write: () => Promise.reject(new Error("peer gone")) })).rejects.toThrow("peer gone");
    await handle.close();
  });
});
