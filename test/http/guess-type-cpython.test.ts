// guess_type against CPython 3.11's SimpleHTTPRequestHandler.guess_type with mimetypes on its
// built-in tables only (no /etc/mime.types), on random file names (fast-check): extensions
// from those tables in any letter case, compression suffixes and their shorthands (.tgz, .svgz),
// doubled and missing extensions, dots in directory names, data: URLs. Where CPython's tables give
// a type, basehttp must give the same; where they give none (application/octet-stream), basehttp
// may name a type from mime-db, as CPython does from /etc/mime.types (docs/API.md).

import fc from "fast-check";
import { expect, test } from "vitest";
import { guessType } from "../../src/http/simple/guess-type.js";
import { askPython } from "../compat/harness.js";

const EXTS = [
  ".txt", ".TXT", ".Txt", ".html", ".htm", ".HTML", ".js", ".mjs", ".css", ".json", ".png", ".PNG", ".jpg", ".jpeg", ".gif", ".svg",
  ".svgz", ".ico", ".pdf", ".xml", ".csv", ".tar", ".tgz", ".taz", ".tz", ".tbz2", ".txz", ".gz", ".GZ", ".bz2", ".xz", ".Z", ".br",
  ".wasm", ".webp", ".woff2", ".avif", ".md", ".py", ".c", ".h", ".sh", ".zip", ".mp4", ".mp3", ".wav", ".bat", ".exe", ".so",
  ".unknownext", ".", "", ".x", ".1", ".tar.gz", ".json.gz", ".svg.gz",
];
const DIRS = ["", "", "dir/", "a.b/", "sub.txt/", ".hidden/", "x/y.png/"];
const NAMES = ["file", "a", ".bashrc", "..", "index", "README", "archive.tar", "x.y", "data:text/plain,abc", "data:;base64,", "Data:image/png;x=1,"];

test("guess_type gives what CPython 3.11's built-in tables give for 3,000 random names", () => {
  const names = fc.sample(fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES), fc.constantFrom(...EXTS), fc.constantFrom(...EXTS, "", "", ""))
    .map(([d, n, e1, e2]) => d + n + e1 + e2), { numRuns: 3000, seed: 14 });
  const script = `
import json, sys, mimetypes
import http.server as server
# The built-in tables only: what mimetypes has before it reads /etc/mime.types.
mimetypes.inited = True
mimetypes._db = mimetypes.MimeTypes()
h = server.SimpleHTTPRequestHandler.__new__(server.SimpleHTTPRequestHandler)
json.dump([h.guess_type(n) for n in json.load(sys.stdin)], sys.stdout)
`;
  const want = askPython<string[]>(script, names);
  const differ = names.map((n, i) => ({ n, want: want[i], got: guessType(n) }))
    .filter((x) => x.want !== x.got && x.want !== "application/octet-stream");
  expect(differ.slice(0, 5)).toEqual([]);
  expect(want.filter((w) => w !== "application/octet-stream").length).toBeGreaterThan(1500);
});
