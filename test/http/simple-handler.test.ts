// SimpleHTTPRequestHandler over real sockets on 127.0.0.1 and temporary directories: CPython
// 3.11's SimpleHTTPServerTestCase (Lib/test/test_httpservers.py) as our own tests, each naming
// the CPython test it mirrors, then what basehttp adds (symlink containment, %00, ETag, Range).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SimpleHTTPRequestHandler, type ResponseSource } from "../../src/http/simple-handler.js";
import { serve, serverPerTest, type Running } from "../server/helpers.js";
import { exchangeRaw, parseResponses, request, type RawResponse } from "./simple-client.js";

const DATA = Buffer.from("We are the knights who say Ni!");

let root: string;
/** The server of every test but those that start their own (own.start). */
let httpd: Running;
let port: number;
/** The per-test directory under root, and its URL. */
let tempdir: string;
let tempdirName: string;
let baseUrl: string;

/** CPython's NoLogRequestHandler + SimpleHTTPRequestHandler, serving `root`. */
class Handler extends SimpleHTTPRequestHandler {
  override directory = root;
  override log_message(): void {}
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "basehttp-simple-"));
  httpd = await serve(Handler, { parser: "js" });
  port = httpd.port;
});

afterAll(async () => {
  await httpd.stop();
  await rm(root, { recursive: true, force: true });
});

/** A server of a test's own, for the tests that serve another handler class. */
const own = serverPerTest();

beforeEach(async () => {
  tempdir = await mkdtemp(join(root, "t"));
  tempdirName = basename(tempdir);
  baseUrl = "/" + tempdirName;
  await writeFile(join(tempdir, "test"), DATA);
});

const get = (target: string, headers: Record<string, string> = {}) => request(port, target, { headers });

/** CPython's check_status_and_reason: the status, the body if given, HTTP/1.0 and a closed connection. */
function check(response: RawResponse, status: number, data?: Buffer | string): Buffer {
  expect(response.status).toBe(status);
  expect(response.reason).not.toBe("");
  if (data !== undefined) expect(response.body).toEqual(Buffer.from(data));
  expect(response.version).toBe("HTTP/1.0");
  expect(response.header("Connection") ?? "close").toBe("close");
  return response.body;
}

