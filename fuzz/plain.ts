// Which fuzz inputs lie outside every difference docs/API.md names from CPython 3.11, so that
// basehttp must answer them byte for byte as CPython does (fuzz/cpython.ts --check). An input is
// "plain" when it is one complete request that breaks none of the rules where basehttp differs on
// purpose; plainReason() says which rule puts it outside, citing API.md's list.

import { parseRequestHead } from "../src/tokenizer/js-index.js";

/** Bytes Python's str.split() treats as whitespace in a latin-1 request line besides SP/HTAB/CR/LF
 * (VT, FF, FS-US, NEL, NBSP): API.md splits on SP and HTAB only. */
const PY_WHITESPACE = /[\x0b\x0c\x1c-\x1f\x85\xa0]/;

/** Why `input` is not a plain request, or null when it is. */
export function plainReason(input: Buffer): string | null {
  // Empty lines before a request line are skipped (API.md; CPython answers nothing or 400).
  if (input[0] === 0x0d || input[0] === 0x0a) return "leading empty line";
  const head = parseRequestHead(input);
  // The smuggling rules' 400s, the limits (API.md), and a head cut short by the client's FIN
  // (README, "Incomplete requests at end of stream").
  if (head.kind === "violation") return `violation ${head.name}`;
  if (head.kind === "need-more") return "head not complete";
  const text = input.toString("latin1", 0, head.length);
  const [line = "", ...fields] = text.slice(0, -4).split("\r\n");
  // HTTP/0.9 is answered at once; CPython 3.11 reads headers first (gh-70765). Other versions as
  // CPython reads them are the same in both, but are left to test/compat.
  if (head.version !== "HTTP/1.0" && head.version !== "HTTP/1.1") return "version";
  // The request line is split on runs of SP and HTAB only (API.md).
  if (line !== `${head.method} ${head.target} ${head.version}` || PY_WHITESPACE.test(line)) return "request-line whitespace";
  // Header values lose trailing SP/HTAB (API.md, RFC 9110 §5.5); CPython keeps them.
  if (fields.some((f) => /[ \t]$/.test(f))) return "trailing whitespace in a field";
  const named = (n: string): string[] => head.headers.filter(([name]) => name.toLowerCase() === n).map(([, v]) => v);
  // Chunked bodies are decoded by rfile (API.md); CPython's handler reads no chunked body.
  if (named("transfer-encoding").length > 0) return "Transfer-Encoding";
  // Expect other than 100-continue: the same in both, but left to test/compat.
  if (named("expect").some((v) => v !== "100-continue")) return "Expect";
  const lengths = named("content-length");
  const body = input.length - head.length;
  // A CONNECT that declares content is 400, do_CONNECT or not (API.md "Tunnels", RFC 9110 §9.3.6);
  // CPython answers 501 without do_CONNECT.
  if (head.method === "CONNECT" && lengths.length > 0) return "CONNECT with content";
  if (lengths.length === 0) return body === 0 ? null : "bytes after a head without Content-Length";
  // Content-Length from 10^14 on is refused (API.md's limits); a body cut short by the client's
  // FIN is not answered; bytes after the body would be a second request.
  if (lengths.length > 1 || !/^\d{1,13}$/.test(lengths[0]!)) return "Content-Length form";
  return Number(lengths[0]) === body ? null : "body length differs from Content-Length";
}
