// The shared tokenizer suite: every fixture case (fixtures/*.md, read by fixtures.ts) against
// one backend, whole, split in two at every byte, one byte at a time and pipelined behind
// another request. Each backend's test file is three lines calling runCases (hono's
// common.case.test.ts pattern); tables are compared slot by slot with slot names on failure.

import { describe, expect, test } from "vitest";
import {
  DEFAULT_HEAD_LIMIT, F_CHUNKED, F_CONNECTION_CLOSE, F_CONNECTION_KEEP_ALIVE, F_EXPECT_CONTINUE, F_HAS_CONTENT_LENGTH,
  F_HAS_TRANSFER_ENCODING, F_HTTP09, F_SEEN_CONNECTION, F_SEEN_EXPECT, HEADER_NAME_ID, HEADER_SLOTS, T_CL_HI, T_CL_LO,
  T_FLAGS, T_HEADER_COUNT, T_HEADERS, T_LINE_START, T_METHOD_LEN, T_METHOD_OFF, T_OUTCOME,
  T_REQUEST_LINE_END, T_REQUEST_LINE_START, T_SCAN_POS, T_TARGET_LEN, T_TARGET_OFF, T_VERSION_LEN, T_VERSION_MAJOR,
  T_VERSION_MINOR, T_VERSION_OFF, T_VIOLATION, T_VIOLATION_AT, T_WORDS, OUTCOME_VIOLATION,
} from "../../src/contract/layout.js";
import { contentLength, newTable } from "../../src/contract/table.js";
import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { VIOLATION_NAMES } from "../../src/contract/violations.js";
import { COMMON_HEADER_NAMES } from "../../src/tokenizer/intern.js";
import { type Case, decode, loadFixtures } from "./fixtures.js";

const FLAG_BITS: Record<string, number> = {
  "content-length": F_HAS_CONTENT_LENGTH, "transfer-encoding": F_HAS_TRANSFER_ENCODING, chunked: F_CHUNKED,
  close: F_CONNECTION_CLOSE, "keep-alive": F_CONNECTION_KEEP_ALIVE, "expect-continue": F_EXPECT_CONTINUE, http09: F_HTTP09,
};
const PUBLIC_FLAGS = Object.values(FLAG_BITS).reduce((a, b) => a | b, 0);
/** Cases up to this size are split at every byte and fed one byte at a time. */
const EVERY_SPLIT_MAX = 4096;
const BYTE_AT_A_TIME_MAX = 2048;
const PREVIOUS = decode("GET /prev HTTP/1.1\\r\\nHost: p\\r\\n\\r\\n");
const FOLLOWING = decode("GET /next HTTP/1.1\\r\\n\\r\\n");

const SLOT_NAMES: Record<number, string> = {
  0: "OUTCOME", 1: "VIOLATION", 2: "VIOLATION_AT", 3: "SCAN_POS", 4: "LINE_START", 5: "METHOD_OFF",
  6: "METHOD_LEN", 7: "TARGET_OFF", 8: "TARGET_LEN", 9: "VERSION_OFF", 10: "VERSION_LEN",
  11: "VERSION_MAJOR", 12: "VERSION_MINOR", 13: "WORDS", 14: "REQUEST_LINE_END", 15: "FLAGS",
  16: "CL_HI", 17: "CL_LO", 18: "HEADER_COUNT", 19: "TE_AT", 20: "REQUEST_LINE_START",
};

function slotName(i: number): string {
  if (i < T_HEADERS) return SLOT_NAMES[i]!;
  const h = Math.floor((i - T_HEADERS) / HEADER_SLOTS);
  return `header[${h}].${["nameOff", "nameLen", "valueOff", "valueLen", "nameId"][(i - T_HEADERS) % HEADER_SLOTS]}`;
}

/** Differences between two tables, by slot name. The resume slots are skipped after a
 * violation when `resumeMayDiffer` (they hold wherever the last need-more left off). */
export function tableDiff(a: Int32Array, b: Int32Array, resumeMayDiffer = false): string[] {
  const out: string[] = [];
  const skip = resumeMayDiffer && a[T_OUTCOME] === OUTCOME_VIOLATION;
  for (let i = 0; i < a.length; i++) {
    if (skip && (i === T_SCAN_POS || i === T_LINE_START)) continue;
    if (a[i] !== b[i]) out.push(`${slotName(i)}: ${a[i]} vs ${b[i]}`);
  }
  return out;
}

