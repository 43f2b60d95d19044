// The command's options for web developers (--cors, -q, --version, --cache/--no-cache, --spa,
// --precompressed, --mimetypes, the URLs line, colours, clear errors), spawned as a user runs
// them; the pieces without a process (colour choice, Accept-Encoding, the URLs line, bind
// error messages) directly. Without these options the command stays CPython's (cli.test.ts).

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allInterfaces, bindErrorMessage, servingLine, urlsLine } from "../../src/cli/banner.js";
import { acceptsEncoding, colorStatus, colorWanted } from "../../src/cli/web-handler.js";
import { request } from "../http/simple-client.js";
import { killAll, run, waitFor, type Run } from "./spawn-cli.js";

const SERVING = /^Serving HTTP on (\S+) port (\d+) \(http:\/\/(\S+):(\d+)\/\) \.\.\.$/m;
const JS = "console.log('plain');\n";
const BR = Buffer.from([0x0b, 0x02, 0x80, 0x68, 0x69, 0x03]);
const GZ = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]);

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "basehttp-cli-web-"));
  await writeFile(join(dir, "index.html"), "<p>app</p>\n");
  await writeFile(join(dir, "app.js"), JS);
  await writeFile(join(dir, "app.js.br"), BR);
  await writeFile(join(dir, "app.js.gz"), GZ);
  await writeFile(join(dir, "plain.css"), "b{}\n");
  await writeFile(join(dir, "doc.cus"), "custom\n");
  await writeFile(join(dir, "photo.webp"), "RIFF");
  await mkdir(join(dir, "sub"));
  await writeFile(join(dir, "types"), "# mine\ntext/x-custom cus\n");
});

