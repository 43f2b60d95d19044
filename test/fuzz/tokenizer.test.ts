// fuzz/tokenizer.ts (npm run fuzz:tokenizer), the in-process fuzzer of the tokenizer backends
// against the js twin on heads biased to the SIMD kernel's 16-byte blocks: a short fixed-seed run
// finds nothing, and a backend that differs in one slot is reported with its input.

import { expect, test } from "vitest";
import { T_HEADERS, HEADER_NAME_ID } from "../../src/contract/layout.js";
import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { allTokenizers } from "../../src/tokenizer/select.js";
import { fuzzTokenizers } from "../../fuzz/tokenizer.js";

test("300 inputs of seed 1: every backend agrees with the twin, every way of feeding it", () => {
  const r = fuzzTokenizers({ seconds: 600, seed: 1, inputs: 300 });
  expect(r.findings).toEqual([]);
  expect(r.inputs).toBe(300);
  // The inputs reach complete heads, need-more and violations alike.
  expect(Math.min(r.outcomes.head, r.outcomes.more, r.outcomes.violation)).toBeGreaterThan(0);
}, 120_000);

test("a backend whose first header's name id is off is a finding, with the input", () => {
  const wasm = allTokenizers().find((t) => t.name === "wasm-simd") ?? allTokenizers()[0]!;
  const broken: Tokenizer = {
    name: "broken",
    scan(input, start, end, table, headLimit) {
      const rc = wasm.scan(input, start, end, table, headLimit);
      table[T_HEADERS + HEADER_NAME_ID] ^= 1;
      return rc;
    },
  } as Tokenizer;
  const r = fuzzTokenizers({ seconds: 600, seed: 1, inputs: 20, backends: [broken] });
  expect(r.findings.length).toBeGreaterThan(0);
  expect(r.findings[0]).toMatch(/^broken whole, headLimit \d+, input ".*": header\[0\]\.nameId: \d+ vs \d+/);
}, 120_000);
