// HTTPSServer (CPython 3.14's http.server.HTTPSServer) over real TLS connections on 127.0.0.1,
// with certificates made at test time by the openssl command (a throwaway EC key, valid one day,
// for 127.0.0.1 and localhost): certfile/keyfile/password, ALPN, failed and stalled handshakes,
// keep-alive, request bodies and CGI over TLS, on both parser backends.

import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { BaseHTTPRequestHandler } from "../../src/http/handler.js";
import { HTTPSServer, ThreadingHTTPSServer, type HTTPSServerOptions } from "../../src/http/https-server.js";
import { PARSERS } from "../server/helpers.js";
import { handlerFor, makeTree, parseCgiResponse, removeTree } from "./cgi-setup.js";

let dir: string;
let cert: string;
let key: string;
let combined: string;
let encryptedKey: string;
let ca: Buffer;

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { stdio: "ignore" });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "basehttp-tls-"));
  cert = join(dir, "cert.pem");
  key = join(dir, "key.pem");
  const subject = ["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-days", "1"];
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, ...subject);
  combined = join(dir, "combined.pem");
  await writeFile(combined, readFileSync(cert, "utf8") + readFileSync(key, "utf8"));
  encryptedKey = join(dir, "encrypted-key.pem");
  openssl("pkey", "-in", key, "-out", encryptedKey, "-aes-256-cbc", "-passout", "pass:s3cret");
  ca = readFileSync(cert);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Says hello, or for POST the length and SHA-256 of the body; keeps HTTP/1.1 connections. */
class Hello extends BaseHTTPRequestHandler {
  override protocol_version = "HTTP/1.1";
  override do_GET(): void {
    this.#answer(Buffer.from(`hello over ${this.path}\n`));
  }
  override async do_POST(): Promise<void> {
    const body = await this.rfile.read();
    this.#answer(Buffer.from(`${body.length} ${createHash("sha256").update(body).digest("hex")}\n`));
  }
  #answer(body: Buffer): void {
    this.send_response(200);
    this.send_header("Content-Length", String(body.length));
    this.end_headers();
    this.wfile.write(body);
  }
  override log_message(): void {}
}

async function start(options: Partial<HTTPSServerOptions> & { parser?: ParserName }, Handler = Hello): Promise<HTTPSServer> {
  const httpd = new HTTPSServer(["127.0.0.1", 0], Handler, { certfile: cert, keyfile: key, ...options });
  await httpd.ready;
  void httpd.serve_forever(0.05);
  return httpd;
}

async function stop(httpd: HTTPSServer): Promise<void> {
  await httpd.shutdown();
  httpd.server_close();
}

interface TLSClient {
  socket: tls.TLSSocket;
  received(): Buffer;
  until(check: (b: Buffer) => boolean): Promise<Buffer>;
  closed: Promise<void>;
}

/** A TLS client trusting only the test certificate, checking the name 127.0.0.1. */
function connect(port: number, alpn: string[] = ["http/1.1"]): Promise<TLSClient> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const waiters: (() => void)[] = [];
    const socket = tls.connect({ port, host: "127.0.0.1", ca, ALPNProtocols: alpn }, () => {
      resolve({
        socket,
        received: () => data,
        until: (check) => new Promise((res, rej) => {
          const test = (): void => {
            if (check(data)) res(data);
            else if (socket.destroyed || socket.readableEnded) rej(new Error(`closed with ${JSON.stringify(data.toString())}`));
            else waiters.push(test);
          };
          test();
        }),
        closed,
      });
    });
    const closed = new Promise<void>((res) => socket.on("close", () => res()));
    socket.on("data", (d: Buffer) => {
      data = Buffer.concat([data, d]);
      for (const w of waiters.splice(0)) w();
    });
    socket.on("end", () => { for (const w of waiters.splice(0)) w(); });
    socket.on("error", reject);
  });
}

