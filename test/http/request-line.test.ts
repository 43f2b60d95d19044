// src/http/request-line.ts and the ISO-8859-1 decoder (src/tokenizer/latin1.ts): the
// request-line words made from the token table (known methods and versions as constant strings,
// anything else decoded) must be the strings the bytes decode to as ISO-8859-1, for every byte
// value.

import { describe, expect, it } from "vitest";
import { DEFAULT_HEAD_LIMIT, T_WORDS } from "../../src/contract/layout.js";
import { newTable } from "../../src/contract/table.js";
import { latin1 } from "../../src/tokenizer/latin1.js";
import {
  handlerMethodName, isPlainRequestLine, plainRequestLine, requestMethod, requestTarget, requestVersion,
} from "../../src/http/request-line.js";
import { KNOWN_METHODS, KNOWN_VERSIONS } from "../../src/tokenizer/intern.js";
import { JsTokenizer } from "../../src/tokenizer/js.js";

/** Tokenise `line` + CRLF CRLF after `prefix` and return the three words as the server makes them
 * (also for a refused version such as HTTP/2.0, whose 505 answer quotes it). */
function words(line: string, prefix = "xx"): [string, string, string] {
  const bytes = Buffer.from(prefix + line + "\r\n\r\n", "latin1");
  const table = newTable();
  const start = prefix.length;
  expect(new JsTokenizer().scan(bytes, start, bytes.length, table, DEFAULT_HEAD_LIMIT)).not.toBe(0);
  expect(table[T_WORDS]).toBe(3);
  return [requestMethod(bytes, start, table), requestTarget(bytes, start, table), requestVersion(bytes, start, table)];
}

describe("request-line words", () => {
  it.each([...KNOWN_METHODS])("%s is recognised and equals its bytes", (method) => {
    const [m, target, version] = words(`${method} /x HTTP/1.1`);
    expect(m).toBe(method);
    expect(m).toBe(Buffer.from(method, "latin1").toString("latin1"));
    expect(target).toBe("/x");
    expect(version).toBe("HTTP/1.1");
  });

  it("lists the RFC 9110 methods and PATCH", () => {
    expect([...KNOWN_METHODS].sort()).toEqual(["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]);
  });

  it.each([
    "get", "Get", "GETS", "GE", "POSt", "PROPFIND", "M-SEARCH", "G\xc9T", "\xff\xfe\x80", "DELETe", "OPTION", "CONNECTS",
  ])("decodes any other method %j as its bytes (methods are case-sensitive)", (method) => {
    expect(words(`${method} / HTTP/1.0`)[0]).toBe(method);
  });

  it.each([...KNOWN_VERSIONS, "HTTP/1.2", "HTTP/1.10", "HTTP/2.0", "HTTP/0.9"])("version %s equals its bytes", (version) => {
    expect(words(`GET / ${version}`)[2]).toBe(version);
  });

  it("decodes the target as ISO-8859-1, whatever its length", () => {
    for (const target of ["/", "/a", "/\xe9t\xe9", "/" + "\xff".repeat(7), "/" + "x\x80".repeat(40)]) {
      expect(words(`GET ${target} HTTP/1.1`)[1]).toBe(target);
    }
  });

  it.each([
    ["GET / HTTP/1.1", true],
    ["POST /a?b=c HTTP/1.0", true],
    ["GET  / HTTP/1.1", false],
    ["GET /  HTTP/1.1", false],
    ["GET\t/ HTTP/1.1", false],
    ["GET /\tHTTP/1.1", false],
    ["GET / HTTP/1.1 ", false],
    ["GET / HTTP/1.1\t", false],
    ["GET /", false],
  ])("%j is a plain request line: %s (then it equals its words joined by SP)", (line, plain) => {
    for (const prefix of ["", "leftover"]) {
      const bytes = Buffer.from(prefix + line + "\r\n\r\n", "latin1");
      const table = newTable();
      new JsTokenizer().scan(bytes, prefix.length, bytes.length, table, DEFAULT_HEAD_LIMIT);
      expect(isPlainRequestLine(bytes, prefix.length, table)).toBe(plain);
      if (plain) expect(words(line, prefix).join(" ")).toBe(line);
    }
  });

  it("joins a plain request line's words, the same string while they repeat and a new one when any differs", () => {
    const line = plainRequestLine("GET", "/a", "HTTP/1.1");
    expect(line).toBe("GET /a HTTP/1.1");
    expect(Object.is(plainRequestLine("GET", "/" + "a", "HTTP/1.1"), line)).toBe(true);
    expect(plainRequestLine("HEAD", "/a", "HTTP/1.1")).toBe("HEAD /a HTTP/1.1");
    expect(plainRequestLine("HEAD", "/b", "HTTP/1.1")).toBe("HEAD /b HTTP/1.1");
    expect(plainRequestLine("HEAD", "/b", "HTTP/1.0")).toBe("HEAD /b HTTP/1.0");
    expect(plainRequestLine("GET", "/a", "HTTP/1.1")).toBe("GET /a HTTP/1.1");
  });

  it("names the handler method do_<command>", () => {
    for (const m of KNOWN_METHODS) expect(handlerMethodName(m)).toBe(`do_${m}`);
    expect(handlerMethodName("SPAM")).toBe("do_SPAM");
    expect(handlerMethodName("get")).toBe("do_get");
  });
});

describe("latin1", () => {
  it("gives Node's latin1 string for every byte value at every short length", () => {
    const all = Buffer.alloc(256 + 32);
    for (let i = 0; i < all.length; i++) all[i] = i & 0xff;
    for (let len = 0; len <= 24; len++) {
      for (let start = 0; start + len <= all.length; start++) {
        const got = latin1(all, start, start + len);
        expect(got.length).toBe(len);
        if (got !== all.toString("latin1", start, start + len)) {
          throw new Error(`bytes ${start}..${start + len}: ${JSON.stringify(got)}`);
        }
      }
    }
  });

  it("maps each byte n to U+00nn (not windows-1252)", () => {
    const bytes = Uint8Array.from([0x80, 0x9f, 0xa4, 0xff, 0x00]);
    for (let end = 1; end <= bytes.length; end++) {
      expect([...latin1(bytes, 0, end)].map((c) => c.codePointAt(0))).toEqual([...bytes.subarray(0, end)]);
    }
  });

  it("reads a plain Uint8Array as well as a Buffer", () => {
    const bytes = new Uint8Array(Buffer.from("Host: www.kittyhell.com", "latin1"));
    expect(latin1(bytes, 6, bytes.length)).toBe("www.kittyhell.com");
    expect(latin1(bytes, 0, 4)).toBe("Host");
  });
});
