// The HTTP date formatters (bench/dates.ts): each backend's formatDate, V8's toUTCString, and
// the cached path a server takes per response. Writes bench/results/dates.json.
// Options: --quick, --rounds N, --time MS.

import { allTokenizers } from "../src/tokenizer/select.js";
import { dateCandidates, dateChecksum } from "./dates.js";
import { begin, finish, numberOption, QUICK, type Target } from "./result.js";
import { roundSpread, showSpread, spread, table } from "./stats.js";
import { round, type Timed } from "./timing.js";
import { harnessArgs } from "./args.js";

harnessArgs(import.meta.url, ["--quick"], ["--rounds", "--time"]);

const ROUNDS = numberOption("--rounds", QUICK ? 3 : 5);
const TIME_MS = numberOption("--time", QUICK ? 60 : 200);

function main(): void {
  const head = begin("dates", QUICK);
  const tasks: Timed[] = dateCandidates(allTokenizers()).map((d) => ({ backend: d.name, mode: "format", run: d.run, perCall: d.perCall, samples: [] }));
  console.log(`dates: ${tasks.length} formatters; ${ROUNDS} rounds x ${TIME_MS} ms per task`);
  for (let r = 0; r < ROUNDS; r++) {
    round(tasks, r, TIME_MS);
    console.log(`  round ${r + 1}/${ROUNDS} done`);
  }
  const rows = tasks.map((t) => ({ case: "IMF-fixdate", backend: t.backend, nsPerCall: roundSpread(spread(t.samples)) }));
  console.log(table(["formatter", "ns/call"], rows.map((r) => [r.backend, showSpread(r.nsPerCall)])));
  const cached = rows.find((r) => r.backend.startsWith("httpDate"))?.nsPerCall.median ?? null;
  const targets: Target[] = [
    { issue: "earlier", name: "httpDate() per response (cached), ns", value: cached, target: "<= 15", met: cached === null ? null : cached <= 15 },
  ];
  finish(head, {
    rounds: ROUNDS,
    timePerTaskMs: TIME_MS,
    chart: { metric: "nsPerCall", label: "ns per call", better: "lower" },
    rows,
    targets,
  });
  console.log(`checksum ${dateChecksum() % 1000}`);
}

main();
