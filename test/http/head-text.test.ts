// The response head's buffer (head-text.ts HeadBuffer, Python's _headers_buffer): a head that
// repeats the last one line for line is given as that head's text; one that differs anywhere
// (first line, middle, end, a prefix of it, a longer one) is its own lines, in order; two
// handlers building heads at once do not see each other's lines. headerLine validates as
// send_header did and gives the same string while the value repeats.

import { describe, expect, it } from "vitest";
import { HeadBuffer, headerLine } from "../../src/http/head-text.js";
import { ValueError } from "../../src/py/errors.js";

const HEAD = ["HTTP/1.1 200 OK\r\n", "Server: x\r\n", "Content-Length: 2\r\n", "\r\n"];

function build(lines: readonly string[], buffer = new HeadBuffer()): string {
  for (const line of lines) buffer.append(line);
  return buffer.take();
}

describe("HeadBuffer", () => {
  it("gives the lines' text, and the same text for a head repeated line for line", () => {
    expect(build(HEAD)).toBe(HEAD.join(""));
    const buffer = new HeadBuffer();
    expect(build(HEAD, buffer)).toBe(HEAD.join(""));
    expect(buffer.empty).toBe(true);
    // Equal strings that are not the same object match too.
    expect(build(HEAD.map((l) => (" " + l).slice(1)))).toBe(HEAD.join(""));
  });

  it("gives a head that differs from the last one in any place as its own lines", () => {
    const variants = [
      ["HTTP/1.1 404 Not Found\r\n", ...HEAD.slice(1)],
      [HEAD[0]!, "Server: y\r\n", ...HEAD.slice(2)],
      [...HEAD.slice(0, 3), "X: 1\r\n", "\r\n"],
      HEAD.slice(0, 2),
      [...HEAD, "trailing\r\n"],
      HEAD,
      [],
    ];
    for (const lines of variants) {
      build(HEAD);
      expect(build(lines)).toBe(lines.join(""));
      // And again, now that it is the last head.
      expect(build(lines)).toBe(lines.join(""));
    }
  });

  it("keeps each buffer's lines apart while several are built at once", () => {
    build(HEAD);
    const a = new HeadBuffer();
    const b = new HeadBuffer();
    a.append(HEAD[0]!);
    b.append(HEAD[0]!);
    b.append("Server: other\r\n");
    a.append(HEAD[1]!);
    expect(b.take()).toBe(HEAD[0]! + "Server: other\r\n");
    a.append(HEAD[2]!);
    a.append(HEAD[3]!);
    expect(a.take()).toBe(HEAD.join(""));
  });

  it("text() shows the buffered lines without taking them; clear() empties", () => {
    build(HEAD);
    const buffer = new HeadBuffer();
    expect(buffer.empty).toBe(true);
    expect(buffer.text()).toBe("");
    buffer.append(HEAD[0]!);
    buffer.append(HEAD[1]!);
    expect(buffer.text()).toBe(HEAD[0]! + HEAD[1]!);
    expect(buffer.empty).toBe(false);
    buffer.clear();
    expect(buffer.empty).toBe(true);
    expect(buffer.take()).toBe("");
  });
});

describe("HeadBuffer.takeEncoded", () => {
  function encoded(lines: readonly string[]): string | Uint8Array {
    const buffer = new HeadBuffer();
    for (const line of lines) buffer.append(line);
    const head = buffer.takeEncoded();
    expect(buffer.empty).toBe(true);
    return head;
  }

  it("gives the last head's bytes, made once, when the buffer repeats it whole; else text", () => {
    build(HEAD);
    const bytes = encoded(HEAD);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes as Uint8Array).toString("latin1")).toBe(HEAD.join(""));
    expect(encoded(HEAD)).toBe(bytes);
    // A prefix, a longer head, a different one: text (and the different one is the last head).
    expect(encoded(HEAD.slice(0, 2))).toBe(HEAD[0]! + HEAD[1]!);
    expect(encoded([...HEAD, "X: 1\r\n"])).toBe(HEAD.join("") + "X: 1\r\n");
    expect(encoded([...HEAD, "X: 1\r\n"])).toBeInstanceOf(Uint8Array);
    expect(encoded([])).toBe("");
  });

  it("encodes characters up to U+00FF as one byte each", () => {
    const head = ["HTTP/1.1 200 \u00e9t\u00e9\r\n", "\r\n"];
    build(head);
    expect([...(encoded(head) as Uint8Array)]).toEqual([...Buffer.from(head.join(""), "latin1")]);
  });
});

describe("headerLine", () => {
  it("makes `name: value CRLF`, the same string while the value repeats", () => {
    const line = headerLine("Content-Length", String(13));
    expect(line).toBe("Content-Length: 13\r\n");
    expect(Object.is(headerLine("Content-Length", String(13)), line)).toBe(true);
    expect(headerLine("Content-Length", "14")).toBe("Content-Length: 14\r\n");
  });

  it("refuses CR, LF, NUL and characters beyond U+00FF in the name or value, also after a valid one", () => {
    headerLine("X-A", "ok");
    for (const [name, value] of [["X-A", "a\r\nb"], ["X-A", "a\nb"], ["X-A", "a\0"], ["X-A", "\u0100"], ["X\r\nB", "ok"], ["X\u20ac", "ok"]]) {
      expect(() => headerLine(name!, value!)).toThrow(ValueError);
    }
    expect(headerLine("X-A", "ok")).toBe("X-A: ok\r\n");
  });

  it("keeps working past the number of names it remembers", () => {
    for (let i = 0; i < 200; i++) expect(headerLine(`X-${i}`, String(i))).toBe(`X-${i}: ${i}\r\n`);
  });
});
