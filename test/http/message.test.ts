// HTTPMessage over tables from the TypeScript tokenizer, against what CPython 3.11's
// http.client.parse_headers answers for the same heads (fixtures/message-cases.json, from
// fixtures/gen-message.py), plus the ISO-8859-1 decoding and laziness rules of docs/API.md.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_HEAD_LIMIT } from "../../src/contract/layout.js";
import { newTable } from "../../src/contract/table.js";
import { HTTPMessage } from "../../src/http/message.js";
import { JsTokenizer } from "../../src/tokenizer/js.js";

interface Case {
  head: string;
  keys: string[];
  values: string[];
  items: [string, string][];
  str: string;
  len: number;
  get: Record<string, string | null>;
  get_all: Record<string, string[] | null>;
  in: Record<string, boolean>;
}

const cases = JSON.parse(readFileSync(new URL("./fixtures/message-cases.json", import.meta.url), "utf8")) as Case[];

/** Tokenise `prefix` + "GET / HTTP/1.1\r\n" + head (latin-1) and view its headers. */
function message(head: string, prefix = ""): HTTPMessage {
  const bytes = Buffer.from(prefix + "GET / HTTP/1.1\r\n" + head, "latin1");
  const table = newTable();
  const start = prefix.length;
  const outcome = new JsTokenizer().scan(bytes, start, bytes.length, table, DEFAULT_HEAD_LIMIT);
  expect(outcome).toBe(bytes.length - start);
  return new HTTPMessage(bytes, start, table);
}

const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

describe.each(cases.map((c) => [JSON.stringify(c.head), c] as const))("HTTPMessage of %s", (_, c) => {
  for (const prefix of ["", "leftover bytes before the head"]) {
    describe(prefix === "" ? "at offset 0" : "at a later offset", () => {
      const m = message(c.head, prefix);

      it("keys, values, items, size as Python's", () => {
        expect(m.keys()).toEqual(c.keys);
        expect(m.values()).toEqual(c.values);
        expect(m.items()).toEqual(c.items);
        expect([...m]).toEqual(c.items);
        expect(m.size).toBe(c.len);
      });

      it("get, get_all and `in` as Python's, case-insensitively", () => {
        for (const [name, v] of Object.entries(c.get)) expect(m.get(name), name).toBe(orUndefined(v));
        for (const [name, v] of Object.entries(c.get_all)) expect(m.get_all(name), name).toEqual(orUndefined(v));
        for (const [name, v] of Object.entries(c.in)) expect(m.has(name), name).toBe(v);
      });

      it("toString as Python's str(headers)", () => {
        expect(m.toString()).toBe(c.str);
        expect(`${m}`).toBe(c.str);
      });
    });
  }
});

describe("HTTPMessage decoding and defaults", () => {
  it("decodes obs-text as ISO-8859-1, not windows-1252 (0x80 is U+0080, not U+20AC)", () => {
    const m = message("X-A: \x80\x9f\xa4\xff\r\n\r\n");
    expect(m.get("x-a")).toBe("\u0080\u009f\u00a4\u00ff");
    expect([...m.get("x-a")!].map((ch) => ch.codePointAt(0))).toEqual([0x80, 0x9f, 0xa4, 0xff]);
  });

  it("returns the default of get and get_all when the field is absent", () => {
    const m = message("Host: h\r\n\r\n");
    expect(m.get("nope")).toBeUndefined();
    expect(m.get("nope", "dflt")).toBe("dflt");
    expect(m.get("host", "dflt")).toBe("h");
    expect(m.get_all("nope")).toBeUndefined();
    expect(m.get_all("nope", [])).toEqual([]);
    expect(m.get_all("HOST", [])).toEqual(["h"]);
  });

  it("keeps answering after the tokenizer table is reused for another head", () => {
    const bytes = Buffer.from("GET / HTTP/1.1\r\nHost: first\r\nA: 1\r\n\r\nGET / HTTP/1.1\r\nB: 2\r\n\r\n", "latin1");
    const table = newTable();
    const tok = new JsTokenizer();
    const len = tok.scan(bytes, 0, bytes.length, table, DEFAULT_HEAD_LIMIT);
    const first = new HTTPMessage(bytes, 0, table);
    table.fill(0);
    tok.scan(bytes, len, bytes.length, table, DEFAULT_HEAD_LIMIT);
    const second = new HTTPMessage(bytes, len, table);
    expect(first.items()).toEqual([["Host", "first"], ["A", "1"]]);
    expect(second.items()).toEqual([["B", "2"]]);
  });

  it("reads the source bytes only when asked (a view, not a copy)", () => {
    const bytes = Buffer.from("GET / HTTP/1.1\r\nX: abc\r\n\r\n", "latin1");
    const table = newTable();
    new JsTokenizer().scan(bytes, 0, bytes.length, table, DEFAULT_HEAD_LIMIT);
    const m = new HTTPMessage(bytes, 0, table);
    bytes[bytes.indexOf("abc")] = "z".charCodeAt(0);
    expect(m.get("x")).toBe("zbc");
  });

  it("has no headers for an HTTP/0.9 request", () => {
    const bytes = Buffer.from("GET /\r\n", "latin1");
    const table = newTable();
    new JsTokenizer().scan(bytes, 0, bytes.length, table, DEFAULT_HEAD_LIMIT);
    const m = new HTTPMessage(bytes, 0, table);
    expect(m.size).toBe(0);
    expect(m.keys()).toEqual([]);
    expect(m.toString()).toBe("\n");
  });
});
