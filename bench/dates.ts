// The HTTP date formatters bench/tokenizer.bench.ts times: each backend's formatDate, V8's
// Date.prototype.toUTCString (same IMF-fixdate text) and src/http/date.ts httpDate, the cached
// path a server takes per response (one format per second, dropped by a timer at the boundary).

import assert from "node:assert/strict";
import type { Tokenizer } from "../src/contract/tokenizer.js";
import { httpDate } from "../src/http/date.js";

interface DateCandidate {
  name: string;
  run: () => void;
  perCall: number;
}

const PER_CALL = 256;
/** 2026-03-01T00:00:00Z: formats walk forward one second per call, as a busy server's clock. */
const START = 1772323200;

let sinkLength = 0;

function formatter(name: string, format: (seconds: number) => string): DateCandidate {
  let s = START;
  return {
    name,
    perCall: PER_CALL,
    run: () => {
      for (let i = 0; i < PER_CALL; i++) sinkLength += format(s++).length;
      if (s > START + 86400 * 400) s = START;
    },
  };
}

export function dateCandidates(tokenizers: readonly Tokenizer[]): DateCandidate[] {
  const list: DateCandidate[] = tokenizers.map((t) => formatter(`${t.name} formatDate`, (s) => t.formatDate(s)));
  list.push(formatter("Date.prototype.toUTCString", (s) => new Date(s * 1000).toUTCString()));
  // The server's path: "now", formatted once per second by the first backend, else the cache.
  // Within one timed call the cache is always warm (the timer fires between calls, if at all).
  const first = tokenizers[0]!;
  list.push({
    name: `httpDate (cached, ${first.name})`,
    perCall: PER_CALL,
    run: () => {
      for (let i = 0; i < PER_CALL; i++) sinkLength += httpDate(first).length;
    },
  });
  // For comparison, node:http's own code (lib/_http_outgoing.js utcDate), which httpDate now
  // follows: the cached string is dropped by an unref'd timer at the next second.
  let cached: string | undefined;
  const timerCached = (): string => {
    if (cached === undefined) {
      const now = Date.now();
      cached = first.formatDate(Math.floor(now / 1000));
      setTimeout(() => (cached = undefined), 1000 - (now % 1000)).unref();
    }
    return cached;
  };
  list.push({
    name: "timer-invalidated cache (node:http's way)",
    perCall: PER_CALL,
    run: () => {
      for (let i = 0; i < PER_CALL; i++) sinkLength += timerCached().length;
    },
  });
  for (const probe of [0, 784111777, START, START + 31_622_400, 4102444799]) {
    const want = new Date(probe * 1000).toUTCString();
    for (const t of tokenizers) assert.equal(t.formatDate(probe), want, `${t.name} formatDate(${probe})`);
  }
  return list;
}

/** Read by nobody; keeps the formatted strings alive to the optimiser. */
export function dateChecksum(): number {
  return sinkLength;
}
