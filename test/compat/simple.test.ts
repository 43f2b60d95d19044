// SimpleHTTPRequestHandler measured from outside against CPython 3.11's: both serve the same
// temporary tree (tree.ts) and get the requests of corpus-static.ts over 127.0.0.1; answers and
// log lines are compared byte for byte, except where a case names the docs/API.md clause
// ("Beyond CPython": ETag, Range, no escape) that makes basehttp differ.

import { describe } from "vitest";
import { LOGGED, SIMPLE_CASES } from "./corpus.js";
import { compatTests, useServers } from "./run.js";

describe("compat: SimpleHTTPRequestHandler against CPython 3.11", () => {
  const sides = useServers(["simple10", "simple11"]);
  compatTests(sides, LOGGED.filter(([s]) => s.startsWith("simple")), SIMPLE_CASES);
});
