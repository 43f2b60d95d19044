// What the fuzzer checks on each input (issue 7, item 4), given the three exchanges:
// - the two basehttp backends agree: the same bytes answered, the same end of the connection
//   (a close and a reset alike, and a reset client's answer cut short by it: sameAnswer),
//   the same requests handed to the handler with the same bodies;
// - no hang: basehttp closes every connection within its time limits;
// - node:http and basehttp see the same requests with the same bodies; where node:http refuses
//   a request that basehttp serves, the difference is one the README documents (DIFFERENCES),
//   or it is a finding.

import http from "node:http";
import type { Exchange } from "./harness.js";
import type { EchoRecord } from "./protocol.js";

/** Requests node:http refuses and basehttp serves on purpose (README "Differences from
 * node:http"): API.md keeps CPython's request line and header rules. */
export const DIFFERENCES: Record<string, string> = {
  method: "any token is a method (CPython dispatches do_<METHOD>); llhttp knows a fixed list",
  version: "HTTP/0.9 (`GET /`) and any HTTP/1.x version as CPython reads it (HTTP/1.2, HTTP/01.1, HTTP/1.10); llhttp takes 1.0 and 1.1",
  target: "request-target bytes are not checked beyond SP/HTAB/CR/LF, nor its form (CPython); llhttp refuses controls, non-ASCII, some ASCII, and the authority form outside CONNECT",
  host: "an HTTP/1.1 request without Host is served (CPython); node:http answers 400 (requireHostHeader)",
  whitespace: "the request line is split on runs of SP and HTAB, leading and trailing ones included (CPython, API.md); llhttp takes one SP between words",
  expect: "an Expect other than 100-continue is ignored (CPython; RFC 9110 §10.1.1 allows it); node:http answers 417",
  connect: "CONNECT is served by do_CONNECT (a tunnel, API.md); node:http emits 'connect' and closes without a listener",
  "chunk-ext-bws": "BWS around ';' and '=' in chunk extensions, as RFC 9112 §7.1.1 allows; llhttp refuses it",
  "te-htab": "HTAB after a Transfer-Encoding value is OWS (RFC 9110 §5.6.3), trimmed; llhttp refuses it",
  "cl-htab": "HTAB after a Content-Length value is OWS (RFC 9110 §5.6.3), trimmed; llhttp refuses it",
  connection: "only the first Connection field counts, compared whole (CPython, API.md); llhttp closes on a close token in any Connection field",
  "proxy-connection": "Proxy-Connection is an ordinary field (CPython); llhttp reads 'Proxy-Connection: close' as Connection: close and refuses what follows",
  trailer: "trailer fields are read and dropped whatever their name (framing fields there change nothing); llhttp refuses Transfer-Encoding or Content-Length in a trailer",
};

export interface Finding {
  kind: "backend-disagreement" | "hang" | "crash" | "server-error" | "node-rejects-basehttp-accepts" | "body-mismatch";
  detail: string;
  /** A sub-kind, for counting and saving: "chunk-ext" when the input holds a chunk line that
   * breaks RFC 9112 §7.1.1 (the chunk-extension grammar the chunked decoder checks). */
  tag?: string;
}

interface Verdict {
  findings: Finding[];
  /** Documented differences seen (node:http refused, basehttp served on purpose). */
  documented: string[];
  /** Requests node:http served and basehttp refused (basehttp stricter). */
  stricter: number;
  requests: { wasm: number; js: number; node: number };
}

const NODE_METHODS = new Set(http.METHODS);
/** Bytes of a request target llhttp takes in strict mode: RFC 3986 pchar, query and fragment. */
const PLAIN_TARGET = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%#[\]]*$/;

function recText(r: EchoRecord | undefined): string {
  if (!r) return "(none)";
  return JSON.stringify([r.method, r.target, r.version, Buffer.from(r.body, "base64").toString("latin1")]).slice(0, 300);
}

const names = (r: EchoRecord): string => r.headers.map(([n]) => n.toLowerCase()).join("\n");

