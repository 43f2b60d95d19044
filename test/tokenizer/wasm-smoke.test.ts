// What only the WASM backend can get wrong: the staging of input bytes into linear memory (the
// cache of what is already there, the NEED_LINE round trip, memory growth, one instance shared
// by interleaved connections) and the SIMD/SWAR byte classes. Every table, after every call, is
// compared with the js twin's; a few facts about well-known heads are checked by hand.

import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import {
  DEFAULT_HEAD_LIMIT, F_CONNECTION_KEEP_ALIVE, F_HTTP09, OUTCOME_NEED_MORE, OUTCOME_VIOLATION,
  T_FLAGS, T_HEADER_COUNT, T_METHOD_LEN, T_METHOD_OFF, T_OUTCOME, T_VIOLATION, T_VIOLATION_AT,
} from "../../src/contract/layout.js";
import { newTable } from "../../src/contract/table.js";
import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { V_BARE_CR, V_HEAD_TOO_LARGE } from "../../src/contract/violations.js";
import { JsTokenizer } from "../../src/tokenizer/js.js";
import { allTokenizers, tokenizerFor } from "../../src/tokenizer/select.js";
import { WasmTokenizer } from "../../src/tokenizer/wasm.js";
import { FIREFOX } from "../../bench/corpus.js";

const latin1 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));
const head = (lines: string[]): Uint8Array => latin1(lines.map((l) => l + "\r\n").join("") + "\r\n");


const HEADS: Array<[string, Uint8Array]> = [
  ["firefox", FIREFOX],
  ["minimal", head(["GET / HTTP/1.1", "Host: 127.0.0.1:8000"])],
  ["HTTP/0.9 after leading SP", latin1(" GET /index.html\r\n")],
  ["bare CR inside the target", latin1("GET /a\rb HTTP/1.1\r\n\r\n")],
  ["TE with CL", head(["POST / HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 5"])],
  ["HTAB then a control byte in one 8-byte word", head(["GET / HTTP/1.1", "X: \ta\tb\x01c"])],
  ["long value, DEL at byte 33", head(["GET / HTTP/1.1", "X-Long: " + "v".repeat(33) + "\x7f" + "w".repeat(40)])],
  ["a 120-field head", head(["GET / HTTP/1.1", ...Array.from({ length: 120 }, (_, i) => `F${i}: ${i}`)])],
  ["no blank line yet", latin1("GET / HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n")],
];

const js = new JsTokenizer();
const wasms = allTokenizers().filter((t): t is WasmTokenizer => t instanceof WasmTokenizer);

interface Plan {
  /** `end` of each call (input-relative), ascending. */
  ends: number[];
  /** A new Uint8Array for every call (the cache misses), or one buffer that grows. */
  fresh: boolean;
  /** Where the head starts in the buffer. */
  start: number;
  headLimit: number;
}

/** Feed `input` to `tok` as planned; the table after every call. Bytes beyond `end` of a fresh
 * buffer are LFs, so a backend that looked past `end` would see a different head. */
function trace(tok: Tokenizer, input: Uint8Array, plan: Plan): number[][] {
  const table = newTable();
  const whole = new Uint8Array(plan.start + input.length);
  whole.set(input, plan.start);
  const out: number[][] = [];
  for (const end of plan.ends) {
    let buffer = whole;
    if (plan.fresh) {
      buffer = new Uint8Array(plan.start + end + 24).fill(0x0a);
      buffer.set(input.subarray(0, end), plan.start);
    }
    const rc = tok.scan(buffer, plan.start, plan.start + end, table, plan.headLimit);
    expect(rc).toBe(table[T_OUTCOME]);
    out.push(Array.from(table));
    if (rc !== OUTCOME_NEED_MORE) break;
  }
  return out;
}

const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = [];
  for (let e = from; e < to; e += step) out.push(e);
  out.push(to);
  return out;
};

/** Deterministic pseudo-random chunk ends (a linear congruential generator). */
function randomEnds(length: number, seed: number): number[] {
  const ends: number[] = [];
  for (let e = 0, s = seed; e < length; ) {
    s = (s * 1103515245 + 12345) >>> 0;
    e = Math.min(length, e + 1 + ((s >>> 8) % 97));
    ends.push(e);
  }
  return ends;
}

