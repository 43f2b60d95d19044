// How the handler answers each refused request head: the status, reason and explanation per
// violation code of src/contract/violations.ts. CPython 3.11's own messages where it has the
// check; for basehttp's stricter checks, a message naming the rule and its RFC section. And the
// error page send_error (handler.ts) sends with them.

import * as V from "../contract/violations.js";
import { htmlEscape, percentFormat, pyRepr } from "../py/format.js";

/** [status, message, explain]; explain undefined: the status's standard description. */
export type Answer = readonly [status: number, message: string, explain?: string];

/** Answers for violations found in header lines (the request line was fine). */
const VIOLATION_ANSWERS: Readonly<Record<number, Answer>> = {
  // CPython: http.client.LineTooLong("header line") and HTTPException("got more than 100 headers").
  [V.V_HEADER_LINE_TOO_LONG]: [431, "Line too long", "got more than 65536 bytes when reading header line"],
  [V.V_TOO_MANY_HEADERS]: [431, "Too many headers", "got more than 100 headers"],
  [V.V_HEAD_TOO_LARGE]: [431, "Request head too large", "The request head exceeds the server's limit"],
  [V.V_BARE_CR]: [400, "Bare CR in request head", "RFC 9112 section 2.2: CR is allowed only before LF"],
  [V.V_BARE_LF]: [400, "Bare LF in request head", "RFC 9112 section 2.2: lines end with CRLF"],
  [V.V_HEADER_CONTROL_CHAR]: [
    400, "Control character in header field", "RFC 9110 section 5.5: field values hold no control characters",
  ],
  [V.V_INVALID_HEADER_NAME]: [400, "Invalid header field name", "RFC 9110 section 5.1: a field name is a token"],
  [V.V_WHITESPACE_BEFORE_COLON]: [
    400, "Whitespace between header field name and colon", "RFC 9112 section 5.1: no whitespace before the colon",
  ],
  [V.V_MISSING_COLON]: [400, "Header field line without colon", "RFC 9112 section 5: name, colon, value"],
  [V.V_OBS_FOLD]: [
    400, "Header line starting with whitespace",
    "RFC 9112 sections 5.2 and 2.2: no obsolete line folding, no whitespace before the first field",
  ],
  [V.V_INVALID_CONTENT_LENGTH]: [400, "Invalid Content-Length", "RFC 9110 section 8.6: Content-Length is 1*DIGIT"],
  [V.V_REPEATED_CONTENT_LENGTH]: [
    400, "Repeated Content-Length", "RFC 9112 section 6.3: several Content-Length fields are refused",
  ],
  [V.V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH]: [
    400, "Transfer-Encoding with Content-Length", "RFC 9112 section 6.3: a request may not carry both",
  ],
  [V.V_TRANSFER_ENCODING_NOT_CHUNKED]: [
    400, "Transfer-Encoding not ending in chunked", "RFC 9112 section 6.3: the final transfer coding must be chunked",
  ],
};

/** send_error's short and long message for a status `responses` does not know (as CPython). */
export const UNKNOWN_STATUS: readonly [string, string] = ["???", "???"];

/** A CONNECT request that declares content: what follows its head is the tunnel. */
export const CONNECT_WITH_CONTENT: Answer = [
  400, "CONNECT with content", "RFC 9110 section 9.3.6: a CONNECT request has no content; the tunnel follows its head",
];

/**
 * The answer to a head refused with `violation`. For the request-line checks CPython has,
 * its own message, with `word`: the version (V_BAD_VERSION, V_VERSION_NOT_SUPPORTED), the
 * request line (V_BAD_REQUEST_SYNTAX) or the method (V_BAD_HTTP09_METHOD).
 */
export function refusal(violation: number, word: string): Answer {
  switch (violation) {
    case V.V_BAD_VERSION:
      return [400, `Bad request version (${pyRepr(word)})`];
    case V.V_VERSION_NOT_SUPPORTED:
      return [505, `Invalid HTTP version (${word.slice(5)})`];
    case V.V_BAD_REQUEST_SYNTAX:
      return [400, `Bad request syntax (${pyRepr(word)})`];
    case V.V_BAD_HTTP09_METHOD:
      return [400, `Bad HTTP/0.9 request type (${pyRepr(word)})`];
    default:
      return VIOLATION_ANSWERS[violation] ?? [400, "Bad request"];
  }
}