/** email.utils.formatdate(mtime, usegmt=True), written out from the parts of the date. */
function imfFixdate(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

async function lastModifHeader(): Promise<[string, number]> {
  const mtime = (await stat(join(tempdir, "test"))).mtimeMs / 1000;
  return [imfFixdate(mtime), Math.floor(mtime)];
}

describe("SimpleHTTPServerTestCase (CPython 3.11)", () => {
  it("test_get", async () => {
    check(await get(baseUrl + "/test"), 200, DATA);
    // A trailing "/" on a file is 404 (CPython issue 17324).
    check(await get(baseUrl + "/test/"), 404);
    check(await get(baseUrl + "/"), 200);
    const redirect = await get(baseUrl);
    check(redirect, 301);
    expect(redirect.header("Content-Length")).toBe("0");
    check(await get(baseUrl + "/?hi=2"), 200);
    const withQuery = await get(baseUrl + "?hi=1");
    check(withQuery, 301);
    expect(withQuery.header("Location")).toBe(baseUrl + "/?hi=1");
    check(await get("/ThisDoesNotExist"), 404);
    check(await get("/ThisDoesNotExist/"), 404);
    await mkdir(join(tempdir, "spam", "index.html"), { recursive: true });
    check(await get(baseUrl + "/spam/"), 200);
    const data = Buffer.from("Dummy index file\r\n");
    await writeFile(join(tempdir, "index.html"), data);
    check(await get(baseUrl + "/"), 200, data);
  });

  it("test_get: an unreadable directory is 404 No permission to list directory", async () => {
    // CPython chmods the directory to 0, which root ignores; a listing of a directory that
    // vanished between the lookup and the read takes the same path whoever runs the test.
    class Vanishing extends Handler {
      override list_directory(path: string): Promise<ResponseSource | null> {
        return super.list_directory(path + "vanished/");
      }
    }
    const p = await own.start(Vanishing, { parser: "js" });
    const r = await request(p, baseUrl + "/");
    check(r, 404);
    expect(r.body.toString()).toContain("No permission to list directory");
    if (process.getuid?.() !== 0) {
      await chmod(tempdir, 0);
      try {
        check(await get(baseUrl + "/"), 404);
      } finally {
        await chmod(tempdir, 0o755);
      }
    }
  });

  it("test_head", async () => {
    const r = await request(port, baseUrl + "/test", { method: "HEAD" });
    check(r, 200);
    expect(r.body.length).toBe(0);
    expect(r.header("content-length")).toBe(String(DATA.length));
    expect(r.header("content-type")).toBe("application/octet-stream");
  });

  it("test_browser_cache", async () => {
    const [header, mtime] = await lastModifHeader();
    check(await get(baseUrl + "/test", { "If-Modified-Since": header }), 304);
    // One hour after the last modification: still 304.
    check(await get(baseUrl + "/test", { "If-Modified-Since": imfFixdate(mtime + 3600) }), 304);
  });

  it("test_browser_cache_file_changed", async () => {
    const [, mtime] = await lastModifHeader();
    check(await get(baseUrl + "/test", { "If-Modified-Since": imfFixdate(mtime - 365 * 86400) }), 200, DATA);
  });

  it("test_browser_cache_with_If_None_Match_header: If-None-Match overrides If-Modified-Since", async () => {
    // CPython ignores If-None-Match entirely, so its "*" gets 200 there. basehttp implements
    // If-None-Match (RFC 9110 §13.1.2): "*" matches (304, next test); a tag that does not match
    // still makes If-Modified-Since ignored, as CPython does: 200.
    const [header] = await lastModifHeader();
    check(await get(baseUrl + "/test", { "If-Modified-Since": header, "If-None-Match": '"other"' }), 200, DATA);
  });

  it("test_invalid_requests", async () => {
    for (const method of ["FOO", "custom", "GETs"]) check(await request(port, "/", { method }), 501);
  });

  it("test_last_modified", async () => {
    const r = await get(baseUrl + "/test");
    check(r, 200, DATA);
    expect(r.header("Last-modified")).toBe((await lastModifHeader())[0]);
  });

  it("test_path_without_leading_slash", async () => {
    check(await get(tempdirName + "/test"), 200, DATA);
    check(await get(tempdirName + "/test/"), 404);
    check(await get(tempdirName + "/"), 200);
    check(await get(tempdirName), 301);
    check(await get(tempdirName + "/?hi=2"), 200);
    const r = await get(tempdirName + "?hi=1");
    check(r, 301);
    expect(r.header("Location")).toBe(tempdirName + "/?hi=1");
  });

  it("test_html_escape_filename", async () => {
    await writeFile(join(tempdir, "<test&>.txt"), "");
    const r = await get(baseUrl + "/");
    const body = check(r, 200);
    expect(r.header("Content-type")).toBe("text/html; charset=utf-8");
    expect(body.toString("utf8")).toContain(">&lt;test&amp;&gt;.txt<");
  });

  it("test_undecodable_filename", async () => {
    // os_helper.TESTFN_UNDECODABLE's bytes on a UTF-8 system: e7 77 f0 is not UTF-8.
    const name = Buffer.concat([Buffer.from("@test_undecodable_"), Buffer.from([0xe7, 0x77, 0xf0]), Buffer.from(".txt")]);
    const content = Buffer.from([0xe7, 0x77, 0xf0]);
    await writeFile(Buffer.concat([Buffer.from(tempdir + "/"), name]), content);
    const body = check(await get(baseUrl + "/"), 200);
    // quote(fsdecode(name), errors='surrogatepass'): each undecodable byte b is U+DC00+b, UTF-8 ED B3 xx.
    const quoted = "%40test_undecodable_%ED%B3%A7w%ED%B3%B0.txt"; // "@" is not in quote()'s safe set
    expect(body.includes(Buffer.from(`href="${quoted}"`))).toBe(true);
    expect(body.includes(Buffer.concat([Buffer.from(">"), name, Buffer.from("<")]))).toBe(true);
    check(await get(baseUrl + "/" + quoted), 200, content);
  });

  it("test_undecodable_parameter", async () => {
    const ok = await get(baseUrl + "/?x=123");
    expect(ok.body.toString("latin1")).toContain(`listing for ${baseUrl}/?x=123`);
    const bogus = await get(baseUrl + "/?x=%bb");
    expect(bogus.body.toString("latin1")).toContain(`listing for ${baseUrl}/?x=\xef\xbf\xbd`);
  });

  it("test_get_dir_redirect_location_domain_injection_bug", async () => {
    await mkdir(join(tempdir, "existing_directory"));
    const url = `/python.org/..%2f..%2f..%2f..%2f..%2f../%0a%0d/../${tempdirName}/existing_directory`;
    const expected = `${url}/`;
    const plain = await get(url);
    check(plain, 301);
    expect(plain.header("Location")).toBe(expected);
    // //python.org... multi-slash prefix: never a network-path reference in Location.
    const attack = await get(`/${url}`);
    check(attack, 301);
    expect(attack.header("Location")!.startsWith("//")).toBe(false);
    expect(attack.header("Location")).toBe(expected);
    const attack3 = await get(`//${url}`);
    check(attack3, 301);
    expect(attack3.header("Location")).toBe(expected);
    // An absolute-form target keeps its scheme and host.
    const absolute = await get(`https://pypi.org/${url}`);
    check(absolute, 301);
    expect(absolute.header("Location")!.startsWith("https://pypi.org/")).toBe(true);
  });
});

describe("SimpleHTTPRequestHandlerTestCase (CPython 3.11): translate_path on the handler", () => {
  it("test_query_arguments / test_start_with_double_slash, with the directory option", () => {
    const fake = { server: null } as never;
    const h1 = new SimpleHTTPRequestHandler(new PassThrough(), ["127.0.0.1", 1], fake);
    const h2 = new SimpleHTTPRequestHandler(new PassThrough(), ["127.0.0.1", 1], fake, { directory: "foo" });
    expect(h1.directory).toBe(process.cwd());
    expect(h1.translate_path("/filename?foo=bar")).toBe(join(process.cwd(), "filename"));
    expect(h2.translate_path("/filename?a=b&spam=eggs#zot")).toBe("foo/filename");
    expect(h2.translate_path("//filename")).toBe("foo/filename");
    expect(h2.server_version).toBe("SimpleHTTP/0.6");
  });
});

describe("the listing page end to end", () => {
  it("is CPython's page byte for byte for the same tree (fixtures/listing-cases.json)", async () => {
    const fixture = (JSON.parse(readFileSync(new URL("./fixtures/listing-cases.json", import.meta.url), "utf8")) as { path: string; html: string }[])
      .find((c) => c.path === "/")!;
    const d = tempdir;
    for (const n of ["b.txt", "A.txt", "<test&>.txt", "q\"uote's", "sp ace", "caf\xe9", "\u{1F600}", "Zeta", ".hidden", "x%20y", "~tilde", "#hash?"]) {
      await writeFile(join(d, n), "");
    }
    await rm(join(d, "test"));
    await writeFile(join(d, "a.txt"), "");
    await mkdir(join(d, "zeta-dir"));
    await symlink(join(d, "zeta-dir"), join(d, "link-to-dir"));
    await symlink(join(d, "b.txt"), join(d, "link-to-file"));
    await symlink(join(d, "nowhere"), join(d, "broken-link"));
    await writeFile(Buffer.concat([Buffer.from(d + "/bad"), Buffer.from([0xff, 0xfe]), Buffer.from("name")]), "");
    class Here extends Handler {
      override directory = d;
    }
    const p = await own.start(Here, { parser: "js" });
    const r = await request(p, "/");
    check(r, 200);
    // "A.txt" and "a.txt" sort equal; CPython keeps os.listdir's order for them, as we do.
    const norm = (b: Buffer) => b.toString("latin1").replace(/<li><a href="a\.txt">a\.txt<\/a><\/li>\n<li><a href="A\.txt">A\.txt<\/a><\/li>/, '<li><a href="A.txt">A.txt</a></li>\n<li><a href="a.txt">a.txt</a></li>');
    expect(norm(r.body)).toBe(norm(Buffer.from(fixture.html, "base64")));
    expect(r.header("Content-Length")).toBe(String(r.body.length));
  });
});

describe("beyond CPython: nothing outside the directory, nothing crashes", () => {
  let outside: string;
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), "basehttp-outside-"));
    await writeFile(join(outside, "secret"), "secret");
  });
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it("refuses symbolic links that lead out of the directory, follows those that stay in", async () => {
    await symlink(join(outside, "secret"), join(tempdir, "to-secret"));
    await symlink(outside, join(tempdir, "to-outside"));
    await symlink(join(tempdir, "test"), join(tempdir, "to-test"));
    check(await get(baseUrl + "/to-secret"), 404);
    check(await get(baseUrl + "/to-outside/"), 404);
    check(await get(baseUrl + "/to-outside/secret"), 404);
    check(await get(baseUrl + "/to-test"), 200, DATA);
    // An index.html that is a link out is not served either: the directory is listed instead.
    await symlink(join(outside, "secret"), join(tempdir, "index.html"));
    const listing = check(await get(baseUrl + "/"), 200);
    expect(listing.toString()).toContain("Directory listing for");
  });

  it.each([
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/../../../../etc/passwd",
    "/..\\..\\..\\etc\\passwd", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd", "/.%2e/.%2e/etc/passwd",
  ])("does not climb out with %s", async (target) => {
    check(await get(target), 404);
  });

  it.each(["/%00", `/test%00.txt`, "/%00/", "/a%00b/c"])("answers 404 to %s and keeps serving", async (target) => {
    check(await get(target), 404);
    check(await get(baseUrl + "/test"), 200, DATA);
  });

  it("answers a path with a surrogate no file name can hold without crashing (%ED%A0%80)", async () => {
    check(await get(baseUrl + "/%ED%A0%80"), 404);
    const r = await get(baseUrl + "/?%ED%A0%80");
    check(r, 200);
    expect(r.body.toString("utf8")).toContain("\ufffd");
  });
});

