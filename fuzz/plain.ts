// Which fuzz inputs lie outside every difference docs/API.md names from CPython 3.11, so that
// basehttp must answer them byte for byte as CPython does (fuzz/cpython.ts --check). An input is
// "plain" when it is a run of complete requests, each breaking none of the rules where basehttp
// differs on purpose, for test/compat's echo handlers (do_GET, do_POST and do_HEAD read a
// Content-Length body; any other method is 501); plainReason() says which rule puts it outside.

import { parseRequestHead } from "../src/tokenizer/js-index.js";

/** Bytes Python's str.split() treats as whitespace in a latin-1 request line besides SP/HTAB/CR/LF
 * (VT, FF, FS-US, NEL, NBSP): API.md splits on SP and HTAB only. */
const PY_WHITESPACE = /[\x0b\x0c\x1c-\x1f\x85\xa0]/;
/** The echo handlers' methods (test/compat/handlers.ts); any other is 501 and a close. */
const ECHOED = new Set(["GET", "POST", "HEAD"]);

/**
 * Why `input` is not plain, or null when it is. `persistent`: the server speaks HTTP/1.1 (echo11),
 * so a request may be followed by another; on an HTTP/1.0 server (echo10) only one request is plain.
 */
export function plainReason(input: Buffer, persistent: boolean): string | null {
  let at = 0;
  for (;;) {
    const r = oneRequest(input, at, persistent);
    if (typeof r === "string") return at === 0 ? r : `a later request: ${r}`;
    if (r === input.length) return null;
    at = r;
  }
}

/** The end of the plain request at `at`, or why it is not plain. */
function oneRequest(input: Buffer, at: number, persistent: boolean): number | string {
  // Empty lines before a request line are skipped (API.md; CPython closes or answers 400).
  if (input[at] === 0x0d || input[at] === 0x0a) return "leading empty line";
  const head = parseRequestHead(input, { start: at });
  // The smuggling rules' 400s, the limits (API.md), and a head cut short by the client's FIN
  // (README, "Incomplete requests at end of stream").
  if (head.kind === "violation") return `violation ${head.name}`;
  if (head.kind === "need-more") return "head not complete";
  const text = input.toString("latin1", at, at + head.length);
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
  // A CONNECT that declares content is 400, do_CONNECT or not (API.md "Tunnels", RFC 9110 §9.3.6);
  // CPython answers 501 without do_CONNECT.
  if (head.method === "CONNECT" && lengths.length > 0) return "CONNECT with content";
  // Content-Length from 10^14 on is refused (API.md's limits).
  if (lengths.length > 1 || (lengths.length === 1 && !/^\d{1,13}$/.test(lengths[0]!))) return "Content-Length form";
  const end = at + head.length + (lengths.length === 1 ? Number(lengths[0]) : 0);
  // A body cut short by the client's FIN is not answered (README, as for heads).
  if (end > input.length) return "body not complete";
  if (end === input.length) return end;
  // Bytes after a request that ends the connection: CPython closes with them unread, so a reset
  // races its answer, where basehttp drains them (API.md); and a body the handler did not read
  // (501) is discarded by basehttp, parsed as the next request by CPython.
  const connection = named("connection")[0]?.toLowerCase();
  const keepAlive = persistent && ECHOED.has(head.method) && connection !== "close" && (head.version === "HTTP/1.1" || connection === "keep-alive");
  return keepAlive ? end : "bytes after a request that ends the connection";
}
