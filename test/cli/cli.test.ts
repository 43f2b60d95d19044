// The `basehttp` command as a user runs it: spawned (node + tsx on src/cli/main.ts), the
// "Serving HTTP on ..." line read from stdout, real requests on 127.0.0.1, the log lines on
// stderr, and the exit codes: 0 on SIGTERM/SIGINT, 2 on command-line errors (as argparse).

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/simple-client.js";
import { killAll, run, waitFor } from "./spawn-cli.js";

const SERVING = /^Serving HTTP on (\S+) port (\d+) \(http:\/\/(\S+):(\d+)\/\) \.\.\.$/m;
const LOG_LINE = /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4} \d{2}:\d{2}:\d{2}\] "GET \/hello\.txt HTTP\/1\.1" 200 -$/m;


let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "basehttp-cli-"));
  await writeFile(join(dir, "hello.txt"), "Hello from basehttp\n");
});

afterAll(async () => {
  killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("basehttp command", () => {
  it("serves the directory, prints the Serving line, logs on stderr, exits 0 on SIGTERM", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "--parser", "js"]);
    const m = await waitFor(r.stdout, SERVING, r.exit);
    expect(m[1]).toBe("127.0.0.1");
    expect(m[3]).toBe("127.0.0.1");
    expect(m[2]).toBe(m[4]);
    const port = Number(m[2]);
    const res = await request(port, "/hello.txt");
    expect(res.status).toBe(200);
    expect(res.version).toBe("HTTP/1.0");
    expect(res.header("Server")).toMatch(/^SimpleHTTP\/0\.6 Node\.js\//);
    expect(res.body.toString()).toBe("Hello from basehttp\n");
    await waitFor(r.stderr, LOG_LINE);
    expect(r.stdout()).not.toContain("GET");
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
  });

  it("serves the current directory by default and exits 0 on SIGINT with CPython's message", async () => {
    const r = run(["0", "--bind", "127.0.0.1"], dir);
    const port = Number((await waitFor(r.stdout, SERVING, r.exit))[2]);
    expect((await request(port, "/hello.txt")).status).toBe(200);
    r.child.kill("SIGINT");
    expect(await r.exit).toEqual([0, null]);
    expect(r.stdout()).toContain("\nKeyboard interrupt received, exiting.\n");
  });

  it("answers with the protocol version of -p and keeps HTTP/1.1 connections open", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "-p", "HTTP/1.1"]);
    const port = Number((await waitFor(r.stdout, SERVING, r.exit))[2]);
    const res = await request(port, "/hello.txt", { headers: { Connection: "close" } });
    expect(res.version).toBe("HTTP/1.1");
    expect(res.status).toBe(200);
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
  });

  it("logs every request of a pipelined burst, one line each and in order, though written together", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "-p", "HTTP/1.1"]);
    const port = Number((await waitFor(r.stdout, SERVING, r.exit))[2]);
    const socket = net.connect(port, "127.0.0.1");
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString("latin1")));
    const burst = [1, 2, 3, 4, 5].map((n) => `GET /hello.txt?n=${n} HTTP/1.1\r\nHost: a\r\n\r\n`).join("");
    socket.write(burst);
    await waitFor(() => got, /(HTTP\/1\.1 200 OK[\s\S]*){5}/);
    socket.destroy();
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
    const lines = r.stderr().split("\n").filter((l) => l !== "");
    expect(lines.map((l) => /"GET \/hello\.txt\?n=(\d) HTTP\/1\.1" 200 -$/.exec(l)?.[1])).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("runs --workers 2 on node:cluster: one Serving line, requests answered, exit 0 on SIGTERM", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "--workers", "2"]);
    const port = Number((await waitFor(r.stdout, SERVING, r.exit))[2]);
    for (let i = 0; i < 4; i++) expect((await request(port, "/hello.txt")).status).toBe(200);
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
    expect(r.stdout().match(/Serving HTTP on/g)).toHaveLength(1);
  });

  it("exits 1 with a message when the port is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((res) => blocker.listen(0, "127.0.0.1", res));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const r = run([String(taken), "-b", "127.0.0.1", "-d", dir]);
      const [code] = await r.exit;
      expect(code).toBe(1);
      expect(r.stderr()).toMatch(/EADDRINUSE/);
      expect(r.stdout()).toBe("");
    } finally {
      blocker.close();
    }
  });

  it("prints its help with -h and exits 0", async () => {
    const r = run(["-h"]);
    expect(await r.exit).toEqual([0, null]);
    expect(r.stdout()).toMatch(/^usage: basehttp /);
    for (const option of ["--bind", "--directory", "--protocol", "--parser", "--workers", "--cgi", "--tls-cert"]) {
      expect(r.stdout()).toContain(option);
    }
  });

  it.each([
    [["abc"], /argument port: invalid int value: 'abc'/],
    [["65536"], /argument port: 65536 is not between 0 and 65535/],
    [["--parser", "llhttp"], /argument --parser: invalid choice: 'llhttp'/],
    [["--workers", "0"], /argument --workers/],
    // argparse's words, as `python3 -m http.server` says them (not node:util parseArgs's).
    [["--no-such-option"], /\nbasehttp: error: unrecognized arguments: --no-such-option\n$/],
    [["-b"], /\nbasehttp: error: argument -b\/--bind: expected one argument\n$/],
    [["--cgi=yes"], /\nbasehttp: error: argument --cgi: ignored explicit argument 'yes'\n$/],
    [["1", "2"], /unrecognized arguments: 2/],
  ])("exits 2 with usage for %j", async (args, message) => {
    const r = run(args);
    expect(await r.exit).toEqual([2, null]);
    expect(r.stderr()).toMatch(/^usage: basehttp /);
    expect(r.stderr()).toMatch(message);
  });
});
