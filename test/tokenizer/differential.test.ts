// Differential property test: random heads, built valid from parts and then mutated with the
// bytes parsers disagree on, go to every backend (allTokenizers) whole, in random chunks and at
// a random start; every backend must fill the very same Int32Array as the js twin, and chunking,
// the start offset and bytes beyond `end` must change nothing. 30,300 inputs per run.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { DEFAULT_HEAD_LIMIT, OUTCOME_VIOLATION, T_FLAGS, T_OUTCOME, T_VIOLATION, T_VIOLATION_AT, F_HTTP09 } from "../../src/contract/layout.js";
import { newTable } from "../../src/contract/table.js";
import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { VIOLATION_COUNT } from "../../src/contract/violations.js";
import { COMMON_HEADER_NAMES } from "../../src/tokenizer/intern.js";
import { allBackends } from "./backends.js";
import { tableDiff } from "./cases.case.js";

const backends = allBackends();
const js = backends.find((t) => t.name === "js")!;

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const chars = (s: string) => [...s];
const TCHAR = chars("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
const VCHAR = chars("!\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~ \t\x80\xe9\xff");
const INTERESTING = [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x7f, 0x80, 0xff, 0x2c, 0x30, 0x0b];

const token = (from: string[], max: number) => fc.array(fc.constantFrom(...from), { minLength: 1, maxLength: max }).map((a) => a.join(""));
const digits = fc.array(fc.constantFrom(..."0123456789"), { minLength: 0, maxLength: 12 }).map((a) => a.join(""));

const method = fc.oneof(fc.constantFrom("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "get", "M-SEARCH", "PRI"), token(TCHAR, 8));
const target = fc.oneof(
  fc.constantFrom("/", "/index.html", "/a?b=c&d", "*", "http://example.com/x", "example.com:443", "//evil/x", "/caf\xe9", "/\x00"),
  token(chars("/abc%?=&.~-_:@\x7f\x80"), 40),
);
const version = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("HTTP/1.1", "HTTP/1.0") },
  { weight: 2, arbitrary: fc.constantFrom("HTTP/0.9", "HTTP/2.0", "HTTP/1.10", "HTTP/01.01", "HTTP/0000000001.1",
    "HTTP/00000000001.1", "HTTP/1.9999999999", "HTTP/9999999999.0", "http/1.1", "HTTP/1", "HTTP/1.1.1", "") },
  { weight: 1, arbitrary: fc.tuple(digits, digits).map(([a, b]) => `HTTP/${a}.${b}`) },
);
const sep = fc.constantFrom(" ", " ", " ", "\t", "  ", " \t");
const ows = fc.constantFrom("", "", " ", "\t", "  ", " \t ");
const name = fc.oneof(
  fc.constantFrom("Host", "Content-Length", "content-length", "Transfer-Encoding", "TRANSFER-ENCODING", "Connection",
    "connection", "Expect", "Accept", "X-Forwarded-For", "Transfer_Encoding"),
  token(TCHAR, 12),
);
const value = fc.oneof(
  fc.constantFrom("chunked", "gzip, chunked", "chunked, gzip", "chunked,", "chunked, chunked", " ,chunked", "x, chunked ,chunked", "Chunked", "gzip", "close", "keep-alive",
    "Close", "close, upgrade", "100-continue", "100-Continue", "5", "0", "4294967296", "99999999999999",
    "100000000000000", "+5", "5, 5", "", "example.com"),
  token(VCHAR, 24),
);
const header = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(name, ows, value, ows).map(([n, a, v, b]) => `${n}:${a}${v}${b}\r\n`) },
  // The malformed lines of fixtures/headers.md and smuggling.md, now and then.
  { weight: 1, arbitrary: fc.constantFrom(" folded\r\n", "\tfolded\r\n", "NoColon\r\n", "Name : v\r\n", "Name\t: v\r\n",
    ": v\r\n", "Bad\"Name: v\r\n", "X: a\rb\r\n", "X: a\x00b\r\n", "X: a\n", "Transfer-Encoding:\r\n chunked\r\n") },
);

