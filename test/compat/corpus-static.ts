// The SimpleHTTPRequestHandler part of the compat corpus (corpus.ts has the format): requests
// against the tree of tree.ts, served by CPython 3.11 and basehttp from the same directory.
// A file answer differs only by the validators basehttp adds (ETag, Accept-Ranges).

import { expect } from "vitest";
import type { Case, ServerName } from "./corpus.js";
import { CLAUSES, SAME, differs, notEscaping, nothing, parts, withValidators, type Relation } from "./relations.js";
import { LAST_MODIFIED } from "./tree.js";

function get(path: string, relation: Relation = SAME, extra = "", server: ServerName = "simple10"): Case {
  return { name: `GET ${JSON.stringify(path)}${extra ? " with " + JSON.stringify(extra.trim()) : ""}`, server, request: `GET ${path} HTTP/1.0\r\n${extra}\r\n`, relation };
}

/** A file: the same answer but for ETag and Accept-Ranges. */
const file = (path: string, extra = ""): Case => get(path, withValidators(), extra);

const FILES = [
  "/a.txt", "/page.html", "/data.json", "/img.png", "/script.js", "/style.css", "/archive.tar.gz", "/notes.bz2",
  "/UPPER.TXT", "/noext", "/file.unknownext", "/empty.txt", "/space%20name.txt", "/a%26b%3Cc%3E.txt",
  "/quote%27%22s.txt", "/pct%2541.txt", "/hash%23.txt", "/q%3F.txt", "/caf%C3%A9.txt",
  "/%E6%97%A5%E6%9C%AC%E8%AA%9E.txt", "/f%ED%B3%A9-latin1.txt", "/sub/nested.txt", "/sub/deeper/leaf.txt",
  "/withindex/", "/withindex/?x", "/withindex/index.html", "/withhtm/", "/a%20b/c%20d.txt", "/link-in.txt", "/link-dir/nested.txt",
  "/a.txt?x=1", "/a.txt#frag", "/a.txt?x#y", "/sub/../a.txt", "/./a.txt", "//a.txt", "/sub//nested.txt",
  "/%2e%2e/a.txt", "/sub/%2e%2e/a.txt", "/sub/..%2fa.txt", "a.txt",
];

/** Same answer: listings, redirects and errors carry no file validators. */
const SAME_PATHS = [
  "/", "/sub/", "/sub/deeper/", "/emptydir/", "/a%20b/", "/link-dir/", "/sub/?a=%3Cb%3E&c#x%20y",
  "/sub", "/withindex", "/a%20b", "/emptydir", "/link-dir", "/sub?x=1", "/sub?x=1#f", "//sub", "///evil.com/sub",
  "/%2Fsub", "/sub%2F", "sub", "http://h/sub", "/sub/deeper",
  "/nope", "/a.txt/", "/%ZZ", "/%", "/sub/%3Cb%3E", "/%3Cb%3E/", "/..", "/../outside.txt", "/%2e%2e/outside.txt",
  "/sub/%2e%2e/", "/sub/.", "/sub/..", ".", "/a.txt%20", "/sub/%20", "/\xe9/", "/%C3%A9/", "/%ff/", "/sub/\x01",
  "/%C3%A9%ZZ/", "/sub/%ED%B3%A9/", "/f%E9-latin1.txt", "http://example.com/a.txt", "/a\\b", "/sub\\nested.txt", "/?q=<script>",
];

const IMS = (date: string): string => `If-Modified-Since: ${date}\r\n`;