describe.each(wasms.map((w) => [w.name, w] as const))("%s", (_name, wasm) => {
  test.each(HEADS)("%s: whole, byte by byte, in random chunks, fresh or growing, at an offset", (_label, input) => {
    const plans: Plan[] = [];
    for (const fresh of [false, true]) {
      for (const start of [0, 7]) {
        plans.push({ ends: [input.length], fresh, start, headLimit: DEFAULT_HEAD_LIMIT });
        plans.push({ ends: range(1, input.length), fresh, start, headLimit: DEFAULT_HEAD_LIMIT });
        plans.push({ ends: randomEnds(input.length, input.length + start), fresh, start, headLimit: DEFAULT_HEAD_LIMIT });
      }
    }
    for (const plan of plans) expect(trace(wasm, input, plan)).toEqual(trace(js, input, plan));
  });

  test("the Firefox request: 703 bytes, GET, 9 fields, Connection: keep-alive", () => {
    const table = newTable();
    expect(FIREFOX.length).toBe(703);
    expect(wasm.scan(FIREFOX, 0, FIREFOX.length, table, DEFAULT_HEAD_LIMIT)).toBe(703);
    expect([table[T_METHOD_OFF], table[T_METHOD_LEN]]).toEqual([0, 3]);
    expect(table[T_HEADER_COUNT]).toBe(9);
    expect(table[T_FLAGS]! & F_CONNECTION_KEEP_ALIVE).toBe(F_CONNECTION_KEEP_ALIVE);
  });

  test('" GET /" is HTTP/0.9 GET, as CPython 3.11 splits it (leading whitespace ignored)', () => {
    const input = latin1(" GET /\r\n");
    const table = newTable();
    expect(wasm.scan(input, 0, input.length, table, DEFAULT_HEAD_LIMIT)).toBe(input.length);
    expect(table[T_FLAGS]! & F_HTTP09).toBe(F_HTTP09);
  });

  test("a bare CR in the request line leaves the words before it in the table (RFC 9112 §2.2)", () => {
    const input = latin1("GET /a\rb HTTP/1.1\r\n\r\n");
    const table = newTable();
    expect(wasm.scan(input, 0, input.length, table, DEFAULT_HEAD_LIMIT)).toBe(OUTCOME_VIOLATION);
    expect([table[T_VIOLATION], table[T_VIOLATION_AT]]).toEqual([V_BARE_CR, 6]);
    expect([table[T_METHOD_OFF], table[T_METHOD_LEN]]).toEqual([0, 3]);
  });

  test("every byte value at every position of a name, a value and a request-line word", () => {
    for (let b = 0; b < 256; b++) {
      const c = String.fromCharCode(b);
      for (const at of [0, 1, 7, 8, 15, 16, 17, 31, 33]) {
        const fill = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".slice(0, at);
        for (const input of [
          head(["GET / HTTP/1.1", `${fill}${c}xyz: v`]),
          head(["GET / HTTP/1.1", `X: ${fill}${c}xyz`]),
          head([`GET /${fill}${c}xyz HTTP/1.1`]),
        ]) {
          const plan = { ends: [input.length], fresh: false, start: 0, headLimit: DEFAULT_HEAD_LIMIT };
          expect(trace(wasm, input, plan)).toEqual(trace(js, input, plan));
        }
      }
    }
  });

  test("pipelined heads in one buffer are copied into memory once", () => {
    const one = head(["GET /pipelined HTTP/1.1", "Host: x"]);
    const buffer = new Uint8Array(one.length * 16);
    for (let i = 0; i < 16; i++) buffer.set(one, i * one.length);
    const before = wasm.copiedBytes;
    for (let start = 0; start < buffer.length; start += one.length) {
      const [a, b] = [newTable(), newTable()];
      expect(wasm.scan(buffer, start, buffer.length, a, DEFAULT_HEAD_LIMIT)).toBe(one.length);
      js.scan(buffer, start, buffer.length, b, DEFAULT_HEAD_LIMIT);
      expect(a).toEqual(b);
    }
    expect(wasm.copiedBytes - before).toBe(buffer.length);
  });

  test("a byte-at-a-time client costs O(n) copies: n for a growing buffer, at most 2n for fresh ones", () => {
    for (const [fresh, bound] of [[false, FIREFOX.length], [true, 2 * FIREFOX.length]] as const) {
      const before = wasm.copiedBytes;
      trace(wasm, FIREFOX, { ends: range(1, FIREFOX.length), fresh, start: 3, headLimit: DEFAULT_HEAD_LIMIT });
      expect(wasm.copiedBytes - before).toBeLessThanOrEqual(bound);
    }
  });

  test("interleaved connections on the one shared instance keep their own state", () => {
    const other = head(["POST /upload HTTP/1.1", "Content-Length: 12", "Expect: 100-continue"]);
    const inputs = [FIREFOX, other];
    const run = (tok: Tokenizer, fresh: boolean): number[][] => {
      const tables = [newTable(), newTable()];
      const out: number[][] = [];
      for (let end = 1; end <= FIREFOX.length; end++) {
        for (let k = 0; k < 2; k++) {
          const input = inputs[k]!;
          const e = Math.min(end, input.length);
          if (tables[k]![T_OUTCOME] !== OUTCOME_NEED_MORE) continue;
          const buffer = fresh ? input.slice(0, e) : input;
          tok.scan(buffer, 0, e, tables[k]!, DEFAULT_HEAD_LIMIT);
          out.push(Array.from(tables[k]!));
        }
      }
      return out;
    };
    for (const fresh of [false, true]) expect(run(wasm, fresh)).toEqual(run(js, fresh));
  });

  test("a 5 MB head grows a new instance's memory, whole and in 64 KiB chunks, and a small head follows", () => {
    const fields = Array.from({ length: 90 }, (_, i) => `X-Big-${i}: ` + String.fromCharCode(0x61 + (i % 26)).repeat(60000));
    const big = head(["GET /big HTTP/1.1", ...fields]);
    const headLimit = 8 * 1024 * 1024;
    for (const plan of [
      { ends: [big.length], fresh: true, start: 0, headLimit },
      { ends: range(65536, big.length, 65536), fresh: true, start: 1, headLimit },
      // A growing buffer: the lines already scanned are dropped from memory when it is full.
      { ends: range(65536, big.length, 65536), fresh: false, start: 0, headLimit },
      { ends: [big.length], fresh: false, start: 0, headLimit: DEFAULT_HEAD_LIMIT },
    ]) {
      const grown = new WasmTokenizer(wasm.variant);
      expect(trace(grown, big, plan)).toEqual(trace(js, big, plan));
      const small = { ends: [FIREFOX.length], fresh: true, start: 0, headLimit: DEFAULT_HEAD_LIMIT };
      expect(trace(grown, FIREFOX, small)).toEqual(trace(js, FIREFOX, small));
    }
  });

  test("a line that completes after a cache miss is copied again whole (the NEED_LINE round trip)", () => {
    // Fresh buffers of 10 bytes more each time: every call starts copying at T_SCAN_POS, and the
    // 126-byte User-Agent line completes in a call where its start is no longer in memory.
    for (const step of [10, 33, 100]) {
      const plan = { ends: range(step, FIREFOX.length, step), fresh: true, start: 5, headLimit: DEFAULT_HEAD_LIMIT };
      expect(trace(wasm, FIREFOX, plan)).toEqual(trace(js, FIREFOX, plan));
    }
  });

  test("the head limit is honoured the same way at every chunking (431, HEAD_TOO_LARGE)", () => {
    for (const headLimit of [0, 1, 16, 17, 100, 702, 703, 704]) {
      for (const fresh of [false, true]) {
        for (const ends of [[FIREFOX.length], range(1, FIREFOX.length, 13)]) {
          const plan = { ends, fresh, start: 2, headLimit };
          const got = trace(wasm, FIREFOX, plan);
          expect(got).toEqual(trace(js, FIREFOX, plan));
          const last = got[got.length - 1]!;
          if (headLimit < 703) expect([last[T_OUTCOME], last[T_VIOLATION]]).toEqual([OUTCOME_VIOLATION, V_HEAD_TOO_LARGE]);
        }
      }
    }
  });

  test("formatDate outside a JavaScript Date's range gives what date-js.ts gives", () => {
    for (const s of [-1, -86400 * 366 * 100, 8.64e12, 8.64e12 + 1, -9e12, 1e15, Number.NaN, Infinity]) {
      expect(wasm.formatDate(s)).toBe(js.formatDate(s));
    }
    expect(wasm.formatDate(-1)).toBe("Wed, 31 Dec 1969 23:59:59 GMT");
  });
});

describe("select", () => {
  test("tokenizerFor gives one shared instance per name", () => {
    expect(tokenizerFor("wasm")).toBe(tokenizerFor("wasm"));
    expect(tokenizerFor("wasm").name).toBe("wasm-simd");
    expect(tokenizerFor("js").name).toBe("js");
    expect(allTokenizers().map((t) => t.name)).toEqual(["wasm-simd", "wasm-scalar", "js"]);
    expect(allTokenizers()).toContain(tokenizerFor("wasm"));
  });

  test("BASEHTTP_WASM=scalar forces the scalar binary", () => {
    const script = 'import { tokenizerFor } from "./src/tokenizer/select.ts"; console.log(tokenizerFor("wasm").name);';
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: new URL("../..", import.meta.url),
      env: { ...process.env, BASEHTTP_WASM: "scalar" },
      encoding: "utf8",
      timeout: 20000,
    });
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("wasm-scalar");
  });
});
