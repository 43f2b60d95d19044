// renderListing and sortListing against the pages CPython 3.11's list_directory wrote for the
// same entries (fixtures/listing-cases.json, from fixtures/gen-listing.py).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderListing, sortListing, type ListingEntry } from "../../src/http/simple/listing.js";
import { fsdecode } from "../../src/py/codec.js";

interface Case {
  path: string;
  entries: [number[], boolean, boolean][];
  html: string;
  headers: [string, string | number][];
}
const cases = JSON.parse(readFileSync(new URL("./fixtures/listing-cases.json", import.meta.url), "utf8")) as Case[];

describe("renderListing (list_directory)", () => {
  it.each(cases.map((c) => [c.path, c] as const))("page for %j is CPython's, byte for byte", (_, c) => {
    const entries: ListingEntry[] = c.entries.map(([name, isDir, isLink]) => ({ name: fsdecode(Uint8Array.from(name)), isDir, isLink }));
    const body = renderListing(c.path, sortListing(entries));
    expect(Buffer.from(body).toString("latin1")).toBe(Buffer.from(c.html, "base64").toString("latin1"));
    expect(c.headers).toContainEqual(["Content-Length", String(body.length)]);
  });

  it("writes U+FFFD where CPython would raise on a path no file name can hold", () => {
    const body = Buffer.from(renderListing("/%ED%A0%80/", [])).toString("utf8");
    expect(body).toContain("<title>Directory listing for /\ufffd/</title>");
  });
});

describe("sortListing", () => {
  it("orders by lower-cased code points, stable for equal keys", () => {
    const e = (name: string): ListingEntry => ({ name, isDir: false, isLink: false });
    const sorted = sortListing([e("b"), e("B2"), e("a"), e("A"), e("\u{1F600}"), e("\uff41"), e("\udcff")]);
    expect(sorted.map((x) => x.name)).toEqual(["a", "A", "b", "B2", "\udcff", "\uff41", "\u{1F600}"]);
  });
});
