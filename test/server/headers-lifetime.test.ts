// How long a request's `headers` and `requestline` stay right over a real socket: the handler
// builds `headers` only when read, from one of the connection's two token tables, which later
// requests reuse. A message kept or first read later must still describe its own request.

import { describe, expect, it } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { HTTPMessage } from "../../src/http/message.js";
import { PARSERS, QuietHandler, RawClient, reply, serverPerTest, socketless } from "./helpers.js";

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("requestline", () => {
  class Line extends QuietHandler {
    seen: [string, string, string, string] | null = null;
    override do_GET(): void {
      this.seen = [this.requestline, this.command!, this.path, this.request_version];
      reply(this, "ok");
    }
  }

  it.each([
    ["GET /a/b?c=d HTTP/1.1", ["GET /a/b?c=d HTTP/1.1", "GET", "/a/b?c=d", "HTTP/1.1"]],
    ["GET  /spaced\t HTTP/1.0", ["GET  /spaced\t HTTP/1.0", "GET", "/spaced", "HTTP/1.0"]],
    ["GET //x//y HTTP/1.1", ["GET //x//y HTTP/1.1", "GET", "/x//y", "HTTP/1.1"]],
    ["GET /\xe9\xff HTTP/1.1", ["GET /\xe9\xff HTTP/1.1", "GET", "/\xe9\xff", "HTTP/1.1"]],
  ])("is the line %j as received, whatever the words became", async (line, want) => {
    const { handler } = await socketless(Line, `${line}\r\nHost: h\r\n\r\n`);
    expect(handler.seen).toEqual(want);
  });
});

describe.each(PARSERS)("headers and requestline outlive their request (%s)", (parser: ParserName) => {
  const { start } = serverPerTest();

  it("builds the MessageClass only for a handler that reads headers, once per request", async () => {
    let built = 0;
    class Counted extends HTTPMessage {
      constructor(source: Uint8Array, start: number, table: Int32Array) {
        super(source, start, table);
        built++;
      }
    }
    class Reader extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override MessageClass = Counted;
      override do_GET(): void {
        const body = this.path === "/read" ? `${this.headers.get("X-N")} ${this.headers.size}` : "skipped";
        reply(this, body);
      }
    }
    const port = await start(Reader, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /skip HTTP/1.1\r\nX-N: 1\r\n\r\nGET /read HTTP/1.1\r\nX-N: 2\r\n\r\nGET /skip HTTP/1.1\r\n\r\n");
    const answers = await client.responses(3);
    client.close();
    expect(answers.map((r) => r.body.toString())).toEqual(["skipped", "2 1", "skipped"]);
    expect(built).toBe(1);
  });

  it("keeps each kept message equal to its own request after pipelined requests reuse the tables", async () => {
    const kept: HTTPMessage[] = [];
    class Keeper extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        kept.push(this.headers);
        reply(this, this.headers.get("X-N", "-"));
      }
    }
    const port = await start(Keeper, { parser });
    const client = await RawClient.connect(port);
    let burst = "";
    for (let i = 0; i < 6; i++) burst += `GET /${i} HTTP/1.1\r\nX-N: value ${i}\r\nX-Pad: ${"p".repeat(i * 7)}\r\n\r\n`;
    client.send(burst);
    const answers = await client.responses(6);
    client.send(`GET /later HTTP/1.1\r\nX-N: overwritten\r\nX-Other: 1\r\n\r\n`);
    await client.responses(7);
    client.close();
    expect(answers.map((r) => r.body.toString())).toEqual([0, 1, 2, 3, 4, 5].map((i) => `value ${i}`));
    expect(kept.slice(0, 6).map((m) => m.items())).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => [["X-N", `value ${i}`], ["X-Pad", "p".repeat(i * 7)]]),
    );
  });

  it("builds headers first read after the answer from the finished request, while the next head arrives", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let late: Promise<[string | undefined, string, number]> | undefined;
    class Late extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        if (this.path === "/first") {
          // Neither headers nor requestline is read during the request.
          late = released.then(() => [this.headers.get("X-N"), this.requestline, this.headers.size]);
        }
        reply(this, "ok");
      }
    }
    const port = await start(Late, { parser });
    const client = await RawClient.connect(port);
    client.send("GET /first HTTP/1.1\r\nX-N: one\r\nX-A: a\r\n\r\n");
    await client.responses(1);
    // Half of the next head: the server is reading it into its other table.
    client.send("GET /second-and-longer HTTP/1.1\r\nX-N: two\r\nX-B: b\r\nX-C:");
    await tick(30);
    release();
    expect(await late).toEqual(["one", "GET /first HTTP/1.1", 2]);
    client.send(" c\r\n\r\n");
    await client.responses(2);
    client.close();
  });

  it("keeps headers not yet read when a request refused by an overridden parse_request keeps the connection", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let late: Promise<string | undefined> | undefined;
    let requests = 0;
    class Picky extends QuietHandler {
      override protocol_version = "HTTP/1.1";
      override do_GET(): void {
        if (this.path === "/first") late = released.then(() => this.headers.get("X-N"));
        reply(this, "ok " + this.path);
      }
      /** Refuses the second request of the connection without CPython's parsing, and keeps it open. */
      override parse_request(): boolean {
        if (++requests !== 2) return super.parse_request();
        this.send_response_only(429);
        this.send_header("Content-Length", 0);
        this.end_headers();
        return false;
      }
    }
    const port = await start(Picky, { parser });
    const client = await RawClient.connect(port);
    // 1 is served; 2 is refused before its headers count; 3 is read into the table of 1.
    client.send("GET /first HTTP/1.1\r\nX-N: one\r\n\r\n");
    await client.responses(1);
    client.send("GET /second HTTP/1.1\r\nX-N: two\r\n\r\n");
    await client.responses(2);
    client.send("GET /third HTTP/1.1\r\nX-N: three\r\nX-More:");
    await tick(30);
    release();
    expect(await late).toBe("one");
    client.send(" yes\r\n\r\n");
    const answers = await client.responses(3);
    expect(answers.map((r) => r.status)).toEqual([200, 429, 200]);
    client.close();
  });
});
