// The urllib.parse and posixpath functions SimpleHTTPRequestHandler leans on (quote for the
// listing's links, unquote, urlsplit for the directory redirect, normpath) against CPython 3.11's
// own on random strings (fast-check): percent signs good and bad, UTF-8 and latin-1 and astral
// characters, lone surrogates, slashes, dots, `?`, `#`, `:` and `//` in every order. Each result,
// or the exception CPython raises, must be the same.

import fc from "fast-check";
import { expect, test } from "vitest";
import { normpath, quote, unquote, urlsplit } from "../../src/http/simple/url-path.js";
import { askPython } from "../compat/harness.js";

const PIECES = [
  "/", "/", "a", "b.txt", ".", "..", "%", "%2", "%2e", "%2F", "%41", "%c3%a9", "%C3", "%ff", "%ED%B3%A9", "%F0%9F%98%80", "%00", "%ZZ",
  "?", "#", ":", "//", "http:", "https://h", "@", ";", "=", "&", " ", "+", "~", "\\", "\x00", "\x7f", "\xe9", "\xff", "日", "😀", "\ud800", "\udcff", "'", '"',
];

function cpython(strings: string[]): unknown[][] {
  const script = `
import json, sys, posixpath
import urllib.parse as up
def attempt(f):
    try:
        return f()
    except Exception as e:
        return "!" + type(e).__name__
out = []
for s in json.load(sys.stdin):
    out.append([
        attempt(lambda: up.quote(s, errors="surrogatepass")),
        attempt(lambda: up.unquote(s)),
        attempt(lambda: up.unquote(s, errors="surrogatepass")),
        attempt(lambda: list(up.urlsplit(s))),
        attempt(lambda: posixpath.normpath(s)),
    ])
json.dump(out, sys.stdout)
`;
  return askPython<unknown[][]>(script, strings);
}

function attempt(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return "!" + (e as Error).name;
  }
}

test("quote, unquote, urlsplit and normpath give CPython 3.11's results on 3,000 random strings", () => {
  const strings = fc.sample(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((p) => p.join("")), { numRuns: 3000, seed: 14 });
  // CPython raises UnicodeDecodeError and UnicodeEncodeError, subclasses of UnicodeError, which is
  // what src/py/codec.ts throws for both.
  const want = cpython(strings).map((r) => r.map((x) => (typeof x === "string" ? x.replace(/^!Unicode(?:De|En)codeError$/, "!UnicodeError") : x)));
  const got = strings.map((s) => [
    attempt(() => quote(s, "/", "surrogatepass")),
    attempt(() => unquote(s)),
    attempt(() => unquote(s, "surrogatepass")),
    attempt(() => [...urlsplit(s)]),
    attempt(() => normpath(s)),
  ]);
  const names = ["quote", "unquote", "unquote surrogatepass", "urlsplit", "normpath"];
  const differ = strings.flatMap((s, i) => names.map((n, k) => ({ n, s, want: want[i]![k], got: got[i]![k] })).filter((x) => JSON.stringify(x.want) !== JSON.stringify(x.got)));
  expect(differ.slice(0, 5)).toEqual([]);
}, 60_000);
