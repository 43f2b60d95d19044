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

test("the backends' comparison takes a close and a reset alike (never a hang), and a reset client's answer cut short by the reset as the same answer", async () => {
  const { compare, sameEnd } = await import("../../fuzz/compare.js");
  expect(sameEnd("closed", "reset")).toBe(true);
  expect(sameEnd("reset", "closed")).toBe(true);
  expect(sameEnd("closed", "closed")).toBe(true);
  expect(sameEnd("closed", "hang")).toBe(false);
  expect(sameEnd("hang", "reset")).toBe(false);
  const input = Buffer.from("GET / HTTP/1.0\r\n\r\n");
  const ex = (end: "closed" | "reset" | "hang", received: string) => ({ received: Buffer.from(received), end, ms: 1, records: [] });
  const kinds = (v: { findings: { kind: string }[] }) => v.findings.map((f) => f.kind);
  expect(kinds(compare(input, ex("closed", "HTTP/1.0 200 OK\r\n\r\n"), ex("reset", "HTTP/1.0 200 OK\r\n\r\n"), ex("closed", "")))).not.toContain("backend-disagreement");
  // A reset client that lost the end of the same answer (the kernel drops what it had not read).
  expect(kinds(compare(input, ex("closed", "HTTP/1.0 200 OK\r\n\r\n"), ex("reset", "HTTP/1.0 2"), ex("closed", "")))).not.toContain("backend-disagreement");
  // Different bytes, or fewer bytes on a connection that was not reset, are a disagreement.
  expect(kinds(compare(input, ex("closed", "HTTP/1.0 200 OK\r\n\r\n"), ex("reset", "HTTP/1.0 400"), ex("closed", "")))).toContain("backend-disagreement");
  expect(kinds(compare(input, ex("closed", "HTTP/1.0 200 OK\r\n\r\n"), ex("closed", "HTTP/1.0 2"), ex("closed", "")))).toContain("backend-disagreement");
});