/** CPython's DEFAULT_ERROR_MESSAGE, verbatim. */
export const DEFAULT_ERROR_MESSAGE = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: %(code)d</p>
        <p>Message: %(message)s.</p>
        <p>Error code explanation: %(code)s - %(explain)s.</p>
    </body>
</html>
`;

export const DEFAULT_ERROR_CONTENT_TYPE = "text/html;charset=utf-8";

/** DEFAULT_ERROR_MESSAGE cut at its four fields: (code)d, (message)s, (code)s, (explain)s. */
const DEFAULT_PARTS = DEFAULT_ERROR_MESSAGE.split(/%\((?:code|message|explain)\)[ds]/);

/**
 * send_error's body: `format` (error_message_format) filled in with the code and the
 * HTML-escaped message and explanation, as text; null for a status that has no body (1xx, 204,
 * 205, 304: RFC 9110 §15.2, §15.3.5, §15.3.6, §15.4.5). CPython's own format is filled by
 * joining its fixed parts, another format with percentFormat. send_error takes it through
 * errorBody(), which keeps the bytes of the pages that repeat.
 */
export function errorPage(format: string, code: number, message: string, explain: string): string | null {
  if (code < 200 || code === 204 || code === 205 || code === 304) return null;
  const escaped = htmlEscape(message, false);
  const explained = htmlEscape(explain, false);
  if (format === DEFAULT_ERROR_MESSAGE && Number.isInteger(code)) {
    const p = DEFAULT_PARTS;
    return p[0] + code + p[1] + escaped + p[2] + code + p[3] + explained + p[4];
  }
  return percentFormat(format, { code, message: escaped, explain: explained });
}

/** A page kept as sent: what it was made of, and its UTF-8 bytes (never changed once made). */
interface KeptPage {
  readonly format: string;
  readonly code: number;
  readonly message: string;
  readonly explain: string;
  readonly bytes: Uint8Array;
}

/** Pages kept, replaced in turn; pages longer than PAGE_BYTES_KEPT are not kept. */
const PAGES_KEPT = 8;
const PAGE_BYTES_KEPT = 4096;
const NO_PAGE: KeptPage = { format: "", code: -1, message: "", explain: "", bytes: new Uint8Array(0) };
const kept: KeptPage[] = new Array<KeptPage>(PAGES_KEPT).fill(NO_PAGE);
let nextKept = 0;
/** The last page made and not kept: a page is kept when asked for a second time in a row of
 * pages not kept (a refusal that repeats), so that pages made once (a message quoting the
 * request) cost no copy. Its fields are overwritten, never the object replaced. */
const lastMade = { format: "", code: -1, message: "", explain: "" };

/**
 * errorPage() as send_error writes it: the UTF-8 bytes of a page asked for lately (one of the
 * last PAGES_KEPT pages made twice: a garbage flood's refusals are mostly the same few, e.g.
 * "Bare LF in request head"), shared and never to be changed; else the text, as errorPage().
 * A kept page is found by its format, code, message and explanation, compared as strings
 * (a refusal's message is the same string each time: found without reading its characters).
 */
export function errorBody(format: string, code: number, message: string, explain: string): string | Uint8Array | null {
  for (let i = 0; i < PAGES_KEPT; i++) {
    const page = kept[i]!;
    if (page.code === code && page.message === message && page.explain === explain && page.format === format) return page.bytes;
  }
  const text = errorPage(format, code, message, explain);
  if (text === null || text.length > PAGE_BYTES_KEPT) return text;
  const last = lastMade;
  if (last.code !== code || last.message !== message || last.explain !== explain || last.format !== format) {
    last.format = format;
    last.code = code;
    last.message = message;
    last.explain = explain;
    return text;
  }
  last.code = -1;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > PAGE_BYTES_KEPT) return text;
  kept[nextKept] = { format, code, message, explain, bytes };
  nextKept = (nextKept + 1) % PAGES_KEPT;
  return bytes;
}
