// The results JSON every harness in bench/ writes (bench/README.md, "Result files"): scenario,
// date, quick, durationSeconds, machine (with the load average before and after), rows of flat
// objects, targets. Also the command-line options they share.

import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { sig } from "./stats.js";

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  loadavgBefore: number[];
  loadavgAfter?: number[];
}

/** One target another issue sets, beside its measured value. */
export interface Target {
  issue: number | string;
  name: string;
  value: number | null;
  target: string;
  met: boolean | null;
  note?: string;
}

export interface Result {
  scenario: string;
  date: string;
  quick: boolean;
  durationSeconds: number;
  machine: Machine;
  chart?: { metric: string; label: string; better: "higher" | "lower" };
  rows: Record<string, unknown>[];
  targets: Target[];
  [extra: string]: unknown;
}

function loadavg(): number[] {
  return os.loadavg().map((l) => sig(l, 2));
}

/** The machine as it is now; the load average after is filled in by finish(). */
export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavgBefore: loadavg(),
  };
}

/** Starts a result: call at the start of a harness, before any work. */
export function begin(scenario: string, quick: boolean): { scenario: string; quick: boolean; started: number; date: string; machine: Machine } {
  return { scenario, quick, started: performance.now(), date: new Date().toISOString(), machine: machine() };
}

/** Completes and writes bench/results/<scenario>.json; returns the result. */
export function finish(
  head: ReturnType<typeof begin>,
  body: { rows: Record<string, unknown>[]; targets: Target[]; chart?: Result["chart"]; [extra: string]: unknown },
): Result {
  const { started, ...rest } = head;
  const result: Result = {
    ...rest,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    machine: { ...head.machine, loadavgAfter: loadavg() },
    ...body,
  };
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`${result.scenario}.json`, dir), JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote bench/results/${result.scenario}.json`);
  return result;
}

const argv = process.argv.slice(2);
export const QUICK = argv.includes("--quick");
export function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
}
export function numberOption(name: string, fallback: number): number {
  return Number(option(name, String(fallback)));
}