function show(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString("latin1")).slice(0, 120);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** Everything the case's expect block says, checked against a table for input[start, ...). */
function checkCase(c: Case, input: Uint8Array, start: number, t: Int32Array): string[] {
  const e = c.expected;
  const errs: string[] = [];
  const slice = (off: number, len: number) => input.subarray(start + off, start + off + len);
  const want = (what: string, got: unknown, exp: unknown) => {
    if (got !== exp) errs.push(`${what}: got ${String(got)}, expected ${String(exp)}`);
  };
  const o = e.outcome;
  if (o.kind === "complete") {
    want("outcome", t[T_OUTCOME], o.length);
    want("violation", t[T_VIOLATION], 0);
  } else if (o.kind === "need-more") want("outcome", t[T_OUTCOME], 0);
  else {
    want("outcome", t[T_OUTCOME], OUTCOME_VIOLATION);
    want("violation", VIOLATION_NAMES[t[T_VIOLATION]!], o.name);
    want("violation offset", t[T_VIOLATION_AT], o.at);
  }
  const complete = o.kind === "complete";
  // Empty lines skipped before the request line: 0 unless listed, for a complete head.
  if (e.emptyLines !== undefined || complete) want("request line start", t[T_REQUEST_LINE_START], 2 * (e.emptyLines ?? 0));
  if (e.method && !same(slice(t[T_METHOD_OFF]!, t[T_METHOD_LEN]!), e.method)) {
    errs.push(`method: got ${show(slice(t[T_METHOD_OFF]!, t[T_METHOD_LEN]!))}, expected ${show(e.method)}`);
  }
  if (e.target && !same(slice(t[T_TARGET_OFF]!, t[T_TARGET_LEN]!), e.target)) {
    errs.push(`target: got ${show(slice(t[T_TARGET_OFF]!, t[T_TARGET_LEN]!))}, expected ${show(e.target)}`);
  }
  if (e.version) {
    const v = slice(t[T_VERSION_OFF]!, t[T_VERSION_LEN]!);
    if (!same(v, e.version.text)) errs.push(`version: got ${show(v)}, expected ${show(e.version.text)}`);
    want("version major", t[T_VERSION_MAJOR], e.version.major);
    want("version minor", t[T_VERSION_MINOR], e.version.minor);
  }
  const flags = e.flags ?? (complete ? [] : undefined);
  if (flags) want("flags", flagNames(t[T_FLAGS]! & PUBLIC_FLAGS), flags.slice().sort().join(" ") || "none");
  const http09 = (t[T_FLAGS]! & F_HTTP09) !== 0;
  if (e.words !== undefined || complete) want("words", t[T_WORDS], e.words ?? (http09 ? 2 : 3));
  if (e.contentLength !== undefined) want("content-length", contentLength(t), e.contentLength);
  else if (complete) want("content-length slots", `${t[T_CL_HI]},${t[T_CL_LO]}`, "0,0");
  const headers = e.headers ?? (complete ? [] : undefined);
  if (headers) errs.push(...checkHeaders(headers, slice, t));
  if (complete) {
    // A complete head's request line ends at the first LF after it starts, and the internal
    // "seen" flags follow from the stored fields.
    const lf = input.indexOf(0x0a, start + t[T_REQUEST_LINE_START]!) - start;
    want("request line end", t[T_REQUEST_LINE_END], lf - 1);
    const names = (headers ?? []).map(([n]) => Buffer.from(n).toString("latin1").toLowerCase());
    want("seen Connection", (t[T_FLAGS]! & F_SEEN_CONNECTION) !== 0, names.includes("connection"));
    want("seen Expect", (t[T_FLAGS]! & F_SEEN_EXPECT) !== 0, names.includes("expect"));
  }
  return errs;
}

function flagNames(bits: number): string {
  return Object.keys(FLAG_BITS).filter((k) => bits & FLAG_BITS[k]!).sort().join(" ") || "none";
}

function checkHeaders(exp: Array<[Uint8Array, Uint8Array]>, slice: (o: number, l: number) => Uint8Array, t: Int32Array): string[] {
  const errs: string[] = [];
  if (t[T_HEADER_COUNT] !== exp.length) errs.push(`header count: got ${t[T_HEADER_COUNT]}, expected ${exp.length}`);
  const n = Math.min(t[T_HEADER_COUNT]!, exp.length);
  for (let i = 0; i < n && errs.length < 10; i++) {
    const h = T_HEADERS + i * HEADER_SLOTS;
    const name = slice(t[h]!, t[h + 1]!);
    const value = slice(t[h + 2]!, t[h + 3]!);
    if (!same(name, exp[i]![0]) || !same(value, exp[i]![1])) {
      errs.push(`header ${i}: got ${show(name)} = ${show(value)}, expected ${show(exp[i]![0])} = ${show(exp[i]![1])}`);
    }
    // The value lies after the name's colon.
    if (t[h + 2]! < t[h]! + t[h + 1]! + 1) errs.push(`header ${i}: value offset ${t[h + 2]} inside the name`);
    // The name id is 1 + the index of the name among the common names, byte for byte, else 0.
    const wantId = COMMON_HEADER_NAMES.indexOf(Buffer.from(name).toString("latin1")) + 1;
    if (t[h + HEADER_NAME_ID] !== wantId) errs.push(`header ${i}: name id ${t[h + HEADER_NAME_ID]}, expected ${wantId}`);
  }
  return errs;
}

