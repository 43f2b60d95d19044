// The parsers bench/tokenizer.bench.ts races, each wrapped with the same consumer step: make
// the method, target and version strings and read Host, Content-Length and Connection, as a
// server does before dispatching. basehttp reads them from its token table with the server's
// own code (src/http/request-line.ts, HTTPMessage); llhttp and http-parser-js hand over strings.

import { createRequire } from "node:module";
import { F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_HAS_CONTENT_LENGTH, T_FLAGS } from "../src/contract/layout.js";
import { contentLength, newTable, resetTable } from "../src/contract/table.js";
import type { Tokenizer } from "../src/contract/tokenizer.js";
import { HTTPMessage } from "../src/http/message.js";
import { requestMethod, requestTarget, requestVersion } from "../src/http/request-line.js";
import type { ParseRequestHead } from "../src/tokenizer/head.js";
import type { Expected } from "./corpus.js";

/** Receives what the consumer read from one request. */
export type Sink = (method: string, target: string, version: string, host: string, cl: number, conn: string) => void;

/** One candidate bound to one scenario's bytes; each call handles every request in them. */
export interface Prepared {
  /** Parse and consume: what a server pays per socket read. */
  full(): void;
  /** The tokenizer alone on bytes already where it reads them (basehttp backends only). */
  kernel?: () => void;
  /** The WASM copy into linear memory plus the kernel, without the consumer. */
  copyScan?: () => void;
}

export interface Candidate {
  name: string;
  /** "basehttp" for our backends, "reference" for the parsers we measure against. */
  family: "basehttp" | "reference";
  /** `variants` (a power-of-two count of heads of `bytes.length` bytes): each call takes the next
   * one instead of a copy of `bytes` (the varying-value scenarios). */
  prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]): Prepared;
}

const HEAD_LIMIT = 1024 * 1024;
/** Distinct buffers with the same bytes, used in turn: each call sees a fresh socket read, so a
 * backend cannot skip work because it saw the same Buffer object last time (WASM staging). */
const RING = 4;

/** The buffers a candidate takes in turn (`bufs[turn++ & (bufs.length - 1)]`): RING copies of
 * `bytes`, or a copy of each variant. */
export function ring(bytes: Buffer, variants?: readonly Buffer[]): Buffer[] {
  if (variants) return variants.map((v) => Buffer.from(v));
  return Array.from({ length: RING }, () => Buffer.from(bytes));
}

/**
 * The basehttp consumer, as the server reads a request: method, target and version through
 * the functions parse_request uses, Host through HTTPMessage (the handler's `headers`, built
 * when a handler reads it), Content-Length and Connection from the table's flags.
 */
function consumeTable(buf: Buffer, s: number, t: Int32Array, sink: Sink): void {
  const method = requestMethod(buf, s, t);
  const target = requestTarget(buf, s, t);
  const version = requestVersion(buf, s, t);
  const host = new HTTPMessage(buf, s, t).get("Host", "");
  const flags = t[T_FLAGS]!;
  const cl = flags & F_HAS_CONTENT_LENGTH ? contentLength(t) : -1;
  const conn = flags & F_CONNECTION_CLOSE ? "close" : flags & F_CONNECTION_KEEP_ALIVE ? "keep-alive" : "";
  sink(method, target, version, host, cl, conn);
}

/** A basehttp backend: scan each head in turn (pipelined requests follow one another). */
export function tokenizerCandidate(tok: Tokenizer, kernelFor?: (bytes: Buffer) => () => void): Candidate {
  return {
    name: tok.name,
    family: "basehttp",
    prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]): Prepared {
      const bufs = ring(bytes, variants);
      const mask = bufs.length - 1;
      let turn = 0;
      const t = newTable();
      const n = bytes.length;
      const scanAll = (consume: boolean): void => {
        const buf = bufs[turn++ & mask]!;
        for (let s = 0; s < n; ) {
          resetTable(t);
          const len = tok.scan(buf, s, n, t, HEAD_LIMIT);
          if (len <= 0) throw new Error(`${tok.name}: outcome ${len} at ${s}`);
          if (consume) consumeTable(buf, s, t, sink);
          s += len;
        }
      };
      const prepared: Prepared = { full: () => scanAll(true) };
      if (kernelFor) {
        prepared.kernel = kernelFor(bytes);
        prepared.copyScan = () => scanAll(false);
      } else {
        prepared.kernel = () => scanAll(false);
      }
      return prepared;
    },
  };
}

