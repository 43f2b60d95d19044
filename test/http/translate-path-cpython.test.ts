// SimpleHTTPRequestHandler.translate_path against CPython 3.11's own on random paths (fast-check):
// the mapping from a request path to a file name is where traversal lives (`..`, its
// percent-encodings, encoded slashes, NUL, bad escapes, undecodable bytes), and an end-to-end
// comparison sees only whether a file was found. So each path's translation itself must be
// CPython's, under a fixed directory, for 3,000 paths asked of CPython in one process.

import fc from "fast-check";
import { expect, test } from "vitest";
import { translatePath } from "../../src/http/simple/url-path.js";
import { askPython } from "../compat/harness.js";

const ROOT = "/srv/www";
const PIECES = [
  "/", "/", "/", "..", ".", "%2e", "%2E", "%2e%2e", ".%2e", "%2f", "%2F", "%5c", "\\", "a", "b.txt", "outside.txt", "sub",
  "?", "#", "%", "%Z", "%ZZ", "%C3%A9", "%c3", "%ff", "%ED%B3%A9", "%00", "\xe9", ";", "//", "%3F", "%23", " ", "%20", "C:", "~",
];

function cpython(paths: string[]): string[] {
  const script = `
import json, sys
import http.server as server
h = server.SimpleHTTPRequestHandler.__new__(server.SimpleHTTPRequestHandler)
h.directory = ${JSON.stringify(ROOT)}
json.dump([h.translate_path(p) for p in json.load(sys.stdin)], sys.stdout)
`;
  return askPython<string[]>(script, paths);
}

test("translatePath gives CPython 3.11's file name for 3,000 random paths, none outside the directory", () => {
  const start = fc.constantFrom("/", "/", "", "//", "/sub/", "/../", "/%2e%2e/", "http://h/");
  const paths = fc.sample(fc.tuple(start, fc.array(fc.constantFrom(...PIECES), { maxLength: 10 })).map(([a, p]) => a + p.join("")), { numRuns: 3000, seed: 14 });
  const want = cpython(paths);
  const got = paths.map((p) => translatePath(p, ROOT, "linux"));
  const differ = paths.map((p, i) => ({ p, want: want[i], got: got[i] })).filter((x) => x.want !== x.got);
  expect(differ.slice(0, 5)).toEqual([]);
  for (const g of got) expect(g === ROOT || g.startsWith(ROOT + "/")).toBe(true);
  expect(got.filter((g) => g.split("/").includes("..")).length).toBe(0);
  // The draw reaches traversal attempts: paths holding .. or an encoded one.
  expect(paths.filter((p) => /\.\.|%2e/i.test(p)).length).toBeGreaterThan(1000);
}, 60_000);
