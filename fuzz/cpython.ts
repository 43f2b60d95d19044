// `npm run fuzz:cpython`: the fuzzer's inputs (fuzz/generate.ts) sent whole to CPython 3.11's
// http.server and to basehttp (wasm backend), both serving test/compat's echo handlers (echo10 and
// echo11, in turn), and the answers compared byte for byte after test/compat's neutralise(). Every
// difference is put in a bucket by the status lines of each answer, and the buckets are printed,
// largest first, with an example each. A tool for reading, not a test: most buckets are the
// differences docs/API.md names (the smuggling rules' 400s, version errors with a status line,
// chunked bodies decoded, values trimmed, a head cut short by the client's FIN left unanswered),
// and a bucket that is none of those is a question for test/compat/corpus.ts.
//
//   npm run fuzz:cpython                         1,000 inputs of seed 1
//   npm run fuzz:cpython -- --seed 5 --inputs 3000 --out /tmp/cpython.json
//   npm run fuzz:cpython -- --static --check     paths for SimpleHTTPRequestHandler (fuzz/static-paths.ts)
//                                                against test/compat's tree, basehttp's ETag and
//                                                Accept-Ranges left out of the comparison
//   npm run fuzz:cpython -- --check              also a verdict: every "plain" input (fuzz/plain.ts:
//                                                one complete request no API.md difference touches)
//                                                must be answered as CPython answers it; exit 1 if not
// Needs python3.11 (or python3 at 3.11, or BASEHTTP_PYTHON), as test/compat does.

import { writeFileSync } from "node:fs";
import { harnessArgs } from "../bench/args.js";
import { numberOption, option } from "../bench/result.js";
import { basehttpHandlers } from "../test/compat/handlers.js";
import { StderrCapture, exchange, neutralise, startBasehttp, startPython } from "../test/compat/harness.js";
import { EXTRAS } from "../test/compat/relations.js";
import { makeTree } from "../test/compat/tree.js";
import { generate, loadSeeds } from "./generate.js";
import { plainReason } from "./plain.js";
import { staticDifference, staticRequest } from "./static-paths.js";

const argv = harnessArgs(import.meta.url, ["--check", "--static"], ["--seed", "--inputs", "--concurrency", "--out"]);
const CHECK = argv.includes("--check");
/** Paths for SimpleHTTPRequestHandler (fuzz/static-paths.ts) instead of the fuzzer's requests. */
const STATIC = argv.includes("--static");
const SEED = numberOption("--seed", 1);
const INPUTS = numberOption("--inputs", 1000);
const CONCURRENCY = numberOption("--concurrency", 12);
const OUT = option("--out", "");
const SERVERS = STATIC ? (["simple10", "simple11"] as const) : (["echo10", "echo11"] as const);

interface Example {
  index: number;
  input: string;
  cpython: string;
  basehttp: string;
}

/** An answer's shape: its status lines in order (a pipelined input gets several), an error page
 * sent without one, "(body only)" for an HTTP/0.9 answer, "(nothing)" when the server said nothing. */
function shape(answer: string): string {
  if (answer === "") return "(nothing)";
  // A status line, or an error page with none before it (CPython's answer to a request it read
  // as HTTP/0.9: chunk lines of a body it does not decode, a bad version).
  const lines = (answer.match(/^HTTP\/\d\.\d \d{3}[^\r\n]{0,60}|(?<!\r\n\r\n)<!DOCTYPE HTML>/gm) ?? []).map((l) => (l.startsWith("<") ? "(error page alone)" : l));
  if (!answer.startsWith("HTTP/") && !answer.startsWith("<!DOCTYPE")) lines.unshift("(body only)");
  return lines.length > 4 ? `${lines.slice(0, 4).join(" + ")} + ${lines.length - 4} more` : lines.join(" + ");
}

async function main(): Promise<void> {
  const [root, removeTree] = makeTree();
  const python = await startPython(root, [...SERVERS]);
  const handlers = basehttpHandlers(root);
  const log = new StderrCapture(); // basehttp's request log, not wanted here
  const basehttp = await startBasehttp(Object.fromEntries(SERVERS.map((n) => [n, handlers[n]!])));
  const seeds = loadSeeds();
  const buckets = new Map<string, { count: number; example: Example }>();
  let same = 0;
  let next = 0;
  let plain = 0;
  const findings: Example[] = [];
  const ask = (port: number, input: Buffer): Promise<string> => exchange(port, input).then(neutralise, (e: Error) => `(error: ${e.message.slice(0, 60)})`);
  const worker = async (): Promise<void> => {
    while (next < INPUTS) {
      const index = next++;
      const server = SERVERS[index % SERVERS.length]!;
      const request = STATIC ? staticRequest(SEED, index) : null;
      const input = request?.bytes ?? generate(SEED, index, seeds).bytes;
      const [cpython, answer] = await Promise.all([ask(python.ports[server]!, input), ask(basehttp.ports.wasm[server]!, input)]);
      // The validators basehttp adds to a file's answer (API.md) are no difference.
      const ours = STATIC ? answer.replace(EXTRAS, "") : answer;
      const isPlain = request ? staticDifference(request.target) === null : plainReason(input, server === "echo11") === null;
      if (isPlain) plain++;
      if (cpython === ours) {
        same++;
        continue;
      }
      if (isPlain) findings.push({ index, input: input.toString("latin1"), cpython, basehttp: ours });
      const key = `${server}: CPython ${JSON.stringify(shape(cpython))}, basehttp ${JSON.stringify(shape(ours))}`;
      const b = buckets.get(key) ?? { count: 0, example: { index, input: input.toString("latin1").slice(0, 4000), cpython: cpython.slice(0, 8000), basehttp: ours.slice(0, 8000) } };
      b.count++;
      buckets.set(key, b);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    log.restore();
    await basehttp.stop();
    await python.stop();
    removeTree();
  }
  const sorted = [...buckets.entries()].sort((a, b) => b[1].count - a[1].count);
  console.log(`fuzz:cpython seed ${SEED}: ${INPUTS} inputs, ${same} answered alike, ${INPUTS - same} differently in ${sorted.length} buckets (status lines):`);
  for (const [key, { count, example }] of sorted) console.log(`  ${count} ${key}; e.g. input ${example.index}: ${JSON.stringify(example.input.slice(0, 100))}`);
  if (OUT) writeFileSync(OUT, JSON.stringify({ seed: SEED, inputs: INPUTS, same, plain, findings, buckets: sorted.map(([key, b]) => ({ key, ...b })) }, null, 1) + "\n");
  if (CHECK) {
    console.log(`check: ${plain} plain inputs (${STATIC ? "fuzz/static-paths.ts" : "fuzz/plain.ts"}: no difference docs/API.md names applies), ${findings.length} answered otherwise than by CPython`);
    for (const f of findings.slice(0, 10)) console.log(`  input ${f.index}: ${JSON.stringify(f.input.slice(0, 300))}\n    CPython ${JSON.stringify(f.cpython.slice(0, 300))}\n    basehttp ${JSON.stringify(f.basehttp.slice(0, 300))}`);
    if (findings.length > 0) process.exitCode = 1;
  }
}

await main();
