// The command line of the harnesses (npm run bench, stress, bench:static, bench:server, fuzz,
// fuzz:tokenizer, bench:tokenizer, bench:sweep, bench:dates, bench:fullpath, bench:flood-cost,
// bench:flood-trace): `--help` or `-h`
// prints the harness's header comment, which lists its options, and exits 0; an option the
// harness does not know exits 2 with a sentence. Both before anything runs, so that
// `npm run stress -- --help` or a misspelt option never starts a run of several minutes under
// load (they used to be ignored).

import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/** The leading `//` comment of `file`, without the slashes. */
export function headerComment(file: string): string {
  const lines: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  return lines.join("\n") + "\n";
}

/** The problem with `argv` (null when none): an argument that is neither one of `flags` nor one
 * of `valued` (each followed by its value), or a `valued` option without a value. */
export function badArgument(argv: readonly string[], flags: readonly string[], valued: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (flags.includes(arg)) continue;
    if (!valued.includes(arg)) return `unknown argument ${JSON.stringify(arg)}`;
    if (i + 1 >= argv.length) return `${arg} needs a value`;
    i++;
  }
  return null;
}

/** `process.argv`'s arguments for the harness `script` (its import.meta.url), checked as above. */
export function harnessArgs(script: string, flags: readonly string[], valued: readonly string[]): string[] {
  const argv = process.argv.slice(2);
  const file = fileURLToPath(script);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(headerComment(file));
    process.exit(0);
  }
  const bad = badArgument(argv, flags, valued);
  if (bad !== null) {
    const options = [...flags, ...valued.map((v) => `${v} VALUE`)].join(" ");
    process.stderr.write(`${basename(file)}: ${bad}; options: ${options} (--help says more)\n`);
    process.exit(2);
  }
  return argv;
}
