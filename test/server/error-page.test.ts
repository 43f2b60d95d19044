// send_error's page: CPython's format filled by joining its fixed parts, another format with
// percentFormat; a page asked for again is kept as UTF-8 bytes (errorBody) per format, code,
// message and explanation. Either way each answer gets the page it would have had, whatever the
// handler's error_message_format, and never another answer's; sent as UTF-8 with its byte
// length. Over real sockets, both parsers.

import { describe, expect, it } from "vitest";
import { DEFAULT_ERROR_MESSAGE, errorBody, errorPage as pageOf } from "../../src/http/answers.js";
import { htmlEscape, percentFormat } from "../../src/py/format.js";
import { PARSERS, QuietHandler, errorPage, exchange, serve, splitResponses } from "./helpers.js";

class Pages extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  do_SPLIT(): void {
    // The same characters split differently between message and explanation.
    if (this.path === "/1") this.send_error(599, "ab", "c");
    else if (this.path === "/2") this.send_error(599, "a", "bc");
    else if (this.path === "/4") this.send_error(599, "caf\u00e9", "\u00fcber \u2603 <b>");
    else this.send_error(599, "<b>", "&");
  }
}

class OwnFormat extends Pages {
  override error_message_format = "[%(code)d|%(message)s|%(explain)s]";
}

async function body(port: number, head: string): Promise<string> {
  const [answer] = splitResponses(await exchange(port, head));
  expect(Number(answer!.header("Content-Length"))).toBe(answer!.body.length);
  return answer!.body.toString("utf8");
}

