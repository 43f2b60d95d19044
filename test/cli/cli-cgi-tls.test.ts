// The `basehttp` command with --cgi (CGIHTTPRequestHandler) and --tls-cert/--tls-key/
// --tls-password-file (HTTPSServer, CPython 3.14's options and messages): spawned as a user runs
// it, certificates made at test time by the openssl command, requests on 127.0.0.1.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchangeRaw } from "../http/simple-client.js";
import { killAll, run, waitFor } from "./spawn-cli.js";

const SERVING = (scheme: "HTTP" | "HTTPS") =>
  new RegExp(`^Serving ${scheme} on 127\\.0\\.0\\.1 port (\\d+) \\(${scheme.toLowerCase()}://127\\.0\\.0\\.1:(\\d+)/\\) \\.\\.\\.$`, "m");


/** One TLS request trusting only the test certificate; everything until the server closes. */
function tlsExchange(port: number, data: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = tls.connect({ port, host: "127.0.0.1", ca }, () => socket.write(data));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
  });
}

let dir: string;
let cert: string;
let key: string;
let encryptedKey: string;
let passwordFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "basehttp-cli-cgi-"));
  await mkdir(join(dir, "cgi-bin"));
  const script = join(dir, "cgi-bin", "hello.py");
  await writeFile(script, '#!/usr/bin/env python3\nimport os\nprint("Content-type: text/plain")\nprint()\nprint("hello", os.environ["QUERY_STRING"])\n');
  await chmod(script, 0o755);
  cert = join(dir, "cert.pem");
  key = join(dir, "key.pem");
  encryptedKey = join(dir, "encrypted.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1"], { stdio: "ignore" });
  execFileSync("openssl", ["pkey", "-in", key, "-out", encryptedKey, "-aes-256-cbc", "-passout", "pass:open sesame"], { stdio: "ignore" });
  passwordFile = join(dir, "password.txt");
  // CPython strips the file's text: the newline and the spaces around the password go.
  await writeFile(passwordFile, "  open sesame \n");
});

afterAll(async () => {
  killAll();
  await rm(dir, { recursive: true, force: true });
});

describe("basehttp --cgi and --tls-*", () => {
  it("--cgi runs scripts under /cgi-bin and logs the request", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "--cgi"]);
    const port = Number((await waitFor(r.stdout, SERVING("HTTP"), r.exit))[1]);
    const raw = (await exchangeRaw(port, "GET /cgi-bin/hello.py?x=1 HTTP/1.0\r\n\r\n")).toString("latin1");
    expect(raw).toMatch(/^HTTP\/1\.0 200 Script output follows\r\n/);
    expect(raw.endsWith("Content-type: text/plain\n\nhello x=1\n")).toBe(true);
    await waitFor(r.stderr, /"GET \/cgi-bin\/hello\.py\?x=1 HTTP\/1\.0" 200 -/);
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
  });

  it("without --cgi the script is a file like any other", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir]);
    const port = Number((await waitFor(r.stdout, SERVING("HTTP"), r.exit))[1]);
    const raw = (await exchangeRaw(port, "GET /cgi-bin/hello.py HTTP/1.0\r\n\r\n")).toString("latin1");
    expect(raw).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(raw).toContain("#!/usr/bin/env python3");
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
  });

  it("--tls-cert/--tls-key serve HTTPS and print CPython 3.14's Serving HTTPS line", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", cert, "--tls-key", key, "--cgi"]);
    const m = await waitFor(r.stdout, SERVING("HTTPS"), r.exit);
    expect(m[1]).toBe(m[2]);
    const raw = await tlsExchange(Number(m[1]), "GET /cgi-bin/hello.py?tls HTTP/1.0\r\n\r\n", readFileSync(cert));
    expect(raw).toMatch(/^HTTP\/1\.0 200 Script output follows\r\n/);
    expect(raw.endsWith("\n\nhello tls\n")).toBe(true);
    r.child.kill("SIGINT");
    expect(await r.exit).toEqual([0, null]);
  });

  it("--tls-password-file opens an encrypted key (its text stripped, as CPython)", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", cert, "--tls-key", encryptedKey,
      "--tls-password-file", passwordFile, "--parser", "js"]);
    const port = Number((await waitFor(r.stdout, SERVING("HTTPS"), r.exit))[1]);
    const raw = await tlsExchange(port, "GET /cert.pem HTTP/1.0\r\n\r\n", readFileSync(cert));
    expect(raw).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
  });

  it("--workers 2 with TLS: one Serving HTTPS line, requests answered", async () => {
    const r = run(["0", "-b", "127.0.0.1", "-d", dir, "--tls-cert", cert, "--tls-key", key, "--workers", "2"]);
    const port = Number((await waitFor(r.stdout, SERVING("HTTPS"), r.exit))[1]);
    for (let i = 0; i < 3; i++) {
      expect(await tlsExchange(port, "GET /cert.pem HTTP/1.0\r\n\r\n", readFileSync(cert))).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    }
    r.child.kill("SIGTERM");
    expect(await r.exit).toEqual([0, null]);
    expect(r.stdout().match(/Serving HTTPS on/g)).toHaveLength(1);
  });

  it("exits 1 with a message when the key does not open", async () => {
    const r = run(["0", "-b", "127.0.0.1", "--tls-cert", cert, "--tls-key", encryptedKey]);
    const [code] = await r.exit;
    expect(code).toBe(1);
    expect(r.stderr()).toMatch(/^basehttp: /);
    expect(r.stdout()).toBe("");
  });

  it.each([
    [["--tls-key", "k.pem"], /--tls-key requires --tls-cert to be set/],
    [["--tls-password-file", "p.txt"], /--tls-password-file requires --tls-cert to be set/],
    [["--tls-cert", "c.pem", "--tls-password-file", join(tmpdir(), "basehttp-no-such-file")], /Failed to read TLS password file: /],
  ])("exits 2 with usage for %j", async (args, message) => {
    const r = run(args);
    expect(await r.exit).toEqual([2, null]);
    expect(r.stderr()).toMatch(/^usage: basehttp /);
    expect(r.stderr()).toMatch(message);
    expect(r.stdout()).toBe("");
  });
});