function sameRequest(a: EchoRecord, b: EchoRecord): boolean {
  return a.method === b.method && a.target === b.target && a.version === b.version && names(a) === names(b) &&
    (a.body === b.body || a.partial === true || b.partial === true);
}

// RFC 9112 §7.1.1: chunk-size [ chunk-ext ] with
// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const QUOTED = '"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*"';
const CHUNK_LINE = new RegExp(`^[0-9A-Fa-f]+(?:[ \\t]*;[ \\t]*${TOKEN}(?:[ \\t]*=[ \\t]*(?:${TOKEN}|${QUOTED}))?)*$`);
/** Lines that look like a chunk-size line with extensions or whitespace. */
const CHUNK_LINE_LIKE = /^[0-9A-Fa-f]+[ \t;]/;

/** Chunk-size-like lines of the input that break RFC 9112 §7.1.1 (chunk-ext grammar). */
function invalidChunkLines(input: Buffer): string[] {
  return input.toString("latin1").split("\r\n").filter((l) => CHUNK_LINE_LIKE.test(l) && !CHUNK_LINE.test(l));
}

/** The input holds an RFC 9112 chunk line with BWS in its extensions. (basehttp's chunked
 * decoder checks the grammar itself, so a body it served had valid chunk lines; data lines
 * that merely look like chunk lines are no evidence either way.) */
function chunkExtBws(input: Buffer): boolean {
  return input.toString("latin1").split("\r\n").some((l) => /[ \t]/.test(l) && /;/.test(l) && CHUNK_LINE.test(l));
}

/** Why node:http would refuse a request basehttp served, when the README documents it. */
function documentedReason(rec: EchoRecord, input: Buffer): string | null {
  if (rec.method === "CONNECT") return "connect";
  if (!NODE_METHODS.has(rec.method)) return "method";
  if (rec.version !== "HTTP/1.1" && rec.version !== "HTTP/1.0") return "version";
  // llhttp takes origin form, `*` and absolute URIs; the authority form only for CONNECT.
  if (!PLAIN_TARGET.test(rec.target) || !/^(\/|\*$|[A-Za-z]+:\/\/)/.test(rec.target)) return "target";
  if (rec.line !== `${rec.method} ${rec.target} ${rec.version}`) return "whitespace";
  const named = (n: string) => rec.headers.filter(([name]) => name.toLowerCase() === n);
  if (rec.version === "HTTP/1.1" && named("host").length === 0) return "host";
  if (named("expect").some(([, v]) => v.toLowerCase() !== "100-continue")) return "expect";
  if (named("content-length").length && /\ncontent-length:[^\r\n]*\t\r\n/i.test(input.toString("latin1"))) return "cl-htab";
  if (named("transfer-encoding").length) {
    const text = input.toString("latin1");
    if (chunkExtBws(input)) return "chunk-ext-bws";
    if (/\ntransfer-encoding:[^\r\n]*\t\r\n/i.test(text)) return "te-htab";
    if (/\r\n0[^\r\n]*\r\n(?:[^\r\n]+\r\n)*(?:transfer-encoding|content-length)[ \t]*:/i.test(text)) return "trailer";
  }
  return null;
}

/**
 * Whether two connections ended alike. A close and a reset count as alike (the bytes answered and
 * the requests served are compared besides): when the server closes without a drain, because the
 * client asked for the close and had sent nothing more (RFC 9112 §9.6; HTTP/1.0 without
 * keep-alive, §9.3), bytes the client writes after it anyway draw a reset or not depending on
 * whether they reach the server before its close, a race of the two processes' timing, not of
 * the backend (fuzz/regressions/close-or-reset-seed1-6151.json: pipelined requests after an
 * HTTP/1.0 one, the rest written 1 ms later, reset in about one replay of five). Where the reset
 * also cut a client's answer short, sameAnswer judges the bytes.
 */
export function sameEnd(a: Exchange["end"], b: Exchange["end"]): boolean {
  return a === b || (a !== "hang" && b !== "hang");
}

