// What the `basehttp` command adds to SimpleHTTPRequestHandler for web developers, each only
// when its option is given (src/cli/options.ts): CORS with preflight (--cors), Cache-Control
// (--cache / --no-cache), a single-page-app fallback (--spa), precompressed .br/.gz siblings
// (--precompressed), no request log (-q) and coloured status codes on a terminal. Without any
// of them the handler is CPython's.

import { statSync } from "node:fs";
import { SimpleHTTPRequestHandler } from "../http/simple-handler.js";
import { escapeControl } from "../py/format.js";
import { toFsPath } from "../http/simple/files.js";
import { logLine } from "./log.js";

export interface WebOptions {
  cors: boolean;
  /** Cache-Control value for files and listings, or null for none (CPython). */
  cacheControl: string | null;
  spa: boolean;
  precompressed: boolean;
  quiet: boolean;
  /** Colour the status code of each log line (stderr is a terminal, NO_COLOR unset). */
  color: boolean;
}

/** The siblings tried for --precompressed, best first: [Content-Encoding, suffix]. */
const SIBLINGS: readonly (readonly [string, string])[] = [["br", ".br"], ["gzip", ".gz"]];

/** Statuses whose answer is a representation Cache-Control and Content-Encoding speak of. */
const REPRESENTATION = new Set([200, 206, 304]);

/** Colour on `stream` (stderr) only when it is a terminal and NO_COLOR (no-color.org) is unset or empty. */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env["NO_COLOR"];
  return stream.isTTY === true && (noColor === undefined || noColor === "");
}

/** ANSI colour of a status code: 2xx green, 3xx cyan, 4xx yellow, 5xx red. */
export function colorStatus(code: string): string {
  const n = Number(code);
  const color = n >= 500 ? 31 : n >= 400 ? 33 : n >= 300 ? 36 : n >= 200 ? 32 : 0;
  return color === 0 ? code : `\x1b[${color}m${code}\x1b[0m`;
}

/** True when `coding` is acceptable in `accept` (RFC 9110 §12.5.3): listed (or `*`) with q > 0. */
export function acceptsEncoding(accept: string | undefined, coding: string): boolean {
  if (accept === undefined) return false;
  let star: boolean | null = null;
  for (const item of accept.split(",")) {
    const [name, ...params] = item.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => /^q\s*=/.test(p));
    const ok = q === undefined || Number(q.slice(q.indexOf("=") + 1).trim()) > 0;
    if (name === coding) return ok;
    if (name === "*") star = ok;
  }
  return star ?? false;
}

