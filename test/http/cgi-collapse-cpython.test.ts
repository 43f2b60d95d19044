// _url_collapse_path and is_cgi against CPython 3.11's own functions on random paths (fast-check):
// the collapse is what keeps `..`, `.`, `//` and %-escapes from routing around the cgi_directories
// check (CPython issues 19435 and 21323, CVE-2014-4650), so basehttp's copy (src/http/cgi/collapse.ts)
// must give the same result, or raise where CPython raises, on every path. cgi-cases.json holds
// fixed paths; this draws 3,000 more from the pieces those bugs were made of, and asks CPython
// about all of them in one process.

import fc from "fast-check";
import { expect, test } from "vitest";
import { IndexError, splitCgiPath, urlCollapsePath } from "../../src/http/cgi/collapse.js";
import { askPython } from "../compat/harness.js";

const PIECES = [
  "/", "/", "/", "..", ".", "%2e", "%2E", "%2e%2e", ".%2e", "%2f", "%2F", "%5c", "\\", "cgi-bin", "htbin", "CGI-BIN",
  "x", "a.py", "?", "?", "#", "%", "%Z", "%ZZ", "%C3%A9", "%c3", "%ff", "%00", "\xe9", ";", "=", "//", "%3F", "%23", " ", "%20",
];
const DIRS = ["/cgi-bin", "/htbin"];

/** What CPython 3.11 answers for each path: the collapsed path or an exception's name, and is_cgi's cgi_info or false. */
function cpython(paths: string[]): [string, string | false][] {
  const script = `
import json, sys
import http.server as server
out = []
for p in json.load(sys.stdin):
    try:
        c = server._url_collapse_path(p)
    except Exception as e:
        c = "!" + type(e).__name__
    h = server.CGIHTTPRequestHandler.__new__(server.CGIHTTPRequestHandler)
    h.path = p
    try:
        i = "/".join(h.cgi_info) if h.is_cgi() else False
    except Exception as e:
        i = "!" + type(e).__name__
    out.append([c, i])
json.dump(out, sys.stdout)
`;
  return askPython<[string, string | false][]>(script, paths);
}

function ours(path: string): [string, string | false] {
  const attempt = <T>(f: () => T): T | string => {
    try {
      return f();
    } catch (e) {
      if (e instanceof IndexError) return "!IndexError";
      throw e;
    }
  };
  const info = attempt(() => splitCgiPath(path, DIRS));
  return [attempt(() => urlCollapsePath(path)), Array.isArray(info) ? info.join("/") : info === null ? false : info];
}

test("urlCollapsePath and is_cgi's split agree with CPython 3.11 on 3,000 random paths", () => {
  const start = fc.constantFrom("", "", "/cgi-bin/", "/htbin/", "/cgi-bin", "/x/../cgi-bin/", "/cgi-bin/../", "cgi-bin/", "/%2e%2e/");
  const pieces = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 10 });
  const paths = fc.sample(fc.tuple(start, pieces).map(([a, p]) => a + p.join("")), { numRuns: 3000, seed: 14 });
  const want = cpython(paths);
  const differ = paths.map((p, i) => ({ p, want: want[i], got: ours(p) })).filter((x) => JSON.stringify(x.want) !== JSON.stringify(x.got));
  expect(differ.slice(0, 5)).toEqual([]);
  // The draw reaches what the check is for: paths that climb above the root, and paths is_cgi takes.
  expect(want.filter(([c]) => c === "!IndexError").length).toBeGreaterThan(100);
  expect(want.filter(([, i]) => i !== false && !String(i).startsWith("!")).length).toBeGreaterThan(500);
}, 60_000);
