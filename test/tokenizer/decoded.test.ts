// The decoded API of basehttp/tokenizer (WASM) and basehttp/tokenizer/js (the twin):
// parseRequestHead's strings, need-more and violations, interning (the same string objects),
// and the two entries agreeing on every fixture case.

import { describe, expect, test } from "vitest";
import { COMMON_HEADER_NAMES, internHeaderName } from "../../src/tokenizer/intern.js";
import * as wasmEntry from "../../src/tokenizer/index.js";
import * as jsEntry from "../../src/tokenizer/js-index.js";
import { decode, loadFixtures } from "./fixtures.js";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const FIREFOXISH =
  "GET /a%20b?x=1 HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0 (X11)\r\nAccept: */*\r\n" +
  "X-Custom-Thing:  spaced value \t\r\nhost: second\r\n\r\n";

for (const [entry, m] of [["basehttp/tokenizer", wasmEntry], ["basehttp/tokenizer/js", jsEntry]] as const) {
  describe(`${entry} parseRequestHead`, () => {
    test("a complete head: words, headers in arrival order as received, values trimmed, length", () => {
      const r = m.parseRequestHead(bytes(FIREFOXISH + "BODY"));
      expect(r).toEqual({
        kind: "head",
        method: "GET",
        target: "/a%20b?x=1",
        version: "HTTP/1.1",
        headers: [
          ["Host", "www.example.com"],
          ["User-Agent", "Mozilla/5.0 (X11)"],
          ["Accept", "*/*"],
          ["X-Custom-Thing", "spaced value"],
          ["host", "second"],
        ],
        length: FIREFOXISH.length,
      });
    });

    test("bytes 0x80-0xFF decode as ISO-8859-1, as Python decodes heads", () => {
      const r = m.parseRequestHead(bytes("GET /caf\xe9 HTTP/1.0\r\nX-V: \x80\x9f\xff\r\n\r\n"));
      expect(r.kind === "head" && [r.target, r.headers[0]![1]]).toEqual(["/caf\xe9", "\x80\x9f\xff"]);
    });

    test("methods, versions and header names are interned: the same string objects, request after request", () => {
      const a = m.parseRequestHead(bytes(FIREFOXISH));
      const b = m.parseRequestHead(bytes(FIREFOXISH));
      if (a.kind !== "head" || b.kind !== "head") throw new Error("not a head");
      expect(Object.is(a.method, "GET") && Object.is(a.version, "HTTP/1.1")).toBe(true);
      // A string made by decoding is a new object each time; interned ones are the constants of intern.ts.
      expect(a.headers[0]![0]).toBe(COMMON_HEADER_NAMES.find((n) => n === "Host"));
      for (let i = 0; i < a.headers.length; i++) expect(a.headers[i]![0]).toBe(b.headers[i]![0]);
    });

    test("a partial head is need-more, every prefix of it", () => {
      const full = bytes(FIREFOXISH);
      for (let end = 0; end < full.length; end++) {
        expect(m.parseRequestHead(full, { end })).toBe(m.NEED_MORE);
      }
      expect(m.NEED_MORE).toEqual({ kind: "need-more" });
    });

    test("a violation gives its code, name, RFC section, status and offset", () => {
      expect(m.parseRequestHead(bytes("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"))).toEqual({
        kind: "violation", code: m.V_BARE_LF, name: "BARE_LF", rfc: "RFC 9112 §2.2", status: 400, at: 23,
      });
      expect(m.parseRequestHead(bytes("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n"))).toMatchObject({
        kind: "violation", name: "REPEATED_CONTENT_LENGTH", rfc: "RFC 9112 §6.3", status: 400,
      });
      expect(m.parseRequestHead(bytes("GET / HTTP/2.0\r\n\r\n"))).toMatchObject({ name: "VERSION_NOT_SUPPORTED", status: 505 });
      expect(m.parseRequestHead(bytes(FIREFOXISH), { headLimit: 20 })).toMatchObject({ name: "HEAD_TOO_LARGE", status: 431 });
    });

    test("every violation code has a name, an RFC section and a status", () => {
      for (let code = 1; code < m.VIOLATION_COUNT; code++) {
        expect(m.VIOLATION_NAMES[code]).toMatch(/^[A-Z_0-9]+$/);
        expect(m.VIOLATION_RFC[code]).toMatch(/^RFC \d+ §\d+(\.\d+)*$/);
        expect([0, 400, 414, 431, 505]).toContain(m.VIOLATION_STATUS[code]);
      }
    });

    test("methods and versions come back exactly as sent, the common ones as constants", () => {
      const words = (line: string) => {
        const r = m.parseRequestHead(bytes(`${line}\r\nHost: a\r\n\r\n`));
        if (r.kind !== "head") throw new Error(`${line}: ${r.kind}`);
        return [r.method, r.version];
      };
      expect(words("GET / HTTP/1.1")).toEqual(["GET", "HTTP/1.1"]);
      expect(words("GET / HTTP/1.0")).toEqual(["GET", "HTTP/1.0"]);
      // Same numbers, other bytes: the version word as received (CPython keeps it so).
      expect(words("GET / HTTP/01.1")).toEqual(["GET", "HTTP/01.1"]);
      expect(words("GET / HTTP/1.01")).toEqual(["GET", "HTTP/1.01"]);
      expect(words("GET / HTTP/1.2")).toEqual(["GET", "HTTP/1.2"]);
      expect(words("GET / HTTP/0.9")).toEqual(["GET", "HTTP/0.9"]);
      expect(words("GEt / HTTP/1.1")).toEqual(["GEt", "HTTP/1.1"]);
      expect(words("GETS / HTTP/1.1")).toEqual(["GETS", "HTTP/1.1"]);
      expect(words("PUT / HTTP/1.1")).toEqual(["PUT", "HTTP/1.1"]);
      expect(words("get / HTTP/1.1")).toEqual(["get", "HTTP/1.1"]);
    });

    test("HTTP/0.9: a two-word request line has version HTTP/0.9 and no headers", () => {
      expect(m.parseRequestHead(bytes("GET /old\r\n"))).toEqual({
        kind: "head", method: "GET", target: "/old", version: "HTTP/0.9", headers: [], length: 10,
      });
    });

    test("start and end pick one head out of a pipelined buffer", () => {
      const two = bytes("GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
      const first = m.parseRequestHead(two);
      if (first.kind !== "head") throw new Error("not a head");
      const second = m.parseRequestHead(two, { start: first.length });
      expect(second).toMatchObject({ kind: "head", method: "POST", target: "/2", headers: [["Content-Length", "0"]] });
      expect(() => m.parseRequestHead(two, { start: 5, end: 4 })).toThrow(RangeError);
      expect(() => m.parseRequestHead(two, { end: two.length + 1 })).toThrow(RangeError);
    });

    test("a buffer reused with new bytes is read afresh (no stale copy)", () => {
      const buf = bytes("GET /aaaa HTTP/1.1\r\nHost: one\r\n\r\n");
      expect(m.parseRequestHead(buf)).toMatchObject({ target: "/aaaa" });
      buf.set(bytes("PUT /bbbb HTTP/1.1\r\nHost: two\r\n\r\n"));
      expect(m.parseRequestHead(buf)).toMatchObject({ method: "PUT", target: "/bbbb", headers: [["Host", "two"]] });
    });
  });
}

describe("both entries", () => {
  test("give the same result on every fixture case", () => {
    const cases = loadFixtures();
    expect(cases.length).toBeGreaterThan(100);
    for (const c of cases) {
      const a = wasmEntry.parseRequestHead(c.input, { headLimit: c.headLimit });
      const b = jsEntry.parseRequestHead(c.input, { headLimit: c.headLimit });
      expect(a, `${c.file}:${c.line} ${c.title}`).toEqual(b);
      expect(a.kind).toBe(c.expected.outcome.kind === "complete" ? "head" : c.expected.outcome.kind);
    }
  });

  test("createParseRequestHead makes independent parsers (WASM: per variant) with the same answers", () => {
    const input = bytes(FIREFOXISH);
    const want = jsEntry.parseRequestHead(input);
    for (const parse of [wasmEntry.createParseRequestHead("scalar"), wasmEntry.createParseRequestHead(), jsEntry.createParseRequestHead()]) {
      expect(parse(input)).toEqual(want);
    }
  });

  test("heads longer than the first bytes the WASM parser stages, pipelined in one large buffer, read alike", () => {
    // scanFresh stages 4 KiB of a head, then twice as many while it is incomplete (src/tokenizer/wasm.ts).
    const fill = (n: number, c = "x") => c.repeat(n);
    const heads = [
      "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
      `GET /c HTTP/1.1\r\nHost: b\r\nCookie: ${fill(5000)}\r\nAccept: */*\r\n\r\n`,
      `GET /${fill(5000, "t")} HTTP/1.1\r\nHost: c\r\n\r\n`,
      `POST /v HTTP/1.0\r\nX-Big: ${fill(9000)}\r\nContent-Length: 0\r\n\r\n`,
      `GET /many HTTP/1.1\r\n${Array.from({ length: 90 }, (_, i) => `X-F${i}: ${fill(100)}\r\n`).join("")}\r\n`,
      `GET /long HTTP/1.1\r\nX-Long: ${fill(70000)}\r\n\r\n`,
      `GET /bad HTTP/1.1\r\n${fill(6000, "h")}: v\r\nX: a\nb\r\n\r\n`,
      `GET /partial HTTP/1.1\r\nCookie: ${fill(6000)}`,
    ];
    const all = bytes(heads.join(""));
    const parsers = [wasmEntry.createParseRequestHead("scalar"), wasmEntry.createParseRequestHead("simd")];
    let starts = 0;
    for (const headLimit of [undefined, 8192]) {
      for (let start = 0, i = 0; i < heads.length; start += heads[i]!.length, i++) {
        const want = jsEntry.parseRequestHead(all, { start, headLimit });
        for (const parse of parsers) expect(parse(all, { start, headLimit }), `head ${i}, limit ${headLimit}`).toEqual(want);
        starts++;
      }
    }
    expect(starts).toBe(2 * heads.length);
    const kinds = heads.map((_, i) => jsEntry.parseRequestHead(all, { start: heads.slice(0, i).join("").length }).kind);
    expect(kinds).toEqual(["head", "head", "head", "head", "head", "violation", "violation", "need-more"]);
  });

  test("the WASM parser copies a head's bytes, not every byte after it: at most max(4 KiB, twice the head) per head", () => {
    const one = bytes("GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n");
    const big = bytes(`GET / HTTP/1.1\r\nCookie: ${"y".repeat(10000)}\r\n\r\n`);
    const buffer = new Uint8Array(65536 + big.length);
    let end = 0;
    buffer.set(big, end);
    end += big.length;
    while (end + one.length <= buffer.length) {
      buffer.set(one, end);
      end += one.length;
    }
    const tok = new wasmEntry.WasmTokenizer();
    let heads = 0;
    for (let start = 0; start < end; heads++) {
      const before = tok.copiedBytes;
      const length = tok.scanFresh(buffer, start, end, wasmEntry.DEFAULT_HEAD_LIMIT);
      expect(length).toBe(start === 0 ? big.length : one.length);
      expect(tok.copiedBytes - before).toBeLessThanOrEqual(Math.max(4096, 2 * length));
      start += length;
    }
    expect(heads).toBeGreaterThan(1500);
  });

  test("export the same layout constants", () => {
    const pick = (m: Record<string, unknown>) => Object.keys(m).filter((k) => /^(T_|F_|V_|OUTCOME_|MAX_|HEADER_SLOTS|TABLE_SLOTS)/.test(k)).sort();
    expect(pick(wasmEntry)).toEqual(pick(jsEntry));
    expect(pick(wasmEntry).length).toBeGreaterThan(50);
  });
});

describe("header-name interning", () => {
  test("a new name is decoded, then remembered: the second time it is the same object", () => {
    const src = bytes("X-Never-Seen-Before-Name");
    const first = internHeaderName(src, 0, src.length);
    expect(first).toBe("X-Never-Seen-Before-Name");
    expect(internHeaderName(bytes("X-Never-Seen-Before-Name"), 0, src.length)).toBe(first);
  });

  test("learning is bounded: past the bound new names are still decoded correctly", () => {
    for (let i = 0; i < 600; i++) {
      const name = `X-Flood-${i}`;
      expect(internHeaderName(bytes(name), 0, name.length)).toBe(name);
    }
    expect(internHeaderName(decode("Host"), 0, 4)).toBe("Host");
  });
});
