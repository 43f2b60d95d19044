// BaseHTTPRequestHandler measured from outside against CPython 3.11's http.server: the echo,
// send_error and error_message_format handlers of fixtures/echo_server.py and handlers.ts get
// the raw requests of corpus.ts over 127.0.0.1; answers and log lines are compared byte for
// byte, except where a case names the docs/API.md clause that makes basehttp differ.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BASEHTTP_CASES, LOGGED, SIMPLE_CASES } from "./corpus.js";
import { compatTests, useServers } from "./run.js";

/** The repository's own reference, where every intended difference from CPython is stated. */
const API_MD = fileURLToPath(new URL("../../docs/API.md", import.meta.url));

describe("compat: BaseHTTPRequestHandler against CPython 3.11", () => {
  const sides = useServers(["echo10", "echo11", "error10", "error11", "errfmt"]);
  compatTests(sides, LOGGED.filter(([s]) => !s.startsWith("simple")), BASEHTTP_CASES);
});

describe("compat corpus", () => {
  const all = [...BASEHTTP_CASES, ...SIMPLE_CASES];

  it("names every case once", () => {
    const names = all.map((c) => `${c.server}: ${c.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("quotes docs/API.md verbatim for every difference", () => {
    const api = readFileSync(API_MD, "utf8").replace(/\s+/g, " ");
    const quotes = new Set(all.flatMap((c) => (c.relation.kind === "differs" ? c.relation.clause : [])));
    expect(quotes.size).toBeGreaterThan(5);
    for (const quote of quotes) expect(api, quote).toContain(quote.replace(/\s+/g, " "));
  });
});
