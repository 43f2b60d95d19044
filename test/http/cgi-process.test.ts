// CGIHTTPRequestHandler's child processes over real sockets on 127.0.0.1: the request body
// streamed to the script's stdin and its output streamed back while it runs, large bodies
// both ways, chunked bodies, exit statuses and stderr in the log, and what basehttp adds to
// CPython: a client that leaves or cgi_timeout kills the script and its children, the server's
// own environment never stands in for the client's identity, containment of symbolic links.

import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PARSERS, RawClient } from "../server/helpers.js";
import { exchangeRaw } from "./simple-client.js";
import {
  ENV_SCRIPT, makeTree, parseCgiResponse, removeTree, startCgiServer, writeScript, type CgiServer,
} from "./cgi-setup.js";

const ECHO_LINES = `#!/usr/bin/env python3
import sys
print("Content-type: text/plain")
print(flush=True)
for line in sys.stdin.buffer:
    sys.stdout.buffer.write(b"echo:" + line)
    sys.stdout.flush()
`;
const HASH_STDIN = `#!/usr/bin/env python3
import hashlib, os, sys
data = sys.stdin.buffer.read()
print("Content-type: text/plain")
print()
print(len(data), hashlib.sha256(data).hexdigest(), repr(os.environ["CONTENT_LENGTH"]))
`;
const BIG_OUTPUT = `#!/usr/bin/env python3
import sys
sys.stdout.buffer.write(b"Content-type: application/octet-stream\\n\\n")
for i in range(64):
    sys.stdout.buffer.write(bytes([65 + i % 26]) * 65536)
`;
const FAILING = `#!/usr/bin/env python3
import sys
print("Content-type: text/plain")
print()
print("partial")
sys.stderr.write("something went wrong\\nsecond line\\n")
sys.exit(3)
`;
const ARGS_SH = `#!/bin/sh
echo "Content-type: text/plain"
echo
printf '%s|' "$#" "$@"
echo
`;

let root: string;
let outside: string;

/** A shell script that records its pid and its child's, says "started", then waits. */
const sleeper = (dir: string) => `#!/bin/sh
sleep 60 &
echo $! > "${dir}/sleep.pid"
echo $$ > "${dir}/script.pid"
echo "Content-type: text/plain"
echo
echo started
wait
`;
/** As sleeper, then a line every 50 ms until killed. */
const ticker = (dir: string) => sleeper(dir).replace("wait\n", "while :; do echo tick; sleep 0.05; done\n");

beforeAll(async () => {
  root = await makeTree();
  outside = await mkdtemp(join(tmpdir(), "basehttp-cgi-outside-"));
  await writeScript(root, "cgi-bin/echo.py", ECHO_LINES);
  await writeScript(root, "cgi-bin/hash.py", HASH_STDIN);
  await writeScript(root, "cgi-bin/big.py", BIG_OUTPUT);
  await writeScript(root, "cgi-bin/failing.py", FAILING);
  await writeScript(root, "cgi-bin/args.sh", ARGS_SH);
  await writeScript(outside, "escaped.py", ENV_SCRIPT);
  await symlink(join(outside, "escaped.py"), join(root, "cgi-bin/link.py"));
  await symlink(outside, join(root, "cgi-bin/outdir"));
});

afterAll(async () => {
  await removeTree(root);
  await rm(outside, { recursive: true, force: true });
});

