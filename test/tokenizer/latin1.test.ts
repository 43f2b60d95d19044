// src/tokenizer/latin1.ts: every entry gives the ISO-8859-1 string (byte n -> U+00nn), the same as
// the portable path that runtimes without Buffer take.
import { describe, expect, test } from "vitest";
import { latin1, latin1Head, latin1Portable } from "../../src/tokenizer/latin1.js";

const bytes = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7 + 3) & 0xff);

describe("latin1", () => {
  test("latin1 and latin1Head agree with the portable decoder for every length 0-40 and at offsets", () => {
    for (let start = 0; start < 5; start++) {
      for (let n = 0; n <= 40; n++) {
        const want = latin1Portable(bytes, start, start + n);
        expect(want.length).toBe(n);
        expect(latin1(bytes, start, start + n)).toBe(want);
        expect(latin1Head(bytes, start, start + n)).toBe(want);
      }
    }
  });

  test("a long run holds every byte value 0-255 as the code point of the same number", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = latin1Head(all, 0, 256);
    expect(Array.from(text, (c) => c.charCodeAt(0))).toEqual(Array.from(all));
    expect(latin1Head(bytes, 3, 706)).toBe(latin1Portable(bytes, 3, 706));
  });
});