/** A head built from parts, most of them well-formed, some breaking a rule on purpose. */
const head = fc
  .record({
    lead: fc.oneof({ weight: 12, arbitrary: fc.constant("") },
      { weight: 2, arbitrary: fc.constantFrom(" ", "\t", "\r\n", "\r\n\r\n", "\r\n ", "\n", "\r\n".repeat(8), "\r\n".repeat(9)) }),
    method, s1: sep, target, s2: sep, version,
    headers: fc.array(header, { maxLength: 12 }),
    body: fc.constantFrom("", "", "hello", "0\r\n\r\n", "GET / HTTP/1.1\r\n\r\n"),
  })
  .map((r) => latin1(`${r.lead}${r.method}${r.s1}${r.target}${r.version ? r.s2 + r.version : ""}\r\n${r.headers.join("")}\r\n${r.body}`));

/** Heads at the limits: a request or header line of 65,533 to 65,539 bytes (CRLF included, or
 * cut short of its LF), and 97 to 102 header fields, in either order. */
const boundary = fc
  .record({
    lineLen: fc.integer({ min: 65533, max: 65539 }),
    inRequestLine: fc.boolean(),
    terminated: fc.boolean(),
    fields: fc.integer({ min: 97, max: 102 }),
    longFirst: fc.boolean(),
  })
  .map((r) => {
    const end = r.terminated ? "\r\n" : "";
    const long = (pre: string, post: string) => pre + "v".repeat(r.lineLen - pre.length - post.length - 2) + post + end;
    const fields = "X: y\r\n".repeat(r.fields);
    if (r.inRequestLine) return latin1(long("GET /", " HTTP/1.1") + fields + "\r\n");
    const line = long("X: ", "");
    return latin1("GET / HTTP/1.1\r\n" + (r.longFirst ? line + fields : fields + line) + "\r\n");
  });

type Mutation = { at: number; op: "insert" | "delete" | "replace"; byte: number };
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation["op"]>("insert", "delete", "replace"),
  byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
});

function mutate(bytes: Uint8Array, muts: Mutation[]): Uint8Array {
  const a = [...bytes];
  for (const m of muts) {
    const at = a.length ? m.at % (a.length + (m.op === "insert" ? 1 : 0)) : 0;
    if (m.op === "insert") a.splice(at, 0, m.byte);
    else if (a.length && m.op === "delete") a.splice(at, 1);
    else if (a.length) a[at] = m.byte;
  }
  return Uint8Array.from(a);
}

/** Random bytes, most of them the bytes the tokenizer cares about. */
const noise = fc.uint8Array({ maxLength: 160 }).chain((raw) =>
  fc.array(fc.constantFrom(...INTERESTING, 0x47, 0x54, 0x48, 0x2f, 0x31, 0x2e), { minLength: raw.length, maxLength: raw.length })
    .map((pick) => raw.map((b, i) => (b & 1 ? b : pick[i]!))));

const scenario = (input: fc.Arbitrary<Uint8Array>) => fc.record({
  input,
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
  headLimit: fc.oneof({ weight: 3, arbitrary: fc.constant(DEFAULT_HEAD_LIMIT) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }) }),
  prefix: fc.uint8Array({ maxLength: 9 }),
  garbage: fc.uint8Array({ minLength: 1, maxLength: 9 }).map((g) => g.map((b, i) => (i % 2 ? 0x0a : b))),
});
type Scenario = { input: Uint8Array; cuts: number[]; headLimit: number; prefix: Uint8Array; garbage: Uint8Array };

/** Scan input[start, end) in the chunks given by `cuts`, stopping at the first verdict. */
function chunked(tok: Tokenizer, buf: Uint8Array, start: number, n: number, cuts: number[], headLimit: number): Int32Array {
  const t = newTable();
  const ends = [...new Set(cuts.map((c) => c % (n + 1))), n].sort((a, b) => a - b);
  for (const e of ends) if (tok.scan(buf, start, start + e, t, headLimit) !== 0) break;
  return t;
}

