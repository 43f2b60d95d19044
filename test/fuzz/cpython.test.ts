// npm run fuzz:cpython (fuzz/cpython.ts): the fuzzer's inputs sent whole to CPython 3.11's
// http.server and to basehttp, both with test/compat's echo handlers, and the answers that differ
// put in buckets; with --check, every "plain" input (fuzz/plain.ts: one complete request that no
// difference docs/API.md names touches) must be answered byte for byte as CPython answers it.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { plainReason } from "../../fuzz/plain.js";
import { staticDifference, staticRequest } from "../../fuzz/static-paths.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

test("sends the fuzzer's inputs to CPython 3.11 and to basehttp, and counts every input once: alike, or in one bucket", () => {
  const out = join(mkdtempSync(join(tmpdir(), "fuzz-cpython-")), "buckets.json");
  const run = spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", "fuzz/cpython.ts", "--seed", "1", "--inputs", "60", "--out", out], {
    cwd: ROOT, encoding: "utf8", timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const m = /fuzz:cpython seed 1: 60 inputs, (\d+) answered alike, (\d+) differently in (\d+) buckets/.exec(run.stdout);
  expect(m, run.stdout).not.toBeNull();
  const report = JSON.parse(readFileSync(out, "utf8")) as { same: number; buckets: { key: string; count: number; example: { index: number } }[] };
  expect(report.same).toBe(Number(m![1]));
  expect(report.buckets.reduce((a, b) => a + b.count, 0)).toBe(60 - report.same);
  expect(report.buckets.length).toBe(Number(m![3]));
  // Plain requests are answered alike; the smuggling inputs API.md refuses (CPython serves them) are not.
  expect(report.same).toBeGreaterThan(0);
  expect(report.buckets.some((b) => /basehttp "HTTP\/1\.[01] 400 /.test(b.key))).toBe(true);
}, 70_000);

test("--check: every plain input of seed 1 is answered byte for byte as CPython 3.11 answers it", () => {
  const run = spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", "fuzz/cpython.ts", "--check", "--seed", "1", "--inputs", "1500"], {
    cwd: ROOT, encoding: "utf8", timeout: 60_000,
  });
  const m = /check: (\d+) plain inputs \(.*\), (\d+) answered otherwise than by CPython/.exec(run.stdout);
  expect(m, run.stdout + run.stderr).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(100);
  expect(Number(m![2]), run.stdout).toBe(0);
  expect(run.status).toBe(0);
}, 70_000);

test("plainReason keeps out exactly the inputs a documented difference from CPython touches", () => {
  const reason = (s: string, persistent = false): string | null => plainReason(Buffer.from(s, "latin1"), persistent);
  expect(reason("GET /a HTTP/1.1\r\nHost: x\r\nX: caf\xe9\r\n\r\n")).toBeNull();
  expect(reason("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")).toBeNull();
  expect(reason("SPAM / HTTP/1.0\r\n\r\n")).toBeNull();
  expect(reason("\r\nGET / HTTP/1.1\r\n\r\n")).toBe("leading empty line");
  expect(reason("GET / HTTP/1.1\r\nX : y\r\n\r\n")).toMatch(/^violation /);
  expect(reason("GET / HTTP/1.1\r\nHost: x\r\n")).toBe("head not complete");
  expect(reason("GET /\r\n\r\n")).toBe("version");
  expect(reason("GET  / HTTP/1.1\r\n\r\n")).toBe("request-line whitespace");
  expect(reason("GET /\xa0x HTTP/1.1\r\n\r\n")).toBe("request-line whitespace");
  expect(reason("GET / HTTP/1.1\r\nX: y \r\n\r\n")).toBe("trailing whitespace in a field");
  expect(reason("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")).toBe("Transfer-Encoding");
  expect(reason("GET / HTTP/1.1\r\nExpect: nothing\r\n\r\n")).toBe("Expect");
  // A second request: plain on an HTTP/1.1 server while the first keeps the connection.
  expect(reason("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n")).toBe("bytes after a request that ends the connection");
  expect(reason("GET / HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", true)).toBeNull();
  expect(reason("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\n\r\n", true)).toBeNull();
  expect(reason("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\n\r\n", true)).toBe("bytes after a request that ends the connection");
  expect(reason("GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n", true)).toBe("bytes after a request that ends the connection");
  expect(reason("PUT / HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET / HTTP/1.1\r\n\r\n", true)).toBe("bytes after a request that ends the connection");
  expect(reason("GET / HTTP/1.1\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n", true)).toBe("a later request: leading empty line");
  expect(reason("CONNECT h:1 HTTP/1.1\r\nContent-Length: 1\r\n\r\nx")).toBe("CONNECT with content");
  expect(reason("POST / HTTP/1.1\r\nContent-Length: 99999999999999\r\n\r\n")).toBe("Content-Length form");
  expect(reason("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab")).toBe("body not complete");
});

test("--static --check: paths through test/compat's tree get CPython's answers, but for ETag, Accept-Ranges and the documented 404s", () => {
  const run = spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", "fuzz/cpython.ts", "--static", "--check", "--seed", "1", "--inputs", "1500"], {
    cwd: ROOT, encoding: "utf8", timeout: 60_000,
  });
  const m = /check: (\d+) plain inputs \(fuzz\/static-paths\.ts.*\), (\d+) answered otherwise than by CPython/.exec(run.stdout);
  expect(m, run.stdout + run.stderr).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(1000);
  expect(Number(m![2]), run.stdout).toBe(0);
  expect(run.status).toBe(0);
  // The escapes API.md answers 404 (a symlink out of the directory, a NUL) come up and are told apart.
  expect(run.stdout).toMatch(/CPython "\(nothing\)", basehttp "HTTP\/1\.[01] 404 File not found"/);
}, 70_000);

test("static requests are one line of HTTP/1.0, the same for the same seed and index", () => {
  const a = staticRequest(4, 17);
  expect(staticRequest(4, 17)).toEqual(a);
  expect(a.bytes.toString("latin1")).toBe(`${a.bytes.toString("latin1").startsWith("HEAD") ? "HEAD" : "GET"} ${a.target} HTTP/1.0\r\n\r\n`);
  expect(staticDifference("/sub/../link-out.txt")).not.toBeNull();
  expect(staticDifference("/a%00.txt")).not.toBeNull();
  expect(staticDifference("/sub/%2e%2e/a.txt")).toBeNull();
});
