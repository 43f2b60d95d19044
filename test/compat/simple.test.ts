// SimpleHTTPRequestHandler measured from outside against CPython 3.11's: both serve the same
// temporary tree (tree.ts) and get the requests of corpus-static.ts over 127.0.0.1; answers and
// log lines are compared byte for byte, except where a case names the docs/API.md clause
// ("Beyond CPython": ETag, Range, no escape) that makes basehttp differ.

import { describe, expect, it } from "vitest";
import { LOGGED, SIMPLE_CASES } from "./corpus.js";
import { compare, logLines, useServers } from "./run.js";

describe("compat: SimpleHTTPRequestHandler against CPython 3.11", () => {
  const sides = useServers(["simple10", "simple11"]);

  describe("log lines on stderr (times neutralised)", () => {
    for (const [server, request] of LOGGED.filter(([s]) => s.startsWith("simple"))) {
      it(`${server} ${JSON.stringify(request)}`, async () => {
        const [cpython, wasm, js] = await logLines(sides(), server, request);
        expect(cpython!.length).toBeGreaterThan(0);
        expect(wasm).toEqual(cpython);
        expect(js).toEqual(cpython);
      });
    }
  });

  describe("answers", () => {
    for (const c of SIMPLE_CASES) {
      const tag = c.relation.kind === "same" ? "same" : "differs";
      it(`${c.server}: ${c.name} (${tag})`, () => compare(sides(), c));
    }
  });
});