function whole(tok: Tokenizer, input: Uint8Array, headLimit: number): Int32Array {
  const t = newTable();
  tok.scan(input, 0, input.length, t, headLimit);
  return t;
}

/** Invariants every table obeys, whatever the input. */
function sane(t: Int32Array, input: Uint8Array, headLimit: number): string[] {
  const o = t[T_OUTCOME]!;
  const n = input.length;
  const errs: string[] = [];
  if (o > 0) {
    if (o > n || o > headLimit) errs.push(`head length ${o} beyond input ${n} / limit ${headLimit}`);
    const end = Buffer.from(input.subarray(0, o)).toString("latin1");
    if (!end.endsWith((t[T_FLAGS]! & F_HTTP09) ? "\r\n" : "\r\n\r\n")) errs.push(`head does not end in its line end`);
  } else if (o === 0) {
    if (n > headLimit) errs.push(`need-more with ${n} bytes over the ${headLimit} limit`);
  } else if (o === OUTCOME_VIOLATION) {
    if (!(t[T_VIOLATION]! > 0 && t[T_VIOLATION]! < VIOLATION_COUNT)) errs.push(`violation code ${t[T_VIOLATION]}`);
    if (!(t[T_VIOLATION_AT]! >= 0 && t[T_VIOLATION_AT]! <= n)) errs.push(`violation offset ${t[T_VIOLATION_AT]} outside the input`);
  } else errs.push(`outcome ${o}`);
  return errs;
}

/** The property: every backend, every way of feeding it, the same table as js given the whole input. */
function agree(s: Scenario): void {
  const { input, cuts, headLimit, prefix, garbage } = s;
  const ref = whole(js, input, headLimit);
  expect(sane(ref, input, headLimit)).toEqual([]);
  // The same input at start > 0 with unrelated bytes after `end`.
  const buf = Buffer.concat([prefix, input, garbage]);
  for (const tok of backends) {
    const at = (what: string, diff: string[]) => {
      if (diff.length) expect.fail(`${tok.name}, ${what}: ${diff.join("; ")}`);
    };
    at("whole", tableDiff(ref, whole(tok, input, headLimit)));
    at("at start > 0, bytes beyond end", tableDiff(ref, chunked(tok, buf, prefix.length, input.length, [], headLimit)));
    const split = chunked(tok, buf, prefix.length, input.length, cuts, headLimit);
    at(`chunked at ${cuts}`, tableDiff(ref, split, true));
    // With the same chunks, every backend's table equals js's, resume slots included.
    at(`chunked at ${cuts}, vs js`, tableDiff(chunked(js, buf, prefix.length, input.length, cuts, headLimit), split));
  }
}

const seed = process.env["FC_SEED"] === undefined ? {} : { seed: Number(process.env["FC_SEED"]) };

