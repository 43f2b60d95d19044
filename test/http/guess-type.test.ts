// guessType against CPython 3.11's SimpleHTTPRequestHandler.guess_type on the built-in
// mimetypes tables (fixtures/guess-type-cases.json, from fixtures/gen-guess-type.py).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { guessType, splitext } from "../../src/http/simple/guess-type.js";

const cases = JSON.parse(readFileSync(new URL("./fixtures/guess-type-cases.json", import.meta.url), "utf8")) as [string, string][];

describe("guessType (SimpleHTTPRequestHandler.guess_type)", () => {
  it("matches CPython for every extension of its tables and the tricky names", () => {
    const got = cases.map(([name]) => [name, guessType(name)]);
    expect(got).toEqual(cases);
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
