// Request targets for SimpleHTTPRequestHandler under fuzz/cpython.ts --static: paths built from the
// names of test/compat's tree (tree.ts) and the pieces path handling gets wrong (dot segments, their
// percent-encodings, encoded slashes and backslashes, doubled slashes, bad escapes, UTF-8 and
// latin-1 bytes, queries and fragments), sent to CPython 3.11 and basehttp serving the same tree.

import { Rng } from "./generate.js";

const PIECES = [
  "", ".", "..", "%2e", "%2E%2e", ".%2e", "sub", "deeper", "a.txt", "nested.txt", "leaf.txt", "withindex", "index.html",
  "other.txt", "withhtm", "index.htm", "a%20b", "a b", "c%20d.txt", "emptydir", "link-dir", "link-in.txt", "link-out.txt",
  "nope", "caf%C3%A9.txt", "caf\xe9.txt", "%E6%97%A5%E6%9C%AC%E8%AA%9E.txt", "f%E9-latin1.txt", "f%ED%B3%A9-latin1.txt",
  "%2f", "%2F", "%5c", "\\", "%25", "pct%2541.txt", "pct%41.txt", "hash%23.txt", "q%3F.txt", "%ZZ", "%", "%C3", "%c3%a9",
  "UPPER.TXT", "upper.txt", "a.txt%20", "%20", ";x", "a.txt;x", "%3Cb%3E", "space%20name.txt", "a%26b%3Cc%3E.txt",
  "quote%27%22s.txt", "page.html", "img.png", "data.json", "noext", "empty.txt", "archive.tar.gz", "%00", "a%00.txt",
  "outside.txt", "%2e%2e%2foutside.txt", "..%2foutside.txt", "..%5coutside.txt",
];
const PREFIXES = ["/", "/", "/", "/", "//", "///", "", "http://h/", "/./", "/../"];
const SUFFIXES = ["", "", "", "", "/", "?x", "?a=%3Cb%3E&c", "#f", "?x#y", "/.", "/..", "?", "#"];

/** Request `index` of seed `seed`: a GET (a HEAD one time in five) of a built path, HTTP/1.0. */
export function staticRequest(seed: number, index: number): { bytes: Buffer; target: string } {
  const r = new Rng((seed * 0x2545f491) ^ (index * 0x9e3779b1) ^ 0x3c6ef372);
  const segments = Array.from({ length: 1 + r.int(4) }, () => r.pick(PIECES));
  const target = r.pick(PREFIXES) + segments.join("/") + r.pick(SUFFIXES);
  const method = r.chance(0.2) ? "HEAD" : "GET";
  return { bytes: Buffer.from(`${method} ${target} HTTP/1.0\r\n\r\n`, "latin1"), target };
}

/** Why basehttp may answer `target` otherwise than CPython, as docs/API.md says, or null. */
export function staticDifference(target: string): string | null {
  // A file reached through a symlink that leaves the directory, and a NUL in the path: 404
  // (API.md; CPython serves the outside file, or fails on the NUL).
  if (/link-out|%00/.test(target)) return "escape or NUL: 404";
  return null;
}
