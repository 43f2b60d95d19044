// The fuzzer's inputs: structure-aware requests built from a seed corpus and mutated where
// HTTP parsers disagree (methods, targets, versions, field names and values, Content-Length,
// Transfer-Encoding, chunk lines, CR/LF/NUL/obs-fold/whitespace placement), pipelined, now and
// then mutated byte by byte, and cut into the pieces they are sent in. Deterministic for a
// seed: input i of seed s is always the same bytes (fuzz/run.ts --seed, --replay).

import { SCENARIOS } from "../bench/corpus.js";
import { loadFixtures } from "../test/tokenizer/fixtures.js";

/** A small, fast, seedable PRNG (mulberry32). */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
}

/** One request as the parts a mutation can change; every string is bytes (latin1). */
interface Field {
  name: string;
  colon: string;
  value: string;
  eol: string;
}
interface Chunk {
  size: string;
  ext: string;
  eol: string;
  data: string;
  end: string;
}
interface Req {
  lead: string;
  method: string;
  sp1: string;
  target: string;
  sp2: string;
  version: string;
  eol: string;
  fields: Field[];
  headEnd: string;
  body: { kind: "none" } | { kind: "raw"; data: string } | { kind: "chunked"; chunks: Chunk[]; last: string; trailers: string; end: string };
}

export interface FuzzInput {
  /** What was sent, whole. */
  bytes: Buffer;
  /** Offsets the bytes are cut at: each piece is its own write. */
  splits: number[];
  /** Keep the connection open after sending (the server's time limits must close it). */
  holdOpen: boolean;
  /** Mutations applied, for the report. */
  notes: string[];
}

// Pools: the values parsers disagree on, plus what the seed corpus holds.
const METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "TRACE",
  "PROPFIND", "M-SEARCH", "PURGE", "get", "Get", "GETT", "G", "FOO", "X-CUSTOM", "GET\x00", "GE T", "", "\x80GET", "POST\t"];
const TARGETS = ["/", "/", "/a", "/a?b=c&d=e", "*", "http://h.example/x", "//double", "/%00", "/\x7f", "/\x80\xff",
  "/a#frag", "/a b", "/a\x00b", "/a\x01", "/caf\xe9", "/" + "x".repeat(300), "h.example:443", "/?q=\"'<>", "/a|b{c}", "/\\"];
const VERSIONS = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.0", "HTTP/0.9", "HTTP/1.2", "HTTP/2.0",
  "HTTP/1.10", "HTTP/01.1", "http/1.1", "HTTP/1", "HTTP/1.1 ", "HTTP/1.1\x00", "HTTP/ 1.1", "HTTP/3.0", "HTTP/1.01"];
const SPACES = [" ", " ", " ", " ", "  ", "\t", " \t", "\x0b", "\x0c", "\x00"];
const EOLS = ["\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n", "\n\r", "\r\n\r"];
const COLONS = [":", ": ", ": ", ": ", ":  ", ":\t", " :", "\t:", "", "::", ": \x00"];
const NAMES = ["Host", "User-Agent", "Accept", "X-A", "Cookie", "Content-Type", "X_Under", "X.Dot", "x-lower",
  "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Trailer", "TE", "Te", "X\x00", "X Y", "X\x7f", "\xe9",
  "X\"Q", "X(", "", "Content-Length ", " Transfer-Encoding", "Transfer_Encoding", "Content_Length", "Transfer-Encoding\t"];
const VALUES = ["a", "h.example", "text/plain", "*/*", "x y", " spaced ", "\t", "", "\x80\xff", "a\x00b", "a\x01b", "a\x7fb",
  "a\rb", "a\nb", "a\r\n b", "a\r\n\tb", "\"quoted\"", "a,b", "close", "keep-alive", "100-continue", "Close, TE", "x".repeat(200)];
const CL_VALUES = ["{n}", "{n}", "{n}", " {n}", "{n} ", "+{n}", "-{n}", "0{n}", "00", "{n}, {n}", "{n},{n}", "{n} {n}", "0x{n}",
  "{n}\x00", "{n}\t", "\t{n}", "{n}\t{n}", "", " ", "99999999999999999999", "100000000000000", "4294967296", "18446744073709551617", "1e1", "{m}", "{m}"];
const TE_VALUES = ["chunked", "chunked", "chunked", "Chunked", "CHUNKED", " chunked", "chunked ", "chunked, chunked",
  "gzip, chunked", "chunked, gzip", "identity", "identity, chunked", "chunked;q=1", "\"chunked\"", "chunkedx", "x-chunked",
  "chunked\x00", "chunked\x0b", "chunked\t", ",chunked", "chunked,", "gzip", "", "\xe7hunked", "chunked\r\n chunked"];