export const SIMPLE_CASES: Case[] = [
  ...FILES.map((p) => file(p)),
  ...SAME_PATHS.map((p) => get(p)),
  { name: "HEAD of a file", server: "simple10", request: "HEAD /a.txt HTTP/1.0\r\n\r\n", relation: withValidators(true) },
  { name: "HEAD of a listing", server: "simple10", request: "HEAD /sub/ HTTP/1.0\r\n\r\n", relation: SAME },
  { name: "HEAD of a redirect", server: "simple10", request: "HEAD /sub HTTP/1.0\r\n\r\n", relation: SAME },
  { name: "HEAD of a missing file", server: "simple10", request: "HEAD /nope HTTP/1.0\r\n\r\n", relation: SAME },
  { name: "POST: 501", server: "simple10", request: "POST /a.txt HTTP/1.0\r\nContent-Length: 1\r\n\r\nx", relation: SAME },
  { name: "HTTP/0.9 GET of a file: body only", server: "simple10", request: "GET /a.txt\r\n\r\n", relation: SAME },
  { name: "HTTP/0.9 GET of a listing: body only", server: "simple10", request: "GET /sub/\r\n\r\n", relation: SAME },
  { name: "HTTP/0.9 GET of a missing file: body only", server: "simple10", request: "GET /nope\r\n\r\n", relation: SAME },
  // If-Modified-Since (RFC 9110 §13.1.3), parsed as email.utils.parsedate_to_datetime does.
  get("/a.txt", withValidators(), IMS(LAST_MODIFIED)),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 03:04:04 GMT")),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 03:04:06 GMT")),
  get("/a.txt", withValidators(), IMS("garbage")),
  get("/a.txt", withValidators(), IMS("")),
  get("/a.txt", withValidators(), IMS("Thursday, 02-Jan-20 03:04:05 GMT")),
  get("/a.txt", withValidators(), IMS("Thu Jan  2 03:04:05 2020")),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 04:04:05 +0100")),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 03:04:05 -0000")),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 03:04:05")),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 03:04:05 EST")),
  get("/a.txt", withValidators(), IMS("Thu, 02 Jan 2020 03:04:05 UT")),
  get("/a.txt", withValidators(), IMS("02 Jan 2020 03:04:05 GMT")),
  get("/a.txt", withValidators(), IMS("Fri, 31 Dec 9999 23:59:59 GMT")),
  get("/a.txt", withValidators(), IMS("Mon, 01 Jan 1900 00:00:00 GMT")),
  get("/a.txt", withValidators(), `if-modified-since:  ${LAST_MODIFIED}  \r\n`),
  get("/a.txt", withValidators(), IMS(LAST_MODIFIED) + IMS("garbage")),
  get("/a.txt", withValidators(), IMS("garbage") + IMS(LAST_MODIFIED)),
  get("/a.txt", withValidators(), IMS(LAST_MODIFIED) + 'If-None-Match: "no-match"\r\n'),
  get("/sub/", SAME, IMS("Fri, 31 Dec 9999 23:59:59 GMT")),
  // Beyond CPython: If-None-Match and Range (RFC 9110 §13.1.2, §14.2).
  get("/a.txt", differs(CLAUSES.staticExtras, (py, bh) => {
    expect(parts(py.text)[0]!.statusLine).toBe("HTTP/1.0 200 OK");
    const p = parts(bh.text);
    expect(p.map((x) => x.statusLine)).toEqual(["HTTP/1.0 304 Not Modified"]);
    expect(p[0]!.header("ETag")).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
  }), "If-None-Match: *\r\n"),
  get("/a.txt", differs(CLAUSES.staticExtras, (py, bh) => {
    expect(parts(py.text)[0]!.body).toBe("hello\n");
    const p = parts(bh.text);
    expect(p.map((x) => x.statusLine)).toEqual(["HTTP/1.0 206 Partial Content"]);
    expect(p[0]!.header("Content-Range")).toBe("bytes 1-3/6");
    expect(p[0]!.body).toBe("ell");
  }), "Range: bytes=1-3\r\n"),
  get("/a.txt", differs(CLAUSES.staticExtras, (py, bh) => {
    expect(parts(py.text)[0]!.statusLine).toBe("HTTP/1.0 200 OK");
    const p = parts(bh.text);
    expect(p.map((x) => x.statusLine)).toEqual(["HTTP/1.0 416 Requested Range Not Satisfiable"]);
    expect(p[0]!.header("Content-Range")).toBe("bytes */6");
  }), "Range: bytes=10-20\r\n"),
  // Beyond CPython: no way out of the directory through a symlink, no crash on %00.
  get("/link-out.txt", notEscaping((py) => expect(parts(py.text)[0]!.body).toBe("outside the served directory\n"))),
  get("/a%00.txt", notEscaping(nothing)),
  get("/sub/%00", notEscaping(nothing)),
  // Persistent connections (protocol_version HTTP/1.1).
  { name: "keep-alive: file, redirect, missing", server: "simple11", request: "GET /a.txt HTTP/1.1\r\n\r\nGET /sub HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n", relation: withValidators() },
  { name: "keep-alive: file, listing, HEAD with close", server: "simple11", request: "GET /a.txt HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\nHEAD /a.txt HTTP/1.1\r\nConnection: close\r\n\r\nGET /x HTTP/1.1\r\n\r\n", relation: withValidators() },
  { name: "keep-alive: 304 then a file", server: "simple11", request: `GET /a.txt HTTP/1.1\r\n${IMS(LAST_MODIFIED)}\r\nGET /data.json HTTP/1.1\r\n\r\n`, relation: withValidators() },
  { name: "keep-alive: listing, redirect, listing", server: "simple11", request: "GET /sub/ HTTP/1.1\r\n\r\nGET /sub HTTP/1.1\r\n\r\nGET /emptydir/ HTTP/1.1\r\nConnection: close\r\n\r\n", relation: SAME },
  { name: "keep-alive: HTTP/1.0 request closes", server: "simple11", request: "GET /sub/ HTTP/1.0\r\n\r\nGET /sub HTTP/1.1\r\n\r\n", relation: SAME },
];