describe(`differential: ${backends.map((t) => t.name).join(", ")}`, () => {
  test("heads built from parts (4,000)", () => {
    fc.assert(fc.property(scenario(head), agree), { numRuns: 4000, ...seed });
  });

  test("heads mutated with CR, LF, NUL, SP, HTAB, ':', DEL, 0x80, 0xFF (20,000)", () => {
    const mutated = fc.tuple(head, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([h, m]) => mutate(h, m));
    fc.assert(fc.property(scenario(mutated), agree), { numRuns: 20000, ...seed });
  });

  test("heads at the line and field-count limits (300)", () => {
    const limit = fc.oneof(fc.constant(DEFAULT_HEAD_LIMIT), fc.integer({ min: 65530, max: 131100 }));
    fc.assert(fc.property(scenario(boundary).chain((s) => limit.map((headLimit) => ({ ...s, headLimit }))), agree), { numRuns: 300, ...seed });
  });

  test("field lines ending at every offset of a 64-byte control mask, a refused byte in a value, a limit at the line end", () => {
    // The SIMD walk (assembly/walk.ts) reads the control bytes 64 at a time: a pad field moves
    // the next lines' CR and LF over every offset of a mask, and values of 0 to 200 bytes make
    // the walk cross one or several masks inside a line.
    const none = new Uint8Array(0);
    const lf = Uint8Array.of(0x0a, 0x0d, 0x0a);
    for (let pad = 0; pad < 64; pad++) {
      for (const len of [0, 1, 14, 15, 16, 17, 47, 48, 62, 63, 64, 65, 127, 128, 200]) {
        const input = latin1(`GET / HTTP/1.1\r\nX-Pad: ${"p".repeat(pad)}\r\nA: ${"v".repeat(len)}\r\nB: w\r\n\r\n`);
        const valueAt = 16 + 9 + pad + 3;
        agree({ input, cuts: [], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: lf });
        for (const cut of [valueAt + len - 1, valueAt + len, valueAt + len + 1, valueAt + len + 2]) {
          agree({ input, cuts: [cut], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: lf });
          agree({ input, cuts: [], headLimit: cut, prefix: none, garbage: lf });
        }
        for (const at of len ? [0, len >> 1, len - 1] : []) {
          for (const byte of [0x00, 0x0b, 0x0d, 0x0a, 0x7f, 0x09, 0x80]) {
            const bad = input.slice();
            bad[valueAt + at] = byte;
            agree({ input: bad, cuts: [], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: lf });
          }
        }
      }
    }
  });

  test("request lines whose words, SPs and CRLF fall on every lane of a 16-byte block, cut and limited at every byte", () => {
    // The SIMD request line (assembly/fast.ts blockRequestLine) finds each word's end with one
    // search of 16-byte blocks for a byte <= SP (or above 0x7f): method and target of 1 to 40
    // bytes move SP, version and CRLF over every lane; words the block search must hand to the
    // loop (more whitespace, HTAB, a control or high byte, another version) sit at the same lanes.
    const none = new Uint8Array(0);
    const lf = Uint8Array.of(0x3a, 0x0d, 0x0a);
    const lines: string[] = [];
    for (let m = 1; m <= 17; m++) {
      for (let t = 1; t <= 40; t++) lines.push(`${"M".repeat(m)} /${"t".repeat(t - 1)} HTTP/1.${t & 1}`);
    }
    for (const odd of ["  ", "\t", " \t", "\x01", "\x7f", "\x80", "\xff", "\r", "\n"]) {
      for (let t = 0; t <= 17; t++) {
        lines.push(`GET /${"a".repeat(t)}${odd}b HTTP/1.1`, `GET${odd}/${"a".repeat(t)} HTTP/1.1`, `GET /${"a".repeat(t)}${odd}HTTP/1.1`);
      }
    }
    for (const v of ["HTTP/1.2", "HTTP/2.0", "HTTP/1.1 ", "HTTP/1.10", "http/1.1", "HTTP/1.", "HTTP/1.1x"]) lines.push(`GET /${"p".repeat(7)} ${v}`);
    lines.push(" GET / HTTP/1.1", "GET  / HTTP/1.1", "GET / HTTP/1.1 x");
    for (const line of lines) {
      const input = latin1(`${line}\r\nHost: x\r\n\r\n`);
      agree({ input, cuts: [], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: lf });
      for (let cut = line.length - 10; cut <= line.length + 2; cut++) {
        if (cut < 1) continue;
        agree({ input, cuts: [cut], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: lf });
        agree({ input, cuts: [], headLimit: cut, prefix: none, garbage: lf });
      }
    }
  });

  test("field names of 1 to 20 bytes with their colon on every lane, common or not, and values the block walk leaves to the line steps", () => {
    // assembly/walk.ts walkLines: the colon is found in the 16 bytes at the line start and the
    // name id from the same vector; a common name is not checked for non-tchars, any other name
    // is, on the same vector; names of 1 to 3 and of 16 or more bytes step out to fieldLine. The
    // walk's hits (controls, HTAB, bytes above 0x7f) stop it before a value with HTAB or
    // obs-text, and an SP before the CR (`name: ` too) before a value to trim: the line steps
    // take those.
    const none = new Uint8Array(0);
    const names: string[] = [];
    for (let len = 1; len <= 20; len++) {
      for (const n of COMMON_HEADER_NAMES) if (n.length === len) names.push(n, n.toUpperCase(), n.slice(0, -1) + "_");
      names.push("x".repeat(len), `${"y".repeat(len - 1)} `, `${"z".repeat(len >> 1)}/${"z".repeat(len - 1 - (len >> 1))}`);
    }
    names.push("Hos", "Hostt", "Host ", " Host", "Ho\x80t", "Ho\tst", "Content-Lengt", "");
    const values = ["", " ", "v", " v", "  v", "v ", "v\t", "\tv", "a\tb", "caf\xe9", "\x80", "a\x01b", "close", "5"];
    let k = 0;
    for (const name of names) {
      for (const value of values) {
        // A pad line moves the name over the 16 lanes of a block (and a 64-byte mask).
        const pad = "p".repeat(k++ % 37);
        const input = latin1(`GET / HTTP/1.1\r\nX-Pad: ${pad}\r\n${name}:${value}\r\nHost: h\r\n\r\n`);
        agree({ input, cuts: [], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: Uint8Array.of(0x3a, 0x3a, 0x0d, 0x0a) });
        const lineAt = 16 + 9 + pad.length;
        for (const cut of [lineAt + 1, lineAt + name.length, lineAt + name.length + value.length + 2, input.length - 1]) {
          agree({ input, cuts: [cut], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: Uint8Array.of(0x3a) });
        }
      }
    }
    // A head that ends within 16 bytes of a field line's start, after a longer head left colons
    // and CRLFs in linear memory past its end.
    for (const tok of backends) whole(tok, latin1(`GET / HTTP/1.1\r\nX: ${":\r\n".repeat(40)}\r\n`), DEFAULT_HEAD_LIMIT);
    for (let cut = 1; cut <= 20; cut++) {
      const input = latin1(`GET / HTTP/1.1\r\nHost: a\r\n${"Accept-Encoding: x\r\n".slice(0, cut)}`);
      agree({ input, cuts: [], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage: Uint8Array.of(0x3a, 0x0d, 0x0a) });
    }
  });

  test("common names with one byte replaced at every position: no id, and no tchar search skipped", () => {
    // assembly/walk.ts compares the name's lanes with its NAME_BLOCK entry and takes a name
    // with an id as tchars only (it checks only names without one): a name one byte
    // off at a position the hash key does not read lands on the entry's slot, and must neither
    // get its id nor be taken when the byte is not a tchar (RFC 9110 §5.6.2). The bytes are the
    // entry's byte with bit 0x20 flipped (a case-fold neighbour: '@' for '`', '[' for '{'), its
    // neighbours, and the non-tchars a name must not hold.
    const none = new Uint8Array(0);
    const garbage = Uint8Array.of(0x3a, 0x0d, 0x0a);
    for (const n of COMMON_HEADER_NAMES) {
      if (n.length > 15) continue;
      for (let i = 0; i < n.length; i++) {
        const c = n.charCodeAt(i);
        for (const b of new Set([c ^ 0x20, c + 1, c - 1, 0x40, 0x5b, 0x60, 0x7b, 0x20, 0x2f, 0x22, 0x7f, 0x80, 0xdf])) {
          const name = n.slice(0, i) + String.fromCharCode(b & 0xff) + n.slice(i + 1);
          // Two pad lengths put the name at two lanes of a block; the value is one the walk takes.
          for (const pad of ["", "pp"]) {
            const input = latin1(`GET / HTTP/1.1\r\nX-Pad: ${pad}\r\n${name}: v\r\nHost: h\r\n\r\n`);
            agree({ input, cuts: [], headLimit: DEFAULT_HEAD_LIMIT, prefix: none, garbage });
          }
        }
      }
    }
  });

  test("random bytes biased to the interesting ones (6,000)", () => {
    fc.assert(fc.property(scenario(noise), agree), { numRuns: 6000, ...seed });
  });
});
