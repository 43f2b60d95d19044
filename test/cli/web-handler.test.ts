// The command's handler with --spa, in process: the rewrite to the app's index.html happens
// before do_GET/do_HEAD, so a hit in the file cache takes the cache's fast path (do_GET counts a
// FileCache hit at once) as without --spa; what it answers is unchanged (files, the app for unknown routes,
// 404 for missing assets). With a send_head of its own (CGI), the rewrite stays inside it.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CGIHTTPRequestHandler } from "../../src/http/cgi-handler.js";
import { HTTPServer } from "../../src/http/server.js";
import { SimpleHTTPRequestHandler } from "../../src/http/simple-handler.js";
import { webHandler, type WebOptions } from "../../src/cli/web-handler.js";
import { request } from "../http/simple-client.js";

const SPA: WebOptions = { cors: false, cacheControl: null, spa: true, precompressed: false, quiet: true, color: false };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "basehttp-spa-"));
  await writeFile(join(dir, "index.html"), "<p>app</p>");
  await writeFile(join(dir, "app.js"), "go()");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Serve `Base` with --spa; `cached` records, per GET/HEAD, whether do_X took the cache's fast
 * path (counted a hit, FileCache.hit, before returning). */
async function withSpa(Base: typeof SimpleHTTPRequestHandler, body: (port: number, cached: boolean[]) => Promise<void>): Promise<void> {
  const cached: boolean[] = [];
  let checks = 0;
  class Probe extends webHandler(Base, SPA, "GET, HEAD, OPTIONS") {
    override directory = dir;
    override do_GET() {
      const before = checks;
      const r = super.do_GET();
      cached.push(checks > before);
      return r;
    }
    override do_HEAD() {
      const before = checks;
      const r = super.do_HEAD();
      cached.push(checks > before);
      return r;
    }
  }
  const server = new HTTPServer(["127.0.0.1", 0], Probe, { parser: "js" });
  const cache = server.fileCache!;
  const hit = cache.hit.bind(cache);
  cache.hit = () => {
    checks++;
    hit();
  };
  await server.ready;
  const loop = server.serve_forever(0.05);
  try {
    await body(server.server_port, cached);
  } finally {
    await server.shutdown();
    server.server_close();
    await loop;
  }
}

describe("--spa and the file cache", () => {
  it("answers a cached app route and a cached file from the cache's fast path; answers unchanged", async () => {
    await withSpa(SimpleHTTPRequestHandler, async (port, cached) => {
      const first = await request(port, "/users/42");
      expect([first.status, first.body.toString()]).toEqual([200, "<p>app</p>"]);
      const again = await request(port, "/users/43");
      expect([again.status, again.body.toString()]).toEqual([200, "<p>app</p>"]);
      const head = await request(port, "/users/44", { method: "HEAD" });
      expect([head.status, head.header("Content-Length"), head.body.length]).toEqual([200, "10", 0]);
      expect((await request(port, "/app.js")).body.toString()).toBe("go()");
      const js = await request(port, "/app.js");
      expect([js.status, js.body.toString()]).toEqual([200, "go()"]);
      expect((await request(port, "/missing.js")).status).toBe(404);
      // The first of each file reads it from disk; every later one is a cache hit.
      expect(cached).toEqual([false, true, true, false, true, false]);
    });
  });

  it("with CGI's own send_head, still gives the app for unknown routes", async () => {
    await withSpa(CGIHTTPRequestHandler, async (port) => {
      const r = await request(port, "/some/route");
      expect([r.status, r.body.toString()]).toEqual([200, "<p>app</p>"]);
      expect((await request(port, "/missing.js")).status).toBe(404);
    });
  });
});
