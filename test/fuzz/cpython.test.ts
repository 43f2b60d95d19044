// npm run fuzz:cpython (fuzz/cpython.ts): the fuzzer's inputs sent whole to CPython 3.11's
// http.server and to basehttp, both with test/compat's echo handlers, and the answers that differ
// put in buckets. A reading tool, so the test checks its accounting, not what the buckets hold.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

test("sends the fuzzer's inputs to CPython 3.11 and to basehttp, and counts every input once: alike, or in one bucket", () => {
  const out = join(mkdtempSync(join(tmpdir(), "fuzz-cpython-")), "buckets.json");
  const run = spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", "fuzz/cpython.ts", "--seed", "1", "--inputs", "60", "--out", out], {
    cwd: ROOT, encoding: "utf8", timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const m = /fuzz:cpython seed 1: 60 inputs, (\d+) answered alike, (\d+) differently in (\d+) buckets/.exec(run.stdout);
  expect(m, run.stdout).not.toBeNull();
  const report = JSON.parse(readFileSync(out, "utf8")) as { same: number; buckets: { key: string; count: number; example: { index: number } }[] };
  expect(report.same).toBe(Number(m![1]));
  expect(report.buckets.reduce((a, b) => a + b.count, 0)).toBe(60 - report.same);
  expect(report.buckets.length).toBe(Number(m![3]));
  // Plain requests are answered alike; the smuggling inputs API.md refuses (CPython serves them) are not.
  expect(report.same).toBeGreaterThan(0);
  expect(report.buckets.some((b) => /basehttp "HTTP\/1\.[01] 400 /.test(b.key))).toBe(true);
}, 70_000);