const CHUNK_EXTS = ["", "", "", "", ";", ";a", ";a=b", ";a=\"b\"", ";a=\"b;c\"", " ;a", "; a", ";a =b", ";a= b", ";a=\"x",
  ";=x", ";a=b;c=d", ";\x00", ";a=\x7f", ";a=\"\\\"\"", "\t;a", ";a=\"\r\n\"", ";" + "e".repeat(5000)];
const CHUNK_SIZE_FORMS = ["{h}", "{h}", "{h}", "{H}", "0{h}", "000000000000000{h}", " {h}", "{h} ", "{h}\t", "+{h}", "-{h}",
  "0x{h}", "{h}{h}", "", "g", "fffffffffffffffff", "ffffffffffff"];
const BYTES = [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x7f, 0x80, 0xff, 0x2c, 0x3b, 0x22, 0x30, 0x0b, 0x0c];

/** Pools taken from the seed corpus: request-line words and header fields of every head. */
interface Seeds {
  raw: Buffer[];
  methods: string[];
  targets: string[];
  versions: string[];
  fields: [string, string][];
}

export function loadSeeds(): Seeds {
  const raw: Buffer[] = [];
  for (const c of loadFixtures()) if (c.input.length <= 4096) raw.push(Buffer.from(c.input));
  for (const sc of SCENARIOS) raw.push(sc.bytes.length <= 16384 ? sc.bytes : sc.bytes.subarray(0, 16384));
  const seeds: Seeds = { raw, methods: [], targets: [], versions: [], fields: [] };
  for (const b of raw) {
    const text = b.toString("latin1");
    const lines = text.split("\r\n");
    const words = (lines[0] ?? "").split(/[ \t]+/).filter((w) => w);
    if (words.length === 3) {
      seeds.methods.push(words[0]!);
      seeds.targets.push(words[1]!);
      seeds.versions.push(words[2]!);
    }
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0 && line.length < 300) seeds.fields.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  }
  return seeds;
}

const hex = (n: number): string => n.toString(16);

function chunkFor(r: Rng, data: string): Chunk {
  return { size: hex(data.length), ext: r.chance(0.15) ? r.pick(CHUNK_EXTS) : "", eol: "\r\n", data, end: "\r\n" };
}

function bodyText(r: Rng): string {
  const n = r.pick([0, 1, 2, 5, 5, 10, 16, 31, 100, 1000]);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.chance(0.05) ? r.pick(BYTES) : 0x61 + (i % 26));
  // Now and then the body holds what looks like a request (a smuggled one, if misframed).
  if (r.chance(0.2)) s += "GET /smuggled HTTP/1.1\r\nHost: s\r\n\r\n";
  return s;
}

/** A well-formed request from the pools. */
function baseRequest(r: Rng, seeds: Seeds): Req {
  const method = r.chance(0.3) && seeds.methods.length ? r.pick(seeds.methods) : r.pick(["GET", "POST", "POST", "PUT", "HEAD", "DELETE", "OPTIONS"]);
  const req: Req = {
    lead: "", method, sp1: " ", target: r.chance(0.3) && seeds.targets.length ? r.pick(seeds.targets) : r.pick(["/", "/a", "/a?b=c"]),
    sp2: " ", version: r.chance(0.85) ? "HTTP/1.1" : "HTTP/1.0", eol: "\r\n",
    fields: [{ name: "Host", colon: ": ", value: "h.example", eol: "\r\n" }], headEnd: "\r\n", body: { kind: "none" },
  };
  const extra = r.int(4);
  for (let i = 0; i < extra && seeds.fields.length; i++) {
    const [name, value] = r.pick(seeds.fields);
    if (/^(content-length|transfer-encoding|host|connection|expect|upgrade)$/i.test(name)) continue;
    req.fields.push({ name, colon: ": ", value, eol: "\r\n" });
  }
  const framing = r.next();
  if (method === "POST" || method === "PUT" ? framing < 0.9 : framing < 0.2) {
    const data = bodyText(r);
    if (r.chance(0.5)) {
      req.fields.push({ name: "Content-Length", colon: ": ", value: String(data.length), eol: "\r\n" });
      req.body = { kind: "raw", data };
    } else {
      req.fields.push({ name: "Transfer-Encoding", colon: ": ", value: "chunked", eol: "\r\n" });
      const chunks: Chunk[] = [];
      let rest = data;
      while (rest.length) {
        const n = 1 + r.int(Math.min(rest.length, 40));
        chunks.push(chunkFor(r, rest.slice(0, n)));
        rest = rest.slice(n);
      }
      req.body = { kind: "chunked", chunks, last: "0", trailers: r.chance(0.1) ? "X-T: 1\r\n" : "", end: "\r\n" };
    }
  }
  if (r.chance(0.1)) req.fields.push({ name: "Expect", colon: ": ", value: "100-continue", eol: "\r\n" });
  if (r.chance(0.1)) req.fields.push({ name: "Connection", colon: ": ", value: r.pick(["close", "keep-alive"]), eol: "\r\n" });
  return req;
}

