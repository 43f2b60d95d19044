// Drives the compat comparisons for a test file: the servers of every side started in
// beforeAll (CPython in one child process, basehttp in-process with both tokenizer backends, all
// on one temporary tree), one request sent to each side, and the relation of corpus.ts checked;
// compatTests() registers a file's tests (log lines, then answers).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParserName } from "../../src/contract/tokenizer.js";
import type { Case, ServerName } from "./corpus.js";
import { PARSERS } from "../server/helpers.js";
import { basehttpHandlers } from "./handlers.js";
import {
  StderrCapture, exchange, neutralise, neutraliseLog, startBasehttp, startPython, waitForLines,
  type Basehttp, type Python,
} from "./harness.js";
import type { Answer } from "./relations.js";
import { makeTree } from "./tree.js";

interface Sides {
  python: Python;
  basehttp: Basehttp;
  stderr: StderrCapture;
}

/** Start CPython and basehttp with the servers `names` for the current test file. */
export function useServers(names: ServerName[]): () => Sides {
  let sides: Sides | null = null;
  let removeTree = (): void => undefined;
  beforeAll(async () => {
    const [root, remove] = makeTree();
    removeTree = remove;
    const stderr = new StderrCapture();
    const python = await startPython(root, names);
    const all = basehttpHandlers(root);
    const basehttp = await startBasehttp(Object.fromEntries(names.map((n) => [n, all[n]!])));
    sides = { python, basehttp, stderr };
  });
  afterAll(async () => {
    if (sides !== null) {
      await sides.basehttp.stop();
      await sides.python.stop();
      sides.stderr.restore();
    }
    removeTree();
  });
  return () => sides!;
}

async function answer(port: number, request: Buffer): Promise<Answer> {
  const raw = await exchange(port, request);
  return { raw, text: neutralise(raw) };
}

/** Send the case to CPython and to basehttp (each backend) at once, and check its relation. */
async function compare(sides: Sides, c: Case): Promise<void> {
  const request = Buffer.from(c.request, "latin1");
  const [cpython, ...ours] = await Promise.all([
    answer(sides.python.ports[c.server]!, request),
    ...PARSERS.map((p) => answer(sides.basehttp.ports[p][c.server]!, request)),
  ]);
  for (const [i, basehttp] of ours.entries()) {
    const parser = PARSERS[i];
    if (c.relation.kind === "same") {
      expect(basehttp!.text, `parser ${parser}`).toBe(cpython!.text);
    } else {
      expect(basehttp!.text, `parser ${parser}: the documented difference is gone`).not.toBe(cpython!.text);
      c.relation.check(cpython!, basehttp!);
    }
  }
  expect(ours[1]!.text, "both backends answer alike").toBe(ours[0]!.text);
}

const LOG_LINE = /^\S+ - - \[/;

/** Send one request to CPython, then to each basehttp backend in turn; return the log lines
 * each wrote (times neutralised), CPython's first. */
async function logLines(sides: Sides, server: ServerName, request: string): Promise<string[][]> {
  const bytes = Buffer.from(request, "latin1");
  const out: string[][] = [];
  const lines: Partial<Record<ParserName, string[]>> = {};
  for (const parser of PARSERS) {
    const from = sides.stderr.text().length;
    await exchange(sides.basehttp.ports[parser][server]!, bytes);
    lines[parser] = neutraliseLog(sides.stderr.text().slice(from)).filter((l) => LOG_LINE.test(l));
  }
  const from = sides.python.stderr().length;
  await exchange(sides.python.ports[server]!, bytes);
  const text = await waitForLines(sides.python.stderr, from, lines.wasm!.length);
  out.push(neutraliseLog(text).filter((l) => LOG_LINE.test(l)));
  for (const parser of PARSERS) out.push(lines[parser]!);
  return out;
}

/** The tests of a compat file, one per entry: the log lines `logged` requests leave on stderr
 * (times neutralised), then the answers to the `cases`, each against CPython's. */
export function compatTests(sides: () => Sides, logged: [ServerName, string][], cases: Case[]): void {
  describe("log lines on stderr (times neutralised)", () => {
    for (const [server, request] of logged) {
      it(`${server} ${JSON.stringify(request.length > 80 ? request.slice(0, 80) + "…" : request)}`, async () => {
        const [cpython, wasm, js] = await logLines(sides(), server, request);
        expect(cpython!.length).toBeGreaterThan(0);
        expect(wasm).toEqual(cpython);
        expect(js).toEqual(cpython);
      });
    }
  });

  describe("answers", () => {
    for (const c of cases) {
      const tag = c.relation.kind === "same" ? "same" : "differs";
      it(`${c.server}: ${c.name} (${tag})`, () => compare(sides(), c));
    }
  });
}
