// send_error's page is made once per code, message and explanation and reused (a garbage flood
// gets the same refusal again and again): the page reused must be the one each answer would
// have had, whatever the handler's error_message_format, and never another answer's.
// Over real sockets, both parsers.

import { describe, expect, it } from "vitest";
import { PARSERS, QuietHandler, errorPage, exchange, serve, splitResponses } from "./helpers.js";

class Pages extends QuietHandler {
  override protocol_version = "HTTP/1.1";
  do_SPLIT(): void {
    // The same characters split differently between message and explanation.
    if (this.path === "/1") this.send_error(599, "ab", "c");
    else if (this.path === "/2") this.send_error(599, "a", "bc");
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
      } finally {
        await plain.stop();
        await own.stop();
      }
    });
  });
}
