// The long harnesses' command lines (bench/args.ts): --help prints the header comment and runs
// nothing, an unknown option is refused before anything runs, and every option a harness accepts
// is named in the header comment that --help prints.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { badArgument, headerComment } from "../../bench/args.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const HARNESSES = ["bench/run.ts", "bench/stress.ts", "bench/static.bench.ts", "bench/server.bench.ts", "fuzz/run.ts", "fuzz/tokenizer.ts",
  "bench/tokenizer.bench.ts", "bench/sweep.bench.ts", "bench/dates.bench.ts", "bench/fullpath.ts", "bench/flood-cost.ts",
  "bench/flood-trace.ts"];

/** The option names a harness passes to harnessArgs, read from its source. */
function accepted(file: string): string[] {
  const call = /harnessArgs\(import\.meta\.url,\s*(\[[^\]]*\]),\s*(\[[^\]]*\])\)/.exec(readFileSync(`${root}${file}`, "utf8"));
  if (call === null) throw new Error(`${file} does not call harnessArgs`);
  return [...(JSON.parse(call[1]!) as string[]), ...(JSON.parse(call[2]!) as string[])];
}

function harness(file: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--no-warnings", "--import", "tsx", file, ...args], { cwd: root, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("badArgument", () => {
  const flags = ["--quick"];
  const valued = ["--rounds", "--only"];
  it.each([
    [[], null],
    [["--quick", "--rounds", "3", "--only", "wrk,idle"], null],
    [["--rounds", "--quick"], null], // a value may look like an option, as the harnesses read it
    [["--quik"], 'unknown argument "--quik"'],
    [["--quick", "extra"], 'unknown argument "extra"'],
    [["--rounds"], "--rounds needs a value"],
  ])("%j: %s", (argv, problem) => {
    expect(badArgument(argv, flags, valued)).toBe(problem);
  });
});

describe.each(HARNESSES)("%s", (file) => {
  it("names every option it accepts in the header comment --help prints", () => {
    const header = headerComment(`${root}${file}`);
    for (const option of accepted(file)) expect(header, option).toContain(option);
  });

  it("--help prints that header comment and exits 0; an unknown option exits 2 naming it, before anything runs", () => {
    const help = harness(file, "--quick", "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(headerComment(`${root}${file}`));
    const bad = harness(file, "--no-such-option");
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/: unknown argument "--no-such-option"; options: .*\(--help says more\)\n$/);
  });
});