type Mutator = (r: Rng, q: Req) => string;

const fieldIndex = (r: Rng, q: Req): number => r.int(q.fields.length);
const findField = (q: Req, name: string): Field | undefined => q.fields.find((f) => f.name.toLowerCase() === name);

const MUTATORS: Mutator[] = [
  (r, q) => ((q.method = r.pick(METHODS)), "method"),
  (r, q) => ((q.target = r.pick(TARGETS)), "target"),
  (r, q) => ((q.version = r.pick(VERSIONS)), "version"),
  (_r, q) => ((q.version = ""), (q.sp2 = ""), "two-word request line"),
  (r, q) => (r.chance(0.5) ? (q.sp1 = r.pick(SPACES)) : (q.sp2 = r.pick(SPACES)), "request-line whitespace"),
  (r, q) => ((q.eol = r.pick(EOLS)), "request-line end"),
  (r, q) => ((q.lead = r.pick(["\r\n", "\r\n\r\n", "\r\n".repeat(8), "\r\n".repeat(9), "\n", " ", "\t", "\r\n "])), "leading lines"),
  (r, q) => {
    const f = q.fields[fieldIndex(r, q)];
    if (f) f.name = r.pick(NAMES);
    return "field name";
  },
  (r, q) => {
    const f = q.fields[fieldIndex(r, q)];
    if (f) f.colon = r.pick(COLONS);
    return "colon";
  },
  (r, q) => {
    const f = q.fields[fieldIndex(r, q)];
    if (f) f.value = r.pick(VALUES);
    return "field value";
  },
  (r, q) => {
    const f = q.fields[fieldIndex(r, q)];
    if (f) f.eol = r.pick(EOLS);
    return "field line end";
  },
  (r, q) => {
    const f = q.fields[fieldIndex(r, q)];
    if (f) f.value += r.pick(["\r\n folded", "\r\n\tfolded", "\r\n ", "\r\n Transfer-Encoding: chunked"]);
    return "obs-fold";
  },
  (r, q) => {
    q.fields.splice(r.int(q.fields.length + 1), 0, { ...q.fields[fieldIndex(r, q)] ?? { name: "X", colon: ":", value: "", eol: "\r\n" } });
    return "duplicate field";
  },
  (r, q) => (q.fields.splice(fieldIndex(r, q), 1), "drop field"),
  (r, q) => {
    const len = q.body.kind === "raw" ? q.body.data.length : 5;
    const value = r.pick(CL_VALUES).replaceAll("{n}", String(len)).replaceAll("{m}", String(Math.max(0, len + r.pick([-1, 1, 2, -2]))));
    const f = findField(q, "content-length");
    if (f && r.chance(0.7)) f.value = value;
    else q.fields.splice(r.int(q.fields.length + 1), 0, { name: r.pick(["Content-Length", "content-length", "CONTENT-LENGTH"]), colon: ": ", value, eol: "\r\n" });
    if (q.body.kind === "none") q.body = { kind: "raw", data: "hello" };
    return "content-length";
  },
  (r, q) => {
    const f = findField(q, "transfer-encoding");
    const value = r.pick(TE_VALUES);
    if (f && r.chance(0.6)) f.value = value;
    else q.fields.splice(r.int(q.fields.length + 1), 0, { name: r.pick(["Transfer-Encoding", "transfer-encoding"]), colon: ": ", value, eol: "\r\n" });
    if (q.body.kind !== "chunked") q.body = { kind: "chunked", chunks: [chunkFor(r, "hello")], last: "0", trailers: "", end: "\r\n" };
    return "transfer-encoding";
  },
  (r, q) => {
    if (q.body.kind !== "chunked" || !q.body.chunks.length) return "chunk size (none)";
    const c = r.pick(q.body.chunks);
    c.size = r.pick(CHUNK_SIZE_FORMS).replaceAll("{h}", c.size).replaceAll("{H}", c.size.toUpperCase());
    return "chunk size";
  },
  (r, q) => {
    if (q.body.kind !== "chunked") return "chunk ext (none)";
    const ext = r.pick(CHUNK_EXTS);
    if (q.body.chunks.length && r.chance(0.7)) r.pick(q.body.chunks).ext = ext;
    else q.body.last += ext;
    return "chunk extension";
  },
  (r, q) => {
    if (q.body.kind !== "chunked" || !q.body.chunks.length) return "chunk data (none)";
    const c = r.pick(q.body.chunks);
    if (r.chance(0.5)) c.data = r.chance(0.5) ? c.data.slice(0, -1) : c.data + "x";
    else if (r.chance(0.5)) c.end = r.pick(["", "\n", "\r", "xx", "\r\n\r\n"]);
    else c.eol = r.pick(EOLS);
    return "chunk data/line end";
  },
  (r, q) => {
    if (q.body.kind !== "chunked") return "chunk end (none)";
    const b = q.body;
    const k = r.int(4);
    if (k === 0) b.last = r.pick(["", "00", "0000000", "0 ", " 0", "0x0", "1"]);
    else if (k === 1) b.trailers = r.pick(["X-T: 1\r\n", "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "bad trailer\r\n", " x\r\n", "X\x00: 1\r\n"]);
    else if (k === 2) b.end = r.pick(["", "\n", "\r\n\r\n", "\r"]);
    else b.chunks.push(chunkFor(r, "more"));
    return "last chunk/trailers";
  },
  (r, q) => ((q.headEnd = r.pick(["\n", "\r", "", "\r\n\r\n", " \r\n"])), "head end"),
  (r, q) => {
    q.fields.push({ name: r.pick(["Expect", "Connection"]), colon: ": ", value: r.pick(["100-continue", "close", "keep-alive", "100-Continue"]), eol: "\r\n" });
    return "expect/connection";
  },
];

function serialize(q: Req): string {
  let s = q.lead + q.method + q.sp1 + q.target + (q.version === "" ? "" : q.sp2 + q.version) + q.eol;
  for (const f of q.fields) s += f.name + f.colon + f.value + f.eol;
  s += q.headEnd;
  const b = q.body;
  if (b.kind === "raw") s += b.data;
  else if (b.kind === "chunked") {
    for (const c of b.chunks) s += c.size + c.ext + c.eol + c.data + c.end;
    s += b.last + "\r\n" + b.trailers + b.end;
  }
  return s;
}

function mutateBytes(r: Rng, bytes: number[]): string {
  const k = r.int(5);
  const at = r.int(bytes.length + 1);
  if (k === 0) bytes.splice(at, 0, r.pick(BYTES));
  else if (k === 1 && bytes.length) bytes.splice(at % bytes.length, 1);
  else if (k === 2 && bytes.length) bytes[at % bytes.length] = r.chance(0.7) ? r.pick(BYTES) : r.int(256);
  else if (k === 3 && bytes.length) {
    const len = 1 + r.int(16);
    bytes.splice(at, 0, ...bytes.slice(at, at + len));
  } else if (bytes.length) bytes.length = at;
  return "bytes";
}

/** Input `index` of the run with seed `seed`. */
export function generate(seed: number, index: number, seeds: Seeds): FuzzInput {
  const r = new Rng((seed * 0x9e3779b1) ^ (index * 0x85ebca6b) ^ 0x5bd1e995);
  const notes: string[] = [];
  let text: string;
  if (r.chance(0.15)) {
    // A seed as it is (a fixture head or a corpus request), with a body sometimes.
    text = r.pick(seeds.raw).toString("latin1");
    notes.push("seed");
  } else {
    const count = r.chance(0.6) ? 1 : 2 + r.int(3);
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      const q = baseRequest(r, seeds);
      const muts = r.chance(0.2) ? 0 : 1 + r.int(r.chance(0.3) ? 4 : 2);
      for (let m = 0; m < muts; m++) notes.push(r.pick(MUTATORS)(r, q));
      // An extra CRLF after a body now and then (RFC 9112 §2.2).
      parts.push(serialize(q) + (r.chance(0.05) ? "\r\n" : ""));
    }
    text = parts.join("");
  }
  let bytes = [...Buffer.from(text, "latin1")];
  if (r.chance(0.2)) {
    const n = 1 + r.int(3);
    for (let i = 0; i < n; i++) notes.push(mutateBytes(r, bytes));
  }
  if (bytes.length > 65536) bytes = bytes.slice(0, 65536);
  const buf = Buffer.from(bytes);
  const splits: number[] = [];
  const pieces = r.chance(0.5) ? 0 : 1 + r.int(r.chance(0.2) ? 12 : 3);
  for (let i = 0; i < pieces && buf.length > 1; i++) splits.push(1 + r.int(buf.length - 1));
  return { bytes: buf, splits: [...new Set(splits)].sort((a, b) => a - b), holdOpen: r.chance(0.03), notes };
}