/** One fresh-table scan of input[start, end). */
function scanOnce(tok: Tokenizer, input: Uint8Array, start: number, end: number, headLimit: number): Int32Array {
  const t = newTable();
  tok.scan(input, start, end, t, headLimit);
  return t;
}

/** Split positions: all of them for short inputs, else the edges, every line boundary (±1),
 * the limits' boundaries and a fixed pseudo-random sample. */
function splitPoints(input: Uint8Array, headLimit: number): number[] {
  const n = input.length;
  if (n <= EVERY_SPLIT_MAX) return Array.from({ length: n + 1 }, (_, k) => k);
  const pts = new Set<number>();
  for (let k = 0; k <= 16; k++) pts.add(k).add(n - k);
  let lines = 0;
  for (let i = input.indexOf(0x0a); i >= 0 && lines < 300; i = input.indexOf(0x0a, i + 1), lines++) {
    for (const d of [-1, 0, 1, 2]) pts.add(i + d);
  }
  for (const b of [65535, 65536, 65537, headLimit - 1, headLimit, headLimit + 1]) pts.add(b);
  let x = n;
  for (let k = 0; k < 24; k++) pts.add((x = (x * 1103515245 + 12345) % 2147483648) % (n + 1));
  return [...pts].filter((k) => k >= 0 && k <= n).sort((a, b) => a - b);
}

/** The whole-input table agrees with the case, and splitting the input changes nothing. */
export function runCases(tok: Tokenizer): void {
  const cases = loadFixtures();
  test("the fixtures hold at least 150 cases", () => expect(cases.length).toBeGreaterThanOrEqual(150));
  for (const c of cases) {
    describe(`case at ${c.file}:${c.line}: ${c.title}`, () => {
      const { input, headLimit } = c;
      const whole = () => scanOnce(tok, input, 0, input.length, headLimit);

      test("whole", () => {
        const t = whole();
        expect(checkCase(c, input, 0, t)).toEqual([]);
      });

      test("split in two", () => {
        const ref = whole();
        for (const k of splitPoints(input, headLimit)) {
          const t = newTable();
          const first = tok.scan(input, 0, k, t, headLimit);
          // An early verdict must be the final one: only need-more may change.
          if (first === 0) tok.scan(input, 0, input.length, t, headLimit);
          const diff = tableDiff(ref, t, true);
          if (diff.length) expect.fail(`split at ${k} (first scan ${first}): ${diff.join("; ")}`);
        }
      });

      if (input.length <= BYTE_AT_A_TIME_MAX) test("one byte at a time", () => {
        const ref = whole();
        const t = newTable();
        let k = 0;
        while (tok.scan(input, 0, k, t, headLimit) === 0 && k < input.length) k++;
        const diff = tableDiff(ref, t, true);
        if (diff.length) expect.fail(`stopped at ${k}: ${diff.join("; ")}`);
      });

      test("pipelined after and before another request", () => {
        // The case sits at start > 0 in a buffer shared with other requests; its table must be
        // the same, input-relative. A need-more case is the buffer's end (a following request
        // would continue it).
        const tail = c.expected.outcome.kind === "need-more" ? new Uint8Array(0) : FOLLOWING;
        const buf = Buffer.concat([PREVIOUS, input, tail]);
        const start = PREVIOUS.length;
        const prev = scanOnce(tok, buf, 0, buf.length, DEFAULT_HEAD_LIMIT);
        expect(prev[T_OUTCOME]).toBe(PREVIOUS.length);
        const t = scanOnce(tok, buf, start, buf.length, headLimit);
        expect(tableDiff(whole(), t)).toEqual([]);
        expect(checkCase(c, buf, start, t)).toEqual([]);
        if (c.expected.outcome.kind === "complete") {
          const next = scanOnce(tok, buf, start + input.length, buf.length, DEFAULT_HEAD_LIMIT);
          expect(next[T_OUTCOME]).toBe(FOLLOWING.length);
        }
      });
    });
  }
}
