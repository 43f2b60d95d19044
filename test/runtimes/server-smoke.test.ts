// The server and the `basehttp` command under Deno and Bun, through their node:net
// compatibility, from the built package (dist/) as users run it: serve a directory, answer GET,
// POST and several requests on one keep-alive connection, stop on SIGTERM with status 0.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { runtimeBinary } from "./binaries.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const RUNTIMES: ["deno" | "bun", string[]][] = [
  ["deno", ["run", "--allow-all", "--no-prompt"]],
  ["bun", []],
];
const dir = mkdtempSync(join(tmpdir(), "basehttp-runtimes-"));
writeFileSync(join(dir, "hello.txt"), "hello from a file\n");
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  port: number;
  output: () => string;
  exit: Promise<number | null>;
  child: ChildProcess;
}

/** Start `runtime ...args`, wait (at most 30 s) for the port in its output. */
async function start(runtime: "deno" | "bun", args: string[], portPattern: RegExp): Promise<Started> {
  const child = spawn(runtimeBinary(runtime), args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  children.add(child);
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => (children.delete(child), resolve(code))));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = portPattern.exec(out);
    if (m) return { port: Number(m[1]), output: () => out, exit, child };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${runtime} did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Send `request` on one connection and read until `done(text)` or the server closes (at most 15 s). */
function exchange(port: number, request: string, done: (text: string) => boolean = () => false): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const s = net.connect(port, "127.0.0.1", () => s.write(request, "latin1"));
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`timed out; got ${JSON.stringify(text)}`))), 15_000);
    const finish = () => (clearTimeout(timer), s.destroy(), resolve(text));
    s.on("data", (c) => {
      text += c.toString("latin1");
      if (done(text)) finish();
    });
    s.on("end", finish).on("error", (e) => (clearTimeout(timer), reject(e)));
  });
}

const count = (text: string, what: string) => text.split(what).length - 1;

/** Wait (at most 10 s) until the output matches: the command gathers its log lines and writes
 * them within 10 ms (src/cli/log.ts), so a line may come after the answer it logs. */
async function outputMatching(s: Started, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!pattern.test(s.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return s.output();
}

describe.each(RUNTIMES)("%s", (runtime, flags) => {
  test("the library server (parser wasm and js): GET, POST echo, three requests on one keep-alive connection", async () => {
    for (const parser of ["wasm", "js"]) {
      const s = await start(runtime, [...flags, "test/runtimes/server-app.mjs", parser], /listening (\d+)/);
      const get = await exchange(s.port, "GET /x?y HTTP/1.1\r\nHost: example\r\nConnection: close\r\n\r\n");
      expect(get).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(get.endsWith("\r\n\r\nGET /x?y via example\n")).toBe(true);
      const post = await exchange(s.port, "POST /e HTTP/1.1\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world");
      expect(post.endsWith("\r\n\r\nhello world")).toBe(true);
      const three = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: c\r\n\r\n";
      const kept = await exchange(s.port, three, (t) => t.endsWith("GET /3 via c\n"));
      expect(count(kept, "HTTP/1.1 200 OK\r\n")).toBe(3);
      expect(kept).toContain("\r\n\r\nGET /1 via a\n");
      expect(kept).toContain("\r\n\r\nabc");
      s.child.kill("SIGTERM");
      expect(await s.exit).toBe(0);
    }
  }, 120_000);

  test("the basehttp command serves a directory: GET a file, POST is 501, keep-alive with -p HTTP/1.1, SIGTERM exits 0", async () => {
    const s = await start(runtime, [...flags, "dist/cli/main.js", "0", "-b", "127.0.0.1", "-d", dir, "-p", "HTTP/1.1"], /port (\d+)/);
    expect(s.output()).toMatch(/^Serving HTTP on 127\.0\.0\.1 port \d+ \(http:\/\/127\.0\.0\.1:\d+\/\) \.\.\.\n/);
    const two = await exchange(s.port, "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    expect(count(two, "HTTP/1.1 200 OK\r\n")).toBe(2);
    expect(two).toContain("\r\n\r\nhello from a file\n");
    expect(two).toContain("hello.txt</a>");
    const post = await exchange(s.port, "POST / HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    expect(post).toMatch(/^HTTP\/1\.1 501 Unsupported method \('POST'\)\r\n/);
    expect(await outputMatching(s, /"GET \/hello\.txt HTTP\/1\.1" 200 -/)).toMatch(/"GET \/hello\.txt HTTP\/1\.1" 200 -/);
    s.child.kill("SIGTERM");
    expect(await s.exit).toBe(0);
  }, 120_000);
});