/** True once `pid` has exited (no such process, or a zombie nobody has reaped yet). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Poll (at most 10 s) until `check()` holds. Bounded wait, never a timing assertion. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(PARSERS)("CGI scripts as processes, parser %s", (parser) => {
  let server: CgiServer;

  beforeAll(async () => {
    server = await startCgiServer(root, parser);
  });

  afterAll(async () => {
    await server.stop();
  });

  it("streams the body to stdin and the output back while the script runs", async () => {
    const client = await RawClient.connect(server.port);
    client.send("POST /cgi-bin/echo.py HTTP/1.0\r\nContent-Length: 8\r\n\r\none\n");
    // The script answers the first line before the rest of the body exists.
    await client.until((b) => b.includes("echo:one\n"), "the first echo");
    client.send("two\n");
    const res = parseCgiResponse(await client.all());
    expect(res.statusLine).toBe("HTTP/1.0 200 Script output follows");
    expect(res.body.toString()).toBe("echo:one\necho:two\n");
  });

  it("passes an 8 MiB body through stdin intact", async () => {
    const body = randomBytes(8 * 1024 * 1024);
    const head = `POST /cgi-bin/hash.py HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n`;
    const res = parseCgiResponse(await exchangeRaw(server.port, Buffer.concat([Buffer.from(head), body]), 20_000));
    expect(res.body.toString()).toBe(`${body.length} ${createHash("sha256").update(body).digest("hex")} '${body.length}'\n`);
  });

  it("passes a chunked body decoded, with CONTENT_LENGTH empty", async () => {
    const parts = [Buffer.from("hello "), randomBytes(70_000), Buffer.from(" world")];
    const chunks: Buffer[] = [Buffer.from("POST /cgi-bin/hash.py HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")];
    for (const p of parts) chunks.push(Buffer.from(p.length.toString(16) + "\r\n"), p, Buffer.from("\r\n"));
    chunks.push(Buffer.from("0\r\n\r\n"));
    const res = parseCgiResponse(await exchangeRaw(server.port, Buffer.concat(chunks)));
    const all = Buffer.concat(parts);
    expect(res.body.toString()).toBe(`${all.length} ${createHash("sha256").update(all).digest("hex")} ''\n`);
  });

  it("answers when the script exits without reading a 4 MiB body (the rest is dropped)", async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 0x61);
    const head = "POST /cgi-bin/file1.py HTTP/1.0\r\nContent-Length: " + body.length + "\r\n\r\n";
    // The server closes after the answer and drains what the client still sends; that drain is
    // capped (drainLimit, 64 KiB by default) and a 4 MiB body is past it, so the client's write
    // could meet a reset before it reads the answer. Here the budget covers the whole body.
    const saved = server.httpd.drainLimit;
    server.httpd.drainLimit = 8 * 1024 * 1024;
    try {
      const res = parseCgiResponse(await exchangeRaw(server.port, Buffer.concat([Buffer.from(head), body]), 20_000));
      expect(res.body.toString()).toBe("Hello World\n");
    } finally {
      server.httpd.drainLimit = saved;
    }
  });

  it("copies 4 MiB of output to the client", async () => {
    const res = parseCgiResponse(await exchangeRaw(server.port, "GET /cgi-bin/big.py HTTP/1.0\r\n\r\n", 20_000));
    expect(res.header("Content-type")).toBe("application/octet-stream");
    expect(res.body.length).toBe(64 * 65536);
    for (let i = 0; i < 64; i++) expect(res.body[i * 65536 + 100]).toBe(65 + (i % 26));
  });

  it("logs the script's stderr and its exit status as CPython: 'CGI script exit status %#x'", async () => {
    server.logs.length = 0;
    const res = parseCgiResponse(await exchangeRaw(server.port, "GET /cgi-bin/failing.py HTTP/1.0\r\n\r\n"));
    expect(res.body.toString()).toBe("partial\n");
    expect(server.logs).toContain("something went wrong");
    expect(server.logs).toContain("second line");
    expect(server.logs).toContain("CGI script exit status 0x3");
    server.logs.length = 0;
    await exchangeRaw(server.port, "GET /cgi-bin/file1.py HTTP/1.0\r\n\r\n");
    expect(server.logs).toContain("CGI script exited OK");
  });

  it("runs scripts without a shell: the query is one argument, '+' read as a space", async () => {
    const res = parseCgiResponse(await exchangeRaw(server.port, "GET /cgi-bin/args.sh?a;echo+$(id)|x HTTP/1.0\r\n\r\n"));
    expect(res.body.toString()).toBe("1|a;echo $(id)|x|\n");
    const none = parseCgiResponse(await exchangeRaw(server.port, "GET /cgi-bin/args.sh?k=v HTTP/1.0\r\n\r\n"));
    expect(none.body.toString()).toBe("0|\n");
  });

  it("kills the script and its children once the client is found gone (beyond CPython)", async () => {
    const dir = await mkdtemp(join(outside, "pids-"));
    await writeScript(root, `cgi-bin/sleeper-${parser}.sh`, ticker(dir));
    server.logs.length = 0;
    const client = await RawClient.connect(server.port);
    client.send(`GET /cgi-bin/sleeper-${parser}.sh HTTP/1.0\r\n\r\n`);
    await client.until((b) => b.includes("started\n"), "the script to start");
    const script = Number(await readFile(join(dir, "script.pid"), "utf8"));
    const child = Number(await readFile(join(dir, "sleep.pid"), "utf8"));
    expect(gone(script) || gone(child)).toBe(false);
    client.close();
    await eventually(() => gone(script) && gone(child), "the script and its sleep to end");
    await eventually(() => server.logs.includes("CGI script exit status -0xf"), "the exit status in the log");
  });

  it("keeps the connection for nothing else: the output's end is the connection's end", async () => {
    const client = await RawClient.connect(server.port);
    client.send("GET /cgi-bin/file1.py HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\nGET /cgi-bin/file1.py HTTP/1.1\r\nHost: x\r\n\r\n");
    const res = parseCgiResponse(await client.all());
    expect(res.body.toString()).toBe("Hello World\n");
  });
});

describe("CGI handler options and intended differences from CPython", () => {
  it("cgi_timeout stops a script that runs too long", async () => {
    const dir = await mkdtemp(join(outside, "pids-"));
    await writeScript(root, "cgi-bin/slow.sh", sleeper(dir));
    const server = await startCgiServer(root, "wasm", { cgi_timeout: 0.3 });
    try {
      const res = parseCgiResponse(await exchangeRaw(server.port, "GET /cgi-bin/slow.sh HTTP/1.0\r\n\r\n"));
      expect(res.body.toString()).toBe("started\n");
      expect(server.logs).toContain("CGI script timed out after 0.3 seconds");
      expect(server.logs).toContain("CGI script exit status -0xf");
      const child = Number(await readFile(join(dir, "sleep.pid"), "utf8"));
      await eventually(() => gone(child), "the script's sleep to end");
    } finally {
      await server.stop();
    }
  });

  it("cgi_timeout also stops a script whose client does not read its output", async () => {
    const dir = await mkdtemp(join(outside, "pids-"));
    await writeScript(root, "cgi-bin/flood.py", `#!/usr/bin/env python3
import os, sys
open(${JSON.stringify(dir)} + "/script.pid", "w").write(str(os.getpid()))
sys.stdout.buffer.write(b"Content-type: text/plain\\n\\n")
while True:
    sys.stdout.buffer.write(b"x" * 65536)
`);
    // The timeout runs from the spawn, so it must outlast the interpreter's start (a pyenv shim
    // takes ~2 s on a loaded 2-core machine): 3 s, or the script is killed before it writes its pid.
    const server = await startCgiServer(root, "js", { cgi_timeout: 3 });
    try {
      const client = await RawClient.connect(server.port);
      client.socket.pause();
      client.send("GET /cgi-bin/flood.py HTTP/1.0\r\n\r\n");
      await eventually(async () => (await readFile(join(dir, "script.pid"), "utf8").catch(() => "")) !== "", "the script to start");
      const pid = Number(await readFile(join(dir, "script.pid"), "utf8"));
      await eventually(() => gone(pid), "the script to be stopped");
      await eventually(() => server.logs.includes("CGI script exit status -0xf"), "the exit status in the log");
      client.close();
    } finally {
      await server.stop();
    }
  });

  it("logs a script that cannot be started with exit status 0x7f", async () => {
    const server = await startCgiServer(root, "js", { python_executable: join(outside, "no-such-python") });
    try {
      const raw = await exchangeRaw(server.port, "GET /cgi-bin/file1.py HTTP/1.0\r\n\r\n");
      // The status line went out before the script was started; nothing follows the server's headers.
      expect(raw.toString("latin1")).toMatch(/^HTTP\/1\.0 200 Script output follows\r\nServer: [^\r]+\r\nDate: [^\r]+\r\n$/);
      expect(server.logs.some((l) => /^CGI script could not be run: .*ENOENT/.test(l))).toBe(true);
      expect(server.logs).toContain("CGI script exit status 0x7f");
    } finally {
      await server.stop();
    }
  });

  it("never passes on the server's own AUTH_TYPE, REMOTE_USER, HTTP_COOKIE... (CPython's setdefault keeps them)", async () => {
    const stale = { AUTH_TYPE: "Basic", REMOTE_USER: "admin", HTTP_COOKIE: "session=server", REMOTE_HOST: "evil", QUERY_STRING: "q" };
    const saved = Object.fromEntries(Object.keys(stale).map((k) => [k, process.env[k]]));
    Object.assign(process.env, stale);
    const server = await startCgiServer(root, "js");
    try {
      const res = parseCgiResponse(await exchangeRaw(server.port, "GET /cgi-bin/env.py HTTP/1.0\r\n\r\n"));
      const { env } = JSON.parse(res.body.toString()) as { env: Record<string, string | null> };
      expect([env["AUTH_TYPE"], env["REMOTE_USER"], env["HTTP_COOKIE"], env["REMOTE_HOST"], env["QUERY_STRING"]])
        .toEqual([null, null, "", "", ""]);
    } finally {
      await server.stop();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("answers 400 for a path climbing above the root (CPython lets its IndexError drop the connection)", async () => {
    const server = await startCgiServer(root, "wasm");
    try {
      for (const target of ["/..", "/%2e%2e", "/a/../../cgi-bin/file1.py"]) {
        for (const method of ["GET", "POST"]) {
          const res = parseCgiResponse(await exchangeRaw(server.port, `${method} ${target} HTTP/1.0\r\nContent-Length: 0\r\n\r\n`));
          expect(res.statusLine).toBe("HTTP/1.0 400 Bad request path");
        }
      }
    } finally {
      await server.stop();
    }
  });

  it("does not follow symbolic links out of the directory (CPython runs them)", async () => {
    const server = await startCgiServer(root, "wasm");
    try {
      for (const target of ["/cgi-bin/link.py", "/cgi-bin/outdir/escaped.py"]) {
        const res = parseCgiResponse(await exchangeRaw(server.port, `GET ${target} HTTP/1.0\r\n\r\n`));
        expect(res.status).toBe(404);
      }
    } finally {
      await server.stop();
    }
  });
});
