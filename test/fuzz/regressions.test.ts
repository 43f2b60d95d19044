// The fuzzer's fixed failures (fuzz/regressions/*.json, each an input `npm run fuzz` once found
// failing, kept after the fix) replayed through the three real servers, as `npm run fuzz --
// --replay` does: basehttp wasm and js must agree, and node:http and basehttp must see the same
// requests (or differ only as the README documents). CI also runs the fuzzer itself for a
// minute with a fixed seed (.ci/run).

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIR = fileURLToPath(new URL("../../fuzz/regressions/", import.meta.url));

test("every fixture of fuzz/regressions replays without a finding", () => {
  const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".json"));
  expect(fixtures.length).toBeGreaterThan(0);
  const run = spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", "fuzz/run.ts", "--replay", DIR], {
    cwd: ROOT, encoding: "utf8", timeout: 60_000,
  });
  expect(run.stdout).toContain(`replay: ${fixtures.length} replayed, 0 failing`);
  expect(run.status).toBe(0);
}, 70_000);
