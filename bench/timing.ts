// In-process timing shared by the tokenizer, sweep and dates benchmarks: tinybench rounds over a
// list of tasks, the order rotated each round (A B C, B C A, ...), each task's per-round p50 kept,
// so a task's figure is a median over rounds with the min and max beside it.

import { Bench, hrtimeNowTimestampProvider } from "tinybench";

export interface Timed {
  /** The bar or line label: a parser or formatter. */
  backend: string;
  /** "full", "copy+scan", "kernel", "format". */
  mode: string;
  run: () => void;
  /** Requests (or calls) handled per call of run. */
  perCall: number;
  /** ns per request, one per round. */
  samples: number[];
}

/** One tinybench pass over the tasks, order rotated by r; records ns per request of each. */
export function round(tasks: Timed[], r: number, timeMs: number): void {
  const bench = new Bench({ time: timeMs, warmupTime: timeMs / 4, timestampProvider: hrtimeNowTimestampProvider });
  const order = tasks.map((_, i) => tasks[(i + r) % tasks.length]!);
  for (const [i, t] of order.entries()) bench.add(`${i} ${t.backend} ${t.mode}`, t.run);
  bench.runSync();
  for (const [i, t] of order.entries()) {
    const res = bench.getTask(`${i} ${t.backend} ${t.mode}`)!.result;
    if (res.state !== "completed") throw new Error(`${t.backend} ${t.mode}: ${res.state}`);
    t.samples.push((res.latency.p50 * 1e6) / t.perCall);
  }
}

/** Batches calls of `fn` so that one timed call handles about `bytesPerCall` bytes. */
export function batched(fn: () => void, bytesPerRun: number, bytesPerCall = 32 * 1024): { run: () => void; batch: number } {
  const batch = Math.max(1, Math.round(bytesPerCall / bytesPerRun));
  return {
    batch,
    run: () => {
      for (let i = 0; i < batch; i++) fn();
    },
  };
}