/**
 * Whether the two backends' clients got the same answer: the same bytes and an end alike
 * (sameEnd), or, where one connection was reset, what that client got is the start of what the
 * other got. A reset that reaches a client before it has read everything makes the kernel drop the
 * rest, so after the race sameEnd describes, one client may miss the end of an answer the server
 * wrote whole; the requests each server handed its handler (compared beside this) say whether the
 * servers did the same.
 */
export function sameAnswer(a: Exchange, b: Exchange): boolean {
  if (a.received.equals(b.received)) return sameEnd(a.end, b.end);
  const prefix = (x: Exchange, y: Exchange): boolean => x.end === "reset" && y.end !== "hang" && y.received.subarray(0, x.received.length).equals(x.received);
  return prefix(a, b) || prefix(b, a);
}

export function compare(input: Buffer, wasm: Exchange, js: Exchange, node: Exchange): Verdict {
  const v: Verdict = { findings: [], documented: [], stricter: 0, requests: { wasm: wasm.records.length, js: js.records.length, node: node.records.length } };
  // The backends: byte for byte.
  const seen = (ex: Exchange): string => JSON.stringify(ex.records.map((r) => [r.method, r.target, r.version, r.body, r.headers]));
  if (!sameAnswer(wasm, js) || seen(wasm) !== seen(js)) {
    v.findings.push({
      kind: "backend-disagreement",
      detail: `wasm ${wasm.end} ${JSON.stringify(wasm.received.toString("latin1").slice(0, 200))} [${wasm.records.map(recText).join(", ")}] / ` +
        `js ${js.end} ${JSON.stringify(js.received.toString("latin1").slice(0, 200))} [${js.records.map(recText).join(", ")}]`,
    });
  }
  for (const [name, ex] of [["wasm", wasm], ["js", js]] as const) {
    if (ex.end === "hang") v.findings.push({ kind: "hang", detail: `${name}: connection still open ${ex.ms} ms after the input` });
  }
  // node:http against basehttp, request by request, up to the first difference. A request
  // node:http refuses for a documented reason may be skipped by it (it answers 400 or 417 and
  // reads on), so such a request of basehttp's is passed over when node:http has another there.
  const b = wasm.records;
  const n = node.records;
  let i = 0;
  let j = 0;
  /** A request node:http refused on purpose: it may have closed the connection after it. */
  let refused = false;
  for (;;) {
    if (i < b.length && j < n.length && sameRequest(b[i]!, n[j]!)) {
      i++;
      j++;
      continue;
    }
    if (i >= b.length) {
      if (j < n.length) v.stricter++;
      break;
    }
    // basehttp served request i; node:http refused it or saw another request there.
    const reason = documentedReason(b[i]!, input);
    if (reason !== null) {
      v.documented.push(reason);
      refused = true;
      i++;
      continue;
    }
    // node:http closed the connection after a request it refused on purpose (its handler may
    // still have seen requests parsed from the same read): the rest is not compared.
    if (refused && j >= n.length) break;
    // llhttp ends the connection after `Proxy-Connection: close` as after `Connection: close`,
    // and after a close token in any Connection field (CPython reads the first field, whole).
    if (j >= n.length) {
      const closes = (name: string) => b.slice(0, i).some((r) => r.headers.some(([k, val]) => k.toLowerCase() === name && /close/i.test(val)));
      const reason = closes("proxy-connection") ? "proxy-connection" : closes("connection") ? "connection" : null;
      if (reason !== null) {
        v.documented.push(reason);
        break;
      }
    }
    const bad = invalidChunkLines(input);
    const tag = bad.length ? "chunk-ext" : "other";
    const why = bad.length ? ` [chunk lines breaking RFC 9112 §7.1.1: ${JSON.stringify(bad.slice(0, 3))}]` : "";
    if (j < n.length) v.findings.push({ kind: "body-mismatch", tag, detail: `request ${i}: basehttp ${recText(b[i])} / node:http ${recText(n[j])}${why}` });
    else v.findings.push({ kind: "node-rejects-basehttp-accepts", tag, detail: `request ${i}: basehttp served ${recText(b[i])}; node:http served ${n.length} request(s)${why}` });
    break;
  }
  return v;
}
