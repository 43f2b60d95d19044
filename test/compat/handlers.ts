// The basehttp side of the compat suite: the same handlers as fixtures/echo_server.py, line for
// line, so that any difference in the bytes on the wire comes from the server, not the handler.
// Each name here is a server of echo_server.py (`echo10`, `error11`, `simple10` ...).

import { readFileSync } from "node:fs";
import { BaseHTTPRequestHandler } from "../../src/http/handler.js";
import { SimpleHTTPRequestHandler } from "../../src/http/simple-handler.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";

export const ERROR_CASES_PATH = new URL("./fixtures/error-cases.json", import.meta.url).pathname;

/** [code, message, explain] per /e/<i>, null for "not given" (Python's None). */
const ERROR_CASES = JSON.parse(readFileSync(ERROR_CASES_PATH, "utf8")) as [number, string | null, string | null][];

/** Answers with what parse_request understood and the body read by Content-Length. */
class Echo extends BaseHTTPRequestHandler {
  async reply(sendBody: boolean): Promise<void> {
    const length = this.headers.get("Content-Length");
    const body = length !== undefined ? await this.rfile.read(Number(length)) : Buffer.alloc(0);
    const lines = [
      "command=" + this.command,
      "path=" + this.path,
      "request_version=" + this.request_version,
      "requestline=" + this.requestline,
    ];
    for (const [name, value] of this.headers.items()) lines.push("header=" + name + ": " + value);
    const out = Buffer.concat([Buffer.from(lines.join("\n") + "\nbody=", "latin1"), body, Buffer.from("\n")]);
    this.send_response(200);
    this.send_header("Content-Type", "text/plain; charset=iso-8859-1");
    this.send_header("Content-Length", String(out.length));
    this.end_headers();
    if (sendBody) this.wfile.write(out);
  }

  override do_GET(): Promise<void> {
    return this.reply(true);
  }

  override do_POST(): Promise<void> {
    return this.reply(true);
  }

  override do_HEAD(): Promise<void> {
    return this.reply(false);
  }
}

class Echo11 extends Echo {
  override protocol_version = "HTTP/1.1";
}

/** GET /e/<i>: send_error(...ERROR_CASES[i]); GET /raise: fail before answering. */
class Errors extends BaseHTTPRequestHandler {
  override do_GET(): void {
    if (this.path === "/raise") throw new Error("handler failed");
    const index = Number(this.path.slice(this.path.lastIndexOf("/") + 1));
    const [code, message, explain] = ERROR_CASES[index]!;
    this.send_error(code, message, explain);
  }

  override do_HEAD(): void {
    this.do_GET();
  }

  override do_POST(): void {
    this.do_GET();
  }
}

class Errors11 extends Errors {
  override protocol_version = "HTTP/1.1";
}

class ErrorsFormat extends Errors {
  override error_message_format = "code=%(code)d (%(code)s) message=%(message)s explain=%(explain)s 100%%\n";
  override error_content_type = "text/plain; charset=utf-8";
}

/** The handler classes of echo_server.py by server name; `directory` for the Simple ones. */
export function basehttpHandlers(directory: string): Record<string, RequestHandlerClass<never>> {
  class Simple10 extends SimpleHTTPRequestHandler {
    override directory = directory;
  }
  class Simple11 extends Simple10 {
    override protocol_version = "HTTP/1.1";
  }
  return {
    echo10: Echo,
    echo11: Echo11,
    error10: Errors,
    error11: Errors11,
    errfmt: ErrorsFormat,
    simple10: Simple10,
    simple11: Simple11,
  } as Record<string, RequestHandlerClass<never>>;
}
