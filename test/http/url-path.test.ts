// src/http/simple/url-path.ts and src/py/codec.ts against CPython 3.11 (fixtures/url-path-cases.json,
// from fixtures/gen-url-path.py), and translate_path as CPython's SimpleHTTPRequestHandlerTestCase
// checks it (test_query_arguments, test_start_with_double_slash, test_windows_colon).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { utf8Decode, utf8Encode, type DecodeErrors, type EncodeErrors } from "../../src/py/codec.js";
import { normpath, quote, translatePath, unquote, urlsplit, urlunsplit, type SplitResult } from "../../src/http/simple/url-path.js";

type Attempt<T> = { ok: T } | { error: string };
const cases = JSON.parse(readFileSync(new URL("./fixtures/url-path-cases.json", import.meta.url), "utf8")) as {
  unquote: [string, Attempt<string>, Attempt<string>][];
  normpath: [string, string][];
  translate: [string, string, string][];
  urlsplit: [string, Attempt<SplitResult>][];
  urlunsplit: [SplitResult, string][];
  quote: [string, Attempt<string>, Attempt<string>][];
  decode: [number[], Record<DecodeErrors, Attempt<string>>][];
  encode: [string, Record<EncodeErrors, Attempt<number[]>>][];
};

function attempt<T>(f: () => T): Attempt<T> {
  try {
    return { ok: f() };
  } catch {
    return { error: "" };
  }
}

/** Python exception names are not compared: only success, value, or failure. */
function shape<T>(a: Attempt<T>): Attempt<T> {
  return "ok" in a ? a : { error: "" };
}

describe("urllib.parse and posixpath ports", () => {
  it.each(cases.unquote)("unquote(%j)", (input, replace, surrogatepass) => {
    expect(attempt(() => unquote(input))).toEqual(shape(replace));
    expect(attempt(() => unquote(input, "surrogatepass"))).toEqual(shape(surrogatepass));
  });

  it.each(cases.normpath)("normpath(%j)", (input, expected) => {
    expect(normpath(input)).toBe(expected);
  });

  it.each(cases.urlsplit)("urlsplit(%j)", (input, expected) => {
    expect(attempt(() => urlsplit(input))).toEqual(shape(expected));
  });

  it.each(cases.urlunsplit)("urlunsplit(%j)", (input, expected) => {
    expect(urlunsplit(input)).toBe(expected);
  });

  it.each(cases.quote)("quote(%j)", (input, strict, surrogatepass) => {
    expect(attempt(() => quote(input))).toEqual(shape(strict));
    expect(attempt(() => quote(input, "/", "surrogatepass"))).toEqual(shape(surrogatepass));
  });
});

describe("UTF-8 with Python's error handlers", () => {
  it.each(cases.decode)("bytes(%j).decode", (bytes, expected) => {
    for (const [errors, result] of Object.entries(expected)) {
      expect(attempt(() => utf8Decode(Uint8Array.from(bytes), errors as DecodeErrors)), errors).toEqual(shape(result));
    }
  });

  it.each(cases.encode)("%j.encode", (input, expected) => {
    for (const [errors, result] of Object.entries(expected)) {
      expect(attempt(() => [...utf8Encode(input, errors as EncodeErrors)]), errors).toEqual(shape(result));
    }
  });
});

describe("translatePath (SimpleHTTPRequestHandler.translate_path)", () => {
  it.each(cases.translate)("translate_path(%j) under %j", (input, directory, expected) => {
    expect(translatePath(input, directory, "linux")).toBe(expected);
  });

  // CPython SimpleHTTPRequestHandlerTestCase.test_query_arguments
  it("drops the query and the fragment (test_query_arguments)", () => {
    for (const dir of ["/cwd", "foo", "bar"]) {
      const expected = dir + "/filename";
      expect(translatePath("/filename", dir, "linux")).toBe(expected);
      expect(translatePath("/filename?foo=bar", dir, "linux")).toBe(expected);
      expect(translatePath("/filename?a=b&spam=eggs#zot", dir, "linux")).toBe(expected);
    }
  });

  // CPython SimpleHTTPRequestHandlerTestCase.test_start_with_double_slash
  it("treats a leading // as / (test_start_with_double_slash)", () => {
    for (const dir of ["/cwd", "foo", "bar"]) {
      expect(translatePath("//filename", dir, "linux")).toBe(dir + "/filename");
      expect(translatePath("//filename?foo=bar", dir, "linux")).toBe(dir + "/filename");
    }
  });

  // CPython SimpleHTTPRequestHandlerTestCase.test_windows_colon
  it("drops drive letters and backslash components on Windows (test_windows_colon)", () => {
    for (const dir of ["C:\\cwd", "foo", "bar"]) {
      const expected = dir + "\\filename";
      expect(translatePath("c:c:c:foo/filename", dir, "win32")).toBe(expected);
      expect(translatePath("\\c:../filename", dir, "win32")).toBe(expected);
      expect(translatePath("c:\\c:..\\foo/filename", dir, "win32")).toBe(expected);
      expect(translatePath("c:c:foo\\c:c:bar/filename", dir, "win32")).toBe(expected);
    }
  });

  it("never climbs out of the directory on Windows, even through backslashes or streams", () => {
    expect(translatePath("/..\\..\\windows\\win.ini", "C:\\srv", "win32")).toBe("C:\\srv");
    expect(translatePath("/%2e%2e%5c%2e%2e%5cx", "C:\\srv", "win32")).toBe("C:\\srv");
    expect(translatePath("/a/file.txt:secret", "C:\\srv", "win32")).toBe("C:\\srv\\a");
    expect(translatePath("/a/b/", "C:\\srv\\", "win32")).toBe("C:\\srv\\a\\b/");
  });
});
