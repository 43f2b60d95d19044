// If-Modified-Since as CPython 3.11 reads it (fixtures/conditional-cases.json, from
// fixtures/gen-conditional.py), and the RFC 9110 ETag / If-None-Match / Range / If-Range rules
// basehttp adds, with expected values worked out from the RFC text.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ifModifiedSinceSeconds, ifRangeHolds, makeETag, noneMatchHits, parseETagList, parseRange,
} from "../../src/http/simple/conditional.js";

const cases = JSON.parse(readFileSync(new URL("./fixtures/conditional-cases.json", import.meta.url), "utf8")) as [string, number | null][];

describe("ifModifiedSinceSeconds (CPython send_head's If-Modified-Since)", () => {
  it.each(cases)("%j", (value, expected) => {
    expect(ifModifiedSinceSeconds(value)).toBe(expected);
  });
});

describe("ETag and If-None-Match (RFC 9110 §8.8.3, §13.1.2)", () => {
  const tag = makeETag(1234, 1700000000123.9);

  it("is a strong tag that changes with size and with modification time", () => {
    expect(tag).toMatch(/^"[^"]+"$/);
    expect(makeETag(1235, 1700000000123)).not.toBe(tag);
    expect(makeETag(1234, 1700000000124)).not.toBe(tag);
    expect(makeETag(1234, 1700000000123)).toBe(tag);
  });

  it("parses entity-tag lists, commas inside tags included", () => {
    expect(parseETagList(' "a", W/"b" ,"c,d"')).toEqual(['"a"', 'W/"b"', '"c,d"']);
    expect(parseETagList("*")).toEqual(["*"]);
    expect(parseETagList("a")).toBeNull();
    expect(parseETagList('"open')).toBeNull();
  });

  it("matches weakly: W/ prefixes are ignored, * matches anything", () => {
    expect(noneMatchHits(tag, tag)).toBe(true);
    expect(noneMatchHits(`W/${tag}`, tag)).toBe(true);
    expect(noneMatchHits(`"x", ${tag}`, tag)).toBe(true);
    expect(noneMatchHits("*", tag)).toBe(true);
    expect(noneMatchHits('"x"', tag)).toBe(false);
    expect(noneMatchHits("garbage", tag)).toBe(false);
  });
});

describe("Range (RFC 9110 §14.1.2, §14.2)", () => {
  it.each([
    ["bytes=0-0", 10, { kind: "range", start: 0, end: 0 }],
    ["bytes=2-5", 10, { kind: "range", start: 2, end: 5 }],
    ["bytes=2-", 10, { kind: "range", start: 2, end: 9 }],
    ["bytes=5-100", 10, { kind: "range", start: 5, end: 9 }],
    ["bytes=-3", 10, { kind: "range", start: 7, end: 9 }],
    ["bytes=-30", 10, { kind: "range", start: 0, end: 9 }],
    ["BYTES = 1 - 2", 10, { kind: "range", start: 1, end: 2 }],
    ["bytes=10-", 10, { kind: "unsatisfiable" }],
    ["bytes=10-20", 10, { kind: "unsatisfiable" }],
    ["bytes=-0", 10, { kind: "unsatisfiable" }],
    ["bytes=0-", 0, { kind: "unsatisfiable" }],
    ["bytes=-5", 0, { kind: "unsatisfiable" }],
    ["bytes=5-2", 10, { kind: "ignore" }],
    ["bytes=-", 10, { kind: "ignore" }],
    ["bytes=0-1,3-4", 10, { kind: "ignore" }],
    ["items=0-1", 10, { kind: "ignore" }],
    ["bytes=a-b", 10, { kind: "ignore" }],
    ["bytes=0x1-2", 10, { kind: "ignore" }],
  ] as const)("%j of %d bytes", (value, size, expected) => {
    expect(parseRange(value, size)).toEqual(expected);
  });
});

describe("If-Range (RFC 9110 §13.1.5)", () => {
  const tag = makeETag(10, 784111777000);
  it("holds for the same strong tag or the exact Last-Modified date", () => {
    expect(ifRangeHolds(tag, tag, 784111777)).toBe(true);
    expect(ifRangeHolds('"other"', tag, 784111777)).toBe(false);
    expect(ifRangeHolds(`W/${tag}`, tag, 784111777)).toBe(false);
    expect(ifRangeHolds("Sun, 06 Nov 1994 08:49:37 GMT", tag, 784111777)).toBe(true);
    expect(ifRangeHolds("Sun, 06 Nov 1994 08:49:38 GMT", tag, 784111777)).toBe(false);
    expect(ifRangeHolds("nonsense", tag, 784111777)).toBe(false);
  });
});