for (const parser of PARSERS) {
  describe(`error pages made once (${parser})`, () => {
    it("the same refusal twice gets the same page, another message or explanation its own", async () => {
      const srv = await serve(Pages as never, { parser });
      try {
        const bad = errorPage(400, "Header field line without colon", "RFC 9112 section 5: name, colon, value");
        for (let i = 0; i < 2; i++) expect(await body(srv.port, "GET / HTTP/1.1\r\nNoColon\r\n\r\n")).toBe(bad);
        expect(await body(srv.port, "SPLIT /1 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "ab", "c"));
        expect(await body(srv.port, "SPLIT /2 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "a", "bc"));
        expect(await body(srv.port, "SPLIT /1 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "ab", "c"));
        // HTML-escaped in the page made, and in the page reused.
        for (let i = 0; i < 2; i++) expect(await body(srv.port, "SPLIT /3 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "&lt;b&gt;", "&amp;"));
        // Beyond ASCII: UTF-8, Content-Length in bytes (body() checks it).
        expect(await body(srv.port, "SPLIT /4 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "caf\u00e9", "\u00fcber \u2603 &lt;b&gt;"));
      } finally {
        await srv.stop();
      }
    });

    it("a handler with its own error_message_format gets its own page for a refusal already made", async () => {
      const plain = await serve(Pages as never, { parser });
      const own = await serve(OwnFormat as never, { parser });
      try {
        expect(await body(plain.port, "SPLIT /1 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "ab", "c"));
        expect(await body(own.port, "SPLIT /1 HTTP/1.1\r\n\r\n")).toBe("[599|ab|c]");
        expect(await body(plain.port, "SPLIT /1 HTTP/1.1\r\n\r\n")).toBe(errorPage(599, "ab", "c"));
        expect(await body(own.port, "GET / HTTP/1.1\r\nNoColon\r\n\r\n")).toBe(
          "[400|Header field line without colon|RFC 9112 section 5: name, colon, value]",
        );
        expect(await body(own.port, "SPLIT /4 HTTP/1.1\r\n\r\n")).toBe("[599|caf\u00e9|\u00fcber \u2603 &lt;b&gt;]");
      } finally {
        await plain.stop();
        await own.stop();
      }
    });
  });
}

describe("errorPage()", () => {
  it("fills CPython's format as percentFormat does, for any message and explanation", () => {
    const cases: [number, string, string][] = [
      [400, "Bad request version ('\\x01\u00ff%(code)d')", "Bad request syntax or unsupported method"],
      [431, "Line too long", "got more than 65536 bytes when reading header line"],
      [599, "<&>\"'", "\u2603 & %s"],
      [999, "", ""],
    ];
    for (const [code, message, explain] of cases) {
      const want = percentFormat(DEFAULT_ERROR_MESSAGE, { code, message: htmlEscape(message, false), explain: htmlEscape(explain, false) });
      expect(pageOf(DEFAULT_ERROR_MESSAGE, code, message, explain)).toBe(want);
    }
  });

  it("gives no page for the statuses without a body, and fills another format with percentFormat", () => {
    for (const code of [100, 101, 204, 205, 304]) expect(pageOf(DEFAULT_ERROR_MESSAGE, code, "m", "e")).toBeNull();
    for (let i = 0; i < 2; i++) expect(pageOf("%(code)05d %(message)s", 599, "<x>", "e")).toBe("00599 &lt;x&gt;");
    expect(pageOf("[%(explain)s]", 400, "<x>", "a & b")).toBe("[a &amp; b]");
  });
});

describe("errorBody()", () => {
  const utf8 = (body: string | Uint8Array | null): string | null =>
    body === null || typeof body === "string" ? body : Buffer.from(body).toString("utf8");

  it("gives the page as text the first time and as kept UTF-8 bytes once it repeats", () => {
    const message = "Bare LF in request head \u2603";
    const want = pageOf(DEFAULT_ERROR_MESSAGE, 400, message, "RFC 9112 section 2.2")!;
    const first = errorBody(DEFAULT_ERROR_MESSAGE, 400, message, "RFC 9112 section 2.2");
    expect(first).toBe(want);
    const second = errorBody(DEFAULT_ERROR_MESSAGE, 400, message, "RFC 9112 section 2.2");
    expect(second).toBeInstanceOf(Uint8Array);
    expect(utf8(second)).toBe(want);
    expect((second as Uint8Array).length).toBe(Buffer.byteLength(want, "utf8"));
    // Kept: the same bytes again, also after other pages were asked for.
    expect(utf8(errorBody(DEFAULT_ERROR_MESSAGE, 400, "another", "x"))).toBe(pageOf(DEFAULT_ERROR_MESSAGE, 400, "another", "x"));
    expect(errorBody(DEFAULT_ERROR_MESSAGE, 400, message, "RFC 9112 section 2.2")).toBe(second);
  });

  it("never gives a kept page for another format, code, message or explanation", () => {
    const ask = (format: string, code: number, message: string, explain: string): void => {
      const want = format === DEFAULT_ERROR_MESSAGE ? pageOf(format, code, message, explain) : percentFormat(format, { code, message: htmlEscape(message, false), explain: htmlEscape(explain, false) });
      // Three times: made, kept, found.
      for (let i = 0; i < 3; i++) expect(utf8(errorBody(format, code, message, explain))).toBe(want);
    };
    ask(DEFAULT_ERROR_MESSAGE, 400, "ab", "c");
    ask(DEFAULT_ERROR_MESSAGE, 400, "a", "bc");
    ask(DEFAULT_ERROR_MESSAGE, 431, "ab", "c");
    ask("[%(code)d|%(message)s|%(explain)s]", 400, "ab", "c");
    ask(DEFAULT_ERROR_MESSAGE, 400, "<b>", "&");
    // More pages than are kept, then the first ones again.
    for (let i = 0; i < 12; i++) ask(DEFAULT_ERROR_MESSAGE, 500 + i, `m${i}`, "e");
    ask(DEFAULT_ERROR_MESSAGE, 400, "ab", "c");
  });

  it("keeps no page without a body, nor one longer than 4 KiB", () => {
    for (let i = 0; i < 2; i++) expect(errorBody(DEFAULT_ERROR_MESSAGE, 204, "m", "e")).toBeNull();
    const long = "x".repeat(5000);
    for (let i = 0; i < 3; i++) expect(errorBody(DEFAULT_ERROR_MESSAGE, 400, long, "e")).toBe(pageOf(DEFAULT_ERROR_MESSAGE, 400, long, "e"));
    // Short in characters, over 4 KiB in UTF-8.
    const wide = "\u2603".repeat(1500);
    for (let i = 0; i < 3; i++) expect(errorBody(DEFAULT_ERROR_MESSAGE, 400, wide, "e")).toBe(pageOf(DEFAULT_ERROR_MESSAGE, 400, wide, "e"));
  });
});