// The consumer's string work, the same for every candidate (see "The consumer" in bench/NOTES.md):
// names are compared case-insensitively (RFC 9110 §5.1) as node:http's matchKnownFields
// (lib/_http_incoming.js) does with what llhttp hands it: the two usual spellings by ===, and a
// lower-cased copy only for any other spelling (here only when the first letter matches). Every
// parser hands names over as received, so each consumer makes the same comparisons.

/** Whether the field name `name` (as long as `lower`) is `lower` in any letter case. */
export function isName(name: string, canonical: string, lower: string): boolean {
  return name === canonical || name === lower || ((name.charCodeAt(0) | 0x20) === lower.charCodeAt(0) && name.toLowerCase() === lower);
}

/** A Connection value lower-cased when it is `close` or `keep-alive` in any case, else "". */
export function connectionValue(v: string): string {
  if (v === "keep-alive" || v === "close") return v;
  const lower = v.length === 5 || v.length === 10 ? v.toLowerCase() : "";
  return lower === "close" || lower === "keep-alive" ? lower : "";
}

/** The header fields the consumer reads, from [name, value] pairs (parseRequestHead's headers). */
export function consumePairs(headers: readonly [string, string][], sink: Sink, method: string, target: string, version: string): void {
  let host = "";
  let cl = -1;
  let conn = "";
  let seenConn = false;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i]!;
    const name = pair[0];
    const value = pair[1];
    switch (name.length) {
      case 4:
        if (host === "" && isName(name, "Host", "host")) host = value;
        break;
      case 10:
        if (!seenConn && isName(name, "Connection", "connection")) {
          seenConn = true;
          conn = connectionValue(value);
        }
        break;
      case 14:
        if (isName(name, "Content-Length", "content-length")) cl = Number(value);
        break;
    }
  }
  sink(method, target, version, host, cl, conn);
}

/**
 * The full path through the decoded API (basehttp/tokenizer's and basehttp/tokenizer/js's
 * parseRequestHead): every header as a [name, value] pair of strings, as llhttp hands them
 * over, then the same consumer step as the reference parsers.
 */
export function decodedCandidate(name: string, parse: ParseRequestHead): Candidate {
  return {
    name,
    family: "basehttp",
    prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]): Prepared {
      const bufs = ring(bytes, variants);
      const mask = bufs.length - 1;
      let turn = 0;
      const n = bytes.length;
      const options = { start: 0, end: n, headLimit: HEAD_LIMIT };
      return {
        full: () => {
          const buf = bufs[turn++ & mask]!;
          for (let s = 0; s < n; ) {
            options.start = s;
            const r = parse(buf, options);
            if (r.kind !== "head") throw new Error(`${name}: ${r.kind} at ${s}`);
            consumePairs(r.headers, sink, r.method, r.target, r.version);
            s += r.length;
          }
        },
      };
    },
  };
}

interface NodeParser {
  initialize(type: number, resource: object, maxHeaderSize?: number): void;
  execute(buf: Buffer): number | Error;
  [callback: number]: unknown;
}
interface NodeParserClass {
  new (): NodeParser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
}

