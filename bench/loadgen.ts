// The load client of bench/static.bench.ts: bench/loadgen.c, compiled with the system's C
// compiler (cc, gcc or clang) into a temporary directory when the harness starts. It reads in
// 1 MiB pieces where wrk reads in 8 KiB ones: for a 1 MiB answer wrk -t1 spends about 860 us of
// its own CPU, so it cannot go past ~1.2 GB/s on this kind of VM whatever the server does, and
// the 1 MB figures were the client's, not the servers'. loadgen.c's own CPU per 1 MiB request
// is about a quarter of that. No dependency: a C compiler is on every Linux CI image (and in
// Debian's build-essential); nothing is downloaded.

import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = fileURLToPath(new URL("./loadgen.c", import.meta.url));

/** Compile loadgen.c; returns the binary's path. Throws when no C compiler is found. */
export function compileLoadgen(): string {
  const out = join(mkdtempSync(join(tmpdir(), "basehttp-loadgen-")), "loadgen");
  const errors: string[] = [];
  for (const cc of [process.env.CC, "cc", "gcc", "clang"]) {
    if (!cc) continue;
    try {
      execFileSync(cc, ["-O2", "-o", out, SOURCE], { stdio: ["ignore", "ignore", "pipe"] });
      return out;
    } catch (error) {
      errors.push(`${cc}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(`no C compiler could build bench/loadgen.c (apt-get install -y gcc): ${errors.join("; ")}`);
}

interface LoadRun {
  /** Answers received whole with status 200 (and the expected body length). */
  requests: number;
  bytes: number;
  errors: number;
  seconds: number;
  /** The client's own CPU time (user + system), seconds. */
  cpu: number;
}

/** `connections` connections asking for `path` for `seconds`; every body must have `bodyBytes` bytes. */
export function runLoadgen(binary: string, port: number, path: string, connections: number, seconds: number, bodyBytes: number): Promise<LoadRun> {
  const args = ["127.0.0.1", String(port), path, String(connections), String(seconds), String(bodyBytes)];
  return new Promise((resolve, reject) => {
    execFile(binary, args, { encoding: "utf8", timeout: (seconds + 30) * 1000 }, (error, out) => {
      if (error) return reject(error);
      const field = (name: string): number => {
        const m = new RegExp(`${name}=([\\d.]+)`).exec(out);
        if (!m) throw new Error(`loadgen output not understood: ${out}`);
        return Number(m[1]);
      };
      try {
        resolve({ requests: field("requests"), bytes: field("bytes"), errors: field("errors"), seconds: field("seconds"), cpu: field("cpu") });
      } catch (e) {
        reject(e);
      }
    });
  });
}