describe("beyond CPython: ETag, If-None-Match, Range", () => {
  const ALPHABET = Buffer.from("abcdefghijklmnopqrstuvwxyz");
  beforeEach(async () => {
    await writeFile(join(tempdir, "abc.txt"), ALPHABET);
  });

  it("sends ETag and Accept-Ranges, and 304 for a matching If-None-Match (weak comparison)", async () => {
    const r = await get(baseUrl + "/abc.txt");
    check(r, 200, ALPHABET);
    expect(r.header("Content-Type")).toBe("text/plain");
    expect(r.header("Accept-Ranges")).toBe("bytes");
    const etag = r.header("ETag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const again = await get(baseUrl + "/abc.txt", { "If-None-Match": inm });
      check(again, 304);
      expect(again.header("ETag")).toBe(etag);
    }
    await utimes(join(tempdir, "abc.txt"), new Date(1e12), new Date(1e12));
    check(await get(baseUrl + "/abc.txt", { "If-None-Match": etag }), 200, ALPHABET);
  });

  it.each([
    ["bytes=0-4", "abcde", "bytes 0-4/26"],
    ["bytes=10-", "klmnopqrstuvwxyz", "bytes 10-25/26"],
    ["bytes=-3", "xyz", "bytes 23-25/26"],
    ["bytes=20-1000", "uvwxyz", "bytes 20-25/26"],
  ])("answers Range: %s with 206", async (range, body, contentRange) => {
    const r = await get(baseUrl + "/abc.txt", { Range: range });
    check(r, 206, body);
    expect(r.header("Content-Range")).toBe(contentRange);
    expect(r.header("Content-Length")).toBe(String(body.length));
  });

  it("answers an unsatisfiable Range with 416 and the size", async () => {
    const r = await get(baseUrl + "/abc.txt", { Range: "bytes=26-" });
    check(r, 416);
    expect(r.header("Content-Range")).toBe("bytes */26");
  });

  it("ignores several ranges, other units, HEAD and a stale If-Range: whole file, 200", async () => {
    check(await get(baseUrl + "/abc.txt", { Range: "bytes=0-1,3-4" }), 200, ALPHABET);
    check(await get(baseUrl + "/abc.txt", { Range: "lines=0-1" }), 200, ALPHABET);
    const head = await request(port, baseUrl + "/abc.txt", { method: "HEAD", headers: { Range: "bytes=0-1" } });
    check(head, 200);
    expect(head.header("Content-Length")).toBe("26");
    check(await get(baseUrl + "/abc.txt", { Range: "bytes=0-1", "If-Range": '"stale"' }), 200, ALPHABET);
    const etag = (await get(baseUrl + "/abc.txt")).header("ETag")!;
    check(await get(baseUrl + "/abc.txt", { Range: "bytes=0-1", "If-Range": etag }), 206, "ab");
  });

  it("streams a large file whole and intact", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 12)) & 0xff;
    await writeFile(join(tempdir, "big.bin"), big);
    const r = await get(baseUrl + "/big.bin");
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(big.length);
    expect(createHash("sha256").update(r.body).digest("hex")).toBe(createHash("sha256").update(big).digest("hex"));
    const part = await get(baseUrl + "/big.bin", { Range: "bytes=1048570-2097160" });
    expect(part.status).toBe(206);
    expect(part.body.equals(big.subarray(1048570, 2097161))).toBe(true);
  });
});

describe("HTTP/1.1 keep-alive", () => {
  it("serves several files and listings on one connection with exact Content-Lengths", async () => {
    class KeepAlive extends Handler {
      static {
        this.prototype.protocol_version = "HTTP/1.1";
      }
    }
    const p = await own.start(KeepAlive, { parser: "js" });
    const host = `Host: 127.0.0.1\r\n`;
    const raw = await exchangeRaw(p,
      `GET ${baseUrl}/test HTTP/1.1\r\n${host}\r\n` +
      `HEAD ${baseUrl}/ HTTP/1.1\r\n${host}\r\n` +
      `GET ${baseUrl}/ HTTP/1.1\r\n${host}\r\n` +
      `GET ${baseUrl}/test HTTP/1.1\r\n${host}If-Modified-Since: ${(await lastModifHeader())[0]}\r\n\r\n` +
      `GET ${baseUrl} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
    const rs = parseResponses(raw, (i) => i === 1);
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 304, 301]);
    expect(rs[0]!.body).toEqual(DATA);
    expect(rs[1]!.header("Content-Length")).toBe(rs[2]!.header("Content-Length"));
    expect(rs[2]!.body.toString()).toContain("Directory listing for");
  });
});