/** The header fields the consumer reads, from a flat [name, value, ...] list of strings. */
function consumeHeaderList(headers: readonly string[], sink: Sink, method: string, target: string, version: string): void {
  let host = "";
  let cl = -1;
  let conn = "";
  let seenConn = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    switch (name.length) {
      case 4:
        if (host === "" && isName(name, "Host", "host")) host = headers[i + 1]!;
        break;
      case 10:
        if (!seenConn && isName(name, "Connection", "connection")) {
          seenConn = true;
          conn = connectionValue(headers[i + 1]!);
        }
        break;
      case 14:
        if (isName(name, "Content-Length", "content-length")) cl = Number(headers[i + 1]);
        break;
    }
  }
  sink(method, target, version, host, cl, conn);
}

/**
 * Node's own llhttp as node:http drives it (lib/_http_server.js): one parser per connection,
 * initialize(REQUEST), execute(chunk), the kOnHeadersComplete callback. The callback returns 1
 * ("skip the body") so a head-only buffer with Content-Length is timed as a head alone.
 */
export function llhttpCandidate(): Candidate {
  const binding = (process as unknown as { binding(name: string): unknown }).binding("http_parser") as {
    HTTPParser: NodeParserClass;
    methods: string[];
  };
  const { HTTPParser, methods } = binding;
  return {
    name: "llhttp",
    family: "reference",
    prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]): Prepared {
      const p = new HTTPParser();
      // maxHeaderSize 1 MiB (the default, 16 KiB, would refuse the sweep's largest head).
      p.initialize(HTTPParser.REQUEST, {}, 1 << 20);
      // Past 32 fields the binding flushes them early through kOnHeaders and passes none to
      // kOnHeadersComplete; node:http (parserOnHeaders) collects them, and so does this.
      let early: string[] = [];
      let earlyUrl = "";
      p[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
        early = early.concat(headers);
        earlyUrl += url;
      };
      p[HTTPParser.kOnHeadersComplete] = (major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined): number => {
        if (!headers) {
          headers = early;
          early = [];
        }
        if (!url) {
          url = earlyUrl;
          earlyUrl = "";
        }
        consumeHeaderList(headers, sink, methods[method]!, url, `HTTP/${major}.${minor}`);
        return 1;
      };
      const bufs = ring(bytes, variants);
      const mask = bufs.length - 1;
      let turn = 0;
      return {
        full: () => {
          const r = p.execute(bufs[turn++ & mask]!);
          if (typeof r !== "number") throw r;
        },
      };
    },
  };
}

interface HpjInfo {
  versionMajor: number;
  versionMinor: number;
  headers: string[];
  method: number;
  url: string;
}

/** http-parser-js, the pure-JavaScript parser some projects swap in for llhttp. */
export function httpParserJsCandidate(): Candidate {
  const require = createRequire(import.meta.url);
  const { HTTPParser } = require("http-parser-js") as {
    HTTPParser: { new (type: string): NodeParser; REQUEST: string; kOnHeadersComplete: number; methods: string[] };
  };
  return {
    name: "http-parser-js",
    family: "reference",
    prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]): Prepared {
      const p = new HTTPParser(HTTPParser.REQUEST);
      p[HTTPParser.kOnHeadersComplete] = (info: HpjInfo): boolean => {
        consumeHeaderList(info.headers, sink, HTTPParser.methods[info.method]!, info.url, `HTTP/${info.versionMajor}.${info.versionMinor}`);
        return true;
      };
      const bufs = ring(bytes, variants);
      const mask = bufs.length - 1;
      let turn = 0;
      return {
        full: () => {
          const r = p.execute(bufs[turn++ & mask]!);
          if (typeof r !== "number") throw r;
        },
      };
    },
  };
}

/** Run `full` `calls` times collecting what the consumer read, to hold every candidate to `expected`. */
export function answers(c: Candidate, bytes: Buffer, variants?: readonly Buffer[], calls = 1): Expected[] {
  const got: Expected[] = [];
  const p = c.prepare(bytes, (method, target, version, host, contentLength, connection) =>
    got.push({ method, target, version, host, contentLength, connection }), variants);
  for (let i = 0; i < calls; i++) p.full();
  return got;
}