describe.each(PARSERS)("HTTPSServer, parser %s", (parser) => {
  let httpd: HTTPSServer;

  beforeAll(async () => {
    httpd = await start({ parser });
  });

  afterAll(async () => {
    await stop(httpd);
  });

  it("answers over TLS, with the certificate checked for 127.0.0.1 and ALPN http/1.1", async () => {
    const client = await connect(httpd.server_port);
    expect(client.socket.authorized).toBe(true);
    expect(client.socket.alpnProtocol).toBe("http/1.1");
    client.socket.write("GET /tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    await client.closed;
    const text = client.received().toString("latin1");
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith("\r\n\r\nhello over /tls\n")).toBe(true);
  });

  it("keeps an HTTP/1.1 connection open across requests and reads bodies through TLS", async () => {
    const client = await connect(httpd.server_port);
    client.socket.write("GET /one HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await client.until((b) => b.toString().endsWith("hello over /one\n"));
    const body = randomBytes(1024 * 1024);
    client.socket.write(`POST /two HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    client.socket.write(body);
    await client.closed;
    expect(client.received().toString()).toContain(`\r\n\r\n${body.length} ${createHash("sha256").update(body).digest("hex")}\n`);
  });

  it("drops a plain-HTTP client and goes on serving TLS ones", async () => {
    const plain = net.connect(httpd.server_port, "127.0.0.1");
    plain.on("error", () => undefined);
    const chunks: Buffer[] = [];
    plain.on("data", (c: Buffer) => chunks.push(c));
    plain.write("GET / HTTP/1.0\r\n\r\n");
    await new Promise((r) => plain.on("close", r));
    expect(Buffer.concat(chunks).toString("latin1")).not.toContain("HTTP/1.");
    const client = await connect(httpd.server_port);
    client.socket.write("GET /after HTTP/1.0\r\n\r\n");
    await client.closed;
    expect(client.received().toString()).toContain("hello over /after");
  });
});

describe("HTTPSServer options", () => {
  it("takes the key from certfile when keyfile is not given", async () => {
    const httpd = await start({ certfile: combined, keyfile: null });
    try {
      const client = await connect(httpd.server_port);
      client.socket.write("GET /combined HTTP/1.0\r\n\r\n");
      await client.closed;
      expect(client.received().toString()).toContain("hello over /combined");
    } finally {
      await stop(httpd);
    }
  });

  it.each([["a string", "s3cret"], ["bytes", Buffer.from("s3cret")], ["a function", () => "s3cret"]])(
    "opens an encrypted key with the password as %s",
    async (_, password) => {
      const httpd = await start({ keyfile: encryptedKey, password });
      try {
        const client = await connect(httpd.server_port);
        client.socket.write("GET /pw HTTP/1.0\r\n\r\n");
        await client.closed;
        expect(client.received().toString()).toContain("hello over /pw");
      } finally {
        await stop(httpd);
      }
    },
  );

  it.each([
    ["a wrong password", { keyfile: encryptedKey, password: "wrong" }],
    ["no password for an encrypted key", { keyfile: encryptedKey }],
    ["a missing certificate file", { certfile: join(tmpdir(), "basehttp-no-such-cert.pem") }],
    ["a key that is not a key", { keyfile: cert }],
  ] as [string, Partial<HTTPSServerOptions>][])("rejects ready for %s, never listening", async (_, options) => {
    const httpd = new HTTPSServer(["127.0.0.1", 0], Hello, { certfile: cert, keyfile: key, ...options });
    await expect(httpd.ready).rejects.toThrow();
    expect(httpd.socket.listening).toBe(false);
  });

  it("refuses to be built without a certfile", () => {
    expect(() => new HTTPSServer(["127.0.0.1", 0], Hello, {} as HTTPSServerOptions)).toThrow(TypeError);
  });

  it("offers the alpn_protocols given", async () => {
    const httpd = await start({ alpn_protocols: ["x-test", "http/1.1"] });
    try {
      const client = await connect(httpd.server_port, ["x-test"]);
      expect(client.socket.alpnProtocol).toBe("x-test");
      client.socket.destroy();
    } finally {
      await stop(httpd);
    }
  });

  it("serves a client offering no ALPN; refuses one offering only h2 (RFC 7301 §3.2; CPython carries on)", async () => {
    const httpd = await start({});
    try {
      const plain = await connect(httpd.server_port, []);
      expect(plain.socket.alpnProtocol).toBe(false);
      plain.socket.write("GET /no-alpn HTTP/1.0\r\n\r\n");
      await plain.closed;
      expect(plain.received().toString()).toContain("hello over /no-alpn");
      await expect(connect(httpd.server_port, ["h2"])).rejects.toThrow(/no application protocol/i);
    } finally {
      await stop(httpd);
    }
  });

  it("drops a connection whose handshake does not come within headTimeout", async () => {
    const httpd = await start({ headTimeout: 0.2 });
    try {
      const idle = net.connect(httpd.server_port, "127.0.0.1");
      idle.on("error", () => undefined);
      await new Promise((r) => idle.on("close", r));
      const client = await connect(httpd.server_port);
      client.socket.write("GET /still HTTP/1.0\r\n\r\n");
      await client.closed;
      expect(client.received().toString()).toContain("hello over /still");
    } finally {
      await stop(httpd);
    }
  });

  it("server_close drops handshakes under way", async () => {
    const httpd = await start({});
    const idle = net.connect(httpd.server_port, "127.0.0.1");
    idle.on("error", () => undefined);
    await new Promise((r) => idle.on("connect", r));
    const closed = new Promise((r) => idle.on("close", r));
    await new Promise((r) => setTimeout(r, 50));
    await stop(httpd);
    await closed;
  });

  it("ThreadingHTTPSServer differs only in name", async () => {
    const httpd = new ThreadingHTTPSServer(["127.0.0.1", 0], Hello, { certfile: cert, keyfile: key });
    await httpd.ready;
    void httpd.serve_forever(0.05);
    try {
      expect(httpd.daemon_threads).toBe(true);
      const client = await connect(httpd.server_port);
      client.socket.write("GET /threading HTTP/1.0\r\n\r\n");
      await client.closed;
      expect(client.received().toString()).toContain("hello over /threading");
    } finally {
      await stop(httpd);
    }
  });

  it("runs CGI scripts over TLS, the POST body on their stdin", async () => {
    const root = await makeTree();
    const logs: string[] = [];
    const httpd = await start({}, handlerFor(root, logs) as unknown as typeof Hello);
    try {
      const client = await connect(httpd.server_port);
      const body = "spam=1&eggs=python&bacon=123456";
      client.socket.write(`POST /cgi-bin/file2.py HTTP/1.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await client.closed;
      const res = parseCgiResponse(client.received());
      expect(res.statusLine).toBe("HTTP/1.0 200 Script output follows");
      expect(res.body.toString()).toBe("1, python, 123456\n");
    } finally {
      await stop(httpd);
      await removeTree(root);
    }
  });
});
