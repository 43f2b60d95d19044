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

/**
 * Time ratios a/b measured side by side: `alternations` times, every task of `tasks` runs `reps`
 * calls in turn (the order rotated), and each pair's ratio is taken from calls made within a
 * millisecond or so of each other. On a shared machine the speed of the whole process changes by
 * up to 1.6x for seconds at a time (bench/NOTES.md, session 12); tinybench rounds time each task
 * for its own stretch, so a ratio of their medians can compare a fast stretch with a slow one.
 * Returns, per [a, b] pair (by index in `tasks`), the ratios of every alternation.
 */
export function pairedRatios(tasks: readonly Timed[], pairs: readonly [number, number][], alternations: number, reps: number): number[][] {
  const ns = new Float64Array(tasks.length);
  const out = pairs.map(() => [] as number[]);
  for (let a = 0; a < alternations; a++) {
    for (let j = 0; j < tasks.length; j++) {
      const k = (j + a) % tasks.length;
      const t = tasks[k]!;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) t.run();
      ns[k] = Number(process.hrtime.bigint() - t0) / (reps * t.perCall);
    }
    for (const [p, [x, y]] of pairs.entries()) out[p]!.push(ns[x]! / ns[y]!);
  }
  return out;
}
