// guessType against CPython 3.11's SimpleHTTPRequestHandler.guess_type on the built-in
// mimetypes tables (fixtures/guess-type-cases.json, from fixtures/gen-guess-type.py).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { databaseType, guessType, readMimeTypes, splitext } from "../../src/http/simple/guess-type.js";

const cases = JSON.parse(readFileSync(new URL("./fixtures/guess-type-cases.json", import.meta.url), "utf8")) as [string, string][];

describe("guessType (SimpleHTTPRequestHandler.guess_type)", () => {
  it("matches CPython for every extension of its tables and the tricky names; mime-db only where CPython has none", () => {
    const differing = cases.filter(([name, type]) => guessType(name) !== type);
    // CPython's built-in table does not know these (it reads them from /etc/mime.types on Linux).
    expect(differing.map(([name, type]) => [name, type, guessType(name)])).toEqual([
      ["/srv/x.css.map", "application/octet-stream", "application/json"],
      ["/srv/x.webp", "application/octet-stream", "image/webp"],
      ["/srv/x.md", "application/octet-stream", "text/markdown"],
    ]);
  });

  it("gives the types web developers expect from mime-db, CPython's table first", () => {
    const got = ["a.webp", "a.woff2", "a.avif", "a.wasm", "a.mjs", "a.md", "A.WEBP", "a.js", "a.unknownext", "a.tar.gz", "x.foo.br"]
      .map((n) => guessType(n));
    expect(got).toEqual([
      "image/webp", "font/woff2", "image/avif", "application/wasm",
      // CPython 3.11's own table answers .mjs and .js (mime-db would say text/javascript).
      "application/javascript", "text/markdown", "image/webp", "application/javascript",
      "application/octet-stream", "application/gzip",
      // A compression suffix CPython knows as an encoding stays application/octet-stream.
      "application/octet-stream",
    ]);
    expect(databaseType("x.webp")).toBe("image/webp");
    expect(databaseType("noext")).toBeNull();
  });

  it("reads a mime.types file: type then extensions, # comments, blank lines", () => {
    const map = readMimeTypes("# comment\ntext/x-custom  cus cst # trailing\n\napplication/x-only\n  image/x-y\ty1\r\n");
    expect(map).toEqual({ ".cus": "text/x-custom", ".cst": "text/x-custom", ".y1": "image/x-y" });
    expect(guessType("a.cus", { ...map })).toBe("text/x-custom");
  });

  it("looks the handler's extensions_map up first, exact then lower-cased", () => {
    const map = { ".ts": "text/typescript", ".md": "text/markdown" };
    expect(guessType("/a/b.ts", map)).toBe("text/typescript");
    expect(guessType("/a/b.MD", map)).toBe("text/markdown");
    expect(guessType("/a/b.html", map)).toBe("text/html");
    expect(guessType("/a/b.gz", map)).toBe("application/octet-stream");
  });
});

describe("splitext (posixpath.splitext)", () => {
  it.each([
    ["a.txt", ["a", ".txt"]],
    [".bashrc", [".bashrc", ""]],
    ["/x/...b", ["/x/...b", ""]],
    ["/x.d/y", ["/x.d/y", ""]],
    ["a.b.c", ["a.b", ".c"]],
  ] as const)("splitext(%j)", (input, expected) => {
    expect(splitext(input)).toEqual(expected);
  });
});