afterAll(async () => {
  killAll();
  await rm(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<[Run, number]> {
  const r = run(["0", "-b", "127.0.0.1", "-d", dir, ...args]);
  const port = Number((await waitFor(r.stdout, SERVING, r.exit))[2]);
  return [r, port];
}

async function stop(r: Run): Promise<void> {
  r.child.kill("SIGTERM");
  expect(await r.exit).toEqual([0, null]);
}

describe("basehttp command: options for web developers", () => {
  it("--version prints the package's version and exits 0", async () => {
    const r = run(["--version"]);
    expect(await r.exit).toEqual([0, null]);
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(r.stdout()).toBe(`basehttp ${pkg.version}\n`);
  });

  it("without options: no CORS, no Cache-Control, OPTIONS is 501, no sibling chosen, a missing path is 404", async () => {
    const [r, port] = await start([]);
    const res = await request(port, "/app.js", { headers: { "Accept-Encoding": "br, gzip" } });
    expect(res.body.toString()).toBe(JS);
    for (const h of ["Access-Control-Allow-Origin", "Cache-Control", "Content-Encoding", "Vary"]) expect(res.header(h)).toBeUndefined();
    expect((await request(port, "/app.js", { method: "OPTIONS" })).status).toBe(501);
    expect((await request(port, "/some/route")).status).toBe(404);
    // mime-db for what CPython's table lacks.
    expect((await request(port, "/photo.webp")).header("Content-Type")).toBe("image/webp");
    await stop(r);
  });

  it("--cors: Access-Control-Allow-Origin on every answer, 204 to a preflight and to a plain OPTIONS", async () => {
    const [r, port] = await start(["--cors"]);
    expect((await request(port, "/app.js")).header("Access-Control-Allow-Origin")).toBe("*");
    expect((await request(port, "/missing")).header("Access-Control-Allow-Origin")).toBe("*");
    const pre = await request(port, "/app.js", {
      method: "OPTIONS",
      headers: { Origin: "http://example.test", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range, x-thing" },
    });
    expect(pre.status).toBe(204);
    expect(pre.header("Access-Control-Allow-Origin")).toBe("*");
    expect(pre.header("Access-Control-Allow-Methods")).toBe("GET, HEAD, OPTIONS");
    expect(pre.header("Access-Control-Allow-Headers")).toBe("range, x-thing");
    expect(pre.header("Access-Control-Max-Age")).toBe("86400");
    const plain = await request(port, "/", { method: "OPTIONS" });
    expect([plain.status, plain.header("Allow")]).toEqual([204, "GET, HEAD, OPTIONS"]);
    await stop(r);
  });

  it("--cache SECONDS on files, 304s and listings; --no-cache; -q logs nothing", async () => {
    const [r, port] = await start(["--cache", "600", "-q"]);
    const file = await request(port, "/plain.css");
    expect(file.header("Cache-Control")).toBe("max-age=600");
    const again = await request(port, "/plain.css", { headers: { "If-None-Match": file.header("ETag")! } });
    expect([again.status, again.header("Cache-Control")]).toEqual([304, "max-age=600"]);
    expect((await request(port, "/sub/")).header("Cache-Control")).toBe("max-age=600");
    expect((await request(port, "/missing")).header("Cache-Control")).toBeUndefined();
    await stop(r);
    expect(r.stderr()).toBe("");
    const [r2, port2] = await start(["--no-cache"]);
    expect((await request(port2, "/plain.css")).header("Cache-Control")).toBe("no-cache");
    await waitFor(r2.stderr, /"GET \/plain\.css HTTP\/1\.1" 200 -$/m);
    await stop(r2);
  });

  it("--spa: a missing path without an extension gets /index.html; files and missing assets as before", async () => {
    const [r, port] = await start(["--spa"]);
    for (const path of ["/some/route", "/users/42?tab=1", "/deep/path/"]) {
      const res = await request(port, path);
      expect([res.status, res.body.toString(), res.header("Content-Type")]).toEqual([200, "<p>app</p>\n", "text/html"]);
    }
    expect((await request(port, "/missing.js")).status).toBe(404);
    expect((await request(port, "/plain.css")).body.toString()).toBe("b{}\n");
    expect((await request(port, "/sub")).status).toBe(301);
    // The log shows the request as sent.
    await waitFor(r.stderr, /"GET \/some\/route HTTP\/1\.1" 200 -$/m);
    await stop(r);
  });

  it("--precompressed: the .br or .gz sibling as Accept-Encoding allows, with the original's type and Vary", async () => {
    const [r, port] = await start(["--precompressed"]);
    const br = await request(port, "/app.js", { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect([br.body, br.header("Content-Encoding"), br.header("Content-Type"), br.header("Vary")])
      .toEqual([BR, "br", "application/javascript", "Accept-Encoding"]);
    expect(br.header("Content-Length")).toBe(String(BR.length));
    const gz = await request(port, "/app.js", { headers: { "Accept-Encoding": "br;q=0, gzip" } });
    expect([gz.body, gz.header("Content-Encoding")]).toEqual([GZ, "gzip"]);
    const identity = await request(port, "/app.js");
    expect([identity.body.toString(), identity.header("Content-Encoding"), identity.header("Vary")]).toEqual([JS, undefined, "Accept-Encoding"]);
    const head = await request(port, "/app.js", { method: "HEAD", headers: { "Accept-Encoding": "br" } });
    expect([head.header("Content-Encoding"), head.header("Content-Length")]).toEqual(["br", String(BR.length)]);
    const none = await request(port, "/plain.css", { headers: { "Accept-Encoding": "br, gzip" } });
    expect([none.header("Content-Encoding"), none.header("Vary")]).toEqual([undefined, undefined]);
    await stop(r);
  });

  it("--mimetypes FILE adds types; an unreadable one is a usage error", async () => {
    const [r, port] = await start(["--mimetypes", join(dir, "types")]);
    expect((await request(port, "/doc.cus")).header("Content-Type")).toBe("text/x-custom");
    await stop(r);
    const bad = run(["--mimetypes", join(dir, "nope")]);
    expect((await bad.exit)[0]).toBe(2);
    expect(bad.stderr()).toMatch(/argument --mimetypes: cannot read .*ENOENT/);
  });

  it("prints the URLs line when bound to all interfaces (not with -b, not with -q)", async () => {
    const all = run(["0", "-d", dir]);
    await waitFor(all.stdout, /^Local: .*$/m, all.exit);
    const [first, second] = all.stdout().split("\n");
    expect(first).toMatch(SERVING);
    const port = first!.match(SERVING)![2];
    expect(second).toMatch(new RegExp(`^Local: http://127\\.0\\.0\\.1:${port}/`));
    await stop(all);
    const [one] = await start([]);
    await stop(one);
    expect(one.stdout().split("\n").filter((l) => l !== "")).toHaveLength(1);
    const quiet = run(["0", "-d", dir, "-q"]);
    await waitFor(quiet.stdout, SERVING, quiet.exit);
    await stop(quiet);
    expect(quiet.stdout()).not.toMatch(/Local:/);
  });

  it.each([
    [["-d", "/no/such/dir"], /argument -d\/--directory: no such directory: '\/no\/such\/dir'/],
    [["--tls-cert", "/dev/null"], /argument --tls-cert: '\/dev\/null' holds no private key; give the key with --tls-key FILE/],
    [["--tls-cert", "/no/cert.pem"], /argument --tls-cert: cannot read '\/no\/cert\.pem': ENOENT/],
    [["--cache", "soon"], /argument --cache: invalid number of seconds: 'soon'/],
    [["--cache", "5", "--no-cache"], /argument --no-cache: not allowed with argument --cache/],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const r = run(args);
    expect(await r.exit).toEqual([2, null]);
    expect(r.stderr()).toMatch(/^usage: basehttp /);
    expect(r.stderr()).toMatch(message);
  });
});

/** Run the command with stdout and stderr on a pseudo-terminal (util-linux `script`); its output as one string. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): { output: () => string; child: ChildProcess; exit: Promise<unknown> } {
  const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
  const command = [process.execPath, "--import", import.meta.resolve("tsx"), main, ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const exit = new Promise((resolve) => child.on("exit", resolve));
  return { output: () => out, child, exit };
}

describe("basehttp command on a terminal", () => {
  it.each([
    [{}, true],
    [{ NO_COLOR: "1" }, false],
  ])("colours the status code of the log line with env %j: %s", async (env, coloured) => {
    const t = onTerminal(["0", "-b", "127.0.0.1", "-d", dir], env);
    const port = Number((await waitFor(t.output, SERVING, t.exit))[2]);
    await request(port, "/plain.css");
    await request(port, "/missing");
    const line200 = await waitFor(t.output, /"GET \/plain\.css HTTP\/1\.1" (\S+) -/);
    const line404 = await waitFor(t.output, /"GET \/missing HTTP\/1\.1" (\S+) -/);
    expect([line200[1], line404[1]]).toEqual(coloured ? ["\x1b[32m200\x1b[0m", "\x1b[33m404\x1b[0m"] : ["200", "404"]);
    t.child.kill("SIGTERM");
    await t.exit;
  });
});

describe("the command's pieces", () => {
  it("colours only on a terminal, and never with NO_COLOR set", () => {
    expect(colorWanted({ isTTY: true }, {})).toBe(true);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorWanted({ isTTY: false }, {})).toBe(false);
    expect(colorWanted({}, {})).toBe(false);
    expect(["200", "304", "404", "500", "-"].map(colorStatus)).toEqual([
      "\x1b[32m200\x1b[0m", "\x1b[36m304\x1b[0m", "\x1b[33m404\x1b[0m", "\x1b[31m500\x1b[0m", "-",
    ]);
  });

  it("reads Accept-Encoding with q-values and * (RFC 9110 §12.5.3)", () => {
    expect(acceptsEncoding(undefined, "br")).toBe(false);
    expect(acceptsEncoding("gzip, br", "br")).toBe(true);
    expect(acceptsEncoding("br;q=0", "br")).toBe(false);
    expect(acceptsEncoding("BR ; Q=0.5", "br")).toBe(true);
    expect(acceptsEncoding("*", "gzip")).toBe(true);
    expect(acceptsEncoding("*;q=0, br", "gzip")).toBe(false);
    expect(acceptsEncoding("identity", "gzip")).toBe(false);
  });

  it("lists loopback then network URLs, IPv6 only when bound to ::, never link-local", () => {
    const ifs = {
      lo: [
        { address: "127.0.0.1", family: "IPv4", internal: true },
        { address: "::1", family: "IPv6", internal: true },
      ],
      eth0: [
        { address: "fe80::1", family: "IPv6", internal: false },
        { address: "2001:db8::5", family: "IPv6", internal: false },
        { address: "192.168.1.20", family: "IPv4", internal: false },
      ],
    } as unknown as Parameters<typeof urlsLine>[3];
    expect(urlsLine("::", 8000, false, ifs)).toBe(
      "Local: http://127.0.0.1:8000/ http://[::1]:8000/  Network: http://192.168.1.20:8000/ http://[2001:db8::5]:8000/",
    );
    expect(urlsLine("0.0.0.0", 8443, true, ifs)).toBe("Local: https://127.0.0.1:8443/  Network: https://192.168.1.20:8443/");
    expect(urlsLine("::", 1, false, {})).toBe("Local: http://127.0.0.1:1/");
    expect([allInterfaces("::"), allInterfaces("0.0.0.0"), allInterfaces("127.0.0.1")]).toEqual([true, true, false]);
    expect(servingLine("::", 8000, false)).toBe("Serving HTTP on :: port 8000 (http://[::]:8000/) ...");
  });

  it("explains a port taken, a privileged port and an address not of this machine", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(bindErrorMessage(err("EADDRINUSE"), "::", 8000)).toMatch(/^port 8000 is already in use \(\[::\]:8000, EADDRINUSE\)/);
    expect(bindErrorMessage(err("EACCES"), "0.0.0.0", 80)).toMatch(/^port 80 is privileged .*below 1024 need root or CAP_NET_BIND_SERVICE/);
    expect(bindErrorMessage(err("EACCES"), "0.0.0.0", 8080)).toBe("not allowed to listen on 0.0.0.0:8080 (EACCES)");
    expect(bindErrorMessage(err("EADDRNOTAVAIL"), "10.9.9.9", 8000)).toMatch(/no interface of this machine has that address/);
    expect(bindErrorMessage(new Error("other"), "::", 1)).toBe("other");
  });
});