function isFile(path: string): boolean {
  const fsPath = toFsPath(path);
  if (fsPath === null) return false;
  try {
    return statSync(fsPath, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  const fsPath = toFsPath(path);
  if (fsPath === null) return false;
  try {
    return statSync(fsPath, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** The last segment of a request target's path has no extension (`/app/users/42`, `/docs/`). */
function noExtension(target: string): boolean {
  const path = target.split(/[?#]/, 1)[0]!;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return !last.includes(".");
}

/** `Base` with the options of `web`. */
export function webHandler(Base: typeof SimpleHTTPRequestHandler, web: WebOptions, methods: string): typeof SimpleHTTPRequestHandler {
  class WebHandler extends Base {
    /** The Content-Encoding of the sibling chosen for this request, or null. */
    #encoding: string | null = null;
    /** The file has a precompressed sibling: the answer varies with Accept-Encoding. */
    #vary = false;
    #status = 0;

    override parse_request(): boolean {
      this.#encoding = null;
      this.#vary = false;
      this.#status = 0;
      return super.parse_request();
    }

    override translate_path(path: string): string {
      const base = super.translate_path(path);
      if (!web.precompressed || base.endsWith("/") || !isFile(base)) return base;
      const accept = this.headers.get_all("Accept-Encoding")?.join(", ");
      for (const [coding, suffix] of SIBLINGS) {
        if (!isFile(base + suffix)) continue;
        this.#vary = true;
        if (acceptsEncoding(accept, coding)) {
          this.#encoding = coding;
          return base + suffix;
        }
      }
      return base;
    }

    override guess_type(path: string): string {
      const suffix = this.#encoding === "br" ? ".br" : this.#encoding === "gzip" ? ".gz" : null;
      // The sibling is sent as the file it compresses: its type, with Content-Encoding.
      return super.guess_type(suffix !== null && path.endsWith(suffix) ? path.slice(0, -suffix.length) : path);
    }

    override send_response(code: number, message?: string | null): void {
      this.#status = code;
      super.send_response(code, message);
      if (web.cors) this.send_header("Access-Control-Allow-Origin", "*");
    }

    override end_headers() {
      if (REPRESENTATION.has(this.#status)) {
        if (this.#encoding !== null && this.#status !== 304) this.send_header("Content-Encoding", this.#encoding);
        if (this.#vary) this.send_header("Vary", "Accept-Encoding");
        if (web.cacheControl !== null) this.send_header("Cache-Control", web.cacheControl);
      }
      return super.end_headers();
    }

    override log_request(code: number | string = "-", size: number | string = "-"): void {
      if (!web.color || web.quiet) return super.log_request(code, size);
      // log_message escapes control characters: the colour goes around the escaped text.
      const text = escapeControl(`"${this.requestline}"`);
      logLine(
        `${this.address_string()} - - [${this.log_date_time_string()}] ${text} ${colorStatus(String(code))} ${escapeControl(String(size))}\n`,
      );
    }

    override log_message(format: string, ...args: unknown[]): void {
      if (!web.quiet) super.log_message(format, ...args);
    }
  };
  if (web.spa) {
    // --spa: a path that names nothing and has no extension is the app's index.html.
    const translate = Base.prototype.translate_path;
    const toApp = (handler: SimpleHTTPRequestHandler): void => {
      if (noExtension(handler.path) && !exists(translate.call(handler, handler.path))) handler.path = "/index.html";
    };
    if (Base.prototype.send_head === SimpleHTTPRequestHandler.prototype.send_head) {
      // Before do_GET/do_HEAD, so that send_head stays the class's own and a hit in the file
      // cache (the app's index.html, mostly) still takes the cache's fast path.
      const { do_GET: get, do_HEAD: head } = Base.prototype;
      WebHandler.prototype.do_GET = function (this: SimpleHTTPRequestHandler) {
        toApp(this);
        return get.call(this);
      };
      WebHandler.prototype.do_HEAD = function (this: SimpleHTTPRequestHandler) {
        toApp(this);
        return head.call(this);
      };
    } else {
      // A send_head of its own (CGI: scripts first): the app's index.html for what it would look up.
      const sendHead = Base.prototype.send_head;
      WebHandler.prototype.send_head = function (this: SimpleHTTPRequestHandler) {
        toApp(this);
        return sendHead.call(this);
      };
    }
  }
  // OPTIONS is answered only with --cors (without it: 501, as CPython).
  if (web.cors) (WebHandler.prototype as unknown as Record<string, unknown>).do_OPTIONS = answerOptions(methods);
  return WebHandler;
}

/**
 * do_OPTIONS for --cors: a CORS preflight (Fetch standard, CORS protocol: an OPTIONS with
 * Access-Control-Request-Method) gets 204 with the methods, the headers asked for and a max
 * age; any other OPTIONS 204 with Allow (RFC 9110 §9.3.7).
 */
function answerOptions(methods: string) {
  return function do_OPTIONS(this: SimpleHTTPRequestHandler): void {
    this.send_response(204);
    if (this.headers.get("Access-Control-Request-Method") !== undefined) {
      this.send_header("Access-Control-Allow-Methods", methods);
      const asked = this.headers.get("Access-Control-Request-Headers");
      if (asked !== undefined) this.send_header("Access-Control-Allow-Headers", asked);
      this.send_header("Access-Control-Max-Age", "86400");
    } else {
      this.send_header("Allow", methods);
    }
    this.end_headers();
  };
}
